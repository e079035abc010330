package decision

import (
	"context"
	"net/http"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

// MatterRow is a matter of a commune as the API and its CSV give it (schema
// DecisionRow): where it stands and its tally over all households of the
// villages that voted, from each village's latest closed vote. An open vote's
// running count is never given, nor who voted how.
type MatterRow struct {
	ID              string  `json:"id"`
	UnitCode        string  `json:"unit_code"`
	UnitName        string  `json:"unit_name"`
	Scope           string  `json:"scope"`
	Subject         int     `json:"subject"`
	SubjectName     string  `json:"subject_name"`
	Title           string  `json:"title"`
	Stage           string  `json:"stage"`
	DecidedOn       string  `json:"decided_on"`
	VillagesCounted int     `json:"villages_counted"`
	Households      int     `json:"households"`
	Agree           int     `json:"agree"`
	Disagree        int     `json:"disagree"`
	Other           int     `json:"other"`
	AgreePct        *int    `json:"agree_pct,omitempty"`
	RecognizedOn    string  `json:"recognized_on"`
	AnnulledOn      string  `json:"annulled_on"`
	MinutesSHA256   *string `json:"minutes_sha256,omitempty"`
	URL             string  `json:"url"`
}

// matterRows are matters with their tallies, as API rows.
func (s *Service) matterRows(ctx context.Context, ms []Matter) ([]MatterRow, error) {
	ids := make([]int64, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	tallies, err := s.closedTallies(ctx, ids)
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MatterRow, len(ms))
	for i, m := range ms {
		u, _ := t.Unit(m.UnitID)
		r := tallies[m.ID]
		r.ID, r.UnitCode, r.UnitName, r.Scope, r.Subject, r.Title = web.APIID(m.ID), u.Code, u.Name, string(m.Scope), m.Subject, m.Title
		if m.Subject >= 1 && m.Subject <= len(Subjects) {
			r.SubjectName = Subjects[m.Subject-1]
		}
		r.Stage, r.DecidedOn, r.RecognizedOn, r.AnnulledOn = m.Stage(), m.DecidedOn, m.RecognizedOn, m.AnnulledOn
		if r.Households > 0 {
			p := (r.Agree*100 + r.Households/2) / r.Households
			r.AgreePct = &p
		}
		if m.MinutesSHA256 != "" {
			h := m.MinutesSHA256
			r.MinutesSHA256 = &h
		}
		r.URL = "/quyet-dinh/" + web.APIID(m.ID)
		out[i] = r
	}
	return out, nil
}

// Datasets are the open data of a commune's matters, for /du-lieu-mo.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if u.Type.Level() != org.CommuneLevel {
		return nil, nil
	}
	at, err := s.publicUpdatedAt(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "decisions", Title: apperr.M("decision.data.title"), About: apperr.M("decision.data.about"),
		URL: "/api/v1/units/" + u.Code + "/decisions", Columns: web.Columns[MatterRow](), UpdatedAt: at}}, nil
}

// apiList answers GET /api/v1/units/{code}/decisions: a commune's matters
// (its own and its villages'), newest first.
func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	u, err := h.units.CommuneByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	l, err := web.KeysetList(r, func(after int64, n int) ([]Matter, error) { return h.svc.List(r.Context(), u.ID, after, n) },
		func(m Matter) int64 { return m.ID })
	var rows []MatterRow
	if err == nil {
		rows, err = h.svc.matterRows(r.Context(), l.Items)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "quyet-dinh-"+u.Code, web.List[MatterRow]{Items: rows, NextCursor: l.NextCursor})
}
