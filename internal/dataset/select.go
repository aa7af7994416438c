package dataset

import (
	"bytes"
	"cmp"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

// One coherent month (issue 11; measurement-framework §2: the Observatory
// publishes "one snapshot per calendar month", §4.6: a report has one
// period): a data directory may hold reference snapshots of many years
// (VRPs of 2020 and 2023, delegated statistics of 2013 to 2026…). Scoring
// a month with all of them mixed gives numbers of no month at all, so
// Select keeps, per kind and group, only the snapshot nearest to the
// month, and says of every other file why it was left out.

// NotUsed is a reference file Select left out, and why.
type NotUsed struct {
	File
	// Reason is one line: "2020-02-17 is 5 years 9 months from 2014-05;
	// nearer: 2014-05-20".
	Reason string
}

// AllGroups is the Group of a file that holds every group of its kind (the
// NRO's combined delegated statistics, derived from the registries' own
// files). A registry's own file is preferred to it, whatever the dates:
// the combined file fills in the registries without one (its records of
// the others are dropped, File.Exclude), its snapshots chosen among
// themselves as those of any group.
const AllGroups = "*"

// selectKinds are the kinds Select chooses among; MRT files are the
// month's routes (their records are dropped outside the month instead),
// and unknown files are not read.
var selectKinds = map[Kind]bool{KindVRP: true, KindIRR: true, KindASRel: true, KindDelegated: true, KindIANAv4: true,
	KindBogons: true, KindPeeringDB: true, KindASNames: true, KindSpoofer: true}

// Select chooses, among the reference files of each kind and group (the
// RIR of delegated statistics, the source of an IRR database, the address
// family of a bogon list; see File.Group), the snapshot nearest to the
// month starting at month, and returns the files to read and those left
// out with why. The rules:
//
//   - a snapshot's date is File.Date (from the content when it has one,
//     else from the name or directory); files of one date are one
//     snapshot (PeeringDB pages, route and route6 dumps) and are used
//     together;
//   - distance is zero for a date within the month, else the time to the
//     month's nearest edge; the nearest date is used; of two as near, the
//     latest known by the month's end (within the month: its last
//     snapshot; outside: the one before the month);
//   - undated files are used only in a group without dated ones;
//   - pinned files (File.Pinned, named with a kind flag) are always used,
//     and replace the other files of their group.
//
// A zero month keeps every file. MRT and unknown files pass through.
func Select(files []File, month time.Time) (used []File, notUsed []NotUsed) {
	if month.IsZero() {
		return files, nil
	}
	end := month.AddDate(0, 1, 0)
	type key struct {
		kind  Kind
		group string
	}
	groups := map[key][]int{}
	var keys []key
	groupsOf := map[Kind][]string{} // the named groups of each kind
	for i, f := range files {
		if !selectKinds[f.Kind] || f.Group == AllGroups {
			continue
		}
		k := key{f.Kind, f.Group}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
			groupsOf[f.Kind] = append(groupsOf[f.Kind], f.Group)
		}
		groups[k] = append(groups[k], i)
	}
	// Combined files compete among themselves, for the registries
	// without a file of their own.
	for i, f := range files {
		if !selectKinds[f.Kind] || f.Group != AllGroups {
			continue
		}
		k := key{f.Kind, AllGroups}
		if _, ok := groups[k]; !ok {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	chosen := make([]bool, len(files))
	why := map[int]string{}
	for _, k := range keys {
		members := groups[k]
		pick := pickGroup(files, members, month, end)
		for _, i := range members {
			if pick.use[i] {
				chosen[i] = true
				continue
			}
			why[i] = pick.reason(files[i], k.group)
		}
	}
	for i, f := range files {
		switch {
		case !selectKinds[f.Kind]:
			used = append(used, f)
		case chosen[i]:
			if f.Group == AllGroups {
				f.Exclude = slices.Clone(groupsOf[f.Kind])
			}
			used = append(used, f)
		default:
			notUsed = append(notUsed, NotUsed{File: f, Reason: why[i]})
		}
	}
	return used, notUsed
}

// choice is what pickGroup chose in one group.
type choice struct {
	use    map[int]bool
	date   time.Time // the date used; zero for undated files or a pinned choice
	month  time.Time
	pinned []string // the pinned files' paths
}

// pickGroup chooses among the files of one group.
func pickGroup(files []File, members []int, month, end time.Time) choice {
	c := choice{use: map[int]bool{}, month: month}
	for _, i := range members {
		if files[i].Pinned {
			c.use[i] = true
			c.pinned = append(c.pinned, files[i].Path)
		}
	}
	if len(c.pinned) > 0 {
		return c
	}
	var best time.Time
	var bestD time.Duration = -1
	for _, i := range members {
		d := files[i].Date
		if d.IsZero() {
			continue
		}
		dist := distance(d, month, end)
		switch {
		case bestD < 0 || dist < bestD:
			best, bestD = d, dist
		case dist == bestD && better(d, best, end):
			best = d
		}
	}
	if bestD < 0 { // no dated file: every one is used
		for _, i := range members {
			c.use[i] = true
		}
		return c
	}
	c.date = best
	for _, i := range members {
		if d := files[i].Date; !d.IsZero() && day(d) == day(best) {
			c.use[i] = true
		}
	}
	return c
}

// better reports whether date a beats date b at the same distance: the
// later of the two known by the month's end (end), else the earlier.
func better(a, b, end time.Time) bool {
	aIn, bIn := a.Before(end), b.Before(end)
	switch {
	case aIn && bIn:
		return a.After(b)
	case aIn != bIn:
		return aIn
	}
	return a.Before(b)
}

// day is t's calendar day: dates of one day are one snapshot.
func day(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC) }

// distance is how far d lies from the month [month, end): zero inside,
// else counted from the month's first day back or its last day forward,
// so that the day before and the day after are as near.
func distance(d, month, end time.Time) time.Duration {
	switch {
	case d.Before(month):
		return month.Sub(d)
	case !d.Before(end):
		return d.Sub(end.AddDate(0, 0, -1))
	}
	return 0
}

// reason says why the file f of group was not chosen.
func (c choice) reason(f File, group string) string {
	prefix := ""
	if group != "" && group != AllGroups {
		prefix = group + ": "
	}
	switch {
	case len(c.pinned) > 0:
		return prefix + "another file of this kind was named explicitly: " + strings.Join(c.pinned, ", ")
	case f.Date.IsZero():
		return fmt.Sprintf("%sundated, and dated snapshots exist; used: %s", prefix, c.date.Format(time.DateOnly))
	}
	m := c.month.Format(vocab.MonthLayout)
	near := "nearer"
	if distance(f.Date, c.month, c.month.AddDate(0, 1, 0)) == distance(c.date, c.month, c.month.AddDate(0, 1, 0)) {
		near = "as near and known by the month's end"
	}
	return fmt.Sprintf("%s%s is %s from %s; %s: %s", prefix, f.Date.Format(time.DateOnly), monthsApart(f.Date, c.month), m,
		near, c.date.Format(time.DateOnly))
}

// monthsApart renders the calendar distance between the month of d and
// month: "5 years 9 months", "1 month", "in the month".
func monthsApart(d, month time.Time) string {
	n := (d.Year()-month.Year())*12 + int(d.Month()) - int(month.Month())
	if n < 0 {
		n = -n
	}
	if n == 0 {
		return "in the month"
	}
	var parts []string
	if y := n / 12; y > 0 {
		parts = append(parts, plural(y, "year"))
	}
	if mo := n % 12; mo > 0 {
		parts = append(parts, plural(mo, "month"))
	}
	return strings.Join(parts, " ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

// Content dates and groups, read from the head Identify sniffs.
var (
	reBuildTime   = regexp.MustCompile(`"(?:buildtime|generated|generatedTime)"\s*:\s*"?([0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]+Z|[0-9]{10})"?`)
	reLastUpdated = regexp.MustCompile(`(?m)^#\s*last updated ([0-9]{9,10})`)
	reIANAUpdated = regexp.MustCompile(`Last Updated\s+([0-9]{4}-[0-9]{2}-[0-9]{2})`)
	reSource      = regexp.MustCompile(`(?m)^source:[ \t]*([A-Za-z0-9_-]+)`)
	reYear        = regexp.MustCompile(`(?:^|[^0-9])((?:19|20)[0-9]{2})(?:[^0-9]|$)`)
)

// describe sets, from the head of a file of a known reference kind, the
// date of its content when it has one (a delegated file's end date, an
// rpki-client build time, a bogon list's update time, an IANA registry's
// "Last Updated") and the group Select chooses within. A file still
// undated takes a year alone from its name or directory (its first day:
// "ripe-ncc-test-roas-2016.csv", "rir-delegated/2014/").
func (f *File) describe(head []byte) {
	if !selectKinds[f.Kind] {
		return
	}
	if d, g, ok := contentDate(f.Kind, head); ok {
		if !d.IsZero() {
			f.Date = d
		}
		f.Group = g
	}
	if f.Date.IsZero() {
		f.Date = yearDate(f.Path)
	}
}

// contentDate reads the date and group of a head of kind k.
func contentDate(k Kind, head []byte) (time.Time, string, bool) {
	switch k {
	case KindDelegated:
		return delegatedHeader(head)
	case KindVRP:
		if m := reBuildTime.FindSubmatch(head[:min(len(head), 4096)]); m != nil {
			return parseStamp(string(m[1])), "", true
		}
	case KindBogons:
		g := "ipv4"
		for line := range bytes.Lines(head) {
			line = bytes.TrimSpace(line)
			if len(line) > 0 && line[0] != '#' {
				if bytes.IndexByte(line, ':') >= 0 {
					g = "ipv6"
				}
				break
			}
		}
		var d time.Time
		if m := reLastUpdated.FindSubmatch(head); m != nil {
			d = parseStamp(string(m[1]))
		}
		return d, g, true
	case KindIANAv4:
		if m := reIANAUpdated.FindSubmatch(head[:min(len(head), 2048)]); m != nil {
			d, _ := time.Parse(time.DateOnly, string(m[1]))
			return d, "", true
		}
	case KindIRR:
		if m := reSource.FindSubmatch(head); m != nil {
			return time.Time{}, strings.ToUpper(string(m[1])), true
		}
	}
	return time.Time{}, "", false
}

// delegatedHeader reads a delegated file's version line
// (version|registry|serial|records|startdate|enddate|UTCoffset): the
// registry is the group ("nro", a combined file, is AllGroups) and the end
// date, else a serial that is a date, the date.
func delegatedHeader(head []byte) (time.Time, string, bool) {
	for line := range bytes.Lines(head) {
		s := strings.TrimSpace(string(line))
		if s == "" || s[0] == '#' {
			continue
		}
		fs := strings.Split(s, "|")
		if len(fs) < 6 {
			return time.Time{}, "", false
		}
		g := strings.ToLower(fs[1])
		if g == "nro" {
			g = AllGroups
		}
		for _, v := range []string{fs[5], fs[2]} {
			if t, err := time.Parse("20060102", v); err == nil && t.Year() >= 1990 {
				return t, g, true
			}
		}
		return time.Time{}, g, true
	}
	return time.Time{}, "", false
}

// parseStamp reads an RFC 3339 time or unix seconds; zero when neither.
func parseStamp(s string) time.Time {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC()
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		return time.Unix(n, 0).UTC()
	}
	return time.Time{}
}

// yearDate finds a year alone (1990 to 2099) in the file name or its
// directory and returns its first day; zero when none.
func yearDate(path string) time.Time {
	for _, part := range []string{filepath.Base(path), filepath.Base(filepath.Dir(path))} {
		for _, m := range reYear.FindAllStringSubmatch(part, -1) {
			y, _ := strconv.Atoi(m[1])
			if y >= 1990 {
				return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
			}
		}
	}
	return time.Time{}
}

// sortNotUsed orders the files left out by kind, group and path.
func sortNotUsed(n []NotUsed) {
	slices.SortFunc(n, func(a, b NotUsed) int {
		return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.Group, b.Group), cmp.Compare(a.Path, b.Path))
	})
}
