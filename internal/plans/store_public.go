package plans

import (
	"context"
	"fmt"

	"danchu/internal/db"
)

// publicPlans lists the public plans issued by any of units, newest first,
// before an ID (0: the first page), at most n.
func (s *Store) publicPlans(ctx context.Context, units []int64, before int64, n int) ([]Item, error) {
	if len(units) == 0 {
		return nil, nil
	}
	if before <= 0 {
		before = 1<<63 - 1
	}
	var args []any
	in := db.IDList(&args, units)
	args = append(args, before, n)
	rows, err := s.db.QueryContext(ctx, fmt.Sprintf(`select p.id, p.kind, p.number, p.summary, p.issued_on, p.from_year, p.to_year,
		(select count(*) from plan_tasks t where t.plan_id = p.id), p.unit_id
		from plans p where p.unit_id in (%s) and p.published_at <> 0 and p.id < $%d order by p.id desc limit $%d`, in, len(args)-1, len(args)), args...)
	if err != nil {
		return nil, fmt.Errorf("public plans: %w", err)
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var issued string
		if err := rows.Scan(&it.ID, &it.Kind, &it.Number, &it.Summary, &issued, &it.FromYear, &it.ToYear, &it.Tasks, &it.UnitID); err != nil {
			return nil, err
		}
		it.Date = parseDate(issued)
		out = append(out, it)
	}
	return out, rows.Err()
}

// assignmentStates reads, for each of plans, the state of its assignments
// (what Progress counts), in one query.
func (s *Store) assignmentStates(ctx context.Context, plans []int64, each func(planID int64, a Assignment)) error {
	if len(plans) == 0 {
		return nil
	}
	var args []any
	in := db.IDList(&args, plans)
	rows, err := s.db.QueryContext(ctx, `select plan_id, status, due_on, recurrence, reported_at, created_at from plan_assignments where plan_id in (`+in+`)`, args...)
	if err != nil {
		return fmt.Errorf("assignments of public plans: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a Assignment
		var due string
		if err := rows.Scan(&id, &a.Status, &due, &a.Recurrence, &a.ReportedAt, &a.CreatedAt); err != nil {
			return err
		}
		a.Due = parseDate(due)
		each(id, a)
	}
	return rows.Err()
}

// publicChanged is the last change the public sees of the public plans of
// units: a plan made public or a report on one of their tasks (0: none).
func (s *Store) publicChanged(ctx context.Context, units []int64) (int64, error) {
	if len(units) == 0 {
		return 0, nil
	}
	var args []any
	in := db.IDList(&args, units)
	var at int64
	err := s.db.QueryRowContext(ctx, `select coalesce(max(x), 0) from (
		select max(published_at) as x from plans where unit_id in (`+in+`) and published_at <> 0
		union all
		select max(a.reported_at) as x from plan_assignments a join plans p on p.id = a.plan_id where p.unit_id in (`+in+`) and p.published_at <> 0) as m`,
		args...).Scan(&at)
	if err != nil {
		return 0, fmt.Errorf("public plans changed: %w", err)
	}
	return at, nil
}
