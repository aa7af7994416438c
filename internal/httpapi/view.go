package httpapi

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// Month views (finding 2 of issue 17). A list query used to read the whole
// month from the store, about 40,000 ASN records, and a query with another
// parameter missed the response cache: a handful of distinct queries kept
// every core busy. Now the records of a month version are read once, by the
// first request that needs them while the others wait for the same read,
// and indexed by economy, region and participation, so that a page costs
// what the page holds.

// defaultMonthViews is how many month views are kept (Options.MonthViews).
const defaultMonthViews = 4

// viewLoadTimeout bounds the read of a month view.
const viewLoadTimeout = 2 * time.Minute

// monthView is one month version's ASN records with their scores, without
// metrics (no list shows them), indexed for the list endpoints. It is
// immutable once built and shared by every request.
type monthView struct {
	asns      []store.ASN        // by ASN
	byCountry map[string][]int32 // economy, upper case → positions in asns, ascending
	byRegion  map[string][]int32 // region, sub-region or RIR, as stored → positions
	members   []int32            // the month's own participants
}

// newMonthView indexes recs, which are sorted by ASN. The strings that
// repeat from record to record (economies, regions, score ids and levels)
// are stored once.
func newMonthView(recs []store.ASN) *monthView {
	v := &monthView{asns: recs, byCountry: map[string][]int32{}, byRegion: map[string][]int32{}}
	intern := map[string]string{}
	one := func(s string) string {
		if t, ok := intern[s]; ok {
			return t
		}
		intern[s] = s
		return s
	}
	for i := range recs {
		a := &recs[i]
		a.Metrics = nil
		a.Country, a.RIR, a.Region, a.SubRegion = one(a.Country), one(a.RIR), one(a.Region), one(a.SubRegion)
		for j := range a.Scores {
			a.Scores[j].ID, a.Scores[j].Level = one(a.Scores[j].ID), one(a.Scores[j].Level)
		}
		pos := int32(i)
		if a.Country != "" {
			cc := strings.ToUpper(a.Country)
			v.byCountry[cc] = append(v.byCountry[cc], pos)
		}
		keys := [3]string{a.Region, a.SubRegion, a.RIR}
		for j, key := range keys {
			// Each key once per ASN, as the store's OR of the three columns.
			if key != "" && !slices.Contains(keys[:j], key) {
				v.byRegion[key] = append(v.byRegion[key], pos)
			}
		}
		if a.Participant {
			v.members = append(v.members, pos)
		}
	}
	return v
}

// find returns the record of asn, nil when the month has none.
func (v *monthView) find(asn uint32) *store.ASN {
	i, ok := slices.BinarySearchFunc(v.asns, asn, func(a store.ASN, asn uint32) int { return cmp.Compare(a.ASN, asn) })
	if !ok {
		return nil
	}
	return &v.asns[i]
}

// selection is the positions of the records a list query selects, in ASN
// order: every record (pos nil, all) or those of pos.
type selection struct {
	all int
	pos []int32
	sub bool // pos, not all
}

func (s selection) len() int {
	if s.sub {
		return len(s.pos)
	}
	return s.all
}

func (s selection) at(i int) int {
	if s.sub {
		return int(s.pos[i])
	}
	return i
}

// ases selects the records of the given economies (upper case; none: any)
// and region ("": any), as store.Filter's Region and a case-insensitive
// economy would. Its cost is that of merging the economies' positions, not
// of reading the month.
func (v *monthView) ases(ccs []string, region string) selection {
	if len(ccs) == 0 {
		if region == "" {
			return selection{all: len(v.asns)}
		}
		return selection{pos: v.byRegion[region], sub: true}
	}
	var pos []int32
	seen := map[string]bool{}
	for _, cc := range ccs {
		if !seen[cc] {
			seen[cc] = true
			pos = append(pos, v.byCountry[cc]...) // an ASN has one economy: no duplicates
		}
	}
	if len(seen) > 1 {
		slices.Sort(pos)
	}
	if region != "" {
		pos = slices.DeleteFunc(slices.Clip(pos), func(p int32) bool {
			a := &v.asns[p]
			return a.Region != region && a.SubRegion != region && a.RIR != region
		})
	}
	return selection{pos: pos, sub: true}
}

// participants returns the ASNs of the month's participants: those its
// records mark, and those the registry (reg) lists that the month has.
func (v *monthView) participants(reg map[uint32]bool) []uint32 {
	out := make([]uint32, 0, len(v.members)+len(reg))
	for _, p := range v.members {
		out = append(out, v.asns[p].ASN)
	}
	for asn := range reg {
		if v.find(asn) != nil {
			out = append(out, asn)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Warm prepares the month view of the month that a request without month
// and spec parameters reads (the newest month, under spec.Default when
// stored), so that the first list queries find it; a list query arriving
// meanwhile waits for the same read. serve calls it in the background at
// start; the server calls it itself when a new version of that month
// appears. It returns the read's error.
func (s *Server) Warm(ctx context.Context) error {
	// Read apart from the cached list: a list read before the first month
	// is ingested (observatory run) must not be answered for MonthsTTL.
	metas, err := s.st.Months(ctx)
	if err != nil {
		return fmt.Errorf("list months: %w", err)
	}
	if m := view.Resolve(metas, time.Time{}, ""); m != nil {
		return s.warmView(ctx, m)
	}
	return nil
}

// warmView loads the view of m unless it is loaded or being loaded. It
// takes no slot of expensive work: list queries of the month wait for its
// read, not for a slot, and the others are not kept waiting.
func (s *Server) warmView(ctx context.Context, m *store.MonthMeta) error {
	key, version := viewKeys(m, s.view.Generation())
	sl, load := s.views.slot(key, version)
	if !load {
		return nil
	}
	s.loadView(ctx, m, key, sl)
	return sl.err
}

// monthView returns the view of m: loaded by this request, which then pays
// for a whole month read, or shared with the request loading it.
func (c *call) monthView(m *store.MonthMeta) (*monthView, error) {
	s := c.s
	key, version := viewKeys(m, s.view.Generation())
	sl, load := s.views.slot(key, version)
	if load {
		c.chargeMonthRead()
		// Detached from the request: a client that leaves must not make
		// the others waiting for the same read fail.
		s.loadView(context.WithoutCancel(c.ctx()), m, key, sl)
	}
	return waitSlot(c.ctx(), sl)
}

// waitSlot waits for sl to be loaded, or ctx to end.
func waitSlot[T any](ctx context.Context, sl *viewSlot[T]) (T, error) {
	select {
	case <-sl.ready:
		return sl.v, sl.err
	case <-ctx.Done():
		var zero T
		return zero, ctx.Err()
	}
}

// peekView returns the view of m when it is loaded, else nil: for the
// requests that need one record and would rather read it than wait.
func (s *Server) peekView(m *store.MonthMeta) *monthView {
	v, _ := s.views.peek(viewKeys(m, s.view.Generation()))
	return v
}

// loadView reads the month's records into sl and marks it ready.
func (s *Server) loadView(ctx context.Context, m *store.MonthMeta, key string, sl *viewSlot[*monthView]) {
	ctx, cancel := context.WithTimeout(ctx, viewLoadTimeout)
	defer cancel()
	start := time.Now()
	recs, err := s.st.ASNs(ctx, m.Month, m.Spec, store.Filter{ScoresOnly: true})
	if err != nil {
		s.views.fill(key, sl, nil, fmt.Errorf("load the month view of %s %s: %w", m.Month.Format(vocab.MonthLayout), m.Spec, err))
		s.metrics.viewLoads.WithLabelValues("error").Inc()
		s.metrics.views.Set(float64(s.views.len()))
		return
	}
	s.views.fill(key, sl, newMonthView(recs), nil)
	s.metrics.viewLoads.WithLabelValues("ok").Inc()
	s.metrics.viewSeconds.Observe(time.Since(start).Seconds())
	s.metrics.views.Set(float64(s.views.len()))
	s.log.Info("loaded a month view", "month", m.Month.Format(vocab.MonthLayout), "spec", m.Spec,
		"asns", len(recs), "elapsed", time.Since(start))
}
