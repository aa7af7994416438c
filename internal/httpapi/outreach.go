package httpapi

import (
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/outreach"
	"github.com/observatory-net/observatory/internal/view"
)

// listOutreach: GET /api/v2/outreach, the month's non-participant
// networks ranked for outreach (docs/outreach.md), for the secretariat
// and partners only (view.MaySeeOutreach): it names them as targets.
func (s *Server) listOutreach(c *call) error {
	if err := view.MaySeeOutreach(&c.who.Principal); err != nil {
		return err
	}
	q := outreach.Query{Region: c.q.Get("region"), Economy: c.q.Get("economy")}
	if err := q.Validate(); err != nil {
		return badRequest("%s", err.Error())
	}
	pr, m, err := c.pagedMonth()
	if err != nil {
		return err
	}
	c.heavy = true // the whole month's records and incidents
	return c.serveMonth(m, viewAll, func() (any, error) {
		ts, err := s.view.Outreach(c.ctx(), &c.who.Principal, m, q)
		if err != nil {
			return nil, err
		}
		p, err := pr.window(len(ts))
		if err != nil {
			return nil, err
		}
		out := wire.OutreachList{MonthData: head(m), NextPageToken: p.next, Region: q.Region,
			Economy: strings.ToUpper(q.Economy), Formula: wire.OutreachFormula, Total: len(ts), Items: []wire.OutreachTarget{}}
		for i := p.start; i < p.end; i++ {
			out.Items = append(out.Items, ts[i].Wire())
		}
		return out, nil
	})
}

// getGrowth: GET /api/v2/growth, public: participation by programme and
// month, and participants vs all networks over the stored months. Built
// once per version of the months, the registry and the view's writes.
func (s *Server) getGrowth(c *call) error {
	metas, err := s.monthList(c.ctx())
	if err != nil {
		return err
	}
	_, regVersion, err := s.registered(c.ctx())
	if err != nil {
		return err
	}
	key := []string{c.r.URL.Path, regVersion, strconv.FormatUint(s.view.Generation(), 10)}
	for _, m := range metas {
		key = append(key, m.Month.Format(time.RFC3339), m.Spec, strconv.FormatInt(m.IngestedAt.UnixNano(), 10))
	}
	k := strings.Join(key, "\x00")
	body, ok := s.cache.get(k)
	if !ok {
		c.heavy = true // every stored month's aggregates
		if body, err = c.build(k, func() (any, error) {
			g, err := s.view.Growth(c.ctx())
			if err != nil {
				return nil, err
			}
			return g.Wire(), nil
		}); err != nil {
			return err
		}
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", cachePublic)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	c.w.Write(body) //nolint:errcheck // the client is gone
	return nil
}
