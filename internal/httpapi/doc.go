// Package httpapi serves the observatory's /api/v2 (api/openapi.yaml) on
// the standard library's ServeMux: JSON in camelCase, RFC 9457 problem
// details for every error, cursor pagination, ETag and Cache-Control on
// month data, API keys with roles (anonymous, participant, partner,
// secretariat) and per-key rate limits, Prometheus metrics and /healthz.
//
// Month data only changes when a month is re-ingested or a review
// re-scores it, so encoded responses are cached in memory, keyed by the
// month's IngestedAt, a generation bumped on every write made through the
// server, the caller's view and the query. The list of stored months, the
// participants registry, the generation and the feedback trail's writes
// are internal/view's, shared with the dashboard (Server.View): the list is
// re-read at most every Options.MonthsTTL, in the background while the old
// list keeps answering, which bounds how long a re-ingest by another
// process takes to show (MonthsTTL and one re-read).
//
// A response that is not in the cache is built from what the server holds
// of its month (issue 17, finding 2): the list endpoints from the month's
// ASN records, read once per month version and indexed (view.go), the
// summaries from its aggregates (aggview.go). Every query parameter is
// checked before anything is read. Rate limits count tokens by what a
// request makes the server do (ratelimit.go), and the expensive builds are
// bounded per caller and in all (work.go). /healthz answers from the last
// integrity check of the store and a ping (health.go).
//
// Who sees what (issue 4 §3): anonymous callers see aggregates and public
// scores: for a participant's ASN the Actions the specification marks
// public, for any other ASN all five scores, which are computed from
// public data as on the public Observatory. Metrics, routes, incidents
// and evidence need a key: a participant key sees those of its own
// participant's ASNs only, partner and secretariat keys see all. The
// rules are internal/view's (view.Visibility, view.Trail), which the
// dashboard applies too.
package httpapi
