package client

import (
	"context"
	"iter"
	"net/url"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
)

// IncidentsOptions filter Incidents. Without ASN, a participant key lists
// the incidents of its own ASNs, partner and secretariat keys all.
type IncidentsOptions struct {
	MonthOptions
	PageOptions
	ASN ASN // 0: see above
}

// IncidentsPage returns a page of the month's incidents with evidence and
// feedback trail. It needs a key.
func (c *Client) IncidentsPage(ctx context.Context, opts *IncidentsOptions) (*Page[Incident], error) {
	if opts == nil {
		opts = &IncidentsOptions{}
	}
	q := opts.PageOptions.values(opts.MonthOptions.values(nil))
	if opts.ASN != 0 {
		q.Set("asn", opts.ASN.String())
	}
	var out Page[Incident]
	err := c.do(ctx, request{method: "GET", path: "/api/v2/incidents", query: q}, &out)
	return nilOnError(&out, err)
}

// Incidents iterates over the month's incidents, in stored order.
func (c *Client) Incidents(ctx context.Context, opts *IncidentsOptions) iter.Seq2[Incident, error] {
	o := IncidentsOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]Incident, string, error) {
		o.PageToken = token
		return unpage(c.IncidentsPage(ctx, &o))
	})
}

// FlagIncident reports an incident of the key's own participant as a
// false positive, with a reason (1 to 4000 bytes), and returns the
// pending feedback. It needs a participant key; an incident that already
// has a pending feedback answers 409 (IsConflict).
func (c *Client) FlagIncident(ctx context.Context, incidentID, reason string) (*Feedback, error) {
	body := wire.FeedbackRequest{Reason: reason}
	var out Feedback
	err := c.do(ctx, request{method: "POST", path: "/api/v2/incidents/" + url.PathEscape(incidentID) + "/feedback", body: body}, &out)
	return nilOnError(&out, err)
}

// FeedbackOptions filter Feedback by verdict (empty: all).
type FeedbackOptions struct {
	PageOptions
	Verdict Verdict
}

// FeedbackPage returns a page of feedback, newest first: all of it for a
// secretariat key, its own ASNs' for a participant key.
func (c *Client) FeedbackPage(ctx context.Context, opts *FeedbackOptions) (*Page[Feedback], error) {
	if opts == nil {
		opts = &FeedbackOptions{}
	}
	q := opts.PageOptions.values(url.Values{})
	if opts.Verdict != "" {
		q.Set("verdict", string(opts.Verdict))
	}
	var out Page[Feedback]
	err := c.do(ctx, request{method: "GET", path: "/api/v2/feedback", query: q}, &out)
	return nilOnError(&out, err)
}

// Feedback iterates over feedback, newest first.
func (c *Client) Feedback(ctx context.Context, opts *FeedbackOptions) iter.Seq2[Feedback, error] {
	o := FeedbackOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]Feedback, string, error) {
		o.PageToken = token
		return unpage(c.FeedbackPage(ctx, &o))
	})
}

// ReviewFeedback records the secretariat's verdict on a pending feedback
// and returns it reviewed. An accepted incident leaves the score and the
// month is re-scored. A feedback no longer pending answers 409.
func (c *Client) ReviewFeedback(ctx context.Context, id int64, r Review) (*Feedback, error) {
	var out Feedback
	err := c.do(ctx, request{method: "POST", path: "/api/v2/feedback/" + strconv.FormatInt(id, 10) + "/review", body: r}, &out)
	return nilOnError(&out, err)
}
