package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/user"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/application"
	"github.com/observatory-net/observatory/internal/spec"
	"github.com/observatory-net/observatory/internal/store"
	"github.com/observatory-net/observatory/internal/vocab"
)

func init() { register(newApplicationsCmd) }

func newApplicationsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "applications",
		Short: "List, show, check and review the applications to a programme (the secretariat, on the store)",
		Long: `Organisations apply to a MANRS programme through POST /api/v2/applications or
the dashboard's Apply page; each application is checked at once against the
newest stored month and the participation criteria of the specification, then
awaits the secretariat's review. These commands work on the store directly
(--db), as the secretariat: the trail records them as "cli:USER".`,
	}
	var db string
	cmd.PersistentFlags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	var asJSON bool
	list := &cobra.Command{
		Use:   "list --db DSN",
		Short: "List the applications, newest first, with their state",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return withService(cmd.Context(), db, func(svc store.Service) error {
				as, err := svc.ApplicationList(cmd.Context())
				if err != nil {
					return err
				}
				return printApplications(cmd.OutOrStdout(), as)
			})
		},
	}
	show := &cobra.Command{
		Use:   "show --db DSN ID",
		Short: "Print an application: its checks with the evidence, and its trail",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return onApplication(cmd, db, args[0], asJSON, func(svc store.Service, id int64) (*store.Application, error) {
				return svc.Application(cmd.Context(), id)
			})
		},
	}
	show.Flags().BoolVar(&asJSON, "json", false, "print the application as the API sends it")
	var criteria string
	check := &cobra.Command{
		Use:   "check --db DSN ID",
		Short: "Check an undecided application again against the newest stored month",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			w := &application.Workflow{}
			if criteria != "" {
				var err error
				if w.Criteria, err = spec.Get(criteria); err != nil {
					return usageError(err)
				}
			}
			return onApplication(cmd, db, args[0], asJSON, func(svc store.Service, id int64) (*store.Application, error) {
				w.Svc = svc
				return w.Recheck(cmd.Context(), id, application.Edit{}, cliUser(), "")
			})
		},
	}
	check.Flags().StringVar(&criteria, "criteria", "", "the specification whose participation criteria apply (default: the month's)")
	check.Flags().BoolVar(&asJSON, "json", false, "print the application as the API sends it")
	var approve, reject bool
	var comment string
	review := &cobra.Command{
		Use:   "review --db DSN ID --approve|--reject --comment TEXT",
		Short: "Approve (registering the participant) or reject an application, with a comment",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if approve == reject {
				return usageError(errors.New("give one of --approve and --reject"))
			}
			d := application.Reject
			if approve {
				d = application.Approve
			}
			return onApplication(cmd, db, args[0], asJSON, func(svc store.Service, id int64) (*store.Application, error) {
				return (&application.Workflow{Svc: svc}).Review(cmd.Context(), id, d, cliUser(), comment)
			})
		},
	}
	review.Flags().BoolVar(&approve, "approve", false, "approve: the participant is registered")
	review.Flags().BoolVar(&reject, "reject", false, "reject")
	review.Flags().StringVar(&comment, "comment", "", "why (required)")
	review.Flags().BoolVar(&asJSON, "json", false, "print the application as the API sends it")
	cmd.AddCommand(list, show, check, review)
	return cmd
}

// withService opens the store's Service, runs fn and closes it.
func withService(ctx context.Context, db string, fn func(store.Service) error) error {
	svc, err := openService(ctx, db)
	if err != nil {
		return err
	}
	defer svc.Close()
	return fn(svc)
}

// onApplication runs fn on the application arg names and prints what it
// returns.
func onApplication(cmd *cobra.Command, db, arg string, asJSON bool, fn func(store.Service, int64) (*store.Application, error)) error {
	id, err := applicationID(arg)
	if err != nil {
		return err
	}
	return withService(cmd.Context(), db, func(svc store.Service) error {
		a, err := fn(svc, id)
		if err != nil {
			return applicationError(id, err)
		}
		return printApplication(cmd.OutOrStdout(), a, asJSON)
	})
}

func applicationID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, usageError(fmt.Errorf("application ID %q: want a positive integer", s))
	}
	return id, nil
}

// applicationError makes the use case's refusals usage errors.
func applicationError(id int64, err error) error {
	var held *store.ASNConflictError
	switch {
	case errors.Is(err, store.ErrNotFound):
		return usageError(fmt.Errorf("no application %d", id))
	case application.IsInput(err), errors.As(err, &held), errors.Is(err, store.ErrConflict), errors.Is(err, application.ErrNoMonth):
		return usageError(fmt.Errorf("application %d: %w", id, err))
	}
	return err
}

// cliUser names the secretariat member at the command line in the trail.
func cliUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

func printApplications(w io.Writer, as []store.Application) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tPROGRAMME\tORGANISATION\tASNS\tSUBMITTED\tCHECKED")
	for _, a := range as {
		asns := make([]string, len(a.ASNs))
		for i, n := range a.ASNs {
			asns[i] = "AS" + strconv.FormatUint(uint64(n), 10)
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s %s\n", a.ID, a.State, a.Programme, a.Organisation,
			strings.Join(asns, " "), a.CreatedAt.Format("2006-01-02 15:04"), vocab.MonthOf(a.CheckedMonth), a.CheckedCriteria)
	}
	return tw.Flush()
}

func printApplication(w io.Writer, a *store.Application, asJSON bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(application.Wire(a))
	}
	fmt.Fprintf(w, "application %d: %s (%s), %s\ncontact %s; areas %s\nchecked on %s (%s) against the criteria of %s\n",
		a.ID, a.Organisation, a.Programme, a.State, a.Email, strings.Join(a.Areas, " "),
		vocab.MonthOf(a.CheckedMonth), a.CheckedSpec, a.CheckedCriteria)
	if a.ParticipantID != 0 {
		fmt.Fprintf(w, "registered as participant %d\n", a.ParticipantID)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "\nCHECK\tACTION\tRESULT\tASN\tEVIDENCE")
	for _, c := range a.Checks {
		fmt.Fprintf(tw, "%s\t%d\t%s\t\t%s\n", c.Check, c.Action, passFail(c.Passed), c.Rule)
		for _, e := range c.Evidence {
			fmt.Fprintf(tw, "\t\t%s\tAS%d\t%s\n", passFail(e.Passed), e.ASN, e.Detail)
		}
	}
	fmt.Fprintln(tw, "\nWHEN\tFROM\tTO\tBY\tCOMMENT")
	for _, t := range a.Trail {
		from := string(t.From)
		if from == "" {
			from = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.At.Format("2006-01-02 15:04:05"), from, t.To, t.By, t.Comment)
	}
	return tw.Flush()
}

func passFail(ok bool) string {
	if ok {
		return "pass"
	}
	return "FAIL"
}
