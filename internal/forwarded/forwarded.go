// Package forwarded decides who a request comes from when `observatory
// serve` runs behind reverse proxies: the client's address (for rate
// limits and the access log) and whether the client reached the server
// over TLS (for the Secure attribute of cookies).
//
// X-Forwarded-For and X-Forwarded-Proto are believed only when the peer
// itself is a configured trusted proxy; without one (the default) every
// request is its peer's, whatever headers it sends. With trusted
// proxies, the client is the rightmost address of X-Forwarded-For that is
// not itself a trusted proxy: every hop left of it could have been written
// by the client.
//
// The front handler (Proxies.Handler) decides once per request and puts
// the answer in the request's context, where every layer behind it reads
// it with Of, ClientAddr and Secure.
package forwarded

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Proxies are the trusted reverse proxies' prefixes; nil trusts none.
type Proxies []netip.Prefix

// ParseProxies parses a comma-separated list of prefixes (CIDR) or
// single addresses, as --trusted-proxy takes it. The empty string is no
// proxy.
func ParseProxies(s string) (Proxies, error) {
	var ps Proxies
	for f := range strings.SplitSeq(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := parsePrefix(f)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an address or a prefix such as 10.0.0.0/8", f)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, err
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(0, p.Bits()-96))
		}
		return p.Masked(), nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	a = a.Unmap().WithZone("")
	return netip.PrefixFrom(a, a.BitLen()), nil
}

// Trusts reports whether a is one of the proxies.
func (ps Proxies) Trusts(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Client is who a request comes from.
type Client struct {
	// Addr is the client's address; invalid when the peer's could not be
	// parsed (an in-process request), and then Raw names it.
	Addr netip.Addr
	// Raw is the peer address as the server got it, for the invalid case.
	Raw string
	// Secure reports that the client reached us over TLS: this server's
	// own, or a trusted proxy's that said X-Forwarded-Proto: https.
	Secure bool
}

// String is the client's address as logs and rate-limit buckets name it.
func (c Client) String() string {
	if c.Addr.IsValid() {
		return c.Addr.String()
	}
	return c.Raw
}

// Resolve decides the client of r by ps.
func (ps Proxies) Resolve(r *http.Request) Client {
	peer, raw := peerOf(r)
	c := Client{Addr: peer, Raw: raw, Secure: r.TLS != nil}
	if !peer.IsValid() || !ps.Trusts(peer) {
		return c
	}
	c.Addr = ps.clientOf(peer, r.Header.Values("X-Forwarded-For"))
	if !c.Secure {
		c.Secure = strings.EqualFold(firstValue(r.Header.Values("X-Forwarded-Proto")), "https")
	}
	return c
}

// clientOf walks X-Forwarded-For from the right, past trusted proxies,
// and returns the first address that is not one. A malformed hop ends
// the walk at the last trusted hop: the proxy that wrote it is the last
// party believed.
func (ps Proxies) clientOf(peer netip.Addr, xff []string) netip.Addr {
	var hops []string
	for _, h := range xff {
		hops = append(hops, strings.Split(h, ",")...)
	}
	last := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, ok := parseHop(hops[i])
		if !ok {
			return last
		}
		if !ps.Trusts(a) {
			return a
		}
		last = a
	}
	return last
}

// parseHop parses one X-Forwarded-For element: an address, maybe with a
// port or in brackets, as some proxies write it.
func parseHop(s string) (netip.Addr, bool) {
	s = strings.TrimSpace(s)
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap().WithZone(""), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap().WithZone(""), true
	}
	if a, err := netip.ParseAddr(strings.TrimSuffix(strings.TrimPrefix(s, "["), "]")); err == nil {
		return a.Unmap().WithZone(""), true
	}
	return netip.Addr{}, false
}

// firstValue is the first comma-separated element of a header's values:
// the scheme the first proxy saw. A client can forge it only for itself
// (a Secure cookie it then does not get back over plain HTTP).
func firstValue(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	v, _, _ := strings.Cut(vs[0], ",")
	return strings.TrimSpace(v)
}

// peerOf is the address of r's peer, and the raw RemoteAddr.
func peerOf(r *http.Request) (netip.Addr, string) {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Addr{}, host
	}
	return a.Unmap().WithZone(""), host
}

type ctxKey struct{}

// Handler decides each request's client by ps and passes the request on
// with it in its context.
func (ps Proxies) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := ps.Resolve(r)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, c)))
	})
}

// Of is the client of r: as a Proxies.Handler in front decided, or
// without one, r's peer trusting no proxy.
func Of(r *http.Request) Client {
	if c, ok := r.Context().Value(ctxKey{}).(Client); ok {
		return c
	}
	return Proxies(nil).Resolve(r)
}

// ClientAddr is Of(r).String(): the client's address.
func ClientAddr(r *http.Request) string { return Of(r).String() }

// Secure is Of(r).Secure: whether the client came over TLS.
func Secure(r *http.Request) bool { return Of(r).Secure }
