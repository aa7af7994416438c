// Package sources is the catalogue of the public data the observatory
// fetches: RouteViews and RIPE RIS MRT archives, RPKI VRPs, CAIDA AS
// relationships, PeeringDB, the RIRs' delegated statistics, IRR databases,
// Team Cymru bogons and CAIDA Spoofer. The built-in defaults are an
// embedded, commented YAML file (sources.yaml); a user file merges over
// them. Expand turns the catalogue into the files one month needs.
package sources

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

//go:embed sources.yaml
var defaultYAML []byte

// DefaultYAML returns the commented built-in catalogue.
func DefaultYAML() []byte { return slices.Clone(defaultYAML) }

// Catalogue is the set of sources and the settings that size a month.
type Catalogue struct {
	Settings Settings  `yaml:"settings" json:"settings"`
	Sources  []*Source `yaml:"sources" json:"sources"`
}

// Settings size what a month fetches; each may be set per source too.
type Settings struct {
	// Days are the days of the month MRT files are fetched for; empty
	// means every day (up to today for the current month).
	Days []int `yaml:"days" json:"days"`
	// RIBsPerDay is the number of RIB snapshots a day and collector.
	RIBsPerDay int `yaml:"ribs_per_day" json:"ribs_per_day"`
	// Updates is "none", "all" or a list of HHMM times (comma separated
	// or a YAML list).
	Updates Times `yaml:"updates" json:"updates"`
	// Concurrency is the number of downloads at once.
	Concurrency int `yaml:"concurrency" json:"concurrency"`
	// Attempts is the number of tries of a file on network errors and
	// 5xx answers.
	Attempts int `yaml:"attempts" json:"attempts"`
	// Backoff is the first wait between attempts; it doubles each time.
	Backoff Duration `yaml:"backoff" json:"backoff"`
}

// Source is one public data source.
type Source struct {
	Name        string `yaml:"name" json:"name"`
	Kind        string `yaml:"kind" json:"kind"` // the dataset kind its files hold
	Description string `yaml:"description,omitempty" json:"description,omitempty"`
	// Enabled is true unless set to false.
	Enabled *bool `yaml:"enabled,omitempty" json:"enabled,omitempty"`
	// When is "current" (only for the current month), "past" (only for
	// ended months) or empty (always).
	When string `yaml:"when,omitempty" json:"when,omitempty"`

	// MRT sources: collectors, a RIB and an update file template, and how
	// often the collectors write them.
	Collectors    []string `yaml:"collectors,omitempty" json:"collectors,omitempty"`
	RootCollector string   `yaml:"root_collector,omitempty" json:"root_collector,omitempty"`
	RIB           string   `yaml:"rib,omitempty" json:"rib,omitempty"`
	RIBEvery      Duration `yaml:"rib_every,omitempty" json:"rib_every,omitempty"`
	UpdatesURL    string   `yaml:"updates_url,omitempty" json:"updates_url,omitempty"`
	UpdatesEvery  Duration `yaml:"updates_every,omitempty" json:"updates_every,omitempty"`
	// Per-source overrides of the settings.
	Days       []int `yaml:"days,omitempty" json:"days,omitempty"`
	RIBsPerDay *int  `yaml:"ribs_per_day,omitempty" json:"ribs_per_day,omitempty"`
	Updates    Times `yaml:"updates,omitempty" json:"updates,omitempty"`

	// Snapshot sources: one file per item, from a dated archive (the
	// templates are tried in order) or, for the current month, the latest
	// file.
	Items          []string          `yaml:"items,omitempty" json:"items,omitempty"`
	Archive        []string          `yaml:"archive,omitempty" json:"archive,omitempty"`
	Latest         string            `yaml:"latest,omitempty" json:"latest,omitempty"`
	Date           string            `yaml:"date,omitempty" json:"date,omitempty"` // "last" (default) or "first" day of the month
	FallbackMonths int               `yaml:"fallback_months,omitempty" json:"fallback_months,omitempty"`
	Headers        map[string]string `yaml:"headers,omitempty" json:"headers,omitempty"`
	// Pages is "hydra" for an API whose answers are JSON-LD collection
	// pages (Hydra, as API Platform writes them): the pages after the
	// first are followed through "hydra:view"."hydra:next" and written
	// one after the other into the file. Empty: one answer is the file.
	Pages string `yaml:"pages,omitempty" json:"pages,omitempty"`
}

// IsEnabled reports whether the source is fetched.
func (s *Source) IsEnabled() bool { return s.Enabled == nil || *s.Enabled }

// IsMRT reports whether the source is a collector archive.
func (s *Source) IsMRT() bool { return len(s.Collectors) > 0 }

// Duration is a time.Duration written as "15m" in the file.
type Duration time.Duration

// UnmarshalYAML reads a Go duration string.
func (d *Duration) UnmarshalYAML(n *yaml.Node) error {
	v, err := time.ParseDuration(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = Duration(v)
	return nil
}

// MarshalYAML writes a Go duration string.
func (d Duration) MarshalYAML() (any, error) { return time.Duration(d).String(), nil }

// UnmarshalText reads a Go duration string (from JSON).
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	*d = Duration(v)
	return err
}

// MarshalText writes a Go duration string (for JSON).
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Times is "none", "all" or a list of HHMM times of day.
type Times []string

// UnmarshalYAML reads a scalar ("none", "all", "0000,1200") or a list.
func (t *Times) UnmarshalYAML(n *yaml.Node) error {
	var list []string
	switch n.Kind {
	case yaml.ScalarNode:
		for f := range strings.SplitSeq(n.Value, ",") {
			if f = strings.TrimSpace(f); f != "" {
				list = append(list, f)
			}
		}
	case yaml.SequenceNode:
		if err := n.Decode(&list); err != nil {
			return err
		}
	default:
		return fmt.Errorf("line %d: updates: want none, all or HHMM times", n.Line)
	}
	for _, v := range list {
		if v == "none" || v == "all" {
			continue
		}
		if _, err := time.Parse("1504", v); err != nil || len(v) != 4 {
			return fmt.Errorf("line %d: time %q: want HHMM", n.Line, v)
		}
	}
	if list == nil {
		list = Times{}
	}
	*t = list
	return nil
}

// Default returns the built-in catalogue.
func Default() *Catalogue {
	c, err := parse(defaultYAML)
	if err != nil {
		panic(fmt.Sprintf("sources: built-in catalogue: %v", err))
	}
	return c
}

func parse(b []byte) (*Catalogue, error) {
	var c Catalogue
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, err
	}
	return &c, c.Validate()
}

// Load returns the defaults with the user file at path merged over them;
// an empty path gives the defaults.
func Load(path string) (*Catalogue, error) {
	c := Default()
	if path == "" {
		return c, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	if err := c.Merge(b); err != nil {
		return nil, fmt.Errorf("sources %s: %w", path, err)
	}
	return c, nil
}

// Merge decodes a user file over c: settings field by field, sources by
// name (fields set replace the built-in ones), new sources appended.
func (c *Catalogue) Merge(b []byte) error {
	var user struct {
		Settings yaml.Node   `yaml:"settings"`
		Sources  []yaml.Node `yaml:"sources"`
	}
	if err := yaml.Unmarshal(b, &user); err != nil {
		return err
	}
	if !user.Settings.IsZero() {
		if err := user.Settings.Decode(&c.Settings); err != nil {
			return fmt.Errorf("settings: %w", err)
		}
	}
	for i := range user.Sources {
		n := &user.Sources[i]
		var named struct {
			Name string `yaml:"name"`
		}
		if err := n.Decode(&named); err != nil || named.Name == "" {
			return fmt.Errorf("source at line %d: no name", n.Line)
		}
		s := c.Source(named.Name)
		if s == nil {
			s = &Source{}
			c.Sources = append(c.Sources, s)
		}
		if err := n.Decode(s); err != nil {
			return fmt.Errorf("source %s: %w", named.Name, err)
		}
	}
	return c.Validate()
}

// Source returns the source of that name, or nil.
func (c *Catalogue) Source(name string) *Source {
	for _, s := range c.Sources {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// Validate lists every problem of the catalogue.
func (c *Catalogue) Validate() error {
	var errs []error
	st := c.Settings
	if st.Concurrency < 1 || st.Attempts < 1 || st.RIBsPerDay < 0 || st.Backoff < 0 {
		errs = append(errs, errors.New("settings: concurrency and attempts must be at least 1, ribs_per_day and backoff not negative"))
	}
	seen := map[string]bool{}
	for _, s := range c.Sources {
		if seen[s.Name] {
			errs = append(errs, fmt.Errorf("source %s: listed twice", s.Name))
		}
		seen[s.Name] = true
		errs = append(errs, s.validate())
	}
	return errors.Join(errs...)
}

func (s *Source) validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("source %s: "+format, append([]any{s.Name}, args...)...))
	}
	switch s.When {
	case "", "current", "past":
	default:
		bad("when %q: want current, past or nothing", s.When)
	}
	switch s.Date {
	case "", "first", "last":
	default:
		bad("date %q: want first or last", s.Date)
	}
	switch s.Pages {
	case "", "hydra":
	default:
		bad("pages %q: want hydra or nothing", s.Pages)
	}
	if !s.IsEnabled() {
		return errors.Join(errs...)
	}
	if s.IsMRT() {
		if s.RIB != "" && s.RIBEvery <= 0 || s.UpdatesURL != "" && s.UpdatesEvery <= 0 {
			bad("rib_every and updates_every must be set with their templates")
		}
	} else if len(s.Archive) == 0 && s.Latest == "" {
		bad("neither collectors, archive nor latest")
	}
	if s.RIBsPerDay != nil && *s.RIBsPerDay < 0 {
		bad("ribs_per_day is negative")
	}
	return errors.Join(errs...)
}
