package ingest

import "slices"

// Span is a time interval [Start, End], unix seconds, during which a
// route was announced: the span a RIB dump vouches for, or an announcement
// up to its withdrawal (or the end of its update file).
type Span struct {
	Start, End uint32
}

// MaxSpans bounds the spans kept per route. A route that flaps more often
// than that has its closest spans joined (the smallest gaps filled), so
// its announced time is over-, never under-stated.
const MaxSpans = 16

// Spans is a sorted set of disjoint, non-touching spans.
type Spans []Span

// Add inserts [start, end] and merges what it overlaps or touches.
func (s Spans) Add(start, end uint32) Spans {
	if end < start {
		start, end = end, start
	}
	i, _ := slices.BinarySearchFunc(s, start, func(sp Span, t uint32) int {
		switch {
		case sp.End < t:
			return -1
		case sp.Start > t:
			return 1
		}
		return 0
	})
	// s[i] is the first span that ends at or after start.
	j := i
	for j < len(s) && s[j].Start <= end {
		start, end = min(start, s[j].Start), max(end, s[j].End)
		j++
	}
	s = slices.Replace(s, i, j, Span{start, end})
	if len(s) > MaxSpans {
		s = s.joinClosest()
	}
	return s
}

// Merge adds every span of o.
func (s Spans) Merge(o Spans) Spans {
	for _, sp := range o {
		s = s.Add(sp.Start, sp.End)
	}
	return s
}

// joinClosest joins the two neighbouring spans with the smallest gap.
func (s Spans) joinClosest() Spans {
	best := 0
	for i := 1; i+1 < len(s); i++ {
		if s[i+1].Start-s[i].End < s[best+1].Start-s[best].End {
			best = i
		}
	}
	s[best].End = s[best+1].End
	return slices.Delete(s, best+1, best+2)
}

// Duration is the announced time in seconds, the sum of the spans.
func (s Spans) Duration() uint32 {
	var d uint32
	for _, sp := range s {
		d += sp.End - sp.Start
	}
	return d
}
