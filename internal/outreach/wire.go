package outreach

import "github.com/observatory-net/observatory/api/wire"

// Wire is the target as the API and the CLI's JSON show it.
func (t *Target) Wire() wire.OutreachTarget {
	return wire.OutreachTarget{Rank: t.Rank, ASN: wire.ASN(t.ASN), Holder: t.Holder, Economy: t.Country, Region: t.Region,
		SubRegion: t.SubRegion, RIR: t.RIR, CustomerCone: t.Cone, IPv4: t.Space4, IPv6: t.Space6, Incidents: t.Incidents,
		ReadyActions: t.Ready, Actions: t.Actions, Impact: t.Impact, Readiness: t.Readiness, Priority: t.Priority}
}

// Wire is the growth as the API and the CLI's JSON show it; every list
// and map is non-nil, so that JSON has [] and {} rather than null.
func (g *Growth) Wire() wire.Growth {
	out := wire.Growth{Source: g.Source, Programmes: append([]string{}, g.Programmes...),
		Participation: []wire.GrowthMonth{}, Undated: map[string]int{}, Shares: []wire.GrowthShares{}}
	for k, v := range g.Undated {
		out.Undated[k] = v
	}
	for _, m := range g.Participation {
		out.Participation = append(out.Participation, wire.GrowthMonth{Month: m.Month.Start(), Joined: m.Joined, Total: m.Total})
	}
	for _, s := range g.Shares {
		ws := wire.GrowthShares{Month: s.Month.Start(), Spec: s.Spec, World: s.World.wire(), Participants: map[string]wire.NetworkShares{}}
		for k, v := range s.Participants {
			ws.Participants[k] = v.wire()
		}
		out.Shares = append(out.Shares, ws)
	}
	return out
}

func (sh Shares) wire() wire.NetworkShares {
	return wire.NetworkShares{ROAValidShare: sh.ROAValid, ROVFilteringShare: sh.ROVFiltering, ROAJudged: sh.ROAJudged, ROVJudged: sh.ROVJudged}
}
