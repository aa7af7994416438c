package decompress

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
)

// externalBzip2 names the programs tried, in order, for bzip2 streams.
// lbzip2 decompresses on every core; bzip2(1) is about three times faster
// than Go's compress/bzip2 on one core. Set OBSERVATORY_BZIP2=go to use
// the pure-Go decoder only.
var externalBzip2 = []string{"lbzip2", "bzip2"}

// procReader reads a child process's standard output and reports the
// process's failure (a corrupt or truncated stream) as a read error.
type procReader struct {
	cmd    *exec.Cmd
	out    io.ReadCloser
	stderr *bytes.Buffer
	err    error
}

// startExternal runs "prog -dc" with src as its standard input.
func startExternal(src io.Reader) (*procReader, bool) {
	if os.Getenv("OBSERVATORY_BZIP2") == "go" {
		return nil, false
	}
	for _, name := range externalBzip2 {
		path, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		cmd := exec.Command(path, "-dc")
		cmd.Stdin = src
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			continue
		}
		if err := cmd.Start(); err != nil {
			continue
		}
		return &procReader{cmd: cmd, out: out, stderr: &stderr}, true
	}
	return nil, false
}

// Read returns the decompressed bytes; at the end of the output it waits
// for the process and turns a non-zero exit into an error.
func (p *procReader) Read(b []byte) (int, error) {
	if p.err != nil {
		return 0, p.err
	}
	n, err := p.out.Read(b)
	if err == io.EOF {
		if werr := p.cmd.Wait(); werr != nil {
			msg := strings.TrimSpace(p.stderr.String())
			p.err = fmt.Errorf("bzip2 stream: %s: %w", msg, io.ErrUnexpectedEOF)
			return n, p.err
		}
		p.err = io.EOF
	}
	return n, err
}

// Close stops the process if it still runs.
func (p *procReader) Close() error {
	if p.cmd.ProcessState == nil {
		p.out.Close()
		_ = p.cmd.Process.Kill()
		err := p.cmd.Wait()
		var ee *exec.ExitError
		if err != nil && !errors.As(err, &ee) {
			return err
		}
	}
	return nil
}
