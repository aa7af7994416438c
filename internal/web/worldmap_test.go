package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMap_ContinuousScale: 0.04 and 0.40 get different fills, and the
// fill's contrast with the background (its step on the scale, as the CSS
// colours it) never falls as the value rises, in either theme.
func TestMap_ContinuousScale(t *testing.T) {
	f := func(v float64) string { return rampClass(&v) }
	if a, b := f(0.04), f(0.40); a == b {
		t.Errorf("0.04 and 0.40 both fill %s", a)
	}
	if got := rampClass(nil); got != "c-nodata" {
		t.Errorf("no value fills %s, want c-nodata", got)
	}
	nan := math.NaN()
	if got := rampClass(&nan); got != "c-nodata" {
		t.Errorf("NaN fills %s, want c-nodata", got)
	}
	for name, theme := range cssThemes(t) {
		bg := colour(t, theme, "bg").luminance()
		prev, prevV := 0.0, -1.0
		for i := -10; i <= 1010; i++ {
			v := float64(i) / 1000
			cls := f(v)
			r := contrast(colour(t, theme, cls).luminance(), bg)
			if r < prev {
				t.Fatalf("%s: %.3f fills %s (%.3f:1), less than %.3f's %.3f:1", name, v, cls, r, prevV, prev)
			}
			prev, prevV = r, v
		}
	}
	// Every step is reached and each is 5 % wide.
	for k := range mapSteps {
		if got, want := f((float64(k)+0.5)/mapSteps), fmt.Sprintf("v%d", k); got != want {
			t.Errorf("%.3f fills %s, want %s", (float64(k)+0.5)/mapSteps, got, want)
		}
	}
}

// TestMap_FillsFollowValues reads the map of the fixture's month as
// served: every economy's path is filled by the step of the value the
// table beside it shows, and the legend has its gradient, ticks and the
// no-data swatch.
func TestMap_FillsFollowValues(t *testing.T) {
	e := newEnv(t)
	c := e.client(t, "")
	_, body := get(t, c, e.srv.URL, "/map?metric=roa4")
	fill := regexp.MustCompile(`data-cc="([A-Z]{2})" tabindex="-1"><path class="([a-z0-9-]+)"`)
	value := regexp.MustCompile(`data-value="([A-Z]{2})" data-sort-value="([0-9.e-]*)"`)
	fills := map[string]string{}
	for _, m := range fill.FindAllStringSubmatch(body, -1) {
		fills[m[1]] = m[2]
	}
	n := 0
	for _, m := range value.FindAllStringSubmatch(body, -1) {
		want := "c-nodata"
		if m[2] != "" {
			v, err := strconv.ParseFloat(m[2], 64)
			if err != nil {
				t.Fatal(err)
			}
			want = rampClass(&v)
		}
		if got, ok := fills[m[1]]; ok && got != want {
			t.Errorf("%s (%s) filled %s, want %s", m[1], m[2], got, want)
		}
		n++
	}
	if n == 0 || fills["NL"] != "v17" {
		t.Errorf("%d economies in the table; NL filled %q, want v17 (89 %%)", n, fills["NL"])
	}
	for _, want := range []string{`class="ramp"`, `<li>0 %</li>`, `<li>100 %</li>`, `class="swatch c-nodata"`, `href="#map-table"`, `data-metric-help="roa4"`} {
		if !strings.Contains(body, want) {
			t.Errorf("map page lacks %s", want)
		}
	}
}
