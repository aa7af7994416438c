package rtr

import (
	"bytes"
	"context"
	"io"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// resetResponse encodes the whole real VRP set as a version 1 answer to a
// Reset Query: Cache Response, one Prefix PDU per VRP, End of Data.
func resetResponse(b *testing.B) ([]byte, int) {
	vrps := sortedVRPs(realSample(b, 0, 1))
	buf, _ := (&PDU{Version: 1, Type: TypeCacheResponse, Session: 1}).AppendBinary(nil)
	for _, v := range vrps {
		p := PDU{Version: 1, Type: TypeIPv4Prefix, Flags: FlagAnnounce, Prefix: v.Prefix, MaxLen: v.MaxLen, ASN: v.ASN}
		if v.Prefix.Addr().Is6() {
			p.Type = TypeIPv6Prefix
		}
		var err error
		if buf, err = p.AppendBinary(buf); err != nil {
			b.Fatal(err)
		}
	}
	buf, _ = (&PDU{Version: 1, Type: TypeEndOfData, Session: 1, Serial: 1, Refresh: 3600, Retry: 600, Expire: 7200}).AppendBinary(buf)
	return buf, len(vrps)
}

// BenchmarkReader_Next decodes a full Reset response of the real VRP set
// (130,041 Prefix PDUs, 2.8 MB): framing and decoding only.
func BenchmarkReader_Next(b *testing.B) {
	stream, _ := resetResponse(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(stream)))
	var p PDU
	for b.Loop() {
		rd := NewReader(bytes.NewReader(stream))
		for {
			if err := rd.Next(&p); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReset decodes a full Reset response into a delta, commits it
// and indexes the snapshot: the client's whole work for one transfer,
// without the network.
func BenchmarkReset(b *testing.B) {
	stream, n := resetResponse(b)
	b.ReportAllocs()
	var p PDU
	for b.Loop() {
		rd := NewReader(bytes.NewReader(stream))
		base, d := newDataSet(), newDelta(true)
		for {
			err := rd.Next(&p)
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if p.Type == TypeIPv4Prefix || p.Type == TypeIPv6Prefix {
				if err := d.prefix(base, &p); err != nil {
					b.Fatal(err)
				}
			}
		}
		if _, _, _, err := d.commit(&base); err != nil {
			b.Fatal(err)
		}
		if s, err := base.snapshot(); err != nil || s.Len() != n {
			b.Fatalf("snapshot of %d VRPs: %v", s.Len(), err)
		}
	}
}

// BenchmarkFetch_stayrtr fetches the full real set from stayrtr over
// loopback (Client.Fetch, snapshot included), and BenchmarkRtrdump_stayrtr
// runs stayrtr's rtrdump on the same server, for the ratio in docs/rtr.md.
func BenchmarkFetch_stayrtr(b *testing.B) {
	addr := fullStayrtr(b)
	b.ReportAllocs()
	for b.Loop() {
		c := &Client{Addr: addr, Version: Version1}
		if _, _, err := c.Fetch(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRtrdump_stayrtr(b *testing.B) {
	addr := fullStayrtr(b)
	bin, out := testenv.Tool(b, "rtrdump"), filepath.Join(b.TempDir(), "out.json")
	for b.Loop() {
		if o, err := exec.Command(bin, "-connect", addr, "-rtr.version", "1", "-file", out).CombinedOutput(); err != nil {
			b.Fatalf("rtrdump: %v\n%s", err, o)
		}
	}
}

func fullStayrtr(b *testing.B) string {
	cache := filepath.Join(b.TempDir(), "vrps.json")
	writeStayrtrJSON(b, cache, realSample(b, 0, 1), nil)
	srv := startStayrtr(b, cache, "")
	// Wait until stayrtr serves the whole file.
	c := &Client{Addr: srv.addr, Version: Version1}
	if _, _, err := c.Fetch(context.Background()); err != nil {
		b.Fatal(err)
	}
	return srv.addr
}
