package application

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/observatory-net/observatory/internal/region"
)

// Programmes are the MANRS programmes one may apply to.
var Programmes = []string{"netops", "ixp", "cdn", "vendor"}

// Limits of an application's fields.
const (
	MaxOrganisation = 200
	MaxEmail        = 254 // RFC 5321 §4.5.3.1.3's path, less the brackets
	MaxASNs         = 100
	MaxAreas        = 50
)

// Input is what an organisation gives when it applies.
type Input struct {
	Organisation string
	Programme    string
	ASNs         []uint32
	Email        string
	Areas        []string // economies, ISO 3166 alpha-2
}

// InputError is an application refused for its content, before anything
// is written: which field and why.
type InputError struct {
	Field string
	Msg   string
}

// Error names the field.
func (e *InputError) Error() string { return e.Field + ": " + e.Msg }

func bad(field, format string, args ...any) error {
	return &InputError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// Normalize checks in and returns it cleaned: names trimmed, ASNs sorted
// and unique, economies in upper case, sorted and unique. Every refusal
// is an *InputError.
func Normalize(in Input) (Input, error) {
	in.Organisation = strings.TrimSpace(in.Organisation)
	in.Email = strings.TrimSpace(in.Email)
	switch {
	case in.Organisation == "" || len(in.Organisation) > MaxOrganisation:
		return in, bad("organisation", "want 1 to %d bytes", MaxOrganisation)
	case !plainText(in.Organisation):
		return in, bad("organisation", "want plain text: no markup (< > &), no control characters, UTF-8")
	case !slices.Contains(Programmes, in.Programme):
		return in, bad("programme", "%q: want one of %s", in.Programme, strings.Join(Programmes, ", "))
	}
	if err := checkEmail(in.Email); err != nil {
		return in, err
	}
	asns, err := NormalizeASNs(in.ASNs)
	if err != nil {
		return in, err
	}
	areas, err := NormalizeAreas(in.Areas)
	if err != nil {
		return in, err
	}
	in.ASNs, in.Areas = asns, areas
	return in, nil
}

// NormalizeASNs checks an application's ASNs: 1 to MaxASNs public AS
// numbers (none of IANA's special-purpose ones, RFC 7249); sorted, unique.
func NormalizeASNs(asns []uint32) ([]uint32, error) {
	if len(asns) == 0 || len(asns) > MaxASNs {
		return nil, bad("asns", "want 1 to %d AS numbers", MaxASNs)
	}
	for _, a := range asns {
		if why := reservedASN(a); why != "" {
			return nil, bad("asns", "AS%d is not a public AS number (%s)", a, why)
		}
	}
	out := slices.Clone(asns)
	slices.Sort(out)
	return slices.Compact(out), nil
}

// NormalizeAreas checks an application's areas: up to MaxAreas known
// economies (region's table), in upper case, sorted, unique.
func NormalizeAreas(areas []string) ([]string, error) {
	if len(areas) > MaxAreas {
		return nil, bad("areas", "more than %d economies", MaxAreas)
	}
	out := make([]string, 0, len(areas))
	for _, a := range areas {
		e, ok := region.Lookup(strings.TrimSpace(a))
		if !ok || e.Code == "ZZ" || len(a) > 3 {
			return nil, bad("areas", "%q is not an economy (ISO 3166 alpha-2)", truncate(a, 16))
		}
		out = append(out, e.Code)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// checkEmail wants one bare address, as an SMTP server takes it.
func checkEmail(s string) error {
	if s == "" || len(s) > MaxEmail {
		return bad("email", "want an address of 1 to %d bytes", MaxEmail)
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || a.Name != "" || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") {
		return bad("email", "%q is not an address like noc@example.net", truncate(s, 64))
	}
	return nil
}

// plainText reports whether s is UTF-8 without control characters and
// without the characters of HTML markup.
func plainText(s string) bool {
	return utf8.ValidString(s) && !strings.ContainsAny(s, "<>&") &&
		!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) })
}

// reservedASN says why a is not a public AS number, "" when it is one
// (IANA's special-purpose AS numbers registry, RFC 7249).
func reservedASN(a uint32) string {
	switch {
	case a == 0:
		return "AS0, RFC 7607"
	case a == 23456:
		return "AS_TRANS, RFC 6793"
	case a >= 64496 && a <= 64511, a >= 65536 && a <= 65551:
		return "documentation, RFC 5398"
	case a >= 64512 && a <= 65534, a >= 4200000000 && a <= 4294967294:
		return "private use, RFC 6996"
	case a == 65535 || a == 4294967295:
		return "last of its range, RFC 7300"
	case a >= 65552 && a <= 131071:
		return "reserved by IANA"
	}
	return ""
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}
