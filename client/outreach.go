package client

import (
	"context"
	"iter"

	"github.com/observatory-net/observatory/api/wire"
)

// OutreachTarget is a network that is not a participant, ranked for
// outreach; OutreachList a page of the ranking; Growth the participation
// growth and the participants vs all networks shares (api/wire).
type (
	OutreachTarget = wire.OutreachTarget
	OutreachList   = wire.OutreachList
	Growth         = wire.Growth
	GrowthMonth    = wire.GrowthMonth
	GrowthShares   = wire.GrowthShares
	NetworkShares  = wire.NetworkShares
)

// OutreachOptions choose the month, a region (UN region, sub-region or
// RIR) or an economy, and a page of the outreach ranking.
type OutreachOptions struct {
	MonthOptions
	PageOptions
	Region  string
	Economy string
}

// OutreachPage returns a page of the month's non-participant networks
// ranked for outreach (secretariat or partner key; docs/outreach.md).
func (c *Client) OutreachPage(ctx context.Context, opts *OutreachOptions) (*OutreachList, error) {
	if opts == nil {
		opts = &OutreachOptions{}
	}
	q := opts.PageOptions.values(opts.MonthOptions.values(nil))
	if opts.Region != "" {
		q.Set("region", opts.Region)
	}
	if opts.Economy != "" {
		q.Set("economy", opts.Economy)
	}
	var out OutreachList
	err := c.do(ctx, request{method: "GET", path: "/api/v2/outreach", query: q}, &out)
	return nilOnError(&out, err)
}

// Outreach iterates over the whole outreach ranking, first first.
func (c *Client) Outreach(ctx context.Context, opts *OutreachOptions) iter.Seq2[OutreachTarget, error] {
	o := OutreachOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]OutreachTarget, string, error) {
		o.PageToken = token
		p, err := c.OutreachPage(ctx, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextPageToken, nil
	})
}

// Growth returns participation by programme and month and the
// participants vs all networks shares over the stored months (public).
func (c *Client) Growth(ctx context.Context) (*Growth, error) {
	var out Growth
	err := c.do(ctx, request{method: "GET", path: "/api/v2/growth"}, &out)
	return nilOnError(&out, err)
}
