package disclosure

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/office"
	"danchu/internal/org"
)

// Due is the back office's count of the posted disclosures whose minimum
// window (Art 13(2)) has run, which the official may now take down or keep
// (office.Work): a commune's or an agency's board, a village's own. The law
// sets no deadline to that step, so the items carry none.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	var boards, own []int64
	for _, u := range units {
		switch u.Type.Level() {
		case org.VillageLevel:
			own = append(own, u.ID)
		case org.CommuneLevel, org.Attached:
			boards = append(boards, u.ID)
		}
	}
	if len(boards)+len(own) == 0 {
		return nil, nil
	}
	counts, err := s.windowOver(ctx, boards, own, s.today().String())
	if err != nil {
		return nil, err
	}
	var out []office.Item
	for _, u := range units {
		n := 0
		for k, c := range counts {
			if u.Type.Level() == org.VillageLevel && k[1] == u.ID || u.Type.Level() != org.VillageLevel && k[0] == u.ID {
				n += c
			}
		}
		if n > 0 {
			out = append(out, office.Item{Kind: "disclosure.work.window_over", UnitID: u.ID, Action: auth.Publish, Page: "cong-khai", Count: n})
		}
	}
	return out, nil
}

// Columns are the board's figures in the province table.
func (s *Service) Columns() []office.Column {
	return []office.Column{
		{Key: "cong-khai", Label: "disclosure.figures.published"},
		{Key: "tre-han", Label: "disclosure.figures.late"},
	}
}

// Figures are, per commune, the disclosures whose posting began this quarter
// and how many of them were late (Art 12(3)).
func (s *Service) Figures(ctx context.Context, _ *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64][]office.Figure, error) {
	n, err := s.quarterCounts(ctx, province, p.From.String(), p.To.String())
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]office.Figure, len(communes))
	for _, c := range communes {
		out[c.ID] = []office.Figure{{N: n[c.ID][0]}, {N: n[c.ID][1]}}
	}
	return out, nil
}
