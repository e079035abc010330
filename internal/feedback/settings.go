package feedback

import (
	"context"
	"database/sql"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/org"
)

// settings are a province's categories and hot-spot rule.
type settings struct {
	Categories []Category
	Hot        HotSpot
}

// provinceOf is the province a unit lies in (0 for a unit outside any, or the
// country): categories and the hot-spot rule are the province's.
func provinceOf(t *org.Tree, unitID int64) int64 {
	if u, ok := t.Unit(unitID); ok && u.Type.Level() == org.ProvinceLevel {
		return u.ID
	}
	for _, a := range t.Ancestors(unitID) {
		if a.Type.Level() == org.ProvinceLevel {
			return a.ID
		}
	}
	return 0
}

// settingsOf returns a province's settings: its own, or the defaults (kept
// for 30 seconds; a change made here is seen at once).
func (s *Service) settingsOf(ctx context.Context, province int64) (settings, error) {
	if v, ok := s.settings.Get(province); ok {
		return v, nil
	}
	v, err := s.provinceSettings(ctx, province)
	if err != nil {
		return v, err
	}
	s.settings.Put(province, v)
	return v, nil
}

// CategoriesOf returns the categories that apply to a unit (its province's).
func (s *Service) CategoriesOf(ctx context.Context, unitID int64) ([]Category, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.settingsOf(ctx, provinceOf(t, unitID))
	return v.Categories, err
}

// categoryOf finds a category of the province of unitID; an item whose
// category the province has since removed keeps the default deadline.
func (s *Service) categoryOf(ctx context.Context, t *org.Tree, unitID int64, code string) (Category, bool, error) {
	v, err := s.settingsOf(ctx, provinceOf(t, unitID))
	if err != nil {
		return Category{}, false, err
	}
	c, ok := Find(v.Categories, code)
	return c, ok, nil
}

// daysFor is the working days to answer an item of a category.
func (s *Service) daysFor(ctx context.Context, unitID int64, code string) (int, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return 0, err
	}
	c, ok, err := s.categoryOf(ctx, t, unitID, code)
	if err != nil || ok {
		return c.Days, err
	}
	other, _ := Find(DefaultCategories, "khac")
	return other.Days, nil
}

// Settings returns a province's categories and hot-spot rule for its officials.
func (s *Service) Settings(ctx context.Context, a *auth.Actor, province int64) ([]Category, HotSpot, error) {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, province); err != nil {
		return nil, HotSpot{}, err
	}
	v, err := s.settingsOf(ctx, province)
	return v.Categories, v.Hot, err
}

// SetSettings replaces a province's categories and hot-spot rule. Items already
// sent keep their category code and deadline.
func (s *Service) SetSettings(ctx context.Context, a *auth.Actor, province int64, cats []Category, hot HotSpot) error {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, province); err != nil {
		return err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return err
	}
	if u, ok := t.Unit(province); !ok || !SetsSettings(u) {
		return apperr.New(apperr.CodeInvalid, "feedback.err.province_only").Mark("unit")
	}
	if err := CheckHotSpot(hot); err != nil {
		return err
	}
	before, err := s.settingsOf(ctx, province)
	if err != nil {
		return err
	}
	now := s.db.NowMillis()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := saveSettings(ctx, s.db, tx, province, cats, hot, a.AccountID, now); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, auth.HandleFeedback, province, "feedback_settings", fmt.Sprint(province), before, settings{cats, hot})
	})
	s.settings.Forget(province)
	return err
}
