package feedback

import (
	"context"
	"fmt"

	"danchu/internal/db"
	"danchu/internal/org"
)

// openCount is the open items of one handling unit: how many, how many past
// their deadline on the day given, and the earliest deadline.
type openCount struct {
	unitID     int64
	n, overdue int
	earliest   string
}

// openCounts counts the open items of every unit of ids in one query (the
// partial index of open items, by handler and due date).
func (s *Store) openCounts(ctx context.Context, ids []int64, today string) ([]openCount, error) {
	args := []any{today}
	in := db.IDList(&args, ids)
	rows, err := s.db.QueryContext(ctx, `select handler_id, count(*), sum(case when due_on < $1 then 1 else 0 end), min(due_on)
		from feedback_items where handler_id in (`+in+`) and status in `+OpenStatuses.SQL()+` group by handler_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("open feedback counts: %w", err)
	}
	defer rows.Close()
	var out []openCount
	for rows.Next() {
		var c openCount
		if err := rows.Scan(&c.unitID, &c.n, &c.overdue, &c.earliest); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// unitCounters are the kept counters of one handling unit.
type unitCounters struct {
	unitID                             int64
	answered, onTime, rated, satisfied int
}

// countersUnder reads the kept counters of every unit below province (one
// query, over the units' path index).
func (s *Store) countersUnder(ctx context.Context, province org.Unit) ([]unitCounters, error) {
	rows, err := s.db.QueryContext(ctx, `select c.unit_id, c.answered, c.on_time, c.rated, c.satisfied
		from feedback_counters c join units u on u.id = c.unit_id where u.path > $1 and u.path < $2`, province.Path, province.Path[:len(province.Path)-1]+"0")
	if err != nil {
		return nil, fmt.Errorf("feedback counters of %d: %w", province.ID, err)
	}
	defer rows.Close()
	var out []unitCounters
	for rows.Next() {
		var c unitCounters
		if err := rows.Scan(&c.unitID, &c.answered, &c.onTime, &c.rated, &c.satisfied); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
