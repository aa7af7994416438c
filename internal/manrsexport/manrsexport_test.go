package manrsexport

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// TestReadFile_October2022 reads the real export of October 2022 and
// compares every record with a naive reading of the file (it has no
// quoted field): split on newlines and commas.
func TestReadFile_October2022(t *testing.T) {
	p := testenv.File(t, "manrs/MANRS_Details_202210_1667568420728.csv")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")[1:]
	if len(recs) != len(lines) || len(recs) < 11000 {
		t.Fatalf("%d records, the file has %d lines after the header", len(recs), len(lines))
	}
	for i, l := range lines {
		f := strings.Split(l, ",")
		r := recs[i]
		if strconv.FormatUint(uint64(r.ASN), 10) != f[0] || r.Groups != [4]string(f[2:6]) {
			t.Fatalf("line %d %q: record %+v", i+2, l, r)
		}
		for j, s := range r.Scores {
			if got := score(s); got != f[6+j] {
				t.Fatalf("line %d %q: column %s read as %q", i+2, l, Columns[6+j], got)
			}
		}
	}
}

func score(s *float64) string {
	if s == nil {
		return ""
	}
	return strconv.FormatFloat(*s, 'f', -1, 64)
}

func TestRead_BadInput(t *testing.T) {
	head := strings.Join(Columns, ",") + "\n"
	cases := map[string]string{
		"ASN,IP Prefix,Max Length,Trust Anchor\n":                                                   "record 1 (byte 0): not a MANRS Observatory export",
		head + "278,U,MX,Americas,L,LACNIC,1,,1,0.99,0.67\n676,U,AR,Americas,L,LACNIC,1.5,,1,1,0\n": "record 3 (byte 181)",
		head + "AS-X,U,MX,Americas,L,LACNIC,1,,1,0.99,0.67\n":                                       `ASN "AS-X"`,
		head + "278,U,MX,A,L,LACNIC,1,,1,1,1\n278,U,MX,A,L,LACNIC,1,,1,1,1\n":                       "listed twice",
		head + "278,U,MX\n":                       "record 2 (byte 139)",
		head + "278,U,MX,A,L,LACNIC,NaN,,1,1,1\n": `"NaN" is not a score`,
		"": "record 1 (byte 0): header: EOF",
	}
	for body, want := range cases {
		_, err := Read(strings.NewReader(body), "x.csv")
		if err == nil || !strings.HasPrefix(err.Error(), "x.csv: ") || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", body, err, want)
		}
	}
}

// FuzzRead: any input is read or refused with an error naming the file
// and a record; a record read keeps scores in [0, 1] and distinct ASNs.
func FuzzRead(f *testing.F) {
	head := strings.Join(Columns, ",") + "\n"
	f.Add([]byte(head + "278,UNAM,MX,Americas,Latin America and the Caribbean,LACNIC,1,,1,0.99,0.67\n"))
	f.Add([]byte("\ufeff" + head + "\"AS7\",\"a, b\",,,,,0,0,0,0,0\r\n"))
	f.Add([]byte(head + "1,U,MX\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := Read(strings.NewReader(string(b)), "fuzz.csv")
		if err != nil {
			if !regexp.MustCompile(`^fuzz\.csv: record \d+ \(byte \d+\): `).MatchString(err.Error()) {
				t.Fatalf("unlocated error %q", err)
			}
			return
		}
		seen := map[uint32]bool{}
		for _, r := range recs {
			if seen[r.ASN] {
				t.Fatalf("ASN %d twice", r.ASN)
			}
			seen[r.ASN] = true
			for _, s := range r.Scores {
				if s != nil && (*s < 0 || *s > 1) {
					t.Fatalf("score %v", *s)
				}
			}
		}
	})
}
