package asrel

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/textline"
)

// readAll returns every link of input, or the first error with its place.
func readAll(t *testing.T, input string) ([]Link, error) {
	t.Helper()
	r := NewReader(strings.NewReader(input), "test.as-rel")
	var out []Link
	for {
		l, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, l)
	}
}

func TestReader_Next(t *testing.T) {
	tests := []struct {
		name  string
		input string
		want  []Link
	}{
		{
			name: "serial-1 with header comments",
			input: "# input clique: 174 209\n" +
				"# source:topology|BGP|20170101|ripe|rrc00\n" +
				"1|11537|0\n" + // peer-peer
				"174|33562|-1\n", // provider-customer
			want: []Link{{A: 1, B: 11537, Rel: RelP2P}, {A: 174, B: 33562, Rel: RelP2C}},
		},
		{
			name:  "serial-2 sources",
			input: "3356|64496|-1|bgp\n64496|64497|0|mlp\n",
			want: []Link{
				{A: 3356, B: 64496, Rel: RelP2C, Source: "bgp"},
				{A: 64496, B: 64497, Rel: RelP2P, Source: "mlp"},
			},
		},
		{
			name:  "CRLF, blank lines and no final newline",
			input: "\r\n1|2|-1\r\n\n3|4|0",
			want:  []Link{{A: 1, B: 2, Rel: RelP2C}, {A: 3, B: 4, Rel: RelP2P}},
		},
		{
			name:  "32-bit ASNs",
			input: "4294967294|4200000000|-1\n",
			want:  []Link{{A: 4294967294, B: 4200000000, Rel: RelP2C}},
		},
		{name: "empty", input: "", want: nil},
		{name: "comments only", input: "# nothing\n#\n", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readAll(t, tt.input)
			if err != nil {
				t.Fatalf("Next() error: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Next() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReader_NextErrors(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		line   int64
		offset int64
		cause  string
	}{
		{"two fields", "1|2|0\n1|2\n", 2, 6, "2 fields"},
		{"five fields", "#c\n1|2|0|bgp|x\n", 2, 3, "5 fields"},
		{"sibling code", "1|2|1\n", 1, 0, `relationship "1"`},
		{"letters in ASN", "1|2|0\nAS1|2|0\n", 2, 6, "first AS"},
		{"ASN too large", "4294967296|1|0\n", 1, 0, "first AS"},
		{"empty second AS", "1||0\n", 1, 0, "second AS"},
		{"self link", "7|7|-1\n", 1, 0, "to itself"},
		{"empty source", "1|2|0|\n", 1, 0, "empty source"},
		{"control byte in source", "1|2|0|bgp\r\r\n", 1, 0, "source"},
		{"offset after CRLF", "1|2|0\r\n1|2|x\r\n", 2, 7, `relationship "x"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readAll(t, tt.input)
			var ie *inputerr.Error
			if !errors.As(err, &ie) {
				t.Fatalf("Next() error = %v, want *inputerr.Error", err)
			}
			got := []any{ie.File, ie.Record, ie.Offset}
			want := []any{"test.as-rel", tt.line, tt.offset}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("error position mismatch (-want +got):\n%s", diff)
			}
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not mention %q", err, tt.cause)
			}
		})
	}
}

func TestReader_ContinuesAfterBadLine(t *testing.T) {
	r := NewReader(strings.NewReader("1|2|0\nbad\n3|4|-1\n"), "")
	var links, bad int
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			bad++
			continue
		}
		links++
	}
	if links != 2 || bad != 1 {
		t.Errorf("links, bad = %d, %d; want 2, 1", links, bad)
	}
}

func TestReader_LongLine(t *testing.T) {
	input := "1|2|0\n" + strings.Repeat("9", textline.MaxLine+10) + "\n3|4|0\n"
	_, err := readAll(t, input)
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != 6 {
		t.Fatalf("Next() error = %v, want line 2 at offset 6", err)
	}
}

// TestLoad_damaged checks the rule for damaged records: garbage lines and
// a line cut by the end of a truncated file are reported with their line
// number and byte offset and skipped; a strict Log stops at the first.
func TestLoad_damaged(t *testing.T) {
	input := "# serial-1\n1|2|-1\ngarbage\n2|3|0\n3|4|x\n4|5|-1\n5|"
	var log inputerr.Log
	g, err := Load(context.Background(), strings.NewReader(input), "20140101.as-rel.txt", &log)
	if err != nil {
		t.Fatalf("Load() error: %v", err)
	}
	if got := g.Stats().Links; got != 3 {
		t.Errorf("Load() kept %d links, want 3", got)
	}
	want := []string{"20140101.as-rel.txt: 3 damaged records skipped: " +
		"record 3 at byte offset 18: 1 fields, want 3 (serial-1) or 4 (serial-2); " +
		`record 5 at byte offset 32: relationship "x", want -1 or 0; ` +
		"record 7 at byte offset 45: 2 fields, want 3 (serial-1) or 4 (serial-2)"}
	if diff := cmp.Diff(want, log.Lines()); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
	_, err = Load(context.Background(), strings.NewReader(input), "20140101.as-rel.txt", &inputerr.Log{Strict: true})
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 3 || ie.Offset != 18 {
		t.Errorf("strict Load() error = %v, want line 3 at byte offset 18", err)
	}
}

// TestReader_readError checks that a failing stream is located and ends
// the reading.
func TestReader_readError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(io.MultiReader(strings.NewReader("1|2|-1\n"), iotest.ErrReader(boom)), "x.gz")
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err := r.Next()
	var ie *inputerr.Error
	if !errors.Is(err, boom) || !errors.As(err, &ie) || ie.Record != 2 || ie.Offset != 7 {
		t.Errorf("Next() error = %v, want boom at line 2, byte offset 7", err)
	}
	if _, err := r.Next(); err != io.EOF {
		t.Errorf("Next() after the read error = %v, want io.EOF", err)
	}
}
