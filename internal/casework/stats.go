package casework

import (
	"context"
	"slices"

	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Register is the sổ thụ lý of a unit's subtree: every case received from
// until, oldest first.
func (s *Service) Register(ctx context.Context, a *auth.Actor, unit org.Unit, from, until legal.Date) ([]Case, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	if err := s.guard.Can(ctx, a, auth.HandleCases, unit.ID); err != nil {
		return nil, err
	}
	return s.list(ctx, Filter{Path: unit.Path, FromDay: from, UntilDay: until, Oldest: true})
}

// StatRow is a line of the statistics: a unit (a commune, or the province's
// own cases) or the total.
type StatRow struct {
	UnitID                                 int64
	Name                                   string
	Received                               int
	Complaints, Denunciations, Information int
	Accepted, Resolved, OnTime             int
	Mass, Second                           int
}

func (r *StatRow) add(c Count) {
	r.Received += c.Received
	switch c.Kind {
	case Complaint:
		r.Complaints += c.Received
	case Denunciation:
		r.Denunciations += c.Received
	default:
		r.Information += c.Received
	}
	r.Accepted += c.Accepted
	r.Resolved += c.Resolved
	r.OnTime += c.OnTime
	r.Mass += c.Mass
	r.Second += c.Second
}

// Stats are a unit's statistics of cases received from until: a row per unit
// directly below it that has cases (a province's communes, each with what is
// below it), one for the unit's own, and the total.
func (s *Service) Stats(ctx context.Context, a *auth.Actor, unit org.Unit, from, until legal.Date) ([]StatRow, StatRow, error) {
	counts, err := s.Counts(ctx, a, unit, from, until)
	if err != nil {
		return nil, StatRow{}, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, StatRow{}, err
	}
	rows := map[int64]*StatRow{}
	var order []int64
	total := StatRow{Name: "Tổng cộng"}
	for _, c := range counts {
		id := c.UnitID
		// The child of unit on the way to c's unit (or unit itself).
		for id != unit.ID {
			u, ok := t.Unit(id)
			if !ok || u.ParentID == unit.ID || u.ParentID == 0 {
				break
			}
			id = u.ParentID
		}
		r, ok := rows[id]
		if !ok {
			r = &StatRow{UnitID: id}
			if u, ok := t.Unit(id); ok {
				r.Name = u.Name
			}
			rows[id] = r
			order = append(order, id)
		}
		r.add(c)
		total.add(c)
	}
	out := make([]StatRow, 0, len(order))
	for _, id := range order {
		out = append(out, *rows[id])
	}
	slices.SortFunc(out, func(a, b StatRow) int { return cmpString(a.Name, b.Name) })
	return out, total, nil
}
