package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServe_BadFlags: serve refuses malformed --trusted-proxy and a
// negative --signin-failures as usage errors, before opening the store.
func TestServe_BadFlags(t *testing.T) {
	for _, tc := range []struct {
		name string
		o    serveOptions
		want string
	}{
		{"trusted proxy", serveOptions{trustedProxies: "10.0.0.0/8,proxy.example"}, "--trusted-proxy"},
		{"trusted proxy prefix", serveOptions{trustedProxies: "10.0.0.0/40"}, "--trusted-proxy"},
		{"sign-in failures", serveOptions{signInFailures: -1}, "--signin-failures"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.db, tc.o.listen, tc.o.shutdownGracePeriod = filepath.Join(t.TempDir(), "obs.db"), "127.0.0.1:0", time.Second
			err := serve(context.Background(), tc.o, io.Discard, nil)
			var ee *exitError
			if !errors.As(err, &ee) || ee.code != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("serve() = %v, want a usage error (exit 2) naming %s", err, tc.want)
			}
			if _, err := os.Stat(tc.o.db); err == nil {
				t.Error("serve created the store before refusing its flags")
			}
		})
	}
}
