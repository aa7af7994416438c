// Package spoofer reads results of the CAIDA Spoofer project
// (https://spoofer.caida.org/), which measures whether a network lets its
// hosts send packets with spoofed source addresses, the subject of MANRS
// Action 3 (anti-spoofing, BCP 38 / RFC 2827 and BCP 84 / RFC 3704).
//
// # Format
//
// CAIDA publishes Spoofer sessions as tables (session id, timestamp,
// client ASN, client IP block, country, NAT, and the outcome of spoofing a
// private and a routable source address). There is no single file format,
// so the observatory accepts a documented CSV subset, described in full in
// docs/data-formats/spoofer.md:
//
//   - RFC 4180 CSV, UTF-8, one header line naming the columns; "#" starts
//     a comment line and blank lines are ignored; LF or CRLF line ends.
//   - Column names are matched case-insensitively, ignoring surrounding
//     spaces and treating " " and "-" as "_", in any order; unknown columns
//     are ignored; a column named twice is an error.
//   - Required: the time ("timestamp", "date" or "time": RFC 3339 with a
//     UTC offset, "YYYY-MM-DD HH:MM:SS" in UTC, or "YYYY-MM-DD"), the client AS
//     ("asn" or "client_asn": "64496" or "AS64496") and the client block
//     ("prefix", "client_prefix" or "client_block": a CIDR prefix with no
//     host bits, normally the client's /24 or /64; one row per IP version).
//   - Optional: "session" (or "session_id", a decimal id), "country" (or
//     "cc", a two-letter code), "nat" (yes/no/true/false/1/0, empty for
//     unknown).
//   - At least one outcome column: "outcome" (the session's overall
//     result), "private" (or "spoof_private", "privaddr": spoofing a
//     private, RFC 1918 / RFC 4193 source) and "routable" (or
//     "spoof_routable", "routable_addr": spoofing a routable source). Each
//     is "received" (the spoofed packet arrived: no source filtering),
//     "blocked", "rewritten" (a NAT rewrote the source), "unknown", or
//     empty when that test did not run.
//
// Bad input is an *inputerr.Error naming the file, the line of the row and
// the byte offset at which reading the row began.
package spoofer
