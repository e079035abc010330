package plans

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/office"
	"danchu/internal/org"
)

// Due is the back office's count of the tasks assigned to each unit and not
// done (office.Work): how many, how many past their deadline, the earliest
// deadline. A commune official sees them on the back-office home.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	counts, err := s.openCounts(ctx, ids, s.today().String())
	if err != nil {
		return nil, err
	}
	var out []office.Item
	for _, u := range units {
		if c, ok := counts[u.ID]; ok && c.n > 0 {
			out = append(out, office.Item{Kind: "plans.work.open", UnitID: u.ID, Action: auth.ReportTasks, Page: "nhiem-vu", Count: c.n, Overdue: c.late,
				Earliest: parseDate(c.earliest)})
		}
	}
	return out, nil
}

// Columns are the tasks' figure in the province table: of the tasks assigned
// to a commune, how many it has done.
func (s *Service) Columns() []office.Column {
	return []office.Column{{Key: "nhiem-vu", Label: "plans.figures.done", Percent: true}}
}

// Figures are, per commune, its assignments done of its assignments.
func (s *Service) Figures(ctx context.Context, _ *org.Tree, _ org.Unit, communes []org.Unit, _ office.Period) (map[int64][]office.Figure, error) {
	ids := make([]int64, 0, len(communes))
	for _, c := range communes {
		ids = append(ids, c.ID)
	}
	n, err := s.doneCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]office.Figure, len(communes))
	for _, c := range communes {
		if x, ok := n[c.ID]; ok {
			out[c.ID] = []office.Figure{{N: x[0], Of: x[1]}}
		}
	}
	return out, nil
}
