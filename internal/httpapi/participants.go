package httpapi

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

type participantScore struct {
	Value *float64 `json:"value"`
	Level string   `json:"level"`
}

type participantRow struct {
	ID           int64            `json:"id,omitempty"`
	UID          string           `json:"uid,omitempty"`
	Organisation string           `json:"organisation"`
	Programme    string           `json:"programme"`
	ASNs         []uint32         `json:"asns"`
	Approved     string           `json:"approved,omitempty"`
	Areas        []string         `json:"areas"`
	Action1Mark  string           `json:"action1Mark"`
	AntiSpoofing participantScore `json:"antiSpoofing"`
	Coordination participantScore `json:"coordination"`
	IRR          participantScore `json:"routingInformationIRR"`
	RPKI         participantScore `json:"routingInformationRPKI"`
}

// participantTable: GET /api/v2/participants, the public table: from the
// registry when it holds anyone, else from the month's own snapshot.
func (s *Server) participantTable(c *call) error {
	var only uint32 // asn=: the participants holding it (none: an empty table)
	if a := c.q.Get("asn"); a != "" {
		var err error
		if only, err = parseASN(a); err != nil {
			return err
		}
	}
	pr, m, err := c.pagedMonth()
	if err != nil {
		return err
	}
	var reg []store.Registered
	if s.svc != nil {
		if reg, err = s.svc.RegisteredParticipants(c.ctx()); err != nil {
			return fmt.Errorf("read the participants registry: %w", err)
		}
	}
	// The registry changes apart from the month: its version is part of
	// the view, so that the cache and ETag follow it.
	audience := viewAnonymous + ":" + view.RegistryVersion(reg)
	if c.who.Key != nil {
		audience = "keyed:" + audience // the same table, but not for shared caches
	}
	c.heavy = true // the month's participants, maybe all its ASNs
	return c.serveMonth(m, audience, func() (any, error) {
		rows, source, err := s.participantRows(c, m, reg)
		if err != nil {
			return nil, err
		}
		if only != 0 {
			rows = slices.DeleteFunc(rows, func(r participantRow) bool { return !slices.Contains(r.ASNs, only) })
		}
		p, err := pr.window(len(rows))
		if err != nil {
			return nil, err
		}
		page := rows[p.start:p.end]
		return participantTable{MonthData: head(m), NextPageToken: p.next, Source: source, Items: rowsJSON(page),
			Participants: publishedParticipants(page)}, nil
	})
}

func (s *Server) participantRows(c *call, m *store.MonthMeta, reg []store.Registered) ([]participantRow, string, error) {
	return participantRows(c.ctx(), s.st, m, reg)
}

// participantRows is the public participants table of month m: from the
// registry reg when it holds anyone, else from the month's own snapshot;
// it returns which of the two ("registry" or "month").
func participantRows(ctx context.Context, st store.Store, m *store.MonthMeta, reg []store.Registered) ([]participantRow, string, error) {
	source := "registry"
	if len(reg) == 0 {
		snap, err := st.Participants(ctx, m.Month, m.Spec)
		if err != nil {
			return nil, "", fmt.Errorf("read the month's participants: %w", err)
		}
		source = "month"
		for _, p := range snap {
			reg = append(reg, store.Registered{Participant: p})
		}
		slices.SortStableFunc(reg, func(a, b store.Registered) int { return cmp.Compare(a.Organisation, b.Organisation) })
	}
	var asns []uint32
	for _, r := range reg {
		asns = append(asns, r.ASNs...)
	}
	records := map[uint32]*store.ASN{}
	if len(asns) > 0 {
		f := store.Filter{ASNs: asns}
		if len(asns) > 5000 {
			f = store.Filter{}
		}
		recs, err := st.ASNs(ctx, m.Month, m.Spec, f)
		if err != nil {
			return nil, "", fmt.Errorf("read participant ASNs: %w", err)
		}
		for i := range recs {
			records[recs[i].ASN] = &recs[i]
		}
	}
	sp := specOf(m)
	rows := make([]participantRow, 0, len(reg))
	for _, r := range reg {
		rows = append(rows, participantRowOf(r, records, sp))
	}
	return rows, source, nil
}

// participantRowOf computes a participant's marks over its ASNs with data:
// each public score's mean and its level; for Action 1, whose score is not
// public, the worst level only.
func participantRowOf(r store.Registered, records map[uint32]*store.ASN, sp *spec.Spec) participantRow {
	readiness := view.Readiness(sp)
	mean := func(sid vocab.ScoreID) participantScore {
		id := string(sid)
		var sum float64
		n := 0
		for _, asn := range r.ASNs {
			if a := records[asn]; a != nil {
				for _, sc := range a.Scores {
					if sc.ID == id && sc.HasData && finite(sc.Value) != nil {
						sum, n = sum+sc.Value, n+1
					}
				}
			}
		}
		if n == 0 {
			return participantScore{Level: vocab.NoData.API()}
		}
		v := sum / float64(n)
		out := participantScore{Value: &v, Level: view.LevelOf(v, readiness)}
		if !view.PublicScore(sp, id) {
			out.Value = nil // the mark only
		}
		return out
	}
	// Action 1's mark: the worst level with data, noData when none has.
	worst := vocab.NoData.API()
	for _, asn := range r.ASNs {
		if a := records[asn]; a != nil {
			for _, sc := range a.Scores {
				l := view.Level(sc.Level, sc.HasData)
				if sc.ID == string(vocab.Filtering) && l != vocab.NoData.API() &&
					(worst == vocab.NoData.API() || view.LevelRank(l) > view.LevelRank(worst)) {
					worst = l
				}
			}
		}
	}
	asns, areas := r.ASNs, r.Areas
	if asns == nil {
		asns = []uint32{}
	}
	if areas == nil {
		areas = []string{}
	}
	return participantRow{ID: r.ID, UID: r.UID, Organisation: r.Organisation, Programme: r.Programme, ASNs: asns,
		Approved: stamp(r.Approved), Areas: areas, Action1Mark: worst,
		AntiSpoofing: mean(vocab.AntiSpoofing), Coordination: mean(vocab.Coordination),
		IRR: mean(vocab.RoutingInformationIRR), RPKI: mean(vocab.RoutingInformationRPKI)}
}

var programmes = []string{"netops", "ixp", "cdn", "vendor"}

func (c *call) participantBody() (*store.Participant, error) {
	var in participantInput
	if err := c.decodeBody(&in); err != nil {
		return nil, err
	}
	in.Organisation = strings.TrimSpace(in.Organisation)
	switch {
	case !cleanText(in.Organisation) || !cleanText(in.Areas...):
		return nil, badRequest("organisation and areas must be UTF-8 text without NUL")
	case in.Organisation == "" || len(in.Organisation) > 200:
		return nil, badRequest("organisation: want 1 to 200 bytes")
	case !slices.Contains(programmes, string(in.Programme)):
		return nil, badRequest("programme %s: want one of %s", quote(string(in.Programme)), strings.Join(programmes, ", "))
	case len(in.ASNs) > 10000:
		return nil, badRequest("asns: more than 10000")
	case len(in.Areas) > 300:
		return nil, badRequest("areas: more than 300")
	}
	if slices.Contains(in.ASNs, 0) {
		return nil, badRequest("asns: AS0 is reserved")
	}
	for _, a := range in.Areas {
		if a == "" || len(a) > 100 {
			return nil, badRequest("areas: each wants 1 to 100 bytes")
		}
	}
	asns := storeASNs(in.ASNs)
	slices.Sort(asns)
	return &store.Participant{Organisation: in.Organisation, Programme: string(in.Programme),
		ASNs: slices.Compact(asns), Approved: in.Approved.UTC(), Areas: in.Areas}, nil
}

// putParticipant stores p under id (0: new) and answers with it.
func (s *Server) putParticipant(c *call, id int64, p *store.Participant, status int) error {
	r := &store.Registered{ID: id, Participant: *p, UpdatedAt: s.opt.Now().UTC()}
	newID, err := s.svc.PutParticipant(c.ctx(), r)
	var taken *store.ASNConflictError
	if errors.As(err, &taken) {
		return conflict("AS%d is registered to %s: an ASN belongs to one participant", taken.ASN, quote(taken.Holder))
	}
	if errors.Is(err, store.ErrConflict) {
		return conflict("a participant named %s exists", quote(p.Organisation))
	}
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no participant %d", id)
	}
	if err != nil {
		return fmt.Errorf("store participant: %w", err)
	}
	s.registryChanged()
	got, err := s.svc.RegisteredParticipant(c.ctx(), newID)
	if err != nil {
		return fmt.Errorf("read back participant %d: %w", newID, err)
	}
	return c.writeJSON(status, toRegistered(got))
}

func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// createParticipant: POST /api/v2/participants (secretariat).
func (s *Server) createParticipant(c *call) error {
	if err := c.needRole(store.RoleSecretariat); err != nil {
		return err
	}
	if err := s.needService(); err != nil {
		return err
	}
	p, err := c.participantBody()
	if err != nil {
		return err
	}
	return s.putParticipant(c, 0, p, http.StatusCreated)
}

// replaceParticipant: PUT /api/v2/participants/{id} (secretariat).
func (s *Server) replaceParticipant(c *call) error {
	id, err := c.secretariatOn()
	if err != nil {
		return err
	}
	p, err := c.participantBody()
	if err != nil {
		return err
	}
	if _, err := s.svc.RegisteredParticipant(c.ctx(), id); errors.Is(err, store.ErrNotFound) {
		return notFound("no participant %d", id)
	} else if err != nil {
		return fmt.Errorf("read participant %d: %w", id, err)
	}
	return s.putParticipant(c, id, p, http.StatusOK)
}

// deleteParticipant: DELETE /api/v2/participants/{id} (secretariat). The
// participant's keys are revoked with it.
func (s *Server) deleteParticipant(c *call) error {
	id, err := c.secretariatOn()
	if err != nil {
		return err
	}
	err = s.svc.DeleteParticipant(c.ctx(), id, s.opt.Now().UTC())
	if errors.Is(err, store.ErrNotFound) {
		return notFound("no participant %d", id)
	}
	if err != nil {
		return fmt.Errorf("delete participant %d: %w", id, err)
	}
	s.registryChanged()
	c.w.WriteHeader(http.StatusNoContent)
	return nil
}

// secretariatOn admits the secretariat alone, on a server with a Service,
// and reads the {id} the request names.
func (c *call) secretariatOn() (int64, error) {
	if err := c.needRole(store.RoleSecretariat); err != nil {
		return 0, err
	}
	if err := c.s.needService(); err != nil {
		return 0, err
	}
	return parseID(c.r.PathValue("id"))
}
