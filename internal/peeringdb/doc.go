// Package peeringdb loads PeeringDB data (https://www.peeringdb.com/apidocs/)
// and answers, per AS number, what PeeringDB knows about the network: its
// net and org objects, its points of contact, and the exchanges it is at.
// The observatory uses it for the MANRS Coordination action (framework
// §13.3: an AS has a reachable contact when its net has a Technical or NOC
// point of contact; Abuse-only contacts do not count).
//
// # Inputs
//
// Two shapes are read, both as streams (objects are decoded one at a time):
//
//   - API pages, as returned by GET /api/<tag>?limit=..&skip=..:
//     {"data": [ {...}, ... ], "meta": {...}}. The object type is not in the
//     content, so it comes from the file name (TagFromName: "net-page-1.json",
//     "poc.json.gz", ".../api/ixlan/page-2.json"), from the caller
//     (NewReader's tag argument), or failing both from the keys of the
//     first object (SniffTag: "role"+"net_id" is a poc, "ixlan_id"+"net_id"
//     a netixlan, "asn"+"info_type" a net, ...).
//   - Full dumps, as published by CAIDA (peeringdb_2_dump_YYYY_MM_DD.json)
//     and written by peeringdb-py: one object whose keys are the tags,
//     {"org": {"data": [...]}, "net": {"data": [...]}, ...}.
//
// Objects of the types the observatory uses are typed: net, org, poc, ix,
// ixlan, ixpfx, netixlan. The others (fac, netfac, ixfac, carrier,
// carrierfac, campus) are counted and returned as *Other.
//
// A net's poc_set is an array of poc ids at depth 1 and of poc objects at
// depth 2 (the default when one net is fetched); both are accepted, and
// embedded pocs count as the net's contacts. The net object of the current
// schema has no e-mail field of its own (the 2026 pages carry none), so the
// "e-mail in the net object" of §13.3 is an e-mail of an embedded poc.
// Anonymous API pages list only pocs whose visibility is Public.
//
// Damaged input (malformed JSON, a value of the wrong type, a truncated
// file) is reported as an *inputerr.Error naming the file, the object's
// 1-based position in the file (for damage between objects, the position
// the next object would have) and the byte offset where the object, or
// the damaged token, starts. Objects are delimited by the brackets and
// strings of the text (package jsonstream), so a damaged object is
// skipped and the reader goes on with the next one; Builder.Load applies
// the observatory's rule for damaged records (inputerr.Log).
package peeringdb
