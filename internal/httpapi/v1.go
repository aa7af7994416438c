package httpapi

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The deprecated v1 API (measurement-framework.md §7.1), served beside v2
// from the same data for the clients that still read it: the v1 paths
// under /api/, month=YYYYMM, snake_case fields, integer participant ids,
// CSV on the net-ops and CDN conformance tables. Every answer says it is
// deprecated (RFC 9745), when it goes (RFC 8594) and where its successor
// is (Link rel="successor-version"). Callers, roles and visibility are
// those of the v2 equivalents: every v1 path is public, and a
// participant's non-public scores show only to a key that may see its
// details. docs/api-compat.md lists what still differs.

// The v1 deprecation and sunset dates.
var (
	v1Deprecated = time.Date(2025, time.January, 1, 0, 0, 0, 0, time.UTC)
	v1Sunset     = time.Date(2027, time.July, 1, 0, 0, 0, 0, time.UTC)
)

// v1 wraps a v1 handler: the deprecation headers, then month=YYYYMM read
// as the v2 month parameter. successor is the v2 path; its {name}
// segments are filled from the request's path values.
func v1(h func(*call) error, successor string) func(*call) error {
	return func(c *call) error {
		hd := c.w.Header()
		hd.Set("Deprecation", "@"+strconv.FormatInt(v1Deprecated.Unix(), 10))
		hd.Set("Sunset", v1Sunset.Format(http.TimeFormat))
		hd.Set("Link", "<"+fillPath(c, successor)+`>; rel="successor-version"`)
		if m := c.q.Get("month"); m != "" {
			if !v1MonthForm.MatchString(m) {
				return badRequest("month %s: want YYYYMM, as 202610", quote(m))
			}
			c.q.Set("month", m[:4]+"-"+m[4:])
		}
		return h(c)
	}
}

// v1MonthForm is v1's month, YYYYMM.
var v1MonthForm = regexp.MustCompile(`^[0-9]{4}(0[1-9]|1[0-2])$`)

// fillPath fills the {name} segments of path from the request's values.
func fillPath(c *call, path string) string {
	for _, name := range []string{"id", "asn", "cc"} {
		if v := c.r.PathValue(name); v != "" && view.CleanText(v) {
			path = strings.ReplaceAll(path, "{"+name+"}", urlSegment(v))
		}
	}
	return path
}

// urlSegment keeps the characters a path segment may carry as they are
// and drops the others, so that a header never carries what a client put
// in its path.
func urlSegment(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r == '-' || r == '.' || r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return r
		}
		return -1
	}, s)
}

// v1Month is a month as v1 names it, YYYYMM.
func v1Month(m *store.MonthMeta) string { return m.Month.UTC().Format("200601") }

// v1ASNs: GET /api/asns, the month's participant ASNs.
func (s *Server) v1ASNs(c *call) error {
	m, err := c.month()
	if err != nil {
		return err
	}
	c.heavy = true
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		v, err := c.monthView(m)
		if err != nil {
			return nil, err
		}
		return wire.V1ASNs{ASNs: orEmpty(v.participants(c.reg))}, nil
	})
}

// v1AS returns a record in v1's shape. Status is "measured": every
// record is of a measured network; RIRStatus is not kept (api-compat.md).
func v1AS(a *store.ASN, reg map[uint32]bool) wire.V1AS {
	return wire.V1AS{Number: a.ASN, Name: a.Holder, Country: a.Country, Status: "measured",
		MANRS: a.Participant || reg[a.ASN], RIRStatus: ""}
}

// v1ASInfoList: GET /api/asns/info, every measured network of the month.
func (s *Server) v1ASInfoList(c *call) error {
	m, err := c.month()
	if err != nil {
		return err
	}
	c.heavy = true
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		v, err := c.monthView(m)
		if err != nil {
			return nil, err
		}
		out := wire.V1ASList{Month: v1Month(m), ASNs: make([]wire.V1AS, 0, len(v.asns))}
		for i := range v.asns {
			out.ASNs = append(out.ASNs, v1AS(&v.asns[i], c.reg))
		}
		return out, nil
	})
}

// v1ASInfo: GET /api/asns/info/{id}, one network.
func (s *Server) v1ASInfo(c *call) error {
	asn, err := parseASN(c.r.PathValue("id"))
	if err != nil {
		return err
	}
	m, err := c.month()
	if err != nil {
		return err
	}
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		a, err := s.recordOf(c, m, asn)
		if err != nil {
			return nil, err
		}
		return v1AS(a, c.reg), nil
	})
}

// v1ROAs answers with the month's ROA statistics of one scope key.
func (s *Server) v1ROAs(c *call, scope, key string) error {
	m, err := c.month()
	if err != nil {
		return err
	}
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		all, err := s.st.ROAStats(c.ctx(), m.Month, m.Spec, scope)
		if err != nil {
			return nil, fmt.Errorf("read ROA statistics: %w", err)
		}
		out := wire.V1ROAs{Month: v1Month(m), Scope: scope, Key: key, Families: []wire.V1ROAFamily{}}
		for _, r := range all {
			if strings.EqualFold(r.Key, key) {
				out.Families = append(out.Families, wire.V1ROAFamily{Family: r.Family, Valid: r.Valid, Invalid: r.Invalid,
					NotFound: r.NotFound, ValidSpace: r.ValidSpace, InvalidSpace: r.InvalidSpace, NotFoundSpace: r.NotFoundSpace})
			}
		}
		if len(out.Families) == 0 {
			return nil, notFound("no ROA statistics for %s in %s", key, m.Month.Format(vocab.MonthLayout))
		}
		return out, nil
	})
}

// v1ROAsOfASN: GET /api/roas/asn/{asn}.
func (s *Server) v1ROAsOfASN(c *call) error {
	asn, err := parseASN(c.r.PathValue("asn"))
	if err != nil {
		return err
	}
	return s.v1ROAs(c, "asn", "AS"+strconv.FormatUint(uint64(asn), 10))
}

// v1ROAsOfCountry: GET /api/roas/country/{cc}.
func (s *Server) v1ROAsOfCountry(c *call) error {
	cc := c.r.PathValue("cc")
	if !economy.MatchString(cc) {
		return badRequest("country %s: want an ISO 3166 alpha-2 code", quote(cc))
	}
	return s.v1ROAs(c, "economy", strings.ToUpper(cc))
}

// v1Programme returns the handler of a programme's v1 conformance table:
// the participants table of v2 (the same rows, the same visibility),
// the programme's rows, in v1's shape; CSV when csvOK and asked for.
func (s *Server) v1Programme(programme string, csvOK bool) func(*call) error {
	return func(c *call) error {
		asCSV := false
		if f := c.q.Get("format"); f != "" {
			if f != "csv" && f != "json" {
				return badRequest("format %s: want csv or json", quote(f))
			}
			asCSV = f == "csv"
		} else if csvOK && acceptsCSV(c.r) {
			asCSV = true
		}
		m, err := c.month()
		if err != nil {
			return err
		}
		var reg []store.Registered
		if s.svc != nil {
			if reg, err = s.svc.RegisteredParticipants(c.ctx()); err != nil {
				return fmt.Errorf("read the participants registry: %w", err)
			}
		}
		c.heavy = true
		if asCSV {
			return s.v1CSV(c, m, reg, programme)
		}
		audience := viewAnonymous + ":" + view.RegistryVersion(reg)
		if c.who.Key != nil {
			audience = "keyed:" + audience
		}
		return c.serveMonth(m, audience, func() (any, error) {
			return s.v1Table(c, m, reg, programme)
		})
	}
}

// acceptsCSV reports whether the request's Accept asks for text/csv.
func acceptsCSV(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept"), ",") {
		mt, _, _ := strings.Cut(part, ";")
		if strings.EqualFold(strings.TrimSpace(mt), "text/csv") {
			return true
		}
	}
	return false
}

// v1Table is a programme's v1 conformance table in month m.
func (s *Server) v1Table(c *call, m *store.MonthMeta, reg []store.Registered, programme string) (wire.V1Conformance, error) {
	rows, _, err := s.participantRows(c, m, reg)
	if err != nil {
		return wire.V1Conformance{}, err
	}
	out := wire.V1Conformance{Month: v1Month(m), Participants: []wire.V1Participant{}}
	for i, r := range rows {
		if r.Programme != programme {
			continue
		}
		out.Participants = append(out.Participants, v1Row(r, int64(i+1)))
	}
	return out, nil
}

// v1Row is a participants table row in v1's shape. Its id is the
// registry's, else (a table of the month's snapshot) its position in the
// whole table, 1 first.
func v1Row(r participantRow, pos int64) wire.V1Participant {
	id := r.ID
	if id == 0 {
		id = pos
	}
	score := func(p participantScore) wire.V1Score {
		return wire.V1Score{Value: p.Value, Severity: wire.SeverityOf(wire.Level(p.Level))}
	}
	action := func(p participantScore) wire.V1Action {
		return wire.V1Action{Conformance: p.Level == string(wire.LevelReady), Score: score(p)}
	}
	since := ""
	if t, err := time.Parse(time.RFC3339Nano, r.Approved); err == nil {
		since = t.UTC().Format(time.DateOnly)
	}
	return wire.V1Participant{ID: id, Name: r.Organisation, AreasServed: orEmpty(r.Areas), ASNs: orEmpty(r.ASNs),
		MemberSince:  since,
		Filtering:    action(participantScore{Level: r.Action1Mark}),
		AntiSpoofing: action(r.AntiSpoofing), Coordination: action(r.Coordination),
		RoutingInformation: wire.V1RoutingInformation{
			Conformance: r.IRR.Level == string(wire.LevelReady) && r.RPKI.Level == string(wire.LevelReady),
			ScoreIRR:    score(r.IRR), ScoreRPKI: score(r.RPKI)}}
}

// v1CSVHeader is the header row of the v1 CSV export.
var v1CSVHeader = []string{"id", "name", "areas_served", "asns", "member_since",
	"filtering_conformance", "filtering_severity",
	"anti_spoofing_conformance", "anti_spoofing_score", "anti_spoofing_severity",
	"coordination_conformance", "coordination_score", "coordination_severity",
	"routing_information_conformance", "irr_score", "irr_severity", "rpki_score", "rpki_severity"}

// v1CSV writes a programme's v1 conformance table as CSV: one row per
// participant, lists joined with spaces, an empty cell for no value.
func (s *Server) v1CSV(c *call, m *store.MonthMeta, reg []store.Registered, programme string) error {
	t, err := s.v1Table(c, m, reg, programme)
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="conformance-%s-%s.csv"`, programme, t.Month))
	h.Set("Cache-Control", "no-store")
	w := csv.NewWriter(c.w)
	w.Write(v1CSVHeader) //nolint:errcheck // w.Error reports it
	for _, p := range t.Participants {
		w.Write(v1CSVRow(p)) //nolint:errcheck // w.Error reports it
	}
	w.Flush()
	return nil // the status is sent: a write error is the client's going away
}

func v1CSVRow(p wire.V1Participant) []string {
	num := func(v *float64) string {
		if v == nil {
			return ""
		}
		return strconv.FormatFloat(*v, 'f', -1, 64)
	}
	asns := make([]string, len(p.ASNs))
	for i, a := range p.ASNs {
		asns[i] = strconv.FormatUint(uint64(a), 10)
	}
	b := strconv.FormatBool
	ri := p.RoutingInformation
	return []string{strconv.FormatInt(p.ID, 10), p.Name, strings.Join(p.AreasServed, " "), strings.Join(asns, " "), p.MemberSince,
		b(p.Filtering.Conformance), p.Filtering.Score.Severity,
		b(p.AntiSpoofing.Conformance), num(p.AntiSpoofing.Score.Value), p.AntiSpoofing.Score.Severity,
		b(p.Coordination.Conformance), num(p.Coordination.Score.Value), p.Coordination.Score.Severity,
		b(ri.Conformance), num(ri.ScoreIRR.Value), ri.ScoreIRR.Severity, num(ri.ScoreRPKI.Value), ri.ScoreRPKI.Severity}
}
