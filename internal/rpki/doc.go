// Package rpki holds the RPKI payload the observatory validates routes
// against: Validated ROA Payloads (VRPs, RFC 6811 §2, from ROAs as profiled
// by RFC 9582) and ASPA provider sets (draft-ietf-sidrops-aspa-profile), as
// exported by relying-party software.
//
// Load and Read recognise the input format from its content, never from the
// file name, after transparent decompression (gzip, bzip2, zstd):
//
//   - JSON from rpki-client (roas with integer asn; ASPA either as the 8.5+
//     top-level "aspas" or as the 8.0–8.4 "provider_authorizations" split
//     into ipv4 and ipv6), Routinator's json and jsonext (asn "AS123",
//     trust anchor in source[0].tal) and the Cloudflare/stayrtr/rtrdump
//     shape ({"metadata":…,"roas":[{"prefix","maxLength","asn":"AS13335","ta"}]}).
//     JSON is streamed element by element, so memory grows with the number
//     of VRPs kept, not with the size of the file.
//   - A bare JSON array of VRPs, on one line or pretty-printed, as many
//     hand-made and tool exports are written
//     ([{"prefix":"1.1.1.0/24","maxLength":24,"asn":"13335"}]): the ASN a
//     number or a string, with or without "AS", "ta" optional, the maximum
//     length "maxLength", "max_length" or "maxLen", absent meaning the
//     prefix length (RFC 6482 §3.3).
//   - CSV from rpki-client, Routinator and the RIPE NCC validator
//     (ASN,IP Prefix,Max Length[,Trust Anchor[,Expires]]), with or without
//     a header, ASN written AS123 or 123, and the headerless
//     "address, length, max-length, asn" layout of some published dumps.
//
// Bad input yields an *inputerr.Error naming the file, the record (JSON
// array element or CSV line) and its byte offset in the decompressed
// stream. A file of none of these formats wraps ErrNotVRP and quotes its
// first bytes.
//
// A Snapshot is the immutable, indexed form used for origin validation
// (package rov): VRPs sharing a prefix form a Group, and every Group links to
// the Group of the closest covering prefix, so that all VRPs covering a route
// are found with one longest-prefix match and a short walk. AS0 VRPs
// (RFC 6483 §4, RFC 7607) are kept: they cover routes without ever
// authorising them.
package rpki
