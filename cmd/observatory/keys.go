package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/observatory-net/observatory/internal/apikey"
	"github.com/observatory-net/observatory/internal/store"
)

func init() { register(newKeysCmd) }

func newKeysCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "keys",
		Short: "Create, list and revoke the API keys of the server",
		Long: `An API key gives its holder a role on /api/v2: participant (details and
evidence of one registered participant's ASNs), partner (all details,
read-only) or secretariat (participants, keys and feedback review). The
store keeps only a hash of each key: the token is printed once, by create.`,
	}
	cmd.AddCommand(newKeysCreateCmd(), newKeysListCmd(), newKeysRevokeCmd())
	return cmd
}

type keysCreateOptions struct {
	db, role, name, expires string
	participant             int64
	rate                    int
}

func newKeysCreateCmd() *cobra.Command {
	var o keysCreateOptions
	cmd := &cobra.Command{
		Use:   "create --db DSN --role participant|partner|secretariat [--participant ID] [--name N] [--expires 90d|2027-01-01] [--rate N]",
		Short: "Create a key and print its token, once",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runKeysCreate(cmd.Context(), cmd.OutOrStdout(), o, time.Now())
		},
	}
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store: an SQLite file or a postgres:// DSN")
	f.StringVar(&o.role, "role", "", "participant, partner or secretariat")
	f.Int64Var(&o.participant, "participant", 0, "registered participant ID (participant keys only)")
	f.StringVar(&o.name, "name", "", "what the holder calls the key")
	f.StringVar(&o.expires, "expires", "", "lifetime (90d, 12h) or expiry date (2027-01-01, RFC 3339); default: never")
	f.IntVar(&o.rate, "rate", 0, "requests per minute (default: the server's)")
	return cmd
}

func runKeysCreate(ctx context.Context, w io.Writer, o keysCreateOptions, now time.Time) error {
	role := store.Role(o.role)
	if !role.Valid() {
		return usageError(fmt.Errorf("--role %q: want participant, partner or secretariat", o.role))
	}
	if (role == store.RoleParticipant) != (o.participant != 0) {
		return usageError(errors.New("--participant is required with --role participant, and only with it"))
	}
	if o.rate < 0 {
		return usageError(fmt.Errorf("--rate %d: want 0 or more", o.rate))
	}
	expires, err := parseExpiry(o.expires, now)
	if err != nil {
		return usageError(err)
	}
	svc, err := openService(ctx, o.db)
	if err != nil {
		return err
	}
	defer svc.Close()
	if role == store.RoleParticipant {
		if _, err := svc.RegisteredParticipant(ctx, o.participant); err != nil {
			return fmt.Errorf("--participant %d: %w", o.participant, err) // not found: exit 2
		}
	}
	token, key, err := apikey.New(role, apikey.Options{Name: o.name, ParticipantID: o.participant,
		RatePerMinute: o.rate, ExpiresAt: expires, Now: now})
	if err != nil {
		return err
	}
	if err := svc.CreateKey(ctx, &key); err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "id:    %s\ntoken: %s\n(the token is shown once: the store keeps only its hash)\n", key.ID, token)
	return err
}

// parseExpiry reads --expires: empty for never, a lifetime in days (90d)
// or as a Go duration (36h), or a date or RFC 3339 time, which must be in
// the future.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n <= 0 {
			return t, fmt.Errorf("--expires %q: want a positive number of days", s)
		}
		t = now.AddDate(0, 0, n)
	} else if d, err := time.ParseDuration(s); err == nil {
		t = now.Add(d)
	} else if t, err = time.Parse(time.DateOnly, s); err != nil {
		if t, err = time.Parse(time.RFC3339, s); err != nil {
			return t, fmt.Errorf("--expires %q: want 90d, 36h, YYYY-MM-DD or an RFC 3339 time", s)
		}
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("--expires %q: %s is not in the future", s, t.UTC().Format(time.RFC3339))
	}
	return t.UTC(), nil
}

func newKeysListCmd() *cobra.Command {
	var db, format string
	cmd := &cobra.Command{
		Use:   "list --db DSN [--format table|json]",
		Short: "List the keys, newest first (never their secrets)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runKeysList(cmd.Context(), cmd.OutOrStdout(), db, format, time.Now())
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	cmd.Flags().StringVar(&format, "format", "table", "table or json")
	return cmd
}

// keyView is what keys list shows of a key: everything but the hash.
type keyView struct {
	ID             string     `json:"id"`
	Name           string     `json:"name"`
	Role           store.Role `json:"role"`
	ParticipantID  int64      `json:"participantId,omitempty"`
	ParticipantUID string     `json:"participantUid,omitempty"` // the participant the key is bound to
	RatePerMinute  int        `json:"ratePerMinute,omitempty"`
	Status         string     `json:"status"` // active, expired, revoked
	CreatedAt      time.Time  `json:"createdAt"`
	ExpiresAt      *time.Time `json:"expiresAt,omitempty"`
	RevokedAt      *time.Time `json:"revokedAt,omitempty"`
	LastUsedAt     *time.Time `json:"lastUsedAt,omitempty"`
}

func viewKey(k *store.APIKey, now time.Time) keyView {
	status := "active"
	switch {
	case !k.RevokedAt.IsZero():
		status = "revoked"
	case !k.Usable(now):
		status = "expired"
	}
	return keyView{ID: k.ID, Name: k.Name, Role: k.Role, ParticipantID: k.ParticipantID, ParticipantUID: k.ParticipantUID,
		RatePerMinute: k.RatePerMinute, Status: status, CreatedAt: k.CreatedAt, ExpiresAt: timeOrNil(k.ExpiresAt),
		RevokedAt: timeOrNil(k.RevokedAt), LastUsedAt: timeOrNil(k.LastUsedAt)}
}

// timeOrNil returns nil for the zero time, which stands for "never".
func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func runKeysList(ctx context.Context, w io.Writer, db, format string, now time.Time) error {
	keys, err := readList(ctx, db, format, store.Service.Keys)
	if err != nil {
		return err
	}
	views := make([]keyView, len(keys))
	for i := range keys {
		views[i] = viewKey(&keys[i], now)
	}
	if format == "json" {
		return writeIndented(w, views)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tROLE\tPARTICIPANT\tRATE\tSTATUS\tCREATED\tEXPIRES\tLAST USED")
	for _, v := range views {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", v.ID, v.Name, v.Role, orDash(v.ParticipantID),
			orDash(int64(v.RatePerMinute)), v.Status, day(&v.CreatedAt), day(v.ExpiresAt), day(v.LastUsedAt))
	}
	return tw.Flush()
}

// writeIndented writes v as indented JSON.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// orDash formats a number, "-" for 0.
func orDash(n int64) string {
	if n == 0 {
		return "-"
	}
	return strconv.FormatInt(n, 10)
}

// day formats a time to the minute, "-" for none.
func day(t *time.Time) string {
	if t == nil || t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func newKeysRevokeCmd() *cobra.Command {
	var db string
	cmd := &cobra.Command{
		Use:   "revoke --db DSN ID",
		Short: "Revoke a key at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			svc, err := openService(cmd.Context(), db)
			if err != nil {
				return err
			}
			defer svc.Close()
			now := time.Now()
			if err := svc.RevokeKey(cmd.Context(), args[0], now); err != nil {
				return err // not found: exit 2
			}
			// Its dashboard sessions end with it; servers also refuse a
			// session whose key is revoked, within --key-cache.
			n, err := svc.RevokeSessions(cmd.Context(), args[0], now)
			if err != nil {
				return err
			}
			if _, err = fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", args[0]); err != nil || n == 0 {
				return err
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "ended %d dashboard session(s)\n", n)
			return err
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store: an SQLite file or a postgres:// DSN")
	return cmd
}
