package spoofer

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/inputerr"
)

// apiRecords are the records of testdata/sessions-page1.json followed by
// those of sessions-page2.json: a dual-stack session gives two, a
// session whose IPv4 half is null only its IPv6 one. The API's alpha-3
// countries are left out.
func apiRecords() []Record {
	p := netip.MustParsePrefix
	return []Record{
		{Session: 1001, Time: time.Date(2024, 5, 1, 12, 0, 5, 0, time.UTC), ASN: 64496, Prefix: p("192.0.2.0/24"), NAT: NATYes, Private: Blocked, Routable: Blocked},
		{Session: 1001, Time: time.Date(2024, 5, 1, 12, 0, 5, 0, time.UTC), ASN: 64496, Prefix: p("2001:db8:1::/64"), NAT: NATNo, Private: Blocked, Routable: Received},
		{Session: 1002, Time: time.Date(2024, 5, 2, 8, 30, 0, 0, time.UTC), ASN: 64497, Prefix: p("198.51.100.0/24"), NAT: NATNo, Private: Received, Routable: Received},
		{Session: 1003, Time: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC), ASN: 64498, Prefix: p("203.0.113.0/24"), NAT: NATYes, Private: Rewritten, Routable: Unknown},
		{Session: 1004, Time: time.Date(2024, 5, 20, 23, 59, 59, 0, time.UTC), ASN: 64499, Prefix: p("2001:db8:2::/64"), NAT: NATNo, Private: Blocked, Routable: Blocked},
		{Session: 1005, Time: time.Date(2024, 5, 31, 10, 0, 0, 0, time.UTC), ASN: 64497, Prefix: p("198.51.100.0/24"), NAT: NATNo, Private: Received, Routable: Blocked},
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestLoad_apiPages reads the data API's collection pages, one by one,
// and written one after the other as observatory fetch stores them.
func TestLoad_apiPages(t *testing.T) {
	p1, p2 := readFile(t, "testdata/sessions-page1.json"), readFile(t, "testdata/sessions-page2.json")
	want := apiRecords()
	for name, tt := range map[string]struct {
		in   []byte
		want []Record
	}{
		"page 1":        {p1, want[:4]},
		"page 2":        {p2, want[4:]},
		"pages in turn": {bytes.Join([][]byte{p1, p2}, []byte("\n")), want},
		"with a BOM":    {append([]byte("\ufeff \n"), p1...), want[:4]},
	} {
		got, err := Load(context.Background(), bytes.NewReader(tt.in), "sessions.json", nil)
		if err != nil {
			t.Fatalf("%s: Load() error: %v", name, err)
		}
		if diff := cmp.Diff(tt.want, got, cmpPrefix); diff != "" {
			t.Errorf("%s: Load() mismatch (-want +got):\n%s", name, diff)
		}
	}
	got, err := LoadFile(context.Background(), "testdata/sessions.jsonl", nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want[:3], got, cmpPrefix); diff != "" {
		t.Errorf("JSON Lines: mismatch (-want +got):\n%s", diff)
	}
	// An array of sessions, with the ASN as a number and as "AS…".
	arr := `[{"asn4":64496,"client4":"192.0.2.0/24","routedspoof":"received","timestamp":"2024-05-01T00:00:00Z"},` +
		`{"asn6":"AS64497","client6":"2001:db8::/64","routedspoof6":"blocked","timestamp":"2024-05-01 10:00:00"}]`
	got, err = Load(context.Background(), strings.NewReader(arr), "a.json", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ASN != 64496 || !got[0].Spoofable() || got[1].ASN != 64497 || !got[1].Filtered() {
		t.Errorf("array: got %+v", got)
	}
	sum := Summarise(apiRecords())
	if s := sum[64497]; s.Rows != 2 || s.Spoofable != 2 || !s.LastSpoofable {
		t.Errorf("Summarise()[64497] = %+v, want 2 rows, both spoofable", s)
	}
	if s := sum[64499]; s.Rows != 1 || s.Filtered != 1 {
		t.Errorf("Summarise()[64499] = %+v, want 1 filtered row", s)
	}
}

// TestLoad_apiDamaged checks the damaged-record rule on API JSON: a bad
// session is skipped with its number and offset, broken structure ends
// the file, and a strict Log makes the first damage the error.
func TestLoad_apiDamaged(t *testing.T) {
	good := `{"asn4":"1","client4":"192.0.2.0/24","routedspoof":"blocked","timestamp":"2024-05-01T00:00:00Z"}`
	tests := []struct {
		name  string
		in    string
		recs  int
		lines []string
	}{
		{"bad sessions in a page",
			`{"hydra:member":[` + good + `,{"asn4":"x","client4":"192.0.2.0/24","timestamp":"2024-05-01T00:00:00Z"},` +
				`{"asn4":"1","client4":"192.0.2.1/24","timestamp":"2024-05-01T00:00:00Z"},{"asn4":"1","client4":"::/0","timestamp":"2024-05-01T00:00:00Z"},` +
				`{"asn4":"1","client4":"192.0.2.0/24","routedspoof":"maybe","timestamp":"2024-05-01T00:00:00Z"},` +
				`{"asn4":"1","client4":"192.0.2.0/24"},7,` + good + `]}`, 2,
			[]string{`s.json: 6 damaged records skipped: record 2 at byte offset 114: session: asn4: bad AS number: "x"; ` +
				`record 3 at byte offset 187: session: client4: prefix "192.0.2.1/24" has host bits set; ` +
				`record 4 at byte offset 260: session: client4: ::/0 is not an IPv4 block; and 3 more`}},
		{"truncated page", `{"hydra:member":[` + good + `,{"asn4":"1","cli`, 1,
			[]string{`s.json: 1 damaged record skipped: record 2 at byte offset 114: truncated`}},
		{"garbage between sessions", good + "\n" + good + "\nxyz\n" + good, 2,
			[]string{`s.json: 1 damaged record skipped: record 3 at byte offset 194: want a page, a session or an array of sessions, found 'x'`}},
		{"a session that is no object", `[` + good + `,"x"]`, 1,
			[]string{`s.json: 1 damaged record skipped: record 2 at byte offset 98: session: want a session object, found JSON string`}},
		{"an object that is no session", `{"data":[]}`, 0,
			[]string{`s.json: 1 damaged record skipped: record 1 at byte offset 0: session: missing timestamp`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log inputerr.Log
			got, err := Load(context.Background(), strings.NewReader(tt.in), "s.json", &log)
			if err != nil {
				t.Fatalf("Load() error: %v", err)
			}
			if len(got) != tt.recs {
				t.Errorf("Load() kept %d records, want %d", len(got), tt.recs)
			}
			if diff := cmp.Diff(tt.lines, log.Lines()); diff != "" {
				t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
			}
			_, err = Load(context.Background(), strings.NewReader(tt.in), "s.json", &inputerr.Log{Strict: true})
			if !errors.As(err, new(*inputerr.Error)) {
				t.Errorf("strict Load() = %v, want the first damaged record", err)
			}
		})
	}
}

// TestSniffJSON checks the recognition of API JSON by its head.
func TestSniffJSON(t *testing.T) {
	for _, tt := range []struct {
		head string
		want bool
	}{
		{string(readFile(t, "testdata/sessions-page1.json"))[:300], true},
		{string(readFile(t, "testdata/sessions.jsonl"))[:250], true},
		{`{"@context":"/contexts/Session","@id":"/sessions","@type":"hydra:Collection","hydra:member":[],"hydra:totalItems":0}`, true},
		{`{"roas":[{"asn":1,"prefix":"10.0.0.0/8"}]}`, false},
		{`{"data":[{"asn":1,"name":"x"}]}`, false},
	} {
		if got := SniffJSON([]byte(tt.head)); got != tt.want {
			t.Errorf("SniffJSON(%.60q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}
