package outreach

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Target is a non-participant network ranked for outreach.
type Target struct {
	Rank      int // 1 for the first
	ASN       uint32
	Holder    string
	Country   string
	Region    string
	SubRegion string
	RIR       string
	Cone      int   // customer cone size (store.ASN.Cone)
	Space4    int64 // IPv4 addresses originated
	Space6    int64 // IPv6 /64s originated
	Incidents int   // the month's incidents charged to it, excluded ones not counted
	Ready     int   // Actions at level ready
	Actions   int   // Actions scored (the specification's)
	Impact    float64
	Readiness float64 // Ready / Actions, 0 when none
	Priority  float64
}

// Query selects the networks ranked: all of them, or those of one region
// (Region matches a UN region, sub-region or RIR) or one economy (ISO
// 3166 alpha-2), case-insensitively. Top, when positive, keeps the first
// Top.
type Query struct {
	Region  string
	Economy string
	Top     int
}

// Impact is a network's weight on routing security (docs/outreach.md):
//
//	ln(1 + cone) + ln(1 + space4 / 2^8) + ln(1 + space6 / 2^32) + ln(1 + incidents)
//
// with the address space in IPv4 /24s and IPv6 /32s (space6 is in /64s),
// each term logarithmic so that no one of them swamps the others.
func Impact(cone int, space4, space6 int64, incidents int) float64 {
	return math.Log1p(float64(cone)) + math.Log1p(float64(space4)/(1<<8)) +
		math.Log1p(float64(space6)/(1<<32)) + math.Log1p(float64(incidents))
}

// Priority is the ranking key (docs/outreach.md): Impact × (1 +
// readiness), readiness being the share of the specification's Actions
// the network is already ready on. Of two networks of the same impact the
// nearly conformant one comes first (an easy win); readiness at most
// doubles the weight, so a large network far from conformance still ranks
// above a small ready one.
func Priority(impact, readiness float64) float64 { return impact * (1 + readiness) }

// Rank ranks the networks of asns that are not participants, neither in
// their month record nor in registered, and that q selects: by Priority
// descending, then cone size descending, then ASN ascending, so that the
// order is total and the same on every run. incidents are the month's
// incidents (Store.Incidents for every ASN).
func Rank(asns []store.ASN, incidents []store.Incident, registered map[uint32]bool, q Query) []Target {
	caused := map[uint32]int{}
	for _, in := range incidents {
		if !in.Excluded {
			caused[in.ASN]++
		}
	}
	var out []Target
	for i := range asns {
		a := &asns[i]
		if a.Participant || registered[a.ASN] || !q.selects(a) {
			continue
		}
		t := Target{ASN: a.ASN, Holder: a.Holder, Country: a.Country, Region: a.Region, SubRegion: a.SubRegion,
			RIR: a.RIR, Cone: a.Cone, Space4: a.Space4, Space6: a.Space6, Incidents: caused[a.ASN], Actions: len(a.Scores)}
		for _, s := range a.Scores {
			if s.Level == string(vocab.Ready) {
				t.Ready++
			}
		}
		if t.Actions > 0 {
			t.Readiness = float64(t.Ready) / float64(t.Actions)
		}
		t.Impact = Impact(t.Cone, t.Space4, t.Space6, t.Incidents)
		t.Priority = Priority(t.Impact, t.Readiness)
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b Target) int {
		if c := cmp.Compare(b.Priority, a.Priority); c != 0 {
			return c
		}
		if c := cmp.Compare(b.Cone, a.Cone); c != 0 {
			return c
		}
		return cmp.Compare(a.ASN, b.ASN)
	})
	if q.Top > 0 && len(out) > q.Top {
		out = out[:q.Top]
	}
	for i := range out {
		out[i].Rank = i + 1
	}
	return out
}

func (q Query) selects(a *store.ASN) bool {
	if q.Economy != "" && !strings.EqualFold(a.Country, q.Economy) {
		return false
	}
	if r := q.Region; r != "" && !strings.EqualFold(a.Region, r) && !strings.EqualFold(a.SubRegion, r) && !strings.EqualFold(a.RIR, r) {
		return false
	}
	return true
}

// Validate checks a query's parameters: at most one of region and
// economy, an economy of two letters, a region of printable text up to 64
// bytes, Top not negative.
func (q Query) Validate() error {
	switch {
	case q.Region != "" && q.Economy != "":
		return fmt.Errorf("give a region or an economy, not both")
	case q.Economy != "" && !isCC(q.Economy):
		return fmt.Errorf("economy %q: want an ISO 3166 alpha-2 code such as NL", q.Economy)
	case len(q.Region) > 64 || strings.ContainsFunc(q.Region, func(r rune) bool { return r < ' ' || r == 0x7f || r == '\uFFFD' }):
		return fmt.Errorf("region %q: want a UN region, sub-region or RIR name", q.Region)
	case q.Top < 0:
		return fmt.Errorf("top %d: want 0 (all) or more", q.Top)
	}
	return nil
}

func isCC(s string) bool {
	return len(s) == 2 && strings.IndexFunc(s, func(r rune) bool { return (r < 'A' || r > 'Z') && (r < 'a' || r > 'z') }) < 0
}

// Registered returns the ASNs of the participants registry, nil for a
// store without one (svc nil).
func Registered(ctx context.Context, svc store.Service) (map[uint32]bool, error) {
	if svc == nil {
		return nil, nil
	}
	reg, err := svc.RegisteredParticipants(ctx)
	if err != nil {
		return nil, fmt.Errorf("read the participants registry: %w", err)
	}
	return store.RegisteredASNs(reg), nil
}

// Load reads a stored month's networks and incidents and ranks them
// (Rank); registered are the registry's ASNs (see Registered).
func Load(ctx context.Context, st store.Store, month time.Time, spec string, registered map[uint32]bool, q Query) ([]Target, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	asns, err := st.ASNs(ctx, month, spec, store.Filter{ScoresOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read the month's networks: %w", err)
	}
	incidents, err := st.Incidents(ctx, month, spec, 0)
	if err != nil {
		return nil, fmt.Errorf("read the month's incidents: %w", err)
	}
	return Rank(asns, incidents, registered, q), nil
}
