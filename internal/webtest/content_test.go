package webtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// narrow emulates a 390 px wide phone screen.
func narrow(ctx context.Context) error {
	return chromedp.Do(ctx, chromedp.EmulateViewport(390, 844))
}

// contentViews are the widths and themes every content page is checked in.
var contentViews = []struct {
	name string
	opts []pageOption
}{
	{"1280-light", nil}, {"1280-dark", []pageOption{darkMode}},
	{"390-light", []pageOption{narrow}}, {"390-dark", []pageOption{narrow, darkMode}},
}

// openAs opens path in a view, signed in as role ("" anonymous), and
// checks it is clean and within its boxes.
func openAs(t *testing.T, role, path string, opts []pageOption) *page {
	t.Helper()
	p := newPage(t, opts...)
	if role != "" {
		signedIn(t, p, role)
	}
	p.open(path)
	p.checkClean()
	p.checkLayout()
	p.screenshot("")
	return p
}

// TestContent_ASNInvalidRoutes: the invalid-only route table of a real
// network, at both widths, light and dark: as many rows as the API's
// invalid routes, each with covering VRPs none of which authorises the
// route (the classification's own rule: same origin, length within the
// maximum), and the summary's counts equal to the API's.
func TestContent_ASNInvalidRoutes(t *testing.T) {
	dashboard(t)
	var d struct {
		Routes []struct {
			Prefix string `json:"prefix"`
			RPKI   string `json:"rpki"`
		} `json:"routes"`
	}
	getJSON(t, "partner", fmt.Sprintf("/api/v2/scores/details?month=%s&asn=%d", month, ownASN), &d)
	invalid := 0
	for _, r := range d.Routes {
		if strings.HasPrefix(r.RPKI, "invalid") {
			invalid++
		}
	}
	if invalid == 0 {
		t.Fatalf("AS%d has no RPKI-invalid route in %s", ownASN, month)
	}
	for _, v := range contentViews {
		t.Run(v.name, func(t *testing.T) {
			p := openAs(t, "partner", fmt.Sprintf("/asn/AS%d?month=%s&rpki=invalid", ownASN, month), v.opts)
			if got := eval[string](p, `document.querySelector('[data-routes="invalid"]').dataset.value`); got != strconv.Itoa(invalid) {
				t.Errorf("summary: %s invalid routes, API %d", got, invalid)
			}
			rows := eval[[]struct {
				Prefix, RPKI string
				VRPs         [][2]string
			}](p, `Array.from(document.querySelectorAll("#routes tbody tr"), r => ({Prefix: r.dataset.prefix, RPKI: r.dataset.rpki,
				VRPs: Array.from(r.querySelectorAll("[data-vrp-asn]"), li => [li.dataset.vrpAsn, li.dataset.vrpMaxlen])}))`)
			if len(rows) != min(invalid, 100) {
				t.Errorf("%d rows shown, API %d invalid routes", len(rows), invalid)
			}
			for _, r := range rows {
				pfx, err := netip.ParsePrefix(r.Prefix)
				if err != nil || !strings.HasPrefix(r.RPKI, "invalid") || len(r.VRPs) == 0 {
					t.Errorf("row %+v: want an invalid route with its covering VRPs", r)
					continue
				}
				for _, vrp := range r.VRPs {
					maxLen, _ := strconv.Atoi(vrp[1])
					if vrp[0] == strconv.Itoa(ownASN) && maxLen >= pfx.Bits() {
						t.Errorf("%s: VRP AS%s up to /%d would make it valid", r.Prefix, vrp[0], maxLen)
					}
				}
			}
		})
	}
}

// TestContent_EvidenceCulprit: on a real network's incidents each path
// marks the AS the event charges (the API's evidence names it: leaker,
// origin or customer) and the shared rule is said once, not per row.
func TestContent_EvidenceCulprit(t *testing.T) {
	dashboard(t)
	var api struct {
		Items []struct {
			ID       string            `json:"id"`
			Evidence []json.RawMessage `json:"evidence"`
		} `json:"items"`
	}
	getJSON(t, "partner", fmt.Sprintf("/api/v2/incidents?month=%s&asn=%d", month, otherASN), &api)
	for _, v := range contentViews[:2] {
		t.Run(v.name, func(t *testing.T) {
			p := openAs(t, "partner", fmt.Sprintf("/asn/AS%d?month=%s", otherASN, month), v.opts)
			shown := eval[map[string][]string](p, `Object.fromEntries(Array.from(document.querySelectorAll("article.incident"),
				a => [a.dataset.incident, Array.from(a.querySelectorAll("tbody tr:first-child mark.culprit"), m => m.textContent)]))`)
			for _, inc := range api.Items {
				if len(inc.Evidence) == 0 {
					continue
				}
				var first map[string]any
				if json.Unmarshal(inc.Evidence[0], &first) != nil || first["path"] == nil {
					continue
				}
				want := fmt.Sprint(otherASN)
				for _, k := range []string{"leaker", "origin", "customer"} {
					if s, ok := first[k].(string); ok && s != "" {
						want = s
						break
					}
				}
				if got := shown[inc.ID]; len(got) == 0 || got[0] != want {
					t.Errorf("incident %s: culprit marked %q, evidence names %s", inc.ID, got, want)
				}
			}
			if n := eval[int](p, `Array.from(document.querySelectorAll("table.evtable thead th")).filter(th => th.textContent === "rule").length`); n != 0 {
				t.Errorf("%d evidence tables repeat the shared rule as a column", n)
			}
		})
	}
}

// TestContent_SecretariatPages: the participants failing an Action and
// the feedback review queue, as the secretariat sees them, against the
// API, at both widths, light and dark.
func TestContent_SecretariatPages(t *testing.T) {
	dashboard(t)
	var parts struct {
		Items []apiParticipant `json:"items"`
	}
	getJSON(t, "secretariat", "/api/v2/participants?month="+month, &parts)
	failing := 0
	for _, r := range parts.Items {
		for _, l := range []string{r.Action1Mark, r.AntiSpoofing.Level, r.Coordination.Level, r.IRR.Level, r.RPKI.Level} {
			if l == "lagging" {
				failing++
				break
			}
		}
	}
	for i, v := range contentViews {
		if i == 0 || i == 3 { // the participants page is not new: its widest and its narrowest dark view
			t.Run("participants/"+v.name, func(t *testing.T) {
				p := openAs(t, "secretariat", "/participants?failing=1&month="+month, v.opts)
				if got := eval[string](p, `document.querySelector("#failing-count").dataset.failing`); got != strconv.Itoa(failing) {
					t.Errorf("failing count %s, API %d", got, failing)
				}
				if n := count(p, "#participants-table tbody tr", false); n != failing {
					t.Errorf("%d rows with ?failing=1, API %d failing", n, failing)
				}
			})
		}
		t.Run("feedback/"+v.name, func(t *testing.T) {
			var fb struct {
				Items []struct {
					ID int64 `json:"id"`
				} `json:"items"`
			}
			getJSON(t, "secretariat", "/api/v2/feedback?verdict=pending&pageSize=500", &fb)
			p := openAs(t, "secretariat", "/feedback", v.opts)
			if got := eval[string](p, `document.querySelector("#pending-count").dataset.pending`); got != strconv.Itoa(len(fb.Items)) {
				t.Errorf("pending %s, API %d", got, len(fb.Items))
			}
			if n := count(p, "form.review", false); n != len(fb.Items) {
				t.Errorf("%d review forms, API %d pending", n, len(fb.Items))
			}
		})
	}
}

// TestContent_OverviewExplained: a programme's overview at both widths,
// light and dark: one column per programme, the cards' explanations and
// the note beside the shares.
func TestContent_OverviewExplained(t *testing.T) {
	dashboard(t)
	want := summaryOf(t, month, "netops")
	for _, v := range contentViews {
		t.Run(v.name, func(t *testing.T) {
			p := openAs(t, "", "/?region=netops&month="+month, v.opts)
			got := attrTexts(p, "card-networks")
			for _, s := range want.Scores {
				n := s.Counts["ready"] + s.Counts["aspiring"] + s.Counts["lagging"]
				if s.Value != nil && got[s.ID] != strconv.Itoa(n) {
					t.Errorf("%s: card's networks %q, API %d", s.ID, got[s.ID], n)
				}
			}
			if n := eval[int](p, `Array.from(document.querySelectorAll("th")).filter(th => th.textContent === "Participants: netops").length`); n != 1 {
				t.Errorf("%d header cells Participants: netops, want 1", n)
			}
			if count(p, "#share-note", true) != 1 {
				t.Error("no note beside the shares")
			}
		})
	}
}
