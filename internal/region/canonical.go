package region

import "strings"

// One key per entity in every aggregation scope (issue 11): an ASN record
// carries, and every aggregate is keyed by, the spellings below and no
// other, whatever the source spelled (the delegated files' "ripencc" and
// "jp", an AS name list's "Jp").
//
//   - RIR: one of RIRs() ("AFRINIC", "APNIC", "ARIN", "LACNIC",
//     "RIPE NCC"). IANA is not an RIR: ASNs IANA holds (reserved, not yet
//     allocated to an RIR) have no RIR and are in no RIR aggregate.
//   - Economy: the ISO 3166-1 alpha-2 code in upper case. The RIR
//     statistics pseudo-codes EU (RIPE NCC resources used across Europe)
//     and AP (APNIC's across Asia-Pacific) are kept as economy keys, with
//     their RIR and no M49 region; ZZ ("unknown": reserved or available)
//     is no economy: the record's country is empty and it is in no economy
//     aggregate. A well-formed code the table lacks is kept, upper-cased.
//   - Region and sub-region: the UN M49 English names of the table
//     ("Latin America and the Caribbean"), set from the economy only.

// RIRKey returns the canonical key of a registry however spelled (see
// ParseRIR), or "" for IANA, an empty or an unknown name.
func RIRKey(registry string) string {
	r, _ := ParseRIR(registry)
	return r
}

// EconomyKey returns the canonical economy key of a two-letter code: the
// table's upper-case code (EU and AP included), "" for ZZ and for
// anything that is not two ASCII letters.
func EconomyKey(cc string) string {
	if e, ok := Lookup(cc); ok {
		if e.Code == "ZZ" {
			return ""
		}
		return e.Code
	}
	if _, ok := slot(cc); ok {
		return strings.ToUpper(cc)
	}
	return ""
}

// Place is where an ASN is, in canonical keys: its economy, the economy's
// M49 region and sub-region, and its RIR region.
type Place struct {
	Country, Region, SubRegion, RIR string
}

// Locate returns the canonical place of an ASN registered with economy cc
// by registry: the RIR is the one serving the economy (the Observatory's
// "RIR region"), else, for an economy without one (ZZ, unknown codes), the
// registry that delegated the ASN.
func Locate(cc, registry string) Place {
	p := Place{Country: EconomyKey(cc)}
	if e, ok := Lookup(p.Country); ok && p.Country != "" {
		p.Region, p.SubRegion, p.RIR = e.Region, e.SubRegion, e.RIR
	}
	if p.RIR == "" {
		p.RIR = RIRKey(registry)
	}
	return p
}
