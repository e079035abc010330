// Package opendata is the portal's open data page, /du-lieu-mo: for a commune
// (?xa=CODE) or a province (?tinh=CODE), every public list the rooms offer as
// open data — its JSON API address and CSV download, its columns, its last
// update (dd/mm/yyyy hh:mm) and the licence (web.DataLicenceName) — and the
// same catalogue as JSON at /api/v1/units/{code}/datasets. It owns no table
// and no rule: each room lends its datasets through Source, which
// internal/app wires (as home's lists).
package opendata

import (
	"context"
	"embed"
	"fmt"
	"net/http"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

//go:embed templates locales openapi.json
var files embed.FS

// Source is what a room lends the page: its datasets of unit u (none when it
// has nothing at u's level).
type Source interface {
	Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error)
}

// Units is what the page reads of the unit tree.
type Units interface {
	Tree(ctx context.Context) (*org.Tree, error)
}

type handlers struct {
	web     *web.Server
	units   Units
	sources []Source
	page    *web.Page
}

// RegisterRoutes adds /du-lieu-mo and /api/v1/units/{code}/datasets.
func RegisterRoutes(s *web.Server, units Units, sources []Source) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("opendata catalog: %w", err)
	}
	p, err := s.Page(files, "templates/opendata.html")
	if err != nil {
		return err
	}
	if err := s.AddOpenAPI(files, "openapi.json"); err != nil {
		return err
	}
	h := &handlers{web: s, units: units, sources: sources, page: p}
	s.HandleFunc("GET /du-lieu-mo", h.show)
	s.HandleFunc("GET /api/v1/units/{code}/datasets", h.api)
	return nil
}

// unit is the commune or province of code (not found otherwise).
func (h *handlers) unit(ctx context.Context, code string, levels ...org.Level) (org.Unit, *org.Tree, error) {
	t, err := h.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, nil, err
	}
	u, ok := t.ByCode(code)
	if ok && u.Current() {
		for _, l := range levels {
			if u.Type.Level() == l {
				return u, t, nil
			}
		}
	}
	return org.Unit{}, t, apperr.New(apperr.CodeNotFound, "opendata.err.unit")
}

// datasets gathers every room's datasets of u, in the rooms' order.
func (h *handlers) datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	var out []web.Dataset
	for _, s := range h.sources {
		ds, err := s.Datasets(ctx, u)
		if err != nil {
			return nil, err
		}
		out = append(out, ds...)
	}
	return out, nil
}

type pageData struct {
	Unit       org.Unit
	Crumbs     []org.Crumb
	Datasets   []web.Dataset
	Code       string // what was typed in the form
	NotFound   bool
	Licence    string
	LicenceURL string
	MaxLimit   int
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request) {
	p := pageData{Licence: web.DataLicenceName, LicenceURL: web.DataLicenceURL, MaxLimit: web.APIMaxLimit}
	q := r.URL.Query()
	code, levels := q.Get("xa"), []org.Level{org.CommuneLevel}
	if code == "" && q.Get("tinh") != "" {
		code, levels = q.Get("tinh"), []org.Level{org.ProvinceLevel}
	}
	status := http.StatusOK
	if code != "" {
		p.Code = code
		u, t, err := h.unit(r.Context(), code, levels...)
		switch {
		case apperr.CodeOf(err) == apperr.CodeNotFound:
			p.NotFound, status = true, http.StatusNotFound
		case err != nil:
			h.web.Error(w, r, err)
			return
		default:
			p.Unit, p.Crumbs = u, t.Trail(u.ID)
			if p.Datasets, err = h.datasets(r.Context(), u); err != nil {
				h.web.Error(w, r, err)
				return
			}
		}
	}
	title := h.web.T(r, "opendata.title")
	if p.Unit.ID != 0 {
		title = h.web.T(r, "opendata.title_unit", p.Unit.Name)
	}
	h.web.RenderStatus(w, r, h.page, status, title, p)
}

// DatasetRow is a dataset as the API gives it (schema DatasetRow).
type DatasetRow struct {
	Key       string  `json:"key"`
	Title     string  `json:"title"`
	About     string  `json:"about"`
	JSONURL   string  `json:"json_url"`
	CSVURL    string  `json:"csv_url"`
	Columns   string  `json:"columns"`
	UpdatedAt *string `json:"updated_at,omitempty"`
	Licence   string  `json:"licence"`
}

// api answers GET /api/v1/units/{code}/datasets (a commune or a province).
func (h *handlers) api(w http.ResponseWriter, r *http.Request) {
	u, _, err := h.unit(r.Context(), r.PathValue("code"), org.CommuneLevel, org.ProvinceLevel)
	var ds []web.Dataset
	if err == nil {
		ds, err = h.datasets(r.Context(), u)
	}
	var l web.List[DatasetRow]
	if err == nil {
		rows := make([]DatasetRow, len(ds))
		for i, d := range ds {
			cols := ""
			for j, c := range d.Columns {
				if j > 0 {
					cols += " "
				}
				cols += c
			}
			rows[i] = DatasetRow{Key: d.Key, Title: h.web.T(r, d.Title.Key, d.Title.Args...), About: h.web.T(r, d.About.Key, d.About.Args...),
				JSONURL: d.URL, CSVURL: d.URL + "?format=csv", Columns: cols, UpdatedAt: web.APITimeOpt(d.UpdatedAt), Licence: web.DataLicenceSPDX}
		}
		l, err = web.SliceList(r, rows)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "du-lieu-mo-"+u.Code, l)
}
