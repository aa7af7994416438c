// Package bgp decodes BGP-4 UPDATE messages and path attributes (RFC 4271)
// as they appear on the wire and inside MRT records: multiprotocol
// reachability (RFC 4760), 4-octet AS numbers and AS4_PATH merging
// (RFC 6793), communities (RFC 1997), large communities (RFC 8092), ADD-PATH
// path identifiers (RFC 7911) and Only-to-Customer (RFC 9234).
//
// Decoding is allocation-free: an Update holds views into the caller's
// buffer, valid until the buffer is reused, and lists come out through
// iterators. Unknown attributes are kept as raw bytes, never errors.
package bgp
