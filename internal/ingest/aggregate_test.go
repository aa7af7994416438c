package ingest

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/mrt/mrttest"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// aggregateWorld is a hand-made month: five collector peers see
//   - AS3333 (NL): 193.0.0.0/21 RPKI valid, 193.0.10.0/23 not found;
//   - AS12654 (NL): 84.205.64.0/24, RPKI invalid (the ROA names AS3333);
//   - AS278 (MX): 132.248.0.0/16 and 132.248.1.0/24 inside it, not found;
//   - AS7018 (US): 150 /24s, not found, all through transit AS174.
//
// AS174 (in the delegated statistics, so measured) passes on 150 routes,
// none invalid: it filters. Every peer passes
// on AS12654's invalid route: none filters.
func aggregateWorld(t *testing.T) (*dataset.Set, *participants.List) {
	t.Helper()
	dir := t.TempDir()
	peerASNs := []uint32{701, 1299, 2914, 3356, 6939}
	var peers []mrttest.Peer
	for i, a := range peerASNs {
		peers = append(peers, mrttest.Peer{AS: a, AS4: true, IP: netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)})})
	}
	const ts = 1400000000
	rib := mrttest.Record(ts, 13, 1, 0, mrttest.PeerIndex(netip.MustParseAddr("192.0.2.254"), "test", peers))
	seq := uint32(0)
	route := func(p string, path ...uint32) {
		var es []mrttest.Entry
		for i, a := range peerASNs {
			attrs := append(mrttest.Attr(0x40, 1, []byte{0}), mrttest.ASPath4(append([]uint32{a}, path...)...)...)
			es = append(es, mrttest.Entry{PeerIndex: uint16(i), Originated: ts, Attrs: attrs})
		}
		rib = append(rib, mrttest.Record(ts, 13, 2, 0, mrttest.RIB(seq, netip.MustParsePrefix(p), false, es))...)
		seq++
	}
	// In address order, as a RIB dump is.
	route("84.205.64.0/24", 12654)
	route("132.248.0.0/16", 278)
	route("132.248.1.0/24", 278)
	for i := range 150 {
		route(netip.PrefixFrom(netip.AddrFrom4([4]byte{135, byte(i), 0, 0}), 24).String(), 174, 7018)
	}
	route("193.0.0.0/21", 3333)
	route("193.0.10.0/23", 3333)
	write(t, dir, "rib.mrt", string(rib))
	write(t, dir, "vrps.csv", "ASN,IP Prefix,Max Length,Trust Anchor\nAS3333,193.0.0.0/21,21,ripe\nAS3333,84.205.64.0/24,24,ripe\n")
	write(t, dir, "delegated-ripencc", strings.Join([]string{
		"2|ripencc|1400623199|6|19830705|20140520|+0200",
		"ripencc|*|asn|*|6|summary",
		"ripencc|NL|asn|3333|1|19930901|allocated",
		"ripencc|NL|asn|12654|1|19930901|allocated",
		"lacnic|MX|asn|278|1|19930901|allocated",
		"arin|US|asn|7018|1|19930901|assigned",
		"arin|US|asn|174|1|19930901|assigned", ""}, "\n"))
	files, err := dataset.Discover(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	set, err := dataset.Load(context.Background(), files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	parts, err := participants.Read(strings.NewReader("organisation,asns\nRIPE NCC,AS3333\nUNAM,278\n"), "participants.csv")
	if err != nil {
		t.Fatal(err)
	}
	return set, parts
}

func write(t *testing.T, dir, name, content string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// aggregateMonth computes the month of aggregateWorld.
func aggregateMonth(t *testing.T) *store.Month {
	t.Helper()
	set, parts := aggregateWorld(t)
	s, _ := spec.Get(spec.Default)
	m, err := Compute(context.Background(), Config{Month: time.Unix(1400000000, 0), Spec: s, Data: set, Participants: parts, AllTime: true})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCompute_ROAStats(t *testing.T) {
	m := aggregateMonth(t)
	got := map[string]store.ROAStat{}
	for _, r := range m.ROAStats {
		got[r.Scope+"/"+r.Key+"/"+string(rune('0'+r.Family))] = r
	}
	for _, want := range []store.ROAStat{
		{Scope: "asn", Key: "AS3333", Family: 4, Valid: 1, NotFound: 1, ValidSpace: 2048, NotFoundSpace: 512},
		{Scope: "asn", Key: "AS12654", Family: 4, Invalid: 1, InvalidSpace: 256},
		// The /24 inside the /16 counts as an announcement, not as space.
		{Scope: "asn", Key: "AS278", Family: 4, NotFound: 2, NotFoundSpace: 65536},
		{Scope: "economy", Key: "NL", Family: 4, Valid: 1, Invalid: 1, NotFound: 1, ValidSpace: 2048, InvalidSpace: 256, NotFoundSpace: 512},
		{Scope: "region", Key: "Europe", Family: 4, Valid: 1, Invalid: 1, NotFound: 1, ValidSpace: 2048, InvalidSpace: 256, NotFoundSpace: 512},
		{Scope: "subregion", Key: "Western Europe", Family: 4, Valid: 1, Invalid: 1, NotFound: 1, ValidSpace: 2048, InvalidSpace: 256, NotFoundSpace: 512},
		{Scope: "rir", Key: "RIPE NCC", Family: 4, Valid: 1, Invalid: 1, NotFound: 1, ValidSpace: 2048, InvalidSpace: 256, NotFoundSpace: 512},
		{Scope: "economy", Key: "US", Family: 4, NotFound: 150, NotFoundSpace: 150 * 256},
		{Scope: "region", Key: "Americas", Family: 4, NotFound: 152, NotFoundSpace: 150*256 + 65536},
		{Scope: "participants", Key: "netops", Family: 4, Valid: 1, NotFound: 3, ValidSpace: 2048, NotFoundSpace: 512 + 65536},
		{Scope: "world", Key: "world", Family: 4, Valid: 1, Invalid: 1, NotFound: 153, ValidSpace: 2048, InvalidSpace: 256, NotFoundSpace: 512 + 65536 + 150*256},
	} {
		k := want.Scope + "/" + want.Key + "/" + string(rune('0'+want.Family))
		if got[k] != want {
			t.Errorf("%s:\n got %+v\nwant %+v", k, got[k], want)
		}
	}
	if _, ok := got["world/world/6"]; ok {
		t.Error("an IPv6 row without IPv6 routes")
	}
}

func TestCompute_Aggregates(t *testing.T) {
	m := aggregateMonth(t)
	aggs := map[string]store.Aggregate{}
	for _, a := range m.Aggregates {
		aggs[a.Scope+"/"+a.Key+"/"+a.Score] = a
	}
	// Means and level counts recomputed from the ASN records.
	for _, scope := range []struct{ name, key string }{{"world", "world"}, {"economy", "NL"}, {"participants", "netops"}} {
		for _, id := range exportScoreIDs {
			var sum float64
			var n, ready, nodata int
			for _, rec := range m.ASNs {
				in := scope.name == "world" || (scope.name == "economy" && rec.Country == scope.key) || (scope.name == "participants" && rec.Participant)
				if !in {
					continue
				}
				for _, sc := range rec.Scores {
					if sc.ID != id {
						continue
					}
					if sc.HasData {
						sum += sc.Value
						n++
					} else {
						nodata++
					}
					if sc.Level == "ready" {
						ready++
					}
				}
			}
			a := aggs[scope.name+"/"+scope.key+"/"+id]
			if n > 0 && a.Value != sum/float64(n) || a.Ready != ready || a.NoData != nodata {
				t.Errorf("%s/%s/%s = %+v, want mean %v of %d, %d ready, %d without data", scope.name, scope.key, id, a, sum/float64(n), n, ready, nodata)
			}
		}
	}
	var participantASNs []uint32
	for _, rec := range m.ASNs {
		if rec.Participant {
			participantASNs = append(participantASNs, rec.ASN)
		}
	}
	if len(participantASNs) != 2 || participantASNs[0] != 278 || participantASNs[1] != 3333 {
		t.Errorf("participants marked: %v, want [278 3333]", participantASNs)
	}
	if len(m.Participants) != 2 {
		t.Errorf("%d participants stored, want 2", len(m.Participants))
	}
	// Shares: of the four origins AS3333 alone has a valid ROA.
	if a := aggs["world/world/"+string(vocab.ROAValidShare)]; a.Ready != 1 || a.Lag != 3 || a.Value != 0.25 {
		t.Errorf("world ROA-valid share = %+v, want 1 of 4", a)
	}
	if a := aggs["participants/netops/"+string(vocab.ROAValidShare)]; a.Ready != 1 || a.Lag != 1 || a.Value != 0.5 {
		t.Errorf("participants ROA-valid share = %+v, want 1 of 2", a)
	}
	// AS174 passed on 150 routes, none invalid; the five peers passed on
	// 155 routes each, one of them invalid; no other AS passed on 100.
	if a := aggs["world/world/"+string(vocab.ROVFilteringShare)]; a.Ready != 1 || a.Lag != 5 || a.Value != 1.0/6 {
		t.Errorf("world ROV-filtering share = %+v, want 1 of 6", a)
	}
	// ROV inferred (rovinfer): the five peers propagated AS12654's invalid
	// route and dropped none (does not); AS174 carries only valid and
	// not-found routes of an origin with no invalid one (no evidence).
	if a := aggs["world/world/"+string(vocab.ROVDeployedShare)]; a.Ready != 0 || a.Lag != 5 || a.Value != 0 {
		t.Errorf("world ROV-deployed share = %+v, want 0 of 5 judged", a)
	}
}

var exportScoreIDs = []string{"filtering", "antiSpoofing", "coordination", "routingInformationIRR", "routingInformationRPKI"}
