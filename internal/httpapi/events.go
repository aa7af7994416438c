package httpapi

import (
	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/eventfeed"
)

// The public event feed (issue 16 deliverable 4, docs/events.md): a
// month's hijacks, route leaks and bogon announcements, the same document
// for every caller (view.View.Events), so served as public data.

// listEvents: GET /api/v2/events?month=&type=&asn=&prefix=&since=, newest
// start first, paged.
func (s *Server) listEvents(c *call) error {
	q, err := eventfeed.ParseQuery(c.q.Get("type"), c.q.Get("asn"), c.q.Get("prefix"), c.q.Get("since"))
	if err != nil {
		return badRequest("%s", err.Error())
	}
	pr, m, err := c.pagedMonth()
	if err != nil {
		return err
	}
	c.heavy = true // every incident of the month
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		es, err := s.view.Events(c.ctx(), m)
		if err != nil {
			return nil, err
		}
		es = q.Filter(es)
		p, err := pr.window(len(es))
		if err != nil {
			return nil, err
		}
		out := wire.EventList{MonthData: head(m), NextPageToken: p.next, Formula: wire.ConfidenceFormula,
			Total: len(es), Items: []wire.Event{}}
		for i := p.start; i < p.end; i++ {
			out.Items = append(out.Items, es[i].Wire())
		}
		return out, nil
	})
}

// getEvent: GET /api/v2/events/{id}?month=, one event with its evidence.
func (s *Server) getEvent(c *call) error {
	id := c.r.PathValue("id")
	if len(id) == 0 || len(id) > 200 {
		return badRequest("event id: want 1 to 200 characters")
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	c.heavy = true
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		e, err := s.view.Event(c.ctx(), m, id)
		if err != nil {
			return nil, err
		}
		return e.Wire(), nil
	})
}
