package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// RSCheck is a stored IXP route-server check (observatory rs-check --db,
// internal/rscheck): which IXP, when it was stored, and its report as the
// JSON `observatory rs-check --format json` writes, kept whole so that the
// API serves the same bytes' content the CLI printed.
type RSCheck struct {
	ID        int64
	IXP       string
	CheckedAt time.Time
	// Routes and Rejectable are the report's totals, kept beside it for
	// the list.
	Routes, Rejectable int
	// Report is the JSON report; empty in the entries of RSChecks.List.
	Report []byte
}

// RSChecks keeps route-server checks; both backends implement it beside
// Service (store/storetest RunRSChecks).
type RSChecks interface {
	// RecordRSCheck stores c in one transaction and returns its id; c
	// without IXP or with a report that is not a JSON object is
	// ErrInvalid.
	RecordRSCheck(ctx context.Context, c *RSCheck) (int64, error)
	// ListRSChecks returns every check without its report, newest first
	// (then highest id first).
	ListRSChecks(ctx context.Context) ([]RSCheck, error)
	// RSCheck returns check id whole (ErrNotFound if none).
	RSCheck(ctx context.Context, id int64) (*RSCheck, error)
}

// maxIXPName bounds an IXP name, in bytes.
const maxIXPName = 200

// ValidateRSCheck checks a route-server check before it is stored.
func ValidateRSCheck(c *RSCheck) error {
	switch {
	case c == nil:
		return invalid("nil route-server check")
	case strings.TrimSpace(c.IXP) == "" || len(c.IXP) > maxIXPName:
		return invalid("route-server check: want an IXP name of 1 to 200 bytes")
	case c.CheckedAt.IsZero():
		return invalid("route-server check without time")
	case c.Routes < 0 || c.Rejectable < 0 || c.Rejectable > c.Routes:
		return invalid("route-server check: want 0 <= rejectable <= routes")
	case len(c.Report) == 0 || c.Report[0] != '{' || !json.Valid(c.Report):
		return invalid("route-server check: the report is not a JSON object")
	}
	return nil
}
