package web

import (
	"strings"

	"github.com/observatory-net/observatory/internal/httpapi"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
)

// What the secretariat asks of the participants table: who fails an
// Action this month, and how each score moved since the previous month.

// participantLine is a row of the table with its changes and failures.
type participantLine struct {
	httpapi.ParticipantRow
	Marks      []markCell // the four scored Actions
	Failing    []string   // the Actions at a failing level, by name
	Action1Was string     // Action 1's level last month when it changed
}

// markCell is one Action of a row: its mark and its change since the
// previous month (nil when either month has no value).
type markCell struct {
	Col   string
	Mark  httpapi.ParticipantMark
	Delta *float64
}

// rowKey matches a participant across months.
func rowKey(r httpapi.ParticipantRow) string {
	return strings.ToLower(r.Programme) + "\x00" + strings.ToLower(r.Organisation)
}

// participantLines joins rows with the previous month's (prev, nil when
// none is stored) and marks the Actions at a level sp's minimum rule
// counts as failing.
func participantLines(rows, prev []httpapi.ParticipantRow, sp *spec.Spec) []participantLine {
	byKey := map[string]httpapi.ParticipantRow{}
	for _, r := range prev {
		byKey[rowKey(r)] = r
	}
	rule := spec.DefaultMinimum()
	if sp != nil {
		rule = sp.MinimumRule()
	}
	out := make([]participantLine, 0, len(rows))
	for _, r := range rows {
		l := participantLine{ParticipantRow: r}
		p, had := byKey[rowKey(r)]
		if rule.Fails(r.Action1Mark) {
			l.Failing = append(l.Failing, scoreNames["filtering"])
		}
		if had && p.Action1Mark != r.Action1Mark {
			l.Action1Was = p.Action1Mark
		}
		for _, c := range []struct {
			col, id string
			cur     httpapi.ParticipantMark
			old     httpapi.ParticipantMark
		}{
			{"antiSpoofing", "antiSpoofing", r.AntiSpoofing, p.AntiSpoofing},
			{"coordination", "coordination", r.Coordination, p.Coordination},
			{"irr", "routingInformationIRR", r.IRR, p.IRR},
			{"rpki", "routingInformationRPKI", r.RPKI, p.RPKI},
		} {
			m := markCell{Col: c.col, Mark: c.cur}
			if had && c.cur.Value != nil && c.old.Value != nil {
				m.Delta = finite(*c.cur.Value - *c.old.Value)
			}
			if rule.Fails(c.cur.Level) {
				l.Failing = append(l.Failing, scoreNames[c.id])
			}
			l.Marks = append(l.Marks, m)
		}
		out = append(out, l)
	}
	return out
}

// previousRows returns the participants table of the month before m, or
// nil when none is stored.
func (s *Server) previousRows(q *request, m *store.MonthMeta) ([]httpapi.ParticipantRow, string, error) {
	prev, err := s.shared.Previous(q.ctx(), m)
	if err != nil || prev == nil {
		return nil, "", err
	}
	rows, _, err := s.participantRows(q, prev)
	if err != nil {
		return nil, "", err
	}
	return rows, prev.Month.Format("2006-01"), nil
}
