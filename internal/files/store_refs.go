package files

import (
	"context"
	"database/sql"
	"fmt"
)

// Querier is what QueryRefs reads with (a *db.DB, a *sql.Tx).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// QueryRefs runs a room's query of the blobs its rows reference — two columns,
// the SHA-256 and the recorded size — and returns them as Refs (what the
// orphan collector keeps and `danchu verify` expects on disk). The query is
// the room's (its store.go); the scan is this one.
func QueryRefs(ctx context.Context, q Querier, query string, args ...any) (Refs, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("referenced files: %w", err)
	}
	defer rows.Close()
	refs := Refs{}
	for rows.Next() {
		var sum string
		var size int64
		if err := rows.Scan(&sum, &size); err != nil {
			return nil, fmt.Errorf("referenced files: %w", err)
		}
		refs[sum] = size
	}
	return refs, rows.Err()
}
