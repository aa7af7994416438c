package httpapi

import (
	"context"

	"github.com/observatory-net/observatory/internal/store"
)

// This file exports the few rules internal/web shares with the API, so
// that the dashboard shows the same numbers and hides the same scores.

// ParticipantRow is one line of the public participants table of
// GET /api/v2/participants.
type ParticipantRow = participantRow

// ParticipantMark is a participant's mean score of one Action (Value nil
// when the Action is not public) and its readiness level.
type ParticipantMark = participantScore

// ParticipantRows is the public participants table of month m, as
// GET /api/v2/participants gives it: from the registry reg when it holds
// anyone, else from the month's own snapshot; source says which.
func ParticipantRows(ctx context.Context, st store.Store, m *store.MonthMeta, reg []store.Registered) (rows []ParticipantRow, source string, err error) {
	return participantRows(ctx, st, m, reg)
}

// Generation counts the writes made through the server (feedback, its
// review, registry changes). What is derived from a month's data outside
// the server, as the dashboard's pages are, must be recomputed when it
// changes: a review re-scores a month without re-ingesting it.
func (s *Server) Generation() uint64 { return s.view.Generation() }
