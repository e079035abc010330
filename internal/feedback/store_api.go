package feedback

// The SQL of the open data and the JSON API (api.go).

import (
	"context"

	"danchu/internal/db"
)

// handledUpdatedAt is the last change (epoch ms) of the items the units
// handle, which moves their counters (0: none yet).
func (s *Store) handledUpdatedAt(ctx context.Context, units []int64) (int64, error) {
	var args []any
	in := db.IDList(&args, units)
	var at int64
	err := s.db.QueryRowContext(ctx, "select coalesce(max(updated_at), 0) from feedback_items where handler_id in ("+in+")", args...).Scan(&at)
	return at, err
}
