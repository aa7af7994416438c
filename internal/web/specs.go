package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/observatory-net/observatory/internal/spec"
)

type specsPage struct {
	Specs   []*spec.Spec
	Default string
}

func (specsPage) PageTitle() string { return "Specifications" }

// specs: GET /specs, the embedded specification versions.
func (s *Server) specs(q *request) error {
	all, err := spec.All()
	if err != nil {
		return fmt.Errorf("read specifications: %w", err)
	}
	return q.render(http.StatusOK, "specs", specsPage{Specs: all, Default: spec.Default})
}

type specDiffPage struct {
	A, B    *spec.Spec
	Refs    []string
	Changes []spec.Change
}

func (p specDiffPage) PageTitle() string { return "Changes from " + p.A.Ref() + " to " + p.B.Ref() }

// specDiff: GET /specs/diff?a=ID@V&b=ID@V.
func (s *Server) specDiff(q *request) error {
	v := q.r.URL.Query()
	get := func(ref string) (*spec.Spec, error) {
		if ref == "" || len(ref) > 80 {
			return nil, badRequest("want ?a=ID@VERSION&b=ID@VERSION")
		}
		sp, err := spec.Get(ref)
		if errors.Is(err, spec.ErrNotFound) {
			return nil, notFound("no specification %q", truncate(ref, 40))
		}
		if err != nil {
			return nil, badRequest("specification %q: %v", truncate(ref, 40), err)
		}
		return sp, nil
	}
	a, err := get(v.Get("a"))
	if err != nil {
		return err
	}
	b, err := get(v.Get("b"))
	if err != nil {
		return err
	}
	all, err := spec.All()
	if err != nil {
		return fmt.Errorf("read specifications: %w", err)
	}
	p := specDiffPage{A: a, B: b, Changes: spec.Diff(a, b)}
	for _, sp := range all {
		p.Refs = append(p.Refs, sp.Ref())
	}
	return q.render(http.StatusOK, "specdiff", p)
}
