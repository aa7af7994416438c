package rir

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Type is the resource type of a record.
type Type string

// The resource types of the format.
const (
	ASN  Type = "asn"
	IPv4 Type = "ipv4"
	IPv6 Type = "ipv6"
)

// Status is the status of a record, lower-case as in the files.
type Status string

// The statuses of the RIR files. IANA's file uses other values (a registry
// name, "ietf" or "iana"), kept verbatim.
const (
	Allocated Status = "allocated"
	Assigned  Status = "assigned"
	Available Status = "available" // free in the registry's pool
	Reserved  Status = "reserved"  // held back (returned, quarantined, future use)
)

// rirNames are the registries IANA delegates to, as its file spells them.
var rirNames = map[Status]bool{"afrinic": true, "apnic": true, "arin": true, "lacnic": true, "ripencc": true}

// Delegated reports whether the resource is in use: allocated or assigned
// by an RIR, or, in IANA's file, delegated to one of the five RIRs. It is
// false for available, reserved, "ietf" and "iana".
func (s Status) Delegated() bool {
	return s == Allocated || s == Assigned || rirNames[s]
}

// Header is the version line of a file.
type Header struct {
	Version   string // "2", or "2.3" for LACNIC's extended file
	Registry  string // "afrinic", ..., "iana", "nro"
	Serial    string // a YYYYMMDD serial, or a Unix time at RIPE NCC
	Records   int    // stated number of records (summary lines excluded)
	StartDate string // YYYYMMDD of the earliest record, may be "00000000"
	EndDate   string // YYYYMMDD of the latest record
	UTCOffset string // "+1000", "-0300", "00000", ...
}

// Summary is a "registry|*|type|*|count|summary" line.
type Summary struct {
	Registry string // the registry column
	Type     Type   // the type counted
	Count    int    // the stated number of records of that type
}

// Record is one resource line.
type Record struct {
	Registry string // "afrinic", "apnic", "arin", "lacnic", "ripencc" or "iana"
	CC       string // ISO 3166 alpha-2 code ("ZZ" at IANA, "EU", "AP"), empty when none
	Type     Type   // asn, ipv4 or ipv6
	// FirstASN is the first AS number of an asn record.
	FirstASN bgp.ASN
	// Start is the first address of an ipv4 or ipv6 record.
	Start netip.Addr
	// Value is the number of ASNs (asn), of addresses (ipv4), or the prefix
	// length (ipv6).
	Value    uint64
	Date     time.Time // UTC midnight; zero when the file gives none
	Status   Status    // lower-cased
	OpaqueID string    // extended format: the holder's opaque id
	Ext      []string  // extended format: fields after the opaque id
}

// LastASN returns the last AS number of an asn record.
func (r Record) LastASN() bgp.ASN { return r.FirstASN + bgp.ASN(r.Value-1) }

// Prefixes returns the prefixes of an ipv4 or ipv6 record: for ipv4 the
// fewest CIDR prefixes covering Value addresses from Start, for ipv6 the
// single prefix Start/Value. It returns nil for asn records.
func (r Record) Prefixes() []netip.Prefix { return r.AppendPrefixes(nil) }

// AppendPrefixes is Prefixes appending to dst.
// A record that Reader would refuse (zero count, range past the end of the
// address space, length over 128) yields no prefixes.
func (r Record) AppendPrefixes(dst []netip.Prefix) []netip.Prefix {
	switch {
	case r.Type == IPv4 && r.Start.Is4() && r.Value >= 1 && r.Value <= 1<<32 && toU128(r.Start).lo+r.Value-1 <= 1<<32-1:
		last := toU128(r.Start).add(u128{lo: r.Value - 1})
		return AppendRange(dst, r.Start, last.addr(true))
	case r.Type == IPv6 && r.Start.Is6() && r.Value <= 128:
		return append(dst, netip.PrefixFrom(r.Start, int(r.Value)).Masked())
	}
	return dst
}

// Errors for record fields. They are wrapped with the field and value.
var (
	errField  = errors.New("bad field")
	errRange  = errors.New("range outside the address or AS number space")
	errLength = errors.New("prefix length out of range")
)

// parseStart decodes the start and value fields of a record into r.
func (r *Record) parseStart(start, value []byte) error {
	v, err := parseUint(value, 64)
	if err != nil {
		return fmt.Errorf("value %q: %w", value, err)
	}
	r.Value = v
	switch r.Type {
	case ASN:
		return r.parseASNRange(start)
	case IPv4:
		return r.parseIPv4Range(start)
	case IPv6:
		return r.parseIPv6Prefix(start)
	}
	return fmt.Errorf("type %q: %w", r.Type, errField)
}

func (r *Record) parseASNRange(start []byte) error {
	first, err := parseUint(start, 32)
	if err != nil {
		return fmt.Errorf("first ASN %q: %w", start, err)
	}
	if r.Value == 0 || r.Value > 1<<32 || first+r.Value-1 > 1<<32-1 {
		return fmt.Errorf("ASNs %d+%d: %w", first, r.Value, errRange)
	}
	r.FirstASN = bgp.ASN(first)
	return nil
}

func (r *Record) parseIPv4Range(start []byte) error {
	a, ok := parseIPv4(start)
	if !ok {
		return fmt.Errorf("ipv4 start %q: %w", start, errField)
	}
	if r.Value == 0 || r.Value > 1<<32 || toU128(a).lo+r.Value-1 > 1<<32-1 {
		return fmt.Errorf("%v+%d addresses: %w", a, r.Value, errRange)
	}
	r.Start = a
	return nil
}

func (r *Record) parseIPv6Prefix(start []byte) error {
	a, err := netip.ParseAddr(string(start))
	if err != nil || !a.Is6() || a.Is4In6() || a.Zone() != "" {
		return fmt.Errorf("ipv6 start %q: %w", start, errField)
	}
	if r.Value > 128 {
		return fmt.Errorf("/%d: %w", r.Value, errLength)
	}
	if p := netip.PrefixFrom(a, int(r.Value)); p.Masked().Addr() != a {
		return fmt.Errorf("%v: host bits set beyond /%d: %w", a, r.Value, errField)
	}
	r.Start = a
	return nil
}

// parseDate decodes YYYYMMDD; "", "00000000" and all-zero forms are unknown.
func parseDate(b []byte) (time.Time, error) {
	if len(b) == 0 || string(b) == "00000000" {
		return time.Time{}, nil
	}
	n, err := parseUint(b, 32)
	if err != nil || len(b) != 8 {
		return time.Time{}, fmt.Errorf("date %q: want YYYYMMDD", b)
	}
	y, m, d := int(n/10000), time.Month(n/100%100), int(n%100)
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	if m < 1 || m > 12 || d < 1 || t.Day() != d {
		return time.Time{}, fmt.Errorf("date %q: no such day", b)
	}
	return t, nil
}

// parseUint parses a decimal number of at most bitSize bits.
func parseUint(b []byte, bitSize int) (uint64, error) {
	if len(b) == 0 || len(b) > 20 {
		return 0, errField
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, errField
		}
		d := uint64(c - '0')
		if v > (1<<64-1-d)/10 {
			return 0, errField
		}
		v = v*10 + d
	}
	if bitSize < 64 && v >= 1<<bitSize {
		return 0, errField
	}
	return v, nil
}

// parseIPv4 parses dotted-decimal IPv4 as netip.ParseAddr does (no leading
// zeros), without converting b to a string.
func parseIPv4(b []byte) (netip.Addr, bool) {
	var ip [4]byte
	k, digits, v := 0, 0, 0
	for i := 0; i <= len(b); i++ {
		if i == len(b) || b[i] == '.' {
			if digits == 0 || k == 4 {
				return netip.Addr{}, false
			}
			ip[k] = byte(v)
			k, digits, v = k+1, 0, 0
			continue
		}
		c := b[i]
		if c < '0' || c > '9' || (digits == 1 && v == 0) {
			return netip.Addr{}, false
		}
		v, digits = v*10+int(c-'0'), digits+1
		if v > 255 {
			return netip.Addr{}, false
		}
	}
	return netip.AddrFrom4(ip), k == 4
}
