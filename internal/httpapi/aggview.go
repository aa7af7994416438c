package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
)

// aggView is a month version's aggregates indexed for /scores/summary:
// by scope, lower-case key and score id. A summary of any region string
// used to read the aggregates of every scope until one matched, twice (the
// month and the one before); now they are read once per month version.
type aggView struct {
	byScope map[string]map[string]map[string]store.Aggregate
}

// newAggView indexes a month's aggregates, in the order written: of two
// rows of the same scope, key and score, the later one counts. The world
// aggregate may be keyed "" or "world".
func newAggView(aggs []store.Aggregate) *aggView {
	v := &aggView{byScope: map[string]map[string]map[string]store.Aggregate{}}
	for _, a := range aggs {
		key := strings.ToLower(a.Key)
		if a.Scope == "world" && key == "" {
			key = "world"
		}
		byKey := v.byScope[a.Scope]
		if byKey == nil {
			byKey = map[string]map[string]store.Aggregate{}
			v.byScope[a.Scope] = byKey
		}
		if byKey[key] == nil {
			byKey[key] = map[string]store.Aggregate{}
		}
		byKey[key][a.Score] = a
	}
	return v
}

// lookup returns the aggregates of a region key by score id, looked up
// scope by scope (world, region, …), and the scope; nil when none has it.
// The map is shared: read it only.
func (v *aggView) lookup(key string) (map[string]store.Aggregate, string) {
	lk := strings.ToLower(key)
	for _, scope := range summaryScopes {
		if byScore := v.byScope[scope][lk]; len(byScore) > 0 {
			return byScore, scope
		}
	}
	return nil, ""
}

// aggView returns the aggregates of m, read by the first request that
// needs them while the others wait for the same read.
func (c *call) aggView(m *store.MonthMeta) (*aggView, error) {
	s := c.s
	key, version := viewKeys(m, s.view.Generation())
	sl, load := s.aggs.slot(key, version)
	if load {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(c.ctx()), viewLoadTimeout)
		aggs, err := s.st.Aggregates(ctx, m.Month, m.Spec, "")
		cancel()
		if err != nil {
			s.aggs.fill(key, sl, nil, fmt.Errorf("read aggregates: %w", err))
		} else {
			s.aggs.fill(key, sl, newAggView(aggs), nil)
		}
	}
	return waitSlot(c.ctx(), sl)
}

// aggregatesOf returns a month's aggregates of one region key, by score
// id, and the scope that has them; nil when none has.
func (s *Server) aggregatesOf(c *call, m *store.MonthMeta, key string) (map[string]store.Aggregate, string, error) {
	v, err := c.aggView(m)
	if err != nil {
		return nil, "", err
	}
	out, scope := v.lookup(key)
	return out, scope, nil
}
