package web

import (
	"encoding/xml"
	"fmt"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/eventfeed"
)

// atomFeed is an Atom feed (RFC 4287) of events.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Link    []atomLink  `xml:"link"`
	Author  atomAuthor  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomAuthor struct {
	Name string `xml:"name"`
}

type atomEntry struct {
	ID      string     `xml:"id"`
	Title   string     `xml:"title"`
	Updated string     `xml:"updated"`
	Link    []atomLink `xml:"link"`
	Summary string     `xml:"summary"`
}

// eventsAtom: GET /events.atom, the page's query as an Atom feed (RFC
// 4287) of its first eventsPageRows events, newest first: an entry per
// event linking to its page and its JSON. Public, like the list.
func (s *Server) eventsAtom(q *request) error {
	p, es, err := s.eventsOf(q)
	if err != nil {
		return err
	}
	base := "https://" + q.r.Host
	if q.r.TLS == nil {
		base = "http://" + q.r.Host
	}
	f := atomFeed{ID: base + "/events.atom?" + strings.TrimPrefix(p.CSV, "/events.csv?"), Title: "Routing events, " + p.Month,
		Updated: time.Unix(0, 0).UTC().Format(time.RFC3339), Author: atomAuthor{Name: "Observatory"},
		Link: []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + strings.Replace(p.CSV, "/events.csv", "/events.atom", 1)},
			{Rel: "alternate", Type: "text/html", Href: base + strings.Replace(p.CSV, "/events.csv", "/events", 1)}}}
	for i := range es[:min(len(es), eventsPageRows)] {
		e := &es[i]
		if u := e.End.Format(time.RFC3339); u > f.Updated {
			f.Updated = u
		}
		page := fmt.Sprintf("%s/events/%s?month=%s", base, e.ID, p.Month)
		f.Entries = append(f.Entries, atomEntry{ID: page, Updated: e.End.Format(time.RFC3339),
			Title: fmt.Sprintf("%s by AS%d: %s", e.Type, e.Culprit, prefixList(e)),
			Link: []atomLink{{Rel: "alternate", Type: "text/html", Href: page},
				{Rel: "alternate", Type: "application/json", Href: fmt.Sprintf("%s/api/v2/events/%s?month=%s", base, e.ID, p.Month)}},
			Summary: fmt.Sprintf("%s. %s to %s (%.0f s), seen by %d collector peers at most; confidence %s %.2f.",
				e.Rule, e.Start.Format(time.RFC3339), e.End.Format(time.RFC3339), e.Duration().Seconds(), e.Peers, e.Confidence.Level, e.Confidence.Value)})
	}
	q.w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if _, err := q.w.Write([]byte(xml.Header)); err != nil {
		return nil //nolint:nilerr // the client is gone
	}
	enc := xml.NewEncoder(q.w)
	enc.Indent("", " ")
	return enc.Encode(f)
}

// prefixList is the event's first prefixes for a title.
func prefixList(e *eventfeed.Event) string {
	var ps []string
	for _, p := range e.Prefixes[:min(len(e.Prefixes), 3)] {
		ps = append(ps, p.String())
	}
	if n := len(e.Prefixes); n > 3 {
		ps = append(ps, fmt.Sprintf("(%d in all)", n))
	}
	return strings.Join(ps, " ")
}
