package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// TestUnavailableErrors: the errors that mean "the database or the disk cannot
// take it now", produced for real (the PostgreSQL server raising the SQLSTATE,
// a refused connection, SQLite's page limit and a lock held by another
// connection, a write to /dev/full), are CodeUnavailable with the wait to tell
// the client; a bug or bad data stays internal, a cancelled request too.
func TestUnavailableErrors(t *testing.T) {
	ctx := context.Background()
	type fault struct {
		name string
		err  func(t *testing.T) error
		wait time.Duration // 0: not unavailable
	}
	faults := []fault{
		{"plain error", func(*testing.T) error { return errors.New("template: no such field") }, 0},
		{"no rows", func(*testing.T) error { return fmt.Errorf("unit: %w", sql.ErrNoRows) }, 0},
		{"cancelled by the client", func(*testing.T) error { return fmt.Errorf("read: %w", context.Canceled) }, 0},
		{"file system full (the file layer's write)", func(t *testing.T) error {
			f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skip("no /dev/full:", err)
			}
			defer f.Close()
			_, err = f.Write([]byte("photo"))
			return fmt.Errorf("store upload: %w", err) // as files.Store wraps it
		}, apperr.UnavailableRetry},
		{"coded error wrapping a full disk keeps its code", func(t *testing.T) error {
			f, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
			if err != nil {
				t.Skip("no /dev/full:", err)
			}
			defer f.Close()
			_, err = f.Write([]byte("photo"))
			e := apperr.New(apperr.CodeInvalid, "files.err.not_photo")
			e.Err = err
			return e
		}, -1},
		{"postgres: connection refused", func(t *testing.T) error {
			p, err := sql.Open("pgx", "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2")
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			var n int
			return p.QueryRowContext(ctx, "select 1").Scan(&n)
		}, apperr.UnavailableRetry},
	}
	faults = append(faults, fault{"postgres: the backend terminated under the connection (57P01, FATAL)", func(t *testing.T) error {
		d := db.OpenTest(t, db.Postgres)
		conn, err := d.Raw().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		var pid int
		if err := conn.QueryRowContext(ctx, "select pg_backend_pid()").Scan(&pid); err != nil {
			t.Fatal(err)
		}
		var done bool
		if err := d.QueryRow("select pg_terminate_backend($1)", pid).Scan(&done); err != nil || !done {
			t.Fatalf("terminate backend %d: %v %v", pid, done, err)
		}
		var n int
		return conn.QueryRowContext(ctx, "select 1").Scan(&n)
	}, apperr.UnavailableRetry})
	pg := func(code string, wait time.Duration) fault {
		return fault{"postgres: SQLSTATE " + code, func(t *testing.T) error {
			d := db.OpenTest(t, db.Postgres)
			return d.RunInTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, fmt.Sprintf("do $$ begin raise exception 'fault' using errcode = '%s'; end $$", code))
				return err
			})
		}, wait}
	}
	for _, c := range []string{"53100", "53200", "53300", "57P01", "57P02", "57P03", "08006", "08001", "25006"} {
		faults = append(faults, pg(c, apperr.UnavailableRetry))
	}
	for _, c := range []string{"23505", "22012", "42P01", "XX000"} {
		faults = append(faults, pg(c, 0))
	}
	faults = append(faults,
		fault{"sqlite: full (max_page_count)", func(t *testing.T) error {
			d := db.OpenTest(t, db.SQLite)
			d.Raw().SetMaxOpenConns(1) // the pragma is per connection: one connection, the transaction's
			if _, err := d.Raw().Exec("pragma max_page_count = 1"); err != nil {
				t.Fatal(err)
			}
			return d.RunInTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "create table filler (b blob)"); err != nil {
					return err
				}
				for range 100 {
					if _, err := tx.ExecContext(ctx, "insert into filler values (zeroblob(8192))"); err != nil {
						return err
					}
				}
				return nil
			})
		}, apperr.UnavailableRetry},
		fault{"sqlite: busy (another process holds the lock)", func(t *testing.T) error {
			d := db.OpenTest(t, db.SQLite)
			other, err := sql.Open("sqlite", "file:"+strings.TrimPrefix(d.Target, "sqlite:")+"?_pragma=busy_timeout(0)&_txlock=immediate")
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			var busy error
			err = d.RunInTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "update ready_probe set probed_at = 1"); err != nil {
					return err
				}
				_, busy = other.ExecContext(ctx, "update ready_probe set probed_at = 2")
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			return busy
		}, db.BusyRetry},
		fault{"sqlite: unique violation", func(t *testing.T) error {
			d := db.OpenTest(t, db.SQLite)
			return d.RunInTx(ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(ctx, "insert into ready_probe (id, probed_at) values (1, 0)")
				return err
			})
		}, 0},
	)
	for _, f := range faults {
		t.Run(f.name, func(t *testing.T) {
			err := f.err(t)
			if err == nil {
				t.Fatal("no error: the fault was not produced")
			}
			code, wait := apperr.CodeOf(err), apperr.RetryAfterOf(err)
			t.Logf("%v → %s, Retry-After %v", err, code, wait)
			switch {
			case f.wait < 0:
				if code != apperr.CodeInvalid {
					t.Errorf("%v: code %s, want the error's own (invalid)", err, code)
				}
			case f.wait == 0:
				if code != apperr.CodeInternal || wait != 0 {
					t.Errorf("%v: code %s, wait %v; want internal", err, code, wait)
				}
			default:
				if code != apperr.CodeUnavailable || wait != f.wait {
					t.Errorf("%v: code %s, wait %v; want unavailable, %v", err, code, wait, f.wait)
				}
			}
		})
	}
}

// TestProbeWrite: the readiness probe writes its row through the write path on
// both engines (its failures are TestPostgresDown's, in app).
func TestProbeWrite(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		if err := d.ProbeWrite(t.Context()); err != nil {
			t.Fatal(err)
		}
		var at int64
		if err := d.QueryRow("select probed_at from ready_probe where id = 1").Scan(&at); err != nil || at == 0 {
			t.Errorf("the probe did not write: %d %v", at, err)
		}
	})
}
