package eventfeed

import (
	"math"
	"strings"
	"time"
)

// Confidence is how sure the observatory is that an event happened as
// told, from its evidence alone (docs/events.md):
//
//	value = 0.4·visibility + 0.4·agreement + 0.2·persistence, to 2 decimals
//
// Visibility is min(peers, 5)/5: the most collector peers that saw one of
// the event's routes, five being the peers that make an ASN visible
// (measurement-framework.md §2, §13.7). Agreement is how many independent
// sources back the rule: 1 for a hijack whose origin no VRP authorises
// (invalid-asn) and no IRR route object registers, 0.5 when a VRP names
// the origin but not the length (invalid-length); for a leak 1 when the
// valley-free check and ASPA verification agree, 0.75 for ASPA alone
// (signed by the networks), 0.5 for the valley-free check alone (inferred
// relationships); 1 for a full bogon (the IANA registries, §13.5).
// Persistence follows the §4.1 duration tiers: 0.5 under 30 minutes, 0.75
// under 24 hours, 1 from 24 hours. Level is high from 0.8, medium from
// 0.6, low below.
type Confidence struct {
	Value       float64
	Level       string // high, medium, low
	Visibility  float64
	Agreement   float64
	Persistence float64
}

// The confidence levels.
const (
	High   = "high"
	Medium = "medium"
	Low    = "low"
)

// visiblePeers is the collector peers that make a route fully visible
// (measurement-framework.md §2: an ASN seen by at least 5 peers).
const visiblePeers = 5

// confidenceOf is the confidence of an event seen by peers collector
// peers, with agreement agree, that lasted d.
func confidenceOf(peers int, agree float64, d time.Duration) Confidence {
	c := Confidence{Visibility: float64(min(peers, visiblePeers)) / visiblePeers, Agreement: agree, Persistence: persistence(d)}
	c.Value = math.Round(100*(0.4*c.Visibility+0.4*c.Agreement+0.2*c.Persistence)) / 100
	switch {
	case c.Value >= 0.8:
		c.Level = High
	case c.Value >= 0.6:
		c.Level = Medium
	default:
		c.Level = Low
	}
	return c
}

// persistence is the §4.1 duration tier of d.
func persistence(d time.Duration) float64 {
	switch {
	case d < 30*time.Minute:
		return 0.5
	case d < 24*time.Hour:
		return 0.75
	}
	return 1
}

// agreement is the agreement of one merged event's evidence.
func agreement(t Type, ev *evidence) float64 {
	switch t {
	case Hijack:
		if ev.IRR != "none" && ev.IRR != "" {
			return 0 // not the rule that fired (§13.6): never stored so
		}
		switch ev.RPKI {
		case "invalid-asn":
			return 1
		case "invalid-length":
			return 0.5
		}
		return 0
	case Leak:
		aspa, valley := false, false
		rules := ev.Rules
		if len(rules) == 0 {
			rules = []string{ev.Rule}
		}
		for _, r := range rules {
			aspa = aspa || strings.HasPrefix(r, "ASPA")
			valley = valley || strings.HasPrefix(r, "valley-free")
		}
		switch {
		case aspa && valley:
			return 1
		case aspa:
			return 0.75
		case valley:
			return 0.5
		}
		return 0
	}
	return 1
}
