package participants

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

func TestReadFile_CSV(t *testing.T) {
	l, err := ReadFile("testdata/participants.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(l.Participants) != 4 {
		t.Fatalf("got %d participants, want 4", len(l.Participants))
	}
	if got := l.ASNs("netops"); !equal(got, 278, 676, 3333, 12654, 64500) {
		t.Errorf("netops ASNs = %v", got)
	}
	if got := l.ASNs(""); !equal(got, 278, 676, 3333, 6777, 12654, 64500) {
		t.Errorf("all ASNs = %v", got)
	}
	if !l.Has(6777, "ixp") || l.Has(6777, "netops") || l.Has(1, "") {
		t.Error("Has is wrong for AS6777 / AS1")
	}
	uni := l.Of(676)
	if len(uni) != 1 || uni[0].Organisation != "Universidad, Ejemplo" || !uni[0].Approved.Equal(time.Date(2019, 3, 4, 0, 0, 0, 0, time.UTC)) ||
		strings.Join(uni[0].Areas, ",") != "MX" {
		t.Errorf("AS676 = %+v", uni)
	}
	if lonely := l.Of(64500); lonely[0].Programme != "netops" || !lonely[0].Approved.IsZero() || lonely[0].Areas != nil {
		t.Errorf("defaults: %+v", lonely[0])
	}
	if got := l.ProgrammesPresent(); strings.Join(got, ",") != "ixp,netops" {
		t.Errorf("programmes = %v", got)
	}
}

func TestReadFile_JSONConformanceShape(t *testing.T) {
	l, err := ReadFile("testdata/participants.json")
	if err != nil {
		t.Fatal(err)
	}
	if got := l.ASNs(""); !equal(got, 3333, 12654, 13335) {
		t.Errorf("ASNs = %v", got)
	}
	cdn := l.Of(13335)
	if len(cdn) != 1 || cdn[0].Programme != "cdn" || cdn[0].Areas[0] != "US" || cdn[0].Approved.Year() != 2020 {
		t.Errorf("AS13335 = %+v", cdn)
	}
	// A bare array reads the same.
	arr := `[{"name": "A", "ASNs": [1]}, {"name": "B", "asns": ["AS2"]}]`
	if l, err := Read(strings.NewReader(arr), "arr"); err != nil || !equal(l.ASNs(""), 1, 2) {
		t.Errorf("bare array: %v %v", l, err)
	}
}

func TestRead_BadInputLocated(t *testing.T) {
	for _, tc := range []struct {
		name, in   string
		record     int64
		offset     int64
		wantSubstr string
	}{
		{"bad ASN", "organisation,asns\nA,AS1\nB,ASX\n", 3, 24, `ASN "ASX"`},
		{"no org", "organisation,asns\nA,1\n,2\n", 3, 22, "no organisation"},
		{"bad programme", "organisation,programme,asns\nA,isp,1\n", 2, 28, "unknown programme"},
		{"bad date", "organisation,asns,approved\nA,1,May 2020\n", 2, 27, "date"},
		{"bad area", "organisation,asns,areas\nA,1,Netherlands\n", 2, 24, "ISO 3166"},
		{"no asns column", "organisation,members\nA,1\n", 1, 0, "lacks"},
		{"no asn", "organisation,asns\nA,\n", 2, 18, "has no ASN"},
		{"json element", `{"participants": [{"name": "A", "ASNs": [1]}, {"name": "B", "ASNs": [true]}]}`, 2, 0, "neither"},
		{"json no array", `{"data": []}`, 0, 0, "no \"participants\""},
		{"empty", "  \n", 0, 0, "empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tc.in), "p.csv")
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("err = %v, want *inputerr.Error", err)
			}
			if ie.File != "p.csv" || ie.Record != tc.record || (tc.offset != 0 && ie.Offset != tc.offset) || !strings.Contains(err.Error(), tc.wantSubstr) {
				t.Errorf("err = %v (record %d offset %d), want record %d offset %d containing %q", err, ie.Record, ie.Offset, tc.record, tc.offset, tc.wantSubstr)
			}
		})
	}
}

// TestLoad_Damaged checks the rule for damaged records: a participant with
// a bad ASN or date is reported with its record number and skipped.
func TestLoad_Damaged(t *testing.T) {
	for _, tc := range []struct{ name, in, first string }{
		// CSV records are numbered by line, the header being line 1.
		{"p.csv", "organisation,asns,approved\nA,AS1,2020-01-01\nB,ASx,2020-01-01\nC,AS3,yesterday\nD,AS4,2021-02-03\n", "record 3"},
		{"p.json", `[{"name": "A", "ASNs": [1]}, {"name": "B", "ASNs": [true]}, {"name": "C", "ASNs": [3], "member_since": 5}, {"name": "D", "ASNs": [4]}]`, "record 2"},
	} {
		name, in := tc.name, tc.in
		t.Run(name, func(t *testing.T) {
			var log inputerr.Log
			l, err := Load(strings.NewReader(in), name, &log)
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if !equal(l.ASNs(""), 1, 4) {
				t.Errorf("ASNs() = %v, want AS1 and AS4", l.ASNs(""))
			}
			if got := log.Lines(); len(got) != 1 || !strings.HasPrefix(got[0], name+": 2 damaged records skipped: "+tc.first) {
				t.Errorf("Lines() = %q, want 2 records of %s from %s", got, name, tc.first)
			}
			if _, err := Read(strings.NewReader(in), name); !errors.As(err, new(*inputerr.Error)) {
				t.Errorf("Read() = %v, want the first damaged participant as the error", err)
			}
		})
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("organisation,programme,asns,approved,areas\nA,netops,AS1 AS2,2020-01-01,NL\n"))
	f.Add([]byte(`{"participants": [{"name": "A", "ASNs": [1], "areas_served": ["NL"]}]}`))
	f.Add([]byte(`[{"name": "B", "asns": ["AS2"]}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := Read(strings.NewReader(string(b)), "fuzz")
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("error %v is not located", err)
			}
			return
		}
		for _, p := range l.Participants {
			if p.Organisation == "" || len(p.ASNs) == 0 {
				t.Fatalf("accepted an empty participant %+v", p)
			}
			for _, a := range p.ASNs {
				if !l.Has(a, p.Programme) {
					t.Fatalf("index lost AS%d", a)
				}
			}
		}
	})
}

func equal(got []bgp.ASN, want ...bgp.ASN) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i] != want[i] {
			return false
		}
	}
	return true
}

func TestList_OneOrganisationPerASN(t *testing.T) {
	for _, tc := range []struct {
		name, in    string
		record      int64
		offset      int64
		wantSubstr  string
		wantNoError bool
	}{
		{name: "distinct", in: "organisation,asns\nA,1 2\nB,3\n", wantNoError: true},
		{name: "one organisation in two programmes", in: "organisation,programme,asns\nA,netops,1\nA,ixp,1\n", wantNoError: true},
		{name: "csv", in: "organisation,asns\nA,1 2\nB,3\nC,AS2\n", record: 4, offset: 28,
			wantSubstr: `AS2 is listed under "A" (record 2) and "C"`},
		{name: "the earliest second listing", in: "organisation,asns\nA,9\nB,5\nC,5\nD,9\n", record: 4,
			wantSubstr: `AS5 is listed under "B" (record 3) and "C"`},
		{name: "json", in: `[{"name": "B", "ASNs": [7]}, {"name": "A", "ASNs": [1, 7]}]`, record: 2,
			wantSubstr: `AS7 is listed under "B" (record 1) and "A"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Read(strings.NewReader(tc.in), "p.csv")
			if err != nil {
				t.Fatal(err)
			}
			err = l.OneOrganisationPerASN()
			if tc.wantNoError {
				if err != nil {
					t.Errorf("OneOrganisationPerASN() = %v, want nil", err)
				}
				return
			}
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("OneOrganisationPerASN() = %v, want *inputerr.Error", err)
			}
			if ie.File != "p.csv" || ie.Record != tc.record || (tc.offset != 0 && ie.Offset != tc.offset) ||
				!strings.Contains(err.Error(), tc.wantSubstr) {
				t.Errorf("OneOrganisationPerASN() = %v (record %d offset %d), want record %d offset %d containing %q",
					err, ie.Record, ie.Offset, tc.record, tc.offset, tc.wantSubstr)
			}
		})
	}
}
