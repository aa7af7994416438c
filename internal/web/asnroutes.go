package web

import (
	"encoding/json"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// What an ASN page leads with: its routes by RPKI state with the address
// space they cover, and for each RPKI-invalid route the VRPs that make it
// invalid (the evidence of M7RPKI, written by ingest).

// routeSummary counts an ASN's routes by RPKI state.
type routeSummary struct {
	States []stateCount // valid, invalid, not found
	Total  int
}

// stateCount is the routes in one RPKI state and the space they cover,
// each address counted once.
type stateCount struct {
	State  string // valid, invalid, not-found
	Label  string
	Routes int
	V4     int64   // IPv4 addresses
	V4s24  float64 // as /24-equivalents
	V6s48  float64 // IPv6 as /48-equivalents
	Href   string  // the route table filtered to the state
}

// rpkiState folds invalid-asn and invalid-length into invalid.
func rpkiState(s string) string {
	if strings.HasPrefix(s, "invalid") {
		return "invalid"
	}
	return s
}

func summarise(routes []store.Route, href func(state string) string) routeSummary {
	out := routeSummary{Total: len(routes)}
	for _, st := range []struct{ state, label string }{{"valid", "RPKI-valid"}, {"invalid", "RPKI-invalid"}, {"not-found", "Not found in the RPKI"}} {
		c := stateCount{State: st.state, Label: st.label, Href: href(st.state)}
		var v4, v6 []netip.Prefix
		for _, r := range routes {
			if rpkiState(r.RPKI) != st.state {
				continue
			}
			c.Routes++
			p, err := netip.ParsePrefix(r.Prefix)
			if err != nil {
				continue
			}
			if p.Addr().Is4() {
				v4 = append(v4, p.Masked())
			} else {
				v6 = append(v6, p.Masked())
			}
		}
		for _, p := range distinct(v4) {
			c.V4 += 1 << (32 - p.Bits())
		}
		c.V4s24 = float64(c.V4) / 256
		for _, p := range distinct(v6) {
			c.V6s48 += pow2(48 - p.Bits())
		}
		out.States = append(out.States, c)
	}
	return out
}

func pow2(n int) float64 {
	v := 1.0
	for ; n > 0; n-- {
		v *= 2
	}
	for ; n < 0; n++ {
		v /= 2
	}
	return v
}

// distinct drops the prefixes covered by another of ps, so that the
// space of the rest counts every address once.
func distinct(ps []netip.Prefix) []netip.Prefix {
	slices.SortFunc(ps, func(a, b netip.Prefix) int {
		if c := a.Addr().Compare(b.Addr()); c != 0 {
			return c
		}
		return a.Bits() - b.Bits()
	})
	var out []netip.Prefix
	for _, p := range ps {
		if n := len(out); n > 0 && out[n-1].Bits() <= p.Bits() && out[n-1].Contains(p.Addr()) {
			continue
		}
		out = append(out, p)
	}
	return out
}

// coveringVRP is a VRP covering an invalid route, as ingest records it
// in M7RPKI's evidence (ingest.CoveringVRP).
type coveringVRP struct {
	Prefix    string `json:"prefix"`
	ASN       uint32 `json:"asn"`
	MaxLength int    `json:"maxLength"`
	TA        string `json:"ta"`
}

// invalidVRPs reads M7RPKI's evidence: the covering VRPs by invalid
// prefix, and whether the evidence was there at all (months ingested
// before it was recorded have none).
func invalidVRPs(a *store.ASN) (map[string][]coveringVRP, bool) {
	i := slices.IndexFunc(a.Metrics, func(m store.Metric) bool { return m.ID == string(vocab.M7RPKI) })
	if i < 0 || len(a.Metrics[i].Evidence) == 0 {
		return nil, false
	}
	var ev struct {
		Invalid []struct {
			Prefix string        `json:"prefix"`
			VRPs   []coveringVRP `json:"vrps"`
		} `json:"invalid"`
	}
	if json.Unmarshal(a.Metrics[i].Evidence, &ev) != nil {
		return nil, false
	}
	out := map[string][]coveringVRP{}
	for _, r := range ev.Invalid {
		out[r.Prefix] = r.VRPs
	}
	return out, true
}

// routeRow is a route of the table with, when it is invalid, the VRPs
// covering it.
type routeRow struct {
	store.Route
	VRPs     []coveringVRP
	Invalid  bool
	HasVRPEv bool // the month recorded the covering VRPs
}

// vrpText is one covering VRP in words.
func vrpText(v coveringVRP) string {
	s := v.Prefix + " authorises AS" + strconv.FormatUint(uint64(v.ASN), 10) + " up to /" + strconv.Itoa(v.MaxLength)
	if v.ASN == 0 {
		s = v.Prefix + " AS0: no origin may announce it"
	}
	if v.TA != "" {
		s += " (" + v.TA + ")"
	}
	return s
}
