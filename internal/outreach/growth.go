package outreach

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// maxGrowthMonths bounds the participation series: an approval date
// centuries back would otherwise make it as long.
const maxGrowthMonths = 600

// Growth is how the programme has grown.
type Growth struct {
	// Source is where the participants come from: "registry" (the live
	// registry) or "month" (the newest stored month's snapshot, when the
	// registry is empty or there is none).
	Source string
	// Programmes lists the programmes, sorted.
	Programmes []string
	// Participation has one entry per month, oldest first, from the
	// month of the first approval to the newest stored month or the
	// newest approval, whichever is later.
	Participation []MonthCount
	// Undated counts, per programme, the participants without an
	// approval date: in no month of Participation.
	Undated map[string]int
	// Shares has one entry per stored month, oldest first.
	Shares []MonthShares
}

// MonthCount is the participation of one month, per programme: how many
// were approved in the month and how many had been by its end.
type MonthCount struct {
	Month  vocab.Month
	Joined map[string]int
	Total  map[string]int
}

// MonthShares compares participants with all networks in one stored
// month by the network-share aggregates.
type MonthShares struct {
	Month vocab.Month
	Spec  string
	// World is the share of all networks; Participants that of each
	// programme's participants, by programme.
	World        Shares
	Participants map[string]Shares
}

// Shares are the two network shares of a group (the aggregates'
// Value), nil when no network of the group could be judged.
type Shares struct {
	ROAValid, ROVFiltering *float64
	// Judged counts the networks each share is over.
	ROAJudged, ROVJudged int
}

// Participation counts participants by programme and month of approval.
func Participation(ps []store.Participant, last vocab.Month) ([]MonthCount, map[string]int, []string) {
	undated := map[string]int{}
	var progs []string
	var first vocab.Month
	for _, p := range ps {
		if !slices.Contains(progs, p.Programme) {
			progs = append(progs, p.Programme)
		}
		if p.Approved.IsZero() {
			undated[p.Programme]++
			continue
		}
		m := vocab.MonthOf(p.Approved)
		if first.IsZero() || m.Start().Before(first.Start()) {
			first = m
		}
		if last.IsZero() || m.Start().After(last.Start()) {
			last = m
		}
	}
	slices.Sort(progs)
	if first.IsZero() {
		return nil, undated, progs
	}
	if monthsBetween(first, last) >= maxGrowthMonths {
		first = vocab.MonthOf(last.Start().AddDate(0, -(maxGrowthMonths - 1), 0))
	}
	var out []MonthCount
	index := map[time.Time]int{}
	for m := first; !m.Start().After(last.Start()); m = m.Next() {
		index[m.Start()] = len(out)
		out = append(out, MonthCount{Month: m, Joined: zeroes(progs), Total: zeroes(progs)})
	}
	for _, p := range ps {
		if p.Approved.IsZero() {
			continue
		}
		i, ok := index[vocab.MonthOf(p.Approved).Start()]
		if !ok { // before the window: counted from its start
			i = 0
		} else {
			out[i].Joined[p.Programme]++
		}
		for j := i; j < len(out); j++ {
			out[j].Total[p.Programme]++
		}
	}
	return out, undated, progs
}

func monthsBetween(a, b vocab.Month) int {
	y := b.Start().Year() - a.Start().Year()
	return y*12 + int(b.Start().Month()) - int(a.Start().Month())
}

func zeroes(keys []string) map[string]int {
	out := make(map[string]int, len(keys))
	for _, k := range keys {
		out[k] = 0
	}
	return out
}

// SharesOf picks the network shares of the world and of each programme's
// participants from a month's aggregates.
func SharesOf(aggs []store.Aggregate) (world Shares, participants map[string]Shares) {
	participants = map[string]Shares{}
	for _, a := range aggs {
		id := vocab.ScoreID(a.Score)
		if id != vocab.ROAValidShare && id != vocab.ROVFilteringShare {
			continue
		}
		switch vocab.Scope(a.Scope) {
		case vocab.ScopeWorld:
			world.set(id, a)
		case vocab.ScopeParticipants:
			s := participants[a.Key]
			s.set(id, a)
			participants[a.Key] = s
		}
	}
	return world, participants
}

// set sets the share id from its aggregate a.
func (sh *Shares) set(id vocab.ScoreID, a store.Aggregate) {
	judged := a.Ready + a.Lag
	var v *float64
	if judged > 0 {
		x := a.Value
		v = &x
	}
	if id == vocab.ROAValidShare {
		sh.ROAValid, sh.ROAJudged = v, judged
	} else {
		sh.ROVFiltering, sh.ROVJudged = v, judged
	}
}

// LoadGrowth reads the registry (svc, nil for none) or, when it holds no
// one, the newest month's participants, and every stored month's
// aggregates: one specification per month, spec.Default when the month
// is stored under it, else the first listed.
func LoadGrowth(ctx context.Context, st store.Store, svc store.Service) (*Growth, error) {
	metas, err := st.Months(ctx)
	if err != nil {
		return nil, fmt.Errorf("list the stored months: %w", err)
	}
	metas = onePerMonth(metas)
	g := &Growth{Source: "registry"}
	var ps []store.Participant
	if svc != nil {
		reg, err := svc.RegisteredParticipants(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the participants registry: %w", err)
		}
		for _, r := range reg {
			ps = append(ps, r.Participant)
		}
	}
	var newest vocab.Month
	if len(metas) > 0 {
		newest = vocab.MonthOf(metas[len(metas)-1].Month)
	}
	if len(ps) == 0 && len(metas) > 0 {
		g.Source = "month"
		m := metas[len(metas)-1]
		if ps, err = st.Participants(ctx, m.Month, m.Spec); err != nil {
			return nil, fmt.Errorf("read the participants of %s: %w", newest, err)
		}
	}
	g.Participation, g.Undated, g.Programmes = Participation(ps, newest)
	for _, m := range metas {
		aggs, err := st.Aggregates(ctx, m.Month, m.Spec, "")
		if err != nil {
			return nil, fmt.Errorf("read the aggregates of %s: %w", vocab.MonthOf(m.Month), err)
		}
		ms := MonthShares{Month: vocab.MonthOf(m.Month), Spec: m.Spec}
		ms.World, ms.Participants = SharesOf(aggs)
		g.Shares = append(g.Shares, ms)
	}
	return g, nil
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// onePerMonth keeps one specification per month (spec.Default when
// stored, else the first listed), oldest month first.
func onePerMonth(metas []store.MonthMeta) []store.MonthMeta {
	pick := map[time.Time]store.MonthMeta{}
	for _, m := range metas {
		k := m.Month.UTC()
		if cur, ok := pick[k]; !ok || (cur.Spec != spec.Default && m.Spec == spec.Default) {
			pick[k] = m
		}
	}
	out := make([]store.MonthMeta, 0, len(pick))
	for _, m := range pick {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b store.MonthMeta) int { return a.Month.Compare(b.Month) })
	return out
}
