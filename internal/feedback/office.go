package feedback

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
)

// Due is the back office's count of the open items in each unit's queue
// (office.Work): overdue past their deadline (ND 20/2008, the category's days).
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	ids := make([]int64, len(units))
	for i, u := range units {
		ids[i] = u.ID
	}
	cs, err := s.openCounts(ctx, ids, legal.Today(s.db.Now()).String())
	if err != nil {
		return nil, err
	}
	out := make([]office.Item, 0, len(cs))
	for _, c := range cs {
		due, _ := legal.ParseDate(c.earliest)
		out = append(out, office.Item{Kind: "feedback.work.open", UnitID: c.unitID, Action: auth.HandleFeedback, Page: "phan-anh",
			Count: c.n, Overdue: c.overdue, Earliest: due})
	}
	return out, nil
}

// Columns are feedback's figures in the province table: answers on time and
// satisfied ratings, from the kept counters (since the start).
func (s *Service) Columns() []office.Column {
	return []office.Column{
		{Key: "dung-han", Label: "feedback.figures.on_time", Percent: true},
		{Key: "hai-long", Label: "feedback.figures.satisfied", Percent: true},
	}
}

// Figures are the counters of every handling unit of the province added up by
// the commune they belong to (the commune itself, its villages and agencies).
func (s *Service) Figures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, _ office.Period) (map[int64][]office.Figure, error) {
	cs, err := s.countersUnder(ctx, province)
	if err != nil {
		return nil, err
	}
	want := make(map[int64]bool, len(communes))
	for _, c := range communes {
		want[c.ID] = true
	}
	out := map[int64][]office.Figure{}
	for _, c := range cs {
		commune := communeOf(t, c.unitID)
		if !want[commune] {
			continue
		}
		f := out[commune]
		if f == nil {
			f = make([]office.Figure, 2)
			out[commune] = f
		}
		f[0].N, f[0].Of = f[0].N+c.onTime, f[0].Of+c.answered
		f[1].N, f[1].Of = f[1].N+c.satisfied, f[1].Of+c.rated
	}
	return out, nil
}

// communeOf is the commune a unit lies in (itself when it is one; 0: none).
func communeOf(t *org.Tree, id int64) int64 {
	u, ok := t.Unit(id)
	if !ok {
		return 0
	}
	if u.Type.Level() == org.CommuneLevel {
		return u.ID
	}
	for _, a := range t.Ancestors(id) {
		if a.Type.Level() == org.CommuneLevel {
			return a.ID
		}
	}
	return 0
}
