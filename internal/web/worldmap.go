package web

import (
	"cmp"
	_ "embed"
	"fmt"
	"html"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/observatory-net/observatory/internal/region"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/view"
	"github.com/observatory-net/observatory/internal/vocab"
)

//go:generate go run ./gen/worldmap -o worldmap.txt

// worldmapText is the country shapes: "CC<TAB>name<TAB>SVG path" lines,
// generated from world-atlas@2.0.2 (ISC licence; shapes from Natural
// Earth, public domain) by gen/worldmap.
//
//go:embed worldmap.txt
var worldmapText string

type shape struct{ Code, Name, Path string }

// shapes are the parsed country shapes; a country may have several lines.
var shapes = func() []shape {
	var out []shape
	for line := range strings.Lines(worldmapText) {
		f := strings.SplitN(strings.TrimRight(line, "\n"), "\t", 3)
		if len(f) == 3 {
			out = append(out, shape{f[0], f[1], f[2]})
		}
	}
	return out
}()

// mapMetrics are the metrics the map can show.
var mapMetrics = append(slices.Clone(scoreIDs), "roa4", "roa6")

func metricName(id string) string {
	switch id {
	case "roa4":
		return "IPv4 address space covered by ROAs"
	case "roa6":
		return "IPv6 address space covered by ROAs"
	}
	return scoreNames[id]
}

type mapPage struct {
	Month   string
	Months  []string
	Metric  string
	Name    string
	Metrics []option
	SVG     string
	Ticks   []string // under the legend's gradient
	Levels  string   // the readiness thresholds, for scores
	Rows    []mapRow
	Heads   []sortHead
}

func (p mapPage) PageTitle() string { return "Map: " + p.Name + ", " + p.Month }

// mapSteps is how many steps the map's colour scale has between 0 and 1:
// classes v0 … v19 in app.css, each 5 % wide, so that 0.04 and 0.40 look
// different (three or four classes made them alike).
const mapSteps = 20

// rampClass is the fill class of a value on the map's scale: the step
// holding it, "c-nodata" without a value. It is monotone in the value.
func rampClass(v *float64) string {
	if v == nil || math.IsNaN(*v) {
		return "c-nodata"
	}
	k := int(math.Floor(clamp01(*v) * mapSteps))
	return "v" + strconv.Itoa(min(k, mapSteps-1))
}

// mapTicks are the labels under the legend's gradient, at 0, ¼, ½, ¾, 1.
func mapTicks(metric string) []string {
	var out []string
	for _, v := range []float64{0, 0.25, 0.5, 0.75, 1} {
		if strings.HasPrefix(metric, "roa") {
			out = append(out, strconv.Itoa(int(v*100))+" %")
		} else {
			out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	return out
}

type mapRow struct {
	Code, Name string
	Value      *float64
	Class      string
	Label      string // the class in words
}

// worldMap: GET /map?metric=&month=.
func (s *Server) worldMap(q *request) error {
	m, err := q.month()
	if err != nil {
		return err
	}
	metric := q.r.URL.Query().Get("metric")
	if metric == "" {
		metric = "filtering"
	}
	if !slices.Contains(mapMetrics, metric) {
		return badRequest("metric: want one of %s", strings.Join(mapMetrics, ", "))
	}
	v, err := s.view(q.ctx(), m)
	if err != nil {
		return err
	}
	p := mapPage{Month: m.Month.Format(vocab.MonthLayout), Metric: metric, Name: metricName(metric)}
	if p.Months, err = s.monthNames(q); err != nil {
		return err
	}
	for _, id := range mapMetrics {
		p.Metrics = append(p.Metrics, option{Value: id, Label: metricName(id), Selected: id == metric})
	}
	classify := scoreClass(specOf(m))
	if strings.HasPrefix(metric, "roa") {
		classify = roaClass
	}
	p.Ticks = mapTicks(metric)
	if !strings.HasPrefix(metric, "roa") {
		r := view.Readiness(specOf(m))
		p.Levels = fmt.Sprintf("Ready from %s, aspiring from %s.", strconv.FormatFloat(r.Ready, 'f', -1, 64), strconv.FormatFloat(r.Aspiring, 'f', -1, 64))
	}
	md := v.mapOf(metric, classify)
	p.SVG = md.svg
	for cc, val := range md.values {
		name := cc
		if e, ok := region.Lookup(cc); ok {
			name = e.Name
		}
		cls, label := classify(val)
		p.Rows = append(p.Rows, mapRow{Code: cc, Name: name, Value: val, Class: cls, Label: label})
	}
	col, dir := q.r.URL.Query().Get("sort"), q.r.URL.Query().Get("dir")
	if !slices.Contains(mapCols, col) {
		col = "name"
	}
	if dir != "desc" {
		dir = "asc"
	}
	sortMapRows(p.Rows, col, dir)
	p.Heads = sortHeads("/map", url.Values{"metric": {metric}, "month": {p.Month}}, mapCols,
		[]string{"Economy", "Code", p.Name}, "sort", "dir", col, dir, "#map-table")
	return q.render(http.StatusOK, "map", p)
}

// mapData is a month's map of one metric: the value of each economy
// (nil: no data) and the map drawn, kept with the month's view.
type mapData struct {
	values map[string]*float64
	svg    string
}

// mapOf returns the map of a metric, drawing it the first time.
func (v *monthView) mapOf(metric string, classify func(*float64) (string, string)) *mapData {
	if md, ok := v.maps.Load(metric); ok {
		return md.(*mapData)
	}
	md := &mapData{values: v.economyValues(metric)}
	month := v.meta.Month.Format(vocab.MonthLayout)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="worldmap" viewBox="0 0 960 440" role="group" aria-labelledby="map-title"><title id="map-title">%s by economy, %s</title>`,
		html.EscapeString(metricName(metric)), month)
	for _, sh := range shapes {
		val := md.values[sh.Code]
		_, label := classify(val)
		text := sh.Name + ": no data"
		if val != nil {
			text = fmt.Sprintf("%s: %s (%s)", sh.Name, valueText(metric, *val), label)
		}
		fmt.Fprintf(&b, `<a href="/?region=%s&amp;month=%s" data-cc="%s" tabindex="-1"><path class="%s" d="%s"><title>%s</title></path></a>`,
			sh.Code, month, sh.Code, rampClass(val), sh.Path, html.EscapeString(text))
	}
	b.WriteString(`</svg>`)
	md.svg = b.String()
	got, _ := v.maps.LoadOrStore(metric, md)
	return got.(*mapData)
}

// economyValues is each economy's value of a metric: the score aggregate
// when any network has data, or the share of announced address space
// covered by valid ROAs.
func (v *monthView) economyValues(metric string) map[string]*float64 {
	values := map[string]*float64{}
	for _, cc := range v.keys["economy"] {
		var val *float64
		if strings.HasPrefix(metric, "roa") {
			fam := 4
			if metric == "roa6" {
				fam = 6
			}
			if r, ok := v.roa["economy"][strings.ToLower(cc)][fam]; ok {
				if total := r.ValidSpace + r.InvalidSpace + r.NotFoundSpace; total > 0 {
					val = finite(float64(r.ValidSpace) / float64(total))
				}
			}
		} else if a, ok := v.aggs["economy"][strings.ToLower(cc)][metric]; ok && hasData(a) {
			val = finite(a.Value)
		}
		values[strings.ToUpper(cc)] = val
	}
	return values
}

// mapCols are the sortable columns of the map's table.
var mapCols = []string{"name", "code", "value"}

// sortMapRows sorts by ?sort=name|code|value and ?dir=asc|desc; economies
// without data sort last either way.
func sortMapRows(rows []mapRow, col, dir string) {
	slices.SortStableFunc(rows, func(a, b mapRow) int {
		var c int
		switch col {
		case "code":
			c = strings.Compare(a.Code, b.Code)
		case "value":
			switch {
			case a.Value == nil && b.Value == nil:
				c = 0
			case a.Value == nil:
				return 1
			case b.Value == nil:
				return -1
			default:
				c = cmp.Compare(*a.Value, *b.Value)
			}
		default:
			c = strings.Compare(a.Name, b.Name)
		}
		if c == 0 {
			c = strings.Compare(a.Name, b.Name)
		} else if dir == "desc" {
			c = -c
		}
		return c
	})
}

func valueText(metric string, v float64) string {
	if strings.HasPrefix(metric, "roa") {
		return pct(v)
	}
	return fmt.Sprintf("%.3f", v)
}

// scoreClass colours a score by the specification's readiness levels
// (view.Readiness, view.LevelOf): the class and its label are the level.
func scoreClass(sp *spec.Spec) func(*float64) (string, string) {
	readiness := view.Readiness(sp)
	return func(v *float64) (string, string) {
		if v == nil || math.IsNaN(*v) {
			return "nodata", "no data"
		}
		l := view.LevelOf(*v, readiness)
		return l, l
	}
}

func roaClass(v *float64) (string, string) {
	switch {
	case v == nil:
		return "nodata", "no data"
	case *v >= 0.75:
		return "q4", "≥ 75 %"
	case *v >= 0.5:
		return "q3", "50–75 %"
	case *v >= 0.25:
		return "q2", "25–50 %"
	}
	return "q1", "< 25 %"
}
