package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/observatory-net/observatory/internal/rdap"
)

// TestFetch_RDAP fills the RDAP cache from a local server serving the
// hand-written answers of internal/rdap/testdata (never the network): the
// ASNs come from the delegated statistics in --dest, a known ASN's answer
// is cached in the layout ingest reads, a 404 is counted and not cached,
// and a second run asks only for what is not cached.
func TestFetch_RDAP(t *testing.T) {
	answer, err := os.ReadFile("../../internal/rdap/testdata/lacnic-AS64497.json")
	if err != nil {
		t.Fatal(err)
	}
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path != "/rdap/autnum/64497" {
			http.Error(w, `{"errorCode":404}`, http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/rdap+json")
		w.Write(answer)
	}))
	defer srv.Close()
	dest := t.TempDir()
	delegated := "2|lacnic|20260401|3|19870101|20260401|-0300\nlacnic|*|asn|*|3|summary\n" +
		"lacnic|BR|asn|64497|1|20060705|allocated|x\nlacnic|AR|asn|64498|1|20060705|allocated|y\nlacnic|AR|asn|64499|1|20060705|reserved|z\n"
	if err := os.WriteFile(filepath.Join(dest, "delegated-lacnic-extended-20260401"), []byte(delegated), 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty mirror: the catalogue's files are all missing, so the only
	// delegated statistics are those written above.
	args := []string{"fetch", "--month", "2014-05", "--mirror", t.TempDir(), "--dest", dest, "--quiet", "--rdap", "lacnic", "--rdap-server", "lacnic=" + srv.URL + "/rdap/", "--rdap-interval", "10ms"}
	if code, _ := runCLI(t, args...); code != 0 {
		t.Fatalf("fetch --rdap exit %d", code)
	}
	if got := hits.Load(); got != 2 {
		t.Errorf("%d RDAP requests, want 2 (the reserved ASN is not asked)", got)
	}
	f, err := os.Open(rdap.CachePath(dest, "lacnic", 64497))
	if err != nil {
		t.Fatalf("AS64497 not cached: %v", err)
	}
	defer f.Close()
	if a, err := rdap.Parse(f, f.Name()); err != nil || a.Contact == nil {
		t.Errorf("cached answer %+v, %v", a, err)
	}
	if _, err := os.Stat(rdap.CachePath(dest, "lacnic", 64498)); !os.IsNotExist(err) {
		t.Errorf("the 404 of AS64498 was cached: %v", err)
	}
	if code, _ := runCLI(t, args...); code != 0 || hits.Load() != 3 {
		t.Errorf("second run exit %d, %d requests in all, want 3 (AS64497 from the cache)", code, hits.Load())
	}
}

// TestIngest_registryContacts ingests registry contacts given kind by kind
// (--irr for a RIPE role split dump and an aut-num, --rdap for a cached
// answer) and shows M8 with its evidence through `asn`.
func TestIngest_registryContacts(t *testing.T) {
	dir := t.TempDir()
	write := func(name, data string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	answer, err := os.ReadFile("../../internal/rdap/testdata/arin-AS64496.json")
	if err != nil {
		t.Fatal(err)
	}
	delegated := write("delegated", "2|nro|20260401|2|19700101|20260401|+0000\nnro|*|asn|*|2|summary\n"+
		"ripencc|NL|asn|64500|1|20000101|assigned|r\narin|US|asn|64496|1|20000310|assigned|a\n")
	write("whois/ripe.db.aut-num", "aut-num: AS64500\nas-name: EXAMPLE\nadmin-c: DUMY-RIPE\ntech-c: EX1-RIPE\nsource: RIPE # Filtered\n")
	write("whois/ripe.db.role", "role: Example NOC\naddress: Dummy address for EX1-RIPE\ne-mail: unread@ripe.net\nnic-hdl: EX1-RIPE\nsource: RIPE # Filtered\n")
	write("rdap/arin/autnum/AS64496.json", string(answer))
	db := filepath.Join(t.TempDir(), "o.db")
	if code, _ := runCLI(t, "ingest", "--db", db, "--month", "2026-04", "-q", "--delegated", delegated,
		"--irr", filepath.Join(dir, "whois"), "--rdap", filepath.Join(dir, "rdap")); code != 0 {
		t.Fatalf("ingest exit %d", code)
	}
	for asn, want := range map[string]string{
		"AS64500": `"source":"rpsl","database":"RIPE","attr":"tech-c","handle":"EX1-RIPE","object":"role","dummified":true`,
		"AS64496": `"source":"rdap","handle":"AS64496","server":"rdap.arin.net","entity":"IPADD1-ARIN"`,
	} {
		code, out := runCLI(t, "asn", asn, "--db", db, "--month", "2026-04")
		if code != 0 || !strings.Contains(out, want) || !regexp.MustCompile(`M8 +raw 1 +→ 1\.00`).MatchString(out) {
			t.Errorf("asn %s: exit %d, output\n%s\nwant M8 1 with evidence %s", asn, code, out, want)
		}
		if code, out := runCLI(t, "asn", asn, "--db", db, "--month", "2026-04", "--format", "json"); code != 0 || !strings.Contains(out, `"has_contact_info": true`) {
			t.Errorf("asn %s --format json: exit %d, no M8 evidence in\n%s", asn, code, out)
		}
	}
}
