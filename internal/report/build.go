package report

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// ErrNoMonth is returned when the month asked for is not stored for the
// specification.
var ErrNoMonth = errors.New("month not stored")

// Input is what Build needs.
type Input struct {
	Store store.Store
	// Months are the stored months (Store.Months when nil).
	Months      []store.MonthMeta
	Participant store.Registered
	Month       vocab.Month
	Spec        string
}

// The kinds of a prefix that got worse (wire.ReportPrefix.Kind) and of a
// finding (wire.ReportFinding.Kind).
const (
	KindRPKIInvalid = "rpkiInvalid"
	KindIRRLost     = "irrLost"
)

// Build makes the participant's report of the month.
func Build(ctx context.Context, in Input) (*wire.Report, error) {
	sp, err := spec.Get(in.Spec)
	if err != nil {
		return nil, err
	}
	metas := in.Months
	if metas == nil {
		if metas, err = in.Store.Months(ctx); err != nil {
			return nil, err
		}
	}
	month := in.Month.Start()
	var prev time.Time
	found := false
	for _, m := range metas {
		if m.Spec != in.Spec {
			continue
		}
		switch t := m.Month.UTC(); {
		case t.Equal(month):
			found = true
		case t.Before(month) && t.After(prev):
			prev = t
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: %s for %s", ErrNoMonth, in.Month, in.Spec)
	}
	p := in.Participant
	r := &wire.Report{MonthData: wire.MonthData{Month: month, Spec: in.Spec}, Participant: p.ID,
		Organisation: p.Organisation, Programme: p.Programme, ASNs: []wire.ReportASN{}}
	if !prev.IsZero() {
		r.Previous = &prev
	}
	asns := slices.Clone(p.ASNs)
	slices.Sort(asns)
	asns = slices.Compact(asns)
	if len(asns) == 0 {
		return r, nil
	}
	now, err := records(ctx, in.Store, month, in.Spec, asns)
	if err != nil {
		return nil, err
	}
	before := map[uint32]store.ASN{}
	if !prev.IsZero() {
		if before, err = records(ctx, in.Store, prev, in.Spec, asns); err != nil {
			return nil, err
		}
	}
	for _, asn := range asns {
		a, err := buildASN(ctx, in.Store, sp, month, prev, asn, now, before)
		if err != nil {
			return nil, err
		}
		r.ASNs = append(r.ASNs, a)
	}
	return r, nil
}

func records(ctx context.Context, st store.Store, month time.Time, specRef string, asns []uint32) (map[uint32]store.ASN, error) {
	recs, err := st.ASNs(ctx, month, specRef, store.Filter{ASNs: asns, ScoresOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read the ASNs of %s: %w", vocab.MonthOf(month), err)
	}
	out := make(map[uint32]store.ASN, len(recs))
	for _, a := range recs {
		out[a.ASN] = a
	}
	return out, nil
}

func buildASN(ctx context.Context, st store.Store, sp *spec.Spec, month, prev time.Time, asn uint32, now, before map[uint32]store.ASN) (wire.ReportASN, error) {
	cur, measured := now[asn]
	old, hadOld := before[asn]
	out := wire.ReportASN{ASN: wire.ASN(asn), Holder: cur.Holder, Measured: measured, Scores: []wire.ReportScore{},
		Incidents: []wire.ReportIncident{}, Became: []wire.ReportPrefix{}, Findings: []wire.ReportFinding{}}
	if !measured {
		out.Holder = old.Holder
	}
	for _, act := range sp.Actions {
		s := wire.ReportScore{ID: wire.ScoreID(act.Score), Action: act.Action}
		var v, pv *float64
		s.Value, s.Level, v = scoreOf(cur, measured, act.Score)
		s.Previous, s.PreviousLevel, pv = scoreOf(old, hadOld, act.Score)
		if v != nil && pv != nil {
			d := *v - *pv
			s.Change = &d
		}
		out.Scores = append(out.Scores, s)
		if s.Level == wire.LevelLagging {
			out.Findings = append(out.Findings, finding(laggingKind(vocab.ScoreID(act.Score)), act.Action, 1))
		}
	}
	if !measured {
		return out, nil
	}
	incs, err := st.Incidents(ctx, month, sp.Ref(), asn)
	if err != nil {
		return out, fmt.Errorf("read the incidents of AS%d: %w", asn, err)
	}
	perKind := map[string]int{}
	for _, in := range incs {
		out.Incidents = append(out.Incidents, wire.ReportIncident{ID: in.ID, Metric: in.Metric, Start: in.Start.UTC(),
			End: in.End.UTC(), Score: clean(in.Score), Excluded: in.Excluded})
		if !in.Excluded {
			perKind[incidentKind(in.Metric)]++
		}
	}
	for _, k := range incidentKinds {
		if n := perKind[k]; n > 0 {
			out.Findings = append(out.Findings, finding(k, 1, n))
		}
	}
	out.Became, err = became(ctx, st, sp.Ref(), month, prev, asn)
	if err != nil {
		return out, err
	}
	counts := map[string]int{}
	for _, b := range out.Became {
		counts[b.Kind]++
	}
	for _, k := range []string{KindRPKIInvalid, KindIRRLost} {
		if n := counts[k]; n > 0 {
			out.Findings = append(out.Findings, finding(k, 4, n))
		}
	}
	slices.SortStableFunc(out.Findings, func(a, b wire.ReportFinding) int { return a.Action - b.Action })
	return out, nil
}

// scoreOf returns the score id of a as the API shows it: the value (nil
// without data) and the level; and the value again for the change.
func scoreOf(a store.ASN, ok bool, id string) (*float64, wire.Level, *float64) {
	if ok {
		for _, s := range a.Scores {
			if s.ID != id {
				continue
			}
			if l := vocab.Level(s.Level); s.HasData && l != vocab.NoData && slices.Contains(vocab.Levels, l) &&
				!math.IsNaN(s.Value) && !math.IsInf(s.Value, 0) {
				v := s.Value
				return &v, wire.Level(l.API()), &v
			}
		}
	}
	return nil, wire.Level(vocab.NoData.API()), nil
}

func clean(f float64) float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return 0
	}
	return f
}

// became compares the routes of asn in both months: the prefixes now
// RPKI-invalid that were not (or not announced) before, and those now
// without IRR coverage that had it before.
func became(ctx context.Context, st store.Store, specRef string, month, prev time.Time, asn uint32) ([]wire.ReportPrefix, error) {
	out := []wire.ReportPrefix{}
	cur, err := st.Routes(ctx, month, specRef, asn)
	if err != nil {
		return out, fmt.Errorf("read the routes of AS%d: %w", asn, err)
	}
	old := map[string]store.Route{}
	if !prev.IsZero() {
		rs, err := st.Routes(ctx, prev, specRef, asn)
		if err != nil {
			return out, fmt.Errorf("read the routes of AS%d in %s: %w", asn, vocab.MonthOf(prev), err)
		}
		for _, r := range rs {
			old[r.Prefix] = r
		}
	}
	for _, r := range cur {
		o, had := old[r.Prefix]
		if invalid(r.RPKI) && (!had || !invalid(o.RPKI)) {
			out = append(out, wire.ReportPrefix{Prefix: r.Prefix, Kind: KindRPKIInvalid, State: r.RPKI, Before: o.RPKI})
		}
		if had && r.IRR == "none" && o.IRR != "none" && o.IRR != "" {
			out = append(out, wire.ReportPrefix{Prefix: r.Prefix, Kind: KindIRRLost, State: r.IRR, Before: o.IRR})
		}
	}
	slices.SortFunc(out, func(a, b wire.ReportPrefix) int {
		return strings.Compare(a.Kind+" "+a.Prefix, b.Kind+" "+b.Prefix)
	})
	return out, nil
}

func invalid(rpki string) bool { return strings.HasPrefix(rpki, "invalid") }
