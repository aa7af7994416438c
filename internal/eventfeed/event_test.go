package eventfeed

import (
	"encoding/json"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/store"
)

// prefixEq compares netip.Prefix values, whose fields are unexported.
var prefixEq = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

var t0 = time.Date(2026, 10, 2, 3, 0, 0, 0, time.UTC)

// incidents are evidence lists in the shape internal/metric writes them
// (ASNs as strings, one object per merged event).
func incidents() []store.Incident {
	return []store.Incident{
		{ID: "hijack-1", ASN: 64511, Metric: "M2", Start: t0, End: t0.Add(25 * time.Hour), Weight: 1, Score: 2, Events: []string{"e1", "e2"},
			Evidence: json.RawMessage(`[{"prefix":"192.0.2.0/24","origin":"64511","rpki":"invalid-asn","irr":"none","peers":7,
				"upstreams":["3356"],"paths":["174 3356 64511","1299 3356 64511 64511"],"rule":"RPKI-invalid origin with no matching IRR route object (§13.6)","event":"e1","weight":1},
				{"prefix":"192.0.2.128/25","origin":"64511","rpki":"invalid-length","irr":"none","peers":2,"upstreams":["3356"],"event":"e2"}]`)},
		{ID: "hijack-1-c", ASN: 3356, Metric: "M2C", Start: t0, End: t0.Add(time.Hour), Evidence: json.RawMessage(`[{"prefix":"192.0.2.0/24"}]`)},
		{ID: "leak-1", ASN: 64500, Metric: "M1", Start: t0.Add(time.Hour), End: t0.Add(time.Hour + 10*time.Minute), Events: []string{"e3"},
			Evidence: json.RawMessage(`[{"prefix":"198.51.100.0/24","path":"6939 64500 1299 64496","leaker":"64500","from":"1299","to":"6939",
				"peers":1,"rule":"valley-free violation against CAIDA AS relationships (RFC 7908)","event":"e3"}]`)},
		{ID: "bogon-x", ASN: 64499, Metric: "M3", Start: t0, End: t0.Add(2 * time.Hour), Excluded: true,
			Evidence: json.RawMessage(`[{"prefix":"10.0.0.0/8","origin":"64499","peers":9}]`)},
	}
}

func TestBuild(t *testing.T) {
	es, err := Build(incidents())
	if err != nil {
		t.Fatal(err)
	}
	want := []Event{
		{ID: "leak-1", Type: Leak, Rule: "valley-free violation against CAIDA AS relationships (RFC 7908)", Culprit: 64500,
			ASNs: []uint32{1299, 6939, 64500}, Prefixes: []netip.Prefix{netip.MustParsePrefix("198.51.100.0/24")},
			Start: t0.Add(time.Hour), End: t0.Add(time.Hour + 10*time.Minute), Peers: 1, Events: 1,
			// 0.4·0.2 + 0.4·0.5 + 0.2·0.5 = 0.38
			Confidence: Confidence{Value: 0.38, Level: Low, Visibility: 0.2, Agreement: 0.5, Persistence: 0.5},
			Paths:      []Path{{Prefix: netip.MustParsePrefix("198.51.100.0/24"), Hops: []string{"6939", "64500", "1299", "64496"}, Culprit: 1}}},
		{ID: "hijack-1", Type: Hijack, Rule: "RPKI-invalid origin with no matching IRR route object (§13.6)", Culprit: 64511,
			ASNs: []uint32{3356, 64511}, Prefixes: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24"), netip.MustParsePrefix("192.0.2.128/25")},
			Start: t0, End: t0.Add(25 * time.Hour), Peers: 7, Events: 2,
			// 0.4·1 + 0.4·1 + 0.2·1
			Confidence: Confidence{Value: 1, Level: High, Visibility: 1, Agreement: 1, Persistence: 1},
			Paths: []Path{{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Hops: []string{"174", "3356", "64511"}, Culprit: 2},
				{Prefix: netip.MustParsePrefix("192.0.2.0/24"), Hops: []string{"1299", "3356", "64511", "64511"}, Culprit: 2}}},
	}
	if diff := cmp.Diff(want, es, prefixEq); diff != "" {
		t.Errorf("Build() mismatch (-want +got):\n%s", diff)
	}
}

func TestBuild_badEvidence(t *testing.T) {
	_, err := Build([]store.Incident{{ID: "x", ASN: 1, Metric: "M2", Evidence: json.RawMessage(`[1`)}})
	if err == nil {
		t.Fatal("Build accepted evidence that is not JSON")
	}
}

func TestQuery(t *testing.T) {
	es, err := Build(incidents())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		typ, asn, prefix, since string
		want                    []string
	}{
		{want: []string{"leak-1", "hijack-1"}},
		{typ: "hijack", want: []string{"hijack-1"}},
		{asn: "AS3356", want: []string{"hijack-1"}},
		{asn: "6939", want: []string{"leak-1"}},
		{prefix: "192.0.2.192/26", want: []string{"hijack-1"}},
		{prefix: "198.51.0.0/16", want: []string{"leak-1"}},
		{since: "2026-10-03", want: []string{"hijack-1"}},
		{since: "2026-10-02T04:10:00Z", want: []string{"leak-1", "hijack-1"}},
		{since: "2026-10-02T04:10:01Z", want: []string{"hijack-1"}},
	} {
		q, err := ParseQuery(c.typ, c.asn, c.prefix, c.since)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		var got []string
		for _, e := range q.Filter(es) {
			got = append(got, e.ID)
		}
		if diff := cmp.Diff(c.want, got); diff != "" {
			t.Errorf("%+v: Filter() mismatch (-want +got):\n%s", c, diff)
		}
	}
	for _, bad := range [][4]string{{"moas", "", "", ""}, {"", "ASx", "", ""}, {"", "", "192.0.2.0", ""}, {"", "", "", "yesterday"}} {
		if _, err := ParseQuery(bad[0], bad[1], bad[2], bad[3]); err == nil {
			t.Errorf("ParseQuery(%q) accepted", bad)
		}
	}
}

func TestConfidence_tiers(t *testing.T) {
	for _, c := range []struct {
		peers int
		agree float64
		d     time.Duration
		want  Confidence
	}{
		{5, 1, 29 * time.Minute, Confidence{Value: 0.9, Level: High, Visibility: 1, Agreement: 1, Persistence: 0.5}},
		{3, 0.75, 30 * time.Minute, Confidence{Value: 0.69, Level: Medium, Visibility: 0.6, Agreement: 0.75, Persistence: 0.75}},
		{0, 0.5, 24 * time.Hour, Confidence{Value: 0.4, Level: Low, Visibility: 0, Agreement: 0.5, Persistence: 1}},
		{40, 0.5, 23 * time.Hour, Confidence{Value: 0.75, Level: Medium, Visibility: 1, Agreement: 0.5, Persistence: 0.75}},
	} {
		if diff := cmp.Diff(c.want, confidenceOf(c.peers, c.agree, c.d)); diff != "" {
			t.Errorf("confidenceOf(%d, %v, %v) mismatch (-want +got):\n%s", c.peers, c.agree, c.d, diff)
		}
	}
}
