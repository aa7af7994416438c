package httpapi

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/api"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

// roas answers with the month's ROA statistics of one scope key.
func (s *Server) roas(c *call, scope, key string) error {
	m, err := c.month()
	if err != nil {
		return err
	}
	return c.serveMonth(m, viewAnonymous, func() (any, error) {
		all, err := s.st.ROAStats(c.ctx(), m.Month, m.Spec, scope)
		if err != nil {
			return nil, fmt.Errorf("read ROA statistics: %w", err)
		}
		out := roaStats{MonthData: head(m), Scope: scope, Key: key, Families: []roaFamily{}}
		for _, r := range all {
			if strings.EqualFold(r.Key, key) {
				out.Families = append(out.Families, roaFamily{Family: r.Family, Valid: r.Valid, Invalid: r.Invalid,
					NotFound: r.NotFound, ValidSpace: r.ValidSpace, InvalidSpace: r.InvalidSpace, NotFoundSpace: r.NotFoundSpace})
			}
		}
		if len(out.Families) == 0 {
			return nil, notFound("no ROA statistics for %s in %s", key, m.Month.Format(vocab.MonthLayout))
		}
		return out, nil
	})
}

// roasOfASN: GET /api/v2/roas/asn/{asn}.
func (s *Server) roasOfASN(c *call) error {
	asn, err := parseASN(c.r.PathValue("asn"))
	if err != nil {
		return err
	}
	return s.roas(c, "asn", "AS"+strconv.FormatUint(uint64(asn), 10))
}

// roasOfEconomy: GET /api/v2/roas/economy/{cc}.
func (s *Server) roasOfEconomy(c *call) error {
	cc := c.r.PathValue("cc")
	if !economy.MatchString(cc) {
		return badRequest("economy %s: want an ISO 3166 alpha-2 code", quote(cc))
	}
	return s.roas(c, "economy", strings.ToUpper(cc))
}

// listSpecs: GET /api/v2/specs.
func (s *Server) listSpecs(c *call) error {
	all, err := spec.All()
	if err != nil {
		return fmt.Errorf("read specifications: %w", err)
	}
	out := specList{Items: []specSummary{}}
	for _, sp := range all {
		out.Items = append(out.Items, specSummary{ID: sp.ID, Version: sp.Version, Ref: sp.Ref(), Title: sp.Title,
			Published: sp.Published, Default: sp.Ref() == spec.Default})
	}
	return c.writeJSON(http.StatusOK, out)
}

// getSpec: GET /api/v2/specs/{id}/{version}.
func (s *Server) getSpec(c *call) error {
	ref := c.r.PathValue("id") + "@" + c.r.PathValue("version")
	if !specRef.MatchString(ref) {
		return notFound("no specification %s", quote(ref))
	}
	sp, err := spec.Get(ref)
	if errors.Is(err, spec.ErrNotFound) {
		return notFound("no specification %s", quote(ref))
	}
	if err != nil {
		return fmt.Errorf("read specification: %w", err)
	}
	return c.writeJSON(http.StatusOK, sp)
}

// openAPI: GET /api/v2/openapi.json, the contract.
func (s *Server) openAPI(c *call) error {
	b, err := api.JSON()
	if err != nil {
		return err
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "public, max-age=3600")
	c.w.Write(b) //nolint:errcheck // the client is gone
	return nil
}

// reviewFeedback: POST /api/v2/feedback/{id}/review (secretariat). An
// accepted incident leaves the score: the month is re-scored in the same
// transaction that records the verdict (view.View.Review).
func (s *Server) reviewFeedback(c *call) error {
	id, err := c.secretariatOn()
	if err != nil {
		return err
	}
	var req reviewRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	fb, err := s.view.Review(c.ctx(), &c.who.Principal, id, store.Verdict(req.Verdict), req.Note)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusOK, toFeedback(fb))
}
