// Package rtr is a client of the RPKI to Router protocol: RFC 8210
// (version 1), with fallback to RFC 6810 (version 0), and tolerant of the
// version 2 of draft-ietf-sidrops-8210bis-10 as stayrtr 0.5.1 speaks it,
// whose ASPA PDU (type 11) carries an AFI flags byte and one record per
// customer and address family.
//
// The PDU codec (PDU.Decode, PDU.AppendBinary, Reader) checks every bound,
// allocates nothing per PDU and reports malformed input as a *DecodeError
// naming the PDU type and byte offset; it never panics.
//
// Client keeps a cache's VRPs (and ASPAs, over version 2) current: it sends
// a Reset Query, then Serial Queries on each Serial Notify or when the
// refresh timer of End of Data fires, and starts over on Cache Reset. The
// announcements and withdrawals of one transfer are collected as a delta
// and committed at End of Data only, so a session dropped mid-transfer never
// exposes half of it. Each commit publishes an immutable rpki.Snapshot with
// the session id and serial (Client.Snapshot) and, through Client.OnUpdate,
// the VRPs added and removed. A lost connection is retried with backoff;
// the last data are kept until the expire interval of RFC 8210 §6 runs out.
//
// Version negotiation (RFC 8210 §7): the client offers Client.Version and
// steps one version down when the cache answers with an Unsupported
// Protocol Version error, or follows the cache's lower version when it
// answers a query in that version (as stayrtr does).
package rtr
