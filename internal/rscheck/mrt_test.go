package rscheck

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
)

// TestMRTRoutes_member builds a TABLE_DUMP_V2 RIB with three peers: a
// member whose path starts with its own AS, a member seen as AS_TRANS and
// the route server itself (a dump of its export): the member is the peer
// AS in the first case and the path's first AS in the other two.
func TestMRTRoutes_member(t *testing.T) {
	addr := netip.MustParseAddr
	peers := []mrttest.Peer{
		{IP: addr("192.0.2.1"), AS: 3333, AS4: true},    // member, its own path
		{IP: addr("192.0.2.2"), AS: 23456},              // 4-octet member, AS_TRANS
		{IP: addr("192.0.2.254"), AS: 64500, AS4: true}, // the route server
	}
	origin := mrttest.Attr(0x40, 1, []byte{0}) // ORIGIN IGP (RFC 4271 §5.1.1)
	entry := func(peer uint16, asns ...uint32) mrttest.Entry {
		return mrttest.Entry{PeerIndex: peer, Attrs: append(append([]byte(nil), origin...), mrttest.ASPath4(asns...)...)}
	}
	var in bytes.Buffer
	in.Write(mrttest.Record(1600000000, mrttest.TypeTableDumpV2, 1, 0, mrttest.PeerIndex(addr("192.0.2.254"), "", peers)))
	in.Write(mrttest.Record(1600000000, mrttest.TypeTableDumpV2, 2, 0, mrttest.RIB(0, netip.MustParsePrefix("193.0.0.0/21"), false, []mrttest.Entry{
		entry(0, 3333),
		entry(1, 198916, 3333),
		entry(2, 15169, 3333),
	})))

	type got struct {
		Member, PeerAS bgp.ASN
		Path           string
	}
	var routes []got
	sc := mrt.NewScanner(mrt.NewReader(&in, "synthetic", mrt.Options{}), true)
	for r, err := range MRTRoutes(sc) {
		if err != nil {
			t.Fatal(err)
		}
		routes = append(routes, got{r.Member, r.PeerAS, r.Path.String()})
	}
	want := []got{
		{3333, 0, "3333"},
		{198916, 23456, "198916 3333"},
		{15169, 64500, "15169 3333"},
	}
	if diff := cmp.Diff(want, routes); diff != "" {
		t.Errorf("MRTRoutes() mismatch (-want +got):\n%s", diff)
	}
}
