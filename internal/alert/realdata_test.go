package alert

import (
	"context"
	"maps"
	"net/netip"
	"slices"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/decompress"
	"github.com/observatory-net/observatory/internal/mrt"
	"github.com/observatory-net/observatory/internal/rov"
	"github.com/observatory-net/observatory/internal/rpki"
	"github.com/observatory-net/observatory/internal/testenv"
)

const (
	realUpdates = "mrt/updates/updates.20160811.1600.gz"  // RIS rrc21, 2016-08-11 16:00-16:05, 40 peers
	realVRPs    = "rpki/vrps-20200217-bgpsquelch-roa.csv" // the global VRP set of 2020-02-17
)

// realWatch watches real ROA prefixes of the 2020 VRP set with the
// origins their ROAs name: their 2016 routes (before those ROAs) include
// routes that are invalid under them.
const realWatch = `
prefixes:
  - {name: colombia-telecom, prefix: 191.104.0.0/13, origins: [AS3816]}
  - {name: chinanet-jilin, prefix: 218.62.128.0/17, origins: [AS4134]}
  - {name: as131586, prefix: 106.106.0.0/16, origins: [AS131586]}
  - {name: as8764, prefix: 212.59.0.0/19, origins: [AS8764]}
  - {name: as51088, prefix: 46.244.96.0/19, origins: [AS51088]}
  - {name: as203877, prefix: 2a01:6440::/32, origins: [AS203877]}
  - {name: ripe-ncc, prefix: 193.0.0.0/21, origins: [AS3333]}
`

var realSnap struct {
	once sync.Once
	s    *rpki.Snapshot
	err  error
}

func loadRealVRPs(t *testing.T) *rpki.Snapshot {
	path := testenv.File(t, realVRPs)
	realSnap.once.Do(func() {
		// One VRP of the file has a negative origin: skipped, as
		// observatory validate --skip-invalid does.
		d, err := rpki.Loader{SkipInvalid: true}.Load(context.Background(), path)
		if err == nil {
			realSnap.s, realSnap.err = d.Snapshot()
		} else {
			realSnap.err = err
		}
	})
	if realSnap.err != nil {
		t.Fatal(realSnap.err)
	}
	return realSnap.s
}

func openMRT(t *testing.T, rel string) *mrt.Scanner {
	path := testenv.File(t, rel)
	dr, err := decompress.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { dr.Close() })
	return mrt.NewScanner(mrt.NewReader(dr, path, mrt.Options{}), false)
}

type pair struct {
	Prefix netip.Prefix
	Origin bgp.ASN
}

func sortPairs(m map[pair]bool) []pair {
	out := slices.Collect(maps.Keys(m))
	slices.SortFunc(out, func(a, b pair) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		if c := a.Prefix.Bits() - b.Prefix.Bits(); c != 0 {
			return c
		}
		return int(a.Origin) - int(b.Origin)
	})
	return out
}

// TestEngine_realUpdates replays a real RIS update file against real VRPs
// and a watch list of real prefixes, and checks that the routes for which
// rpki-invalid incidents opened are exactly the routes (prefix, origin)
// under a watched prefix that internal/rov finds invalid, and the hijack
// incidents exactly those whose origin is not the watched prefix's.
func TestEngine_realUpdates(t *testing.T) {
	vrps := loadRealVRPs(t)
	w := mustWatch(t, realWatch)
	covered := func(p netip.Prefix) *PrefixWatch {
		var best *PrefixWatch
		for i := range w.Prefixes {
			if wp := &w.Prefixes[i]; wp.Prefix.Overlaps(p) && wp.Prefix.Bits() <= p.Bits() && (best == nil || wp.Prefix.Bits() > best.Prefix.Bits()) {
				best = wp
			}
		}
		return best
	}
	wantInvalid, wantHijack := map[pair]bool{}, map[pair]bool{}
	for r, err := range rov.MRTRoutes(openMRT(t, realUpdates)) {
		if err != nil {
			t.Fatal(err)
		}
		wp := covered(r.Prefix)
		if wp == nil {
			continue
		}
		if rov.Validate(vrps, r.Prefix, r.Origin).Invalid() {
			wantInvalid[pair{r.Prefix, r.Origin}] = true
		}
		if r.Origin != rov.NoOrigin && !slices.Contains(wp.Origins, r.Origin) {
			wantHijack[pair{r.Prefix, r.Origin}] = true
		}
	}

	e := NewEngine(w, vrps, Options{})
	gotInvalid, gotHijack := map[pair]bool{}, map[pair]bool{}
	var evs []Event
	opens, closes := 0, 0
	for o := range MRTObservations(openMRT(t, realUpdates), "rrc21") {
		evs = e.Observe(evs[:0], o)
		for _, ev := range evs {
			in := ev.Incident
			if ev.Type == EventClose {
				closes++
				if in.Duration < 0 || in.Closed.Before(in.Opened) {
					t.Errorf("%s closed before it opened", in.ID)
				}
				continue
			}
			opens++
			switch in.Kind {
			case RPKIInvalid:
				gotInvalid[pair{in.Prefix, in.Origin}] = true
			case OriginHijack, SubPrefixHijack:
				gotHijack[pair{in.Prefix, in.Origin}] = true
			}
		}
	}
	if diff := cmp.Diff(sortPairs(wantInvalid), sortPairs(gotInvalid), cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("rpki-invalid routes mismatch (-rov +engine):\n%s", diff)
	}
	if diff := cmp.Diff(sortPairs(wantHijack), sortPairs(gotHijack), cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("hijacked routes mismatch (-reference +engine):\n%s", diff)
	}
	if len(wantInvalid) == 0 || len(wantHijack) == 0 {
		t.Errorf("the reference finds %d invalid and %d hijacked routes: the test checks nothing", len(wantInvalid), len(wantHijack))
	}
	s := e.Stats()
	t.Logf("%d observations, %d routes kept, %d incidents opened, %d closed, open at the end %v; %d invalid and %d hijacked routes",
		s.Observations, s.Routes, opens, closes, s.Open, len(wantInvalid), len(wantHijack))
}
