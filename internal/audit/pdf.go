package audit

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/report"
)

// latin1 is the core fonts' encoding of s (report.Latin1).
var latin1 = report.Latin1

// PDF writes the audit as a PDF document in pure Go (fpdf's core
// Helvetica, text outside Latin-1 as "?"): the summary, the providers'
// controls, the checklist and each control's reason. Its dates are the
// audit's month, so that the same audit gives the same bytes.
func PDF(w io.Writer, a *wire.Audit) error {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCatalogSort(true)
	pdf.SetCreationDate(a.Month)
	pdf.SetModificationDate(a.Month)
	pdf.SetTitle(latin1(Title(a)), false)
	pdf.SetAutoPageBreak(true, 12)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 14)
	pdf.MultiCell(0, 7, latin1(Title(a)), "", "L", false)
	pdf.SetFont("Helvetica", "", 9)
	pdf.MultiCell(0, 5, latin1(fmt.Sprintf("Specification %s. %d announcements of %d networks. %s",
		a.Spec, a.Prefixes, len(a.Networks), a.Summary.Verdict)), "", "L", false)
	widths := []float64{22, 10, 18, 16, 20, 30, 30, 30, 30, 70}
	cells := append([]string{"Provider", "Hop", "Rel", "Weight", "Risk"}, Controls...)
	pdfRow(pdf, widths, append(cells, "Holder"), true)
	for _, p := range a.Providers {
		row := []string{p.ASN.String(), fmt.Sprint(p.Hop), orDash(p.Rel), pct(p.Weight), p.RiskLevel}
		for _, c := range p.Controls {
			row = append(row, c.Result)
		}
		pdfRow(pdf, widths, append(row, p.Holder), false)
	}
	pdf.Ln(3)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.Cell(0, 6, "SLA checklist (hop-1 providers)")
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "", 9)
	for _, it := range a.Checklist {
		pdf.MultiCell(0, 5, latin1(fmt.Sprintf("- %s. Met: %s. Not met: %s. Unknown: %s.", it.Requirement,
			asnList(it.Met), asnList(it.NotMet), asnList(it.Unknown))), "", "L", false)
	}
	pdf.Ln(3)
	for _, p := range a.Providers {
		pdf.SetFont("Helvetica", "B", 9)
		pdf.MultiCell(0, 5, latin1(fmt.Sprintf("%s %s (hop %d, example path %s)", p.ASN, p.Holder, p.Hop, p.Example)), "", "L", false)
		pdf.SetFont("Helvetica", "", 8)
		for _, c := range p.Controls {
			pdf.MultiCell(0, 4, latin1(fmt.Sprintf("%s: %s - %s", c.ID, c.Result, c.Reason)), "", "L", false)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return fmt.Errorf("render the audit PDF: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func pdfRow(pdf *fpdf.Fpdf, widths []float64, cells []string, head bool) {
	if head {
		pdf.SetFont("Helvetica", "B", 8)
		defer pdf.SetFont("Helvetica", "", 9)
	}
	for i, c := range cells {
		pdf.CellFormat(widths[i], 5, latin1(c), "1", 0, "L", false, 0, "")
	}
	pdf.Ln(5)
}

func asnList(as []wire.ASN) string {
	if len(as) == 0 {
		return "none"
	}
	s := make([]string, len(as))
	for i, a := range as {
		s[i] = a.String()
	}
	return strings.Join(s, ", ")
}
