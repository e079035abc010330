package org

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

// handlers serve the public pages of units: home, search, province, commune, village.
type handlers struct {
	svc                *Service
	web                *web.Server
	home, unit, search *web.Page
	rooms              []Room
}

// Room is another room's public page of a unit that the unit's page links
// to (app wires the rooms): its link for u, or false when it has none for
// u. The link must depend on u alone, as the page is kept rendered while the
// tree stays as it was (web.CachedPage).
type Room interface {
	PublicLink(u Unit) (web.Link, bool)
}

// RegisterRoutes adds the public unit pages to s; rooms lend their links.
func RegisterRoutes(s *web.Server, svc *Service, rooms ...Room) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("org catalog: %w", err)
	}
	h := &handlers{svc: svc, web: s, rooms: rooms}
	var err error
	for name, p := range map[string]**web.Page{"home": &h.home, "unit": &h.unit, "search": &h.search} {
		if *p, err = s.Page(files, "templates/"+name+".html", "templates/searchform.tmpl"); err != nil {
			return err
		}
	}
	s.HandleFunc("GET /{$}", h.showHome)
	s.HandleFunc("GET /tim-kiem", h.showSearch)
	// Unit pages are kept rendered (web.CachedPage) while the unit tree and
	// the household counts they show stay as they were.
	s.CachedPage("GET /tinh/{code}", h.unitVersion, h.showUnit(ProvinceLevel))
	s.CachedPage("GET /xa/{code}", h.unitVersion, h.showUnit(CommuneLevel))
	s.CachedPage("GET /thon/{code}", h.unitVersion, h.showUnit(VillageLevel))
	return nil
}

// UnitURL is the public page of a territorial unit.
func UnitURL(u Unit) string {
	switch u.Type.Level() {
	case ProvinceLevel:
		return "/tinh/" + u.Code
	case CommuneLevel:
		return "/xa/" + u.Code
	case VillageLevel:
		return "/thon/" + u.Code
	}
	return ""
}

// Crumb is one link of the trail of units above a page (the "crumbs" partial).
type Crumb struct{ Name, URL string }

// Crumbs links each of us, root first.
func Crumbs(us []Unit) []Crumb {
	out := make([]Crumb, len(us))
	for i, u := range us {
		out[i] = Crumb{u.Name, UnitURL(u)}
	}
	return out
}

// Trail links unit id and the units above it, root first: how a page about
// something of that unit leads back to it (a consultation to its commune).
func (t *Tree) Trail(id int64) []Crumb {
	u, ok := t.Unit(id)
	if !ok {
		return nil
	}
	return Crumbs(append(t.Ancestors(id), u))
}

// unitRow is a unit as a line of a list.
type unitRow struct {
	Name, Kind, URL, Note string
}

func rows(us []Unit, note func(Unit) string) []unitRow {
	out := make([]unitRow, len(us))
	for i, u := range us {
		out[i] = unitRow{Name: u.Name, Kind: u.Type.Label(), URL: UnitURL(u)}
		if note != nil {
			out[i].Note = note(u)
		}
	}
	return out
}

func (h *handlers) showHome(w http.ResponseWriter, r *http.Request) {
	ps, err := h.svc.UnitsOfTypes(r.Context(), ProvinceTypes...)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.home, "", struct {
		Query     string
		Provinces []unitRow
	}{"", rows(ps, nil)})
}

const maxQuery = 100

func (h *handlers) showSearch(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if !utf8.ValidString(q) || utf8.RuneCountInString(q) > maxQuery {
		h.web.Error(w, r, apperr.New(apperr.CodeInvalid, "org.search.too_long", maxQuery))
		return
	}
	var hits []Unit
	if q != "" {
		var err error
		if hits, err = h.svc.Search(r.Context(), q, 50); err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	parents, err := h.svc.parentNames(r.Context(), hits)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.search, h.web.T(r, "org.search.title"), struct {
		Query string
		Hits  []unitRow
	}{q, rows(hits, func(u Unit) string { return parents[u.ParentID] })})
}

// parentNames returns the names of the parents of us, by ID.
func (s *Service) parentNames(ctx context.Context, us []Unit) (map[int64]string, error) {
	t, err := s.Tree(ctx)
	if err != nil {
		return nil, err
	}
	m := map[int64]string{}
	for _, u := range us {
		if p, ok := t.Unit(u.ParentID); ok {
			m[u.ParentID] = p.Name
		}
	}
	return m, nil
}

// unitVersion is the page cache's signature of a unit's page: the unit
// tree's version (names, children, reorganizations) and the counts of resident
// households the page shows (of the unit's villages, or of the village), read
// in one query. "" for a code that is no unit: the handler answers.
func (h *handlers) unitVersion(r *http.Request) (string, error) {
	ctx := r.Context()
	t, err := h.svc.Tree(ctx)
	if err != nil {
		return "", err
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if !ok {
		return "", nil
	}
	b := strconv.AppendInt(nil, t.Version, 10)
	var ids []int64
	switch u.Type.Level() {
	case CommuneLevel:
		for _, k := range t.Descendants(u.ID) {
			if k.ParentID == u.ID {
				ids = append(ids, k.ID)
			}
		}
	case VillageLevel:
		ids = []int64{u.ID}
	}
	counts, err := h.svc.HouseholdCounts(ctx, ids)
	if err != nil {
		return "", err
	}
	for _, id := range ids {
		b = append(b, '.')
		b = strconv.AppendInt(b, int64(counts[id]), 10)
	}
	return string(b), nil
}

// unitPage is the data of a province, commune or village page.
type unitPage struct {
	Unit       Unit
	Kind       string
	Crumbs     []unitRow
	Children   []unitRow
	ChildKind  string // message key naming the children
	Households int
	IsVillage  bool
	BoardURL   string     // the unit's disclosure board (communes and villages)
	ConsultURL string     // its consultations (communes)
	DecideURL  string     // what its households decide (communes)
	FeedURL    string     // feedback and petitions (communes)
	OpenData   string     // its open data (/du-lieu-mo: communes and provinces)
	Rooms      []web.Link // the other rooms' pages of the unit (Room)
	// The commune's calendar (internal/calendar): the .ics address, the same as
	// webcal:// for a phone to subscribe, and in full to paste elsewhere.
	CalendarURL, CalendarFull string
	CalendarWebcal            template.URL // built here from the site's address, the only scheme html/template would refuse
}

func (h *handlers) showUnit(level Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u, err := h.svc.UnitByCode(ctx, r.PathValue("code"))
		if err == nil && u.Type.Level() != level {
			// The code exists at another level: send the reader to its own page.
			http.Redirect(w, r, UnitURL(u), http.StatusMovedPermanently)
			return
		}
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		anc, err := h.svc.Ancestors(ctx, u)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		kids, err := h.svc.Children(ctx, u.ID)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		p := unitPage{Unit: u, Kind: u.Type.Label(), Crumbs: rows(anc, nil), IsVillage: level == VillageLevel}
		if level != ProvinceLevel {
			p.BoardURL, p.ConsultURL, p.DecideURL, p.FeedURL = UnitURL(u)+"/cong-khai", UnitURL(u)+"/lay-y-kien", UnitURL(u)+"/quyet-dinh", UnitURL(u)+"/phan-anh"
		}
		if level == CommuneLevel {
			p.CalendarURL = UnitURL(u) + "/lich.ics"
			p.CalendarFull = h.web.BaseURL(r) + p.CalendarURL
			if b, err := url.Parse(p.CalendarFull); err == nil {
				b.Scheme = "webcal"
				p.CalendarWebcal = template.URL(b.String())
			}
		}
		for _, room := range h.rooms {
			if l, ok := room.PublicLink(u); ok {
				p.Rooms = append(p.Rooms, l)
			}
		}
		switch level {
		case ProvinceLevel:
			p.OpenData = "/du-lieu-mo?tinh=" + url.QueryEscape(u.Code)
		case CommuneLevel:
			p.OpenData = "/du-lieu-mo?xa=" + url.QueryEscape(u.Code)
		}
		switch level {
		case ProvinceLevel:
			p.ChildKind = "org.unit.communes"
			p.Children = rows(kids, nil)
		case CommuneLevel:
			p.ChildKind = "org.unit.villages"
			ids := make([]int64, len(kids))
			for i, k := range kids {
				ids[i] = k.ID
			}
			counts, err := h.svc.HouseholdCounts(ctx, ids)
			if err != nil {
				h.web.Error(w, r, err)
				return
			}
			p.Children = rows(kids, func(k Unit) string {
				if n := counts[k.ID]; n > 0 {
					return h.web.T(r, "org.unit.households_n", n)
				}
				return ""
			})
		case VillageLevel:
			// What the village decides is listed on its commune's page, for this village.
			if len(anc) > 0 {
				p.DecideURL = UnitURL(anc[len(anc)-1]) + "/quyet-dinh?thon=" + url.QueryEscape(u.Code)
			}
			counts, err := h.svc.HouseholdCounts(ctx, []int64{u.ID})
			if err != nil {
				h.web.Error(w, r, err)
				return
			}
			p.Households = counts[u.ID]
		}
		h.web.Render(w, r, h.unit, u.Name, p)
	}
}

// APITerritory is PathTerritory for the JSON API: a province or commune in
// force, else a not-found in the API's format.
func APITerritory(s *web.Server, svc *Service, w http.ResponseWriter, r *http.Request) (Unit, *Tree, bool) {
	t, err := svc.Tree(r.Context())
	if err != nil {
		s.APIError(w, r, err)
		return Unit{}, nil, false
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if !ok || !u.Territory() {
		s.APIError(w, r, apperr.New(apperr.CodeNotFound, "org.err.unit_not_found"))
		return Unit{}, nil, false
	}
	return u, t, true
}

// PathTerritory is the province or commune in force whose code is the path's
// {code}, at one of levels (any territory when none is given): the public
// pages addressed by /tinh/{code}/… and /xa/{code}/…. For any other code it
// answers not found itself and returns false.
func PathTerritory(s *web.Server, svc *Service, w http.ResponseWriter, r *http.Request, levels ...Level) (Unit, *Tree, bool) {
	t, err := svc.Tree(r.Context())
	if err != nil {
		s.Error(w, r, err)
		return Unit{}, nil, false
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if !ok || !u.Territory() || (len(levels) > 0 && !slices.Contains(levels, u.Type.Level())) {
		s.NotFound(w, r)
		return Unit{}, nil, false
	}
	return u, t, true
}
