package calendar

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Store is the SQL of the stored calendar overrides, the same text on SQLite and
// PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// signature changes whenever a row is added or removed.
func (s *Store) signature(ctx context.Context) (string, error) {
	var n, maxID int64
	if err := s.db.QueryRowContext(ctx, "select count(*), coalesce(max(id), 0) from calendar_overrides").Scan(&n, &maxID); err != nil {
		return "", fmt.Errorf("calendar signature: %w", err)
	}
	return fmt.Sprintf("%d:%d", n, maxID), nil
}

// Overrides lists the stored overrides by date.
func (s *Store) Overrides(ctx context.Context) ([]Stored, error) {
	rows, err := s.db.QueryContext(ctx, "select id, day, kind, name from calendar_overrides order by day")
	if err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var o Stored
		var day string
		if err := rows.Scan(&o.ID, &day, &o.Kind, &o.Name); err != nil {
			return nil, err
		}
		if o.Date, err = legal.ParseDate(day); err != nil {
			return nil, fmt.Errorf("stored calendar day %q: %w", day, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// dayStored reports whether an override is stored for the day.
func dayStored(ctx context.Context, tx *sql.Tx, d legal.Date) (bool, error) {
	var n int
	if err := tx.QueryRowContext(ctx, "select count(*) from calendar_overrides where day = $1", d.String()).Scan(&n); err != nil {
		return false, err
	}
	return n > 0, nil
}

// insertOverrides adds the overrides, made by accountID at now.
func insertOverrides(ctx context.Context, tx *sql.Tx, d *db.DB, ov []legal.Override, accountID, now int64) error {
	return d.InsertBatches(ctx, tx, "calendar_overrides", []string{"id", "day", "kind", "name", "created_by", "created_at"}, len(ov),
		func(i int) []any {
			return []any{d.NewID(), ov[i].Date.String(), ov[i].Kind, ov[i].Name, accountID, now}
		}, nil)
}

// findOverride returns the stored override id and its day as stored.
func findOverride(ctx context.Context, tx *sql.Tx, id int64) (Stored, string, error) {
	var o Stored
	var day string
	err := tx.QueryRowContext(ctx, "select id, day, kind, name from calendar_overrides where id = $1", id).Scan(&o.ID, &day, &o.Kind, &o.Name)
	if errors.Is(err, sql.ErrNoRows) {
		return Stored{}, "", apperr.New(apperr.CodeNotFound, "calendar.err.no_override")
	}
	return o, day, err
}

// deleteOverride removes the stored override id.
func deleteOverride(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, "delete from calendar_overrides where id = $1", id)
	return err
}
