package sources

import (
	"fmt"
	"os"
	"path"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

// File is one file a month needs: where to get it (the first of its
// locations that exists) and where it goes in the cache.
type File struct {
	Source string `json:"source"`
	Kind   string `json:"kind"`
	// Locations are tried in order while the previous is not found: the
	// formats of an archive over the years, or earlier months of a late
	// publication.
	Locations []Location        `json:"locations"`
	Headers   map[string]string `json:"-"`
	// Pages is the source's Pages: "hydra" to follow JSON-LD next links.
	Pages string `json:"pages,omitempty"`
	// Note says what the file stands for when it is not from the month
	// itself (a current IRR dump for a past month).
	Note string `json:"note,omitempty"`
}

// Location is one URL of a file and its path in the cache.
type Location struct {
	URL string `json:"url"`
	// Path is relative to the cache: source/YYYY-MM-DD/[collector or
	// item/]file name, the date being the data's.
	Path string `json:"path"`
}

// Name is the first location's URL, naming the file in reports.
func (f File) Name() string { return f.Locations[0].URL }

// Expand lists the files month needs at time now: every day of an ended
// month, up to now for the current month. A month after now is an error.
func (c *Catalogue) Expand(month, now time.Time) ([]File, error) {
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, time.UTC)
	now = now.UTC()
	cur := vocab.MonthOf(now).Start()
	if month.After(cur) {
		return nil, fmt.Errorf("month %s has not started", month.Format(vocab.MonthLayout))
	}
	current := month.Equal(cur)
	var out []File
	for _, s := range c.Sources {
		if !s.IsEnabled() || s.When == "current" && !current || s.When == "past" && current {
			continue
		}
		if s.IsMRT() {
			out = append(out, c.expandMRT(s, month, now, current)...)
		} else {
			out = append(out, s.expandSnapshot(month, now, current)...)
		}
	}
	return out, nil
}

// expandMRT lists the RIB and update files of every collector and day.
func (c *Catalogue) expandMRT(s *Source, month, now time.Time, current bool) []File {
	days := s.Days
	if days == nil {
		days = c.Settings.Days
	}
	ribs := c.Settings.RIBsPerDay
	if s.RIBsPerDay != nil {
		ribs = *s.RIBsPerDay
	}
	updates := s.Updates
	if updates == nil {
		updates = c.Settings.Updates
	}
	var out []File
	for _, col := range s.Collectors {
		for day := month; day.Month() == month.Month(); day = day.AddDate(0, 0, 1) {
			if len(days) > 0 && !slices.Contains(days, day.Day()) {
				continue
			}
			if current && day.After(now) {
				break
			}
			if s.RIB != "" {
				for _, t := range ribTimes(day, ribs, time.Duration(s.RIBEvery)) {
					out = append(out, s.mrtFile(s.RIB, col, t))
				}
			}
			if s.UpdatesURL != "" {
				for _, t := range updateTimes(day, updates, time.Duration(s.UpdatesEvery)) {
					out = append(out, s.mrtFile(s.UpdatesURL, col, t))
				}
			}
		}
	}
	if current { // a file is published some minutes after its interval ends
		out = slices.DeleteFunc(out, func(f File) bool { return fileTime(f).After(now.Add(-30 * time.Minute)) })
	}
	return out
}

// ribTimes spreads n snapshots over the day on the collector's schedule.
func ribTimes(day time.Time, n int, every time.Duration) []time.Time {
	var out []time.Time
	for i := range n {
		t := day.Add(time.Duration(i) * 24 * time.Hour / time.Duration(n)).Truncate(every)
		if len(out) == 0 || !out[len(out)-1].Equal(t) {
			out = append(out, t)
		}
	}
	return out
}

func updateTimes(day time.Time, ts Times, every time.Duration) []time.Time {
	var out []time.Time
	for _, v := range ts {
		switch v {
		case "none":
		case "all":
			for t := day; t.Before(day.Add(24 * time.Hour)); t = t.Add(every) {
				out = append(out, t)
			}
		default:
			hm, _ := time.Parse("1504", v) // checked when read
			out = append(out, day.Add(time.Duration(hm.Hour())*time.Hour+time.Duration(hm.Minute())*time.Minute))
		}
	}
	slices.SortFunc(out, time.Time.Compare)
	return slices.Compact(out)
}

func (s *Source) mrtFile(tmpl, collector string, t time.Time) File {
	dir := collector + "/"
	if collector == s.RootCollector {
		dir = ""
	}
	u := expand(tmpl, t, map[string]string{"collector": collector, "collector_dir": dir})
	return File{Source: s.Name, Kind: s.Kind, Headers: s.Headers,
		Locations: []Location{{URL: u, Path: cachePath(s.Name, t, collector, u)}}}
}

// fileTime is the time of an MRT file, kept in its cache path.
func fileTime(f File) time.Time {
	m := reStamp.FindStringSubmatch(path.Base(f.Locations[0].Path))
	if m == nil {
		return time.Time{}
	}
	t, _ := time.Parse("20060102.1504", m[1]+"."+m[2])
	return t
}

var reStamp = regexp.MustCompile(`([0-9]{8})\.([0-9]{4})`)

// expandSnapshot lists one file per item: from the archive at the month's
// date, or the latest file for the current month (or when there is no
// archive).
func (s *Source) expandSnapshot(month, now time.Time, current bool) []File {
	items := s.Items
	if len(items) == 0 {
		items = []string{""}
	}
	at := month.AddDate(0, 1, -1) // the last day
	if s.Date == "first" {
		at = month
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	var out []File
	for _, item := range items {
		f := File{Source: s.Name, Kind: s.Kind, Headers: s.Headers, Pages: s.Pages}
		vars := map[string]string{"item": item}
		switch {
		case current && s.Latest != "" || len(s.Archive) == 0:
			u := expand(s.Latest, today, vars)
			f.Locations = []Location{{URL: u, Path: cachePath(s.Name, today, item, u)}}
			if !current {
				f.Note = "no archive: the data of " + today.Format(time.DateOnly) + " stands for a past month"
			}
		default:
			for back := 0; back <= s.FallbackMonths; back++ {
				d := at.AddDate(0, -back, 0)
				if current && d.After(today) {
					d = today
				}
				for _, tmpl := range s.Archive {
					u := expand(tmpl, d, vars)
					f.Locations = append(f.Locations, Location{URL: u, Path: cachePath(s.Name, d, item, u)})
				}
			}
		}
		out = append(out, f)
	}
	return out
}

// cachePath is source/YYYY-MM-DD/[sub/]name, the name being the URL's
// last element.
func cachePath(source string, t time.Time, sub, url string) string {
	name := path.Base(url)
	if i := strings.IndexAny(name, "?#"); i >= 0 {
		name = name[:i]
	}
	return path.Join(source, t.Format(time.DateOnly), sub, name)
}

// expand fills a template's placeholders: the date t, and the year and
// month of the month after t's ({NEXT_YYYY}, {NEXT_MM}), for APIs asked
// for a time range.
func expand(tmpl string, t time.Time, vars map[string]string) string {
	next := time.Date(t.Year(), t.Month()+1, 1, 0, 0, 0, 0, time.UTC)
	pairs := []string{"{YYYY}", t.Format("2006"), "{MM}", t.Format("01"), "{DD}", t.Format("02"), "{HHMM}", t.Format("1504"),
		"{NEXT_YYYY}", next.Format("2006"), "{NEXT_MM}", next.Format("01")}
	for k, v := range vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(tmpl)
}

// ExpandHeaders fills ${ENV} in header values; a header whose variables
// are all empty is left out (an optional API key).
func ExpandHeaders(h map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		set := false
		x := os.Expand(v, func(name string) string {
			val := os.Getenv(name)
			set = set || val != ""
			return val
		})
		if set || !strings.Contains(v, "$") {
			out[k] = x
		}
	}
	return out
}
