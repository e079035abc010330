package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// InsertBatches writes n rows into table with multi-row inserts of up to 100 rows
// (parameter counts stay far below both engines' limits). row(i) gives the
// values of row i in the order of cols; done, if not nil, is told how many rows
// are written so far. On SQLite the values are anonymous ? parameters: SQLite
// looks a $N name up in a list, once when parsing and once when binding, so a
// statement of 1,200 named values costs it about a million comparisons.
func (d *DB) InsertBatches(ctx context.Context, tx *sql.Tx, table string, cols []string, n int, row func(i int) []any, done func(int)) error {
	const batch = 100
	head := "insert into " + table + " (" + strings.Join(cols, ", ") + ") values "
	for start := 0; start < n; start += batch {
		end := min(start+batch, n)
		var b strings.Builder
		b.WriteString(head)
		args := make([]any, 0, (end-start)*len(cols))
		for i := start; i < end; i++ {
			vals := row(i)
			if len(vals) != len(cols) {
				return fmt.Errorf("insert %s: row %d has %d values for %d columns", table, i, len(vals), len(cols))
			}
			if i > start {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for j := range vals {
				if j > 0 {
					b.WriteByte(',')
				}
				if d.Dialect == SQLite {
					b.WriteByte('?')
				} else {
					fmt.Fprintf(&b, "$%d", len(args)+j+1)
				}
			}
			b.WriteByte(')')
			args = append(args, vals...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("insert %s rows %d–%d: %w", table, start+1, end, err)
		}
		if done != nil {
			done(end)
		}
	}
	return nil
}

// Querier runs a query: a *DB, a *sql.Tx or a *Cached.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Int64s runs a query of one integer column and returns its values.
func Int64s(ctx context.Context, q Querier, query string, args ...any) ([]int64, error) {
	return All(ctx, q, func(r *sql.Rows) (v int64, err error) { return v, r.Scan(&v) }, query, args...)
}

// All runs a query and returns every row as scan reads it.
func All[T any](ctx context.Context, q Querier, scan func(*sql.Rows) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
