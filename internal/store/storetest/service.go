package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/observatory-net/observatory/internal/store"
)

// ServiceOpener returns a new, empty store.Service. RunService closes it
// at the end of the test.
type ServiceOpener func(t *testing.T) store.Service

// RunService runs the conformance suite of store.Service (keys, the
// participants registry, feedback and its review, dashboard sessions) against the stores that
// open returns, one new store per subtest. The contract is in doc.go.
func RunService(t *testing.T, open ServiceOpener) {
	tests := []struct {
		name string
		fn   func(*testing.T, store.Service)
	}{
		{"Keys", testKeys},
		{"KeyDuplicate", testKeyDuplicate},
		{"KeyInvalid", testKeyInvalid},
		{"KeyRevoke", testKeyRevoke},
		{"KeyTouch", testKeyTouch},
		{"KeyParticipant", testKeyParticipant},
		{"Participants", testParticipants},
		{"ParticipantConflict", testParticipantConflict},
		{"ParticipantIDs", testParticipantIDs},
		{"ParticipantUID", testParticipantUID},
		{"ParticipantDeleteRevokes", testParticipantDeleteRevokes},
		{"ParticipantASNs", testParticipantASNs},
		{"ParticipantASNRace", testParticipantASNRace},
		{"FindIncident", testFindIncident},
		{"FeedbackAdd", testFeedbackAdd},
		{"FeedbackRefused", testFeedbackRefused},
		{"FeedbackFilters", testFeedbackFilters},
		{"ReviewAccepted", testReviewAccepted},
		{"ReviewRejected", testReviewRejected},
		{"ReviewNotPending", testReviewNotPending},
		{"ReviewUnknown", testReviewUnknown},
		{"ReviewFailed", testReviewFailed},
		{"Sessions", testSessions},
		{"SessionTouchDelete", testSessionTouchDelete},
		{"SessionRevoke", testSessionRevoke},
		{"SessionPrune", testSessionPrune},
		{"Applications", testApplications},
		{"ApplicationChanges", testApplicationChanges},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			})
			tt.fn(t, s)
		})
	}
}

// wantErr fails the test unless err wraps target.
func wantErr(t *testing.T, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s = %v, want an error wrapping %q", what, err, target)
	}
}

// noErr fails the test now on an error.
func noErr(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s = %v", what, err)
	}
}

// t0 is a time with microseconds, away from UTC, that the suite's keys and
// feedback start from.
var t0 = time.Date(2024, 4, 2, 10, 20, 30, 123456000, time.FixedZone("CEST", 2*3600))

// utc returns t in UTC, as the stores return times.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}
