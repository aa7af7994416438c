package bgpdump_test

import (
	"bytes"
	"errors"
	"io"
	"path/filepath"
	"testing"

	"github.com/observatory-net/observatory/internal/bgpdump"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/testenv"
)

// seedMRT adds the first bytes of every real MRT file, and a slice from
// its middle, to the corpus.
func seedMRT(f *testing.F) {
	root := filepath.Join(testenv.SharedData(f), "mrt")
	matches, _ := filepath.Glob(filepath.Join(root, "*", "*"))
	more, _ := filepath.Glob(filepath.Join(root, "historical-quirks", "*", "*", "*"))
	for _, p := range append(matches, more...) {
		r, err := decompress.Open(p)
		if err != nil {
			continue
		}
		raw, _ := io.ReadAll(io.LimitReader(r, 1<<20))
		r.Close()
		f.Add(raw[:min(len(raw), 8<<10)], uint8(0))
		if len(raw) > 64<<10 {
			f.Add(raw[len(raw)/2:len(raw)/2+8<<10], uint8(1))
		}
	}
}

// FuzzDump feeds arbitrary bytes through framing, element decoding and
// the bgpdump formatter. It must never panic, every error must be located
// (an *inputerr.Error), and every printed line must end in a newline.
func FuzzDump(f *testing.F) {
	seedMRT(f)
	f.Fuzz(func(t *testing.T, data []byte, flags uint8) {
		var warnings []error
		opt := mrt.Options{Resync: flags&1 != 0, Warn: func(err error) { warnings = append(warnings, err) }}
		sc := mrt.NewScanner(mrt.NewReader(bytes.NewReader(data), "fuzz", opt), flags&2 != 0)
		var line []byte
		for e := range sc.Elems() {
			line = bgpdump.AppendLine(line[:0], e, bgpdump.Options{Large: flags&4 != 0, RecordIndex: flags&8 != 0})
			if len(line) == 0 || line[len(line)-1] != '\n' || bytes.Count(line, []byte{'\n'}) != 1 {
				t.Fatalf("bad line %q", line)
			}
			if e.Prefix.IsValid() && e.Prefix != e.Prefix.Masked() {
				t.Fatalf("unmasked prefix %s", e.Prefix)
			}
		}
		for _, err := range append(warnings, sc.Err()) {
			var ie *inputerr.Error
			if err != nil && !errors.As(err, &ie) {
				t.Fatalf("error without location: %v", err)
			}
		}
	})
}
