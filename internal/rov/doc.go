// Package rov performs BGP prefix origin validation (RFC 6811) of a route,
// a prefix and its origin AS, against the VRPs of an rpki.Snapshot.
//
// The outcome is one of four states. The RFC's Invalid is split in two,
// as Routinator and RIPE's RPKI tools report it, because operators fix the
// two causes differently: a wrong origin (invalid-asn) is a hijack or a
// missing ROA, a too-long prefix (invalid-length) a maxLength to revisit
// (RFC 9319).
//
// VRPs for AS0 (RFC 6483 §4, RFC 7607) cover routes but never match them,
// and a route whose origin is AS0 matches nothing. Routes whose origin
// cannot be determined (an AS_PATH ending in an AS_SET, RFC 6472) are
// validated with NoOrigin, which likewise matches nothing.
package rov
