package casework

import (
	"context"
	"net/http"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

// The public side of casework: what cases made public (Publication) under a
// province's or commune's address, as a page, the open data "case-results"
// and on the public record. Nothing else of a case is public: not its code,
// its parties, its working copy nor its steps.

// PublicPage is the public list's address under a territory's.
const PublicPage = "ket-qua-giai-quyet-don"

// territoryOf is the commune or province whose address shows what unit id
// published: itself, or the nearest such unit above it (an agency's).
func territoryOf(t *org.Tree, id int64) org.Unit {
	u, ok := t.Unit(id)
	if ok && (u.Type.Level() == org.ProvinceLevel || u.Type.Level() == org.CommuneLevel) {
		return u
	}
	as := t.Ancestors(id)
	for i := len(as) - 1; i >= 0; i-- {
		if l := as[i].Type.Level(); l == org.ProvinceLevel || l == org.CommuneLevel {
			return as[i]
		}
	}
	return u
}

// PublicationsURL is the public list a publication of unit id is on.
func PublicationsURL(t *org.Tree, id int64) string {
	return org.UnitURL(territoryOf(t, id)) + "/" + PublicPage
}

// Publications lists what the cases of a province or commune (and of the
// units under it) made public, newest first, before an ID (0: the first page).
func (s *Service) Publications(ctx context.Context, territory org.Unit, before int64, n int) ([]Publication, error) {
	if !territory.Territory() {
		return nil, apperr.New(apperr.CodeNotFound, "casework.err.unit_not_found")
	}
	ps, err := s.publications(ctx, territory.Path, before, n)
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if u, ok := t.Unit(ps[i].UnitID); ok {
			ps[i].UnitName = u.Name
		}
	}
	return ps, nil
}

// PublicationRow is a publication as the API and its CSV give it (schema
// CaseResultRow). No party, no case code, no working copy is in it.
type PublicationRow struct {
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	Number      string `json:"number"`
	DecidedOn   string `json:"decided_on"`
	PublishedOn string `json:"published_on"`
	PostedUntil string `json:"posted_until"`
	IssuerCode  string `json:"issuer_code"`
	IssuerName  string `json:"issuer_name"`
	Field       string `json:"field"`
	Summary     string `json:"summary"`
}

func (s *Service) publicationRows(ctx context.Context, ps []Publication) ([]PublicationRow, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]PublicationRow, len(ps))
	for i, p := range ps {
		u, _ := t.Unit(p.UnitID)
		out[i] = PublicationRow{ID: web.APIID(p.ID), Kind: p.Kind, Title: p.Title(), Number: p.Number, DecidedOn: dayText(p.DecidedOn),
			PublishedOn: p.PublishedOn.String(), PostedUntil: dayText(p.Until), IssuerCode: u.Code, IssuerName: u.Name, Field: p.Field, Summary: p.Summary}
	}
	return out, nil
}

// Datasets are the open data of a province's or commune's case results, for /du-lieu-mo.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if !u.Territory() {
		return nil, nil
	}
	at, err := s.publicationsChanged(ctx, u.Path)
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "case-results", Title: apperr.M("casework.data.title"), About: apperr.M("casework.data.about"),
		URL: "/api/v1/units/" + u.Code + "/case-results", Columns: web.Columns[PublicationRow](), UpdatedAt: at}}, nil
}

// PublicLink is the link a province's or commune's public page gives to its
// case results (org.Room, wired by app); none for other units.
func (s *Service) PublicLink(u org.Unit) (web.Link, bool) {
	if !u.Territory() {
		return web.Link{}, false
	}
	return web.Link{Text: apperr.M("casework.public.link"), URL: org.UnitURL(u) + "/" + PublicPage}, true
}

// PublicSize is how many publications a page of the public list shows.
const PublicSize = 30

type publicPage struct {
	Unit   org.Unit
	Crumbs []org.Crumb
	Items  []Publication
	Pager  web.Pager
	Data   string
}

func (h *handlers) publicList(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, t, ok := org.PathTerritory(h.web, h.units, w, r, level)
		if !ok {
			return
		}
		items, pager, err := web.KeysetPage(r, "truoc", PublicSize, func(before int64, n int) ([]Publication, error) {
			return h.svc.Publications(r.Context(), u, before, n)
		}, func(p Publication) int64 { return p.ID })
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		h.web.Render(w, r, h.pages["public"], h.web.T(r, "casework.public.title", u.Name),
			publicPage{Unit: u, Crumbs: t.Trail(u.ID), Items: items, Pager: pager, Data: "/api/v1/units/" + u.Code + "/case-results"})
	}
}

// apiList answers GET /api/v1/units/{code}/case-results.
func (h *handlers) apiList(w http.ResponseWriter, r *http.Request) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if !ok || !u.Territory() {
		h.web.APIError(w, r, apperr.New(apperr.CodeNotFound, "casework.err.unit_not_found"))
		return
	}
	l, err := web.KeysetList(r, func(after int64, n int) ([]Publication, error) { return h.svc.Publications(r.Context(), u, after, n) },
		func(p Publication) int64 { return p.ID })
	var rows []PublicationRow
	if err == nil {
		rows, err = h.svc.publicationRows(r.Context(), l.Items)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "ket-qua-giai-quyet-don-"+u.Code, web.List[PublicationRow]{Items: rows, NextCursor: l.NextCursor})
}
