package httpapi

import (
	"github.com/observatory-net/observatory/internal/store"
)

// monthInputsOf renders a month's metadata.
func monthInputsOf(m *store.MonthMeta) monthInputs {
	out := monthInputs{MonthData: head(m), ComputedAt: m.IngestedAt.UTC(), Final: m.Final,
		Inputs: []inputJSON{}, NotUsed: []notUsedJSON{}, Warnings: append([]string{}, m.Warnings...),
		Stats: monthStatsJSON{RIBEntries: m.Stats.RIBEntries, Updates: m.Stats.Updates, Routes: m.Stats.Routes,
			Peers: m.Stats.Peers, MeasuredASNs: m.Stats.MeasuredASN, Incidents: m.Stats.Incidents}}
	for _, in := range m.Inputs {
		out.Inputs = append(out.Inputs, inputJSON{Kind: in.Kind, Path: in.Path, Target: in.Target, Size: in.Size, SHA256: in.SHA256,
			Records: in.Records, From: in.From.UTC(), To: in.To.UTC()})
	}
	for _, n := range m.NotUsed {
		out.NotUsed = append(out.NotUsed, notUsedJSON{Kind: n.Kind, Group: n.Group, Path: n.Path, Date: n.Date.UTC(), Reason: n.Reason})
	}
	return out
}

// monthInputsHandler: GET /api/v2/inputs. Public, like the aggregates it
// explains: which files the month's scores rest on, which were found and
// left out (one snapshot of each kind, the nearest to the month), and the
// month's warnings.
func (s *Server) monthInputsHandler(c *call) error {
	m, err := c.month()
	if err != nil {
		return err
	}
	return c.serveMonth(m, viewAnonymous, func() (any, error) { return monthInputsOf(m), nil })
}
