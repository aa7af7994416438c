package rir

import (
	"context"
	"errors"
	"io"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/inputerr"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

const header = "2|apnic|20190912|3|19830613|20190911|+1000\n"

func TestLoad(t *testing.T) {
	input := "# comment before the header\n" +
		header +
		"apnic|*|asn|*|1|summary\n" +
		"apnic|*|ipv4|*|1|summary\n" +
		"\n" +
		"apnic|JP|asn|173|1|20020801|allocated\n" +
		"apnic|AU|ipv4|1.1.1.0|256|20110811|assigned\r\n" +
		"# comment between records\n" +
		"apnic|CN|ipv6|2001:250::|35|20000426|allocated"
	f, err := Load(context.Background(), strings.NewReader(input), "delegated-apnic", Options{})
	if err != nil {
		t.Fatalf("Load(context.Background(), ) error: %v", err)
	}
	want := &File{
		Name: "delegated-apnic",
		Header: Header{Version: "2", Registry: "apnic", Serial: "20190912", Records: 3,
			StartDate: "19830613", EndDate: "20190911", UTCOffset: "+1000"},
		Summaries: []Summary{{"apnic", ASN, 1}, {"apnic", IPv4, 1}},
		Records: []Record{
			{Registry: "apnic", CC: "JP", Type: ASN, FirstASN: 173, Value: 1, Date: day(2002, 8, 1), Status: Allocated},
			{Registry: "apnic", CC: "AU", Type: IPv4, Start: netip.MustParseAddr("1.1.1.0"), Value: 256, Date: day(2011, 8, 11), Status: Assigned},
			{Registry: "apnic", CC: "CN", Type: IPv6, Start: netip.MustParseAddr("2001:250::"), Value: 35, Date: day(2000, 4, 26), Status: Allocated},
		},
	}
	if diff := cmp.Diff(want, f, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("Load(context.Background(), ) mismatch (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]Mismatch{{What: "ipv6", Stated: -1, Found: 1}}, f.CheckSummaries()); diff != "" {
		t.Errorf("CheckSummaries() mismatch (-want +got):\n%s", diff)
	}
}

func TestReader_NextVariants(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Record
	}{
		{
			name: "extended with opaque id (AFRINIC)",
			line: "afrinic|ZA|asn|1228|1|19910301|allocated|F36B9F4B",
			want: Record{Registry: "afrinic", CC: "ZA", Type: ASN, FirstASN: 1228, Value: 1, Date: day(1991, 3, 1), Status: Allocated, OpaqueID: "F36B9F4B"},
		},
		{
			name: "LACNIC reserved row: empty cc and date, trailing bar",
			line: "lacnic||ipv4|24.152.0.0|32768||reserved|",
			want: Record{Registry: "lacnic", Type: IPv4, Start: netip.MustParseAddr("24.152.0.0"), Value: 32768, Status: Reserved},
		},
		{
			name: "LACNIC available row without opaque id",
			line: "lacnic||asn|262144|1||available",
			want: Record{Registry: "lacnic", Type: ASN, FirstASN: 262144, Value: 1, Status: Available},
		},
		{
			name: "ARIN unknown date",
			line: "arin|US|asn|3|1|00000000|allocated",
			want: Record{Registry: "arin", CC: "US", Type: ASN, FirstASN: 3, Value: 1, Status: Allocated},
		},
		{
			name: "NRO combined file with extension",
			line: "iana|ZZ|asn|0|1|19920101|ietf|ietf|iana",
			want: Record{Registry: "iana", CC: "ZZ", Type: ASN, FirstASN: 0, Value: 1, Date: day(1992, 1, 1), Status: "ietf", OpaqueID: "ietf", Ext: []string{"iana"}},
		},
		{
			name: "IANA file: status names the RIR, upper case folded",
			line: "iana|ZZ|ipv6|2c00:0000::|12|20061003|AFRINIC",
			want: Record{Registry: "iana", CC: "ZZ", Type: IPv6, Start: netip.MustParseAddr("2c00::"), Value: 12, Date: day(2006, 10, 3), Status: "afrinic"},
		},
		{
			name: "32-bit ASN block to the end of the space",
			line: "iana|ZZ|asn|4200000000|94967296|20130607|ietf",
			want: Record{Registry: "iana", CC: "ZZ", Type: ASN, FirstASN: 4200000000, Value: 94967296, Date: day(2013, 6, 7), Status: "ietf"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(strings.NewReader(header+tt.line+"\n"), "")
			got, err := r.Next()
			if err != nil {
				t.Fatalf("Next() error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
				t.Errorf("Next() mismatch (-want +got):\n%s", diff)
			}
			back, err := NewReader(strings.NewReader(header+got.String()), "").Next()
			if err != nil || !cmp.Equal(back, got, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })) {
				t.Errorf("String() = %q does not read back: %+v, %v", got.String(), back, err)
			}
		})
	}
}

func TestReader_NextErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		line  int64
		cause string
	}{
		{"no header", "apnic|JP|asn|173|1|20020801|allocated\n", 1, "version"},
		{"short header", "2|apnic|1|2\n", 1, "4 fields"},
		{"bad header count", "2|apnic|1|x|0|0|0\n", 1, "record count"},
		{"garbled line (IANA 2019, line 1007)", header + "|3|19990401|arin\n", 2, "4 fields"},
		{"unknown type", header + "apnic|JP|as|173|1|20020801|allocated\n", 2, "type"},
		{"bad country", header + "apnic|JPN|asn|173|1|20020801|allocated\n", 2, "country"},
		{"bad ASN", header + "apnic|JP|asn|AS173|1|20020801|allocated\n", 2, "first ASN"},
		{"zero count", header + "apnic|JP|asn|173|0|20020801|allocated\n", 2, "outside"},
		{"ASNs past 2^32", header + "apnic|JP|asn|4294967295|2|20020801|allocated\n", 2, "outside"},
		{"huge value", header + "apnic|JP|asn|1|18446744073709551615|20020801|allocated\n", 2, "outside"},
		{"value overflows uint64", header + "apnic|JP|asn|1|18446744073709551616|20020801|allocated\n", 2, "value"},
		{"IPv4 past the end", header + "apnic|AU|ipv4|255.255.255.0|512|20110811|assigned\n", 2, "outside"},
		{"IPv6 address in ipv4 record", header + "apnic|AU|ipv4|2001::|256|20110811|assigned\n", 2, "ipv4 start"},
		{"IPv6 length 129", header + "apnic|AU|ipv6|2001::|129|20110811|assigned\n", 2, "prefix length"},
		{"IPv6 host bits", header + "apnic|AU|ipv6|2001::1|64|20110811|assigned\n", 2, "host bits"},
		{"bad date", header + "apnic|AU|asn|1|1|20110231|assigned\n", 2, "no such day"},
		{"short date", header + "apnic|AU|asn|1|1|2011023|assigned\n", 2, "YYYYMMDD"},
		{"empty status", header + "apnic|AU|asn|1|1|20110101|\n", 2, "status"},
		{"too many fields", header + "a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q\n", 2, "fields"},
		{"summary without stars", header + "apnic|x|asn|*|1|summary\n", 2, "summary"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(context.Background(), strings.NewReader(tt.input), "f", Options{})
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Load(context.Background(), ) error = %v, want *inputerr.Error", err)
			}
			if ie.File != "f" || ie.Record != tt.line {
				t.Errorf("error at %s line %d, want f line %d", ie.File, ie.Record, tt.line)
			}
			if want := int64(strings.Index(tt.input, strings.Split(tt.input, "\n")[tt.line-1])); ie.Offset != want {
				t.Errorf("error offset %d, want %d", ie.Offset, want)
			}
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not mention %q", err, tt.cause)
			}
		})
	}
}

func TestLoad_SkipMalformed(t *testing.T) {
	input := header + "apnic|JP|asn|173|1|20020801|allocated\n|3|19990401|arin\napnic|JP|asn|174|1|20020801|allocated\n"
	f, err := Load(context.Background(), strings.NewReader(input), "f", Options{SkipMalformed: true})
	if err != nil {
		t.Fatalf("Load(context.Background(), ) error: %v", err)
	}
	if len(f.Records) != 2 || len(f.Skipped) != 1 || f.Skipped[0].Record != 3 {
		t.Errorf("Load(context.Background(), ) kept %d records, skipped %v; want 2 and line 3", len(f.Records), f.Skipped)
	}
	if _, err := Load(context.Background(), strings.NewReader("x\n"+header), "f", Options{SkipMalformed: true}); err == nil {
		t.Errorf("Load(context.Background(), ) of a file without a leading header succeeded under SkipMalformed")
	}
}

// TestLoad_Damaged checks the rule for damaged records: a garbage line,
// a bad record and a line cut by the end of a truncated file are reported
// with their line number and byte offset and skipped, the rest is kept.
func TestLoad_Damaged(t *testing.T) {
	good := "apnic|JP|asn|173|1|20020801|allocated\n"
	input := header + good + "garbage\n" + "apnic|JP|ipv4|1.2.3|256|20110811|assigned\n" + good + "apnic|AU|ipv4|1.1."
	var log inputerr.Log
	f, err := Load(context.Background(), strings.NewReader(input), "delegated-apnic-latest", Options{Damaged: &log})
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if len(f.Records) != 2 || len(f.Skipped) != 3 {
		t.Errorf("Load() kept %d records and skipped %d, want 2 and 3", len(f.Records), len(f.Skipped))
	}
	var got []int64
	for _, e := range f.Skipped {
		got = append(got, e.Record, e.Offset)
	}
	h, g := int64(len(header)), int64(len(good))
	want := []int64{3, h + g, 4, h + g + 8, 6, h + 2*g + 8 + 42}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("skipped lines and offsets mismatch (-want +got):\n%s", diff)
	}
	if log.Count() != 3 || len(log.Lines()) != 1 || !strings.HasPrefix(log.Lines()[0], "delegated-apnic-latest: 3 damaged records skipped: record 3 at byte offset") {
		t.Errorf("Lines() = %q, want the 3 records of one file", log.Lines())
	}
	_, err = Load(context.Background(), strings.NewReader(input), "delegated-apnic-latest", Options{Damaged: &inputerr.Log{Strict: true}})
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 3 {
		t.Errorf("Load() with a strict log: %v, want line 3", err)
	}
	// A read error after the header is damage too: what was read counts.
	var rlog inputerr.Log
	f, err = Load(context.Background(), io.MultiReader(strings.NewReader(header+good), errReader{}), "x.gz", Options{Damaged: &rlog})
	if err != nil || len(f.Records) != 1 || rlog.Count() != 1 {
		t.Errorf("Load() of a failing stream = %d records, %v, %d damaged; want 1, nil, 1", len(f.Records), err, rlog.Count())
	}
}

func TestLoad_Empty(t *testing.T) {
	_, err := Load(context.Background(), strings.NewReader("# only comments\n"), "f", Options{})
	if !errors.Is(err, ErrNoHeader) {
		t.Errorf("Load(context.Background(), ) error = %v, want ErrNoHeader", err)
	}
}

func TestReader_ReadError(t *testing.T) {
	r := NewReader(io.MultiReader(strings.NewReader(header), errReader{}), "f")
	_, err := r.Next()
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != int64(len(header)) || !errors.Is(err, errBoom) {
		t.Errorf("Next() error = %v, want a located read error", err)
	}
}

var errBoom = errors.New("boom")

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errBoom }

func TestLoad_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	input := header + strings.Repeat("apnic|JP|asn|173|1|20020801|allocated\n", 10000)
	if _, err := Load(ctx, strings.NewReader(input), "big", Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load(canceled) error = %v, want context.Canceled", err)
	}
}
