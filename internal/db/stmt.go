package db

import (
	"context"
	"database/sql"
	"sync"
)

// Cached runs queries through prepared statements kept for the life of the DB,
// so that hot read paths skip SQL parsing (a third of a page's cost on SQLite).
// Use it for fixed query texts only: each distinct text is prepared once. It
// reads only; a writer uses In to run a kept statement inside its transaction.
type Cached struct {
	d     *DB
	stmts sync.Map // query text -> *sql.Stmt
}

// Cached returns the DB's prepared-statement runner.
func (d *DB) Cached() *Cached { return d.cached }

func (c *Cached) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if s, ok := c.stmts.Load(query); ok {
		return s.(*sql.Stmt), nil
	}
	s, err := c.d.pool.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := c.stmts.LoadOrStore(query, s); loaded {
		s.Close()
		return prev.(*sql.Stmt), nil
	}
	return s, nil
}

// QueryContext runs a prepared query.
func (c *Cached) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	checkRead(query)
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return s.QueryContext(ctx, args...)
}

// QueryRowContext runs a prepared query for one row.
func (c *Cached) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	checkRead(query)
	s, err := c.stmt(ctx, query)
	if err != nil {
		// A statement that does not prepare fails the same way when run directly.
		return c.d.QueryRowContext(ctx, query, args...)
	}
	return s.QueryRowContext(ctx, args...)
}

// In returns the prepared statement of query for use in tx: database/sql keeps
// it prepared on each connection it has run on, so a writer that runs the same
// statement in every transaction parses it once per connection, not each time.
func (c *Cached) In(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	s, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	return tx.StmtContext(ctx, s), nil
}
