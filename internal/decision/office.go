package decision

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/office"
	"danchu/internal/org"
)

// stepWork is the back office's kind of work of each step a decided matter
// waits for, with the action that takes it.
var stepWork = map[string]struct {
	kind   string
	action auth.Action
}{
	StepSubmit:    {"decision.work.submit", auth.DecideMatters},       // the minutes, by the village head (Art 20(3))
	StepRecognize: {"decision.work.recognize", auth.RecognizeCommune}, // the commune's answer (Art 21(2))
}

// Due is the back office's count of the decided village matters waiting for
// their minutes or for recognition (office.Work), by the clocks of Dues: a
// village's own matters, a commune's and its villages'.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	var villages, communes []int64
	for _, u := range units {
		switch u.Type.Level() {
		case org.VillageLevel:
			villages = append(villages, u.ID)
		case org.CommuneLevel:
			communes = append(communes, u.ID)
		}
	}
	if len(villages)+len(communes) == 0 {
		return nil, nil
	}
	ms, err := s.waiting(ctx, villages, communes)
	if err != nil {
		return nil, err
	}
	dues, err := s.Dues(ctx, ms, s.today())
	if err != nil {
		return nil, err
	}
	type key struct {
		unit int64
		step string
	}
	items := map[key]*office.Item{}
	var order []key
	for _, d := range dues {
		for _, u := range units {
			if d.Matter.UnitID != u.ID && d.Matter.CommuneID != u.ID {
				continue
			}
			k := key{u.ID, d.Step}
			it := items[k]
			if it == nil {
				w := stepWork[d.Step]
				it = &office.Item{Kind: w.kind, UnitID: u.ID, Action: w.action, Page: "quyet-dinh"}
				items[k] = it
				order = append(order, k)
			}
			it.Count++
			if d.Late {
				it.Overdue++
			}
			if it.Earliest.IsZero() || d.By.Before(it.Earliest) {
				it.Earliest = d.By
			}
		}
	}
	out := make([]office.Item, len(order))
	for i, k := range order {
		out[i] = *items[k]
	}
	return out, nil
}

// Columns is the matters' figure in the province table.
func (s *Service) Columns() []office.Column {
	return []office.Column{{Key: "cho-cong-nhan", Label: "decision.figures.awaiting"}}
}

// Figures are, per commune, the village matters awaiting its recognition.
func (s *Service) Figures(ctx context.Context, _ *org.Tree, province org.Unit, communes []org.Unit, _ office.Period) (map[int64][]office.Figure, error) {
	n, err := s.awaitingRecognition(ctx, province)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]office.Figure, len(communes))
	for _, c := range communes {
		out[c.ID] = []office.Figure{{N: n[c.ID]}}
	}
	return out, nil
}
