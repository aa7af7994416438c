package conformance

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/access"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// ErrNoMonth is returned when the month asked for is not stored for the
// specification.
var ErrNoMonth = errors.New("month not stored")

// Input is what Flags reads.
type Input struct {
	Store  store.Store
	Months []store.MonthMeta // the stored months (Store.Months); nil: read them
	// Registry is the live participants registry; when empty, the month's
	// own participants snapshot is checked instead.
	Registry []store.Registered
	Month    vocab.Month
	Spec     string // ID@VERSION
}

// Flags computes the month's minimum-conformance flags of every
// participant, by organisation, ASN and the specification's Action order.
func Flags(ctx context.Context, in Input) (*wire.ConformanceFlags, error) {
	sp, err := spec.Get(in.Spec)
	if err != nil {
		return nil, err
	}
	rule := sp.MinimumRule()
	if in.Months == nil {
		if in.Months, err = in.Store.Months(ctx); err != nil {
			return nil, fmt.Errorf("list the stored months: %w", err)
		}
	}
	stored := map[vocab.Month]bool{}
	for _, m := range in.Months {
		if m.Spec == in.Spec {
			stored[vocab.MonthOf(m.Month)] = true
		}
	}
	if !stored[in.Month] {
		return nil, fmt.Errorf("%w: %s for %s", ErrNoMonth, in.Month, in.Spec)
	}
	parts, source, err := participants(ctx, in)
	if err != nil {
		return nil, err
	}
	window := make([]vocab.Month, rule.HistoryMonths)
	for i, m := len(window)-1, in.Month; i >= 0; i, m = i-1, m.Prev() {
		window[i] = m
	}
	recs, err := readWindow(ctx, in, window, stored, parts)
	if err != nil {
		return nil, err
	}
	out := &wire.ConformanceFlags{
		MonthData:    wire.MonthData{Month: in.Month.Start(), Spec: in.Spec},
		Rule:         wireRule(rule),
		Participants: len(parts),
		Source:       source,
		Items:        []wire.ConformanceFlag{},
	}
	for _, p := range parts {
		for _, asn := range slices.Sorted(slices.Values(p.ASNs)) {
			for _, a := range sp.Actions {
				pts := points(window, stored, recs, asn, a.Score)
				joined := vocab.Month{}
				if !p.Approved.IsZero() {
					joined = vocab.MonthOf(p.Approved)
				}
				run, ok := Evaluate(rule, a.Score, pts, joined)
				if !ok {
					continue
				}
				out.Items = append(out.Items, flagOf(p, asn, a, run, rule, pts, joined, recs))
			}
		}
	}
	return out, nil
}

// participants is the registry, or the month's snapshot when it is empty,
// by organisation.
func participants(ctx context.Context, in Input) ([]store.Registered, string, error) {
	if len(in.Registry) > 0 {
		ps := slices.Clone(in.Registry)
		slices.SortStableFunc(ps, func(a, b store.Registered) int { return cmp.Compare(a.Organisation, b.Organisation) })
		return ps, "registry", nil
	}
	snap, err := in.Store.Participants(ctx, in.Month.Start(), in.Spec)
	if err != nil {
		return nil, "", fmt.Errorf("read the month's participants: %w", err)
	}
	ps := make([]store.Registered, len(snap))
	for i, p := range snap {
		ps[i] = store.Registered{Participant: p}
	}
	slices.SortStableFunc(ps, func(a, b store.Registered) int { return cmp.Compare(a.Organisation, b.Organisation) })
	return ps, "month", nil
}

// records are the participants' ASN records of the window's stored
// months.
type records map[vocab.Month]map[uint32]*store.ASN

func readWindow(ctx context.Context, in Input, window []vocab.Month, stored map[vocab.Month]bool, parts []store.Registered) (records, error) {
	var asns []uint32
	for _, p := range parts {
		asns = append(asns, p.ASNs...)
	}
	recs := records{}
	if len(asns) == 0 {
		return recs, nil
	}
	for _, m := range window {
		if !stored[m] {
			continue
		}
		list, err := in.Store.ASNs(ctx, m.Start(), in.Spec, store.Filter{ASNs: asns})
		if err != nil {
			return nil, fmt.Errorf("read the participants' ASNs of %s: %w", m, err)
		}
		byASN := make(map[uint32]*store.ASN, len(list))
		for i := range list {
			byASN[list[i].ASN] = &list[i]
		}
		recs[m] = byASN
	}
	return recs, nil
}

// points is score's points of asn over the window.
func points(window []vocab.Month, stored map[vocab.Month]bool, recs records, asn uint32, score string) []Point {
	pts := make([]Point, len(window))
	for i, m := range window {
		pts[i] = Point{Month: m, Stored: stored[m]}
		if a := recs[m][asn]; a != nil {
			pts[i].Measured = true
			pts[i].Score = scoreOf(a, score)
		}
	}
	return pts
}

// scoreOf is a record's score id, without data when it has none.
func scoreOf(a *store.ASN, id string) store.Score {
	for _, s := range a.Scores {
		if s.ID == id {
			return s
		}
	}
	return store.Score{ID: id, Level: string(vocab.NoData)}
}

func flagOf(p store.Registered, asn uint32, a spec.Action, run Run, rule spec.Minimum, pts []Point, joined vocab.Month, recs records) wire.ConformanceFlag {
	f := wire.ConformanceFlag{
		ParticipantID: p.ID, ParticipantUID: p.UID, Organisation: p.Organisation, Programme: p.Programme,
		ASN: wire.ASN(asn), Score: wire.ScoreID(a.Score), Action: a.Action,
		Kind: run.Kind, Since: run.Since.Start(), Months: run.Months, New: run.Months == Need(rule, run.Kind),
		History: make([]wire.ConformancePoint, 0, len(pts)), Evidence: []wire.ConformanceEvidence{},
	}
	for _, pt := range pts {
		f.History = append(f.History, pointOf(pt, joined))
		if pt.Month.Start().Before(run.Since.Start()) {
			continue
		}
		ev := wire.ConformanceEvidence{Month: pt.Month.Start(), Level: levelOf(pt.Score), Metrics: []wire.Metric{}}
		if pt.Measured {
			ev.Value = value(pt.Score)
			for _, m := range recs[pt.Month][asn].Metrics {
				if slices.Contains(a.Counted, m.ID) {
					ev.Metrics = append(ev.Metrics, metricOf(m))
				}
			}
		}
		f.Evidence = append(f.Evidence, ev)
	}
	return f
}

func pointOf(pt Point, joined vocab.Month) wire.ConformancePoint {
	out := wire.ConformancePoint{Month: pt.Month.Start(), State: string(levelOf(pt.Score))}
	switch {
	case pt.Month.Start().Before(joined.Start()):
		out.State = wire.PointBeforeJoining
	case !pt.Stored:
		out.State = wire.PointNotStored
	case !pt.Measured:
		out.State = wire.PointNotMeasured
	}
	if pt.Measured {
		out.Value = value(pt.Score)
	}
	return out
}

// levelOf is a score's level by its API name; noData without data.
func levelOf(s store.Score) wire.Level {
	if !s.HasData || s.Level == "" {
		return wire.LevelNoData
	}
	return wire.Level(vocab.Level(s.Level).API())
}

func value(s store.Score) *float64 {
	if !s.HasData {
		return nil
	}
	return finite(s.Value)
}

func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

func metricOf(m store.Metric) wire.Metric {
	out := wire.Metric{ID: m.ID, Counted: m.Counted, HasData: m.HasData, Evidence: m.Evidence}
	if m.HasData {
		out.Raw, out.Score = finite(m.Raw), finite(m.Score)
	}
	return out
}

func wireRule(r spec.Minimum) wire.ConformanceRule {
	out := wire.ConformanceRule{ConsecutiveMonths: r.ConsecutiveMonths, NoDataMonths: r.NoDataMonths, HistoryMonths: r.HistoryMonths,
		Scores: []wire.ScoreID{}, Failing: []wire.Level{}, NoDataScores: []wire.ScoreID{}}
	for _, s := range r.Scores {
		out.Scores = append(out.Scores, wire.ScoreID(s))
	}
	for _, s := range r.NoDataScores {
		out.NoDataScores = append(out.NoDataScores, wire.ScoreID(s))
	}
	for _, l := range r.Failing {
		out.Failing = append(out.Failing, wire.Level(vocab.Level(l).API()))
	}
	return out
}

// Visible keeps what of the flags the principal may see: all for the
// partner and the secretariat; for a participant key every participant's
// readiness (the seed: participants may view the readiness scores of all
// participants), with the values and evidence of its own ASNs only, as
// per-ASN details stay entitlement-checked (access.Principal.SeesDetails);
// none for anyone else.
func Visible(r *wire.ConformanceFlags, p *access.Principal) *wire.ConformanceFlags {
	if p.SeesAll() {
		return r
	}
	out := *r
	if p.Role() != store.RoleParticipant {
		out.Items = []wire.ConformanceFlag{}
		return &out
	}
	out.Items = make([]wire.ConformanceFlag, len(r.Items))
	for i, f := range r.Items {
		if !p.Owns(uint32(f.ASN)) {
			f = readinessOnly(f)
		}
		out.Items[i] = f
	}
	return &out
}

// readinessOnly is a flag without what rests on the ASN's details: the
// history keeps its states (readiness levels), not the values, and the
// evidence is left out.
func readinessOnly(f wire.ConformanceFlag) wire.ConformanceFlag {
	hist := make([]wire.ConformancePoint, len(f.History))
	for i, h := range f.History {
		h.Value = nil
		hist[i] = h
	}
	f.History, f.Evidence = hist, []wire.ConformanceEvidence{}
	return f
}
