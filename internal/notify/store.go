package notify

import (
	"context"
	"database/sql"
	"fmt"

	"danchu/internal/db"
)

// The outbox's SQL, the same text on SQLite and PostgreSQL.

// insertNotes queues notes (each with an address and a known channel) in tx,
// their links written under baseURL.
func insertNotes(ctx context.Context, d *db.DB, tx *sql.Tx, notes []Note, baseURL string, now int64) error {
	return d.InsertBatches(ctx, tx, "outbox", []string{"id", "kind", "account_id", "channel", "address", "subject", "body", "status", "attempts",
		"next_at", "last_error", "created_at"}, len(notes), func(i int) []any {
		n := notes[i]
		body := n.Text
		if n.Link != "" {
			body += "\n\n" + baseURL + n.Link
		}
		return []any{d.NewID(), n.Kind, n.AccountID, n.Channel, n.Address, n.Subject, body, "pending", 0, now, "", now}
	}, nil)
}

// claim takes up to limit notes due at now for the worker holding token until
// the time until, and says how many it took.
func claim(ctx context.Context, tx *sql.Tx, token, now, until int64, limit int) (int64, error) {
	res, err := tx.ExecContext(ctx, `update outbox set next_at = $1, claim = $2 where status = 'pending' and next_at <= $3 and id in
			(select id from outbox where status = 'pending' and next_at <= $3 order by next_at limit $4)`, until, token, now, limit)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// claimed are the notes still pending under a worker's claim, in order.
func claimed(ctx context.Context, d *db.DB, token int64) ([]due, error) {
	rows, err := d.QueryContext(ctx, `select id, channel, address, subject, body, kind, attempts, next_at from outbox
		where claim = $1 and status = 'pending' order by id`, token)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []due
	for rows.Next() {
		var n due
		if err := rows.Scan(&n.id, &n.channel, &n.address, &n.subject, &n.body, &n.kind, &n.attempts, &n.nextAt); err != nil {
			return nil, err
		}
		list = append(list, n)
	}
	return list, rows.Err()
}

// markAttempt records a failed attempt at note id, only while the worker's
// claim (token) holds.
func markAttempt(ctx context.Context, tx *sql.Tx, id, token int64, status string, next int64, msg string) error {
	_, err := tx.ExecContext(ctx, "update outbox set status = $1, attempts = attempts + 1, next_at = $2, last_error = $3 where id = $4 and status = 'pending' and claim = $5",
		status, next, msg, id, token)
	return err
}

// markSentIn records notes still pending as sent at at, 500 a statement.
func markSentIn(ctx context.Context, tx *sql.Tx, ids []int64, at int64) error {
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{at}
		in := db.IDList(&args, chunk)
		// Still pending: a note another worker has marked already keeps its record.
		if _, err := tx.ExecContext(ctx, "update outbox set status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = '' where status = 'pending' and id in ("+in+")", args...); err != nil {
			return fmt.Errorf("outbox: mark sent: %w", err)
		}
	}
	return nil
}

// sealedRow is a sealed note's row (Outbox.Reseal).
type sealedRow struct {
	id   int64
	body string
}

// sealedNotes are the notes whose body is sealed (it begins with prefix).
func sealedNotes(ctx context.Context, d *db.DB, prefix string) ([]sealedRow, error) {
	return db.All(ctx, d, func(r *sql.Rows) (n sealedRow, err error) { return n, r.Scan(&n.id, &n.body) },
		"select id, body from outbox where address = '' and body like $1 order by id", prefix+"%")
}

// setBody replaces a note's body, if it is still old.
func setBody(ctx context.Context, tx *sql.Tx, id int64, old, body string) error {
	_, err := tx.ExecContext(ctx, "update outbox set body = $1 where id = $2 and body = $3", body, id, old)
	return err
}
