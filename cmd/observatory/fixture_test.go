package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/observatory-net/observatory/internal/testenv"
)

// smallInputs are the real files of the small month most CLI tests ingest.
var smallInputs = []string{
	"mrt/updates/ris.rrc06.updates.1401488100.gz",
	"mrt/updates/routeviews.route-views.jinx.updates.1401493500.bz2",
	"rpki/rpki-client-prepdev-20230504.json.gz",
	"irr",
	"as-relationships/20140101.as-rel.txt",
	"rir-delegated/2014",
	"bogons",
}

// smallParticipants is the participants file every small ingest loads.
const smallParticipants = "organisation,programme,asns,approved,areas\n" +
	"Google,netops,AS15169,2017-01-01,US\nRIPE NCC,netops,AS3333,2015-01-12,NL\nNL-ix,ixp,AS34307,2016-05-01,NL\n"

// smallData links the small real data set into a fresh directory.
func smallData(t *testing.T) string {
	dir := t.TempDir()
	if err := linkSmallData(testenv.SharedData(t), dir); err != nil {
		t.Fatal(err)
	}
	return dir
}

func linkSmallData(root, dir string) error {
	for _, rel := range smallInputs {
		if err := os.Symlink(filepath.Join(root, rel), filepath.Join(dir, filepath.Base(rel))); err != nil {
			return err
		}
	}
	return nil
}

// smallIngest is the command line that ingests the small month (May 2014)
// from data into db, with the participants file in the shared directory.
func smallIngest(db, data string, extra ...string) []string {
	args := []string{"ingest", "--db", db, "--data", data, "--month", "2014-05", "--participants", shared.participants}
	return append(args, extra...)
}

// shared is the small month ingested once per test binary: under -race an
// ingest costs tens of seconds, so tests that only read the month, or
// compare against it, start from a copy of this one.
var shared struct {
	once         sync.Once
	dir          string // removed by TestMain
	participants string
	db           string
	err          error
}

// setUpShared writes the participants file; it runs before the tests.
func setUpShared() error {
	dir, err := os.MkdirTemp("", "observatory-cmd-test-")
	if err != nil {
		return err
	}
	shared.dir = dir
	shared.participants = filepath.Join(dir, "participants.csv")
	return os.WriteFile(shared.participants, []byte(smallParticipants), 0o644)
}

// smallDB returns a fresh copy of the small month's database, ingested
// with smallIngest the first time it is asked for.
func smallDB(t *testing.T) string {
	t.Helper()
	root := testenv.SharedData(t)
	shared.once.Do(func() {
		data := filepath.Join(shared.dir, "data")
		if shared.err = os.Mkdir(data, 0o755); shared.err != nil {
			return
		}
		if shared.err = linkSmallData(root, data); shared.err != nil {
			return
		}
		db := filepath.Join(shared.dir, "small.db")
		if code := runWithOutput(smallIngest(db, data, "--quiet"), io.Discard); code != 0 {
			shared.err = fmt.Errorf("ingest of the small month: exit %d", code)
			return
		}
		shared.db = db
	})
	if shared.err != nil {
		t.Fatal(shared.err)
	}
	cp := filepath.Join(t.TempDir(), "obs.db")
	if err := copyFile(shared.db, cp); err != nil {
		t.Fatal(err)
	}
	return cp
}

// copyFile copies an SQLite database with its write-ahead log, if any.
func copyFile(from, to string) error {
	for _, suffix := range []string{"", "-wal"} {
		b, err := os.ReadFile(from + suffix)
		if suffix != "" && os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		if err := os.WriteFile(to+suffix, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
