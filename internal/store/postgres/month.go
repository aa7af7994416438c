package postgres

import (
	"time"

	"github.com/observatory-net/observatory/internal/vocab"
)

// monthOf returns the first instant of the UTC month containing t: the
// key of the months table, a date.
func monthOf(t time.Time) time.Time { return vocab.MonthOf(t).Start() }

// monthKey returns the text form of the UTC month containing t, for
// messages.
func monthKey(t time.Time) string { return vocab.MonthOf(t).String() }
