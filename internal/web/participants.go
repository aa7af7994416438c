package web

import (
	"cmp"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// participantCols are the sortable columns of /participants.
var participantCols = []string{"organisation", "approved", "areas", "asns", "action1", "antiSpoofing", "coordination", "irr", "rpki"}

type participantsPage struct {
	Month  string
	Months []string
	Q      string
	Sort   string
	Dir    string
	Rows   []httpapi.ParticipantRow
	Lines  []participantLine // Rows with their changes and failures
	Total  int
	Source string
	Heads  []sortHead
	CSV    string
	// Failing: ?failing=1, only the participants failing an Action;
	// FailingCount of them among those searched; FailingHref and AllHref
	// the table with and without the filter.
	Failing              bool
	FailingCount         int
	FailingHref, AllHref string
	FailLevels           string // the levels the minimum rule counts as failing
	Previous             string // the month changes are against, "" when none
	Registry             bool   // the registry holds participants
}

func (p participantsPage) PageTitle() string { return "Participants, " + p.Month }

type sortHead struct {
	Col, Label string
	Href       string
	Sort       string // aria-sort: ascending, descending, none
}

// sortHeads makes the header links of a table sorted through the query:
// each column's link sorts by it, the current column's reverses the
// direction. keep holds the other parameters; frag is appended to links.
func sortHeads(path string, keep url.Values, cols, labels []string, sortKey, dirKey, cur, dir, frag string) []sortHead {
	var out []sortHead
	for i, col := range cols {
		h := sortHead{Col: col, Label: labels[i], Sort: "none"}
		next := "asc"
		if col == cur {
			h.Sort = map[string]string{"asc": "ascending", "desc": "descending"}[dir]
			if dir == "asc" {
				next = "desc"
			}
		}
		v := url.Values{}
		for k, vs := range keep {
			v[k] = vs
		}
		v.Set(sortKey, col)
		v.Set(dirKey, next)
		h.Href = path + "?" + v.Encode() + frag
		out = append(out, h)
	}
	return out
}

// participantRows returns the table of GET /api/v2/participants for m:
// from the registry when it holds anyone, else from the month's snapshot.
func (s *Server) participantRows(q *request, m *store.MonthMeta) ([]httpapi.ParticipantRow, string, error) {
	r, err := s.registered(q.ctx())
	if err != nil {
		return nil, "", err
	}
	return httpapi.ParticipantRows(q.ctx(), s.st, m, r.List)
}

// filteredParticipants applies ?q=, ?sort= and ?dir=.
func (s *Server) filteredParticipants(q *request) (*participantsPage, error) {
	m, err := q.month()
	if err != nil {
		return nil, err
	}
	v := q.r.URL.Query()
	p := &participantsPage{Month: m.Month.Format(vocab.MonthLayout), Q: truncate(v.Get("q"), 100), Sort: v.Get("sort"), Dir: v.Get("dir"),
		Failing: v.Get("failing") == "1"}
	if !slices.Contains(participantCols, p.Sort) {
		p.Sort = "organisation"
	}
	if p.Dir != "desc" {
		p.Dir = "asc"
	}
	rows, source, err := s.participantRows(q, m)
	if err != nil {
		return nil, err
	}
	p.Source, p.Total = source, len(rows)
	if p.Q != "" {
		needle := strings.ToLower(p.Q)
		kept := rows[:0:0]
		for _, r := range rows {
			if strings.Contains(searchText(r), needle) {
				kept = append(kept, r)
			}
		}
		rows = kept
	}
	prev, prevMonth, err := s.previousRows(q, m)
	if err != nil {
		return nil, err
	}
	p.Previous = prevMonth
	sp := specOf(m)
	if sp != nil {
		p.FailLevels = strings.Join(sp.MinimumRule().Failing, " or ")
	}
	lines := participantLines(rows, prev, sp)
	for _, l := range lines {
		if len(l.Failing) > 0 {
			p.FailingCount++
		}
	}
	if p.Failing {
		lines = slices.DeleteFunc(lines, func(l participantLine) bool { return len(l.Failing) == 0 })
	}
	slices.SortStableFunc(lines, func(a, b participantLine) int {
		c := compareRows(a.ParticipantRow, b.ParticipantRow, p.Sort)
		if p.Dir == "desc" {
			return -c
		}
		return c
	})
	p.Lines, p.Rows = lines, make([]httpapi.ParticipantRow, len(lines))
	for i := range lines {
		p.Rows[i] = lines[i].ParticipantRow
	}
	return p, nil
}

func searchText(r httpapi.ParticipantRow) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(r.Organisation))
	for _, a := range r.Areas {
		b.WriteString(" " + strings.ToLower(a))
	}
	for _, a := range r.ASNs {
		b.WriteString(" as" + strconv.FormatUint(uint64(a), 10))
	}
	b.WriteString(" " + r.Programme)
	return b.String()
}

func compareMark(a, b httpapi.ParticipantMark) int {
	if c := cmp.Compare(view.LevelRank(a.Level), view.LevelRank(b.Level)); c != 0 {
		return c
	}
	av, bv := -1.0, -1.0
	if a.Value != nil {
		av = *a.Value
	}
	if b.Value != nil {
		bv = *b.Value
	}
	return cmp.Compare(bv, av)
}

func compareRows(a, b httpapi.ParticipantRow, col string) int {
	switch col {
	case "approved":
		return cmp.Compare(a.Approved, b.Approved)
	case "areas":
		return cmp.Compare(strings.Join(a.Areas, ","), strings.Join(b.Areas, ","))
	case "asns":
		return cmp.Compare(len(a.ASNs), len(b.ASNs))
	case "action1":
		return cmp.Compare(view.LevelRank(a.Action1Mark), view.LevelRank(b.Action1Mark))
	case "antiSpoofing":
		return compareMark(a.AntiSpoofing, b.AntiSpoofing)
	case "coordination":
		return compareMark(a.Coordination, b.Coordination)
	case "irr":
		return compareMark(a.IRR, b.IRR)
	case "rpki":
		return compareMark(a.RPKI, b.RPKI)
	}
	return cmp.Compare(strings.ToLower(a.Organisation), strings.ToLower(b.Organisation))
}

// participants: GET /participants?q=&sort=&dir=&month=.
func (s *Server) participants(q *request) error {
	p, err := s.filteredParticipants(q)
	if err != nil {
		return err
	}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	labels := []string{"Organisation", "Date approved", "Areas served", "ASNs", "Action 1 mark", "Anti-spoofing", "Coordination", "IRR", "RPKI"}
	keep := url.Values{"month": {p.Month}}
	if p.Q != "" {
		keep.Set("q", p.Q)
	}
	all := url.Values{"month": {p.Month}, "sort": {p.Sort}, "dir": {p.Dir}}
	if p.Q != "" {
		all.Set("q", p.Q)
	}
	p.AllHref = "/participants?" + all.Encode()
	all.Set("failing", "1")
	p.FailingHref = "/participants?" + all.Encode()
	if p.Failing {
		keep.Set("failing", "1")
	}
	r, err := s.registered(q.ctx())
	if err != nil {
		return err
	}
	p.Registry = len(r.List) > 0
	p.Heads = sortHeads("/participants", keep, participantCols, labels, "sort", "dir", p.Sort, p.Dir, "")
	v := url.Values{"sort": {p.Sort}, "dir": {p.Dir}, "month": {p.Month}}
	if p.Q != "" {
		v.Set("q", p.Q)
	}
	if p.Failing {
		v.Set("failing", "1")
	}
	p.CSV = "/participants.csv?" + v.Encode()
	return q.render(http.StatusOK, "participants", p)
}

// participantsCSV: GET /participants.csv, the same rows as the page.
func (s *Server) participantsCSV(q *request) error {
	p, err := s.filteredParticipants(q)
	if err != nil {
		return err
	}
	h := q.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="participants-%s.csv"`, p.Month))
	w := csv.NewWriter(q.w)
	w.Write([]string{"Organisation", "Programme", "Date approved", "Areas served", "ASNs", "Action 1 mark", //nolint:errcheck // checked by Flush
		"Anti-spoofing", "Anti-spoofing level", "Coordination", "Coordination level", "IRR", "IRR level", "RPKI", "RPKI level", "Failing"})
	for i, r := range p.Rows {
		asns := make([]string, len(r.ASNs))
		for i, a := range r.ASNs {
			asns[i] = "AS" + strconv.FormatUint(uint64(a), 10)
		}
		approved := r.Approved
		if len(approved) >= 10 {
			approved = approved[:10]
		}
		w.Write([]string{csvSafe(r.Organisation), r.Programme, approved, csvSafe(strings.Join(r.Areas, " ")), strings.Join(asns, " "), //nolint:errcheck // checked by Flush
			r.Action1Mark, markValue(r.AntiSpoofing), r.AntiSpoofing.Level, markValue(r.Coordination), r.Coordination.Level,
			markValue(r.IRR), r.IRR.Level, markValue(r.RPKI), r.RPKI.Level, strings.Join(p.Lines[i].Failing, "; ")})
	}
	w.Flush()
	return w.Error()
}

// csvSafe defuses a cell a spreadsheet would read as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func markValue(m httpapi.ParticipantMark) string {
	if m.Value == nil {
		return ""
	}
	return strconv.FormatFloat(*m.Value, 'f', 3, 64)
}
