package region

import "testing"

func TestCanonicalKeys(t *testing.T) {
	for in, want := range map[string]string{"ripencc": RIPENCC, "RIPE NCC": RIPENCC, "ripe": RIPENCC, "afrinic": AFRINIC,
		"AfriNIC": AFRINIC, "lacnic": LACNIC, "iana": "", "": "", "nro": ""} {
		if got := RIRKey(in); got != want {
			t.Errorf("RIRKey(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"jp": "JP", "Jp": "JP", "NL": "NL", "eu": "EU", "AP": "AP", "ZZ": "", "zz": "",
		"": "", "N1": "", "USA": "", "qq": "QQ"} {
		if got := EconomyKey(in); got != want {
			t.Errorf("EconomyKey(%q) = %q, want %q", in, got, want)
		}
	}
	for _, c := range []struct {
		cc, registry string
		want         Place
	}{
		{"nl", "ripencc", Place{"NL", Europe, "Western Europe", RIPENCC}},
		// The RIR region is the economy's, not the delegating registry's.
		{"NL", "arin", Place{"NL", Europe, "Western Europe", RIPENCC}},
		{"EU", "ripencc", Place{"EU", "", "", RIPENCC}},
		{"ZZ", "ripencc", Place{"", "", "", RIPENCC}},
		{"ZZ", "iana", Place{}},
		{"", "apnic", Place{"", "", "", APNIC}},
	} {
		if got := Locate(c.cc, c.registry); got != c.want {
			t.Errorf("Locate(%q, %q) = %+v, want %+v", c.cc, c.registry, got, c.want)
		}
	}
}
