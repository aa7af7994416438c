package spoofer

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

var cmpPrefix = cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })

func TestLoadFile_sessions(t *testing.T) {
	got, err := LoadFile(context.Background(), "testdata/sessions.csv", nil)
	if err != nil {
		t.Fatalf("LoadFile() error: %v", err)
	}
	p := netip.MustParsePrefix
	want := []Record{
		{Session: 1001, Time: time.Date(2024, 5, 1, 12, 0, 5, 0, time.UTC), ASN: 64496, Prefix: p("192.0.2.0/24"), Country: "NL", NAT: NATYes, Private: Blocked, Routable: Blocked},
		{Session: 1001, Time: time.Date(2024, 5, 1, 12, 0, 5, 0, time.UTC), ASN: 64496, Prefix: p("2001:db8:1::/64"), Country: "NL", NAT: NATNo, Private: Blocked, Routable: Received},
		{Session: 1002, Time: time.Date(2024, 5, 2, 8, 30, 0, 0, time.UTC), ASN: 64497, Prefix: p("198.51.100.0/24"), Country: "BR", NAT: NATNo, Private: Received, Routable: Received},
		{Session: 1003, Time: time.Date(2024, 5, 3, 0, 0, 0, 0, time.UTC), ASN: 64498, Prefix: p("203.0.113.0/24"), Private: Rewritten},
		{Session: 1004, Time: time.Date(2024, 5, 4, 23, 59, 59, 0, time.UTC), ASN: 64497, Prefix: p("198.51.100.0/24"), Country: "BR", NAT: NATNo, Private: Blocked, Routable: Blocked},
		{Session: 1005, Time: time.Date(2024, 5, 5, 0, 0, 0, 0, time.UTC), ASN: 64499, Prefix: p("192.0.2.0/24"), Country: "US", NAT: NATYes, Private: Unknown, Routable: Unknown},
	}
	if diff := cmp.Diff(want, got, cmpPrefix); diff != "" {
		t.Errorf("LoadFile() mismatch (-want +got):\n%s", diff)
	}
	wantSummary := map[bgp.ASN]ASNSummary{
		64496: {Rows: 2, Spoofable: 1, Filtered: 1, Last: want[1].Time, LastSpoofable: true},
		64497: {Rows: 2, Spoofable: 1, Filtered: 1, Last: want[4].Time, LastSpoofable: false},
		64498: {Rows: 1, Last: want[3].Time},
		64499: {Rows: 1, Last: want[5].Time},
	}
	if diff := cmp.Diff(wantSummary, Summarise(got)); diff != "" {
		t.Errorf("Summarise() mismatch (-want +got):\n%s", diff)
	}
}

func TestLoadFile_reordered(t *testing.T) {
	got, err := LoadFile(context.Background(), "testdata/reordered.csv", nil)
	if err != nil {
		t.Fatalf("LoadFile() error: %v", err)
	}
	want := []Record{
		{Time: time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), ASN: 64496, Prefix: netip.MustParsePrefix("192.0.2.0/24"), Outcome: Blocked},
		{Time: time.Date(2024, 6, 2, 8, 0, 0, 0, time.UTC), ASN: 4200000000, Prefix: netip.MustParsePrefix("2001:db8::/64"), Outcome: Received},
	}
	if diff := cmp.Diff(want, got, cmpPrefix); diff != "" {
		t.Errorf("LoadFile() mismatch (-want +got):\n%s", diff)
	}
	if !got[1].Spoofable() || got[1].Filtered() || got[0].Spoofable() || !got[0].Filtered() {
		t.Errorf("Spoofable/Filtered wrong for %+v", got)
	}
}

func TestReader_Errors(t *testing.T) {
	const h = "timestamp,asn,prefix,private\n"
	tests := []struct {
		name   string
		input  string
		line   int64
		offset int64
		cause  string
	}{
		{"empty", "", 1, 0, "no header"},
		{"comments only", "# x\n", 1, 4, "no header"},
		{"no asn column", "timestamp,prefix,private\n", 1, 0, "no asn column"},
		{"no outcome column", "timestamp,asn,prefix,country\n", 1, 0, "no outcome"},
		{"duplicate column", "date,timestamp,asn,prefix,outcome\n", 1, 0, "same field"},
		{"field count", h + "2024-01-01,1,192.0.2.0/24\n", 2, 29, "3 fields"},
		{"bad time", h + "01/02/2024,1,192.0.2.0/24,blocked\n", 2, 29, "time"},
		{"bad asn", h + "2024-01-01,AS-1,192.0.2.0/24,blocked\n", 2, 29, "bad AS number"},
		{"bad prefix", h + "2024-01-01,1,192.0.2.0,blocked\n", 2, 29, "prefix"},
		{"host bits", h + "2024-01-01,1,192.0.2.1/24,blocked\n", 2, 29, "host bits"},
		{"bad outcome", h + "2024-01-01,1,192.0.2.0/24,maybe\n", 2, 29, "outcome"},
		{"second row bad", h + "2024-01-01,1,192.0.2.0/24,blocked\n2024-01-01,1,192.0.2.0/24,x\n", 3, 63, "outcome"},
		{"bad nat", "date,asn,prefix,nat,outcome\n2024-01-01,1,192.0.2.0/24,perhaps,blocked\n", 2, 28, "nat"},
		{"bad country", "date,asn,prefix,cc,outcome\n2024-01-01,1,192.0.2.0/24,NLD,blocked\n", 2, 27, "country"},
		{"bad session", "session,date,asn,prefix,outcome\nx,2024-01-01,1,192.0.2.0/24,blocked\n", 2, 32, "session"},
		{"header after comments", "# a\n# b\n\ntimestamp,asn\n", 4, 9, "no prefix column"},
		{"row after comments and blank lines", h + "# c\n\n\n2024-01-01,1,192.0.2.0/24,x\n", 5, 35, "outcome"},
		{"CRLF rows", "date,asn,prefix,outcome\r\n2024-01-01,1,192.0.2.0/24,blocked\r\n2024-01-01,1,192.0.2.0/24,x\r\n", 3, 60, "outcome"},
		{"quoted newline", "date,note,asn,prefix,outcome\n2024-01-01,\"a\nb\",1,192.0.2.0/24,x\n", 2, 29, "outcome"},
		{"bare quote", h + "2024-01-01,1,\"192.0.2.0/24,blocked\n", 2, 29, "quote"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), strings.NewReader(tt.input), "spoofer.csv", nil)
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Load(context.Background(), ) error = %v, want *inputerr.Error", err)
			}
			got := []any{ie.File, ie.Record, ie.Offset}
			want := []any{"spoofer.csv", tt.line, tt.offset}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error position mismatch (-want +got):\n%s\nerror: %v", diff, err)
			}
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not mention %q", err, tt.cause)
			}
		})
	}
}

func TestReader_ContinuesAfterBadRow(t *testing.T) {
	r := NewReader(strings.NewReader("date,asn,prefix,outcome\n2024-01-01,x,192.0.2.0/24,blocked\n2024-01-01,1,192.0.2.0/24,blocked\n"), "")
	if _, err := r.Next(); err == nil {
		t.Fatal("Next() accepted ASN x")
	}
	if rec, err := r.Next(); err != nil || rec.ASN != 1 {
		t.Errorf("Next() after a bad row = %+v, %v", rec, err)
	}
}

// TestLoad_Damaged checks the rule for damaged records: bad rows and rows
// of broken CSV syntax are reported with their line and byte offset and
// skipped; a strict Log stops at the first.
func TestLoad_Damaged(t *testing.T) {
	const h = "date,asn,prefix,outcome\n"
	good := "2024-01-01,1,192.0.2.0/24,blocked\n"
	input := h + good + "2024-01-01,x,192.0.2.0/24,blocked\n" + "2024-01-01,2,19\"2.0.2.0/24,blocked\n" + good + "2024-01"
	var log inputerr.Log
	recs, err := Load(context.Background(), strings.NewReader(input), "spoofer.csv", &log)
	if err != nil || len(recs) != 2 {
		t.Fatalf("Load() = %d records, %v; want 2", len(recs), err)
	}
	h0, g := len(h), len(good)
	want := fmt.Sprintf("spoofer.csv: 3 damaged records skipped: record 3 at byte offset %d: ", h0+g)
	if got := log.Lines(); len(got) != 1 || !strings.HasPrefix(got[0], want) || log.Count() != 3 {
		t.Errorf("Lines() = %q, want 3 records starting %q", got, want)
	}
	_, err = Load(context.Background(), strings.NewReader(input), "spoofer.csv", &inputerr.Log{Strict: true})
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 3 {
		t.Errorf("Load() with a strict log = %v, want line 3", err)
	}
}

func TestOutcome_String(t *testing.T) {
	for o, want := range map[Outcome]string{NotTested: "", Received: "received", Blocked: "blocked", Rewritten: "rewritten", Unknown: "unknown", 9: "Outcome(9)"} {
		if got := o.String(); got != want {
			t.Errorf("Outcome(%d).String() = %q, want %q", o, got, want)
		}
	}
}

func TestLoad_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	input := "date,asn,prefix,outcome\n" + strings.Repeat("2024-01-01,1,192.0.2.0/24,blocked\n", 10000)
	if _, err := Load(ctx, strings.NewReader(input), "big", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(canceled) error = %v, want context.Canceled", err)
	}
}
