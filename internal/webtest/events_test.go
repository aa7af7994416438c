package webtest

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/observatory-net/observatory/api/wire"
)

// phoneWidth emulates a 390 px wide screen (a phone held upright).
func phoneWidth(ctx context.Context) error {
	_, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 1})
	return err
}

// TestEvents_Pages loads the public Events pages of May anonymously at
// 1280 and 390 px, light and dark, clean and within their boxes: the
// list shows the API's events in the API's order, and the first hijack's
// page its evidence paths with the culprit's hop marked, the rule once,
// and the links to its CSV, JSON and permalink.
func TestEvents_Pages(t *testing.T) {
	dashboard(t)
	var l wire.EventList
	getJSON(t, "", "/api/v2/events?month="+month+"&pageSize=200", &l)
	if len(l.Items) == 0 {
		t.Fatal("May has no event: nothing to show")
	}
	var ids []string
	hijack := -1
	for i, e := range l.Items {
		ids = append(ids, e.ID)
		if hijack < 0 && e.Type == "hijack" && len(e.Paths) > 0 {
			hijack = i
		}
	}
	if hijack < 0 {
		t.Fatal("May has no hijack with paths")
	}
	ev := l.Items[hijack]
	var one wire.Event
	getJSON(t, "", "/api/v2/events/"+ev.ID+"?month="+month, &one)
	for _, c := range []struct {
		name string
		opts []pageOption
	}{{"light-1280", nil}, {"dark-1280", []pageOption{darkMode}}, {"light-390", []pageOption{phoneWidth}}, {"dark-390", []pageOption{darkMode, phoneWidth}}} {
		t.Run(c.name, func(t *testing.T) {
			p := newPage(t, c.opts...).open("/events?month=" + month)
			p.checkClean()
			p.checkLayout()
			if got := eval[[]string](p, `Array.from(document.querySelectorAll("#events tbody tr"), r => r.dataset.id)`); !slices.Equal(got, ids) {
				t.Errorf("the page lists %d events, the API %d (or in another order)", len(got), len(ids))
			}
			if n := count(p, `nav a[href="/events"]`, true); n != 1 && !strings.HasSuffix(c.name, "390") {
				t.Errorf("no Events link in the navigation")
			}
			p.open("/events/" + ev.ID + "?month=" + month)
			p.checkClean()
			p.checkLayout()
			p.screenshot("")
			if n := count(p, "#paths tbody tr", true); n != len(one.Paths) {
				t.Errorf("the event page shows %d paths, the API %d", n, len(one.Paths))
			}
			culprit := strconv.FormatUint(uint64(one.Culprit), 10)
			for _, m := range texts(p, "#paths mark.culprit") {
				if m != culprit {
					t.Errorf("marked hop %q, want the culprit %s", m, culprit)
				}
			}
			if n := count(p, "#paths mark.culprit", true); n != len(one.Paths) {
				t.Errorf("%d culprit hops marked in %d paths", n, len(one.Paths))
			}
			if got := texts(p, "#rule strong"); len(got) != 1 || got[0] != one.Rule {
				t.Errorf("rule %q, want %q once", got, one.Rule)
			}
			for _, sel := range []string{`a#csv[href$="/paths.csv?month=` + month + `"]`, `a#json[href^="/api/v2/events/` + ev.ID + `"]`, `a#permalink`} {
				if count(p, sel, true) != 1 {
					t.Errorf("no link %s", sel)
				}
			}
		})
	}
}
