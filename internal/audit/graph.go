package audit

import (
	"fmt"
	"math"

	"github.com/observatory-net/observatory/api/wire"
)

// Graph is the supply chain laid out for drawing: the audited networks on
// the bottom row, hop-1 providers above them, hop-2 providers on top, at
// most MaxRow a row (the heaviest), and the edges between drawn nodes.
type Graph struct {
	Width, Height int
	Nodes         []Node
	Edges         []Edge
	Hidden        int // providers left out of the drawing (the JSON has them all)
}

// Node is a drawn network.
type Node struct {
	ASN   wire.ASN
	Label string
	X, Y  int
	Class string // audited, high, medium, low
	Title string
}

// Edge is a drawn link, its width growing with the prefixes it carries.
type Edge struct {
	X1, Y1, X2, Y2 int
	Width          float64
	Title          string
}

// MaxRow is the most nodes a row of the drawing holds.
const MaxRow = 12

// Layout lays out a's supply chain.
func Layout(a *wire.Audit) Graph {
	const rowGap, margin, colGap = 110, 40, 90
	rows := [3][]Node{}
	for _, n := range a.Networks {
		if len(rows[0]) < MaxRow {
			rows[0] = append(rows[0], Node{ASN: n.ASN, Label: n.ASN.String(), Class: "audited", Title: n.Holder})
		}
	}
	g := Graph{}
	for _, p := range a.Providers { // riskiest first: those are drawn
		r := &rows[p.Hop]
		if len(*r) == MaxRow {
			g.Hidden++
			continue
		}
		*r = append(*r, Node{ASN: p.ASN, Label: p.ASN.String(), Class: p.RiskLevel,
			Title: fmt.Sprintf("%s %s: hop %d, %.1f%% of prefixes, risk %s", p.ASN, p.Holder, p.Hop, 100*p.Weight, p.RiskLevel)})
	}
	widest := max(len(rows[0]), len(rows[1]), len(rows[2]), 1)
	g.Width, g.Height = 2*margin+colGap*(widest-1), 2*margin+2*rowGap
	at := map[[2]uint32]Node{}
	for level, row := range rows {
		off := margin + (colGap*(widest-1)-colGap*(len(row)-1))/2
		for i := range row {
			row[i].X, row[i].Y = off+colGap*i, g.Height-margin-rowGap*level
			at[[2]uint32{uint32(level), uint32(row[i].ASN)}] = row[i]
			g.Nodes = append(g.Nodes, row[i])
		}
	}
	for _, e := range a.Edges {
		from, ok1 := at[[2]uint32{uint32(e.Hop - 1), uint32(e.From)}]
		to, ok2 := at[[2]uint32{uint32(e.Hop), uint32(e.To)}]
		if !ok1 || !ok2 {
			continue
		}
		w := 1 + 3*math.Min(1, float64(e.Prefixes)/float64(max(a.Prefixes, 1)))
		g.Edges = append(g.Edges, Edge{X1: from.X, Y1: from.Y, X2: to.X, Y2: to.Y, Width: math.Round(w*10) / 10,
			Title: fmt.Sprintf("%s → %s: %d prefixes, %d paths", e.From, e.To, e.Prefixes, e.Paths)})
	}
	return g
}
