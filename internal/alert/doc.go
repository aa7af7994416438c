// Package alert watches prefixes and ASes in a live (or replayed) stream of
// BGP routes and VRP sets, raises incidents when something happens to them,
// and delivers each incident's opening and closing by webhook and e-mail.
//
// The pieces, in the order data flows through them:
//
//   - Watch is the watch list: prefixes with their expected origins, and
//     ASes, each with a name and delivery targets, read from a YAML file
//     by ParseWatch (strict: unknown keys and bad values are errors naming
//     the file and line).
//   - Engine keeps the routes of every (peer, prefix) that concerns a
//     watched prefix or AS and turns Observations (Announce, Withdraw,
//     PeerDown, VRPUpdate, Tick) into Events that open and close
//     incidents: origin and sub-prefix hijacks, RPKI-invalid routes (RFC
//     6811, package rov), visibility loss, route leaks (valley-free
//     violations, RFC 7908 §2, package asrel) and ROA changes. It reads no
//     clock: its time is the observations' time, so that the same stream
//     gives the same incidents, ids and durations. Run feeds it from a
//     channel, the shape the BMP station and RTR client deliver.
//   - Dispatcher delivers events: a JSON POST per webhook, signed with
//     HMAC-SHA256 when a secret is set, and an e-mail per address over
//     SMTP, from a bounded queue, retried with exponential backoff,
//     at least once and never again once a delivery succeeded.
//   - Metrics exposes counters and gauges in the Prometheus text format.
//
// docs/alerts.md gives the watch file format, the exact rule of each
// incident kind and the delivery semantics.
package alert
