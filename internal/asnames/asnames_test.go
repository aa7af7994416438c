package asnames

import (
	"errors"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

func TestLoad_Text(t *testing.T) {
	var tab Table
	in := "0:-Reserved AS-, ZZ\n278:Universidad Nacional Autonoma de Mexico, MX\n3333:RIPE-NCC-AS Reseaux IP Europeens, NL\n64512:NO COUNTRY\n\n7:A, B, Comma, Inc., GB\n278:Second entry loses, US\n"
	if err := tab.Load(strings.NewReader(in), "names.txt", nil); err != nil {
		t.Fatal(err)
	}
	for a, want := range map[uint32]Entry{
		278:   {"Universidad Nacional Autonoma de Mexico", "MX"},
		3333:  {"RIPE-NCC-AS Reseaux IP Europeens", "NL"},
		64512: {"NO COUNTRY", ""},
		7:     {"A, B, Comma, Inc.", "GB"},
		0:     {"-Reserved AS-", "ZZ"},
	} {
		if got, ok := tab.Lookup(asn(a)); !ok || got != want {
			t.Errorf("AS%d = %+v, want %+v", a, got, want)
		}
	}
	if tab.Len() != 5 {
		t.Errorf("Len = %d, want 5", tab.Len())
	}
}

func TestLoad_JSON(t *testing.T) {
	var tab Table
	in := `{"50088": "FITL-IE Fort Technologies, GB", "3333": "RIPE-NCC-AS Reseaux IP Europeens Network Coordination Centre (RIPE NCC), NL"}`
	if err := tab.Load(strings.NewReader(in), "names.json", nil); err != nil {
		t.Fatal(err)
	}
	if e, _ := tab.Lookup(3333); e.Country != "NL" || !strings.HasSuffix(e.Name, "(RIPE NCC)") {
		t.Errorf("AS3333 = %+v", e)
	}
}

func TestLoad_BadInputLocated(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"no colon", "278:UNAM, MX\nGOOGLE, US\n"},
		{"bad asn", "278:UNAM, MX\nAS-X:Y, US\n"},
		{"json value", `{"278": "UNAM, MX", "3333": 5}`},
		{"json key", `{"278": "UNAM, MX", "x": "y"}`},
		{"json cut", `{"278": "UNAM, MX", "3333": "RIPE`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var tab Table
			err := tab.Load(strings.NewReader(tc.in), "f", nil)
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "f" || ie.Record != 2 && !strings.HasPrefix(tc.name, "json cut") {
				t.Errorf("err = %v, want a located error at record 2", err)
			}
		})
	}
}

// TestLoad_Damaged checks the rule for damaged records, in both forms: a
// bad line or member is reported with its record number and byte offset
// and skipped; the end of a truncated file is the last one.
func TestLoad_Damaged(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		asns     int
		want     string
	}{
		{"text", "278:UNAM, MX\nGOOGLE, US\n3333:RIPE, NL\nAS-X:Y\n15169:GOO",
			3, `names: 2 damaged records skipped: record 2 at byte offset 13: no AS number: want ASN:NAME, got "GOOGLE, US"; ` +
				`record 4 at byte offset 38: bad AS number: "AS-X"`},
		{"json", `{"278": "UNAM, MX", "x": "y", "3333": 5, "15169": "GOOGLE, US", "1": "cut`,
			2, `names: 3 damaged records skipped: record 2 at byte offset 20: bad AS number: "x"; ` +
				`record 3 at byte offset 30: AS3333: json: cannot unmarshal number into Go value of type string; ` +
				`record 5 at byte offset 64: decode JSON: unexpected EOF`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var log inputerr.Log
			var tab Table
			if err := tab.Load(strings.NewReader(tc.in), "names", &log); err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if tab.Len() != tc.asns {
				t.Errorf("Len() = %d, want %d", tab.Len(), tc.asns)
			}
			if got := log.Lines(); len(got) != 1 || got[0] != tc.want {
				t.Errorf("Lines() = %q\nwant %q", got, tc.want)
			}
			var strict Table
			if err := strict.Load(strings.NewReader(tc.in), "names", &inputerr.Log{Strict: true}); !errors.As(err, new(*inputerr.Error)) {
				t.Errorf("Load() with a strict log = %v, want the first damaged record", err)
			}
		})
	}
}

func TestSniff(t *testing.T) {
	for in, want := range map[string]bool{
		"0:-Reserved AS-, ZZ\n1:LVLT-1, US\n2:UDEL":   true,
		`{"50088": "FITL-IE Fort Technologies, GB", `: true,
		"ripencc|NL|asn|3333|1|19930901|allocated\n":  false,
		`{"roas": []}`: false,
		"":             false,
		"1|2|-1\n":     false,
	} {
		if got := Sniff([]byte(in)); got != want {
			t.Errorf("Sniff(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestLoadFile_Real(t *testing.T) {
	var tab Table
	for _, rel := range []string{"asnames/potaroo-autnums-ASN_lookup.txt", "asnames/pyasn-asnames.json"} {
		if err := tab.LoadFile(testenv.File(t, rel), nil); err != nil {
			t.Fatal(err)
		}
	}
	if tab.Len() < 110_549 {
		t.Errorf("%d ASNs, want at least the 110,549 of the potaroo list", tab.Len())
	}
	if e, _ := tab.Lookup(278); e != (Entry{"Universidad Nacional Autonoma de Mexico", "MX"}) {
		t.Errorf("AS278 = %+v", e)
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte("278:UNAM, MX\n3333:RIPE, NL\n"))
	f.Add([]byte(`{"278": "UNAM, MX"}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var tab Table
		if err := tab.Load(strings.NewReader(string(b)), "fuzz", &inputerr.Log{}); err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("unlocated error %v", err)
			}
		}
		Sniff(b)
	})
}

func asn(a uint32) bgp.ASN { return bgp.ASN(a) }
