package score

import (
	"cmp"
	"slices"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Group names one aggregation group: a scope and its key (an economy, a
// region, a programme, …).
type Group struct {
	Scope vocab.Scope
	Key   string
}

// Groups returns the groups an ASN's record belongs to, in a stable
// order: the world, its economy, region, sub-region and RIR when known,
// and each programme in programmes (those it takes part in).
func Groups(rec *store.ASN, programmes []string) []Group {
	out := []Group{{vocab.ScopeWorld, vocab.WorldKey}}
	for _, g := range []Group{{vocab.ScopeEconomy, rec.Country}, {vocab.ScopeRegion, rec.Region},
		{vocab.ScopeSubRegion, rec.SubRegion}, {vocab.ScopeRIR, rec.RIR}} {
		if g.Key != "" {
			out = append(out, g)
		}
	}
	for _, p := range programmes {
		out = append(out, Group{vocab.ScopeParticipants, p})
	}
	return out
}

// Aggregates are the month's score aggregates: per scope (world,
// economy, region, sub-region, RIR and participant programme) and score,
// the mean of the scores of the networks with data, and the count of
// networks at each readiness level, sorted by scope, key and score. The
// participants are the month's (store.Month.Participants): an ASN is in
// the scope of each programme a participant listing it takes part in.
// Ingest computes the month's aggregates with it and re-scoring after a
// review (internal/rescore) recomputes them, so that both agree exactly:
// the sums run over asns in the order given, ASN order in both cases.
func Aggregates(asns []store.ASN, participants []store.Participant) []store.Aggregate {
	type acc struct {
		store.Aggregate
		sum float64
		n   int
	}
	progs := ProgrammesByASN(participants)
	groups := map[[3]string]*acc{}
	for i := range asns {
		rec := &asns[i]
		for _, g := range Groups(rec, progs[rec.ASN]) {
			for _, s := range rec.Scores {
				k := [3]string{string(g.Scope), g.Key, s.ID}
				a := groups[k]
				if a == nil {
					a = &acc{Aggregate: store.Aggregate{Scope: string(g.Scope), Key: g.Key, Score: s.ID}}
					groups[k] = a
				}
				countLevel(&a.Aggregate, Level(s.Level))
				if s.HasData {
					a.sum += s.Value
					a.n++
				}
			}
		}
	}
	out := make([]store.Aggregate, 0, len(groups))
	for _, a := range groups {
		if a.n > 0 {
			a.Value = a.sum / float64(a.n)
		}
		out = append(out, a.Aggregate)
	}
	SortAggregates(out)
	return out
}

// ProgrammesByASN lists, per ASN, the programmes of the participants that
// list it, each once, in the order of the participants.
func ProgrammesByASN(ps []store.Participant) map[uint32][]string {
	out := map[uint32][]string{}
	for _, p := range ps {
		for _, a := range p.ASNs {
			if !slices.Contains(out[a], p.Programme) {
				out[a] = append(out[a], p.Programme)
			}
		}
	}
	return out
}

// countLevel counts one network at level l in a.
func countLevel(a *store.Aggregate, l Level) {
	switch l {
	case Ready:
		a.Ready++
	case Aspiring:
		a.Aspire++
	case Lagging:
		a.Lag++
	default:
		a.NoData++
	}
}

// SortAggregates orders aggregates by scope, key and score.
func SortAggregates(as []store.Aggregate) {
	slices.SortFunc(as, func(a, b store.Aggregate) int {
		return cmp.Or(cmp.Compare(a.Scope, b.Scope), cmp.Compare(a.Key, b.Key), cmp.Compare(a.Score, b.Score))
	})
}
