package consultation

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
)

// Due is the back office's count of the comments still unanswered in the open
// consultations of each board among units (office.Work; a village's
// consultations are its commune's). Their deadline is the window's close: the
// synthesis answers every comment (LDC Art 29); past the close they are late.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	var ids []int64
	for _, u := range units {
		if u.Type.Level() != org.VillageLevel && u.Type.Level() != org.ProvinceLevel {
			ids = append(ids, u.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	cs, err := s.unansweredCounts(ctx, ids, s.today().String())
	if err != nil {
		return nil, err
	}
	out := make([]office.Item, 0, len(cs))
	for _, c := range cs {
		by, _ := legal.ParseDate(c.earliest)
		out = append(out, office.Item{Kind: "consultation.work.unanswered", UnitID: c.boardID, Action: auth.Consult, Page: "lay-y-kien",
			Count: c.n, Overdue: c.overdue, Earliest: by})
	}
	return out, nil
}

// Columns are the consultations' figures in the province table.
func (s *Service) Columns() []office.Column {
	return []office.Column{
		{Key: "dang-lay-y-kien", Label: "consultation.figures.open"},
		{Key: "da-tra-loi", Label: "consultation.figures.answered", Percent: true},
	}
}

// Figures are, per commune, the consultations taking comments today and the
// share of shown comments answered among the consultations of the quarter.
func (s *Service) Figures(ctx context.Context, _ *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64][]office.Figure, error) {
	fs, err := s.figuresUnder(ctx, province, p.Today.String(), p.From.String(), p.To.String())
	if err != nil {
		return nil, err
	}
	want := make(map[int64]bool, len(communes))
	for _, c := range communes {
		want[c.ID] = true
	}
	out := make(map[int64][]office.Figure, len(fs))
	for _, f := range fs {
		if want[f.boardID] {
			out[f.boardID] = []office.Figure{{N: f.open}, {N: min(f.answered, f.comments), Of: f.comments}}
		}
	}
	return out, nil
}
