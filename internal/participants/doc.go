// Package participants reads the list of MANRS participants: which
// organisation joined which programme, with which ASNs, when, and which
// economies it serves. The observatory compares participants with all
// networks (measurement-framework.md §2, §7) once such a list is loaded.
//
// Two formats are read, recognised by their first non-blank byte:
//
//   - CSV with a header row naming the columns (any order, case-insensitive):
//     organisation (or organization, name), programme (or program; default
//     "netops"), asns, approved (or date approved, member_since) and areas
//     (or areas served, areas_served). ASNs and areas are separated by
//     spaces, commas or semicolons; "AS" prefixes are accepted. Dates are
//     YYYY-MM-DD or RFC 3339.
//   - JSON in the shape of the MANRS conformance API (§7.1):
//     {"participants": [{"name", "programme", "ASNs": [int], "member_since",
//     "areas_served": [CC]}]}, or a bare array of such objects.
//
// Bad input is reported as an *inputerr.Error naming the file, the record
// (CSV line or JSON array element) and its byte offset.
package participants
