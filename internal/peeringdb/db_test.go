package peeringdb

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
)

func testDB(t *testing.T) *DB {
	t.Helper()
	var b Builder
	for name, input := range map[string]string{
		"net.json": `{"data": [
			{"id": 1, "asn": 64500, "name": "tech"},
			{"id": 2, "asn": 64501, "name": "noc by phone"},
			{"id": 3, "asn": 64502, "name": "abuse only"},
			{"id": 4, "asn": 64503, "name": "technical without means"},
			{"id": 5, "asn": 64504, "name": "embedded", "poc_set": [{"id": 50, "net_id": 5, "role": "noc", "email": "n@example.net"}]},
			{"id": 6, "asn": 64505, "name": "deleted contact"},
			{"id": 7, "asn": 64506, "name": "no contact at all"},
			{"id": 8, "asn": 64507, "name": "gone", "status": "deleted"}
		]}`,
		"poc.json": `{"data": [
			{"id": 10, "net_id": 1, "role": "Technical", "email": "t@example.net", "status": "ok"},
			{"id": 11, "net_id": 1, "role": "Abuse", "email": "a@example.net", "status": "ok"},
			{"id": 20, "net_id": 2, "role": "NOC", "phone": "+1 555 0100", "status": "ok"},
			{"id": 30, "net_id": 3, "role": "Abuse", "email": "abuse@example.net", "status": "ok"},
			{"id": 31, "net_id": 3, "role": "Policy", "email": "policy@example.net", "status": "ok"},
			{"id": 40, "net_id": 4, "role": "Technical", "email": "  ", "phone": "", "status": "ok"},
			{"id": 60, "net_id": 6, "role": "NOC", "email": "x@example.net", "status": "deleted"}
		]}`,
		"ix.json": `{"data": [{"id": 1, "name": "IX One", "proto_unicast": true}]}`,
		"netixlan.json": `{"data": [
			{"id": 100, "net_id": 1, "ix_id": 2, "ixlan_id": 2, "name": "IX Two", "asn": 64500, "speed": 10000},
			{"id": 101, "net_id": 1, "ix_id": 1, "ixlan_id": 1, "name": "IX One", "asn": 64500, "speed": 1000},
			{"id": 102, "net_id": 1, "ix_id": 1, "ixlan_id": 1, "name": "IX One", "asn": 64500, "speed": 1000},
			{"id": 102, "net_id": 1, "ix_id": 1, "ixlan_id": 1, "name": "IX One", "asn": 64500, "speed": 100000}
		]}`,
	} {
		if _, err := b.Load(context.Background(), strings.NewReader(input), name, "", nil); err != nil {
			t.Fatalf("Load(%s) error: %v", name, err)
		}
	}
	return b.Build()
}

func TestDB_HasContact(t *testing.T) {
	db := testDB(t)
	for asn, want := range map[bgp.ASN]bool{
		64500: true, 64501: true, 64502: false, 64503: false, 64504: true,
		64505: false, 64506: false, 64507: false, 64999: false,
	} {
		if got := db.HasContact(asn); got != want {
			t.Errorf("HasContact(%v) = %v, want %v (contacts %+v)", asn, got, want, db.Contacts(asn))
		}
	}
}

func TestDB_Lookups(t *testing.T) {
	db := testDB(t)
	if n, ok := db.Net(64500); !ok || n.Name != "tech" {
		t.Errorf("Net(64500) = %+v, %v", n, ok)
	}
	if _, ok := db.Net(64507); ok {
		t.Errorf("Net() found a deleted net")
	}
	var ids []int
	for _, p := range db.Contacts(64500) {
		ids = append(ids, p.ID)
	}
	if diff := cmp.Diff([]int{10, 11}, ids); diff != "" {
		t.Errorf("Contacts(64500) mismatch (-want +got):\n%s", diff)
	}
	type pres struct {
		IX    int
		Name  string
		Ports []int
	}
	var got []pres
	for _, p := range db.IXs(64500) {
		var ports []int
		for _, n := range p.Ports {
			ports = append(ports, n.Speed)
		}
		got = append(got, pres{p.IX.ID, p.IX.Name, ports})
	}
	want := []pres{{1, "IX One", []int{1000, 100000}}, {2, "IX Two", []int{10000}}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IXs(64500) mismatch (-want +got):\n%s", diff)
	}
	wantCounts := map[Tag]int{TagNet: 8, TagPoc: 7, TagIX: 1, TagNetIXLan: 4}
	if diff := cmp.Diff(wantCounts, db.Counts()); diff != "" {
		t.Errorf("Counts() mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]bgp.ASN{64500, 64501, 64502, 64503, 64504, 64505, 64506}, db.ASNs()); diff != "" {
		t.Errorf("ASNs() mismatch (-want +got):\n%s", diff)
	}
}

func TestBuilder_NetChangesASN(t *testing.T) {
	var b Builder
	b.Add(&Net{ID: 1, ASN: 64500})
	b.Add(&Net{ID: 1, ASN: 64501})
	db := b.Build()
	if _, ok := db.Net(64500); ok {
		t.Errorf("the old ASN of a net still resolves")
	}
	if _, ok := db.Net(64501); !ok {
		t.Errorf("the new ASN does not resolve")
	}
}

func TestLoad_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	input := `{"data": [` + strings.Repeat(`{"id": 1, "asn": 1},`, 10000) + `{"id": 2}]}`
	var b Builder
	if _, err := b.Load(ctx, strings.NewReader(input), "net.json", "", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(canceled) error = %v, want context.Canceled", err)
	}
}

func TestContactEmails(t *testing.T) {
	for text, want := range map[string]string{
		"Peering requests: peering@example.net, NOC noc@ops.example.co.uk": "peering@example.net noc@ops.example.co.uk",
		"abuse@example.net only; Abuse-Desk@example.net; abuse.team@x.org": "",
		"no address here, just a @handle and user@host":                    "",
		"<a href='mailto:Peering@Verizon.com'>":                            "Peering@Verizon.com",
	} {
		if got := strings.Join(ContactEmails(text), " "); got != want {
			t.Errorf("ContactEmails(%q) = %q, want %q", text, got, want)
		}
	}
}
