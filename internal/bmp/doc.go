// Package bmp is a BGP Monitoring Protocol station (RFC 7854): it accepts
// TCP sessions from routers that export BMP, frames their messages, and
// turns Route Monitoring into the route records the rest of the
// observatory uses (mrt.Elem with bgp.Attrs), keeping one routing table per
// router and monitored peer so that a Peer Down withdraws that peer's routes.
//
// Decoded: the common header (version 3), the per-peer header with its
// flags (V, L, A, O; F for Loc-RIB) and peer types 0-3 (RFC 7854 §4.2,
// RFC 9069), Initiation and Termination TLVs (§4.3, §4.5), Peer Up with the
// sent and received OPEN messages (§4.10), from which the 4-octet AS
// (RFC 6793) and ADD-PATH (RFC 7911) capabilities of the session are taken,
// Peer Down and its reasons (§4.9), Route Monitoring UPDATEs with
// MP_REACH/MP_UNREACH (RFC 4760) and End-of-RIB (RFC 4724 §2), and
// Statistics Reports (§4.8), which are decoded and counted. Route Mirroring
// (§4.7) is framed and skipped.
//
// Split and the Parse functions take a whole message as []byte, check every
// bound and never panic; Decoder.Routes reuses its attribute storage, so
// that decoding a Route Monitoring message allocates nothing once warm.
// Station owns the connections: a router that sends garbage framing or drops
// in the middle of a message loses its session only, with a log line naming
// the router, the message number and the byte offset.
package bmp
