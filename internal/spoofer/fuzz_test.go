package spoofer

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/inputerr"
)

func FuzzSpoofer(f *testing.F) {
	for _, path := range []string{"testdata/sessions.csv", "testdata/reordered.csv"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "#", "\ufefftimestamp,asn,prefix,outcome\n2024-01-01,1,::/0,received",
		"date,asn,prefix,private,routable,nat,cc,session\n2024-01-01T00:00:00Z,AS1.10,10.0.0.0/8,,,1,zz,18446744073709551615\n",
		"date,asn,prefix,outcome\n\"2024-01-01\",\"1\",\"192.0.2.0/24\",\"received\"\r\n\"x\"\"y",
		"date,asn,prefix,outcome\n2024-01-01,1\n,,,\n", "a,b,c\n", "date,date\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz")
		var recs []Record
		for {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				var ie *inputerr.Error
				if !errors.As(err, &ie) || ie.File != "fuzz" || ie.Record < 0 || ie.Offset < 0 || ie.Offset > int64(len(data)) {
					t.Fatalf("Next() error %v is not a located *inputerr.Error", err)
				}
				continue // after damage that ends the file, Next returns io.EOF
			}
			if !rec.Prefix.IsValid() || rec.Prefix.Masked() != rec.Prefix || rec.Time.IsZero() && !strings.Contains(string(data), "0001") {
				t.Fatalf("Next() returned %+v", rec)
			}
			if rec.Spoofable() && rec.Filtered() {
				t.Fatalf("%+v is both spoofable and filtered", rec)
			}
			recs = append(recs, rec)
		}
		total := 0
		for _, s := range Summarise(recs) {
			total += s.Rows
			if s.Spoofable+s.Filtered > s.Rows {
				t.Fatalf("summary %+v counts more than its rows", s)
			}
		}
		if total != len(recs) {
			t.Fatalf("Summarise() counts %d rows of %d", total, len(recs))
		}
	})
}

// FuzzSpooferJSON feeds arbitrary bytes to the data API JSON reader
// (collection pages, session objects, arrays, in sequence): no panic,
// errors located with *inputerr.Error within the input, a lenient Log
// that never fails and counts what it skipped, and records that hold a
// valid block of the right family and a time.
func FuzzSpooferJSON(f *testing.F) {
	for _, path := range []string{"testdata/sessions-page1.json", "testdata/sessions-page2.json", "testdata/sessions.jsonl"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		`[{"asn4":64496,"client4":"192.0.2.0/24","routedspoof":"received","timestamp":"2024-05-01T00:00:00Z"},` +
			`{"asn6":"AS64497","client6":"2001:db8::/64","routedspoof6":"blocked","nat6":true,"timestamp":"2024-05-01 10:00:00"}]`,
		`{"hydra:member":[{"asn4":"1","client4":"192.0.2.1/24","timestamp":"2024"},7,"x"],"@id":"/sessions"} {"asn4":"1"}`,
		`{"hydra:member":[{"asn4":"1","client4":"::/0","country":"nl","session":18446744073709551615,"timestamp":"2024-05-01"}`,
		"\ufeff[]", "{}", "[", `{"a":{"b":[}]}`, `{"hydra:member":null}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		_, err := loadJSON(context.Background(), bytes.NewReader(data), "fuzz", 0, nil)
		if err != nil {
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "fuzz" || ie.Record < 0 || ie.Offset < 0 || ie.Offset > int64(len(data)) {
				t.Fatalf("loadJSON() error %v is not a located *inputerr.Error", err)
			}
		}
		var log inputerr.Log
		recs, err := Load(context.Background(), bytes.NewReader(data), "fuzz", &log)
		if err != nil {
			t.Fatalf("lenient Load() error: %v", err)
		}
		for _, rec := range recs {
			if !rec.Prefix.IsValid() || rec.Prefix.Masked() != rec.Prefix || rec.Time.IsZero() && !strings.Contains(string(data), "0001") {
				t.Fatalf("Load() returned %+v", rec)
			}
			if rec.Spoofable() && rec.Filtered() {
				t.Fatalf("%+v is both spoofable and filtered", rec)
			}
		}
		if err == nil && log.Count() == 0 {
			// Without damage a strict reading gives the same records.
			strict, err := Load(context.Background(), bytes.NewReader(data), "fuzz", &inputerr.Log{Strict: true})
			if err != nil || len(strict) != len(recs) {
				t.Fatalf("strict Load() = %d records, %v; lenient %d records and no damage", len(strict), err, len(recs))
			}
		}
	})
}
