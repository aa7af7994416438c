package jsonstream

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/google/go-cmp/cmp"
)

// elements reads the elements of the array that input is, with Value.
func elements(t *testing.T, input string, r io.Reader) (vals []string, offs []int64, err error) {
	t.Helper()
	s := NewScanner(r, 0, 64)
	if err := s.Expect('['); err != nil {
		return nil, nil, err
	}
	for range 100 {
		if c, err := s.Peek(); err == nil && c == ']' && len(vals) == 0 {
			return vals, offs, nil
		}
		_, _ = s.Peek()
		offs = append(offs, s.Offset())
		raw, err := s.Value(',', ']')
		vals = append(vals, string(raw))
		if err != nil {
			return vals, offs, err
		}
		c, _ := s.Peek()
		s.Consume()
		if c == ']' {
			return vals, offs, s.End()
		}
	}
	t.Fatalf("no end in %q", input)
	return nil, nil, nil
}

func TestScanner_Value(t *testing.T) {
	tests := []struct {
		name  string
		input string
		vals  []string
		offs  []int64
		err   error
	}{
		{"empty", `[]`, nil, nil, nil},
		{"scalars and nesting", `[1, "a,]", {"b": [1, 2]} , null]`,
			[]string{`1`, `"a,]"`, `{"b": [1, 2]}`, `null`}, []int64{1, 4, 11, 27}, nil},
		{"escaped quote", `["a\"]", 2]`, []string{`"a\"]"`, `2`}, []int64{1, 9}, nil},
		{"garbage kept in its element", `[{"a": 1} x, }{ , 3]`, []string{`{"a": 1} x`, `}{ , 3]`}, []int64{1, 13}, io.ErrUnexpectedEOF},
		{"truncated", `[{"a": 1}, {"b": [`, []string{`{"a": 1}`, `{"b": [`}, []int64{1, 11}, io.ErrUnexpectedEOF},
		{"too long", `["` + strings.Repeat("x", 100) + `", 1]`, []string{``}, []int64{1}, ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// One byte at a time, so that every value crosses buffer refills.
			vals, offs, err := elements(t, tt.input, iotest.OneByteReader(strings.NewReader(tt.input)))
			if !errors.Is(err, tt.err) {
				t.Errorf("error = %v, want %v", err, tt.err)
			}
			if diff := cmp.Diff(tt.vals, vals); diff != "" {
				t.Errorf("values mismatch (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.offs, offs); diff != "" {
				t.Errorf("offsets mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestScanner_KeyAndEnd(t *testing.T) {
	s := NewScanner(strings.NewReader(` {"k\u0041": 1} x`), 3, 0)
	if err := s.Expect('{'); err != nil {
		t.Fatal(err)
	}
	k, err := s.Key()
	if err != nil || k != "kA" {
		t.Fatalf("Key() = %q, %v; want kA", k, err)
	}
	if err := s.Skip(',', '}'); err != nil {
		t.Fatal(err)
	}
	if err := s.Expect('}'); err != nil {
		t.Fatal(err)
	}
	if err := s.End(); !errors.Is(err, ErrUnexpected) || s.Offset() != 3+16 {
		t.Errorf("End() = %v at %d, want ErrUnexpected at 19", err, s.Offset())
	}
}

func TestWhole(t *testing.T) {
	for raw, want := range map[string]bool{`{"a": 1}`: true, `"x"`: true, `[1`: false, `12`: false, ``: false} {
		if got := Whole([]byte(raw)); got != want {
			t.Errorf("Whole(%q) = %v, want %v", raw, got, want)
		}
	}
}

func TestScanner_readError(t *testing.T) {
	boom := errors.New("boom")
	s := NewScanner(io.MultiReader(strings.NewReader(`[{"a"`), iotest.ErrReader(boom)), 0, 0)
	_ = s.Expect('[')
	if _, err := s.Value(',', ']'); !errors.Is(err, boom) {
		t.Errorf("Value() error = %v, want boom", err)
	}
}
