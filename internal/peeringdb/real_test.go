package peeringdb

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/testenv"
)

// realPages returns the PeeringDB page files of shared data.
func realPages(tb testing.TB) []string {
	tb.Helper()
	dir := testenv.File(tb, "peeringdb/20260416")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*.json"))
	if err != nil || len(files) != 25 {
		tb.Fatalf("found %d PeeringDB pages (%v), want 25", len(files), err)
	}
	return files
}

// naiveCount decodes a page with map[string]any: the oracle.
func naiveCount(t *testing.T, path string) (int, []any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var page map[string]any
	if err := json.Unmarshal(data, &page); err != nil {
		t.Fatal(err)
	}
	objs, _ := page["data"].([]any)
	return len(objs), objs
}

func TestLoadFile_realPages(t *testing.T) {
	for _, path := range realPages(t) {
		rel := filepath.Join(filepath.Base(filepath.Dir(path)), filepath.Base(path))
		t.Run(rel, func(t *testing.T) {
			var b Builder
			n, err := b.LoadFile(context.Background(), path, nil)
			if err != nil {
				t.Fatalf("LoadFile() error: %v", err)
			}
			want, objs := naiveCount(t, path)
			if int(n) != want {
				t.Errorf("read %d objects, naive count %d", n, want)
			}
			tag := TagFromName(path)
			if tag == "" {
				t.Fatalf("TagFromName(%s) is empty", path)
			}
			if diff := cmp.Diff(map[Tag]int{tag: want}, b.Build().Counts()); diff != "" {
				t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
			}
			raw, _ := json.Marshal(objs[0])
			if got, err := SniffTag(raw); err != nil || got != tag {
				t.Errorf("SniffTag(first object) = %q, %v; the name says %q", got, err, tag)
			}
			// The same page read without its name must be sniffed alike.
			data, _ := os.ReadFile(path)
			var sb Builder
			if _, err := sb.Load(context.Background(), bytes.NewReader(data), "", "", nil); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(map[Tag]int{tag: want}, sb.Build().Counts()); diff != "" {
				t.Errorf("Counts() of the unnamed page mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// realDump builds a full dump {"net": {...page...}, ...} from the real
// pages, as CAIDA's dumps are laid out.
func realDump(tb testing.TB) ([]byte, map[Tag]int) {
	tb.Helper()
	sections := map[Tag][][]byte{}
	counts := map[Tag]int{}
	for _, path := range realPages(tb) {
		data, err := os.ReadFile(path)
		if err != nil {
			tb.Fatal(err)
		}
		var page struct{ Data []json.RawMessage }
		if err := json.Unmarshal(data, &page); err != nil {
			tb.Fatal(err)
		}
		tag := TagFromName(path)
		for _, o := range page.Data {
			sections[tag] = append(sections[tag], o)
		}
		counts[tag] += len(page.Data)
	}
	var buf bytes.Buffer
	buf.WriteString("{")
	for i, tag := range slices.Sorted(maps.Keys(sections)) {
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.WriteString(`"` + string(tag) + `": {"data": [`)
		buf.Write(bytes.Join(sections[tag], []byte(",")))
		buf.WriteString(`], "meta": {}}`)
	}
	buf.WriteString("}")
	return buf.Bytes(), counts
}

func TestLoad_realDump(t *testing.T) {
	dump, want := realDump(t)
	var b Builder
	if _, err := b.Load(context.Background(), bytes.NewReader(dump), "dump.json", "", nil); err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	db := b.Build()
	if diff := cmp.Diff(want, db.Counts()); diff != "" {
		t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
	}
	// §13.3 on the real pages, against a Python count over the same files:
	// nets with a Technical or NOC poc giving an e-mail or phone, or an
	// e-mail address other than abuse@ in the net's notes (1668, 1785,
	// 4355, 4788, 5650, 6316, 7132, 8419, 10933, 15169, 15290, 15533,
	// 20500, 23148, 31334, 31458 by their notes alone).
	var withContact []bgp.ASN
	for _, a := range db.ASNs() {
		if db.HasContact(a) {
			withContact = append(withContact, a)
		}
	}
	wantContact := []bgp.ASN{1299, 1668, 1785, 1853, 2152, 2818, 3257, 3300, 4355, 4788, 5650, 6079, 6316, 6939, 7132, 7843, 8075,
		8419, 10933, 12008, 12859, 15169, 15290, 15533, 15600, 16030, 20500, 23148, 24916, 30781, 31027, 31334, 31424, 31458, 31673, 34305}
	if diff := cmp.Diff(wantContact, withContact); diff != "" {
		t.Errorf("ASNs with a contact mismatch (-want +got):\n%s", diff)
	}
	for _, a := range []bgp.ASN{702, 6805, 33845} { // Policy contacts only, no address in the notes
		if db.HasContact(a) || len(db.Contacts(a)) == 0 {
			t.Errorf("AS%d: HasContact %v with contacts %v; want false with Policy contacts", a, db.HasContact(a), db.Contacts(a))
		}
	}
	// AS6939 has 28 netixlan rows at 28 exchanges in these pages; ix 3702
	// is not on the two ix pages, so only its netixlan name is known.
	ixs := db.IXs(6939)
	if len(ixs) != 28 {
		t.Fatalf("len(IXs(6939)) = %d, want 28", len(ixs))
	}
	last := ixs[len(ixs)-1]
	if last.IX.ID != 3702 || last.IX.Name == "" || last.IX.Country != "" {
		t.Errorf("IXs(6939) last = %+v, want ix 3702 known by name only", last.IX)
	}
	if ixs[0].IX.ID != 2 || ixs[0].IX.Country == "" {
		t.Errorf("IXs(6939) first = %+v, want the full ix 2 object", ixs[0].IX)
	}
	if n, ok := db.Net(4436); !ok || !strings.Contains(n.Name, "GTT") || n.OrgID != 8897 {
		t.Errorf("Net(4436) = %+v, %v", n, ok)
	}
	if o, ok := db.Org(2); !ok || o.Name != "Equinix, Inc." {
		t.Errorf("Org(2) = %+v, %v; want Equinix, Inc.", o, ok)
	}
}

// TestLoad_truncatedRealPage cuts a real net page in the middle of an
// object: every whole object before the cut is read, and the cut one is
// the only damaged record, located where it starts.
func TestLoad_truncatedRealPage(t *testing.T) {
	data, err := os.ReadFile(testenv.File(t, "peeringdb/20260416/prod-anon/net-page-1.json"))
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Data []json.RawMessage }
	if err := json.Unmarshal(data, &page); err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(data, page.Data[82]) + 40 // inside object 83
	var log inputerr.Log
	var b Builder
	n, err := b.Load(context.Background(), bytes.NewReader(data[:cut]), "net-page-1.json", "", &log)
	if err != nil || n != 82 {
		t.Fatalf("Load() = %d, %v; want the 82 objects before the cut", n, err)
	}
	want := fmt.Sprintf("net-page-1.json: 1 damaged record skipped: record 83 at byte offset %d: net object: unexpected EOF",
		bytes.Index(data, page.Data[82]))
	if diff := cmp.Diff([]string{want}, log.Lines()); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
}
