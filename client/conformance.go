package client

import (
	"context"

	"github.com/observatory-net/observatory/api/wire"
)

// ConformanceFlags is the month's minimum-conformance flags
// (GET /api/v2/conformance/flags).
type ConformanceFlags = wire.ConformanceFlags

// ConformanceFlag is one participant's ASN below the minimum on one Action.
type ConformanceFlag = wire.ConformanceFlag

// ConformanceFlags returns the month's minimum-conformance flags that the
// key may see: all for a partner or secretariat key, its own
// participant's for a participant key. It needs a key.
func (c *Client) ConformanceFlags(ctx context.Context, opts *MonthOptions) (*ConformanceFlags, error) {
	var out ConformanceFlags
	err := c.do(ctx, request{method: "GET", path: "/api/v2/conformance/flags", query: opts.values(nil)}, &out)
	return nilOnError(&out, err)
}
