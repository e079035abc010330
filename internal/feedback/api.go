package feedback

import (
	"context"
	"net/http"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

// StatsRow is a unit's feedback statistics as the API and its CSV give them
// (schema FeedbackStatsRow), from the kept counters: the page's table. No
// item, description, contact or place is in it.
type StatsRow struct {
	UnitCode     string `json:"unit_code"`
	UnitName     string `json:"unit_name"`
	Received     int    `json:"received"`
	Handled      int    `json:"handled"`
	Answered     int    `json:"answered"`
	Refused      int    `json:"refused"`
	Merged       int    `json:"merged"`
	OnTime       int    `json:"answered_on_time"`
	OnTimePct    *int   `json:"on_time_pct,omitempty"`
	MedianDays   *int   `json:"median_days,omitempty"`
	Rated        int    `json:"rated"`
	Satisfied    int    `json:"satisfied"`
	SatisfiedPct *int   `json:"satisfied_pct,omitempty"`
}

func apiStatsRow(u org.Unit, st Stats) StatsRow {
	r := StatsRow{UnitCode: u.Code, UnitName: u.Name, Received: st.Received, Handled: st.Handled(), Answered: st.Answered, Refused: st.Refused,
		Merged: st.Merged, OnTime: st.OnTime, Rated: st.Rated, Satisfied: st.Satisfied}
	if st.Answered > 0 {
		p := st.OnTimePct()
		r.OnTimePct = &p
	}
	if st.Rated > 0 {
		p := st.SatisfiedPct()
		r.SatisfiedPct = &p
	}
	if st.MedianDays >= 0 {
		d := st.MedianDays
		r.MedianDays = &d
	}
	return r
}

// SpotRow is a hot spot as the API gives it (schema FeedbackHotSpotRow): many
// items of one category from one place within the province's window, the
// page's table; no item is in it.
type SpotRow struct {
	PlaceCode    string `json:"place_code"`
	PlaceName    string `json:"place_name"`
	Category     string `json:"category"`
	CategoryName string `json:"category_name"`
	Count        int    `json:"count"`
}

// statsUnits are the units whose rows a unit's statistics hold: a commune
// itself, a province its communes (in the tree's order).
func statsUnits(t *org.Tree, u org.Unit) []org.Unit {
	if u.Type.Level() != org.ProvinceLevel {
		return []org.Unit{u}
	}
	var out []org.Unit
	for _, c := range t.Descendants(u.ID) {
		if c.Type.Level() == org.CommuneLevel && c.ParentID == u.ID {
			out = append(out, c)
		}
	}
	return out
}

// Datasets are the open data of a commune's or province's feedback
// statistics, for /du-lieu-mo.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if l := u.Type.Level(); l != org.CommuneLevel && l != org.ProvinceLevel {
		return nil, nil
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, c := range statsUnits(t, u) {
		ids = append(ids, c.ID)
	}
	at, err := s.handledUpdatedAt(ctx, ids)
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "feedback-stats", Title: apperr.M("feedback.data.title"), About: apperr.M("feedback.data.about"),
		URL: "/api/v1/units/" + u.Code + "/feedback-stats", Columns: web.Columns[StatsRow](), UpdatedAt: at},
		{Key: "feedback-hotspots", Title: apperr.M("feedback.data.spots"), About: apperr.M("feedback.data.spots_about"),
			URL: "/api/v1/units/" + u.Code + "/feedback-hotspots", Columns: web.Columns[SpotRow](), UpdatedAt: at}}, nil
}

// apiUnit is the unit of an API path: a commune or a province in force.
func (h *handlers) apiUnit(r *http.Request) (*org.Tree, org.Unit, error) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		return t, org.Unit{}, err
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if l := u.Type.Level(); !ok || !u.Current() || (l != org.CommuneLevel && l != org.ProvinceLevel) {
		return t, u, apperr.New(apperr.CodeNotFound, "feedback.err.unit_not_found")
	}
	return t, u, nil
}

// apiSpots answers GET /api/v1/units/{code}/feedback-hotspots: the hot spots
// under a commune or a province, busiest first.
func (h *handlers) apiSpots(w http.ResponseWriter, r *http.Request) {
	t, u, err := h.apiUnit(r)
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	spots, err := h.svc.HotSpots(r.Context(), u.ID)
	var nm names
	if err == nil {
		nm, err = h.namesFor(r.Context(), u.ID)
	}
	var l web.List[SpotRow]
	if err == nil {
		rows := make([]SpotRow, len(spots))
		for i, sp := range spots {
			place, _ := t.Unit(sp.UnitID)
			rows[i] = SpotRow{PlaceCode: place.Code, PlaceName: place.Name, Category: sp.Category, CategoryName: nm.Category(sp.Category), Count: sp.N}
		}
		l, err = web.SliceList(r, rows)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "diem-nong-phan-anh-"+u.Code, l)
}

// apiStats answers GET /api/v1/units/{code}/feedback-stats: a commune's row,
// or a province's row per commune.
func (h *handlers) apiStats(w http.ResponseWriter, r *http.Request) {
	t, u, err := h.apiUnit(r)
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	units := statsUnits(t, u)
	ids := make([]int64, len(units))
	for i, c := range units {
		ids[i] = c.ID
	}
	m, _, err := h.svc.UnitStats(r.Context(), ids)
	var l web.List[StatsRow]
	if err == nil {
		rows := make([]StatsRow, len(units))
		for i, c := range units {
			st, ok := m[c.ID]
			if !ok {
				st.MedianDays = -1
			}
			rows[i] = apiStatsRow(c, st)
		}
		l, err = web.SliceList(r, rows)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "thong-ke-phan-anh-"+u.Code, l)
}
