package web

import (
	"fmt"
	"html"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/spec"
)

// The charts are inline SVG written here, on the server: no chart library
// reaches the browser. Text in them is escaped with html.EscapeString;
// colours come from CSS classes so that the dark theme applies.

// finite returns &f, or nil for NaN and infinities.
func finite(f float64) *float64 {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return &f
}

var levelClasses = [4]string{"ready", "aspiring", "lagging", "nodata"}
var levelLabels = [4]string{"ready", "aspiring", "lagging", "no data"}

// readinessBar draws a stacked bar of the four readiness levels.
func readinessBar(counts [4]int, pcts [4]float64) string {
	var b strings.Builder
	b.WriteString(`<svg class="bar" viewBox="0 0 100 8" preserveAspectRatio="none" width="100%" height="16" role="img" aria-label="`)
	var parts []string
	for i, n := range counts {
		parts = append(parts, fmt.Sprintf("%s %d (%.1f %%)", levelLabels[i], n, pcts[i]))
	}
	b.WriteString(html.EscapeString(strings.Join(parts, ", ")))
	b.WriteString(`">`)
	x := 0.0
	for i, p := range pcts {
		if p <= 0 {
			continue
		}
		fmt.Fprintf(&b, `<rect class="l-%s" x="%.2f" y="0" width="%.2f" height="8"><title>%s: %d (%.1f %%)</title></rect>`,
			levelClasses[i], x, p, levelLabels[i], counts[i], p)
		x += p
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// series is one line of a line chart: values by x index, nil for a gap.
type series struct {
	Name   string
	Values []*float64
}

// lineChart draws series over labels (oldest first) on a 0..1 scale,
// with the readiness thresholds r as guides.
func lineChart(title string, labels []string, ss []series, w, h int, r spec.Readiness) string {
	return drawLines(title, labels, ss, w, h, []float64{0, 0.5, r.Aspiring, r.Ready, 1},
		func(g float64) string { return strconv.FormatFloat(g, 'f', -1, 64) },
		func(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) })
}

// drawLines draws series of values in [0, 1] over labels, with guides at
// the values given; guideText and valueText write a guide's label and a
// point's value in its title.
func drawLines(title string, labels []string, ss []series, w, h int, guides []float64, guideText, valueText func(float64) string) string {
	const padL, padR, padT, padB = 34, 8, 8, 22
	pw, ph := float64(w-padL-padR), float64(h-padT-padB)
	xOf := func(i int) float64 {
		if len(labels) <= 1 {
			return padL + pw/2
		}
		return padL + pw*float64(i)/float64(len(labels)-1)
	}
	yOf := func(v float64) float64 { return padT + ph*(1-clamp01(v)) }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		w, h, w, h, html.EscapeString(title))
	for _, g := range guides {
		y := yOf(g)
		fmt.Fprintf(&b, `<line class="grid" x1="%d" x2="%d" y1="%.1f" y2="%.1f"/><text class="axis" x="%d" y="%.1f">%s</text>`,
			padL, w-padR, y, y, padL-4, y+3, html.EscapeString(guideText(g)))
	}
	step := 1
	if len(labels) > 6 {
		step = (len(labels) + 5) / 6
	}
	for i, l := range labels {
		if i%step == 0 || i == len(labels)-1 {
			// The end labels keep inside the chart.
			cls := "axis x"
			switch {
			case len(labels) > 1 && i == 0:
				cls += " first"
			case len(labels) > 1 && i == len(labels)-1:
				cls += " last"
			}
			fmt.Fprintf(&b, `<text class="%s" x="%.1f" y="%d">%s</text>`, cls, xOf(i), h-6, html.EscapeString(l))
		}
	}
	for si, s := range ss {
		var d strings.Builder
		pen := false
		for i, v := range s.Values {
			if v == nil {
				pen = false
				continue
			}
			cmd := "L"
			if !pen {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%.1f %.1f", cmd, xOf(i), yOf(*v))
			pen = true
		}
		fmt.Fprintf(&b, `<path class="line s%d" d="%s"><title>%s</title></path>`, si%5, d.String(), html.EscapeString(s.Name))
		for i, v := range s.Values {
			if v != nil {
				fmt.Fprintf(&b, `<circle class="dot s%d" cx="%.1f" cy="%.1f" r="2.5"><title>%s %s: %s</title></circle>`,
					si%5, xOf(i), yOf(*v), html.EscapeString(s.Name), html.EscapeString(labels[i]), html.EscapeString(valueText(*v)))
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func clamp01(v float64) float64 { return math.Max(0, math.Min(1, v)) }

// span is one incident on a timeline.
type span struct {
	Label      string
	Metric     string
	Start, End time.Time
	Score      float64
	Excluded   bool
}

// timeline draws incidents as bars across the month, one row each.
func timeline(month time.Time, spans []span, w int) string {
	const padL, rowH, padT = 8, 14, 18
	end := month.AddDate(0, 1, 0)
	total := end.Sub(month).Seconds()
	pw := float64(w - 2*padL)
	xOf := func(t time.Time) float64 {
		f := t.Sub(month).Seconds() / total
		return padL + pw*clamp01(f)
	}
	h := padT + rowH*len(spans) + 4
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" viewBox="0 0 %d %d" width="100%%" role="img" aria-label="%d incidents across %s">`,
		w, h, len(spans), month.Format("January 2006"))
	for d := 1; d <= 31; d += 5 {
		day := month.AddDate(0, 0, d-1)
		if !day.Before(end) {
			break
		}
		x := xOf(day)
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="12" y2="%d"/><text class="axis" x="%.1f" y="10">%d</text>`, x, x, h, x+2, d)
	}
	for i, s := range spans {
		x1, x2 := xOf(s.Start), xOf(s.End)
		if x2-x1 < 2 {
			x2 = x1 + 2
		}
		cls := "inc"
		if s.Excluded {
			cls += " excluded"
		}
		fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%d" width="%.1f" height="%d"><title>%s: %s – %s (%s), score %.3f</title></rect>`,
			cls, x1, padT+rowH*i, x2-x1, rowH-4, html.EscapeString(s.Label), s.Start.UTC().Format("01-02 15:04"),
			s.End.UTC().Format("01-02 15:04"), duration(s.End.Sub(s.Start)), s.Score)
		// A label beside the bar, on the side with room.
		tx, anchor := x2+4, "start"
		if x2 > float64(w)*0.6 {
			tx, anchor = x1-4, "end"
		}
		fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%d" text-anchor="%s">%s · %s · %.3f</text>`,
			tx, padT+rowH*i+rowH-6, anchor, html.EscapeString(s.Metric), duration(s.End.Sub(s.Start)), s.Score)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// duration formats a duration as days, hours and minutes.
func duration(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	days := int(d.Hours()) / 24
	hours := int(d.Hours()) % 24
	mins := int(d.Minutes()) % 60
	switch {
	case days > 0:
		return fmt.Sprintf("%dd %dh", days, hours)
	case hours > 0:
		return fmt.Sprintf("%dh %dm", hours, mins)
	}
	return fmt.Sprintf("%dm", mins)
}

// niceCeil is the smallest of 4, 8, 20, 40, 80, 200… (4 × 1, 2, 5 × 10^k)
// at or above n: a scale whose quarters are whole numbers.
func niceCeil(n int) int {
	for p := 4; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if m*p >= n {
				return m * p
			}
		}
	}
}

// countChart draws series of counts over labels (oldest first) on a
// scale from 0 to the nice ceiling of most, with five guides.
func countChart(title string, labels []string, ss []series, most, w, h int) string {
	top := float64(niceCeil(most))
	scaled := make([]series, len(ss))
	for i, s := range ss {
		scaled[i].Name = s.Name
		for _, v := range s.Values {
			if v == nil {
				scaled[i].Values = append(scaled[i].Values, nil)
				continue
			}
			f := *v / top
			scaled[i].Values = append(scaled[i].Values, &f)
		}
	}
	count := func(f float64) string { return strconv.Itoa(int(math.Round(f * top))) }
	return drawLines(title, labels, scaled, w, h, []float64{0, 0.25, 0.5, 0.75, 1}, count, count)
}

// coverChart draws each region's IPv4 and IPv6 ROA coverage as two
// horizontal bars on a 0–100 % scale, the value written beside each bar.
func coverChart(title string, rows []chartsCoverRow) string {
	const w, padL, padR, padT, rowH, barH = 640, 110, 60, 20, 30, 11
	h := padT + rowH*len(rows) + 8
	pw := float64(w - padL - padR)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="roa-by-region" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s">`,
		w, h, w, h, html.EscapeString(title))
	for _, g := range []float64{0, 0.25, 0.5, 0.75, 1} {
		x := padL + pw*g
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%d" y2="%d"/><text class="axis x" x="%.1f" y="12">%d %%</text>`,
			x, x, padT-4, h-4, x, int(g*100))
	}
	for i, r := range rows {
		y := padT + rowH*i
		fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d" text-anchor="end">%s</text>`, padL-6, y+barH+4, html.EscapeString(r.Region))
		for j, v := range []*float64{r.V4, r.V6} {
			fam := []string{"IPv4", "IPv6"}[j]
			by := y + j*(barH+2)
			if v == nil {
				fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d">%s: no data</text>`, padL+2, by+barH-2, fam)
				continue
			}
			bw := pw * clamp01(*v)
			fmt.Fprintf(&b, `<rect class="barv s%d" x="%d" y="%d" width="%.1f" height="%d"><title>%s %s: %s</title></rect>`,
				j, padL, by, bw, barH, html.EscapeString(r.Region), fam, pct(*v))
			fmt.Fprintf(&b, `<text class="axis" x="%.1f" y="%d">%s %s</text>`, float64(padL)+bw+3, by+barH-2, fam, pct(*v))
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}
