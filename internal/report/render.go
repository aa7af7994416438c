package report

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"github.com/observatory-net/observatory/api/wire"
	"github.com/observatory-net/observatory/internal/vocab"
)

// The formats a report renders to.
const (
	FormatJSON = "json"
	FormatHTML = "html"
	FormatPDF  = "pdf"
)

// Formats are the formats a report renders to, the default first.
var Formats = []string{FormatJSON, FormatHTML, FormatPDF}

// ContentType is the media type of a format.
func ContentType(format string) string {
	switch format {
	case FormatHTML:
		return "text/html; charset=utf-8"
	case FormatPDF:
		return "application/pdf"
	}
	return "application/json"
}

// FormatScore is a score as the report prints it: two decimals, "no data"
// without a value. The HTML, the PDF and the e-mail all print it so.
func FormatScore(v *float64) string {
	if v == nil {
		return "no data"
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

// FormatChange is a change of score, signed, "-" when there is none to
// tell (either month without data).
func FormatChange(v *float64) string {
	if v == nil {
		return "-"
	}
	s := strconv.FormatFloat(*v, 'f', 2, 64)
	if s == "-0.00" {
		s = "0.00"
	}
	if s[0] != '-' {
		s = "+" + s
	}
	return s
}

// Title is the report's title.
func Title(r *wire.Report) string {
	return fmt.Sprintf("MANRS conformance report %s: %s", vocab.MonthOf(r.Month), r.Organisation)
}

//go:embed templates/report.html
var templates embed.FS

var page = template.Must(template.New("report.html").Funcs(template.FuncMap{
	"score":  FormatScore,
	"change": FormatChange,
	"title":  Title,
}).ParseFS(templates, "templates/report.html"))

// HTML writes the report as a self-contained HTML page.
func HTML(w io.Writer, r *wire.Report) error {
	var b bytes.Buffer
	if err := page.Execute(&b, pageData{r, vocab.MonthOf(r.Month).String(), previousText(r)}); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

type pageData struct {
	*wire.Report
	MonthText, PreviousMonth string
}

func previousText(r *wire.Report) string {
	if r.Previous == nil {
		return ""
	}
	return vocab.MonthOf(*r.Previous).String()
}
