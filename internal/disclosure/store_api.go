package disclosure

// The SQL of the open data and the JSON API (api.go).

import (
	"context"

	"danchu/internal/org"
)

// publicUpdatedAt is the last change (epoch ms) of u's board as the public
// sees it: its disclosures that are not staff-only (0: none yet).
func (s *Store) publicUpdatedAt(ctx context.Context, u org.Unit) (int64, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, "select coalesce(max(updated_at), 0) from disclosures where "+boardColumn(u)+" = $1 and not staff_only", u.ID).Scan(&at)
	return at, err
}
