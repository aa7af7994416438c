package rdap

import (
	"cmp"
	"slices"

	"github.com/observatory-net/observatory/internal/bgp"
)

// Record is one loaded answer and the file it came from.
type Record struct {
	*Autnum
	File string
}

// Set holds the loaded answers, by ASN. The zero value is empty and
// ready; Add is not safe for concurrent use, Lookup is once adding ends.
type Set struct {
	single map[bgp.ASN]Record
	ranges []Record // answers for a block of ASNs, sorted by Start
}

// Add adds an answer; a later answer for the same ASN replaces an earlier.
func (s *Set) Add(a *Autnum, file string) {
	r := Record{Autnum: a, File: file}
	if a.Start == a.End {
		if s.single == nil {
			s.single = map[bgp.ASN]Record{}
		}
		s.single[a.Start] = r
		return
	}
	s.ranges = append(s.ranges, r)
	slices.SortStableFunc(s.ranges, func(x, y Record) int { return cmp.Compare(x.Start, y.Start) })
}

// Len returns the number of answers held.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.single) + len(s.ranges)
}

// Lookup returns the answer for an ASN: the one for it alone, else the
// last added block that covers it.
func (s *Set) Lookup(asn bgp.ASN) (Record, bool) {
	if s == nil {
		return Record{}, false
	}
	if r, ok := s.single[asn]; ok {
		return r, true
	}
	for i := len(s.ranges) - 1; i >= 0; i-- {
		if s.ranges[i].Covers(asn) {
			return s.ranges[i], true
		}
	}
	return Record{}, false
}
