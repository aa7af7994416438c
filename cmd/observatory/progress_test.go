package main

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// openPTY opens a pseudo-terminal pair: what is written to the terminal
// side can be read from the controller side.
func openPTY(t *testing.T) (controller, tty *os.File) {
	t.Helper()
	fd, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		// A system without pseudo-terminals (some containers) cannot
		// show a bar either.
		t.Skipf("no pseudo-terminal here: open /dev/ptmx: %v", err)
	}
	controller = os.NewFile(uintptr(fd), "/dev/ptmx")
	t.Cleanup(func() { controller.Close() })
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		t.Fatalf("unlock pty: %v", err)
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		t.Fatalf("pty number: %v", err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	return controller, tty
}

func TestProgress_OnlyOnATerminal(t *testing.T) {
	controller, tty := openPTY(t)
	p := newProgress(tty, false, 1000, "reading MRT")
	if !p.Enabled() {
		t.Fatal("no progress bar on a terminal")
	}
	p.Set(500)
	time.Sleep(150 * time.Millisecond) // past the render throttle
	p.Set(1000)
	p.Done()
	buf := make([]byte, 4096)
	controller.SetReadDeadline(time.Now().Add(2 * time.Second)) //nolint:errcheck // best effort
	n, _ := controller.Read(buf)
	if !bytes.Contains(buf[:n], []byte("reading MRT")) {
		t.Errorf("the terminal shows %q, want the bar", buf[:n])
	}

	if newProgress(tty, true, 1000, "x").Enabled() {
		t.Error("a bar under --quiet")
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	if newProgress(w, false, 1000, "x").Enabled() {
		t.Error("a bar in a pipe")
	}
	var b strings.Builder
	q := newProgress(&b, false, 1000, "x")
	q.Set(10)
	q.Describe("y")
	q.Done()
	if q.Enabled() || b.Len() != 0 {
		t.Errorf("a bar on a non-file writer: %q", b.String())
	}
}
