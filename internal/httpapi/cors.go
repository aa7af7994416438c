package httpapi

import (
	"net/http"
	"strings"

	"github.com/observatory-net/observatory/internal/access"
)

// CORS (issue 16, deliverable 8). The public endpoints, which answer
// anonymous callers with what anyone may see, allow any origin to read
// them (Access-Control-Allow-Origin: *) and answer the preflight of a GET;
// a request with a key, and every endpoint that needs one, gets no CORS
// header at all, so that no page of another origin can make a browser
// spend a key it holds: a keyed request is never readable cross-origin,
// and the preflight allows no Authorization header.

// corsPublic are the paths of the public GET endpoints.
var corsPublic = map[string]bool{
	"/api/v2/asns":                 true,
	"/api/v2/ases":                 true,
	"/api/v2/ases/{asn}":           true,
	"/api/v2/scores/summary":       true,
	"/api/v2/roas/asn/{asn}":       true,
	"/api/v2/roas/economy/{cc}":    true,
	"/api/v2/participants":         true,
	"/api/v2/specs":                true,
	"/api/v2/specs/{id}/{version}": true,
	"/api/v2/openapi.json":         true,
	"/api/v2/growth":               true,
	"/api/asns":                    true,
	"/api/asns/info":               true,
	"/api/asns/info/{id}":          true,
	"/api/ixps/info":               true,
	"/api/roas/asn/{asn}":          true,
	"/api/roas/country/{cc}":       true,
	"/api/conformance/net-ops":     true,
	"/api/conformance/cdns":        true,
	"/api/conformance/ixps":        true,
	"/api/conformance/vendors":     true,
}

// allowOrigin sets Access-Control-Allow-Origin: * on the answer to an
// anonymous GET or HEAD of a public endpoint (rt).
func allowOrigin(w http.ResponseWriter, r *http.Request, rt route) {
	if rt.method != http.MethodGet || !corsPublic[rt.path] || r.Header.Get("Authorization") != "" {
		return
	}
	if p, ok := r.Context().Value(verifiedKey{}).(access.Principal); ok && p.Key != nil {
		return // a dashboard session: same origin, keyed
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// registerPreflight answers the CORS preflight (OPTIONS) of the public
// endpoints: GET and HEAD from any origin, with no request header beyond
// the CORS-safelisted ones (not Authorization).
func (s *Server) registerPreflight() {
	for _, rt := range s.routes {
		if rt.method != http.MethodGet || !corsPublic[rt.path] {
			continue
		}
		s.mux.HandleFunc("OPTIONS "+rt.path, func(w http.ResponseWriter, r *http.Request) {
			h := w.Header()
			h.Set("Allow", "GET, HEAD, OPTIONS")
			if r.Header.Get("Origin") != "" {
				h.Set("Access-Control-Allow-Origin", "*")
				h.Set("Access-Control-Allow-Methods", "GET, HEAD")
				h.Set("Access-Control-Max-Age", "86400")
				if req := r.Header.Get("Access-Control-Request-Headers"); req != "" && !strings.Contains(strings.ToLower(req), "authorization") {
					h.Set("Access-Control-Allow-Headers", req)
				}
			}
			w.WriteHeader(http.StatusNoContent)
		})
	}
}
