package client

import (
	"context"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
)

// ApplicationInput is an application to a MANRS programme.
type ApplicationInput = wire.ApplicationInput

// Application is an application with its automated checks, one per
// Action with the evidence per ASN, and its trail. ApplicantKey is set in
// the answer to SubmitApplication only.
type Application = wire.Application

// ApplicationRecheck is what an applicant changed before a re-check.
type ApplicationRecheck = wire.ApplicationRecheck

// ApplicationReview is the secretariat's decision: Decision "approved"
// or "rejected", with a comment.
type ApplicationReview = wire.ApplicationReview

func applicationPath(id int64, suffix string) string {
	return "/api/v2/applications/" + strconv.FormatInt(id, 10) + suffix
}

// SubmitApplication applies, with or without a key. The answer carries
// the applicant key, shown this once: a client made WithAPIKey of it
// reads and re-checks the application.
func (c *Client) SubmitApplication(ctx context.Context, in ApplicationInput) (*Application, error) {
	var out Application
	err := c.do(ctx, request{method: "POST", path: "/api/v2/applications", body: in}, &out)
	return nilOnError(&out, err)
}

// Application reads application id (its applicant key, or a secretariat key).
func (c *Client) Application(ctx context.Context, id int64) (*Application, error) {
	var out Application
	err := c.do(ctx, request{method: "GET", path: applicationPath(id, "")}, &out)
	return nilOnError(&out, err)
}

// Applications lists every application, newest first (secretariat key).
func (c *Client) Applications(ctx context.Context) ([]Application, error) {
	var out wire.ApplicationList
	if err := c.do(ctx, request{method: "GET", path: "/api/v2/applications"}, &out); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// RecheckApplication checks application id again, after r's changes
// (its applicant key, or a secretariat key).
func (c *Client) RecheckApplication(ctx context.Context, id int64, r ApplicationRecheck) (*Application, error) {
	var out Application
	err := c.do(ctx, request{method: "POST", path: applicationPath(id, "/recheck"), body: r}, &out)
	return nilOnError(&out, err)
}

// ReviewApplication records the secretariat's decision on application
// id; an approval registers the participant.
func (c *Client) ReviewApplication(ctx context.Context, id int64, r ApplicationReview) (*Application, error) {
	var out Application
	err := c.do(ctx, request{method: "POST", path: applicationPath(id, "/review"), body: r}, &out)
	return nilOnError(&out, err)
}
