package sqlite

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestStringList(t *testing.T) {
	tests := []struct {
		name string
		in   []string
		want any // the column value: nil for NULL
	}{
		{"nil", nil, nil},
		{"empty", []string{}, nil},
		{"plain", []string{"RIPE", "RADB"}, `["RIPE","RADB"]`},
		{"empty string", []string{""}, `[""]`},
		{"comma and brackets", []string{"a,b", "]["}, `["a,b","]["]`},
		{"quote", []string{`say "hi"`}, `["say \"hi\""]`},
		{"backslash", []string{`C:\`}, `["C:\\"]`},
		{"newline", []string{"a\nb"}, `["a\nb"]`},
		{"non-ASCII", []string{"Zürich"}, `["Zürich"]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := stringList(tt.in)
			if err != nil || got != tt.want {
				t.Fatalf("stringList(%q) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
			var b []byte
			if s, ok := got.(string); ok {
				b = []byte(s)
			}
			back, err := decodeStrings(b)
			if diff := cmp.Diff(tt.in, back, cmpopts.EquateEmpty()); err != nil || diff != "" {
				t.Errorf("decodeStrings(%s) = %v, mismatch (-want +got):\n%s", b, err, diff)
			}
		})
	}
}

func TestDecodeStrings_Invalid(t *testing.T) {
	for _, in := range []string{`[`, `["a"`, `["a",]`, `["a" "b"]`, `[1]`, `{"a":1}`, `["a"x]`, `[x"a"]`} {
		if got, err := decodeStrings([]byte(in)); err == nil {
			t.Errorf("decodeStrings(%s) = %q, want an error", in, got)
		}
	}
}

// FuzzStringList checks that what stringList writes, decodeStrings reads
// back unchanged, through its fast path or encoding/json.
func FuzzStringList(f *testing.F) {
	f.Add("RIPE", "RADB")
	f.Add(`a"b`, `\`)
	f.Add("", ",")
	f.Fuzz(func(t *testing.T, a, b string) {
		if !utf8.ValidString(a) || !utf8.ValidString(b) {
			t.Skip("encoding/json replaces invalid UTF-8")
		}
		in := []string{a, b}
		enc, err := stringList(in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeStrings([]byte(enc.(string)))
		if diff := cmp.Diff(in, got); err != nil || diff != "" {
			t.Errorf("decodeStrings(stringList(%q)) = %v, mismatch (-want +got):\n%s", in, err, diff)
		}
	})
}

func TestMicros(t *testing.T) {
	tests := []time.Time{
		{},
		time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC),
		time.Unix(-1, 999999000),
		time.Date(2024, 3, 1, 9, 0, 0, 0, time.FixedZone("JST", 9*3600)),
	}
	for _, in := range tests {
		got := fromMicros(micros(in))
		if !got.Equal(in) || got.Location() != time.UTC {
			t.Errorf("fromMicros(micros(%v)) = %v, want the same instant in UTC", in, got)
		}
	}
	if got := fromMicros(micros(time.Time{})); got != (time.Time{}) {
		t.Errorf("fromMicros(micros(zero)) = %#v, want the zero time itself", got)
	}
}
