package forwarded

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestParseProxies(t *testing.T) {
	tests := []struct {
		in      string
		want    string // the prefixes joined by spaces
		wantErr bool
	}{
		{"", "", false},
		{"127.0.0.1/32", "127.0.0.1/32", false},
		{" 10.1.2.3/8 , ::1 ,192.0.2.7", "10.0.0.0/8 ::1/128 192.0.2.7/32", false},
		{"::ffff:10.0.0.0/104", "10.0.0.0/8", false},
		{"10.0.0.0/33", "", true},
		{"proxy.example", "", true},
		{"10.0.0.0/8,,", "10.0.0.0/8", false},
	}
	for _, tt := range tests {
		ps, err := ParseProxies(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("ParseProxies(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		got := ""
		for i, p := range ps {
			if i > 0 {
				got += " "
			}
			got += p.String()
		}
		if got != tt.want {
			t.Errorf("ParseProxies(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestResolve: headers count only from a trusted peer; the client is the
// rightmost untrusted hop.
func TestResolve(t *testing.T) {
	trusted, err := ParseProxies("127.0.0.1/32,10.0.0.0/8")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		proxies Proxies
		peer    string
		xff     []string
		proto   string
		tls     bool
		want    string
		secure  bool
	}{
		{"no proxies: the peer", nil, "127.0.0.1:5000", []string{"203.0.113.9"}, "https", false, "127.0.0.1", false},
		{"untrusted peer: headers ignored", trusted, "198.51.100.1:5000", []string{"203.0.113.9"}, "https", false, "198.51.100.1", false},
		{"trusted peer, one hop", trusted, "127.0.0.1:5000", []string{"203.0.113.9"}, "https", false, "203.0.113.9", true},
		{"forged left hops are skipped", trusted, "127.0.0.1:5000", []string{"6.6.6.6, 203.0.113.9"}, "", false, "203.0.113.9", false},
		{"trusted hops are walked past", trusted, "127.0.0.1:5000", []string{"203.0.113.9, 10.1.1.1", "10.2.2.2"}, "http", false, "203.0.113.9", false},
		{"all hops trusted: the leftmost", trusted, "127.0.0.1:5000", []string{"10.1.1.1, 10.2.2.2"}, "", false, "10.1.1.1", false},
		{"no header: the proxy itself", trusted, "127.0.0.1:5000", nil, "", false, "127.0.0.1", false},
		{"malformed hop: the last trusted", trusted, "127.0.0.1:5000", []string{"203.0.113.9, unknown, 10.1.1.1"}, "", false, "10.1.1.1", false},
		{"hop with a port, mapped IPv4", trusted, "[::ffff:127.0.0.1]:5000", []string{"[2001:db8::1]:443"}, "HTTPS", false, "2001:db8::1", true},
		{"first proto counts", trusted, "127.0.0.1:5000", []string{"203.0.113.9"}, "https, http", false, "203.0.113.9", true},
		{"own TLS is secure", nil, "198.51.100.1:5000", nil, "", true, "198.51.100.1", true},
		{"unparsable peer kept raw", trusted, "pipe", []string{"203.0.113.9"}, "https", false, "pipe", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.peer
			for _, v := range tt.xff {
				r.Header.Add("X-Forwarded-For", v)
			}
			if tt.proto != "" {
				r.Header.Set("X-Forwarded-Proto", tt.proto)
			}
			if tt.tls {
				r.TLS = &tls.ConnectionState{}
			}
			c := tt.proxies.Resolve(r)
			if c.String() != tt.want || c.Secure != tt.secure {
				t.Errorf("Resolve() = %s secure %v, want %s secure %v", c, c.Secure, tt.want, tt.secure)
			}
		})
	}
}

// TestHandler: layers behind the handler read what it decided; without
// it, the peer.
func TestHandler(t *testing.T) {
	ps, _ := ParseProxies("192.0.2.0/24")
	var got Client
	h := ps.Handler(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = Of(r) }))
	r := httptest.NewRequest("GET", "/", nil) // RemoteAddr 192.0.2.1:1234
	r.Header.Set("X-Forwarded-For", "203.0.113.5")
	r.Header.Set("X-Forwarded-Proto", "https")
	h.ServeHTTP(httptest.NewRecorder(), r)
	if got.String() != "203.0.113.5" || !got.Secure {
		t.Errorf("behind the handler: %s secure %v, want 203.0.113.5 secure", got, got.Secure)
	}
	if a, s := ClientAddr(r), Secure(r); a != "192.0.2.1" || s {
		t.Errorf("without the handler: %s secure %v, want 192.0.2.1 not secure", a, s)
	}
}
