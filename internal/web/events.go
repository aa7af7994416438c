package web

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/eventfeed"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// eventsPageRows is how many events the Events page shows; the CSV and
// the API have them all.
const eventsPageRows = 200

// eventsPage is the public event feed of a month (docs/events.md).
type eventsPage struct {
	Month                    string
	Months                   []string
	Type, ASN, Prefix, Since string
	Types                    []eventfeed.Type
	Rows                     []wire.Event
	Total                    int
	JSON, CSV, Atom          string
	Formula                  string
}

func (p eventsPage) PageTitle() string { return "Routing events, " + p.Month }

// eventsOf reads the query's month and filters (?month=&type=&asn=
// &prefix=&since=) and the month's public events they select: the same
// for every visitor (view.View.Events).
func (s *Server) eventsOf(q *request) (*eventsPage, []eventfeed.Event, error) {
	v := q.r.URL.Query()
	p := &eventsPage{Type: v.Get("type"), ASN: strings.TrimSpace(v.Get("asn")), Prefix: strings.TrimSpace(v.Get("prefix")),
		Since: strings.TrimSpace(v.Get("since")), Types: eventfeed.Types, Formula: wire.ConfidenceFormula}
	query, err := eventfeed.ParseQuery(p.Type, p.ASN, p.Prefix, p.Since)
	if err != nil {
		return nil, nil, badRequest("%s", truncate(err.Error(), 120))
	}
	m, err := q.month()
	if err != nil {
		return nil, nil, err
	}
	es, err := s.shared.Events(q.ctx(), m)
	if err != nil {
		return nil, nil, refusal(err)
	}
	es = query.Filter(es)
	p.Month, p.Total = m.Month.Format(vocab.MonthLayout), len(es)
	keep := url.Values{"month": {p.Month}}
	for k, val := range map[string]string{"type": p.Type, "asn": p.ASN, "prefix": p.Prefix, "since": p.Since} {
		if val != "" {
			keep.Set(k, val)
		}
	}
	p.JSON, p.CSV, p.Atom = "/api/v2/events?"+keep.Encode(), "/events.csv?"+keep.Encode(), "/events.atom?"+keep.Encode()
	return p, es, nil
}

// eventsHandler: GET /events, the month's hijacks, leaks and bogons,
// public: the items of GET /api/v2/events, first eventsPageRows.
func (s *Server) eventsHandler(q *request) error {
	p, es, err := s.eventsOf(q)
	if err != nil {
		return err
	}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	for i := range es[:min(len(es), eventsPageRows)] {
		p.Rows = append(p.Rows, es[i].Wire())
	}
	return q.render(http.StatusOK, "events", p)
}

// eventsCSV: GET /events.csv, every event of the page's query, the
// columns of eventfeed.CSVHeader.
func (s *Server) eventsCSV(q *request) error {
	p, es, err := s.eventsOf(q)
	if err != nil {
		return err
	}
	rows := make([][]string, len(es))
	for i := range es {
		rows[i] = es[i].CSVRow()
	}
	return writeCSV(q, "events-"+p.Month, eventfeed.CSVHeader, rows)
}

// writeCSV answers with a CSV download of public data.
func writeCSV(q *request, name string, header []string, rows [][]string) error {
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.csv"`, name))
	w := csv.NewWriter(q.w)
	w.Write(header) //nolint:errcheck // checked by Flush
	for _, r := range rows {
		for i := range r {
			r[i] = csvSafe(r[i])
		}
		w.Write(r) //nolint:errcheck // checked by Flush
	}
	w.Flush()
	return w.Error()
}

// eventPage is one event with its evidence paths.
type eventPage struct {
	Month     string
	Event     wire.Event
	Paths     []eventPathRow
	JSON      string // the API's document, indented
	API, CSV  string
	Permalink string
}

// eventPathRow is one evidence path, split around the culprit's hop for
// the page to highlight it.
type eventPathRow struct {
	Prefix        string
	Before, After []string
	Culprit       string // "" when the culprit is not on the path
}

func (p eventPage) PageTitle() string { return p.Event.Type + " by " + p.Event.Culprit.String() }

// eventOf reads /events/{id}?month= and the event.
func (s *Server) eventOf(q *request) (*store.MonthMeta, *eventfeed.Event, error) {
	id := q.r.PathValue("id")
	if id == "" || len(id) > 200 || strings.ContainsAny(id, " /") {
		return nil, nil, badRequest("event %q: not an event id", truncate(id, 40))
	}
	m, err := q.month()
	if err != nil {
		return nil, nil, err
	}
	e, err := s.shared.Event(q.ctx(), m, id)
	if err != nil {
		return nil, nil, refusal(err)
	}
	return m, e, nil
}

// eventHandler: GET /events/{id}?month=, public: the event, the rule that
// fired, its evidence paths with the culprit highlighted, and GET
// /api/v2/events/{id}'s document.
func (s *Server) eventHandler(q *request) error {
	m, e, err := s.eventOf(q)
	if err != nil {
		return err
	}
	p := &eventPage{Month: m.Month.Format(vocab.MonthLayout), Event: e.Wire()}
	month := "?month=" + p.Month
	p.API, p.CSV, p.Permalink = "/api/v2/events/"+e.ID+month, "/events/"+e.ID+"/paths.csv"+month, "/events/"+e.ID+month
	for _, path := range p.Event.Paths {
		r := eventPathRow{Prefix: path.Prefix, Before: path.Hops}
		if c := path.Culprit; c >= 0 && c < len(path.Hops) {
			r.Before, r.Culprit, r.After = path.Hops[:c], path.Hops[c], path.Hops[c+1:]
		}
		p.Paths = append(p.Paths, r)
	}
	b, err := json.MarshalIndent(p.Event, "", "  ")
	if err != nil {
		return err
	}
	p.JSON = string(b)
	return q.render(http.StatusOK, "event", p)
}

// eventPathsCSV: GET /events/{id}/paths.csv?month=, the evidence paths.
func (s *Server) eventPathsCSV(q *request) error {
	m, e, err := s.eventOf(q)
	if err != nil {
		return err
	}
	return writeCSV(q, "event-"+e.ID+"-"+m.Month.Format(vocab.MonthLayout), eventfeed.PathCSVHeader, e.PathRows())
}
