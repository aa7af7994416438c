package report

import (
	"slices"
	"strings"
	"testing"

	"github.com/observatory-net/observatory/internal/store"
)

// TestApplicantContacts: an approved application's address reaches its
// participant, once, beside the file's; other states reach no one.
func TestApplicantContacts(t *testing.T) {
	apps := []store.Application{
		{State: store.AppApproved, ParticipantID: 7, Email: "noc@seven.example"},
		{State: store.AppAwaitingReview, Email: "noc@pending.example"},
		{State: store.AppRejected, ParticipantID: 0, Email: "noc@no.example"},
		{State: store.AppApproved, ParticipantID: 7, Email: "noc@seven.example"},
	}
	c, err := ParseContacts(strings.NewReader("7 ops@seven.example\n7 noc@seven.example\n# a comment\n9 noc@nine.example\n"), "contacts")
	if err != nil {
		t.Fatal(err)
	}
	c.Merge(ApplicantContacts(apps))
	if !slices.Equal(c[7], []string{"ops@seven.example", "noc@seven.example"}) || len(c[9]) != 1 || len(c) != 2 {
		t.Errorf("contacts %v", c)
	}
}
