package client

import (
	"context"
	"iter"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// MonthOptions choose the month of month data. The zero value asks for
// the newest stored month under the server's default specification.
type MonthOptions struct {
	// Month is any instant of the month wanted (only year and month are
	// used); zero for the newest.
	Month time.Time
	// Spec is the specification ID@VERSION the month was scored with;
	// empty for the server's default.
	Spec string
}

func (o *MonthOptions) values(q url.Values) url.Values {
	if q == nil {
		q = url.Values{}
	}
	if o == nil {
		return q
	}
	if !o.Month.IsZero() {
		q.Set("month", o.Month.UTC().Format(MonthLayout))
	}
	if o.Spec != "" {
		q.Set("spec", o.Spec)
	}
	return q
}

// PageOptions choose a page of a list: PageSize items (0: the server's
// default, 100; at most 1000) from PageToken (empty: the first page).
// Iterators start at PageToken and follow the pages from there.
type PageOptions struct {
	PageSize  int
	PageToken string
}

func (o PageOptions) values(q url.Values) url.Values {
	if o.PageSize > 0 {
		q.Set("pageSize", strconv.Itoa(o.PageSize))
	}
	if o.PageToken != "" {
		q.Set("pageToken", o.PageToken)
	}
	return q
}

// ASNsOptions filter ParticipantASNs.
type ASNsOptions struct {
	MonthOptions
	PageOptions
}

// ASNsPage returns a page of the month's participant ASNs, ascending.
func (c *Client) ASNsPage(ctx context.Context, opts *ASNsOptions) (*Page[ASN], error) {
	if opts == nil {
		opts = &ASNsOptions{}
	}
	var out Page[ASN]
	err := c.do(ctx, request{method: "GET", path: "/api/v2/asns", query: opts.PageOptions.values(opts.MonthOptions.values(nil))}, &out)
	return nilOnError(&out, err)
}

// ASNs iterates over the month's participant ASNs, ascending.
func (c *Client) ASNs(ctx context.Context, opts *ASNsOptions) iter.Seq2[ASN, error] {
	o := ASNsOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]ASN, string, error) {
		o.PageToken = token
		return unpage(c.ASNsPage(ctx, &o))
	})
}

// ASesOptions filter ASes: by economies (ISO 3166 alpha-2 codes), by a UN
// M49 region or sub-region or an RIR (Europe, Western Europe, RIPE NCC).
type ASesOptions struct {
	MonthOptions
	PageOptions
	Economies []string
	Region    string
}

func (o *ASesOptions) values() url.Values {
	q := o.PageOptions.values(o.MonthOptions.values(nil))
	if len(o.Economies) > 0 {
		q.Set("economies", strings.Join(o.Economies, ","))
	}
	if o.Region != "" {
		q.Set("region", o.Region)
	}
	return q
}

// ASesPage returns a page of the month's networks, by ASN, with the
// scores the caller may see.
func (c *Client) ASesPage(ctx context.Context, opts *ASesOptions) (*Page[AS], error) {
	if opts == nil {
		opts = &ASesOptions{}
	}
	var out Page[AS]
	err := c.do(ctx, request{method: "GET", path: "/api/v2/ases", query: opts.values()}, &out)
	return nilOnError(&out, err)
}

// ASes iterates over the month's networks, by ASN.
func (c *Client) ASes(ctx context.Context, opts *ASesOptions) iter.Seq2[AS, error] {
	o := ASesOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]AS, string, error) {
		o.PageToken = token
		return unpage(c.ASesPage(ctx, &o))
	})
}

// AS returns one network of the month with the scores the caller may see.
func (c *Client) AS(ctx context.Context, asn ASN, opts *MonthOptions) (*ASRecord, error) {
	var out ASRecord
	err := c.do(ctx, request{method: "GET", path: "/api/v2/ases/" + asn.String(), query: opts.values(nil)}, &out)
	return nilOnError(&out, err)
}

// SummaryOptions choose the region of ScoresSummary: world (default), a
// region, sub-region, RIR, economy or participant programme.
type SummaryOptions struct {
	MonthOptions
	Region string
	// ASNs or Economies (ISO 3166 alpha-2), when set, summarise those
	// networks instead of a region, as the published API's asns= and
	// economies= do; at most one of Region, ASNs and Economies.
	ASNs      []ASN
	Economies []string
}

// ScoresSummary returns the five scores over a region, with their trend
// and the networks per readiness level.
func (c *Client) ScoresSummary(ctx context.Context, opts *SummaryOptions) (*ScoreSummary, error) {
	if opts == nil {
		opts = &SummaryOptions{}
	}
	q := opts.MonthOptions.values(nil)
	if opts.Region != "" {
		q.Set("region", opts.Region)
	}
	if len(opts.ASNs) > 0 {
		s := make([]string, len(opts.ASNs))
		for i, a := range opts.ASNs {
			s[i] = strconv.FormatUint(uint64(a), 10)
		}
		q.Set("asns", strings.Join(s, ","))
	}
	if len(opts.Economies) > 0 {
		q.Set("economies", strings.Join(opts.Economies, ","))
	}
	var out ScoreSummary
	err := c.do(ctx, request{method: "GET", path: "/api/v2/scores/summary", query: q}, &out)
	return nilOnError(&out, err)
}

// ScoresDetails returns a network's scores, metrics, route evidence and
// incidents. It needs a key that may see them: a participant key for its
// own ASNs (403 for others), a partner or secretariat key for all.
func (c *Client) ScoresDetails(ctx context.Context, asn ASN, opts *MonthOptions) (*ScoreDetails, error) {
	q := opts.values(nil)
	q.Set("asn", asn.String())
	var out ScoreDetails
	err := c.do(ctx, request{method: "GET", path: "/api/v2/scores/details", query: q}, &out)
	return nilOnError(&out, err)
}

// pages iterates over the items of the pages fetch returns, from token on,
// until a page has no next token, an error (yielded last) or the caller
// stops.
func pages[T any](token string, fetch func(token string) ([]T, string, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		for {
			items, next, err := fetch(token)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if next == "" || next == token {
				return
			}
			token = next
		}
	}
}

// unpage returns a page's items and next token.
func unpage[T any](p *Page[T], err error) ([]T, string, error) {
	if err != nil {
		return nil, "", err
	}
	return p.Items, p.NextPageToken, nil
}

// nilOnError returns v, or nil with err.
func nilOnError[T any](v *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return v, nil
}
