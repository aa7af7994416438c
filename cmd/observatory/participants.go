package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/inputerr"
	"github.com/observatory-net/observatory/internal/participants"
	"github.com/observatory-net/observatory/internal/store"
)

func init() { register(newParticipantsCmd) }

func newParticipantsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "participants",
		Short: "Import, list and delete the participants registry of the server",
		Long: `The registry is the secretariat's live list of participants: participant API
keys name one of its entries, and see its ASNs. Each entry has an ID, never
reused, and a UID (a random UUID) that its keys are bound to; an ASN belongs
to one entry at most. Deleting an entry revokes its keys. (Each month also
records the participants file it was ingested with; the registry does not
change them.)`,
	}
	cmd.AddCommand(newParticipantsImportCmd(), newParticipantsListCmd(), newParticipantsDeleteCmd())
	return cmd
}

func newParticipantsImportCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "import --db DSN FILE",
		Short: "Create or replace registry entries from a participants file (CSV or JSON), by organisation, all or none",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runParticipantsImport(cmd.Context(), cmd.OutOrStdout(), db, args[0], time.Now())
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	return cmd
}

// importCounts are what an import did.
type importCounts struct{ created, updated, unchanged int }

func runParticipantsImport(ctx context.Context, w io.Writer, db, path string, now time.Time) error {
	list, err := participants.ReadFile(path)
	if err != nil {
		return usageError(err)
	}
	if dups := duplicateOrganisations(list.Participants); len(dups) > 0 {
		return usageError(fmt.Errorf("%s: organisations listed more than once (the registry holds one entry each): %s",
			path, strings.Join(dups, ", ")))
	}
	if err := list.OneOrganisationPerASN(); err != nil {
		return usageError(err)
	}
	svc, err := openService(ctx, db)
	if err != nil {
		return err
	}
	defer svc.Close()
	n, err := upsertParticipants(ctx, svc, list.Participants, now)
	var taken *store.ASNConflictError
	if errors.As(err, &taken) {
		return usageError(asnTaken(path, list.Participants, taken))
	}
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s: %d participants: %d created, %d updated, %d unchanged\n",
		path, len(list.Participants), n.created, n.updated, n.unchanged)
	return err
}

// duplicateOrganisations lists the organisations ps names more than once.
func duplicateOrganisations(ps []participants.Participant) []string {
	seen := map[string]bool{}
	var dups []string
	for _, p := range ps {
		if seen[p.Organisation] && !slices.Contains(dups, p.Organisation) {
			dups = append(dups, p.Organisation)
		}
		seen[p.Organisation] = true
	}
	return dups
}

// asnTaken describes a refused import: the record of the file that lists
// an ASN another participant of the registry holds.
func asnTaken(path string, ps []participants.Participant, e *store.ASNConflictError) error {
	i := slices.IndexFunc(ps, func(p participants.Participant) bool { return p.Organisation == e.Claimant })
	if i < 0 {
		return fmt.Errorf("%s: %w; nothing was imported", path, e)
	}
	return inputerr.Errorf(path, ps[i].Record, ps[i].Offset,
		"%q lists AS%d, which the registry holds for %q (an ASN belongs to one participant); nothing was imported",
		e.Claimant, e.ASN, e.Holder)
}

// upsertParticipants creates the participants the registry lacks and
// replaces those whose entry differs, matching by organisation, in one
// transaction: a refused entry leaves the registry as it was.
func upsertParticipants(ctx context.Context, svc store.Service, ps []participants.Participant, now time.Time) (importCounts, error) {
	var n importCounts
	current, err := svc.RegisteredParticipants(ctx)
	if err != nil {
		return n, err
	}
	byOrg := make(map[string]*store.Registered, len(current))
	for i := range current {
		byOrg[current[i].Organisation] = &current[i]
	}
	var batch []store.Registered
	for _, p := range ps {
		r := store.Registered{Participant: toStore(p), UpdatedAt: now}
		old := byOrg[p.Organisation]
		switch {
		case old == nil:
			n.created++
		case sameParticipant(&old.Participant, &r.Participant):
			n.unchanged++
			continue
		default:
			r.ID, r.UID = old.ID, old.UID
			n.updated++
		}
		batch = append(batch, r)
	}
	if len(batch) == 0 {
		return n, nil
	}
	if _, err := svc.PutParticipants(ctx, batch); err != nil {
		return importCounts{}, err
	}
	return n, nil
}

// toStore converts a participant of a file for the registry.
func toStore(p participants.Participant) store.Participant {
	asns := make([]uint32, len(p.ASNs))
	for i, a := range p.ASNs {
		asns[i] = uint32(a)
	}
	return store.Participant{Organisation: p.Organisation, Programme: p.Programme, ASNs: asns,
		Approved: p.Approved, Areas: p.Areas}
}

// sameParticipant reports whether two entries hold the same data.
func sameParticipant(a, b *store.Participant) bool {
	return a.Organisation == b.Organisation && a.Programme == b.Programme && slices.Equal(a.ASNs, b.ASNs) &&
		a.Approved.Equal(b.Approved) && slices.Equal(a.Areas, b.Areas)
}

func newParticipantsListCmd() *cobra.Command {
	var db, format string
	cmd := &cobra.Command{
		Use:   "list --db DSN [--format table|json]",
		Short: "List the registry by organisation",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runParticipantsList(cmd.Context(), cmd.OutOrStdout(), db, format)
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

// participantView is what participants list shows of an entry.
type participantView struct {
	ID           int64      `json:"id"`
	UID          string     `json:"uid"`
	Organisation string     `json:"organisation"`
	Programme    string     `json:"programme"`
	ASNs         []uint32   `json:"asns"`
	Approved     *time.Time `json:"approved,omitempty"`
	Areas        []string   `json:"areas"`
	UpdatedAt    time.Time  `json:"updatedAt"`
}

func runParticipantsList(ctx context.Context, w io.Writer, db, format string) error {
	ps, err := readList(ctx, db, format, store.Service.RegisteredParticipants)
	if err != nil {
		return err
	}
	views := make([]participantView, len(ps))
	for i, p := range ps {
		views[i] = participantView{ID: p.ID, UID: p.UID, Organisation: p.Organisation, Programme: p.Programme,
			ASNs: nonNil(p.ASNs), Approved: timeOrNil(p.Approved), Areas: nonNil(p.Areas), UpdatedAt: p.UpdatedAt}
	}
	if format == "json" {
		return writeIndented(w, views)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tUID\tORGANISATION\tPROGRAMME\tASNS\tAPPROVED\tAREAS")
	for _, v := range views {
		asns := make([]string, len(v.ASNs))
		for i, a := range v.ASNs {
			asns[i] = fmt.Sprintf("AS%d", a)
		}
		approved := "-"
		if v.Approved != nil {
			approved = v.Approved.Format(time.DateOnly)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.UID, v.Organisation, dash(v.Programme),
			dash(strings.Join(asns, " ")), approved, dash(strings.Join(v.Areas, " ")))
	}
	return tw.Flush()
}

func newParticipantsDeleteCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "delete --db DSN ID",
		Short: "Delete a registry entry and revoke its keys, at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError(fmt.Errorf("participant ID %q: want a positive integer", args[0]))
			}
			return runParticipantsDelete(cmd.Context(), cmd.OutOrStdout(), db, id, time.Now())
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	return cmd
}

func runParticipantsDelete(ctx context.Context, w io.Writer, db string, id int64, now time.Time) error {
	svc, err := openService(ctx, db)
	if err != nil {
		return err
	}
	defer svc.Close()
	p, err := svc.RegisteredParticipant(ctx, id)
	if err != nil {
		return err // not found: exit 2
	}
	now = now.UTC().Truncate(time.Microsecond) // as the stores keep it
	if err := svc.DeleteParticipant(ctx, id, now); err != nil {
		return err
	}
	keys, err := svc.Keys(ctx)
	if err != nil {
		return err
	}
	revoked := 0
	for _, k := range keys {
		if k.ParticipantID == id && k.RevokedAt.Equal(now) {
			revoked++
		}
	}
	_, err = fmt.Fprintf(w, "deleted participant %d (%s, UID %s) and revoked its %d active keys\n",
		id, p.Organisation, p.UID, revoked)
	return err
}

// nonNil returns s, or an empty slice for nil: JSON lists are [] not null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// dash returns s, or "-" when empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
