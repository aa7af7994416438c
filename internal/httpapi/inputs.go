package httpapi

import (
	"path/filepath"
	"strings"

	"github.com/observatory-net/observatory/internal/store"
)

// monthInputsOf renders a month's metadata. The answer is public, so its
// file paths are shown relative to the month's data directory (the
// common directory of its inputs, which the warnings name too): where the
// server keeps its files is nobody's business. `observatory months` on
// the server shows the paths whole.
func monthInputsOf(m *store.MonthMeta) monthInputs {
	rel := relativeTo(dataRoot(m))
	out := monthInputs{MonthData: head(m), ComputedAt: m.IngestedAt.UTC(), Final: m.Final,
		Inputs: []inputJSON{}, NotUsed: []notUsedJSON{}, Warnings: []string{},
		Stats: monthStatsJSON{RIBEntries: m.Stats.RIBEntries, Updates: m.Stats.Updates, Routes: m.Stats.Routes,
			Peers: m.Stats.Peers, MeasuredASNs: m.Stats.MeasuredASN, Incidents: m.Stats.Incidents}}
	for _, in := range m.Inputs {
		out.Inputs = append(out.Inputs, inputJSON{Kind: in.Kind, Path: rel.path(in.Path), Target: rel.path(in.Target), Size: in.Size,
			SHA256: in.SHA256, Records: in.Records, From: in.From.UTC(), To: in.To.UTC()})
	}
	for _, n := range m.NotUsed {
		out.NotUsed = append(out.NotUsed, notUsedJSON{Kind: n.Kind, Group: n.Group, Path: rel.path(n.Path), Date: n.Date.UTC(), Reason: n.Reason})
	}
	for _, w := range m.Warnings {
		out.Warnings = append(out.Warnings, rel.text(w))
	}
	return out
}

// dataRoot returns the deepest directory that holds every absolute input
// path of m (used or not), or "" when there is none.
func dataRoot(m *store.MonthMeta) string {
	var paths []string
	for _, in := range m.Inputs {
		paths = append(paths, in.Path)
	}
	for _, n := range m.NotUsed {
		paths = append(paths, n.Path)
	}
	root, found := "", false
	for _, p := range paths {
		if !filepath.IsAbs(p) {
			continue // a URL fetched, or a path given relative
		}
		d := filepath.Dir(filepath.Clean(p))
		if !found {
			root, found = d, true
			continue
		}
		for root != "/" && d != root && !strings.HasPrefix(d, root+"/") {
			root = filepath.Dir(root)
		}
	}
	return root
}

// relativeTo shows paths under root relative to it.
type relativeTo string

// path returns p relative to the root when under it; another absolute
// path (a symbolic link's target elsewhere) by its file name alone; a URL
// or a relative path as it is.
func (r relativeTo) path(p string) string {
	if r != "" && r != "/" {
		if rel, ok := strings.CutPrefix(p, string(r)+"/"); ok {
			return rel
		}
	}
	if filepath.IsAbs(p) {
		return filepath.Base(p)
	}
	return p
}

// text removes the root from the paths a warning names.
func (r relativeTo) text(s string) string {
	if r == "" || r == "/" {
		return s
	}
	return strings.ReplaceAll(s, string(r)+"/", "")
}

// monthInputsHandler: GET /api/v2/inputs. Public, like the aggregates it
// explains: which files the month's scores rest on (paths relative to the
// data directory), which were found and left out (one snapshot of each
// kind, the nearest to the month), and the month's warnings.
func (s *Server) monthInputsHandler(c *call) error {
	m, err := c.month()
	if err != nil {
		return err
	}
	return c.serveMonth(m, viewAnonymous, func() (any, error) { return monthInputsOf(m), nil })
}
