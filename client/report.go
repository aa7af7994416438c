package client

import (
	"context"
	"net/url"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
)

// Report is a participant's monthly conformance report
// (GET /api/v2/reports/{participant}); ReportASN one of its ASNs.
type (
	Report    = wire.Report
	ReportASN = wire.ReportASN
)

// Report returns participant's monthly conformance report (its registry
// ID): a participant key its own only, a partner or secretariat key any.
func (c *Client) Report(ctx context.Context, participant int64, opts *MonthOptions) (*Report, error) {
	var out Report
	err := c.do(ctx, request{method: "GET", path: reportPath(participant), query: opts.values(nil)}, &out)
	return nilOnError(&out, err)
}

// ReportPDF returns the same report rendered as a PDF document.
func (c *Client) ReportPDF(ctx context.Context, participant int64, opts *MonthOptions) ([]byte, error) {
	var out []byte
	q := opts.values(url.Values{"format": {"pdf"}})
	err := c.do(ctx, request{method: "GET", path: reportPath(participant), query: q, accept: "application/pdf"}, &out)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func reportPath(participant int64) string {
	return "/api/v2/reports/" + strconv.FormatInt(participant, 10)
}
