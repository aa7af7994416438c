package httpapi

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/score"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// This file serves the published v2 shapes that existing MANRS
// Observatory clients read (docs/api-compat.md) beside ours: the key
// figures of the score summary and its per-ASN and per-economy selections.

// maxSummaryASNs bounds the asns of a per-ASN summary.
const maxSummaryASNs = 1000

// summarySelection is the networks a score summary covers when the
// request names them: ASNs (asns=, a comma list) and economies
// (economies=, a comma list of ISO 3166 codes); both given, a network must
// be in both.
type summarySelection struct {
	asns []uint32
	ccs  []string
}

// parseSummarySelection reads asns and economies; nil when neither is
// given. A per-ASN summary follows the rules of scores/details: 401
// without a key, 403 when the key may not see one of the ASNs' details.
func (c *call) parseSummarySelection() (*summarySelection, error) {
	a, e := c.q.Get("asns"), c.q.Get("economies")
	if a == "" && e == "" {
		return nil, nil
	}
	if c.q.Get("region") != "" {
		return nil, badRequest("region cannot be combined with asns or economies")
	}
	sel := &summarySelection{}
	if e != "" {
		for cc := range strings.SplitSeq(e, ",") {
			if !economy.MatchString(cc) {
				return nil, badRequest("economies: %s is not an ISO 3166 alpha-2 code", quote(cc))
			}
			sel.ccs = append(sel.ccs, strings.ToUpper(cc))
		}
		slices.Sort(sel.ccs)
		sel.ccs = slices.Compact(sel.ccs)
	}
	if a == "" {
		return sel, nil
	}
	if err := c.needKey(); err != nil {
		return nil, err
	}
	for s := range strings.SplitSeq(a, ",") {
		asn, err := parseASN(strings.TrimSpace(s))
		if err != nil {
			return nil, err
		}
		if !c.who.SeesDetails(asn) {
			return nil, forbidden("not authorized to view scores for AS%d", asn)
		}
		sel.asns = append(sel.asns, asn)
	}
	slices.Sort(sel.asns)
	sel.asns = slices.Compact(sel.asns)
	if len(sel.asns) > maxSummaryASNs {
		return nil, badRequest("asns: more than %d", maxSummaryASNs)
	}
	return sel, nil
}

// scope names the selection in a summary's scope field.
func (sel *summarySelection) scope() string {
	if len(sel.asns) > 0 {
		return "asns"
	}
	return "economies"
}

// records returns the month's records of the selection's networks, with
// their scores, by ASN.
func (s *Server) selectedRecords(c *call, m *store.MonthMeta, sel *summarySelection) ([]store.ASN, error) {
	if len(sel.asns) > 0 {
		recs, err := s.st.ASNs(c.ctx(), m.Month, m.Spec, store.Filter{ASNs: sel.asns, ScoresOnly: true})
		if err != nil {
			return nil, fmt.Errorf("read the summary's ASNs: %w", err)
		}
		if len(sel.ccs) > 0 {
			recs = slices.DeleteFunc(recs, func(a store.ASN) bool {
				return !slices.Contains(sel.ccs, strings.ToUpper(a.Country))
			})
		}
		return recs, nil
	}
	v, err := c.monthView(m)
	if err != nil {
		return nil, err
	}
	picked := v.ases(sel.ccs, "")
	out := make([]store.ASN, 0, picked.len())
	for i := range picked.len() {
		out = append(out, v.asns[picked.at(i)])
	}
	return out, nil
}

// selectionAggregates is the aggregates of the selection's networks in
// month m, by score id, computed with the formula of the stored ones
// (score.Aggregates: the mean over the networks with data, the count per
// level).
func (s *Server) selectionAggregates(c *call, m *store.MonthMeta, sel *summarySelection) (map[string]store.Aggregate, error) {
	recs, err := s.selectedRecords(c, m, sel)
	if err != nil {
		return nil, err
	}
	out := map[string]store.Aggregate{}
	for _, a := range score.Aggregates(recs, nil) {
		if a.Scope == string(vocab.ScopeWorld) {
			out[a.Score] = a
		}
	}
	return out, nil
}

// keyFigures returns our aggregates in the published shape.
func keyFigures(aggs []scoreAggregate) wire.KeyFigures {
	out := wire.KeyFigures{KeyFigures: make([]wire.KeyFigure, 0, len(aggs))}
	for _, a := range aggs {
		sev := func(id string, n, pc float64) wire.Severity {
			return wire.Severity{ID: id, Count: int(n), Percentage: pc}
		}
		out.KeyFigures = append(out.KeyFigures, wire.KeyFigure{ID: a.ID, Value: a.Value, Trend: a.Trend,
			Severities: []wire.Severity{
				sev(wire.SeverityReady, a.Counts.Ready, a.Percentages.Ready),
				sev(wire.SeverityAspiring, a.Counts.Aspiring, a.Percentages.Aspiring),
				sev(wire.SeverityLagging, a.Counts.Lagging, a.Percentages.Lagging),
				sev(wire.SeverityNoData, a.Counts.NoData, a.Percentages.NoData),
			}})
	}
	return out
}

// scoreAggregates returns the summary's per-score aggregates, in the
// Observatory's order, from the month's (cur) and the previous month's
// (prev) aggregates by score id.
func scoreAggregates(cur, prev map[string]store.Aggregate) []scoreAggregate {
	out := []scoreAggregate{}
	for _, id := range scoreIDs {
		a, ok := cur[id]
		if !ok {
			continue
		}
		sa := scoreAggregate{ID: scoreID(id), Counts: counts(float64(a.Ready), float64(a.Aspire), float64(a.Lag), float64(a.NoData))}
		if hasData(a) { // a mean over no network is no data, not 0
			sa.Value = finite(a.Value)
		}
		if total := float64(a.Ready + a.Aspire + a.Lag + a.NoData); total > 0 {
			pc := func(n int) float64 { return float64(n) * 100 / total }
			sa.Percentages = counts(pc(a.Ready), pc(a.Aspire), pc(a.Lag), pc(a.NoData))
		}
		if p, ok := prev[id]; ok && sa.Value != nil && hasData(p) {
			sa.Trend = finite(a.Value - p.Value)
		}
		out = append(out, sa)
	}
	return out
}

// selectionSummary: GET /api/v2/scores/summary?asns=&economies=.
func (s *Server) selectionSummary(c *call, m *store.MonthMeta, sel *summarySelection) error {
	audience := viewAnonymous
	if len(sel.asns) > 0 {
		audience = "keyed-asns" // checked before: the response depends on the query alone
	}
	c.heavy = len(sel.asns) == 0 // a month view
	return c.serveMonth(m, audience, func() (any, error) {
		cur, err := s.selectionAggregates(c, m, sel)
		if err != nil {
			return nil, err
		}
		if len(cur) == 0 {
			return nil, notFound("none of the networks asked for is measured in %s", m.Month.Format(vocab.MonthLayout))
		}
		out := scoreSummary{MonthData: head(m), Region: sel.scope(), Scope: sel.scope(),
			ASNs: wireASNs(sel.asns), Economies: sel.ccs}
		prevM, err := c.previousMonth(m)
		if err != nil {
			return nil, err
		}
		var prev map[string]store.Aggregate
		if prevM != nil {
			out.PreviousMonth = head(prevM).Month
			if prev, err = s.selectionAggregates(c, prevM, sel); err != nil {
				return nil, err
			}
		}
		out.Aggregates = scoreAggregates(cur, prev)
		out.Scores = keyFigures(out.Aggregates)
		return out, nil
	})
}

// uidNamespace is the namespace of the name-based participant UUIDs
// (RFC 9562 §5.5) of a table read from a month's snapshot, whose
// participants have no registry UID.
var uidNamespace = [16]byte{0x6f, 0x62, 0x73, 0x65, 0x72, 0x76, 0x4d, 0x41, 0x8e, 0x52, 0x53, 0x70, 0x61, 0x72, 0x74, 0x73}

// snapshotUID is the UUID of a participant of a month's snapshot: a
// version 5 UUID of its organisation's name, so that it is the same in
// every month and on every server without being stored.
func snapshotUID(organisation string) string {
	h := sha1.New()
	h.Write(uidNamespace[:])
	h.Write([]byte(organisation))
	var b [16]byte
	copy(b[:], h.Sum(nil))
	b[6] = b[6]&0x0f | 0x50 // version 5
	b[8] = b[8]&0x3f | 0x80 // variant 10 (RFC 9562 §4.1)
	x := hex.EncodeToString(b[:])
	return x[0:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// participantUID is a row's UUID: the registry's, else its snapshot UID.
func participantUID(r participantRow) string {
	if r.UID != "" {
		return r.UID
	}
	return snapshotUID(r.Organisation)
}

// publishedParticipants returns rows in the published shape.
func publishedParticipants(rows []participantRow) []wire.PublishedParticipant {
	out := make([]wire.PublishedParticipant, 0, len(rows))
	for _, r := range rows {
		j := rowJSON(r)
		out = append(out, wire.PublishedParticipant{ID: participantUID(r), Name: r.Organisation, Status: "approved",
			Programme: j.Programme, MemberSince: j.Approved, ASNs: orEmpty(j.ASNs), AreasServed: orEmpty(j.Areas)})
	}
	return out
}
