package bogon

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

func TestListReader(t *testing.T) {
	input := "# last updated 1647435002 (Wed Mar 16 12:50:02 2022 GMT)\n" +
		"0.0.0.0/8\n" +
		"  10.0.0.0/8 \r\n" +
		"\n" +
		"# another comment\n" +
		"2001:db8::/32"
	r := NewListReader(strings.NewReader(input), "bogons.txt")
	var got []string
	for {
		p, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next() error: %v", err)
		}
		got = append(got, p.String())
	}
	if diff := cmp.Diff([]string{"0.0.0.0/8", "10.0.0.0/8", "2001:db8::/32"}, got); diff != "" {
		t.Errorf("Next() mismatch (-want +got):\n%s", diff)
	}
	if want := time.Date(2022, 3, 16, 12, 50, 2, 0, time.UTC); !r.Updated().Equal(want) {
		t.Errorf("Updated() = %v, want %v", r.Updated(), want)
	}
}

func TestListReader_Errors(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		line   int64
		offset int64
		cause  string
	}{
		{"not a prefix", "10.0.0.0/8\nhello\n", 2, 11, "prefix"},
		{"address without length", "# c\n10.0.0.1\n", 2, 4, "prefix"},
		{"host bits", "10.0.0.1/8\n", 1, 0, "host bits"},
		{"length too long", "10.0.0.0/33\n", 1, 0, "prefix"},
		{"zone", "fe80::%eth0/64\n", 1, 0, "prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b Builder
			_, err := b.AddList(context.Background(), strings.NewReader(tt.input), "list", "test", nil)
			var ie *inputerr.Error
			if !errors.As(err, &ie) || ie.File != "list" || ie.Record != tt.line || ie.Offset != tt.offset {
				t.Fatalf("AddList() error = %v, want list line %d offset %d", err, tt.line, tt.offset)
			}
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not mention %q", err, tt.cause)
			}
		})
	}
}

func TestListReader_ContinuesAfterBadLine(t *testing.T) {
	r := NewListReader(strings.NewReader("x\n10.0.0.0/8\n"), "")
	if _, err := r.Next(); err == nil {
		t.Fatal("Next() accepted x")
	}
	if p, err := r.Next(); err != nil || p != netip.MustParsePrefix("10.0.0.0/8") {
		t.Errorf("Next() after a bad line = %v, %v", p, err)
	}
}

// TestAddList_Damaged checks the rule for damaged records: bad lines are
// reported with their line and byte offset and skipped; a strict Log stops
// at the first.
func TestAddList_Damaged(t *testing.T) {
	input := "# last updated 1647435002\n10.0.0.0/8\ngarbage\n10.0.0.1/8\n192.168.0.0/16\n172.16.0"
	var log inputerr.Log
	var b Builder
	n, err := b.AddList(context.Background(), strings.NewReader(input), "fullbogons-ipv4.txt", "cymru", &log)
	if err != nil || n != 2 {
		t.Fatalf("AddList() = %d, %v; want 2 prefixes", n, err)
	}
	want := []string{"fullbogons-ipv4.txt: 3 damaged records skipped: " +
		`record 3 at byte offset 37: prefix "garbage": netip.ParsePrefix("garbage"): no '/'; ` +
		`record 4 at byte offset 45: prefix "10.0.0.1/8" has host bits set; ` +
		`record 6 at byte offset 71: prefix "172.16.0": netip.ParsePrefix("172.16.0"): no '/'`}
	if diff := cmp.Diff(want, log.Lines()); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
	var sb Builder
	_, err = sb.AddList(context.Background(), strings.NewReader(input), "fullbogons-ipv4.txt", "cymru", &inputerr.Log{Strict: true})
	var ie *inputerr.Error
	if !errors.As(err, &ie) || ie.Record != 3 || ie.Offset != 37 {
		t.Errorf("AddList() with a strict log: %v, want line 3 at byte offset 37", err)
	}
}

func TestAddList_Canceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b Builder
	if _, err := b.AddList(ctx, strings.NewReader(strings.Repeat("10.0.0.0/8\n", 10000)), "big", "x", nil); !errors.Is(err, context.Canceled) {
		t.Errorf("AddList(canceled) error = %v, want context.Canceled", err)
	}
}
