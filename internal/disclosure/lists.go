package disclosure

import (
	"context"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/org"
	"danchu/internal/web"
)

// ForVillage lends the village head's page the board of the village: the
// disclosures of the commune and of the village posted through the village
// head (Art 13: one of the ways a disclosure reaches households), the latest
// first, at most limit (one more is read, so the page knows there are more);
// each says whether it is being passed on today, is still to come, or was.
func (s *Service) ForVillage(ctx context.Context, a *auth.Actor, village, commune org.Unit, limit int) ([]web.Listing, error) {
	ps, err := s.passOn(ctx, commune.ID, village.ID, limit+1)
	if err != nil {
		return nil, err
	}
	today := s.today()
	l := web.Listing{Title: apperr.M("disclosure.village.title"), Empty: apperr.M("disclosure.village.empty"), More: "/thon/" + village.Code + "/cong-khai"}
	for _, p := range ps {
		end := p.End
		if end.IsZero() {
			end = p.Start
		}
		e := web.Entry{Title: p.Title, URL: URL(p.ID), Date: p.Start.VN()}
		switch {
		case today.Before(p.Start):
			e.Status = apperr.M("disclosure.village.upcoming", p.Start.VN())
		case end.Before(today):
			e.Status = apperr.M("disclosure.village.done", end.VN())
		default:
			e.Status = apperr.M("disclosure.village.now", end.VN())
		}
		where := apperr.M("disclosure.village.of_commune")
		if p.UnitID == village.ID {
			where = apperr.M("disclosure.village.of_village")
		}
		cat, _ := CategoryOf(false, p.Category)
		e.Lines = []apperr.Msg{where, apperr.M("disclosure.village.category", cat.Name)}
		l.Entries = append(l.Entries, e)
	}
	return []web.Listing{l}, nil
}
