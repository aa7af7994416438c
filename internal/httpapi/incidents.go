package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"

	"github.com/observatory-net/observatory/internal/store"
)

// listIncidents: GET /api/v2/incidents?asn=&month=. Without asn a
// participant key lists its own ASNs' incidents, partner and secretariat
// keys all of them.
func (s *Server) listIncidents(c *call) error {
	var asns []uint32
	view := viewAll
	if a := c.q.Get("asn"); a != "" {
		asn, err := c.requireASN(a)
		if err != nil {
			return err
		}
		asns = []uint32{asn}
	} else {
		if err := c.needKey(); err != nil {
			return err
		}
		if !c.who.SeesAll() {
			asns, view = append([]uint32{}, c.who.ASNs...), c.who.view()
		}
	}
	pr, m, err := c.pagedMonth()
	if err != nil {
		return err
	}
	c.heavy = asns == nil // every incident of the month
	return c.serveMonth(m, view, func() (any, error) {
		if len(asns) == 1 {
			if _, err := s.oneASN(c, m, asns[0]); err != nil {
				return nil, err
			}
		}
		incs, err := s.incidentsWithTrail(c, m, asns)
		if err != nil {
			return nil, err
		}
		p, err := pr.window(len(incs))
		if err != nil {
			return nil, err
		}
		return incidentList{MonthData: head(m), NextPageToken: p.next, Items: incs[p.start:p.end]}, nil
	})
}

// decodeBody reads a JSON request body of at most MaxBodyBytes into v,
// refusing unknown fields and trailing data.
func (c *call) decodeBody(v any) error {
	if ct := c.r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || mt != "application/json" {
			return problem(http.StatusUnsupportedMediaType, "unsupported-media-type",
				"Content-Type %s: want application/json", quote(ct))
		}
	}
	body := http.MaxBytesReader(c.w, c.r.Body, MaxBodyBytes)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		err = onlySpace(io.MultiReader(dec.Buffered(), body))
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return problem(http.StatusRequestEntityTooLarge, "body-too-large", "the body exceeds %d bytes", MaxBodyBytes)
	case errors.Is(err, io.EOF):
		return badRequest("a JSON body is required")
	case err != nil:
		return badRequest("malformed JSON body: %s", quote(err.Error()))
	}
	return nil
}

// onlySpace reads r to its end and fails unless it held JSON white space
// only (RFC 8259 §2): what follows the body's value must not be ignored,
// be it a second value or a stray "}" or "]", which json.Decoder.More
// does not report.
func onlySpace(r io.Reader) error {
	var buf [512]byte
	for {
		n, err := r.Read(buf[:])
		for _, b := range buf[:n] {
			if b != ' ' && b != '\t' && b != '\n' && b != '\r' {
				return fmt.Errorf("data after the JSON value, from %q", b)
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// needService answers 503 when the server runs without a store.Service.
func (s *Server) needService() error {
	if s.svc == nil {
		return problem(http.StatusServiceUnavailable, "unavailable", "this store does not keep keys, participants or feedback")
	}
	return nil
}

// flagIncident: POST /api/v2/incidents/{id}/feedback, by a participant
// key on an incident of its own ASN (view.View.Flag).
func (s *Server) flagIncident(c *call) error {
	if err := c.needRole(store.RoleParticipant); err != nil {
		return err
	}
	if err := s.needService(); err != nil {
		return err
	}
	var req feedbackRequest
	if err := c.decodeBody(&req); err != nil {
		return err
	}
	f, err := s.view.Flag(c.ctx(), &c.who.Principal, c.r.PathValue("id"), req.Reason)
	if err != nil {
		return err
	}
	return c.writeJSON(http.StatusCreated, toFeedback(f))
}

// listFeedback: GET /api/v2/feedback?verdict=. A feedback trail is part
// of the evidence (access.Principal.SeesTrail): partner and secretariat
// keys list all of it, a participant key its own ASNs'.
func (s *Server) listFeedback(c *call) error {
	if err := c.needKey(); err != nil {
		return err
	}
	if err := s.needService(); err != nil {
		return err
	}
	f := store.FeedbackFilter{Verdict: store.Verdict(c.q.Get("verdict"))}
	switch f.Verdict {
	case "", store.VerdictPending, store.VerdictAccepted, store.VerdictRejected:
	default:
		return badRequest("verdict %s: want pending, accepted or rejected", quote(c.q.Get("verdict")))
	}
	out := feedbackList{Items: []feedbackJSON{}}
	asns, all := c.who.TrailScope()
	if !all {
		if len(asns) == 0 { // an empty filter would match everything
			return c.writeJSON(http.StatusOK, out)
		}
		f.ASNs = asns
	}
	fbs, err := s.svc.Feedbacks(c.ctx(), f)
	if err != nil {
		return fmt.Errorf("list feedback: %w", err)
	}
	fbs = slices.DeleteFunc(fbs, func(fb store.Feedback) bool { return !c.who.SeesTrail(fb.ASN) })
	p, err := paginate(c.q, len(fbs), fmt.Sprint(c.who.view(), withoutPaging(c.q)))
	if err != nil {
		return err
	}
	for i := p.start; i < p.end; i++ {
		out.Items = append(out.Items, toFeedback(&fbs[i]))
	}
	out.NextPageToken = p.next
	return c.writeJSON(http.StatusOK, out)
}
