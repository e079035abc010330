package feedback

import (
	"context"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// ForCitizen lends the citizen's page the feedback and petitions the citizen
// sent while signed in, newest first, at most limit (one more is read, so the
// page knows there are more): each with its status, its deadline (late in
// red) and the link to its tracking page.
func (s *Service) ForCitizen(ctx context.Context, a *auth.Actor, _ []org.Unit, limit int) ([]web.Listing, error) {
	l := web.Listing{Title: apperr.M("feedback.mine.title"), Empty: apperr.M("feedback.mine.empty")}
	if a == nil || a.Kind != auth.Citizen {
		return []web.Listing{l}, nil
	}
	items, err := s.itemsOfAuthor(ctx, a.AccountID, limit+1)
	if err != nil {
		return nil, err
	}
	today := legal.Today(s.db.Now())
	cats := map[int64][]Category{}
	for _, it := range items {
		cs, ok := cats[it.UnitID]
		if !ok {
			if cs, err = s.CategoriesOf(ctx, it.UnitID); err != nil {
				return nil, err
			}
			cats[it.UnitID] = cs
		}
		cat := it.Category
		if c, ok := Find(cs, it.Category); ok {
			cat = c.Name
		} else if c, ok := Find(DefaultCategories, it.Category); ok {
			cat = c.Name
		}
		e := web.Entry{Title: it.Code + " · " + cat, URL: "/phan-anh/" + it.Code, Date: legal.Today(time.UnixMilli(it.CreatedAt)).VN(),
			Status: apperr.M("feedback.mine.status", StatusNames[it.Status]),
			Lines:  []apperr.Msg{kindWords[it.Kind]}}
		if it.Open() {
			e.Late = it.DueOn.Before(today)
			e.Lines = append(e.Lines, apperr.M("feedback.mine.due", it.DueOn.VN()))
		}
		if it.Answer != "" {
			e.Lines = append(e.Lines, apperr.M("feedback.mine.answer", clip(it.Answer)))
		}
		l.Entries = append(l.Entries, e)
	}
	return []web.Listing{l}, nil
}

// kindWords name an item's kind.
var kindWords = map[string]apperr.Msg{Feedback: apperr.M("feedback.mine.kind.feedback"), Petition: apperr.M("feedback.mine.kind.petition")}

// clip shortens a text shown in a list to 200 characters.
func clip(s string) string {
	if r := []rune(s); len(r) > 200 {
		return string(r[:199]) + "…"
	}
	return s
}
