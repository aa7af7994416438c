package rtr

import (
	"bytes"
	"io"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// FuzzPDU decodes arbitrary bytes as a PDU stream. It must never panic, and
// every PDU that decodes must encode to bytes that decode to the same PDU.
func FuzzPDU(f *testing.F) {
	f.Add(hexBytes(f, stayrtrV2))
	f.Add(hexBytes(f, stayrtrBadVersion))
	f.Add(hexBytes(f, "00 07 0001 0000000c 0000002a"))
	f.Add(hexBytes(f, "01 09 01 00 00000024 abababababababababababababababababababab 0000fbf0 deadbeef"))
	f.Add(hexBytes(f, "01 0a 0000 00000018 00000008 0102000000000008 00000000"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rd := NewReader(bytes.NewReader(in))
		for range 64 {
			var p PDU
			err := rd.Next(&p)
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err != nil {
				if _, ok := err.(*DecodeError); !ok {
					t.Fatalf("Next() error %T %v, want *DecodeError", err, err)
				}
				return
			}
			enc, err := p.AppendBinary(nil)
			if err != nil {
				t.Fatalf("AppendBinary(%s) of a decoded PDU: %v", &p, err)
			}
			if len(enc) != len(rd.Raw()) {
				t.Fatalf("AppendBinary(%s) = %d bytes, decoded from %d", &p, len(enc), len(rd.Raw()))
			}
			var q PDU
			if _, err := q.Decode(enc); err != nil {
				t.Fatalf("Decode(AppendBinary(%s)): %v", &p, err)
			}
			if diff := cmp.Diff(p.String(), q.String()); diff != "" || !bytes.Equal(p.Data, q.Data) || !bytes.Equal(p.Text, q.Text) ||
				p.Refresh != q.Refresh || p.Retry != q.Retry || p.Expire != q.Expire || p.SKI != q.SKI {
				t.Fatalf("round trip mismatch: %s vs %s", &p, &q)
			}
		}
	})
}
