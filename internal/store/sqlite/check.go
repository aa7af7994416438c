package sqlite

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	msqlite "modernc.org/sqlite"

	"github.com/observatory-net/observatory/internal/store"
)

var _ store.Checker = (*Store)(nil)

// Primary result codes of SQLite that mean the file is damaged or is not a
// database (https://sqlite.org/rescode.html); extended codes keep them in
// their low byte.
const (
	codeCorrupt = 11 // SQLITE_CORRUPT
	codeNotADB  = 26 // SQLITE_NOTADB
)

// maxCheckErrors bounds the problems quick_check reports.
const maxCheckErrors = 10

// Check runs PRAGMA quick_check, which reads every page of every table and
// index B-tree and verifies its structure and records: a page overwritten
// anywhere in the file is found. It does not compare indexes with their
// tables (integrity_check does, at twice the cost). Damage is an error
// wrapping store.ErrCorrupt that quotes SQLite's findings.
func (s *Store) Check(ctx context.Context) error {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return checkError(err)
	}
	defer conn.Close()
	// The connection's page cache would answer for pages read before, as
	// they were then: the check reads the file.
	if _, err := conn.ExecContext(ctx, "PRAGMA shrink_memory"); err != nil {
		return checkError(err)
	}
	rows, err := conn.QueryContext(ctx, fmt.Sprintf("PRAGMA quick_check(%d)", maxCheckErrors))
	if err != nil {
		return checkError(err)
	}
	defer rows.Close()
	var found []string
	for rows.Next() {
		var msg string
		if err := rows.Scan(&msg); err != nil {
			return checkError(err)
		}
		for line := range strings.Lines(msg) {
			if line = strings.TrimSpace(line); line != "ok" && line != "" && !strings.HasPrefix(line, "*** ") {
				found = append(found, line)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return checkError(err)
	}
	rows.Close()
	if len(found) > 0 {
		return store.Corrupt(fmt.Errorf("sqlite: quick_check: %s", s.nameTrees(ctx, strings.Join(found, "; "))))
	}
	return nil
}

// treeRef matches quick_check's reference to a B-tree by its root page.
var treeRef = regexp.MustCompile(`\bTree (\d+)\b`)

// nameTrees names the tables and indexes quick_check's report refers to
// by root page ("Tree 13" → "Tree 13 (asn_scores)"), as far as the schema
// is readable.
func (s *Store) nameTrees(ctx context.Context, report string) string {
	names := map[string]string{}
	rows, err := s.r.QueryContext(ctx, `SELECT rootpage, name FROM sqlite_schema WHERE rootpage > 0`)
	if err != nil {
		return report
	}
	defer rows.Close()
	for rows.Next() {
		var root, name string
		if rows.Scan(&root, &name) == nil {
			names[root] = name
		}
	}
	return treeRef.ReplaceAllStringFunc(report, func(ref string) string {
		if name, ok := names[strings.TrimPrefix(ref, "Tree ")]; ok {
			return ref + " (" + name + ")"
		}
		return ref
	})
}

// Ping reads the first row of the months table: a connection is free and
// the schema's first pages are readable.
func (s *Store) Ping(ctx context.Context) error {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM months LIMIT 1)`).Scan(&n)
	if err != nil {
		return fmt.Errorf("sqlite: ping: %w", corrupted(err))
	}
	return nil
}

func checkError(err error) error {
	return fmt.Errorf("sqlite: quick_check: %w", corrupted(err))
}

// corrupted marks err with store.ErrCorrupt when SQLite reports a damaged
// file (SQLITE_CORRUPT, SQLITE_NOTADB); other errors are returned as they
// are.
func corrupted(err error) error {
	var e *msqlite.Error
	if errors.As(err, &e) {
		if c := e.Code() & 0xff; c == codeCorrupt || c == codeNotADB {
			return store.Corrupt(err)
		}
	}
	return err
}
