package disclosure

import (
	"context"
	"fmt"

	"danchu/internal/db"
	"danchu/internal/org"
)

// windowOver counts, in one query, the posted disclosures whose minimum window
// ended before the day given, by board and unit: of the boards boards and of
// the units units (a village's own).
func (s *Store) windowOver(ctx context.Context, boards, units []int64, today string) (map[[2]int64]int, error) {
	args := []any{Posted, today}
	b, u := db.IDList(&args, boards), db.IDList(&args, units)
	rows, err := s.db.QueryContext(ctx, `select board_id, unit_id, count(*) from disclosures
		where status = $1 and min_end <> '' and min_end < $2 and (board_id in (`+b+`) or unit_id in (`+u+`)) group by board_id, unit_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("disclosures past their window: %w", err)
	}
	defer rows.Close()
	out := map[[2]int64]int{}
	for rows.Next() {
		var board, unit int64
		var n int
		if err := rows.Scan(&board, &unit, &n); err != nil {
			return nil, err
		}
		out[[2]int64{board, unit}] = n
	}
	return out, rows.Err()
}

// quarterCounts counts, per commune board of the province in one query, the
// public disclosures whose posting began in [from, to) (withdrawn ones aside)
// and those of them posted after their deadline.
func (s *Store) quarterCounts(ctx context.Context, province org.Unit, from, to string) (map[int64][2]int, error) {
	rows, err := s.db.QueryContext(ctx, `select d.board_id, count(*), sum(case when d.late then 1 else 0 end)
		from disclosures d join units u on u.id = d.board_id
		where u.parent_id = $1 and not d.staff_only and d.status <> $2 and d.posting_start >= $3 and d.posting_start < $4
		group by d.board_id`, province.ID, Withdrawn, from, to)
	if err != nil {
		return nil, fmt.Errorf("disclosures of %d this quarter: %w", province.ID, err)
	}
	defer rows.Close()
	out := map[int64][2]int{}
	for rows.Next() {
		var id int64
		var n, late int
		if err := rows.Scan(&id, &n, &late); err != nil {
			return nil, err
		}
		out[id] = [2]int{n, late}
	}
	return out, rows.Err()
}
