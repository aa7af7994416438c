package ingest

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSpans_Add(t *testing.T) {
	var s Spans
	for _, sp := range []Span{{100, 200}, {300, 400}, {50, 60}, {200, 250}, {390, 500}, {60, 70}} {
		s = s.Add(sp.Start, sp.End)
	}
	want := Spans{{50, 70}, {100, 250}, {300, 500}}
	if !slices.Equal(s, want) {
		t.Errorf("spans = %v, want %v", s, want)
	}
	if s = s.Add(0, 1000); !slices.Equal(s, Spans{{0, 1000}}) {
		t.Errorf("a covering span: %v", s)
	}
	if d := (Spans{{0, 10}, {20, 25}}).Duration(); d != 15 {
		t.Errorf("Duration = %d, want 15", d)
	}
}

// TestSpans_matchesBitmap checks Add against a plain bitmap of seconds,
// second x standing for the interval [x, x+1).
func TestSpans_matchesBitmap(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var s Spans
		var bits [400]bool
		for range r.IntN(12) {
			a := uint32(r.IntN(380))
			b := a + 1 + uint32(r.IntN(19))
			s = s.Add(a, b)
			for x := a; x < b; x++ {
				bits[x] = true
			}
		}
		var want Spans
		for x := 0; x < len(bits); x++ {
			if !bits[x] {
				continue
			}
			y := x
			for y+1 < len(bits) && bits[y+1] {
				y++
			}
			want = append(want, Span{uint32(x), uint32(y + 1)})
			x = y
		}
		if !slices.Equal(s, want) {
			t.Fatalf("spans %v, bitmap %v", s, want)
		}
	}
}

func TestSpans_capJoinsClosest(t *testing.T) {
	var s Spans
	start := uint32(0)
	for i := range MaxSpans + 1 {
		s = s.Add(start, start+50)
		gap := uint32(100)
		if i == 4 {
			gap = 10 // between spans 4 and 5: the smallest
		}
		start += 50 + gap
	}
	if len(s) != MaxSpans {
		t.Fatalf("%d spans, want %d", len(s), MaxSpans)
	}
	if s[4] != (Span{600, 710}) {
		t.Errorf("span 4 = %v, want spans 4 and 5 joined as {600 710}", s[4])
	}
	if d := s.Duration(); d != 50*(MaxSpans+1)+10 {
		t.Errorf("Duration = %d: the join must add exactly the gap it fills", d)
	}
}
