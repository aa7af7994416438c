package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/observatory-net/observatory/api"
	"github.com/observatory-net/observatory/internal/store"
)

// contract is api/openapi.yaml, loaded once for every test.
var contract = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapi3.NewLoader().LoadFromData(api.YAML)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, err
	}
	return legacy.NewRouter(doc)
})

// validating is an http.RoundTripper that checks every response against
// the contract: the operation must exist, the status must be one it
// documents, and headers and body must match its schema. Only the 404 of
// an unknown path and the 405 of an undocumented method escape the
// operation lookup, and they must still be problem details.
type validating struct {
	t    testing.TB
	next http.RoundTripper
}

func (v validating) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := v.next.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	resp.Body = io.NopCloser(bytes.NewReader(body))
	v.t.Helper()
	validateResponse(v.t, req, resp, body)
	return resp, nil
}

func validateResponse(t testing.TB, req *http.Request, resp *http.Response, body []byte) {
	t.Helper()
	what := req.Method + " " + req.URL.RequestURI()
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("%s: status %d: %s", what, resp.StatusCode, body)
	}
	if resp.StatusCode >= 400 && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("%s: status %d with Content-Type %q, want application/problem+json", what, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	router, err := contract()
	if err != nil {
		t.Fatalf("load the contract: %v", err)
	}
	find := req
	if req.Method == http.MethodHead { // HEAD is the GET operation without a body
		find = req.Clone(req.Context())
		find.Method = http.MethodGet
	}
	route, params, err := router.FindRoute(find)
	if err != nil {
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMethodNotAllowed {
			t.Errorf("%s: not in the contract (%v) but answered %d", what, err, resp.StatusCode)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 resp.StatusCode,
		Header:                 resp.Header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	in.SetBodyBytes(body)
	if req.Method == http.MethodHead {
		return
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s: response %d does not match the contract: %v\nbody: %.500s", what, resp.StatusCode, err, body)
	}
}

// TestRoutes_InContract fails for any route the server has and the
// contract lacks.
func TestRoutes_InContract(t *testing.T) {
	router, err := contract()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Options{Store: nopStore{}})
	if err != nil {
		t.Fatal(err)
	}
	for _, rt := range s.routes {
		path := strings.NewReplacer("{asn}", "AS1", "{id}", "1", "{cc}", "NL", "{version}", "1").Replace(rt.path)
		req := httptest.NewRequest(rt.method, path, nil)
		if _, _, err := router.FindRoute(req); err != nil {
			t.Errorf("%s %s: not in api/openapi.yaml: %v", rt.method, rt.path, err)
		}
	}
}

// nopStore is a store with nothing in it, for tests that serve nothing.
type nopStore struct{ store.Store }

// env is a running server on a store, with a client that validates every
// response against the contract.
type env struct {
	t      *testing.T
	st     store.Store
	s      *Server
	srv    *httptest.Server
	client *http.Client
}

func newEnv(t *testing.T, st store.Store, opt Options) *env {
	t.Helper()
	opt.Store = st
	s, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() { srv.Close(); s.Close() })
	return &env{t: t, st: st, s: s, srv: srv,
		client: &http.Client{Transport: validating{t, srv.Client().Transport}}}
}

// do sends a request; header pairs follow the body.
func (e *env) do(method, path, body string, header ...string) (*http.Response, []byte) {
	e.t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.srv.URL+path, r)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := e.client.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp, b
}

// get sends a GET and checks the status.
func (e *env) get(path string, want int, header ...string) []byte {
	e.t.Helper()
	resp, b := e.do(http.MethodGet, path, "", header...)
	if resp.StatusCode != want {
		e.t.Errorf("GET %s: status %d, want %d: %.300s", path, resp.StatusCode, want, b)
	}
	return b
}
