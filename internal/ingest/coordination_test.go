package ingest

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/dataset"
	"github.com/observatory-net/observatory/internal/metric"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/testenv"
)

// Registry contact files written by hand in the real layouts: the RIPE
// split dump's dummified role of the handle AS3257's real aut-num names,
// APNIC aut-num and role objects (one AS with only an abuse-c) and the
// RDAP answers of internal/rdap/testdata (ARIN and LACNIC layouts).
const (
	contactDelegated = `2|nro|20260401|6|19700101|20260401|+0000
nro|*|asn|*|6|summary
ripencc|DE|asn|3257|1|19940926|allocated|ripe-1
apnic|AU|asn|64500|1|20000101|assigned|apnic-1
apnic|AU|asn|64501|1|20000101|assigned|apnic-2
arin|US|asn|64496|1|20000310|assigned|arin-1
lacnic|BR|asn|64497|1|20060705|allocated|lacnic-1
lacnic|AR|asn|64498|1|20060705|allocated|lacnic-2
`
	contactRIPERole = `role:           GTT Network Operations
address:        Dummy address for NET3257-RIPE
phone:          +31205354444
e-mail:         unread@ripe.net
admin-c:        DUMY-RIPE
nic-hdl:        NET3257-RIPE
mnt-by:         AS3257-ROUTE-MNT
source:         RIPE # Filtered
`
	contactAPNIC = `aut-num:        AS64500
as-name:        ABC-AS-AP
admin-c:        ANO1-AP
tech-c:         ANO1-AP
abuse-c:        AA1-AP
mnt-by:         MAINT-AU-ABC
source:         APNIC

aut-num:        AS64501
as-name:        ABUSE-ONLY-AP
abuse-c:        AA1-AP
mnt-by:         MAINT-AU-ABC
source:         APNIC

role:           ABC NETWORK OPERATIONS
address:        1 Example Street, Brisbane
phone:          +61-7-5550-0100
e-mail:         noc@example.net.au
nic-hdl:        ANO1-AP
mnt-by:         MAINT-AU-ABC
source:         APNIC

role:           ABC ABUSE
address:        1 Example Street, Brisbane
e-mail:         abuse@example.net.au
abuse-mailbox:  abuse@example.net.au
nic-hdl:        AA1-AP
mnt-by:         MAINT-AU-ABC
source:         APNIC
`
)

// contactDir writes a data directory with the delegated statistics and,
// when withContacts, the registry contact files.
func contactDir(t *testing.T, withContacts bool) string {
	t.Helper()
	dir := t.TempDir()
	write := func(rel string, b []byte) {
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("delegated-nro-extended-20260401", []byte(contactDelegated))
	if !withContacts {
		return dir
	}
	autnum, err := os.ReadFile(filepath.Join(testenv.SharedData(t), "irr/autnum-AS3257.txt"))
	if err != nil {
		t.Fatal(err)
	}
	write("ripe/ripe.db.aut-num", autnum)
	write("ripe/ripe.db.role", []byte(contactRIPERole))
	write("apnic/apnic.db", []byte(contactAPNIC))
	for rel, src := range map[string]string{
		"rdap/arin/autnum/AS64496.json":   "arin-AS64496.json",
		"rdap/lacnic/autnum/AS64497.json": "lacnic-AS64497.json",
		"rdap/lacnic/autnum/AS64498.json": "lacnic-AS64498-abuse.json",
	} {
		b, err := os.ReadFile(filepath.Join("..", "rdap", "testdata", src))
		if err != nil {
			t.Fatal(err)
		}
		write(rel, b)
	}
	return dir
}

func computeDir(t *testing.T, dir string) *store.Month {
	t.Helper()
	ctx := context.Background()
	files, err := dataset.Discover(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dataset.Load(ctx, files, dataset.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s, _ := spec.Get(spec.Default)
	m, err := Compute(ctx, Config{Month: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), Spec: s, Data: d, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestCompute_coordinationRegistryContacts(t *testing.T) {
	m := computeDir(t, contactDir(t, true))
	want := map[uint32]struct {
		score  float64
		source string // of the first contact
		handle string
	}{
		3257:  {1, "rpsl", "NET3257-RIPE"},
		64500: {1, "rpsl", "ANO1-AP"},
		64501: {0, "", ""}, // abuse-c only
		64496: {1, "rdap", "AS64496"},
		64497: {1, "rdap", "64497"},
		64498: {0, "", ""}, // RDAP abuse entity only
	}
	seen := 0
	for _, a := range m.ASNs {
		w, ok := want[a.ASN]
		if !ok {
			continue
		}
		seen++
		mt := metricOf(t, a, "M8")
		if !mt.HasData || mt.Score != w.score {
			t.Errorf("AS%d M8 = %v (has data %v), want %v", a.ASN, mt.Score, mt.HasData, w.score)
		}
		var ev metric.ContactEvidence
		if err := json.Unmarshal(mt.Evidence, &ev); err != nil {
			t.Fatalf("AS%d M8 evidence %s: %v", a.ASN, mt.Evidence, err)
		}
		if ev.HasContactInfo != (w.score == 1) || len(ev.Checked) != 2 {
			t.Errorf("AS%d M8 evidence %s", a.ASN, mt.Evidence)
		}
		if w.score == 1 && (len(ev.Contacts) == 0 || ev.Contacts[0].Source != w.source || ev.Contacts[0].Handle != w.handle) {
			t.Errorf("AS%d M8 evidence %s, want source %s handle %s", a.ASN, mt.Evidence, w.source, w.handle)
		}
	}
	if seen != len(want) {
		t.Fatalf("%d of the %d ASNs measured", seen, len(want))
	}
	got := worldCoordination(t, m)
	t.Logf("world coordination %+v", got)
	base := worldCoordination(t, computeDir(t, contactDir(t, false)))
	// 4 of 6 have a contact; without the registry files M8 has no data.
	if got.Value != 4.0/6 || got.Ready != 4 || got.Lag != 2 {
		t.Errorf("world coordination with contacts %+v, want 4 of 6", got)
	}
	if base.NoData != 6 {
		t.Errorf("world coordination without contacts %+v, want no data for all 6", base)
	}
}

func metricOf(t *testing.T, a store.ASN, id string) store.Metric {
	t.Helper()
	for _, m := range a.Metrics {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("AS%d has no %s", a.ASN, id)
	return store.Metric{}
}

func worldCoordination(t *testing.T, m *store.Month) store.Aggregate {
	t.Helper()
	for _, g := range m.Aggregates {
		if g.Scope == "world" && g.Score == "coordination" {
			return g
		}
	}
	t.Fatal("no world coordination aggregate")
	return store.Aggregate{}
}
