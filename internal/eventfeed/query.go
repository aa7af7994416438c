package eventfeed

import (
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

// Query selects events; the zero Query selects all of them.
type Query struct {
	Type Type // "" for every type
	ASN  uint32
	// Prefix keeps the events with a prefix that overlaps it: equal to
	// it, more specific or covering.
	Prefix netip.Prefix
	// Since keeps the events that ended at or after it.
	Since time.Time
}

// ParseQuery reads a query from its text form, as the API and the CLI
// take it: type hijack|leak|bogon, an ASN (AS3333 or 3333), a prefix and
// since (RFC 3339, or a date YYYY-MM-DD for its midnight UTC); each may
// be "". The error names the parameter.
func ParseQuery(typ, asn, prefix, since string) (Query, error) {
	var q Query
	if typ != "" {
		if !slices.Contains(Types, Type(typ)) {
			return q, fmt.Errorf("type %q: want hijack, leak or bogon", typ)
		}
		q.Type = Type(typ)
	}
	if asn != "" {
		a, err := vocab.ParseASN(asn)
		if err != nil {
			return q, fmt.Errorf("asn %q: want AS followed by a number, or a number", asn)
		}
		q.ASN = a
	}
	if prefix != "" {
		p, err := netip.ParsePrefix(prefix)
		if err != nil {
			return q, fmt.Errorf("prefix %q: want an IPv4 or IPv6 prefix such as 192.0.2.0/24", prefix)
		}
		q.Prefix = p.Masked()
	}
	if since != "" {
		t, err := time.Parse(time.RFC3339, since)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, since); err != nil {
				return q, fmt.Errorf("since %q: want an RFC 3339 time or a date YYYY-MM-DD", since)
			}
		}
		q.Since = t.UTC()
	}
	return q, nil
}

// Match reports whether e is selected by q.
func (q *Query) Match(e *Event) bool {
	if q.Type != "" && e.Type != q.Type {
		return false
	}
	if q.ASN != 0 {
		if _, ok := slices.BinarySearch(e.ASNs, q.ASN); !ok {
			return false
		}
	}
	if q.Prefix.IsValid() && !slices.ContainsFunc(e.Prefixes, q.Prefix.Overlaps) {
		return false
	}
	return q.Since.IsZero() || !e.End.Before(q.Since)
}

// Filter returns the events of es that q selects, in their order.
func (q *Query) Filter(es []Event) []Event {
	out := []Event{}
	for i := range es {
		if q.Match(&es[i]) {
			out = append(out, es[i])
		}
	}
	return out
}

// Find returns the event of es with id, if any.
func Find(es []Event, id string) (*Event, bool) {
	i := slices.IndexFunc(es, func(e Event) bool { return e.ID == id })
	if i < 0 {
		return nil, false
	}
	return &es[i], true
}
