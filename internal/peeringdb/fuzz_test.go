package peeringdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"testing"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// addPageSeeds seeds f with the first objects of every real page, as a
// page and as a one-section dump.
func addPageSeeds(f *testing.F) {
	for _, path := range realPages(f) {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		var page struct{ Data []json.RawMessage }
		if err := json.Unmarshal(data, &page); err != nil {
			f.Fatal(err)
		}
		first := page.Data[:min(2, len(page.Data))]
		body, _ := json.Marshal(map[string]any{"data": first, "meta": map[string]any{}})
		f.Add(body)
		dump, _ := json.Marshal(map[string]any{string(TagFromName(path)): map[string]any{"data": first}})
		f.Add(dump)
	}
}

func FuzzPeeringDB(f *testing.F) {
	addPageSeeds(f)
	for _, s := range []string{
		``, `{}`, `{"data": []}`, `{"data": [null]}`, `[]`, `{"data": [{}], "data": [{}]}`,
		`{"net": {"data": [{"id": 1, "asn": 1, "poc_set": [1, {"id": 2, "role": "NOC", "email": "x"}]}]}}`,
		`{"poc": {"data": [{"id": 1, "net_id": 1, "role": "NOC", "email": "a"}]}, "net": {"data": [{"id": 1, "asn": 5}]}}`,
		`{"netixlan": {"data": [{"id": 1, "asn": 5, "ix_id": 3, "ipaddr4": "10.0.0.1", "ipaddr6": ""}]}}`,
		`{"data": [{"id": 1, "ixlan_id": 1, "prefix": "10.0.0.1/8"}]}`,
		`{"meta": [[[[[[[[]]]]]]]], "data": [{"asn": 1e3}]}`,
		`{"data": [{"id": 1}]} trailing`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := NewReader(bytes.NewReader(data), "fuzz", "")
		var b Builder
		var n int64
		var err error
		for {
			var o Object
			o, err = r.Next()
			if err != nil {
				break
			}
			n++
			if o == nil {
				t.Fatal("Next() returned a nil object without error")
			}
			b.Add(o)
		}
		if err != io.EOF {
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "fuzz" || ie.Record < 1 || ie.Offset < 0 || ie.Offset > int64(len(data)) {
				t.Fatalf("Next() error %v is not a located *inputerr.Error", err)
			}
		} else if !json.Valid(data) {
			t.Fatalf("read %d objects from invalid JSON %q", n, data)
		}
		if r.Count() != n {
			t.Fatalf("Count() = %d, returned %d", r.Count(), n)
		}
		db := b.Build()
		for _, a := range db.ASNs() {
			db.HasContact(a)
			for _, p := range db.IXs(a) {
				if len(p.Ports) == 0 {
					t.Fatalf("IXs(%v) lists %v without ports", a, p.IX.ID)
				}
			}
		}
	})
}
