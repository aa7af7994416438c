// Package spoofer reads results of the CAIDA Spoofer project
// (https://spoofer.caida.org/), which measures whether a network lets its
// hosts send packets with spoofed source addresses, the subject of MANRS
// Action 2 (anti-spoofing, BCP 38 / RFC 2827 and BCP 84 / RFC 3704;
// metric M5 of the measurement framework, §4.3).
//
// # Formats
//
// Load tells the two formats apart by the first byte that is not white
// space: '{' or '[' is JSON, anything else CSV. Both give the same Record,
// one per session and IP version, so that the anti-spoofing rules apply
// to them alike. docs/data-formats/spoofer.md describes both in full.
//
// The Spoofer data API (https://api.spoofer.caida.org/sessions,
// documented at https://www.caida.org/projects/spoofer/data-api/) answers
// JSON-LD collection pages (Hydra, as API Platform writes them): an object
// whose "hydra:member" array holds the sessions and whose "hydra:view"
// links to the next page. A session is an object with "session" (id),
// "timestamp" (RFC 3339), "country" (ISO 3166 alpha-3, lower case, not
// kept), and per IP version "asn4"/"asn6" (a string), "client4"/"client6"
// (the client's /24 or /64), "nat4"/"nat6" (boolean), "privatespoof"/
// "privatespoof6" and "routedspoof"/"routedspoof6" ("received", "blocked",
// "rewritten", "unknown" or null). A version whose ASN or block is null
// gives no record. The reader also takes a session object per line (the
// output of CAIDA's example script), arrays of sessions, and pages written
// one after another (as observatory fetch stores a month).
//
// The CSV is a documented subset of CAIDA's session tables:
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
// Bad input is an *inputerr.Error naming the file, the record (the CSV
// line of the row, or the number of the session in the JSON file) and the
// byte offset at which the record begins; damaged records go to an
// inputerr.Log.
package spoofer
