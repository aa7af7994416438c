package score

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
)

// Event is one raw observation behind a metric: a hijack, a leak, a bogon
// announcement, with its time span and weight (§4.1, §4.2).
type Event struct {
	ID         string // stable id, kept for feedback (§13.6)
	Start, End time.Time
	Weight     float64
}

// Incident is a run of merged events of one metric (§4.1 step 2).
type Incident struct {
	Start, End time.Time
	Weight     float64
	Events     []string // ids of the merged events
	Score      float64  // duration score × weight
}

// Duration returns the incident's length.
func (i Incident) Duration() time.Duration { return i.End.Sub(i.Start) }

// DurationScore scores an incident length (§4.1 step 3): 0 for no
// duration, 0.5 under 30 minutes, 1 under 24 hours, then floor(d/24h)+1
// (linear) or 2^floor(d/24h) (exponential).
func DurationScore(d time.Duration, s spec.Incidents) float64 {
	switch {
	case d <= 0:
		return 0
	case d < time.Duration(s.AcceptableSeconds)*time.Second:
		return s.AcceptableScore
	case d < time.Duration(s.TolerantSeconds)*time.Second:
		return s.TolerantScore
	}
	days := math.Floor(d.Seconds() / float64(s.TolerantSeconds))
	if s.LongPenalty == "exponential" {
		return math.Pow(2, days)
	}
	return days + 1
}

// Merge clips events to [from, to) when the specification says so, then
// merges events whose spans overlap or touch — only those of equal weight
// when MergeEqualWeightOnly — and scores each incident (§4.1 steps 1-3).
// The result is ordered by start.
func Merge(events []Event, from, to time.Time, s spec.Incidents) []Incident {
	evs := make([]Event, 0, len(events))
	for _, e := range events {
		if s.ClipToMonth {
			e.Start, e.End = maxTime(e.Start, from), minTime(e.End, to)
		}
		if e.End.After(e.Start) {
			evs = append(evs, e)
		}
	}
	// Events merge only with events of the same key: their weight when
	// the specification merges equal weights only, else any event.
	key := func(e Event) float64 {
		if s.MergeEqualWeightOnly {
			return e.Weight
		}
		return 0
	}
	slices.SortFunc(evs, func(a, b Event) int {
		return cmp.Or(cmp.Compare(key(a), key(b)), a.Start.Compare(b.Start), a.End.Compare(b.End), cmp.Compare(a.ID, b.ID))
	})
	var out []Incident
	var lastKey float64
	for _, e := range evs {
		if n := len(out); n > 0 && lastKey == key(e) && !e.Start.After(out[n-1].End) {
			last := &out[n-1]
			last.End, last.Weight = maxTime(last.End, e.End), max(last.Weight, e.Weight)
			last.Events = append(last.Events, e.ID)
			continue
		}
		lastKey = key(e)
		out = append(out, Incident{Start: e.Start, End: e.End, Weight: e.Weight, Events: []string{e.ID}})
	}
	for i := range out {
		out[i].Score = DurationScore(out[i].Duration(), s) * out[i].Weight
	}
	slices.SortStableFunc(out, func(a, b Incident) int { return a.Start.Compare(b.Start) })
	return out
}

// Penalty sums incident scores: the raw value of an incident metric
// (§4.1 step 4); lower is better.
func Penalty(incidents []Incident) float64 {
	var p float64
	for _, i := range incidents {
		p += i.Score
	}
	return p
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
