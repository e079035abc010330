package decision

import (
	"context"
	"fmt"

	"danchu/internal/db"
	"danchu/internal/org"
)

// waiting lists, in one query, the decided village matters not yet recognised
// nor annulled of the villages villages and of every village of communes.
func (s *Store) waiting(ctx context.Context, villages, communes []int64) ([]Matter, error) {
	args := []any{string(VillageScope)}
	v, c := db.IDList(&args, villages), db.IDList(&args, communes)
	rows, err := s.db.QueryContext(ctx, "select "+matterCols+` from matters where scope = $1 and decided_on <> '' and annulled_on = ''
		and recognized_on = '' and (unit_id in (`+v+`) or commune_id in (`+c+`))`, args...)
	if err != nil {
		return nil, fmt.Errorf("matters waiting: %w", err)
	}
	return scanMatters(rows)
}

// awaitingRecognition counts, per commune of the province in one query, the
// village matters whose minutes were sent and that the commune has neither
// recognised nor refused.
func (s *Store) awaitingRecognition(ctx context.Context, province org.Unit) (map[int64]int, error) {
	rows, err := s.db.QueryContext(ctx, `select m.commune_id, count(*) from matters m join units u on u.id = m.commune_id
		where u.parent_id = $1 and m.scope = $2 and m.submitted_on <> '' and m.recognized_on = '' and m.annulled_on = ''
		group by m.commune_id`, province.ID, string(VillageScope))
	if err != nil {
		return nil, fmt.Errorf("matters awaiting recognition in %d: %w", province.ID, err)
	}
	defer rows.Close()
	out := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}
