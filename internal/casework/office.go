package casework

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
)

// Due is the officials' home's work to do: per unit, the cases still open,
// how many are past their clock and the earliest last day.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	if s.vault == nil || len(units) == 0 {
		return nil, nil
	}
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	counts, err := s.openCounts(ctx, ids, s.today().String())
	if err != nil {
		return nil, err
	}
	var out []office.Item
	for _, u := range units {
		if c, ok := counts[u.ID]; ok && c.n > 0 {
			out = append(out, office.Item{Kind: "casework.work.open", UnitID: u.ID, Action: auth.HandleCases, Page: Page, Count: c.n, Overdue: c.late,
				Earliest: day(c.earliest)})
		}
	}
	return out, nil
}

// DueBy lists the open cases of a unit whose clock ends by day, by due day.
func (s *Service) DueBy(ctx context.Context, a *auth.Actor, unit org.Unit, by legal.Date, limit int) ([]Case, error) {
	return s.List(ctx, a, unit, Filter{DueBy: by, Limit: limit})
}

// Columns are casework's figure in the province table: of the cases a commune
// resolved in the quarter, how many on time.
func (s *Service) Columns() []office.Column {
	return []office.Column{{Key: "don-thu", Label: "casework.figures.on_time", Percent: true}}
}

// Figures are, per commune (its own cases and those below it), the cases
// received in the period and resolved, on time of resolved.
func (s *Service) Figures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64][]office.Figure, error) {
	out := map[int64][]office.Figure{}
	if s.vault == nil {
		return out, nil
	}
	counts, err := s.counts(ctx, province.Path, p.From, p.To.AddDays(-1), s.MassFrom)
	if err != nil {
		return nil, err
	}
	of := map[int64]*office.Figure{}
	for _, c := range communes {
		of[c.ID] = &office.Figure{}
	}
	for _, c := range counts {
		id := c.UnitID
		for {
			if _, ok := of[id]; ok {
				break
			}
			u, ok := t.Unit(id)
			if !ok || u.ParentID == 0 {
				id = 0
				break
			}
			id = u.ParentID
		}
		if f := of[id]; f != nil {
			f.N += c.OnTime
			f.Of += c.Resolved
		}
	}
	for id, f := range of {
		if f.Of > 0 {
			out[id] = []office.Figure{*f}
		}
	}
	return out, nil
}
