// Package web serves the observatory's dashboard at / beside the API: the
// overview of a month and region, a world map, per-ASN drill-downs,
// the participants table (also as CSV), comparisons over time and the
// scoring specifications.
//
// Pages are rendered on the server with html/template and read without
// JavaScript: tables sort, filter and page through query parameters, and
// charts are inline SVG drawn in Go. A little vanilla JavaScript (embedded,
// as is everything else, so a plain go build serves the whole dashboard)
// adds client-side sorting and filtering, the theme toggle and the
// false-positive buttons.
//
// Pages read the same store.Store as internal/httpapi, through the same
// internal/view (the API's own when serve puts the dashboard in front of
// it): one list of months and one registry, cached alike, and the same
// visibility rules (see that package's documentation): anonymous visitors
// see aggregates and public scores; a visitor signed in with an API key
// sees what that key sees. Signing in starts a server-side session
// (store.Sessions): the HttpOnly SameSite=Strict cookie holds a random ID,
// never the key, and the store only the ID's hash; sign-out deletes it, a
// revoked key ends it. The session acts as its key on /api/v2 as well
// (httpapi.WithPrincipal, in process, never a header), for reads; writes
// from the pages must also carry the session's CSRF token (X-CSRF-Token).
// The no-JavaScript "flag as false positive" form records the claim
// through internal/view itself (view.View.Flag), with the API's checks.
// Pages and failed sign-ins are rate-limited per client address
// (internal/ratelimit, internal/forwarded), and a redirect after a form
// only goes to a path of this site (safeNext).
//
// What every page needs of a month (aggregates by region key, ROA
// coverage, incident counts) is computed once per month version and kept,
// so that a page of a full month (~40k ASNs) renders in milliseconds.
package web
