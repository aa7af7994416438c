package web

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// The palette test reads the colours from static/app.css as the browser
// gets them and checks them against WCAG 2.2: relative luminance and
// contrast ratio (https://www.w3.org/TR/WCAG22/#dfn-relative-luminance),
// with deuteranopia simulated by the Machado, Oliveira and Fernandes
// (2009) matrix of severity 1.0 applied to linear RGB.

// rgb is a colour in linear RGB, each channel in [0, 1].
type rgb [3]float64

// parseHex reads #rgb or #rrggbb into linear RGB.
func parseHex(s string) (rgb, error) {
	s = strings.TrimPrefix(s, "#")
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	if len(s) != 6 {
		return rgb{}, fmt.Errorf("colour %q: want #rgb or #rrggbb", s)
	}
	var c rgb
	for i := range 3 {
		v, err := strconv.ParseUint(s[2*i:2*i+2], 16, 8)
		if err != nil {
			return rgb{}, fmt.Errorf("colour %q: %w", s, err)
		}
		c[i] = linear(float64(v) / 255)
	}
	return c, nil
}

// linear undoes the sRGB transfer function (WCAG's formula, with the
// sRGB standard's 0.04045 threshold).
func linear(v float64) float64 {
	if v <= 0.04045 {
		return v / 12.92
	}
	return math.Pow((v+0.055)/1.055, 2.4)
}

// luminance is WCAG's relative luminance.
func (c rgb) luminance() float64 { return 0.2126*c[0] + 0.7152*c[1] + 0.0722*c[2] }

// machadoDeuteranopia is the 2009 matrix for deuteranopia, severity 1.0.
var machadoDeuteranopia = [3][3]float64{
	{0.367322, 0.860646, -0.227968},
	{0.280085, 0.672501, 0.047413},
	{-0.011820, 0.042940, 0.968881},
}

// deuteranopia returns the colour as a deuteranope sees it.
func (c rgb) deuteranopia() rgb {
	var out rgb
	for i, row := range machadoDeuteranopia {
		out[i] = clamp01(row[0]*c[0] + row[1]*c[1] + row[2]*c[2])
	}
	return out
}

// contrast is WCAG's contrast ratio of two luminances, >= 1.
func contrast(a, b float64) float64 {
	if a < b {
		a, b = b, a
	}
	return (a + 0.05) / (b + 0.05)
}

// cssThemes returns the custom properties of each theme block of app.css:
// "light" (:root), "dark" (prefers-color-scheme) and "dark-toggle"
// (data-theme=dark), the dark ones over the light ones.
func cssThemes(t *testing.T) map[string]map[string]string {
	t.Helper()
	css, err := staticFiles.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	blocks := map[string]*regexp.Regexp{
		"light":       regexp.MustCompile(`(?s)(?:^|\n):root\{(.*?)\}`),
		"dark":        regexp.MustCompile(`(?s)\(prefers-color-scheme:dark\)\{:root:not\(\[data-theme=light\]\)\{(.*?)\}`),
		"dark-toggle": regexp.MustCompile(`(?s):root\[data-theme=dark\]\{(.*?)\}`),
	}
	prop := regexp.MustCompile(`--([a-z0-9-]+):\s*(#[0-9a-fA-F]{3,6})`)
	out := map[string]map[string]string{}
	for name, re := range blocks {
		m := re.FindSubmatch(css)
		if m == nil {
			t.Fatalf("app.css: no %s block", name)
		}
		props := map[string]string{}
		for k, v := range out["light"] {
			props[k] = v
		}
		for _, p := range prop.FindAllSubmatch(m[1], -1) {
			props[string(p[1])] = string(p[2])
		}
		out[name] = props
		if name == "light" && len(props) < 15 {
			t.Fatalf("app.css light block: %d colours", len(props))
		}
	}
	return out
}

// colour returns the linear RGB of a theme's property.
func colour(t *testing.T, theme map[string]string, name string) rgb {
	t.Helper()
	v, ok := theme[name]
	if !ok {
		t.Fatalf("no --%s", name)
	}
	c, err := parseHex(v)
	if err != nil {
		t.Fatalf("--%s: %v", name, err)
	}
	return c
}

func TestPalette_ContrastFormula(t *testing.T) {
	// WCAG's own end points and a well-known pair: #777 on white is 4.48:1.
	white, _ := parseHex("#fff")
	black, _ := parseHex("#000")
	grey, _ := parseHex("#777777")
	for _, c := range []struct {
		a, b rgb
		want float64
	}{{white, black, 21}, {white, white, 1}, {white, grey, 4.48}} {
		if got := contrast(c.a.luminance(), c.b.luminance()); math.Abs(got-c.want) > 0.01 {
			t.Errorf("contrast %.3f, want %.2f", got, c.want)
		}
	}
	// Grey stays grey for a deuteranope; pure green loses most of its
	// luminance's contrast with pure red.
	if g := grey.deuteranopia(); math.Abs(g.luminance()-grey.luminance()) > 0.01 {
		t.Errorf("grey under deuteranopia: %.3f, want %.3f", g.luminance(), grey.luminance())
	}
	red, _ := parseHex("#ff0000")
	green, _ := parseHex("#00ff00")
	if n, d := contrast(red.luminance(), green.luminance()), contrast(red.deuteranopia().luminance(), green.deuteranopia().luminance()); d >= n {
		t.Errorf("red/green contrast %.2f normal, %.2f deuteranopia: want it lower", n, d)
	}
}

// levels are the readiness classes in their order on the scale.
var levels = []string{"ready", "aspiring", "lagging", "nodata"}

func TestPalette_Levels(t *testing.T) {
	for name, theme := range cssThemes(t) {
		t.Run(name, func(t *testing.T) {
			bgs := []string{"bg", "card"}
			for i, l := range levels {
				c := colour(t, theme, l)
				for _, bg := range bgs {
					if r := contrast(c.luminance(), colour(t, theme, bg).luminance()); r < 3 {
						t.Errorf("--%s on --%s: %.2f:1, want >= 3:1 (graphics)", l, bg, r)
					}
				}
				if i == 0 {
					continue
				}
				p := colour(t, theme, levels[i-1])
				n := contrast(c.luminance(), p.luminance())
				d := contrast(c.deuteranopia().luminance(), p.deuteranopia().luminance())
				t.Logf("%s/%s: %.2f:1, deuteranopia %.2f:1", levels[i-1], l, n, d)
				if n < 1.5 || d < 1.5 {
					t.Errorf("%s/%s: %.2f:1, deuteranopia %.2f:1; want >= 1.5:1", levels[i-1], l, n, d)
				}
			}
			// The scale runs one way: away from the background.
			bg := colour(t, theme, "bg").luminance()
			for i := 1; i < len(levels); i++ {
				a, b := colour(t, theme, levels[i-1]).luminance(), colour(t, theme, levels[i]).luminance()
				if contrast(a, bg) <= contrast(b, bg) {
					t.Errorf("--%s is nearer the background than --%s", levels[i-1], levels[i])
				}
			}
		})
	}
}

func TestPalette_Text(t *testing.T) {
	text := []string{"fg", "muted", "link", "ready", "aspiring", "lagging", "nodata-text", "ok", "bad", "warn"}
	for name, theme := range cssThemes(t) {
		for _, fg := range text {
			for _, bg := range []string{"bg", "card"} {
				r := contrast(colour(t, theme, fg).luminance(), colour(t, theme, bg).luminance())
				if r < 4.5 {
					t.Errorf("%s: --%s on --%s: %.2f:1, want >= 4.5:1 (text)", name, fg, bg, r)
				}
			}
		}
		r := contrast(colour(t, theme, "nodata").luminance(), colour(t, theme, "bg").luminance())
		t.Logf("%s: no-data swatch %.2f:1 on the background", name, r)
	}
}

// TestPalette_Ramp checks the map's 20 steps: each one a graphic on the
// background, monotone away from it, and apart from no data.
func TestPalette_Ramp(t *testing.T) {
	for name, theme := range cssThemes(t) {
		t.Run(name, func(t *testing.T) {
			bg := colour(t, theme, "bg").luminance()
			prev, prevD := 0.0, 0.0
			for k := range mapSteps {
				c := colour(t, theme, fmt.Sprintf("v%d", k))
				r := contrast(c.luminance(), bg)
				if r < 3 {
					t.Errorf("--v%d: %.2f:1 on the background, want >= 3", k, r)
				}
				if contrast(c.luminance(), colour(t, theme, "card").luminance()) < 3 {
					t.Errorf("--v%d: under 3:1 on the map's background", k)
				}
				if k > 0 && r <= prev {
					t.Errorf("--v%d: %.3f:1, not above --v%d's %.3f:1", k, r, k-1, prev)
				}
				d := contrast(c.deuteranopia().luminance(), bg)
				if k > 0 && d <= prevD {
					t.Errorf("--v%d under deuteranopia: %.3f:1, not above --v%d's %.3f:1", k, d, k-1, prevD)
				}
				prev, prevD = r, d
			}
			lo, hi := colour(t, theme, "v0"), colour(t, theme, fmt.Sprintf("v%d", mapSteps-1))
			nd := colour(t, theme, "nodata")
			t.Logf("ramp ends %.2f:1 apart (deuteranopia %.2f:1); no data to the low end %.2f:1",
				contrast(lo.luminance(), hi.luminance()), contrast(lo.deuteranopia().luminance(), hi.deuteranopia().luminance()),
				contrast(lo.luminance(), nd.luminance()))
			if r := contrast(lo.luminance(), nd.luminance()); r < 1.5 {
				t.Errorf("no data and the ramp's low end: %.2f:1, want >= 1.5", r)
			}
			if r := contrast(lo.luminance(), hi.luminance()); r < 2 {
				t.Errorf("the ramp's ends: %.2f:1, want >= 2", r)
			}
		})
	}
}

// TestPalette_DarkBlocksAgree: the two dark blocks (system preference and
// the toggle) are the same colours.
func TestPalette_DarkBlocksAgree(t *testing.T) {
	th := cssThemes(t)
	for k, v := range th["dark"] {
		if th["dark-toggle"][k] != v {
			t.Errorf("--%s: %s by preference, %s by the toggle", k, v, th["dark-toggle"][k])
		}
	}
}
