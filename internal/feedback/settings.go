package feedback

import (
	"context"
	"database/sql"
	"errors"
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
	v := settings{Hot: DefaultHotSpot}
	rows, err := s.db.QueryContext(ctx, "select code, name, parent, days from feedback_categories where province_id = $1 order by position", province)
	if err != nil {
		return v, fmt.Errorf("feedback categories: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var c Category
		if err := rows.Scan(&c.Code, &c.Name, &c.Parent, &c.Days); err != nil {
			return v, err
		}
		v.Categories = append(v.Categories, c)
	}
	if err := rows.Err(); err != nil {
		return v, err
	}
	if len(v.Categories) == 0 {
		v.Categories = DefaultCategories
	}
	err = s.db.QueryRowContext(ctx, "select hot_n, hot_days from feedback_settings where province_id = $1", province).Scan(&v.Hot.N, &v.Hot.Days)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return v, fmt.Errorf("feedback settings: %w", err)
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
	if u, ok := t.Unit(province); !ok || u.Type.Level() != org.ProvinceLevel {
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
		if _, err := tx.ExecContext(ctx, "delete from feedback_categories where province_id = $1", province); err != nil {
			return err
		}
		if err := s.db.InsertBatches(ctx, tx, "feedback_categories", []string{"province_id", "code", "name", "parent", "days", "position"}, len(cats),
			func(i int) []any { c := cats[i]; return []any{province, c.Code, c.Name, c.Parent, c.Days, i + 1} }, nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `insert into feedback_settings (province_id, hot_n, hot_days, updated_by, updated_at) values ($1, $2, $3, $4, $5)
			on conflict (province_id) do update set hot_n = excluded.hot_n, hot_days = excluded.hot_days, updated_by = excluded.updated_by, updated_at = excluded.updated_at`,
			province, hot.N, hot.Days, a.AccountID, now); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, auth.HandleFeedback, province, "feedback_settings", fmt.Sprint(province), before, settings{cats, hot})
	})
	s.settings.Forget(province)
	return err
}
