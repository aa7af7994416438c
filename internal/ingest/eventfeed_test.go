package ingest

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/irr"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/spec"
)

// TestDetector_routeEvidencePaths checks what the public event feed
// (docs/events.md) needs of a hijack's evidence: the route's kept AS
// paths, collector peer first, and its peers, for the culprit and the
// customer charge alike.
func TestDetector_routeEvidencePaths(t *testing.T) {
	s, err := spec.Get(spec.Default)
	if err != nil {
		t.Fatal(err)
	}
	seq := func(as ...bgp.ASN) PathInfo {
		return PathInfo{Path: bgp.Path{Segs: []bgp.Segment{{Type: bgp.SegSequence, End: int32(len(as))}}, ASNs: as}}
	}
	f := &Facts{Paths: []PathInfo{seq(64496, 3356, 64511), seq(64497, 64511, 64511)}}
	dt := &detector{d: &dataset.Set{}, s: s, f: f}
	rf := &RouteFact{Peers: []uint16{0, 1, 2}, First: 10, Last: 20, Upstreams: []bgp.ASN{3356}, Paths: []uint32{0, 1}}
	dt.route(RouteKey{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origin: 64511}, rf, Class{RPKI: rov.InvalidASN, IRR: irr.None})
	if len(dt.events) != 2 {
		t.Fatalf("%d events, want M2 and M2C", len(dt.events))
	}
	for _, e := range dt.events {
		if diff := cmp.Diff([]string{"64496 3356 64511", "64497 64511 64511"}, e.Evidence["paths"]); diff != "" {
			t.Errorf("%s paths mismatch (-want +got):\n%s", e.Metric, diff)
		}
		if e.Evidence["peers"] != 3 {
			t.Errorf("%s peers %v, want 3", e.Metric, e.Evidence["peers"])
		}
	}
}
