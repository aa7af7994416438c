package rislive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/testenv"
)

// A message in the shape of the RIS Live manual's example, with an
// AS_SET, two announcement groups and a withdrawal; a peer going down; a
// message of another type and a BGP KEEPALIVE, which have no elements.
const sample = `{"type":"ris_message","data":{"timestamp":1568279796.63,"peer":"192.0.2.7","peer_asn":"64496","id":"21-192-0-2-7-1","host":"rrc21","type":"UPDATE","path":[64496,64497,[64498,64499]],"community":[[64496,1]],"origin":"igp","announcements":[{"next_hop":"192.0.2.7","prefixes":["198.51.100.0/24","203.0.113.5/24"]},{"next_hop":"2001:db8::7","prefixes":["2001:db8:1::/48"]}],"withdrawals":["192.0.2.128/25"]}}

{"type":"pong","data":null}
{"type":"ris_message","data":{"timestamp":1568279797,"peer":"192.0.2.7","peer_asn":"64496","host":"rrc21","type":"KEEPALIVE"}}
{"type":"ris_message","data":{"timestamp":1568279800.000001,"peer":"2001:db8::9","peer_asn":"4200000000","host":"rrc21","type":"RIS_PEER_STATE","state":"down"}}
`

func TestReader_sample(t *testing.T) {
	r := NewReader(strings.NewReader(sample), "sample.ndjson")
	es, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range es {
		path := ""
		if e.Attrs != nil {
			path = e.Attrs.Path.String()
		}
		got = append(got, fmt.Sprintf("%d %d.%06d %s AS%d %s [%s]", e.Kind, e.Time, e.Micro, e.PeerIP, e.PeerAS, e.Prefix, path))
	}
	want := []string{
		fmt.Sprintf("%d 1568279796.630000 192.0.2.7 AS64496 192.0.2.128/25 []", mrt.KindWithdraw),
		fmt.Sprintf("%d 1568279796.630000 192.0.2.7 AS64496 198.51.100.0/24 [64496 64497 {64498,64499}]", mrt.KindAnnounce),
		fmt.Sprintf("%d 1568279796.630000 192.0.2.7 AS64496 203.0.113.0/24 [64496 64497 {64498,64499}]", mrt.KindAnnounce),
		fmt.Sprintf("%d 1568279796.630000 192.0.2.7 AS64496 2001:db8:1::/48 [64496 64497 {64498,64499}]", mrt.KindAnnounce),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("elements\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if o, ok := es[1].Attrs.Path.Origin(); ok || o != 0 {
		t.Errorf("a path ending in an AS_SET has no origin, got AS%d %v", o, ok)
	}
	es, err = r.Next()
	if err != nil || len(es) != 1 || es[0].Kind != mrt.KindState || es[0].OldState != 6 || es[0].NewState != 1 ||
		es[0].PeerAS != 4200000000 || es[0].Micro != 1 {
		t.Fatalf("peer down: %+v, %v", es, err)
	}
	if _, err := r.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("after the last message: %v, want EOF", err)
	}
}

func TestReader_badInput(t *testing.T) {
	good := `{"type":"ris_message","data":{"timestamp":1,"peer":"192.0.2.1","peer_asn":"1","host":"rrc00","type":"UPDATE","withdrawals":["192.0.2.0/24"]}}` + "\n"
	for name, c := range map[string]struct{ line, want string }{
		"not JSON":      {`{"type": "ris_message", "data": {`, "not a RIS Live message"},
		"bad peer":      {strings.Replace(good, `"192.0.2.1"`, `"not-an-ip"`, 1), `peer "not-an-ip"`},
		"bad peer ASN":  {strings.Replace(good, `"peer_asn":"1"`, `"peer_asn":"AS1"`, 1), `peer_asn "AS1"`},
		"bad prefix":    {strings.Replace(good, `192.0.2.0/24`, `192.0.2.0/33`, 1), `prefix "192.0.2.0/33"`},
		"bad path":      {`{"type":"ris_message","data":{"timestamp":1,"peer":"192.0.2.1","peer_asn":"1","type":"UPDATE","path":[1,"x"],"announcements":[{"prefixes":["192.0.2.0/24"]}]}}`, "path: want ASNs"},
		"ASN too large": {`{"type":"ris_message","data":{"timestamp":1,"peer":"192.0.2.1","peer_asn":"1","type":"UPDATE","path":[4294967296],"announcements":[{"prefixes":["192.0.2.0/24"]}]}}`, "path: want ASNs"},
		"bad time":      {strings.Replace(good, `"timestamp":1`, `"timestamp":-5`, 1), "timestamp -5 out of range"},
	} {
		r := NewReader(strings.NewReader(good+c.line+"\n"), "feed.ndjson")
		if _, err := r.Next(); err != nil {
			t.Fatalf("%s: first message: %v", name, err)
		}
		_, err := r.Next()
		var ie *inputerr.Error
		if !errors.As(err, &ie) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "feed.ndjson") ||
			ie.Record != 2 || ie.Offset != int64(len(good)) {
			t.Errorf("%s: %v (%+v); want line 2 at byte %d, %q", name, err, ie, len(good), c.want)
		}
	}
}

// TestRoundTrip_realUpdates writes every element of a real RIS updates
// dump as RIS Live messages and reads them back: each announcement,
// withdrawal and session end comes back as the MRT reader gave it (time
// to the microsecond, peer, prefix, path).
func TestRoundTrip_realUpdates(t *testing.T) {
	path := testenv.File(t, "mrt/updates/ris.rrc06.updates.1401488100.gz")
	dr, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer dr.Close()
	sc := mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{}), false)
	var want []string
	var buf bytes.Buffer
	w := NewWriter(&buf, "rrc06")
	for e := range sc.Elems() {
		ok, err := w.Write(e)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			want = append(want, elemText(e))
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	r := NewReader(&buf, "roundtrip")
	var got []string
	for {
		es, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for i := range es {
			got = append(got, elemText(&es[i]))
		}
	}
	if len(want) < 1000 {
		t.Fatalf("only %d elements in the dump", len(want))
	}
	if len(got) != len(want) {
		t.Fatalf("read back %d elements, wrote %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("element %d: read back %q, wrote %q", i, got[i], want[i])
		}
	}
	t.Logf("%d elements through RIS Live and back", len(got))
}

func elemText(e *mrt.Elem) string {
	path := ""
	if e.Attrs != nil && e.Kind == mrt.KindAnnounce {
		path = e.Attrs.Path.String()
	}
	state := ""
	if e.Kind == mrt.KindState {
		state = "down"
	}
	return fmt.Sprintf("%d %d.%06d %s AS%d %s [%s] %s", e.Kind, e.Time, e.Micro, e.PeerIP, e.PeerAS, e.Prefix, path, state)
}

func FuzzReader(f *testing.F) {
	for line := range strings.Lines(sample) {
		f.Add([]byte(line))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r := NewReader(bytes.NewReader(b), "fuzz")
		for range 100 {
			if _, err := r.Next(); err != nil {
				return
			}
		}
	})
}
