package rtr

import (
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
)

// hexBytes decodes hex with spaces, newlines and "|"-comments ignored.
func hexBytes(t testing.TB, s string) []byte {
	t.Helper()
	var clean strings.Builder
	for line := range strings.Lines(s) {
		line, _, _ = strings.Cut(line, "|")
		clean.WriteString(strings.Join(strings.Fields(line), ""))
	}
	b, err := hex.DecodeString(clean.String())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// stayrtrV2 is what stayrtr 0.5.1 answered to a version 2 Reset Query
// (docs real-peers.md §2, captured on loopback), followed by the Serial
// Notify it sent on a later refresh.
const stayrtrV2 = `
02 03 f248 00000008                                   | Cache Response, session 0xf248 (RFC 8210 §5.5)
02 06 0000 00000020 01 20 30 00 20010db8000000000000000000000000 0000fbf2 | IPv6 Prefix 2001:db8::/32-48 AS64498 (§5.7)
02 04 0000 00000014 01 18 20 00 cb007100 00000000     | IPv4 Prefix 203.0.113.0/24-32 AS0 (§5.6)
02 0b 0000 00000018 01 00 0002 0000fbf0 0000fbf4 0000fbf5 | ASPA announce, IPv4, customer 64496 -> 64500 64501 (draft-10)
02 0b 0000 00000014 01 01 0001 0000fbf2 0000fbf6     | ASPA announce, IPv6, customer 64498 -> 64502
02 07 f248 00000018 00000002 00000e10 00000258 00001c20 | End of Data serial 2, refresh 3600 retry 600 expire 7200 (§5.8)
02 00 f248 0000000c 00000003                          | Serial Notify serial 3 (§5.2)
`

// stayrtrBadVersion is stayrtr's answer to a version 3 Reset Query: an
// Error Report of version 0, no encapsulated PDU, a NUL-terminated text.
const stayrtrBadVersion = `
00 0a 0004 00000025  | Error Report, Unsupported Protocol Version, length 37 (§5.11)
00000000             | no encapsulated PDU
00000015 4261642070726f746f636f6c2076657273696f6e00 | "Bad protocol version\x00"
`

func TestReader_Next_stayrtr(t *testing.T) {
	want := []PDU{
		{Version: 2, Type: TypeCacheResponse, Session: 0xf248},
		{Version: 2, Type: TypeIPv6Prefix, Flags: 1, Prefix: netip.MustParsePrefix("2001:db8::/32"), MaxLen: 48, ASN: 64498},
		{Version: 2, Type: TypeIPv4Prefix, Flags: 1, Prefix: netip.MustParsePrefix("203.0.113.0/24"), MaxLen: 32, ASN: 0},
		{Version: 2, Type: TypeASPA, Flags: 1, AFIFlags: 0, ASN: 64496, Data: EncodeProviders([]bgp.ASN{64500, 64501})},
		{Version: 2, Type: TypeASPA, Flags: 1, AFIFlags: 1, ASN: 64498, Data: EncodeProviders([]bgp.ASN{64502})},
		{Version: 2, Type: TypeEndOfData, Session: 0xf248, Serial: 2, Refresh: 3600, Retry: 600, Expire: 7200},
		{Version: 2, Type: TypeSerialNotify, Session: 0xf248, Serial: 3},
		{Version: 0, Type: TypeErrorReport, Code: CodeUnsupportedVersion, Data: []byte{}, Text: []byte("Bad protocol version\x00")},
	}
	stream := append(hexBytes(t, stayrtrV2), hexBytes(t, stayrtrBadVersion)...)
	// One byte per Read: framing must survive any split.
	rd := NewReader(&oneByteReader{bytes.NewReader(stream)})
	var got []PDU
	for {
		var p PDU
		err := rd.Next(&p)
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next after %d PDUs: %v", len(got), err)
		}
		p.Data, p.Text = bytes.Clone(p.Data), bytes.Clone(p.Text)
		got = append(got, p)
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("Next() mismatch (-want +got):\n%s", diff)
	}
	// Every PDU encodes back to stayrtr's bytes.
	var enc []byte
	for i := range got {
		var err error
		if enc, err = got[i].AppendBinary(enc); err != nil {
			t.Fatalf("AppendBinary(%s): %v", &got[i], err)
		}
	}
	if !bytes.Equal(enc, stream) {
		t.Errorf("AppendBinary() =\n%x\nwant\n%x", enc, stream)
	}
	if got[3].NumProviders() != 2 {
		t.Errorf("NumProviders() = %d, want 2", got[3].NumProviders())
	}
}

type oneByteReader struct{ r io.Reader }

func (o *oneByteReader) Read(p []byte) (int, error) { return o.r.Read(p[:min(len(p), 1)]) }

func TestPDU_Decode_versions(t *testing.T) {
	// End of Data of RFC 6810 (version 0) is 12 bytes and has no timers.
	v0 := hexBytes(t, "00 07 0001 0000000c 0000002a")
	var p PDU
	if n, err := p.Decode(v0); err != nil || n != 12 || p.Serial != 42 || p.Session != 1 {
		t.Fatalf("Decode(v0 End of Data) = %d, %v, %s", n, err, &p)
	}
	// A Reset Query of each version.
	for v := Version0; v <= MaxVersion; v++ {
		b, err := (&PDU{Version: v, Type: TypeResetQuery}).AppendBinary(nil)
		if err != nil || !bytes.Equal(b, []byte{byte(v), 2, 0, 0, 0, 0, 0, 8}) {
			t.Errorf("Reset Query v%d = %x, %v", v, b, err)
		}
	}
	// Router Key (RFC 8210 §5.10): decoded, and its SPKI kept aside.
	rk := hexBytes(t, "01 09 01 00 00000024 "+strings.Repeat("ab", 20)+" 0000fbf0 deadbeef")
	if n, err := p.Decode(rk); err != nil || n != 36 || p.ASN != 64496 || !bytes.Equal(p.Data, []byte{0xde, 0xad, 0xbe, 0xef}) {
		t.Fatalf("Decode(Router Key) = %d, %v, %s", n, err, &p)
	}
}

func TestPDU_Decode_malformed(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  error
		code  ErrorCode
		ptype Type
	}{
		{"short header", "01 03 0000 0000", ErrTruncated, CodeCorruptData, 0},
		{"short body", "01 04 0000 00000014 01 18 20 00", ErrTruncated, CodeCorruptData, TypeIPv4Prefix},
		{"version 3", "03 02 0000 00000008", ErrVersion, CodeUnsupportedVersion, TypeResetQuery},
		{"length below header", "01 02 0000 00000004", ErrLength, CodeCorruptData, TypeResetQuery},
		{"length above max", "01 02 0000 7fffffff", ErrLength, CodeCorruptData, TypeResetQuery},
		{"reserved type 5", "01 05 0000 00000008", ErrType, CodeUnsupportedType, 5},
		{"type 12", "01 0c 0000 00000008", ErrType, CodeUnsupportedType, 12},
		{"ASPA in version 1", "01 0b 0000 00000010 01 00 0000 0000fbf0", ErrType, CodeUnsupportedType, TypeASPA},
		{"Router Key in version 0", "00 09 0000 00000020" + strings.Repeat("00", 24), ErrType, CodeUnsupportedType, TypeRouterKey},
		{"IPv4 prefix of 21 bytes", "01 04 0000 00000015 01 18 20 00 cb007100 00000000 00", ErrLength, CodeCorruptData, TypeIPv4Prefix},
		{"prefix length 33", "01 04 0000 00000014 01 21 21 00 cb007100 00000000", ErrCorrupt, CodeCorruptData, TypeIPv4Prefix},
		{"max length below prefix", "01 04 0000 00000014 01 18 10 00 cb007100 00000000", ErrCorrupt, CodeCorruptData, TypeIPv4Prefix},
		{"IPv6 max length 129", "01 06 0000 00000020 01 20 81 00 20010db8000000000000000000000000 0000fbf2", ErrCorrupt, CodeCorruptData, TypeIPv6Prefix},
		{"host bits", "01 04 0000 00000014 01 18 18 00 cb007101 00000000", ErrCorrupt, CodeCorruptData, TypeIPv4Prefix},
		{"v1 End of Data of 12 bytes", "01 07 0001 0000000c 00000001", ErrLength, CodeCorruptData, TypeEndOfData},
		{"v0 End of Data of 24 bytes", "00 07 0001 00000018 00000001 00000e10 00000258 00001c20", ErrLength, CodeCorruptData, TypeEndOfData},
		{"Serial Notify of 16 bytes", "01 00 0001 00000010 00000001 00000000", ErrLength, CodeCorruptData, TypeSerialNotify},
		{"ASPA count too high", "02 0b 0000 00000014 01 00 0002 0000fbf0 0000fbf4", ErrLength, CodeCorruptData, TypeASPA},
		{"ASPA too short", "02 0b 0000 0000000c 01 00 0000", ErrLength, CodeCorruptData, TypeASPA},
		{"error PDU length overflow", "01 0a 0000 00000010 ffffffff 00000000", ErrCorrupt, CodeCorruptData, TypeErrorReport},
		{"error text length mismatch", "01 0a 0000 00000012 00000000 00000001 4142", ErrCorrupt, CodeCorruptData, TypeErrorReport},
		{"Router Key too short", "01 09 0000 0000001c" + strings.Repeat("00", 20), ErrLength, CodeCorruptData, TypeRouterKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := hexBytes(t, tt.in)
			var p PDU
			_, err := p.Decode(in)
			var de *DecodeError
			if !errors.As(err, &de) || !errors.Is(err, tt.want) {
				t.Fatalf("Decode() error = %v, want a *DecodeError wrapping %v", err, tt.want)
			}
			if de.Type != tt.ptype || Code(err) != tt.code {
				t.Errorf("Decode() error type %s code %s, want %s and %s", de.Type, Code(err), tt.ptype, tt.code)
			}
			// Through a Reader, after one valid PDU: the offset is the
			// PDU's in the stream.
			stream := append(hexBytes(t, "01 02 0000 00000008"), in...)
			rd := NewReader(bytes.NewReader(stream))
			if err := rd.Next(&p); err != nil {
				t.Fatal(err)
			}
			err = rd.Next(&p)
			if errors.Is(tt.want, ErrTruncated) {
				if err != io.ErrUnexpectedEOF {
					t.Errorf("Reader.Next() = %v, want io.ErrUnexpectedEOF", err)
				}
				return
			}
			if !errors.As(err, &de) || de.Offset != 8 {
				t.Errorf("Reader.Next() = %v, want a DecodeError at offset 8", err)
			}
			if !strings.Contains(err.Error(), "offset 8") {
				t.Errorf("error %q does not name the offset", err)
			}
		})
	}
}

func TestPDU_AppendBinary_refuses(t *testing.T) {
	for _, p := range []PDU{
		{Version: 3, Type: TypeResetQuery},
		{Version: 1, Type: 5},
		{Version: 1, Type: TypeIPv4Prefix, Prefix: netip.MustParsePrefix("2001:db8::/32"), MaxLen: 32},
		{Version: 1, Type: TypeIPv6Prefix, Prefix: netip.MustParsePrefix("::ffff:192.0.2.0/120"), MaxLen: 120},
		{Version: 1, Type: TypeIPv4Prefix, Prefix: netip.MustParsePrefix("192.0.2.1/24"), MaxLen: 24},
		{Version: 1, Type: TypeIPv4Prefix, Prefix: netip.MustParsePrefix("192.0.2.0/24"), MaxLen: 23},
		{Version: 1, Type: TypeIPv4Prefix},
		{Version: 2, Type: TypeASPA, Data: []byte{1, 2, 3}},
	} {
		if b, err := p.AppendBinary([]byte{0xff}); err == nil || len(b) != 1 {
			t.Errorf("AppendBinary(%s) = %x, %v; want an error and nothing appended", &p, b, err)
		}
	}
}
