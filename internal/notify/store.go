package notify

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"danchu/internal/db"
)

// Store is the SQL of the outbox, the same text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// insertNotes queues the notes in tx, pending and due at now; each note's
// body is its text followed, when it has a link, by the link's full address
// under baseURL.
func (s *Store) insertNotes(ctx context.Context, tx *sql.Tx, notes []Note, baseURL string, now int64) error {
	return s.db.InsertBatches(ctx, tx, "outbox", []string{"id", "kind", "account_id", "channel", "address", "subject", "body", "status", "attempts",
		"next_at", "last_error", "created_at"}, len(notes), func(i int) []any {
		n := notes[i]
		body := n.Text
		if n.Link != "" {
			body += "\n\n" + baseURL + n.Link
		}
		return []any{s.db.NewID(), n.Kind, n.AccountID, n.Channel, n.Address, n.Subject, body, "pending", 0, now, "", now}
	}, nil)
}

// claimDue marks at most limit pending notes due at now as claimed by token,
// not due again before until, in one statement (a worker in another process
// claims other notes), and reports how many it claimed.
func claimDue(ctx context.Context, tx *sql.Tx, now, until, token int64, limit int) (int64, error) {
	res, err := tx.ExecContext(ctx, `update outbox set next_at = $1, claim = $2 where status = 'pending' and next_at <= $3 and id in
			(select id from outbox where status = 'pending' and next_at <= $3 order by next_at limit $4)`, until, token, now, limit)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// claimed lists the pending notes claimed by token, by id.
func (s *Store) claimed(ctx context.Context, token int64) ([]due, error) {
	rows, err := s.db.QueryContext(ctx, `select id, channel, address, subject, body, kind, attempts, next_at from outbox
		where claim = $1 and status = 'pending' order by id`, token)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []due
	for rows.Next() {
		var d due
		if err := rows.Scan(&d.id, &d.channel, &d.address, &d.subject, &d.body, &d.kind, &d.attempts, &d.nextAt); err != nil {
			return nil, err
		}
		list = append(list, d)
	}
	return list, rows.Err()
}

// markAttempt records a failed attempt at note id: its new status, when it is
// due next and the error, only while token's claim holds (after the lease
// another worker may have claimed the note again, and its outcome is the one to
// keep).
func markAttempt(ctx context.Context, tx *sql.Tx, id, token int64, status string, next int64, msg string) error {
	_, err := tx.ExecContext(ctx, "update outbox set status = $1, attempts = attempts + 1, next_at = $2, last_error = $3 where id = $4 and status = 'pending' and claim = $5",
		status, next, msg, id, token)
	return err
}

// markSent records the notes as sent at at, 500 to a statement. Only those
// still pending: a note another worker has marked already keeps its record.
func markSent(ctx context.Context, tx *sql.Tx, ids []int64, at int64) error {
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		args := []any{at}
		ph := make([]string, len(chunk))
		for i, id := range chunk {
			args = append(args, id)
			ph[i] = fmt.Sprintf("$%d", i+2)
		}
		if _, err := tx.ExecContext(ctx, "update outbox set status = 'sent', attempts = attempts + 1, sent_at = $1, last_error = '' where status = 'pending' and id in ("+
			strings.Join(ph, ", ")+")", args...); err != nil {
			return err
		}
	}
	return nil
}
