package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// The read side of DB: the methods of *sql.DB that stores use to read, with the
// same signatures. There is deliberately no ExecContext, BeginTx or
// PrepareContext (TestDBHasNoWriteMethods): writes go through RunInTx or a
// GroupCommit.

// QueryContext runs a read and returns its rows.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	checkRead(query)
	rows, err := d.pool.QueryContext(ctx, query, args...)
	return rows, unavailable(err)
}

// QueryRowContext runs a read of at most one row.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	checkRead(query)
	return d.pool.QueryRowContext(ctx, query, args...)
}

// Query is QueryContext without a context (tests).
func (d *DB) Query(query string, args ...any) (*sql.Rows, error) {
	return d.QueryContext(context.Background(), query, args...)
}

// QueryRow is QueryRowContext without a context (tests).
func (d *DB) QueryRow(query string, args ...any) *sql.Row {
	return d.QueryRowContext(context.Background(), query, args...)
}

// PingContext checks that the database answers (the readiness probe).
func (d *DB) PingContext(ctx context.Context) error { return d.pool.PingContext(ctx) }

// Stats reports the connection pool's use.
func (d *DB) Stats() sql.DBStats { return d.pool.Stats() }

// Close closes the pool. Stop every writer first (the App's jobs and group commits).
func (d *DB) Close() error { return d.pool.Close() }

// Raw returns the connection pool itself, which writes without the queue and
// the retry of RunInTx. It is the one escape hatch, for what cannot run in a
// transaction or needs no queue: the migrations' bookkeeping table
// (migrate.go), SQLite's WAL checkpoint and "analyze" in maintenance commands,
// the pool metrics, and tests that set up or tamper with rows directly.
// TestRawOnlyWhereAllowed lists the non-test files allowed to call it.
func (d *DB) Raw() *sql.DB { return d.pool }

// writeVerbs are the first words of statements that change the database.
var writeVerbs = []string{"insert", "update", "delete", "replace", "upsert", "merge", "create", "drop", "alter",
	"truncate", "vacuum", "analyze", "reindex", "grant", "revoke", "comment", "attach", "detach"}

// checkRead panics when a read method is given a statement that writes
// ("update … returning" through QueryRowContext would skip RunInTx just as an
// ExecContext would). It is a programming error, found by the first test
// that runs the statement; the query texts are fixed in the code.
func checkRead(query string) {
	if verb := firstWord(query); verb != "" {
		for _, w := range writeVerbs {
			if verb == w {
				panic(fmt.Sprintf("db: %q statement through a read method of db.DB; write it in RunInTx (tx.QueryRowContext): %.80s", verb, query))
			}
		}
	}
}

// firstWord returns the first keyword of query in lower case, skipping blanks,
// "--" comments and "/* */" comments.
func firstWord(q string) string {
	for {
		q = strings.TrimLeft(q, " \t\r\n(")
		switch {
		case strings.HasPrefix(q, "--"):
			i := strings.IndexByte(q, '\n')
			if i < 0 {
				return ""
			}
			q = q[i+1:]
			continue
		case strings.HasPrefix(q, "/*"):
			i := strings.Index(q, "*/")
			if i < 0 {
				return ""
			}
			q = q[i+2:]
			continue
		}
		break
	}
	end := 0
	for end < len(q) && (q[end] >= 'a' && q[end] <= 'z' || q[end] >= 'A' && q[end] <= 'Z') {
		end++
	}
	return strings.ToLower(q[:end])
}
