package asrel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// addFileChunks seeds f with a few windows of a real file, cut at line
// boundaries: the start (comment header), the middle and the end.
func addFileChunks(f *testing.F, rel string, size int) {
	f.Helper()
	data, err := os.ReadFile(testenv.File(f, rel))
	if err != nil {
		f.Fatal(err)
	}
	for _, at := range []int{0, len(data) / 3, len(data) / 2, len(data) - size} {
		at = max(at, 0)
		if i := bytes.IndexByte(data[at:], '\n'); at > 0 && i >= 0 {
			at += i + 1
		}
		f.Add(data[at:min(at+size, len(data))])
	}
}

func FuzzASRel(f *testing.F) {
	for _, rf := range realFiles {
		addFileChunks(f, rf.rel, 512)
	}
	for _, s := range []string{
		"", "\n", "#", "1|2|-1", "1|2|0|bgp\r\n3|4|-1|mlp", "1|2|0|\n", "1|1|0",
		"4294967295|0|-1", "4294967296|1|0", "|||", "1|2|-1|bgp|x", "1|2|1",
		"1|2|-1\n2|1|-1\n2|1|0\n", "\r\r\n\x00|1|0",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz")
		var b Builder
		var path []bgp.ASN
		for {
			l, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var ie *inputerr.Error
				if !errors.As(err, &ie) || ie.File != "fuzz" || ie.Record < 1 || ie.Offset < 0 || ie.Offset > int64(len(data)) {
					t.Fatalf("Next() error %v is not a located *inputerr.Error", err)
				}
				continue
			}
			// A link re-read from its canonical form must be the same link.
			line := fmt.Sprintf("%d|%d|%d", l.A, l.B, l.Rel)
			if l.Source != "" {
				line += "|" + l.Source
			}
			back, err := r.parse([]byte(line))
			if err != nil || back != l {
				t.Fatalf("re-reading %q = %+v, %v; want %+v", line, back, err, l)
			}
			if err := b.Add(l); err != nil {
				t.Fatalf("Add(%+v) of a link the Reader accepted: %v", l, err)
			}
			path = append(path, l.A, l.B)
		}
		g := b.Build()
		for i := 0; i+1 < len(path); i += 2 {
			a, c := path[i], path[i+1]
			if g.Relationship(a, c) == Unknown || g.Relationship(a, c) != g.Relationship(c, a).reverse() {
				t.Fatalf("Relationship(%v, %v) = %v but reverse = %v", a, c, g.Relationship(a, c), g.Relationship(c, a))
			}
			if n := g.CustomerConeSize(a); n < 1 || n > g.Len() {
				t.Fatalf("CustomerConeSize(%v) = %d outside [1, %d]", a, n, g.Len())
			}
		}
		res := g.CheckPath(path)
		if res.Hops > len(path) || (!res.Valid && (res.Leak.Index < 0 || res.Leak.Index >= len(path))) {
			t.Fatalf("CheckPath() = %+v for a path of %d", res, len(path))
		}
	})
}
