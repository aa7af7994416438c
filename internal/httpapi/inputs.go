package httpapi

import (
	"github.com/observatory-net/observatory/internal/store"
)

// monthInputs is GET /api/v2/inputs: what a month rests on.
type monthInputs struct {
	monthData
	ComputedAt string         `json:"computedAt"`
	Final      bool           `json:"final"`
	Inputs     []inputJSON    `json:"inputs"`
	NotUsed    []notUsedJSON  `json:"notUsed"`
	Warnings   []string       `json:"warnings"`
	Stats      monthStatsJSON `json:"stats"`
}

type inputJSON struct {
	Kind    string `json:"kind"`
	Path    string `json:"path"`
	Target  string `json:"target,omitempty"`
	Size    int64  `json:"size"`
	SHA256  string `json:"sha256"`
	Records int64  `json:"records"`
	From    string `json:"from,omitempty"`
	To      string `json:"to,omitempty"`
}

type notUsedJSON struct {
	Kind   string `json:"kind"`
	Group  string `json:"group,omitempty"`
	Path   string `json:"path"`
	Date   string `json:"date,omitempty"`
	Reason string `json:"reason"`
}

type monthStatsJSON struct {
	RIBEntries  int64 `json:"ribEntries"`
	Updates     int64 `json:"updates"`
	Routes      int64 `json:"routes"`
	Peers       int   `json:"peers"`
	MeasuredASN int   `json:"measuredASNs"`
	Incidents   int   `json:"incidents"`
}

// monthInputsOf renders a month's metadata.
func monthInputsOf(m *store.MonthMeta) monthInputs {
	out := monthInputs{monthData: head(m), ComputedAt: stamp(m.IngestedAt), Final: m.Final,
		Inputs: []inputJSON{}, NotUsed: []notUsedJSON{}, Warnings: append([]string{}, m.Warnings...),
		Stats: monthStatsJSON{m.Stats.RIBEntries, m.Stats.Updates, m.Stats.Routes, m.Stats.Peers, m.Stats.MeasuredASN, m.Stats.Incidents}}
	for _, in := range m.Inputs {
		out.Inputs = append(out.Inputs, inputJSON{Kind: in.Kind, Path: in.Path, Target: in.Target, Size: in.Size, SHA256: in.SHA256,
			Records: in.Records, From: stamp(in.From), To: stamp(in.To)})
	}
	for _, n := range m.NotUsed {
		out.NotUsed = append(out.NotUsed, notUsedJSON{Kind: n.Kind, Group: n.Group, Path: n.Path, Date: stamp(n.Date), Reason: n.Reason})
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
