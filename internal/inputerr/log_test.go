package inputerr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestLog(t *testing.T) {
	var l Log
	for i := range int64(5) {
		if err := l.Skip(Errorf("a.json", i+1, 10*i, "bad %d", i)); err != nil {
			t.Fatalf("Skip() = %v, want nil", err)
		}
	}
	if err := l.SkipErr(fmt.Errorf("load: %w", New("b.txt", 7, 70, ErrTruncated))); err != nil {
		t.Fatalf("SkipErr() = %v, want nil", err)
	}
	if err := l.SkipErr(context.Canceled); !errors.Is(err, context.Canceled) {
		t.Errorf("SkipErr(context.Canceled) = %v, want it back", err)
	}
	want := []string{
		"a.json: 5 damaged records skipped: record 1 at byte offset 0: bad 0; record 2 at byte offset 10: bad 1; " +
			"record 3 at byte offset 20: bad 2; and 2 more",
		"b.txt: 1 damaged record skipped: record 7 at byte offset 70: truncated",
	}
	if diff := cmp.Diff(want, l.Lines()); diff != "" {
		t.Errorf("Lines() mismatch (-want +got):\n%s", diff)
	}
	if l.Count() != 6 {
		t.Errorf("Count() = %d, want 6", l.Count())
	}
}

func TestLog_strict(t *testing.T) {
	e := New("a.json", 2, 5, ErrTruncated)
	for _, l := range []*Log{nil, {Strict: true}} {
		if err := l.Skip(e); err != e {
			t.Errorf("Skip() on %+v = %v, want the record's error", l, err)
		}
		wrapped := fmt.Errorf("load: %w", e)
		if err := l.SkipErr(wrapped); err != wrapped {
			t.Errorf("SkipErr() on %+v = %v, want the error given", l, err)
		}
		if l.Count() != 0 || len(l.Lines()) != 0 {
			t.Errorf("a strict Log kept %d records", l.Count())
		}
	}
}

// TestLog_LinesInNameOrder: files reported in any order (read in
// parallel) come out in the order of their names.
func TestLog_LinesInNameOrder(t *testing.T) {
	var l Log
	for _, f := range []string{"b.mrt", "c.mrt", "a.mrt", "b.mrt"} {
		l.Skip(&Error{File: f, Record: 1, Err: errors.New("bad")})
	}
	got := l.Lines()
	if len(got) != 3 || !strings.HasPrefix(got[0], "a.mrt: 1 damaged") || !strings.HasPrefix(got[1], "b.mrt: 2 damaged") || !strings.HasPrefix(got[2], "c.mrt: ") {
		t.Errorf("lines %q", got)
	}
}
