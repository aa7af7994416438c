package alert

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/observatory-net/observatory/internal/bgp"
	"github.com/observatory-net/observatory/internal/store"
)

// Watch is a watch list: the prefixes and ASes to raise incidents for,
// and where to deliver them.
type Watch struct {
	// File is the name the list was read from, for messages.
	File string
	// EvidenceURL is the template of each alert's link to its evidence:
	// "{base}" is replaced by BaseURL and "{id}" by the incident id.
	// Empty: DefaultEvidenceURL when BaseURL is set, else alerts carry
	// no link, only the evidence inline.
	EvidenceURL string
	// BaseURL replaces "{base}" in EvidenceURL.
	BaseURL string
	// SecretEnv names the environment variable that holds the webhooks'
	// HMAC secret; the secret itself is never written in the file.
	SecretEnv string
	Prefixes  []PrefixWatch
	ASNs      []ASNWatch
}

// Targets are where an entry's alerts go.
type Targets struct {
	Webhooks []string `json:"webhooks,omitempty"` // absolute http or https URLs
	Emails   []string `json:"emails,omitempty"`   // bare addresses
}

// merge adds the targets of o that t lacks.
func (t *Targets) merge(o Targets) {
	for _, w := range o.Webhooks {
		if !slices.Contains(t.Webhooks, w) {
			t.Webhooks = append(t.Webhooks, w)
		}
	}
	for _, m := range o.Emails {
		if !slices.Contains(t.Emails, m) {
			t.Emails = append(t.Emails, m)
		}
	}
}

// PrefixWatch is one watched prefix.
type PrefixWatch struct {
	Name   string
	Prefix netip.Prefix // masked
	// Origins are the ASes expected to originate Prefix and its
	// more-specifics; any other origin is a hijack. Empty: no hijack
	// detection for this prefix (RPKI, visibility and leaks only).
	Origins []bgp.ASN
	// MinPeers is the visibility threshold: fewer peers seeing Prefix
	// (with an expected origin) for Hold is a visibility loss.
	MinPeers int
	Hold     time.Duration
	Targets
	Line int // line of the entry in File
}

// ASNWatch is one watched AS.
type ASNWatch struct {
	Name string
	ASN  bgp.ASN
	Targets
	Line int
}

// Default visibility rule of a prefix that states none: a loss is seen by
// no peer at all for five minutes.
const (
	DefaultMinPeers = 1
	DefaultHold     = 5 * time.Minute
)

// LoadWatch reads the watch list in the YAML file path; see ParseWatch.
func LoadWatch(path string) (*Watch, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open watch list: %w", err)
	}
	defer f.Close()
	return ParseWatch(f, path)
}

// ParseWatch reads a watch list (docs/alerts.md) from r; name labels the
// messages. It is strict: an unknown key, a missing name, a prefix with
// host bits set, an ASN, URL, address or duration that does not parse, or
// a prefix or ASN watched twice is an error naming name and the line, and
// every such problem is reported, joined, not only the first.
func ParseWatch(r io.Reader, name string) (*Watch, error) {
	var root yaml.Node
	if err := yaml.NewDecoder(r).Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty watch list", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &parser{file: name}
	w := p.watch(root.Content[0])
	if len(p.errs) > 0 {
		return nil, errors.Join(p.errs...)
	}
	return w, nil
}

// parser collects the problems of one watch file.
type parser struct {
	file string
	errs []error
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...)))
}

// fields returns the values of mapping n by key, reporting keys that are
// not allowed or repeated.
func (p *parser) fields(n *yaml.Node, what string, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: want a mapping", what)
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		switch {
		case !slices.Contains(allowed, k.Value):
			p.errorf(k, "%s: unknown key %q (want one of %s)", what, k.Value, strings.Join(allowed, ", "))
		case out[k.Value] != nil:
			p.errorf(k, "%s: key %q given twice", what, k.Value)
		default:
			out[k.Value] = v
		}
	}
	return out
}

func (p *parser) scalar(n *yaml.Node, what string) string {
	if n == nil {
		return ""
	}
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s: want a single value", what)
		return ""
	}
	return strings.TrimSpace(n.Value)
}

func (p *parser) list(n *yaml.Node, what string) []*yaml.Node {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "%s: want a list", what)
		return nil
	}
	return n.Content
}

func (p *parser) watch(n *yaml.Node) *Watch {
	f := p.fields(n, "watch list", "evidence_url", "base_url", "webhook_secret_env", "visibility", "prefixes", "asns")
	w := &Watch{File: p.file, EvidenceURL: p.scalar(f["evidence_url"], "evidence_url"),
		BaseURL: p.scalar(f["base_url"], "base_url"), SecretEnv: p.scalar(f["webhook_secret_env"], "webhook_secret_env")}
	if w.EvidenceURL != "" && !strings.Contains(w.EvidenceURL, "{id}") {
		p.errorf(f["evidence_url"], "evidence_url %q: want a template with {id}", w.EvidenceURL)
	}
	if strings.Contains(w.EvidenceURL, "{base}") && w.BaseURL == "" {
		p.errorf(f["evidence_url"], "evidence_url uses {base} but base_url is not set")
	}
	minPeers, hold := DefaultMinPeers, DefaultHold
	if v := f["visibility"]; v != nil {
		minPeers, hold = p.visibility(v, minPeers, hold)
	}
	seenP := map[netip.Prefix]int{}
	for _, e := range p.list(f["prefixes"], "prefixes") {
		pw, ok := p.prefix(e, minPeers, hold)
		if !ok {
			continue
		}
		if line, dup := seenP[pw.Prefix]; dup {
			p.errorf(e, "prefix %s is watched twice (first at line %d)", pw.Prefix, line)
			continue
		}
		seenP[pw.Prefix] = pw.Line
		w.Prefixes = append(w.Prefixes, pw)
	}
	seenA := map[bgp.ASN]int{}
	for _, e := range p.list(f["asns"], "asns") {
		aw, ok := p.asn(e)
		if !ok {
			continue
		}
		if line, dup := seenA[aw.ASN]; dup {
			p.errorf(e, "%s is watched twice (first at line %d)", aw.ASN, line)
			continue
		}
		seenA[aw.ASN] = aw.Line
		w.ASNs = append(w.ASNs, aw)
	}
	if len(p.errs) == 0 && len(w.Prefixes) == 0 && len(w.ASNs) == 0 {
		p.errorf(n, "watch list has no prefixes and no asns")
	}
	return w
}

func (p *parser) visibility(n *yaml.Node, minPeers int, hold time.Duration) (int, time.Duration) {
	f := p.fields(n, "visibility", "min_peers", "hold")
	if v := f["min_peers"]; v != nil {
		k, err := strconv.Atoi(p.scalar(v, "min_peers"))
		if err != nil || k < 1 {
			p.errorf(v, "min_peers %q: want a whole number of at least 1", v.Value)
		} else {
			minPeers = k
		}
	}
	if v := f["hold"]; v != nil {
		d, err := time.ParseDuration(p.scalar(v, "hold"))
		if err != nil || d < 0 {
			p.errorf(v, "hold %q: want a duration such as 90s or 5m", v.Value)
		} else {
			hold = d
		}
	}
	return minPeers, hold
}

func (p *parser) prefix(n *yaml.Node, minPeers int, hold time.Duration) (PrefixWatch, bool) {
	before := len(p.errs)
	f := p.fields(n, "prefix entry", "name", "prefix", "origins", "visibility", "webhooks", "emails")
	pw := PrefixWatch{Name: p.name(n, f), Line: n.Line, Targets: p.targets(f)}
	pw.MinPeers, pw.Hold = minPeers, hold
	if v := f["visibility"]; v != nil {
		pw.MinPeers, pw.Hold = p.visibility(v, minPeers, hold)
	}
	if v := f["prefix"]; v == nil {
		p.errorf(n, "prefix entry %q: no prefix", pw.Name)
	} else {
		s := p.scalar(v, "prefix")
		pfx, err := netip.ParsePrefix(s)
		switch {
		case err != nil:
			p.errorf(v, "prefix %q: %v", s, err)
		case pfx != pfx.Masked():
			p.errorf(v, "prefix %q has host bits set (did you mean %s?)", s, pfx.Masked())
		default:
			pw.Prefix = pfx
		}
	}
	for _, o := range p.list(f["origins"], "origins") {
		a, err := bgp.ParseASN(p.scalar(o, "origin"))
		if err != nil {
			p.errorf(o, "origin %q: %v", o.Value, err)
			continue
		}
		if !slices.Contains(pw.Origins, a) {
			pw.Origins = append(pw.Origins, a)
		}
	}
	slices.Sort(pw.Origins)
	return pw, len(p.errs) == before
}

func (p *parser) asn(n *yaml.Node) (ASNWatch, bool) {
	before := len(p.errs)
	f := p.fields(n, "asn entry", "name", "asn", "webhooks", "emails")
	aw := ASNWatch{Name: p.name(n, f), Line: n.Line, Targets: p.targets(f)}
	if v := f["asn"]; v == nil {
		p.errorf(n, "asn entry %q: no asn", aw.Name)
	} else if a, err := bgp.ParseASN(p.scalar(v, "asn")); err != nil {
		p.errorf(v, "asn %q: %v", v.Value, err)
	} else {
		aw.ASN = a
	}
	return aw, len(p.errs) == before
}

func (p *parser) name(n *yaml.Node, f map[string]*yaml.Node) string {
	s := p.scalar(f["name"], "name")
	if s == "" {
		p.errorf(n, "entry without a name")
	}
	return s
}

func (p *parser) targets(f map[string]*yaml.Node) Targets {
	var t Targets
	for _, v := range p.list(f["webhooks"], "webhooks") {
		s := p.scalar(v, "webhook")
		if err := CheckWebhook(s); err != nil {
			p.errorf(v, "%v", err)
			continue
		}
		t.merge(Targets{Webhooks: []string{s}})
	}
	for _, v := range p.list(f["emails"], "emails") {
		s := p.scalar(v, "email")
		a, err := mail.ParseAddress(s)
		if err != nil || a.Address != s {
			p.errorf(v, "e-mail address %q: want a bare address such as noc@example.net", s)
			continue
		}
		t.merge(Targets{Emails: []string{s}})
	}
	return t
}

// CheckWebhook reports whether u is an absolute http or https URL.
func CheckWebhook(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
		return fmt.Errorf("webhook %q: want an http or https URL", u)
	}
	return nil
}

// DefaultEvidenceURL is the link template when the list sets base_url
// only: the dashboard's page of the incident (/alerts/{id}).
const DefaultEvidenceURL = "{base}/alerts/{id}"

// Link returns the evidence URL of incident id, or "" without a template
// or a base URL.
func (w *Watch) Link(id string) string {
	if w == nil || (w.EvidenceURL == "" && w.BaseURL == "") {
		return ""
	}
	tmpl := w.EvidenceURL
	if tmpl == "" {
		tmpl = DefaultEvidenceURL
	}
	s := strings.ReplaceAll(tmpl, "{base}", strings.TrimSuffix(w.BaseURL, "/"))
	return strings.ReplaceAll(s, "{id}", url.PathEscape(id))
}

// AddParticipants watches the ASNs of the registry's participants (an
// ASN already watched keeps its entry): one entry per ASN, named after
// the organisation and the registry ID ("RIPE NCC #3"), its alerts
// e-mailed to the participant's addresses in contacts (by registry ID:
// the registry keeps no address). It returns the entries added.
func (w *Watch) AddParticipants(ps []store.Registered, contacts map[int64][]string) int {
	watched := map[bgp.ASN]bool{}
	for _, a := range w.ASNs {
		watched[a.ASN] = true
	}
	n := 0
	for _, p := range ps {
		for _, a := range p.ASNs {
			asn := bgp.ASN(a)
			if watched[asn] {
				continue
			}
			watched[asn] = true
			e := ASNWatch{Name: fmt.Sprintf("%s #%d", p.Organisation, p.ID), ASN: asn}
			e.Targets.merge(Targets{Emails: contacts[p.ID]})
			w.ASNs = append(w.ASNs, e)
			n++
		}
	}
	return n
}
