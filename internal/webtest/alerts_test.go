package webtest

import (
	"net/netip"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/store/sqlite"
)

// TestAlerts_Pages records a live incident in the dashboard's store (as
// observatory live --db does) and loads the Alerts pages as the
// secretariat, light and dark, clean and within their boxes: the list
// row links to the incident's page, which shows its path and covering
// VRP; an anonymous visitor sees neither.
func TestAlerts_Pages(t *testing.T) {
	dashboard(t)
	e := setUp(t)
	st, err := sqlite.Open(t.Context(), e.db)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2014, 5, 20, 8, 0, 0, 0, time.UTC)
	a := store.AlertIncident{ID: "rpki-invalid-webtest", Kind: "rpki-invalid", Prefix: netip.MustParsePrefix("193.0.0.0/24"), Origin: 64511,
		ASNs: []uint32{3333, 64511}, Opened: at, Closed: at.Add(42 * time.Second), Updated: at,
		Doc: []byte(`{"id":"rpki-invalid-webtest","watches":["ripe-ncc"],"watchedPrefix":"193.0.0.0/21","expectedOrigins":[3333],
			"evidence":{"peers":0,"maxPeers":1,"paths":["64496 64511"],"rpki":"invalid-asn","vrps":[{"prefix":"193.0.0.0/21","maxLength":21,"asn":3333,"ta":"ripe"}]}}`)}
	err = st.RecordAlert(t.Context(), &a)
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	for name, opts := range map[string][]pageOption{"light": nil, "dark": {darkMode}} {
		t.Run(name, func(t *testing.T) {
			p := signedIn(t, newPage(t, opts...), "secretariat").open("/alerts")
			p.checkClean()
			p.checkLayout()
			if n := count(p, `#alerts tr[data-id="rpki-invalid-webtest"] a[href="/alerts/rpki-invalid-webtest"]`, true); n != 1 {
				t.Fatalf("the list has no row linking to the incident")
			}
			if n := count(p, `nav a[href="/alerts"]`, true); n != 1 {
				t.Errorf("no Alerts link in the navigation")
			}
			p.open("/alerts/rpki-invalid-webtest")
			p.checkClean()
			p.checkLayout()
			p.screenshot("")
			if n := count(p, `#paths code`, true); n != 1 {
				t.Errorf("the incident page shows %d paths, want 1", n)
			}
			if n := count(p, `#vrps tbody tr`, true); n != 1 {
				t.Errorf("the incident page shows %d covering VRPs, want 1", n)
			}
		})
	}
	t.Run("anonymous", func(t *testing.T) {
		p := newPage(t).open("/alerts/rpki-invalid-webtest")
		if n := count(p, "#paths", false); n != 0 {
			t.Errorf("an anonymous visitor sees the incident's evidence")
		}
	})
}
