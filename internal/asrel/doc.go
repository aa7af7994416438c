// Package asrel reads CAIDA's inferred AS relationships and answers the
// questions route-leak and customer analysis ask of them: how two ASes are
// related, who the providers, customers and peers of an AS are, how large
// its customer cone is, and whether an AS path is valley-free.
//
// # Input formats
//
// CAIDA publishes the inference of Luckie et al., "AS Relationships,
// Customer Cones, and Validation" (IMC 2013), monthly as "as-rel" files
// (https://publicdata.caida.org/datasets/as-relationships/README.txt):
//
//   - serial-1: "<provider-as>|<customer-as>|-1" and "<peer-as>|<peer-as>|0";
//   - serial-2: the same with a fourth field naming the source of the
//     inference, "bgp" (BGP paths) or "mlp" (multilateral peering at route
//     servers), e.g. "3356|64496|-1|bgp".
//
// Lines starting with "#" are comments (the header lists the input clique,
// the IXP ASes and the collectors used); blank lines are ignored. Any other
// line that does not parse is reported as an *inputerr.Error naming the
// file, the line number and the byte offset of the line.
//
// # Direction conventions
//
// A Relationship is always read from the first AS towards the second:
// Relationship(a, b) == ProviderOf means "a is a provider of b", and then
// Relationship(b, a) == CustomerOf.
//
// An AS path is given as seen from the collector, exactly as in the BGP
// AS_PATH attribute (RFC 4271 §5.1.2): path[0] is the AS nearest the
// collector (the collector's peer) and path[len(path)-1] is the origin. The
// route therefore travelled from right to left. Valley-free paths (Gao,
// "On Inferring Autonomous System Relationships in the Internet", 2001)
// climb from the origin through customer-to-provider links, cross at most
// one peer-to-peer link, then only descend through provider-to-customer
// links. A path that goes up or across a peer link again after the first
// peer link or downward step contains a route leak in the sense of RFC 7908
// §2 (types 1 to 4: an AS re-announcing a route learned from a provider or
// a peer to another provider or peer).
//
// # Immutability
//
// A Graph is immutable once built and safe for concurrent use; customer
// cone sizes are computed lazily on first request and memoised with atomic
// stores, so concurrent readers never block one another.
package asrel
