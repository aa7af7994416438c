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
	if err := tab.Load(strings.NewReader(in), "names.txt"); err != nil {
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
	if err := tab.Load(strings.NewReader(in), "names.json"); err != nil {
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
			err := tab.Load(strings.NewReader(tc.in), "f")
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "f" || ie.Record != 2 && !strings.HasPrefix(tc.name, "json cut") {
				t.Errorf("err = %v, want a located error at record 2", err)
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
		if err := tab.LoadFile(testenv.File(t, rel)); err != nil {
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
		if err := tab.Load(strings.NewReader(string(b)), "fuzz"); err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("unlocated error %v", err)
			}
		}
		Sniff(b)
	})
}

func asn(a uint32) bgp.ASN { return bgp.ASN(a) }
