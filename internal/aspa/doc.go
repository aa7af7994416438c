// Package aspa verifies BGP AS paths against Autonomous System Provider
// Authorizations (ASPAs) as specified by draft-ietf-sidrops-aspa-verification
// (revision -24; the section numbers cited in this package are that
// revision's):
//
//   - §5.1: the path is verified after collapsing prepends
//     (COMPRESSED_AS_PATH); AS(1) is the origin, AS(N) the neighbour that
//     sent the route, AS(N+1) the verifying AS, which is not in the path.
//   - §5.2: the hop check authorized(customer, provider) answers Provider+,
//     Not Provider+ or No Attestation from the union of the customer's
//     provider sets (Authorized).
//   - §5.3: max_up_ramp, min_up_ramp, max_down_ramp and min_down_ramp bound
//     how far the up-ramp (customer to provider hops from the origin) and
//     the down-ramp (provider to customer hops towards the verifier) can
//     reach; a path is valley-free when the apexes of the two ramps are at
//     most one hop apart.
//   - §5.4: the upstream procedure, for a route received from a customer or
//     a lateral peer (or by a route server from its client, or by a client
//     from the route server): the whole path must be an up-ramp.
//   - §5.5: the downstream procedure, for a route received from a provider:
//     an up-ramp, at most one lateral hop, then a down-ramp.
//
// Both procedures first reject an empty path (step 1 of §5.4 and §5.5), a
// path whose most recent AS is not the neighbour (step 2) and a path
// holding an AS_SET (step 3, RFC 9774). Their outcome is Valid, Invalid or Unknown; for an Invalid
// path made so by the ramps, Result also names the hops whose ASPAs prove
// it, which §6.6 asks implementations to log.
//
// Paths are given as they appear in the AS_PATH attribute and in MRT dumps:
// index 0 is the neighbour (the collector's peer), the last element the
// origin.
//
// Verification reads the ASPAs through the Lookup interface, which
// *rpki.Snapshot implements, and allocates nothing for paths of up to 64
// hops once prepends are collapsed.
//
// The draft's text was read through the secondary sources available to
// this project (implementers' notes quoting -24 and -27, whose section
// numbers agree; revision -28 is reported to number these sections one
// higher, §5.2 to §5.6, with the procedures unchanged). The worked
// examples come from the separate examples document the draft refers to.
package aspa
