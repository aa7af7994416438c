package bogon

import (
	"net/netip"

	"github.com/observatory-net/observatory/internal/bgp"
)

// special is one row of a special-purpose registry (or an address space
// registry row the observatory treats alike).
type special struct {
	prefix string
	reason string
	global bool // "Globally Reachable: True": a hole, not a bogon
}

// specialV4 is the IANA IPv4 Special-Purpose Address Registry (last
// updated 2020-09-04), plus multicast from the IPv4 Address Space registry.
var specialV4 = []special{
	{"0.0.0.0/8", `"this network" (RFC 791 §3.2)`, false},
	{"0.0.0.0/32", `"this host on this network" (RFC 1122 §3.2.1.3)`, false},
	{"10.0.0.0/8", "private use (RFC 1918)", false},
	{"100.64.0.0/10", "shared address space (RFC 6598)", false},
	{"127.0.0.0/8", "loopback (RFC 1122 §3.2.1.3)", false},
	{"169.254.0.0/16", "link local (RFC 3927)", false},
	{"172.16.0.0/12", "private use (RFC 1918)", false},
	{"192.0.0.0/24", "IETF protocol assignments (RFC 6890 §2.1)", false},
	{"192.0.0.0/29", "IPv4 service continuity prefix (RFC 7335)", false},
	{"192.0.0.8/32", "IPv4 dummy address (RFC 7600)", false},
	{"192.0.0.9/32", "Port Control Protocol anycast (RFC 7723)", true},
	{"192.0.0.10/32", "TURN anycast (RFC 8155)", true},
	{"192.0.0.170/32", "NAT64/DNS64 discovery (RFC 8880, RFC 7050 §2.2)", false},
	{"192.0.0.171/32", "NAT64/DNS64 discovery (RFC 8880, RFC 7050 §2.2)", false},
	{"192.0.2.0/24", "documentation TEST-NET-1 (RFC 5737)", false},
	{"192.31.196.0/24", "AS112-v4 (RFC 7535)", true},
	{"192.52.193.0/24", "AMT (RFC 7450)", true},
	{"192.88.99.0/24", "deprecated 6to4 relay anycast (RFC 7526)", false},
	{"192.88.99.2/32", "6a44 relay anycast (RFC 6751)", false},
	{"192.168.0.0/16", "private use (RFC 1918)", false},
	{"192.175.48.0/24", "AS112 direct delegation (RFC 7534)", true},
	{"198.18.0.0/15", "benchmarking (RFC 2544)", false},
	{"198.51.100.0/24", "documentation TEST-NET-2 (RFC 5737)", false},
	{"203.0.113.0/24", "documentation TEST-NET-3 (RFC 5737)", false},
	{"224.0.0.0/4", "multicast (RFC 5771)", false},
	{"240.0.0.0/4", "reserved (RFC 1112 §4)", false},
	{"255.255.255.255/32", "limited broadcast (RFC 8190, RFC 919 §7)", false},
}

// outside2000 is the reason for IPv6 space outside global unicast.
const outside2000 = "outside 2000::/3 global unicast (RFC 4291 §2.4, IANA IPv6 Address Space)"

// specialV6 is the IANA IPv6 Special-Purpose Address Registry (2025, up to
// RFC 9780), plus the IPv6 Address Space registry: everything outside
// 2000::/3, multicast, and deprecated site-local for a clearer reason.
var specialV6 = []special{
	{"::/3", outside2000, false},
	{"4000::/2", outside2000, false},
	{"8000::/1", outside2000, false},
	{"::/128", "unspecified address (RFC 4291)", false},
	{"::1/128", "loopback (RFC 4291)", false},
	{"::ffff:0:0/96", "IPv4-mapped (RFC 4291)", false},
	{"64:ff9b::/96", "IPv4-IPv6 translation well-known prefix (RFC 6052): globally reachable in the registry, but " + outside2000, false},
	{"64:ff9b:1::/48", "local-use IPv4-IPv6 translation (RFC 8215)", false},
	{"100::/64", "discard-only (RFC 6666)", false},
	{"100:0:0:1::/64", "dummy IPv6 prefix (RFC 9780)", false},
	{"2001::/23", "IETF protocol assignments (RFC 2928)", false},
	{"2001::/32", "Teredo (RFC 4380, RFC 8190)", false},
	{"2001:1::1/128", "Port Control Protocol anycast (RFC 7723)", true},
	{"2001:1::2/128", "TURN anycast (RFC 8155)", true},
	{"2001:1::3/128", "DNS-SD service registration protocol anycast (RFC 9665)", true},
	{"2001:2::/48", "benchmarking (RFC 5180)", false},
	{"2001:3::/32", "AMT (RFC 7450)", true},
	{"2001:4:112::/48", "AS112-v6 (RFC 7535)", true},
	{"2001:10::/28", "deprecated ORCHID (RFC 4843)", false},
	{"2001:20::/28", "ORCHIDv2 (RFC 7343)", true},
	{"2001:30::/28", "drone remote ID entity tags (RFC 9374)", true},
	{"2001:db8::/32", "documentation (RFC 3849)", false},
	{"2002::/16", "6to4 (RFC 3056)", false},
	{"2620:4f:8000::/48", "AS112 direct delegation (RFC 7534)", true},
	{"3fff::/20", "documentation (RFC 9637)", false},
	{"5f00::/16", "segment routing (SRv6) SIDs (RFC 9602)", false},
	{"fc00::/7", "unique local (RFC 4193, RFC 8190)", false},
	{"fe80::/10", "link-local unicast (RFC 4291)", false},
	{"fec0::/10", "deprecated site-local (RFC 3879)", false},
	{"ff00::/8", "multicast (RFC 4291 §2.7)", false},
}

// asnSpan is an inclusive range of AS numbers with a reason.
type asnSpan struct {
	first, last bgp.ASN
	reason      string
}

// reservedASNs are the full-bogon AS numbers, ascending and disjoint.
var reservedASNs = []asnSpan{
	{0, 0, "AS0 reserved (RFC 7607)"},
	{23456, 23456, "AS_TRANS (RFC 6793)"},
	{64496, 64511, "documentation (RFC 5398)"},
	{64512, 65534, "private use (RFC 6996)"},
	{65535, 65535, "reserved last 16-bit AS number (RFC 7300)"},
	{65536, 65551, "documentation (RFC 5398)"},
	{65552, 131071, "reserved (IANA 32-bit AS Numbers registry)"},
	{4200000000, 4294967294, "private use (RFC 6996)"},
	{4294967295, 4294967295, "reserved last 32-bit AS number (RFC 7300)"},
}

// mustPrefix parses a table entry; the tables are tested.
func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
