package consultation

import (
	"context"
	"net/http"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

// ResultRow is a consultation of a commune's public board with its results
// as the API and its CSV give it (schema ConsultationRow): the opinions by
// stance and by the kind of answer they got. Staff-only consultations are
// never rows; no comment's text or author is.
type ResultRow struct {
	ID            string  `json:"id"`
	UnitCode      string  `json:"unit_code"`
	UnitName      string  `json:"unit_name"`
	Subject       int     `json:"subject"`
	SubjectName   string  `json:"subject_name"`
	Title         string  `json:"title"`
	Status        string  `json:"status"`
	OpensOn       string  `json:"opens_on"`
	ClosesOn      string  `json:"closes_on"`
	Comments      int     `json:"comments"`
	Hidden        int     `json:"hidden"`
	Agree         int     `json:"agree"`
	Disagree      int     `json:"disagree"`
	Suggest       int     `json:"suggest"`
	Accepted      int     `json:"answered_accepted"`
	Explained     int     `json:"answered_explained"`
	Rejected      int     `json:"answered_rejected"`
	Unanswered    int     `json:"unanswered"`
	Adopted       *bool   `json:"adopted,omitempty"`
	SynthesizedAt *string `json:"synthesized_at,omitempty"`
	URL           string  `json:"url"`
}

// resultRows are consultations with their counts, as API rows.
func (s *Service) resultRows(ctx context.Context, cs []Consultation) ([]ResultRow, error) {
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	counts, err := s.resultCounts(ctx, ids)
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ResultRow, len(cs))
	for i, c := range cs {
		u, _ := t.Unit(c.UnitID)
		r := counts[c.ID]
		r.ID, r.UnitCode, r.UnitName, r.Subject, r.Title, r.Status = web.APIID(c.ID), u.Code, u.Name, c.Subject, c.Title, c.Status
		if c.Subject >= 1 && c.Subject <= len(Subjects) {
			r.SubjectName = Subjects[c.Subject-1]
		}
		r.OpensOn, r.ClosesOn, r.Comments, r.Hidden = c.OpensOn.String(), c.ClosesOn.String(), c.Comments, c.Hidden
		r.URL = "/lay-y-kien/" + web.APIID(c.ID)
		if c.Status == Synthesized {
			adopted := c.Adopted
			r.Adopted, r.SynthesizedAt = &adopted, web.APITimeOpt(c.SynthesizedAt)
		}
		out[i] = r
	}
	return out, nil
}

// Datasets are the open data of a commune's consultations, for /du-lieu-mo.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if u.Type.Level() != org.CommuneLevel {
		return nil, nil
	}
	at, err := s.publicUpdatedAt(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "consultations", Title: apperr.M("consultation.data.title"), About: apperr.M("consultation.data.about"),
		URL: "/api/v1/units/" + u.Code + "/consultations", Columns: web.Columns[ResultRow](), UpdatedAt: at}}, nil
}

// apiList answers GET /api/v1/units/{code}/consultations: a commune's public
// consultations with their results, newest first.
func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	u, err := h.units.CommuneByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	l, err := web.KeysetList(r, func(after int64, n int) ([]Consultation, error) { return h.svc.List(r.Context(), u.ID, after, n) },
		func(c Consultation) int64 { return c.ID })
	var rows []ResultRow
	if err == nil {
		rows, err = h.svc.resultRows(r.Context(), l.Items)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "lay-y-kien-"+u.Code, web.List[ResultRow]{Items: rows, NextCursor: l.NextCursor})
}
