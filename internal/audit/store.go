package audit

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// Store is the SQL of the audit log and the public record, the same text on
// SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// insertEntry writes e (its ID set) to the audit log.
func insertEntry(ctx context.Context, tx *sql.Tx, e Entry) error {
	_, err := tx.ExecContext(ctx, `insert into audit_log (id, at, actor_id, actor_name, role, unit_id, action, object_type, object_id,
		before_hash, after_hash, outcome, ip, request_id, detail) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		e.ID, e.At, e.ActorID, e.ActorName, e.Role, nullID(e.UnitID), e.Action, e.ObjectType, e.ObjectID,
		e.BeforeHash, e.AfterHash, e.Outcome, e.IP, e.RequestID, e.Detail)
	return err
}

// Entries returns the audit entries of units whose path starts with unitPath (every
// unit when it is ""), newest first, older than beforeID when it is not 0.
func (s *Store) Entries(ctx context.Context, unitPath string, beforeID int64, limit int) ([]Entry, error) {
	q := `select a.id, a.at, a.actor_id, a.actor_name, a.role, coalesce(a.unit_id, 0), a.action, a.object_type, a.object_id,
		a.before_hash, a.after_hash, a.outcome, a.ip, a.request_id, a.detail from audit_log a`
	args := []any{}
	where := " where (cast($1 as bigint) = 0 or a.id < $1)"
	args = append(args, beforeID)
	if unitPath != "" {
		q += " join units u on u.id = a.unit_id"
		where += " and u.path >= $2 and u.path < $3"
		args = append(args, unitPath, unitPath[:len(unitPath)-1]+"0")
	}
	args = append(args, limit)
	rows, err := s.db.QueryContext(ctx, q+where+fmt.Sprintf(" order by a.id desc limit $%d", len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		if err := rows.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.Role, &e.UnitID, &e.Action, &e.ObjectType, &e.ObjectID,
			&e.BeforeHash, &e.AfterHash, &e.Outcome, &e.IP, &e.RequestID, &e.Detail); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// advanceHead takes the next sequence number of the public record and returns it
// with the hash of the entry before it; the update locks the head row until tx
// ends, so concurrent appends queue.
func advanceHead(ctx context.Context, tx *sql.Tx) (seq int64, prev string, err error) {
	if err := tx.QueryRowContext(ctx, "update public_record_head set seq = seq + 1 where id = 1 returning seq, hash").Scan(&seq, &prev); err != nil {
		return 0, "", fmt.Errorf("public record head: %w", err)
	}
	return seq, prev, nil
}

// insertRecord writes the sealed entry r and makes its hash the head's.
func insertRecord(ctx context.Context, tx *sql.Tx, r Record) error {
	if _, err := tx.ExecContext(ctx, `insert into public_record (seq, at, unit_id, kind, object_type, object_id, summary, content,
		content_hash, prev_hash, hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		r.Seq, r.At, nullID(r.UnitID), r.Kind, r.ObjectType, r.ObjectID, r.Summary, r.Content, r.ContentHash, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("append public record: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "update public_record_head set hash = $1 where id = 1", r.Hash); err != nil {
		return fmt.Errorf("public record head: %w", err)
	}
	return nil
}

// Head is the last sequence number and hash of the public record.
func (s *Store) Head(ctx context.Context) (seq int64, hash string, err error) {
	err = s.db.QueryRowContext(ctx, "select seq, hash from public_record_head where id = 1").Scan(&seq, &hash)
	if err != nil {
		return 0, "", fmt.Errorf("public record head: %w", err)
	}
	return seq, hash, nil
}

const recordCols = `r.seq, r.at, coalesce(r.unit_id, 0), r.kind, r.object_type, r.object_id, r.summary, r.content, r.content_hash,
	r.prev_hash, r.hash, coalesce(u.name, '') from public_record r left join units u on u.id = r.unit_id`

func scanRecords(rows *sql.Rows) ([]Record, error) {
	defer rows.Close()
	var out []Record
	for rows.Next() {
		var r Record
		if err := rows.Scan(&r.Seq, &r.At, &r.UnitID, &r.Kind, &r.ObjectType, &r.ObjectID, &r.Summary, &r.Content,
			&r.ContentHash, &r.PrevHash, &r.Hash, &r.UnitName); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(r.Content), &struct {
			Data *json.RawMessage `json:"data"`
		}{&r.Data}); err != nil {
			r.Data = nil // check reports it; a reader still sees the columns
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Records returns up to limit entries with seq below before (the newest when
// before is 0), newest first.
func (s *Store) Records(ctx context.Context, before int64, limit int) ([]Record, error) {
	rows, err := s.db.QueryContext(ctx, "select "+recordCols+" where (cast($1 as bigint) = 0 or r.seq < $1) order by r.seq desc limit $2", before, limit)
	if err != nil {
		return nil, fmt.Errorf("read public record: %w", err)
	}
	return scanRecords(rows)
}

// Range returns up to limit entries from seq from on, oldest first.
func (s *Store) Range(ctx context.Context, from int64, limit int) ([]Record, error) {
	rows, err := s.db.QueryContext(ctx, "select "+recordCols+" where r.seq >= $1 order by r.seq limit $2", from, limit)
	if err != nil {
		return nil, fmt.Errorf("read public record: %w", err)
	}
	return scanRecords(rows)
}

// RecordBySeq returns one entry.
func (s *Store) RecordBySeq(ctx context.Context, seq int64) (Record, error) {
	rs, err := s.Range(ctx, seq, 1)
	if err != nil {
		return Record{}, err
	}
	if len(rs) == 0 || rs[0].Seq != seq {
		return Record{}, apperr.New(apperr.CodeNotFound, "audit.err.no_entry", seq)
	}
	return rs[0], nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
