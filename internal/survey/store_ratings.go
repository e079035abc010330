package survey

import (
	"context"
	"database/sql"

	"danchu/internal/db"
)

// claimRating records that the interaction was rated: false when it had been.
func claimRating(ctx context.Context, tx *sql.Tx, kind, ref string) (bool, error) {
	res, err := tx.ExecContext(ctx, "insert into rating_claims (kind, ref) values ($1, $2) on conflict do nothing", kind, ref)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func rated(ctx context.Context, q querier, kind, ref string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "select count(*) from rating_claims where kind = $1 and ref = $2", kind, ref).Scan(&n)
	return n > 0, err
}

// bumpRating adds one score to its counter, creating it at the month's first.
func bumpRating(ctx context.Context, tx *sql.Tx, unitID int64, month, kind, criterion string, score int) error {
	_, err := tx.ExecContext(ctx, `insert into rating_counts (unit_id, month, kind, criterion, score, n) values ($1, $2, $3, $4, $5, 1)
		on conflict (unit_id, month, kind, criterion, score) do update set n = rating_counts.n + 1`, unitID, month, kind, criterion, score)
	return err
}

// ratingCount is a counter summed over kinds: a unit's scores of one value
// for one criterion in one month.
type ratingCount struct {
	unitID    int64
	month     string
	criterion string
	score     int
	n         int64
}

func scanRatingCount(rows *sql.Rows) (ratingCount, error) {
	var c ratingCount
	err := rows.Scan(&c.unitID, &c.month, &c.criterion, &c.score, &c.n)
	return c, err
}

// ratingCountsIn are the counters of the units under path (itself included)
// for the months from from to before to: at most units × months × 15 rows.
func ratingCountsIn(ctx context.Context, q querier, path, from, to string) ([]ratingCount, error) {
	return db.All(ctx, q, scanRatingCount, `select c.unit_id, c.month, c.criterion, c.score, sum(c.n) from rating_counts c join units u on u.id = c.unit_id
		where u.path >= $1 and u.path < $2 and c.month >= $3 and c.month < $4
		group by c.unit_id, c.month, c.criterion, c.score`, path, path[:len(path)-1]+"0", from, to)
}

// lastRatingMonth is the newest month before before with a rating under
// path ("": none).
func lastRatingMonth(ctx context.Context, q querier, path, before string) (string, error) {
	var m string
	err := q.QueryRowContext(ctx, `select coalesce(max(c.month), '') from rating_counts c join units u on u.id = c.unit_id
		where u.path >= $1 and u.path < $2 and c.month < $3`, path, path[:len(path)-1]+"0", before).Scan(&m)
	return m, err
}
