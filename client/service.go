package client

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
)

// ROAsByASN returns the ROA coverage of a network's announcements, per
// address family.
func (c *Client) ROAsByASN(ctx context.Context, asn ASN, opts *MonthOptions) (*ROAStats, error) {
	var out ROAStats
	err := c.do(ctx, request{method: "GET", path: "/api/v2/roas/asn/" + asn.String(), query: opts.values(nil)}, &out)
	return nilOnError(&out, err)
}

// ROAsByEconomy returns the ROA coverage of an economy's announcements
// (cc: ISO 3166 alpha-2, any case), per address family.
func (c *Client) ROAsByEconomy(ctx context.Context, cc string, opts *MonthOptions) (*ROAStats, error) {
	var out ROAStats
	err := c.do(ctx, request{method: "GET", path: "/api/v2/roas/economy/" + url.PathEscape(cc), query: opts.values(nil)}, &out)
	return nilOnError(&out, err)
}

// ParticipantsOptions choose the month of the participants table and a
// page of it.
type ParticipantsOptions struct {
	MonthOptions
	PageOptions
}

// ParticipantsPage returns a page of the public participants table, by
// organisation, with the month's marks and scores.
func (c *Client) ParticipantsPage(ctx context.Context, opts *ParticipantsOptions) (*ParticipantPage, error) {
	if opts == nil {
		opts = &ParticipantsOptions{}
	}
	var out ParticipantPage
	err := c.do(ctx, request{method: "GET", path: "/api/v2/participants", query: opts.PageOptions.values(opts.MonthOptions.values(nil))}, &out)
	return nilOnError(&out, err)
}

// Participants iterates over the public participants table.
func (c *Client) Participants(ctx context.Context, opts *ParticipantsOptions) iter.Seq2[ParticipantRow, error] {
	o := ParticipantsOptions{}
	if opts != nil {
		o = *opts
	}
	return pages(o.PageToken, func(token string) ([]ParticipantRow, string, error) {
		o.PageToken = token
		p, err := c.ParticipantsPage(ctx, &o)
		if err != nil {
			return nil, "", err
		}
		return p.Items, p.NextPageToken, nil
	})
}

// CreateParticipant registers a participant (secretariat key). An
// organisation registered already answers 409.
func (c *Client) CreateParticipant(ctx context.Context, p ParticipantInput) (*RegisteredParticipant, error) {
	var out RegisteredParticipant
	err := c.do(ctx, request{method: "POST", path: "/api/v2/participants", body: p}, &out)
	return nilOnError(&out, err)
}

// UpdateParticipant replaces registered participant id (secretariat key).
func (c *Client) UpdateParticipant(ctx context.Context, id int64, p ParticipantInput) (*RegisteredParticipant, error) {
	var out RegisteredParticipant
	err := c.do(ctx, request{method: "PUT", path: "/api/v2/participants/" + strconv.FormatInt(id, 10), body: p}, &out)
	return nilOnError(&out, err)
}

// DeleteParticipant removes participant id from the registry (secretariat
// key). Its participant keys see no details afterwards.
func (c *Client) DeleteParticipant(ctx context.Context, id int64) error {
	return c.do(ctx, request{method: "DELETE", path: "/api/v2/participants/" + strconv.FormatInt(id, 10)}, nil)
}

// Specs lists the scoring specifications built into the server.
func (c *Client) Specs(ctx context.Context) ([]SpecSummary, error) {
	var out wire.SpecList
	err := c.do(ctx, request{method: "GET", path: "/api/v2/specs"}, &out)
	return out.Items, err
}

// Spec returns one scoring specification; Raw holds the whole document.
func (c *Client) Spec(ctx context.Context, id, version string) (*Spec, error) {
	var raw []byte
	path := "/api/v2/specs/" + url.PathEscape(id) + "/" + url.PathEscape(version)
	if err := c.do(ctx, request{method: "GET", path: path}, &raw); err != nil {
		return nil, err
	}
	var out Spec
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("observatory: GET %s: decode the answer: %w", path, err)
	}
	out.Raw = raw
	return &out, nil
}

// OpenAPI returns the server's API contract, the OpenAPI 3.1 document, as
// JSON.
func (c *Client) OpenAPI(ctx context.Context) (json.RawMessage, error) {
	var raw []byte
	err := c.do(ctx, request{method: "GET", path: "/api/v2/openapi.json"}, &raw)
	if err == nil && !json.Valid(raw) {
		err = fmt.Errorf("observatory: GET /api/v2/openapi.json: the answer is not JSON")
	}
	return raw, err
}

// Healthz reports whether the server and its store answer: an *Error with
// Status 503 when the store does not.
func (c *Client) Healthz(ctx context.Context) (*Health, error) {
	var out Health
	err := c.do(ctx, request{method: "GET", path: "/healthz"}, &out)
	return nilOnError(&out, err)
}

// Metrics returns the server's Prometheus metrics, in the text exposition
// format.
func (c *Client) Metrics(ctx context.Context) (string, error) {
	var raw []byte
	err := c.do(ctx, request{method: "GET", path: "/metrics", accept: "text/plain"}, &raw)
	return string(raw), err
}
