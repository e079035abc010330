//go:build crash

package app

import (
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/loadtest"
)

// TestCrash is the crash test that .ci/run runs (go test -tags crash): the
// server, built from this tree and run as another process, is killed with
// kill -9 under a mixed write load through the real forms (feedback with
// photos, comments, ballots, disclosures with a file, Open311 posts), restarted
// on the same database and data folder; every acknowledged write must be
// stored once and unchanged, the writes whose answer was lost are sent again
// with their key and then stored once, the kept counters match the rows,
// PRAGMA integrity_check (SQLite) and danchu verify pass. Then one comment is
// deleted and one disclosure changed behind the server's back, and the same
// checks must see both. 10 cycles on SQLite, 5 on PostgreSQL (a cluster the
// test starts, fsync on, whose postmaster is killed -9 too every second
// cycle; never the shared DANCHU_TEST_POSTGRES server); DANCHU_CRASH_SEED
// repeats a run.
func TestCrash(t *testing.T) {
	exe := filepath.Join(t.TempDir(), "danchu")
	if out, err := exec.Command("go", "build", "-o", exe, "danchu/cmd/danchu").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	var seed uint64
	if s := os.Getenv("DANCHU_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("DANCHU_CRASH_SEED: %v", err)
		}
	}
	for _, tc := range []struct {
		dialect db.Dialect
		cycles  int
	}{{db.SQLite, 10}, {db.Postgres, 5}} {
		t.Run(string(tc.dialect), func(t *testing.T) {
			dir := t.TempDir()
			c := CrashConfig{Exe: exe, DSN: "sqlite:" + filepath.Join(dir, "crash.db"), DataDir: dir, Cycles: tc.cycles, Seed: seed}
			if tc.dialect == db.Postgres {
				// A cluster of its own, fsync on, whose postmaster is killed too
				// in some cycles; failing that (no initdb), a fresh schema of the
				// shared test server, where only danchu is killed.
				var err error
				if c.DSN, err = db.StartScratchPostgres(true); err == nil {
					c.KillDatabaseEvery = 2
				} else if os.Getenv("DANCHU_REQUIRE_POSTGRES") == "1" {
					t.Fatalf("a PostgreSQL cluster of the crash test's own: %v", err)
				} else {
					t.Logf("no PostgreSQL cluster of its own (%v): a schema of the shared server, only danchu killed", err)
					c.DSN = db.OpenTest(t, db.Postgres).DSN()
				}
			}
			ctx := context.Background()
			sum, recheck, err := CrashRun(ctx, c, testLog{t})
			if err != nil {
				t.Fatal(err)
			}
			if !sum.OK() || sum.Cycles != tc.cycles {
				t.Fatalf("the crash test found problems in %d of %d cycles:\n%s", sum.Cycles, tc.cycles, sum)
			}
			for _, k := range loadtest.CrashKinds {
				if sum.Acked[k] == 0 {
					t.Errorf("no %s write was acknowledged: the load did not reach the server", k)
				}
			}
			if c.KillDatabaseEvery > 0 && sum.DatabaseKills == 0 {
				t.Errorf("PostgreSQL's postmaster was never killed in %d cycles (seed %d)", tc.cycles, c.Seed)
			}
			if sum.Unconfirmed != 0 || sum.Retried != sum.Lost {
				t.Errorf("%d answers lost, %d sent again: every kind carries a key now, each must be retried", sum.Lost, sum.Retried)
			}
			if sum.Lost == 0 {
				t.Errorf("no answer was lost in %d kills: the kills did not hit the load", tc.cycles)
			}
			// The checks see a lost comment (and the counter that no longer
			// matches) and an altered disclosure.
			d, err := db.Open(ctx, c.DSN, db.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer d.Close()
			err = d.RunInTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "delete from consultation_comments where id = (select min(id) from consultation_comments)"); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, "update disclosures set body = body || ' (sửa)' where id = (select max(id) from disclosures)")
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			again := recheck(ctx)
			if again.Missing != 1 || again.Altered != 1 || again.CounterErrors != 1 || again.Duplicates != 0 {
				t.Errorf("after deleting a comment and changing a disclosure the checks found missing %d, altered %d, counters %d, duplicates %d; want 1, 1, 1, 0:\n%s",
					again.Missing, again.Altered, again.CounterErrors, again.Duplicates, again)
			}
		})
	}
}

// testLog writes the run's report into the test's log, line by line.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
