package db

import (
	"context"
	"database/sql"
	"errors"
)

// ProbeWrite proves that the database takes a write now: it updates the one row
// of ready_probe in a transaction through the write path (RunInTx: SQLite's
// queue, PostgreSQL's retries), so a stopped PostgreSQL, a read-only standby or
// a full disk fail it where a ping would pass. It is the readiness probe's
// (app: rate-limited, shared by concurrent callers).
func (d *DB) ProbeWrite(ctx context.Context) error {
	return d.RunInTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "update ready_probe set probed_at = $1 where id = 1", d.NowMillis())
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(errors.New("ready probe: the row of ready_probe is missing"), err)
		}
		return nil
	})
}
