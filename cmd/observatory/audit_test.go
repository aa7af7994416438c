package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/audit"
	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
	"github.com/observatory-net/observatory/internal/testenv"
)

// auditASNs are three enterprises of the shared data (PeeringDB 2026
// info_type Enterprise) that originate routes in the May 2014 jinx RIB:
// Walmart, Mozilla and Forcepoint.
var auditASNs = []uint32{17374, 36856, 35788}

// addUpstream records, for an audited origin, the AS next to it in a path
// (prepends skipped; paths ending in an AS_SET have no origin and were
// left out before): the reference of the audit's hop-1 providers.
func (r *refRoutes) addUpstream(origin uint32, p netip.Prefix, path string) {
	if !slices.Contains(auditASNs, origin) {
		return
	}
	hops := strings.Fields(path)
	for i := len(hops) - 2; i >= 0; i-- {
		if strings.HasPrefix(hops[i], "{") {
			return
		}
		a, _ := strconv.ParseUint(hops[i], 10, 32)
		if uint32(a) == origin {
			continue
		}
		if r.hop1[origin] == nil {
			r.hop1[origin] = map[uint32]map[netip.Prefix]bool{}
		}
		if r.hop1[origin][uint32(a)] == nil {
			r.hop1[origin][uint32(a)] = map[netip.Prefix]bool{}
		}
		r.hop1[origin][uint32(a)][p] = true
		return
	}
}

// e2eAudit checks `observatory audit` of the three enterprises on the
// ingested May 2014 month against bgpdump's reading of the same files
// (the audited announcements, each hop-1 provider and the prefixes it
// carries), that every claim has its evidence, and that the API's GET
// /api/v2/audits answers the same document.
func e2eAudit(t *testing.T, db string, ref *refRoutes) {
	auditDB = db
	args := []string{"audit", "--db", db, "--month", e2eMonth, "--format", "json"}
	for _, a := range auditASNs {
		args = append(args, "--asn", strconv.FormatUint(uint64(a), 10))
	}
	var out bytes.Buffer
	if code := runWithOutput(args, &out); code != 0 {
		t.Fatalf("audit: exit %d", code)
	}
	var a wire.Audit
	if err := json.Unmarshal(out.Bytes(), &a); err != nil {
		t.Fatalf("audit JSON: %v\n%.300s", err, out.String())
	}
	total := 0
	want := map[uint32]int{} // hop-1 provider → audited prefixes it carries
	for _, o := range auditASNs {
		total += len(ref.routes[o])
		for up, ps := range ref.hop1[o] {
			if !slices.Contains(auditASNs, up) {
				want[up] += len(ps)
			}
		}
	}
	if a.Prefixes != total || total == 0 {
		t.Errorf("audit counts %d announcements of the three, bgpdump %d", a.Prefixes, total)
	}
	got := map[uint32]int{}
	judged := 0
	for _, p := range a.Providers {
		checkEvidence(t, p)
		if v := p.ROV.Verdict; v == "deploys" || v == "partial" || v == "does-not" {
			judged++
		}
		if p.Hop != 1 {
			continue
		}
		got[uint32(p.ASN)] = p.Prefixes
		if w := float64(p.Prefixes) / float64(total); p.Weight != w {
			t.Errorf("%s: weight %v, want %d/%d", p.ASN, p.Weight, p.Prefixes, total)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("hop-1 providers and their prefixes:\naudit   %v\nbgpdump %v", got, want)
	}
	if judged == 0 {
		t.Error("no provider with a judged ROV verdict: the evidence check checked nothing")
	}
	if len(a.Providers) < 3 || len(a.Checklist) != 4 {
		t.Errorf("%d providers, %d checklist items: too few", len(a.Providers), len(a.Checklist))
	}
	t.Logf("audit of %v: %d announcements, %d providers (%d hop 1), summary %+v", auditASNs, a.Prefixes, len(a.Providers), len(got), a.Summary)

	// The API, on the same store, with a partner key.
	code, keyOut := runCLI(t, "keys", "create", "--db", db, "--role", "partner")
	if code != 0 {
		t.Fatalf("keys create: exit %d: %s", code, keyOut)
	}
	st, err := sqlite.Open(t.Context(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	checkLeakInvariants(t, st)
	api, err := httpapi.New(httpapi.Options{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	defer api.Close()
	srv := httptest.NewServer(api.Handler())
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/v2/audits?month="+e2eMonth+"&asn=17374,36856,AS35788", nil)
	req.Header.Set("Authorization", "Bearer "+tokenOf(t, keyOut))
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	var fromAPI wire.Audit
	if err == nil {
		err = json.Unmarshal(body, &fromAPI)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/v2/audits: %d, %v: %.300s", resp.StatusCode, err, body)
	}
	if x, y := mustJSON(t, a), mustJSON(t, fromAPI); x != y {
		t.Errorf("the API's audit differs from the command's:\n%.500s\n%.500s", y, x)
	}

	e2eAuditOrg(t, db, srv.URL, tokenOf(t, keyOut))
	e2eSectors(t, ref)

	// The PDF, written whole to a file.
	dir := t.TempDir()
	for _, f := range []string{"pdf"} { // HTML: internal/audit TestAudit_render
		path := filepath.Join(dir, "audit."+f)
		if code := runWithOutput(append(args[:len(args):len(args)], "--format", f, "-o", path), &bytes.Buffer{}); code != 0 {
			t.Fatalf("audit --format %s: exit %d", f, code)
		}
		b, err := os.ReadFile(path)
		if err != nil || !(bytes.HasPrefix(b, []byte("%PDF-")) || bytes.Contains(b, []byte(`<svg id="chain"`))) {
			t.Errorf("audit --format %s: %v, %d bytes", f, err, len(b))
		}
	}
}

// mozillaOrg is Mozilla's PeeringDB organisation (AS36856 among its
// networks).
const mozillaOrg = "1153"

// e2eAuditOrg audits Mozilla's PeeringDB organisation three ways: by the
// month's records (--org alone, as GET /api/v2/audits?org= does), by the
// PeeringDB files (--org --peeringdb), and through the API: the same
// providers each time, AS36856 among the networks, and the API's document
// equal to the command's.
func e2eAuditOrg(t *testing.T, db, api, token string) {
	read := func(args ...string) wire.Audit {
		t.Helper()
		var out bytes.Buffer
		if code := runWithOutput(append([]string{"audit", "--db", db, "--month", e2eMonth, "--format", "json"}, args...), &out); code != 0 {
			t.Fatalf("audit %v: exit %d", args, code)
		}
		var a wire.Audit
		if err := json.Unmarshal(out.Bytes(), &a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	stored := read("--org", mozillaOrg)
	files := read("--org", mozillaOrg, "--peeringdb", testenv.File(t, "peeringdb/20260416/prod-anon/net-page-1.json"),
		"--peeringdb", testenv.File(t, "peeringdb/20260416/prod-anon/net-page-2.json"))
	providers := func(a wire.Audit) map[wire.ASN]int {
		m := map[wire.ASN]int{}
		for _, p := range a.Providers {
			m[p.ASN] = p.Prefixes
		}
		return m
	}
	if !slices.ContainsFunc(stored.Networks, func(n wire.AuditNetwork) bool {
		return n.ASN == 36856 && strconv.Itoa(n.Organisation.PeeringDB) == mozillaOrg
	}) {
		t.Errorf("audit --org %s: networks %+v, want AS36856 of that organisation", mozillaOrg, stored.Networks)
	}
	if got, want := providers(stored), providers(files); len(got) == 0 || !reflect.DeepEqual(got, want) {
		t.Errorf("audit --org %s: providers by the month's records %v, by the PeeringDB files %v", mozillaOrg, got, want)
	}
	req, _ := http.NewRequest(http.MethodGet, api+"/api/v2/audits?month="+e2eMonth+"&org="+mozillaOrg, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var fromAPI wire.Audit
	if err := json.NewDecoder(resp.Body).Decode(&fromAPI); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET /api/v2/audits?org=%s: %d, %v", mozillaOrg, resp.StatusCode, err)
	}
	if x, y := mustJSON(t, stored), mustJSON(t, fromAPI); x != y {
		t.Errorf("org audit: the API's differs from the command's:\n%.400s\n%.400s", y, x)
	}
	t.Logf("audit of PeeringDB organisation %s: %d networks, %d providers", mozillaOrg, len(stored.Networks), len(stored.Providers))
}

// checkEvidence fails a provider whose failed or passed control has no
// evidence with a link, or whose example path does not pass through it.
func checkEvidence(t *testing.T, p wire.AuditProvider) {
	t.Helper()
	for _, c := range p.Controls {
		if c.Result == "unknown" {
			continue
		}
		if !slices.ContainsFunc(c.Evidence, func(e wire.AuditEvidence) bool { return strings.HasPrefix(e.Link, "/api/v2/") }) {
			t.Errorf("%s %s %s: no evidence linking to the API: %+v", p.ASN, c.ID, c.Result, c.Evidence)
		}
	}
	// A judged ROV verdict shows the invalid routes behind it, each on a
	// path through the provider (propagated) or beside one (dropped).
	if v := p.ROV.Verdict; v == "deploys" || v == "partial" || v == "does-not" {
		routes := 0
		for _, e := range p.Controls[0].Evidence {
			if e.Kind != "route" {
				continue
			}
			routes++
			if !strings.Contains(e.Text, " "+strconv.FormatUint(uint64(p.ASN), 10)+" ") || !strings.HasPrefix(e.Link, "/api/v2/roas/asn/") {
				t.Errorf("%s ROV %s: evidence %q (%s) names no path through it", p.ASN, v, e.Text, e.Link)
			}
		}
		if routes == 0 {
			t.Errorf("%s ROV %s: no route behind the verdict in %+v", p.ASN, v, p.Controls[0].Evidence)
		}
	}
	hops := strings.Fields(p.Example)
	if p.Example != "" && !slices.Contains(hops, strconv.FormatUint(uint64(p.ASN), 10)) {
		t.Errorf("%s: example path %q does not pass through it", p.ASN, p.Example)
	}
}

// auditDB is the store e2eAudit reads, for e2eSectors.
var auditDB string

// e2eSectors checks `audit sectors` on the three enterprises, Mozilla
// named by its PeeringDB organisation: each sector's announcements are
// bgpdump's, and a bad list is refused with nothing written.
func e2eSectors(t *testing.T, ref *refRoutes) {
	dir := t.TempDir()
	list := filepath.Join(dir, "sectors.csv")
	if err := os.WriteFile(list, []byte("organisation,sector,asns\nWalmart,Retail,AS17374\nMozilla,technology,peeringdb:1153\n"+
		"Forcepoint,technology,AS35788\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pdb1 := testenv.File(t, "peeringdb/20260416/prod-anon/net-page-1.json")
	pdb2 := testenv.File(t, "peeringdb/20260416/prod-anon/net-page-2.json")
	var out bytes.Buffer
	if code := runWithOutput([]string{"audit", "sectors", "--db", auditDB, "--month", e2eMonth, "--csv", list,
		"--peeringdb", pdb1, "--peeringdb", pdb2, "--format", "json"}, &out); code != 0 {
		t.Fatalf("audit sectors: exit %d", code)
	}
	var got struct {
		Sectors []audit.SectorRow `json:"sectors"`
	}
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]int64{"retail": int64(len(ref.routes[17374])), "technology": int64(len(ref.routes[36856]) + len(ref.routes[35788]))}
	for _, r := range got.Sectors {
		if r.Announcements != want[r.Sector] || r.Upstreams == 0 || r.UpstreamROVJudged == nil {
			t.Errorf("sector %+v: want %d announcements (bgpdump) and upstreams", r, want[r.Sector])
		}
	}
	if len(got.Sectors) != 2 {
		t.Errorf("sectors %+v, want retail and technology", got.Sectors)
	}
	// Without --peeringdb, peeringdb:1153 stands for the networks the
	// month's records give Mozilla's organisation: the same rows.
	var stored bytes.Buffer
	if code := runWithOutput([]string{"audit", "sectors", "--db", auditDB, "--month", e2eMonth, "--csv", list, "--format", "json"}, &stored); code != 0 {
		t.Fatalf("audit sectors without --peeringdb: exit %d", code)
	}
	var byRecords struct {
		Sectors []audit.SectorRow `json:"sectors"`
	}
	if err := json.Unmarshal(stored.Bytes(), &byRecords); err != nil {
		t.Fatal(err)
	}
	for i := range byRecords.Sectors {
		byRecords.Sectors[i].Unresolved, got.Sectors[i].Unresolved = nil, nil
	}
	if !reflect.DeepEqual(byRecords.Sectors, got.Sectors) {
		t.Errorf("sectors by the month's records %+v, by the PeeringDB files %+v", byRecords.Sectors, got.Sectors)
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("organisation,sector,asns\nX,y,ASX\n"), 0o644) //nolint:errcheck // read next
	res := filepath.Join(dir, "out.csv")
	if code := runWithOutput([]string{"audit", "sectors", "--db", auditDB, "--csv", bad, "-o", res}, &bytes.Buffer{}); code != 2 {
		t.Errorf("audit sectors on a bad list: exit %d, want 2", code)
	}
	if _, err := os.Stat(res); !os.IsNotExist(err) {
		t.Errorf("audit sectors on a bad list wrote %s", res)
	}
}

// checkLeakInvariants checks the stored route-leak protection of every
// network of the real month against leakprot's rule: does-not exactly for
// the networks that caused a leak, protects only with customer routes, no
// leak passed on and an ASPA object that lists every provider seen.
func checkLeakInvariants(t *testing.T, st *sqlite.Store) {
	t.Helper()
	m, err := parseMonth(e2eMonth)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := st.ASNs(t.Context(), m, "netops@2024.1", store.Filter{ScoresOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range recs {
		l := r.Leak
		count[l.Verdict]++
		if (l.Verdict == "does-not") != (l.Originated > 0) {
			t.Errorf("AS%d: %+v: does-not must mean a leak caused", r.ASN, l)
		}
		if l.Verdict == "protects" && (l.CustomerLeaks > 0 || l.CustomerRoutes == 0 || !l.ASPA || l.ASPAMissing > 0) {
			t.Errorf("AS%d: %+v: protects without the evidence", r.ASN, l)
		}
	}
	if count["does-not"] == 0 || count["protects"] == 0 || count[""] != 0 {
		t.Errorf("leak verdicts %v: want some of each and none missing", count)
	}
	t.Logf("leak protection verdicts on %d networks: %v", len(recs), count)
}
