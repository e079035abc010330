package decision

// The SQL of the open data and the JSON API (api.go).

import (
	"context"
	"fmt"

	"danchu/internal/db"
)

// closedTallies adds up, per matter, the latest closed vote of each village
// (a later vote replaces one that lacked the numbers): households, agree,
// disagree, other. Open votes are left out.
func (s *Store) closedTallies(ctx context.Context, ids []int64) (map[int64]MatterRow, error) {
	args := []any{StatusClosed}
	in := db.IDList(&args, ids)
	rows, err := s.db.QueryContext(ctx, `select matter_id, village_id, households, agree, disagree, other from votes
		where status = $1 and matter_id in (`+in+`) order by matter_id, village_id, id`, args...)
	if err != nil {
		return nil, fmt.Errorf("closed tallies: %w", err)
	}
	defer rows.Close()
	type key struct{ matter, village int64 }
	latest := map[key][4]int{}
	for rows.Next() {
		var k key
		var t [4]int
		if err := rows.Scan(&k.matter, &k.village, &t[0], &t[1], &t[2], &t[3]); err != nil {
			return nil, err
		}
		latest[k] = t // ordered by id: the last one read is the latest
	}
	out := map[int64]MatterRow{}
	for k, t := range latest {
		r := out[k.matter]
		r.VillagesCounted++
		r.Households += t[0]
		r.Agree += t[1]
		r.Disagree += t[2]
		r.Other += t[3]
		out[k.matter] = r
	}
	return out, rows.Err()
}

// publicUpdatedAt is the last change (epoch ms) of a commune's matters or
// their votes' closing (0: none yet).
func (s *Store) publicUpdatedAt(ctx context.Context, communeID int64) (int64, error) {
	var a, b int64
	err := s.db.QueryRowContext(ctx, "select coalesce(max(updated_at), 0) from matters where commune_id = $1", communeID).Scan(&a)
	if err == nil {
		err = s.db.QueryRowContext(ctx, `select coalesce(max(v.closed_at), 0) from votes v join matters m on m.id = v.matter_id
			where m.commune_id = $1`, communeID).Scan(&b)
	}
	return max(a, b), err
}
