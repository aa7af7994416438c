package rdap

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/inputerr"
)

// MaxAnswerBytes bounds one RDAP answer. Real autnum answers are a few
// kilobytes to a few hundred; a larger file is refused, not read into
// memory.
const MaxAnswerBytes = 8 << 20

// maxDepth bounds how deep the entities tree is walked.
const maxDepth = 8

// ErrNotAutnum is the cause of the error for a JSON document that is not
// an RDAP autnum object.
var ErrNotAutnum = errors.New("not an RDAP autnum object")

// Autnum is what the package keeps of an RDAP autnum answer.
type Autnum struct {
	Handle string  // "AS3356" (ARIN), "28000" (LACNIC)…
	Start  bgp.ASN // startAutnum
	End    bgp.ASN // endAutnum; equal to Start for a single AS
	Port43 string  // the registry's whois server, "whois.arin.net"
	// Server is the host of the answer's self link, "rdap.arin.net", else
	// Port43: the server the evidence names.
	Server string
	// Contact is the first entity that counts for §13.3, if any.
	Contact *Entity
	// Entities counts the entities seen, at any depth.
	Entities int
}

// Entity is an RDAP entity reduced to what §13.3 asks. The e-mail
// addresses and phone numbers are not kept: only whether there are any.
type Entity struct {
	Handle string
	Roles  []string // lower-cased
	Email  bool
	Tel    bool
}

// Counts reports whether e is a reachable coordination contact: a
// technical, administrative or NOC role and an e-mail or a phone.
func (e Entity) Counts() bool {
	if !e.Email && !e.Tel {
		return false
	}
	for _, r := range e.Roles {
		switch r {
		case "technical", "administrative", "noc":
			return true
		}
	}
	return false
}

// Covers reports whether the answer is about AS a.
func (a *Autnum) Covers(asn bgp.ASN) bool { return a.Start <= asn && asn <= a.End }

// wire is the subset of RFC 9083 the package decodes.
type wire struct {
	ObjectClassName string       `json:"objectClassName"`
	Handle          string       `json:"handle"`
	StartAutnum     *uint32      `json:"startAutnum"`
	EndAutnum       *uint32      `json:"endAutnum"`
	Port43          string       `json:"port43"`
	Entities        []wireEntity `json:"entities"`
	ErrorCode       *int         `json:"errorCode"`
	Links           []wireLink   `json:"links"`
}

type wireLink struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
}

type wireEntity struct {
	Handle     string          `json:"handle"`
	Roles      []string        `json:"roles"`
	VCardArray json.RawMessage `json:"vcardArray"`
	Entities   []wireEntity    `json:"entities"`
}

// Parse reads one RDAP autnum answer. The error is an *inputerr.Error
// naming file and, for malformed JSON, the byte offset.
func Parse(r io.Reader, file string) (*Autnum, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxAnswerBytes+1))
	if err != nil {
		return nil, inputerr.New(file, 1, 0, err)
	}
	if len(b) > MaxAnswerBytes {
		return nil, inputerr.Errorf(file, 1, 0, "RDAP answer larger than %d bytes", MaxAnswerBytes)
	}
	return Decode(b, file)
}

// Decode is Parse of a document in memory.
func Decode(b []byte, file string) (*Autnum, error) {
	var w wire
	if err := json.Unmarshal(b, &w); err != nil {
		return nil, inputerr.New(file, 1, jsonOffset(err), fmt.Errorf("rdap: %w", err))
	}
	if w.ErrorCode != nil {
		return nil, inputerr.Errorf(file, 1, 0, "rdap: error answer %d, %w", *w.ErrorCode, ErrNotAutnum)
	}
	if w.ObjectClassName != "autnum" || w.StartAutnum == nil {
		return nil, inputerr.New(file, 1, 0, fmt.Errorf("rdap: objectClassName %q: %w", clip(w.ObjectClassName), ErrNotAutnum))
	}
	a := &Autnum{Handle: w.Handle, Start: bgp.ASN(*w.StartAutnum), End: bgp.ASN(*w.StartAutnum), Port43: w.Port43}
	if w.EndAutnum != nil {
		a.End = bgp.ASN(*w.EndAutnum)
	}
	if a.End < a.Start {
		return nil, inputerr.Errorf(file, 1, 0, "rdap: endAutnum %d before startAutnum %d", a.End, a.Start)
	}
	a.Server = a.Port43
	for _, l := range w.Links {
		if u, err := url.Parse(l.Href); l.Rel == "self" && err == nil && u.Host != "" {
			a.Server = u.Host
			break
		}
	}
	a.walk(w.Entities, 0)
	return a, nil
}

// walk visits the entities tree, counting them and keeping the first one
// that counts for §13.3.
func (a *Autnum) walk(es []wireEntity, depth int) {
	if depth >= maxDepth {
		return
	}
	for _, we := range es {
		a.Entities++
		e := Entity{Handle: we.Handle}
		for _, r := range we.Roles {
			e.Roles = append(e.Roles, strings.ToLower(strings.TrimSpace(r)))
		}
		e.Email, e.Tel = vcardHas(we.VCardArray)
		if a.Contact == nil && e.Counts() {
			a.Contact = &e
		}
		a.walk(we.Entities, depth+1)
	}
}

// vcardHas reports whether a jCard (RFC 7095 §3.2: ["vcard", [[name,
// params, type, value…], …]]) has a non-empty email and tel property. A
// malformed vCard has neither.
func vcardHas(raw json.RawMessage) (email, tel bool) {
	if len(raw) == 0 {
		return false, false
	}
	var card []json.RawMessage
	if json.Unmarshal(raw, &card) != nil || len(card) != 2 {
		return false, false
	}
	var tag string
	var props [][]json.RawMessage
	if json.Unmarshal(card[0], &tag) != nil || tag != "vcard" || json.Unmarshal(card[1], &props) != nil {
		return false, false
	}
	for _, p := range props {
		if len(p) < 4 {
			continue
		}
		var name string
		if json.Unmarshal(p[0], &name) != nil {
			continue
		}
		switch strings.ToLower(name) {
		case "email":
			email = email || nonEmpty(p[3:])
		case "tel":
			tel = tel || nonEmpty(p[3:])
		}
	}
	return email, tel
}

// nonEmpty reports whether a property's values hold some text: a string
// ("noc@example.net", "tel:+1-555-0100") or a structured value.
func nonEmpty(vals []json.RawMessage) bool {
	for _, v := range vals {
		var s string
		if json.Unmarshal(v, &s) == nil {
			if strings.TrimSpace(s) != "" {
				return true
			}
			continue
		}
		if t := bytes.TrimSpace(v); len(t) > 0 && string(t) != "null" && string(t) != "[]" && string(t) != "{}" {
			return true
		}
	}
	return false
}

// jsonOffset is the byte offset a JSON error gives, else 0.
func jsonOffset(err error) int64 {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Offset
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return te.Offset
	}
	return 0
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// Sniff reports whether the head of a JSON document looks like an RDAP
// autnum answer: an "objectClassName" of "autnum" with a "startAutnum".
func Sniff(head []byte) bool {
	return reClass.Match(head) && bytes.Contains(head, []byte(`"startAutnum"`))
}

var reClass = regexp.MustCompile(`"objectClassName"\s*:\s*"autnum"`)
