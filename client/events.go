package client

import (
	"context"
	"iter"
	"net/url"

	"github.com/observatory-net/observatory/api/wire"
)

// Event is one public routing event (a hijack, route leak or bogon);
// EventList a page of a month's events (api/wire, docs/events.md).
type (
	Event           = wire.Event
	EventList       = wire.EventList
	EventConfidence = wire.EventConfidence
	EventPath       = wire.EventPath
)

// EventsOptions choose the month, the filters and a page of the public
// event feed: Type hijack, leak or bogon; ASN the events involving it
// ("AS3333" or "3333"); Prefix those with an overlapping prefix; Since
// those that ended at or after it (RFC 3339 or YYYY-MM-DD).
type EventsOptions struct {
	MonthOptions
	PageOptions
	Type, ASN, Prefix, Since string
}

// EventsPage returns a page of the month's public events, newest start
// first (no key needed).
func (c *Client) EventsPage(ctx context.Context, opts *EventsOptions) (*EventList, error) {
	if opts == nil {
		opts = &EventsOptions{}
	}
	q := opts.PageOptions.values(opts.MonthOptions.values(nil))
	for k, v := range map[string]string{"type": opts.Type, "asn": opts.ASN, "prefix": opts.Prefix, "since": opts.Since} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var out EventList
	err := c.do(ctx, request{method: "GET", path: "/api/v2/events", query: q}, &out)
	return nilOnError(&out, err)
}

// Events iterates over every event the options select, newest first.
func (c *Client) Events(ctx context.Context, opts *EventsOptions) iter.Seq2[Event, error] {
	o := EventsOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]Event, string, error) {
		o.PageToken = token
		p, err := c.EventsPage(ctx, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextPageToken, nil
	})
}

// Event returns one event of a month with its evidence paths.
func (c *Client) Event(ctx context.Context, id string, opts *MonthOptions) (*Event, error) {
	if opts == nil {
		opts = &MonthOptions{}
	}
	var out Event
	err := c.do(ctx, request{method: "GET", path: "/api/v2/events/" + url.PathEscape(id), query: opts.values(nil)}, &out)
	return nilOnError(&out, err)
}
