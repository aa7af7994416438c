// Package bogon tells whether a prefix, an address or an AS number is a
// bogon: space or a number that must not appear in the global routing
// table. It follows the observatory's measurement framework §13.5, which
// distinguishes two kinds.
//
// # Full bogons (built in)
//
// Full bogons never become routable:
//
//   - the IANA IPv4 Special-Purpose Address Registry and the IANA IPv6
//     Special-Purpose Address Registry (RFC 6890, updated by RFC 8190),
//     every entry whose "Globally Reachable" column is False or N/A;
//     entries marked True (PCP and TURN anycast, AS112, AMT, ORCHIDv2,
//     DETs) are holes that are not bogons;
//   - IPv4 multicast 224.0.0.0/4 (RFC 5771) and IPv6 multicast ff00::/8
//     (RFC 4291 §2.7), from the IPv4 and IPv6 Address Space registries;
//   - all IPv6 space outside 2000::/3, the only block the IANA IPv6 Address
//     Space registry marks as Global Unicast (RFC 4291 §2.4; RFC 3587).
//     This includes 64:ff9b::/96 (RFC 6052), which the special-purpose
//     registry marks globally reachable: the observatory follows §13.5 and
//     reports it, with a reason saying so;
//   - the reserved AS numbers: 0 (RFC 7607), 23456 AS_TRANS (RFC 6793),
//     64496-64511 and 65536-65551 (documentation, RFC 5398), 64512-65534
//     and 4200000000-4294967294 (private use, RFC 6996), 65535 and
//     4294967295 (RFC 7300), and 65552-131071 (reserved in the IANA 32-bit
//     AS Numbers registry).
//
// The tables encode the registries as published in 2025: the newest
// entries are RFC 8880's 192.0.0.171/32 (IPv4 registry, last updated
// 2020-09-04) and RFC 9637 3fff::/20, RFC 9602 5f00::/16, RFC 9665
// 2001:1::3/128 and RFC 9780 100:0:0:1::/64 (IPv6 registry). Compare with
// https://www.iana.org/assignments/iana-ipv4-special-registry and
// https://www.iana.org/assignments/iana-ipv6-special-registry when
// updating.
//
// # Administrative bogons (loaded)
//
// Administrative bogons are space and numbers that no registry has given
// to anyone yet: records of the RIR delegated statistics whose status is
// not allocated or assigned (Builder.AddDelegated), the gaps between
// delegations when the statistics of all five RIRs are loaded
// (Builder.AddUndelegated), IANA's unallocated /8s (Builder.AddIANAv4) and
// lists such as Team Cymru's fullbogons (Builder.AddList, one prefix per
// line, "#" comments). They change as registries allocate; §13.5 shows
// them but does not count them in the score.
//
// # Matching
//
// Prefix reports a prefix as a bogon when a bogon entry covers it (the
// entry is equal to it or less specific), which is how bogon filters
// ("le 32" / "le 128") behave. A less specific announcement that merely
// contains bogon space, such as 192.0.0.0/8 or the default route, is not a
// bogon by this test; Overlaps reports those cases for callers that want
// them. Full takes precedence over Administrative.
package bogon
