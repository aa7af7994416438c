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
// Pages read the same store.Store as internal/httpapi and apply the same
// visibility rules (see that package's documentation): anonymous visitors
// see aggregates and public scores; a visitor signed in with an API key,
// kept in an HttpOnly SameSite=Strict cookie, sees what that key sees. The
// cookie counts as a Bearer header for /api/v2 as well, for reads; writes
// from the pages must also carry the page's CSRF token (X-CSRF-Token).
//
// What every page needs of a month (aggregates by region key, ROA
// coverage, incident counts) is computed once per month version and kept,
// so that a page of a full month (~40k ASNs) renders in milliseconds.
package web
