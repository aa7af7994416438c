package rir

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

// addFileChunks seeds f with windows of a real file cut at line
// boundaries; windows after the first get the file's header line prepended
// so that they reach the record parser.
func addFileChunks(f *testing.F, rel string, size int) {
	f.Helper()
	data, err := os.ReadFile(testenv.File(f, rel))
	if err != nil {
		f.Fatal(err)
	}
	var head []byte
	for line := range bytes.Lines(data) {
		if len(line) > 0 && line[0] != '#' {
			head = line
			break
		}
	}
	for _, at := range []int{0, len(data) / 3, len(data) / 2, len(data) - size} {
		at = max(at, 0)
		if i := bytes.IndexByte(data[at:], '\n'); at > 0 && i >= 0 {
			at += i + 1
		}
		chunk := data[at:min(at+size, len(data))]
		if at > 0 {
			chunk = append(bytes.Clone(head), chunk...)
		}
		f.Add(chunk)
	}
}

func FuzzDelegated(f *testing.F) {
	for _, rf := range real {
		addFileChunks(f, rf.rel, 512)
	}
	for _, s := range []string{
		"", "2|x|1|0|0|0|0", header + "|3|19990401|arin",
		header + "a|ZZ|ipv4|0.0.0.0|4294967296|20000101|allocated",
		header + "a|ZZ|ipv4|255.255.255.255|1|20000101|allocated",
		header + "a|ZZ|ipv6|::|0|20000101|reserved|id|e1|e2",
		header + "a||asn|4294967295|1||available|\r\n",
		header + "a|*|asn|*|1|summary\na|*|asn|*|x|summary",
		header + "a|ZZ|ipv4|1.2.3.4|7|20000229|assigned",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz")
		var f File
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var ie *inputerr.Error
				if !errors.As(err, &ie) || ie.Record < 1 || ie.Offset < 0 || ie.Offset > int64(len(data)) {
					t.Fatalf("Next() error %v is not a located *inputerr.Error", err)
				}
				if r.fatal != nil {
					break
				}
				continue
			}
			checkRecord(t, r, rec)
			if rec.Type == IPv4 {
				if want, err := netip.ParseAddr(rec.Start.String()); err != nil || want != rec.Start {
					t.Fatalf("IPv4 start %v does not re-parse", rec.Start)
				}
			}
			f.Records = append(f.Records, rec)
		}
		f.Header, _ = r.Header()
		f.Summaries = r.Summaries()
		f.CheckSummaries()
		ix := NewIndex(&f)
		for _, rec := range f.Records {
			if rec.Type == ASN {
				if _, _, ok := ix.ASN(rec.FirstASN); !ok {
					t.Fatalf("ASN(%v) not found after indexing %v", rec.FirstASN, rec)
				}
			} else if _, ok := ix.Addr(rec.Start); !ok {
				t.Fatalf("Addr(%v) not found after indexing %v", rec.Start, rec)
			}
		}
	})
}

// checkRecord checks that a record reads back from its String form and
// that its prefixes cover exactly its addresses.
func checkRecord(t *testing.T, r *Reader, rec Record) {
	t.Helper()
	back, err := r.parseRecord(fieldsOf(rec.String()))
	if err != nil || back.String() != rec.String() {
		t.Fatalf("record %q reads back as %q, %v", rec.String(), back.String(), err)
	}
	ps := rec.Prefixes()
	switch rec.Type {
	case IPv4:
		var n uint64
		next := rec.Start
		for _, p := range ps {
			if p.Addr() != next || !p.IsValid() || p.Masked() != p {
				t.Fatalf("%v: prefixes %v not contiguous from %v", rec, ps, rec.Start)
			}
			n += 1 << (32 - p.Bits())
			next = lastAddr(p).Next()
		}
		if n != rec.Value {
			t.Fatalf("%v: prefixes %v cover %d addresses", rec, ps, n)
		}
	case IPv6:
		if len(ps) != 1 || ps[0].Masked() != ps[0] {
			t.Fatalf("%v: prefixes %v", rec, ps)
		}
	}
}

func fieldsOf(s string) [][]byte {
	var out [][]byte
	for f := range bytes.SplitSeq([]byte(s), []byte("|")) {
		out = append(out, f)
	}
	return out
}

// lastAddr returns the last address of p.
func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().As4()
	host := uint32(1)<<(32-p.Bits()) - 1
	if p.Bits() == 0 {
		host = ^uint32(0)
	}
	v := uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3]) | host
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}
