package postgres

import "time"

// monthOf returns the first instant of the UTC month containing t: the
// key of the months table, a date.
func monthOf(t time.Time) time.Time {
	u := t.UTC()
	return time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
}

// monthKey returns the text form of the UTC month containing t, for
// messages.
func monthKey(t time.Time) string { return t.UTC().Format("2006-01") }
