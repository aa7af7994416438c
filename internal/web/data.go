package web

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// scoreIDs are the five published scores, in the Observatory's order.
var scoreIDs = func() []string {
	out := make([]string, len(vocab.Scores))
	for i, id := range vocab.Scores {
		out[i] = string(id)
	}
	return out
}()

// scoreNames are their titles on the pages.
var scoreNames = map[string]string{
	string(vocab.Filtering):              "Filtering",
	string(vocab.AntiSpoofing):           "Anti-spoofing",
	string(vocab.Coordination):           "Coordination",
	string(vocab.RoutingInformationIRR):  "Routing information (IRR)",
	string(vocab.RoutingInformationRPKI): "Routing information (RPKI)",
	string(vocab.ROAValidShare):          "Networks with at least one RPKI-valid route",
	string(vocab.ROVFilteringShare):      "Networks filtering RPKI-invalid routes",
	string(vocab.ROVDeployedShare):       "Networks inferred to deploy ROV",
}

// summaryScopes are the aggregate scopes a region key is looked up in,
// in the order GET /api/v2/scores/summary does.
var summaryScopes = []string{"world", "region", "subregion", "rir", "economy", "participants"}

// monthList returns the stored months, newest first (view.View.Months).
func (s *Server) monthList(ctx context.Context) ([]store.MonthMeta, error) {
	return s.shared.Months(ctx)
}

// month resolves ?month= to a stored month as the API does: the newest
// by default and, for a month under several specifications, spec.Default.
func (q *request) month() (*store.MonthMeta, error) {
	metas, err := q.s.monthList(q.ctx())
	if err != nil {
		return nil, err
	}
	var want time.Time
	if v := q.r.URL.Query().Get("month"); v != "" {
		t, err := time.Parse(vocab.MonthLayout, v)
		if err != nil {
			return nil, badRequest("month %q: want YYYY-MM", truncate(v, 40))
		}
		want = t
	}
	found := view.Resolve(metas, want, "")
	if found == nil {
		if want.IsZero() {
			return nil, notFound("no month is stored yet")
		}
		return nil, notFound("no month stored for %s", want.Format(vocab.MonthLayout))
	}
	return found, nil
}

// registered returns the participants registry (view.View.Registry): an
// ASN it lists is a participant whatever its month says, as for the API.
func (s *Server) registered(ctx context.Context) (*view.Registry, error) {
	return s.shared.Registry(ctx)
}

// monthKey names one version of a month: its ingest, and the writes
// made since through the view and the API.
func (s *Server) monthKey(m *store.MonthMeta) string {
	var gen uint64
	if s.opt.Generation != nil {
		gen = s.opt.Generation()
	}
	return m.Month.Format(vocab.MonthLayout) + "\x00" + m.Spec + "\x00" + strconv.FormatInt(m.IngestedAt.UnixNano(), 10) +
		"\x00" + strconv.FormatUint(gen, 10) + "/" + strconv.FormatUint(s.shared.Generation(), 10)
}

// monthView is what the pages need of one month version, computed once.
type monthView struct {
	once sync.Once
	err  error

	meta *store.MonthMeta
	// aggs: scope → lower-case key → score id → aggregate.
	aggs map[string]map[string]map[string]store.Aggregate
	// keys: the display form of every key by scope, sorted.
	keys map[string][]string
	// roa: scope → lower-case key → family (4, 6) → statistics.
	roa map[string]map[string]map[int]store.ROAStat
	// incidents and networks involved by scope and lower-case key.
	incidents map[string]map[string]incidentCount
	// maps: metric → *mapData, drawn on first request.
	maps sync.Map
}

type incidentCount struct{ Incidents, Networks int }

// view returns the computed month, computing it the first time.
func (s *Server) view(ctx context.Context, m *store.MonthMeta) (*monthView, error) {
	k := s.monthKey(m)
	s.cacheMu.Lock()
	v := s.cache[k]
	if v == nil {
		if len(s.cache) > 64 {
			s.cache = map[string]*monthView{}
		}
		v = &monthView{meta: m}
		s.cache[k] = v
	}
	s.cacheMu.Unlock()
	v.once.Do(func() {
		// Detached from the request: one visitor leaving must not
		// poison the month for everyone.
		bg, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Minute)
		defer cancel()
		v.err = v.compute(bg, s.st)
	})
	if v.err != nil {
		s.cacheMu.Lock()
		if s.cache[k] == v {
			delete(s.cache, k)
		}
		s.cacheMu.Unlock()
		return nil, v.err
	}
	return v, nil
}

func (v *monthView) compute(ctx context.Context, st store.Store) error {
	m := v.meta
	aggs, err := st.Aggregates(ctx, m.Month, m.Spec, "")
	if err != nil {
		return fmt.Errorf("read aggregates: %w", err)
	}
	v.aggs, v.keys = map[string]map[string]map[string]store.Aggregate{}, map[string][]string{}
	for _, a := range aggs {
		key := a.Key
		if a.Scope == "world" && key == "" {
			key = "world"
		}
		byKey := v.aggs[a.Scope]
		if byKey == nil {
			byKey = map[string]map[string]store.Aggregate{}
			v.aggs[a.Scope] = byKey
		}
		lk := strings.ToLower(key)
		if byKey[lk] == nil {
			byKey[lk] = map[string]store.Aggregate{}
			v.keys[a.Scope] = append(v.keys[a.Scope], key)
		}
		byKey[lk][a.Score] = a
	}
	v.roa = map[string]map[string]map[int]store.ROAStat{}
	for _, scope := range summaryScopes {
		stats, err := st.ROAStats(ctx, m.Month, m.Spec, scope)
		if err != nil {
			return fmt.Errorf("read ROA statistics: %w", err)
		}
		byKey := map[string]map[int]store.ROAStat{}
		for _, r := range stats {
			lk := strings.ToLower(r.Key)
			if byKey[lk] == nil {
				byKey[lk] = map[int]store.ROAStat{}
			}
			byKey[lk][r.Family] = r
		}
		v.roa[scope] = byKey
	}
	return v.countIncidents(ctx, st)
}

// countIncidents counts the month's incidents not excluded as false
// positives, and the networks they involve, by every region key.
func (v *monthView) countIncidents(ctx context.Context, st store.Store) error {
	m := v.meta
	incs, err := st.Incidents(ctx, m.Month, m.Spec, 0)
	if err != nil {
		return fmt.Errorf("read incidents: %w", err)
	}
	perASN := map[uint32]int{}
	for i := range incs {
		if !incs[i].Excluded {
			perASN[incs[i].ASN]++
		}
	}
	asns := make([]uint32, 0, len(perASN))
	for a := range perASN {
		asns = append(asns, a)
	}
	v.incidents = map[string]map[string]incidentCount{}
	add := func(scope, key string, n int) {
		if key == "" {
			return
		}
		byKey := v.incidents[scope]
		if byKey == nil {
			byKey = map[string]incidentCount{}
			v.incidents[scope] = byKey
		}
		lk := strings.ToLower(key)
		c := byKey[lk]
		c.Incidents += n
		c.Networks++
		byKey[lk] = c
	}
	var recs []store.ASN
	if len(asns) > 0 {
		f := store.Filter{ASNs: asns}
		if len(asns) > 5000 {
			f = store.Filter{}
		}
		if recs, err = st.ASNs(ctx, m.Month, m.Spec, f); err != nil {
			return fmt.Errorf("read ASNs: %w", err)
		}
	}
	for i := range recs {
		a := &recs[i]
		n := perASN[a.ASN]
		if n == 0 {
			continue
		}
		add("world", "world", n)
		add("region", a.Region, n)
		add("subregion", a.SubRegion, n)
		add("rir", a.RIR, n)
		add("economy", a.Country, n)
	}
	return nil
}

// lookup returns a region key's aggregates by score id and their scope,
// looked up scope by scope as the API does; nil when none matches.
func (v *monthView) lookup(key string) (map[string]store.Aggregate, string) {
	lk := strings.ToLower(key)
	for _, scope := range summaryScopes {
		if a := v.aggs[scope][lk]; len(a) > 0 {
			return a, scope
		}
	}
	return nil, ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
