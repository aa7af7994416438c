package securitytest

import (
	"strings"
	"testing"
)

// TestHarness_ServesTheFixture checks the harness itself: each store kind
// holds the month, the server answers it, and a participant key reads its
// own ASN's details.
func TestHarness_ServesTheFixture(t *testing.T) {
	eachStore(t, func(t *testing.T, kind string) {
		dsn := monthStore(t, kind)
		ids := participantIDs(t, dsn)
		_, tok := createKey(t, dsn, "--role", "participant", "--participant", ids["Qualitynet"])
		srv := start(t, dsn, "--rate", "0", "--anonymous-rate", "0")
		r := srv.get(t, "/api/v2/scores/details?asn=9155", tok)
		if r.status != 200 || !strings.Contains(r.body, `"routes"`) {
			t.Fatalf("details of AS9155: %d %.300s", r.status, r.body)
		}
	})
}
