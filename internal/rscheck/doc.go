// Package rscheck checks what an IXP route server accepted against the
// MANRS IXP Programme's Action 1 (the route server filters incorrect
// routing information): from the route server's RIB, as an MRT dump
// (RFC 6396), it finds every route the route server kept although a
// filtering route server would have rejected it, and says why:
//
//   - rpki-invalid: the origin is RPKI-invalid (RFC 6811, through
//     internal/rov), with the covering VRPs as evidence;
//   - bogon-prefix: a bogon entry covers the prefix (internal/bogon: the
//     built-in special-purpose registries and the loaded lists), with the
//     entry's reason;
//   - bogon-asn: an AS number of the path (sequences and sets) is
//     reserved or unallocated (RFC 7607, RFC 6793, RFC 5398, RFC 6996,
//     RFC 7300, loaded lists), with the number and the reason;
//   - irr-unregistered: no route or route6 object of the origin covers the
//     prefix (internal/irr's MANRS rule, exact or less specific), or, when
//     the member's as-set is known, the origin is not in it. Only checked
//     when an IRR index is given.
//
// The member is the peer AS of the RIB entry: the IXP member that
// announced the route to the route server. A path ending in an AS_SET has
// no single origin; it is validated with origin AS0 as internal/rov does
// (RFC 6811 §2, RFC 7607), so that its RPKI state equals what the
// validate command prints, and counted as such in the report.
//
// Limits: a RIB shows what the route server accepted and kept, never what
// it rejected, so a clean report shows the absence of accepted bad routes,
// not the presence of filters; the check is control-plane only. The
// reference data must be of the RIB's time: newer VRPs or bogon lists
// flag routes that were fine then. See docs/rs-check.md.
package rscheck
