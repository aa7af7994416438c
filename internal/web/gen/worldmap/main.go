// Command worldmap converts the countries of world-atlas@2.0.2
// (countries-110m.json, TopoJSON with ISO 3166-1 numeric ids, from Natural
// Earth) into internal/web/worldmap.txt: one line per country,
// "CC<TAB>name<TAB>SVG path", projected with the Natural Earth projection
// onto a 960×440 plane, coordinates rounded to 0.1 and written relative.
//
// It runs once, through go generate in internal/web; the output is
// committed. Without -in it fetches the package with `npm pack`.
//
//	go run ./gen/worldmap [-in countries-110m.json] [-o worldmap.txt]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64 `json:"arcs"`
	Objects struct {
		Countries struct {
			Geometries []struct {
				Type       string          `json:"type"`
				ID         string          `json:"id"`
				Arcs       json.RawMessage `json:"arcs"`
				Properties struct {
					Name string `json:"name"`
				} `json:"properties"`
			} `json:"geometries"`
		} `json:"countries"`
	} `json:"objects"`
}

func main() {
	in := flag.String("in", "", "countries-110m.json of world-atlas@2.0.2 (default: npm pack it)")
	out := flag.String("o", "worldmap.txt", "output file")
	flag.Parse()
	if *in == "" {
		dir := fetch()
		defer os.RemoveAll(dir)
		*in = filepath.Join(dir, "package", "countries-110m.json")
	}
	b, err := os.ReadFile(*in)
	if err != nil {
		log.Fatal(err)
	}
	var t topology
	if err := json.Unmarshal(b, &t); err != nil {
		log.Fatalf("decode %s: %v", *in, err)
	}
	arcs := decodeArcs(&t)
	var lines []string
	for _, g := range t.Objects.Countries.Geometries {
		cc := alpha2[g.ID]
		if g.ID == "" {
			cc = byName[g.Properties.Name]
		}
		if cc == "" {
			continue // Antarctica and the unrecognised
		}
		var polys [][][]int
		switch g.Type {
		case "Polygon":
			var p [][]int
			must(json.Unmarshal(g.Arcs, &p))
			polys = [][][]int{p}
		case "MultiPolygon":
			must(json.Unmarshal(g.Arcs, &polys))
		default:
			continue
		}
		lines = append(lines, cc+"\t"+g.Properties.Name+"\t"+path(polys, arcs))
	}
	sort.Strings(lines)
	if err := os.WriteFile(*out, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		log.Fatal(err)
	}
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

// fetch runs npm pack world-atlas@2.0.2 in a new temporary directory,
// unpacks it there and returns the directory.
func fetch() string {
	dir, err := os.MkdirTemp("", "worldmap-")
	must(err)
	cmd := exec.Command("npm", "pack", "world-atlas@2.0.2")
	cmd.Dir, cmd.Stderr = dir, os.Stderr
	must(cmd.Run())
	tar := exec.Command("tar", "xzf", "world-atlas-2.0.2.tgz")
	tar.Dir, tar.Stderr = dir, os.Stderr
	must(tar.Run())
	return dir
}

// decodeArcs undoes the delta encoding and quantisation: lon/lat points.
func decodeArcs(t *topology) [][][2]float64 {
	out := make([][][2]float64, len(t.Arcs))
	sx, sy := t.Transform.Scale[0], t.Transform.Scale[1]
	tx, ty := t.Transform.Translate[0], t.Transform.Translate[1]
	for i, arc := range t.Arcs {
		var x, y float64
		for _, p := range arc {
			x, y = x+p[0], y+p[1]
			out[i] = append(out[i], [2]float64{x*sx + tx, y*sy + ty})
		}
	}
	return out
}

// ring stitches a ring's arcs (~i is arc i reversed), dropping the
// shared point between consecutive arcs.
func ring(ids []int, arcs [][][2]float64) [][2]float64 {
	var pts [][2]float64
	for k, id := range ids {
		var a [][2]float64
		if id < 0 {
			src := arcs[^id]
			for j := len(src) - 1; j >= 0; j-- {
				a = append(a, src[j])
			}
		} else {
			a = arcs[id]
		}
		if k > 0 && len(a) > 0 {
			a = a[1:]
		}
		pts = append(pts, a...)
	}
	return pts
}

// unwrap keeps a ring that crosses the antimeridian (Russia, Fiji) in
// one piece: longitudes continue past ±180 instead of jumping across the
// map, the ring moves to the side where most of it lies, and what still
// sticks out is clamped to the map's edge.
func unwrap(pts [][2]float64) [][2]float64 {
	out := make([][2]float64, len(pts))
	var sum float64
	for i, p := range pts {
		if i > 0 {
			prev := out[i-1][0]
			for p[0]-prev > 180 {
				p[0] -= 360
			}
			for prev-p[0] > 180 {
				p[0] += 360
			}
		}
		out[i] = p
		sum += p[0]
	}
	shift := 0.0
	if mean := sum / float64(max(len(out), 1)); mean > 180 {
		shift = -360
	} else if mean < -180 {
		shift = 360
	}
	for i := range out {
		out[i][0] = math.Max(-180, math.Min(180, out[i][0]+shift))
	}
	return out
}

// project is the Natural Earth projection (Šavrič et al. 2011), scaled
// onto a 960×440 plane.
func project(lon, lat float64) (float64, float64) {
	l, p := lon*math.Pi/180, lat*math.Pi/180
	p2 := p * p
	p4 := p2 * p2
	x := l * (0.8707 - 0.131979*p2 + p4*(-0.013791+p4*(0.003971*p2-0.001529*p4)))
	y := p * (1.007226 + p2*(0.015085+p4*(-0.044475+0.028874*p2-0.005916*p4)))
	const scale = 170
	return 480 + x*scale, 260 - y*scale
}

// path writes the polygons as one SVG path with relative coordinates in
// tenths, skipping points that round onto the previous one.
func path(polys [][][]int, arcs [][][2]float64) string {
	var b strings.Builder
	for _, poly := range polys {
		for _, r := range poly {
			pts := unwrap(ring(r, arcs))
			var px, py int
			for i, p := range pts {
				x, y := project(p[0], p[1])
				ix, iy := int(math.Round(x*10)), int(math.Round(y*10))
				if i == 0 {
					fmt.Fprintf(&b, "M%s %s", tenths(ix), tenths(iy))
				} else if ix != px || iy != py {
					fmt.Fprintf(&b, "l%s %s", tenths(ix-px), tenths(iy-py))
				} else {
					continue
				}
				px, py = ix, iy
			}
			b.WriteString("z")
		}
	}
	return b.String()
}

// tenths formats n/10 compactly: 12 → "1.2", -3 → "-.3", 20 → "2".
func tenths(n int) string {
	s := ""
	if n < 0 {
		s, n = "-", -n
	}
	if n%10 == 0 {
		return s + fmt.Sprint(n/10)
	}
	if n < 10 {
		return s + "." + fmt.Sprint(n)
	}
	return s + fmt.Sprintf("%d.%d", n/10, n%10)
}

// byName names the alpha-2 code of the shapes without a numeric id.
var byName = map[string]string{"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}

// alpha2 maps ISO 3166-1 numeric codes to alpha-2.
var alpha2 = map[string]string{
	"004": "AF", "008": "AL", "012": "DZ", "024": "AO", "031": "AZ", "032": "AR", "036": "AU", "040": "AT",
	"044": "BS", "050": "BD", "051": "AM", "056": "BE", "064": "BT", "068": "BO", "070": "BA", "072": "BW",
	"076": "BR", "084": "BZ", "090": "SB", "096": "BN", "100": "BG", "104": "MM", "108": "BI", "112": "BY",
	"116": "KH", "120": "CM", "124": "CA", "140": "CF", "144": "LK", "148": "TD", "152": "CL", "156": "CN",
	"158": "TW", "170": "CO", "178": "CG", "180": "CD", "188": "CR", "191": "HR", "192": "CU", "196": "CY",
	"203": "CZ", "204": "BJ", "208": "DK", "214": "DO", "218": "EC", "222": "SV", "226": "GQ", "231": "ET",
	"232": "ER", "233": "EE", "238": "FK", "242": "FJ", "246": "FI", "250": "FR", "260": "TF", "262": "DJ",
	"266": "GA", "268": "GE", "270": "GM", "275": "PS", "276": "DE", "288": "GH", "300": "GR", "304": "GL",
	"320": "GT", "324": "GN", "328": "GY", "332": "HT", "340": "HN", "348": "HU", "352": "IS", "356": "IN",
	"360": "ID", "364": "IR", "368": "IQ", "372": "IE", "376": "IL", "380": "IT", "384": "CI", "388": "JM",
	"392": "JP", "398": "KZ", "400": "JO", "404": "KE", "408": "KP", "410": "KR", "414": "KW", "417": "KG",
	"418": "LA", "422": "LB", "426": "LS", "428": "LV", "430": "LR", "434": "LY", "440": "LT", "442": "LU",
	"450": "MG", "454": "MW", "458": "MY", "466": "ML", "478": "MR", "484": "MX", "496": "MN", "498": "MD",
	"499": "ME", "504": "MA", "508": "MZ", "512": "OM", "516": "NA", "524": "NP", "528": "NL", "540": "NC",
	"548": "VU", "554": "NZ", "558": "NI", "562": "NE", "566": "NG", "578": "NO", "586": "PK", "591": "PA",
	"598": "PG", "600": "PY", "604": "PE", "608": "PH", "616": "PL", "620": "PT", "624": "GW", "626": "TL",
	"630": "PR", "634": "QA", "642": "RO", "643": "RU", "646": "RW", "682": "SA", "686": "SN", "688": "RS",
	"694": "SL", "703": "SK", "704": "VN", "705": "SI", "706": "SO", "710": "ZA", "716": "ZW", "724": "ES",
	"728": "SS", "729": "SD", "732": "EH", "740": "SR", "748": "SZ", "752": "SE", "756": "CH", "760": "SY",
	"762": "TJ", "764": "TH", "768": "TG", "780": "TT", "784": "AE", "788": "TN", "792": "TR", "795": "TM",
	"800": "UG", "804": "UA", "807": "MK", "818": "EG", "826": "GB", "834": "TZ", "840": "US", "854": "BF",
	"858": "UY", "860": "UZ", "862": "VE", "887": "YE", "894": "ZM",
}
