package alert

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
)

const exampleWatch = `# the example of docs/alerts.md
evidence_url: "{base}/incidents/{id}"
base_url: https://observatory.example/
webhook_secret_env: OBSERVATORY_WEBHOOK_SECRET
visibility: {min_peers: 3, hold: 10m}
prefixes:
  - name: example-net
    prefix: 192.0.2.0/24
    origins: [AS64496, 64497, AS64496]
    webhooks: [https://hooks.example.net/bgp]
    emails: [noc@example.net]
  - name: example-v6
    prefix: 2001:db8::/32
    origins: [64496]
    visibility: {min_peers: 1, hold: 90s}
asns:
  - name: example-as
    asn: AS64496
    emails: [noc@example.net, security@example.net]
`

func TestParseWatch(t *testing.T) {
	w := mustWatch(t, exampleWatch)
	want := &Watch{File: "watch.yaml", EvidenceURL: "{base}/incidents/{id}", BaseURL: "https://observatory.example/",
		SecretEnv: "OBSERVATORY_WEBHOOK_SECRET",
		Prefixes: []PrefixWatch{
			{Name: "example-net", Prefix: netip.MustParsePrefix("192.0.2.0/24"), Origins: []bgp.ASN{64496, 64497},
				MinPeers: 3, Hold: 10 * time.Minute, Line: 7,
				Targets: Targets{Webhooks: []string{"https://hooks.example.net/bgp"}, Emails: []string{"noc@example.net"}}},
			{Name: "example-v6", Prefix: netip.MustParsePrefix("2001:db8::/32"), Origins: []bgp.ASN{64496},
				MinPeers: 1, Hold: 90 * time.Second, Line: 12},
		},
		ASNs: []ASNWatch{{Name: "example-as", ASN: 64496, Line: 17,
			Targets: Targets{Emails: []string{"noc@example.net", "security@example.net"}}}},
	}
	if diff := cmp.Diff(want, w, cmpopts.EquateComparable(netip.Prefix{})); diff != "" {
		t.Errorf("ParseWatch() mismatch (-want +got):\n%s", diff)
	}
	if got := w.Link("rpki-invalid-0011223344556677"); got != "https://observatory.example/incidents/rpki-invalid-0011223344556677" {
		t.Errorf("Link() = %q", got)
	}
}

func TestParseWatch_errors(t *testing.T) {
	const bad = `prefixes:
  - name: host-bits
    prefix: 192.0.2.1/24
  - name: bad-origin
    prefix: 198.51.100.0/24
    origins: [AS-FOO]
    colour: blue
  - prefix: 203.0.113.0/24
    webhooks: [ftp://example.net/]
    emails: ["NOC <noc@example.net>"]
  - name: twice
    prefix: 198.51.100.0/24
    visibility: {min_peers: 0, hold: soon}
asns:
  - name: no-number
  - name: bad
    asn: 4294967296
evidence_url: https://example.net/incidents
`
	_, err := ParseWatch(strings.NewReader(bad), "bad.yaml")
	if err == nil {
		t.Fatal("ParseWatch() accepted a bad file")
	}
	want := []string{
		`bad.yaml:3: prefix "192.0.2.1/24" has host bits set (did you mean 192.0.2.0/24?)`,
		`bad.yaml:6: origin "AS-FOO": `,
		`bad.yaml:7: prefix entry: unknown key "colour"`,
		`bad.yaml:8: entry without a name`,
		`bad.yaml:9: webhook "ftp://example.net/": want an http or https URL`,
		`bad.yaml:10: e-mail address "NOC <noc@example.net>": want a bare address`,
		`bad.yaml:13: min_peers "0": want a whole number of at least 1`,
		`bad.yaml:13: hold "soon": want a duration`,
		`bad.yaml:15: asn entry "no-number": no asn`,
		`bad.yaml:17: asn "4294967296": `,
		`bad.yaml:18: evidence_url "https://example.net/incidents": want a template with {id}`,
	}
	msg := err.Error()
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error does not name %q:\n%s", w, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != len(want) {
		t.Errorf("%d problems reported, want %d:\n%s", n, len(want), msg)
	}
}

func TestParseWatch_duplicateAndEmpty(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"duplicate prefix", "prefixes:\n  - {name: a, prefix: 192.0.2.0/24}\n  - {name: b, prefix: 192.0.2.0/24}\n",
			"w.yaml:3: prefix 192.0.2.0/24 is watched twice (first at line 2)"},
		{"duplicate asn", "asns:\n  - {name: a, asn: 64496}\n  - {name: b, asn: AS64496}\n",
			"w.yaml:3: AS64496 is watched twice (first at line 2)"},
		{"nothing watched", "evidence_url: https://x.example/{id}\n", "w.yaml:1: watch list has no prefixes and no asns"},
		{"empty", "", "w.yaml: empty watch list"},
		{"not a mapping", "- 192.0.2.0/24\n", "w.yaml:1: watch list: want a mapping"},
		{"bad yaml", "prefixes: [\n", "w.yaml: yaml: line 1"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseWatch(strings.NewReader(c.text), "w.yaml")
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("ParseWatch() error %v, want %q", err, c.want)
			}
		})
	}
}

func TestWatch_AddParticipants(t *testing.T) {
	w := mustWatch(t, exampleWatch) // watches AS64496 already
	ps := []store.Registered{
		{ID: 3, Participant: store.Participant{Organisation: "RIPE NCC", ASNs: []uint32{3333, 64496}}},
		{ID: 7, Participant: store.Participant{Organisation: "Other", ASNs: []uint32{3333, 65550}}},
	}
	if n := w.AddParticipants(ps, map[int64][]string{3: {"noc@ripe.example"}}); n != 2 {
		t.Errorf("AddParticipants() = %d, want 2 (AS3333 once, AS65550)", n)
	}
	want := []ASNWatch{
		{Name: "example-as", ASN: 64496, Line: 17, Targets: Targets{Emails: []string{"noc@example.net", "security@example.net"}}},
		{Name: "RIPE NCC #3", ASN: 3333, Targets: Targets{Emails: []string{"noc@ripe.example"}}},
		{Name: "Other #7", ASN: 65550},
	}
	if diff := cmp.Diff(want, w.ASNs); diff != "" {
		t.Errorf("ASNs mismatch (-want +got):\n%s", diff)
	}
}
