// Package rir reads the statistics files in which the Regional Internet
// Registries and IANA publish the number resources they delegate, and
// answers, for a prefix or an AS number, which registry delegated it, to
// which country, with which status and to which holder.
//
// # Format
//
// The files follow the "RIR statistics exchange format" of the NRO
// (https://www.nro.net/wp-content/uploads/nro-extended-stats-readme5.pdf;
// also APNIC's README, ftp://ftp.apnic.net/pub/stats/apnic/README.TXT):
//
//	version|registry|serial|records|startdate|enddate|UTCoffset   (header)
//	registry|*|type|*|count|summary                               (summary)
//	registry|cc|type|start|value|date|status[|opaque-id[|extensions...]]
//
// "#" starts a comment line; blank lines are ignored. The header is the
// first line that is not a comment. type is "asn", "ipv4" or "ipv6". For
// asn, start is the first AS number and value the number of ASNs; for ipv4,
// start is the first address and value the number of addresses, which need
// not be a power of two nor aligned (Record.Prefixes splits the range into
// the fewest CIDR prefixes); for ipv6, value is the prefix length. date is
// YYYYMMDD, and "00000000" or empty means unknown. status is "allocated",
// "assigned", "available" or "reserved" in the RIR files; IANA's own file
// (delegated-iana-latest) instead names the RIR a block went to, or "ietf"
// or "iana". The extended format adds an opaque holder id (the same id for
// every resource of one holder) and, in the NRO combined file, extensions
// such as "e-stats" or "iana".
//
// Real files deviate: LACNIC's extended file leaves cc and date empty on
// available and reserved rows and ends some rows with "|"; AFRINIC writes
// the UTC offset as "00000"; RIPE NCC puts a Unix time in the serial field;
// and summary counts do not always match the records (IANA's file, and
// excerpts such as the NRO sample). File.CheckSummaries reports such
// mismatches instead of refusing the file.
//
// Malformed lines are *inputerr.Error values naming the file, the line and
// its byte offset. Load stops at the first one unless Options.SkipMalformed
// is set, in which case they are collected in File.Skipped.
//
// # Index
//
// An Index answers longest-prefix-match queries over the delegated prefixes
// (a github.com/gaissmai/bart table) and AS number queries over sorted,
// disjoint ASN ranges with binary search. When records overlap (IANA's
// block and the RIR's record inside it), the more specific one wins.
package rir
