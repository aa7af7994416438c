package bogon

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"os"
	"testing"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// addFileChunks seeds f with windows of a real file cut at line boundaries.
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

func FuzzFullbogons(f *testing.F) {
	addFileChunks(f, "bogons/fullbogons-ipv4.txt", 512)
	addFileChunks(f, "bogons/fullbogons-ipv6.txt", 512)
	for _, s := range []string{
		"", "#", "# last updated 99999999999999999999 (x)\n0.0.0.0/0",
		"::/0\n::/128\n255.255.255.255/32", "10.0.0.1/8", "1.2.3.4", "::ffff:1.2.3.0/120",
		"fe80::%eth0/64", " \t2001:db8::/32\t\r\n", "192.0.0.9/32\n192.0.0.0/24\n",
	} {
		f.Add([]byte(s))
	}
	builtin := Builtin()
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewListReader(bytes.NewReader(data), "fuzz")
		var b Builder
		var got []netip.Prefix
		for {
			p, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var ie *inputerr.Error
				if !errors.As(err, &ie) || ie.Record < 1 || ie.Offset < 0 || ie.Offset > int64(len(data)) {
					t.Fatalf("Next() error %v is not a located *inputerr.Error", err)
				}
				continue // after a read error, Next returns io.EOF
			}
			if !p.IsValid() || p.Masked() != p {
				t.Fatalf("Next() returned non-canonical %v", p)
			}
			b.AddPrefix(p, "fuzz")
			got = append(got, p)
		}
		s := b.Build()
		for _, p := range got {
			k, reason := s.Prefix(p)
			bk, breason := builtin.Prefix(p)
			switch {
			case bk == Full && (k != Full || reason != breason):
				t.Fatalf("Prefix(%v) = %v %q, built-in says %v %q", p, k, reason, bk, breason)
			case bk != Full && k != Administrative:
				t.Fatalf("Prefix(%v) = %v, want Administrative after adding it", p, k)
			}
			if ok, _ := s.Overlaps(p); ok < k {
				t.Fatalf("Overlaps(%v) = %v is weaker than Prefix() = %v", p, ok, k)
			}
		}
	})
}
