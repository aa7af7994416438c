package region

import (
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// iso3166Assigned is the number of officially assigned ISO 3166-1 alpha-2
// codes the table encodes (ISO 3166 Maintenance Agency, 2023).
const iso3166Assigned = 249

func TestAll_count(t *testing.T) {
	all := All()
	iso, pseudo := 0, []string(nil)
	for _, e := range all {
		if e.Pseudo() {
			pseudo = append(pseudo, e.Code)
		} else {
			iso++
		}
	}
	if iso != iso3166Assigned {
		t.Errorf("All() has %d ISO 3166-1 economies, want %d", iso, iso3166Assigned)
	}
	if diff := cmp.Diff([]string{"AP", "EU", "ZZ"}, pseudo); diff != "" {
		t.Errorf("All() pseudo-codes mismatch (-want +got):\n%s", diff)
	}
	for i := 1; i < len(all); i++ {
		if all[i-1].Code >= all[i].Code {
			t.Errorf("All() not strictly sorted by code: %s before %s", all[i-1].Code, all[i].Code)
		}
	}
}

func TestAll_complete(t *testing.T) {
	regions, rirs := Regions(), RIRs()
	withIntermediate := []string{"Latin America and the Caribbean", "Northern Europe", "Sub-Saharan Africa"}
	for _, e := range All() {
		if len(e.Code) != 2 || e.Name == "" {
			t.Errorf("%+v: bad code or empty name", e)
		}
		if e.Pseudo() {
			continue
		}
		if !slices.Contains(rirs, e.RIR) {
			t.Errorf("%s: RIR %q is not one of %q", e.Code, e.RIR, rirs)
		}
		if e.Code == "AQ" { // M49 puts Antarctica in no region
			if e.Region != "" || e.SubRegion != "" {
				t.Errorf("AQ: got region %q / %q, want none", e.Region, e.SubRegion)
			}
			continue
		}
		if !slices.Contains(regions, e.Region) || e.SubRegion == "" {
			t.Errorf("%s: region %q / sub-region %q", e.Code, e.Region, e.SubRegion)
		}
		if e.IntermediateRegion != "" && !slices.Contains(withIntermediate, e.SubRegion) {
			t.Errorf("%s: intermediate region %q under %q", e.Code, e.IntermediateRegion, e.SubRegion)
		}
	}
}

func TestAll_perRIR(t *testing.T) {
	// The sizes of the RIR service regions as the RIRs publish them
	// (LACNIC's 33 territories count BQ as three).
	want := map[string]int{AFRINIC: 57, APNIC: 56, ARIN: 29, LACNIC: 31, RIPENCC: 76}
	got := map[string]int{}
	for _, e := range All() {
		if !e.Pseudo() {
			got[e.RIR]++
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("economies per RIR mismatch (-want +got):\n%s", diff)
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		cc     string
		want   Economy
		wantOK bool
	}{
		{"NL", Economy{"NL", "Netherlands", Europe, "Western Europe", "", RIPENCC}, true},
		{"br", Economy{"BR", "Brazil", Americas, "Latin America and the Caribbean", "South America", LACNIC}, true},
		{"Za", Economy{"ZA", "South Africa", Africa, "Sub-Saharan Africa", "Southern Africa", AFRINIC}, true},
		{"JP", Economy{"JP", "Japan", Asia, "Eastern Asia", "", APNIC}, true},
		{"US", Economy{"US", "United States", Americas, "Northern America", "", ARIN}, true},
		{"AU", Economy{"AU", "Australia", Oceania, "Australia and New Zealand", "", APNIC}, true},
		{"RU", Economy{"RU", "Russian Federation", Europe, "Eastern Europe", "", RIPENCC}, true},
		{"EG", Economy{"EG", "Egypt", Africa, "Northern Africa", "", AFRINIC}, true},
		{"IR", Economy{"IR", "Iran, Islamic Republic of", Asia, "Southern Asia", "", RIPENCC}, true},
		{"PR", Economy{"PR", "Puerto Rico", Americas, "Latin America and the Caribbean", "Caribbean", ARIN}, true},
		{"SX", Economy{"SX", "Sint Maarten (Dutch part)", Americas, "Latin America and the Caribbean", "Caribbean", LACNIC}, true},
		{"JE", Economy{"JE", "Jersey", Europe, "Northern Europe", "Channel Islands", RIPENCC}, true},
		{"GL", Economy{"GL", "Greenland", Americas, "Northern America", "", RIPENCC}, true},
		{"IO", Economy{"IO", "British Indian Ocean Territory", Africa, "Sub-Saharan Africa", "Eastern Africa", APNIC}, true},
		{"TW", Economy{"TW", "Taiwan, Province of China", Asia, "Eastern Asia", "", APNIC}, true},
		{"AQ", Economy{"AQ", "Antarctica", "", "", "", ARIN}, true},
		{"eu", Economy{"EU", "European Union", "", "", "", RIPENCC}, true},
		{"AP", Economy{"AP", "Asia/Pacific Region", "", "", "", APNIC}, true},
		{"ZZ", Economy{"ZZ", "Unknown", "", "", "", ""}, true},
		{"", Economy{}, false},
		{"N", Economy{}, false},
		{"NLD", Economy{}, false},
		{"XK", Economy{}, false}, // Kosovo: user-assigned, not in ISO 3166-1
		{"AN", Economy{}, false}, // Netherlands Antilles: withdrawn 2010
		{"1A", Economy{}, false},
		{"N\x00", Economy{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.cc, func(t *testing.T) {
			got, ok := Lookup(tt.cc)
			if ok != tt.wantOK {
				t.Errorf("Lookup(%q) ok = %v, want %v", tt.cc, ok, tt.wantOK)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Lookup(%q) mismatch (-want +got):\n%s", tt.cc, diff)
			}
		})
	}
}

func TestLookup_all(t *testing.T) {
	for _, e := range All() {
		got, ok := Lookup(e.Code)
		if !ok || got != e {
			t.Errorf("Lookup(%q) = %+v, %v; want %+v", e.Code, got, ok, e)
		}
	}
}

func TestRegions(t *testing.T) {
	want := []string{Africa, Americas, Asia, Europe, Oceania}
	if diff := cmp.Diff(want, Regions()); diff != "" {
		t.Errorf("Regions() mismatch (-want +got):\n%s", diff)
	}
}

func TestSubRegions(t *testing.T) {
	tests := []struct {
		region string
		want   []string
	}{
		{"Africa", []string{"Northern Africa", "Sub-Saharan Africa"}},
		{"americas", []string{"Latin America and the Caribbean", "Northern America"}},
		{"ASIA", []string{"Central Asia", "Eastern Asia", "South-eastern Asia", "Southern Asia", "Western Asia"}},
		{"Europe", []string{"Eastern Europe", "Northern Europe", "Southern Europe", "Western Europe"}},
		{"oceania", []string{"Australia and New Zealand", "Melanesia", "Micronesia", "Polynesia"}},
		{"Antarctica", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, SubRegions(tt.region)); diff != "" {
				t.Errorf("SubRegions(%q) mismatch (-want +got):\n%s", tt.region, diff)
			}
		})
	}
}

func TestIntermediateRegions(t *testing.T) {
	tests := []struct {
		subRegion string
		want      []string
	}{
		{"latin-america-and-the-caribbean", []string{"Caribbean", "Central America", "South America"}},
		{"Sub-Saharan Africa", []string{"Eastern Africa", "Middle Africa", "Southern Africa", "Western Africa"}},
		{"northern-europe", []string{"Channel Islands"}},
		{"Western Europe", nil},
		{"nowhere", nil},
	}
	for _, tt := range tests {
		t.Run(tt.subRegion, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, IntermediateRegions(tt.subRegion)); diff != "" {
				t.Errorf("IntermediateRegions(%q) mismatch (-want +got):\n%s", tt.subRegion, diff)
			}
		})
	}
}

func TestRIRs(t *testing.T) {
	want := []string{"AFRINIC", "APNIC", "ARIN", "LACNIC", "RIPE NCC"}
	got := RIRs()
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RIRs() mismatch (-want +got):\n%s", diff)
	}
	got[0] = "changed"
	if RIRs()[0] != AFRINIC {
		t.Error("RIRs() returns shared storage")
	}
}

func TestParseRIR(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"RIPE NCC", RIPENCC, true},
		{"ripe-ncc", RIPENCC, true},
		{"ripencc", RIPENCC, true},
		{"RIPE", RIPENCC, true},
		{"AfriNIC", AFRINIC, true},
		{"afrinic", AFRINIC, true},
		{"apnic", APNIC, true},
		{"ARIN", ARIN, true},
		{"lacnic", LACNIC, true},
		{"iana", "", false},
		{"nro", "", false},
		{"", "", false},
		{"-", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ParseRIR(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseRIR(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		cc, key string
		want    bool
	}{
		{"NL", "Europe", true},
		{"NL", "europe", true},
		{"NL", "Western Europe", true},
		{"NL", "western-europe", true},
		{"NL", "WESTERN_EUROPE", true},
		{"NL", "RIPE NCC", true},
		{"NL", "ripe-ncc", true},
		{"NL", "ripencc", true},
		{"NL", "nl", true},
		{"NL", "NL", true},
		{"NL", "Eastern Europe", false},
		{"NL", "ARIN", false},
		{"NL", "Asia", false},
		{"NL", "BE", false},
		{"BR", "Americas", true},
		{"BR", "Latin America and the Caribbean", true},
		{"BR", "latin-america-and-the-caribbean", true},
		{"BR", "South America", true},
		{"BR", "south-america", true},
		{"BR", "LACNIC", true},
		{"BR", "Caribbean", false},
		{"BR", "Northern America", false},
		{"ZA", "sub-saharan-africa", true},
		{"ZA", "Southern Africa", true},
		{"ZA", "afrinic", true},
		{"ZA", "Southern Asia", false},
		{"JE", "channel-islands", true},
		{"JE", "northern-europe", true},
		{"VN", "south-eastern-asia", true},
		{"VN", "South-eastern Asia", true},
		{"VN", "southeastern asia", true},
		{"IR", "Southern Asia", true},
		{"IR", "RIPE NCC", true},
		{"IR", "APNIC", false},
		{"PR", "ARIN", true},
		{"PR", "Caribbean", true},
		{"PR", "LACNIC", false},
		{"AQ", "ARIN", true},
		{"AQ", "", false},
		{"EU", "RIPE NCC", true},
		{"EU", "Europe", false},
		{"EU", "eu", true},
		{"ZZ", "", false},
		{"ZZ", "-", false},
		{"ZZ", "zz", true},
		{"ZZ", "Africa", false},
		{"US", "", false},
		{"US", " ", false},
	}
	for _, tt := range tests {
		t.Run(tt.cc+"/"+tt.key, func(t *testing.T) {
			e, ok := Lookup(tt.cc)
			if !ok {
				t.Fatalf("Lookup(%q) failed", tt.cc)
			}
			if got := Matches(e, tt.key); got != tt.want {
				t.Errorf("Matches(%s, %q) = %v, want %v", tt.cc, tt.key, got, tt.want)
			}
		})
	}
}

func TestMatches_everyGroupBySlug(t *testing.T) {
	for _, e := range All() {
		for _, name := range []string{e.Code, e.Region, e.SubRegion, e.IntermediateRegion, e.RIR} {
			if name == "" {
				continue
			}
			if !Matches(e, name) || !Matches(e, Slug(name)) {
				t.Errorf("%s does not match %q or its slug %q", e.Code, name, Slug(name))
			}
		}
	}
}

func TestMatches_noAlloc(t *testing.T) {
	e, _ := Lookup("BR")
	allocs := testing.AllocsPerRun(100, func() {
		Matches(e, "latin-america-and-the-caribbean")
		Matches(e, "ripe-ncc")
	})
	if allocs != 0 {
		t.Errorf("Matches allocates %v times per run, want 0", allocs)
	}
}

func TestSlug(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Western Europe", "western-europe"},
		{"Latin America and the Caribbean", "latin-america-and-the-caribbean"},
		{"South-eastern Asia", "south-eastern-asia"},
		{"RIPE NCC", "ripe-ncc"},
		{"AFRINIC", "afrinic"},
		{"Côte d'Ivoire", "cote-divoire"},
		{"Curaçao", "curacao"},
		{"Åland Islands", "aland-islands"},
		{"Türkiye", "turkiye"},
		{"Saint Barthélemy", "saint-barthelemy"},
		{"Réunion", "reunion"},
		{"Korea, Democratic People's Republic of", "korea-democratic-peoples-republic-of"},
		{"Holy See (Vatican City State)", "holy-see-vatican-city-state"},
		{"Bonaire, Sint Eustatius and Saba", "bonaire-sint-eustatius-and-saba"},
		{"Asia/Pacific Region", "asia-pacific-region"},
		{"  --Trim me--  ", "trim-me"},
		{"Straße", "strasse"},
		{"", ""},
		{"---", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Slug(tt.in); got != tt.want {
				t.Errorf("Slug(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestSlug_unique(t *testing.T) {
	seen := map[string]string{}
	for _, e := range All() {
		for _, name := range []string{e.Name, e.Region, e.SubRegion, e.IntermediateRegion, e.RIR} {
			if name == "" {
				continue
			}
			s := Slug(name)
			if other, ok := seen[s]; ok && other != name {
				t.Errorf("Slug(%q) = Slug(%q) = %q", name, other, s)
			}
			seen[s] = name
		}
	}
}

func BenchmarkLookup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Lookup("nl")
	}
}

func BenchmarkMatches(b *testing.B) {
	e, _ := Lookup("BR")
	b.ReportAllocs()
	for b.Loop() {
		Matches(e, "latin-america-and-the-caribbean")
	}
}
