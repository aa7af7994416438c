package rscheck

import (
	"bufio"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"strings"

	_ "embed"
)

// WriteJSON writes the report as one indented JSON document.
func WriteJSON(w io.Writer, rep *Report) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteText writes the report for people: a summary per file, a line per
// member, then a line per finding with its reasons and evidence.
func WriteText(w io.Writer, rep *Report) error {
	bw := bufio.NewWriter(w)
	name := rep.IXP
	if name == "" {
		name = "route server"
	}
	irrNote := "IRR checked"
	if !rep.IRRChecked {
		irrNote = "IRR not checked (no --irr)"
	}
	fmt.Fprintf(bw, "# %s: %s; %s\n", name, rep.Total.text(), irrNote)
	for _, f := range rep.Files {
		fmt.Fprintf(bw, "# file %s: %s\n", f.Name, f.text())
	}
	fmt.Fprintln(bw, "\n# members")
	for _, m := range rep.Members {
		fmt.Fprintf(bw, "%s %s\n", m.ASN, m.text())
	}
	fmt.Fprintf(bw, "\n# accepted routes that should have been rejected: %d\n", len(rep.Findings))
	for i := range rep.Findings {
		fmt.Fprintln(bw, rep.Findings[i].text())
	}
	return bw.Flush()
}

// text renders counts as key=value pairs.
func (k Counts) text() string {
	return fmt.Sprintf("routes=%d no-origin=%d member-from-path=%d rejectable=%d rpki-invalid=%d bogon-prefix=%d bogon-asn=%d irr-unregistered=%d",
		k.Routes, k.NoOrigin, k.MemberFromPath, k.Rejectable, k.RPKIInvalid, k.BogonPrefix, k.BogonASN, k.IRRUnregistered)
}

// text renders a finding on one line: member, peer, prefix, origin, path,
// reasons, then the evidence of each reason.
func (f *Finding) text() string {
	var b strings.Builder
	origin := f.Origin.String()
	if f.NoOrigin {
		origin = "none (AS_SET)"
	}
	peer := f.PeerIP.String()
	if f.PeerAS != 0 {
		peer += " (peer " + f.PeerAS.String() + ")"
	}
	fmt.Fprintf(&b, "%s %s %s origin=%s path=%q reasons=%s rpki=%s", f.Member, peer, f.Prefix, origin, f.Path,
		joinReasons(f.Reasons), f.RPKI)
	b.WriteString(" " + f.Evidence())
	return b.String()
}

// Evidence renders a finding's evidence: the covering VRPs, the bogon
// entry, the bogon ASes and the IRR result, "; "-separated.
func (f *Finding) Evidence() string {
	var parts []string
	if len(f.VRPs) > 0 {
		vs := make([]string, len(f.VRPs))
		for i, v := range f.VRPs {
			vs[i] = fmt.Sprintf("%s-%d AS%d", v.Prefix, v.MaxLength, v.ASN)
		}
		parts = append(parts, "vrps="+strings.Join(vs, ","))
	}
	if f.Bogon != nil {
		parts = append(parts, fmt.Sprintf("bogon=%s (%s)", f.Bogon.Kind, f.Bogon.Reason))
	}
	for _, h := range f.BogonASNs {
		parts = append(parts, fmt.Sprintf("bogon-asn=%s %s (%s)", h.ASN, h.Kind, h.Reason))
	}
	if f.IRR != nil {
		s := "irr=" + f.IRR.Match
		for _, o := range f.IRR.Objects {
			s += fmt.Sprintf(" %s:%s", o.Source, o.Prefix)
		}
		if f.IRR.InASSet != nil {
			s += fmt.Sprintf(" as-set=%s in=%v", f.IRR.ASSet, *f.IRR.InASSet)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func joinReasons(rs []Reason) string {
	s := make([]string, len(rs))
	for i, r := range rs {
		s[i] = string(r)
	}
	return strings.Join(s, ",")
}

//go:embed report.html
var htmlSource string

var htmlReport = template.Must(template.New("report").Funcs(template.FuncMap{"reasons": joinReasons}).Parse(htmlSource))

// WriteHTML writes the report as a standalone HTML page.
func WriteHTML(w io.Writer, rep *Report) error {
	return htmlReport.Execute(w, rep)
}
