package report

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// pdfRows is the most rows of incidents or prefixes a PDF lists per ASN;
// the rest is counted ("and N more"): the JSON and HTML have them all.
const pdfRows = 40

// PDF writes the report as a PDF document, in pure Go (fpdf's core
// Helvetica; text outside Latin-1 is printed as "?"). Its creation date
// is the report's month, so that the same report gives the same bytes.
func PDF(w io.Writer, r *wire.Report) error {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCatalogSort(true) // fonts and resources in one order: the same report, the same bytes
	pdf.SetCreationDate(r.Month)
	pdf.SetModificationDate(r.Month)
	pdf.SetTitle(Latin1(Title(r)), false)
	pdf.SetAutoPageBreak(true, 15)
	pdf.AddPage()
	pdf.SetFont("Helvetica", "B", 15)
	pdf.MultiCell(0, 7, Latin1(Title(r)), "", "L", false)
	pdf.SetFont("Helvetica", "", 10)
	since := "no previous month stored"
	if p := previousText(r); p != "" {
		since = "changes since " + p
	}
	pdf.MultiCell(0, 5, Latin1(fmt.Sprintf("Participant %d (%s), month %s, specification %s; %s.",
		r.Participant, r.Programme, vocab.MonthOf(r.Month), r.Spec, since)), "", "L", false)
	if len(r.ASNs) == 0 {
		pdf.Ln(3)
		pdf.Cell(0, 5, "The participant lists no ASN.")
	}
	for _, a := range r.ASNs {
		pdfASN(pdf, &a)
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return fmt.Errorf("render the PDF: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}

func pdfASN(pdf *fpdf.Fpdf, a *wire.ReportASN) {
	pdf.Ln(4)
	pdf.SetFont("Helvetica", "B", 12)
	head := a.ASN.String()
	if a.Holder != "" {
		head += " " + a.Holder
	}
	pdf.MultiCell(0, 6, Latin1(head), "", "L", false)
	pdf.SetFont("Helvetica", "", 9)
	if !a.Measured {
		pdf.MultiCell(0, 5, "Not measured this month: no route of it was seen.", "", "L", false)
	}
	widths := []float64{14, 52, 22, 28, 22, 22}
	table(pdf, widths, []string{"Action", "Score", "Value", "Level", "Previous", "Change"}, true)
	for _, s := range a.Scores {
		table(pdf, widths, []string{strconv.Itoa(s.Action), string(s.ID), FormatScore(s.Value), string(s.Level),
			FormatScore(s.Previous), FormatChange(s.Change)}, false)
	}
	if len(a.Incidents) > 0 {
		subhead(pdf, fmt.Sprintf("Incidents of the month (%d)", len(a.Incidents)))
		w := []float64{70, 18, 36, 36, 20}
		table(pdf, w, []string{"Incident", "Metric", "Start", "End", "Excluded"}, true)
		for i, in := range a.Incidents {
			if i == pdfRows {
				pdf.Cell(0, 5, fmt.Sprintf("and %d more", len(a.Incidents)-pdfRows))
				pdf.Ln(5)
				break
			}
			ex := "no"
			if in.Excluded {
				ex = "yes"
			}
			table(pdf, w, []string{in.ID, in.Metric, in.Start.Format("2006-01-02 15:04"), in.End.Format("2006-01-02 15:04"), ex}, false)
		}
	}
	if len(a.Became) > 0 {
		subhead(pdf, fmt.Sprintf("Prefixes that got worse (%d)", len(a.Became)))
		w := []float64{55, 30, 40, 40}
		table(pdf, w, []string{"Prefix", "Finding", "Now", "Before"}, true)
		for i, b := range a.Became {
			if i == pdfRows {
				pdf.Cell(0, 5, fmt.Sprintf("and %d more", len(a.Became)-pdfRows))
				pdf.Ln(5)
				break
			}
			before := b.Before
			if before == "" {
				before = "not announced"
			}
			table(pdf, w, []string{b.Prefix, b.Kind, b.State, before}, false)
		}
	}
	subhead(pdf, "What to do")
	pdf.SetFont("Helvetica", "", 9)
	if len(a.Findings) == 0 {
		pdf.MultiCell(0, 5, "Nothing to do: no finding this month.", "", "L", false)
	}
	for _, f := range a.Findings {
		pdf.MultiCell(0, 4.5, Latin1(fmt.Sprintf("%s (%d): %s", f.Kind, f.Count, f.Advice)), "", "L", false)
		pdf.Ln(1)
	}
}

func subhead(pdf *fpdf.Fpdf, s string) {
	pdf.Ln(2)
	pdf.SetFont("Helvetica", "B", 10)
	pdf.Cell(0, 6, Latin1(s))
	pdf.Ln(6)
	pdf.SetFont("Helvetica", "", 9)
}

func table(pdf *fpdf.Fpdf, widths []float64, cells []string, head bool) {
	if head {
		pdf.SetFont("Helvetica", "B", 9)
		defer pdf.SetFont("Helvetica", "", 9)
	}
	for i, c := range cells {
		pdf.CellFormat(widths[i], 5, Latin1(c), "1", 0, "L", false, 0, "")
	}
	pdf.Ln(5)
}

// Latin1 maps s to the core fonts' encoding: runes of Latin-1 as they
// are, others as "?". The audit's PDF uses it too.
func Latin1(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 256 {
			b.WriteByte(byte(r))
		} else {
			b.WriteByte('?')
		}
	}
	return b.String()
}
