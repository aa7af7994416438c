package spoofer

import (
	"bytes"
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
