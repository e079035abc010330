// Package home is the pages that gather, for one person, what other rooms
// hold: the citizen's "Trang của tôi" (/cong-dan/cua-toi) and the village
// head's page of their village (/quan-tri/don-vi/{village}/trang-thon). It owns
// no table and no rule: each room lends its lists (web.Listing) through the
// small interfaces declared here, which internal/app wires.
package home

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danchu/internal/auth"
	"danchu/internal/org"
	"danchu/internal/search"
	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

// Citizen is what a room lends the citizen's page: its lists of what the
// citizen did there and of what is open to them now in their communes, each
// at most limit entries (a room reads one more, so the page knows when to
// link to the whole list).
type Citizen interface {
	ForCitizen(ctx context.Context, a *auth.Actor, communes []org.Unit, limit int) ([]web.Listing, error)
}

// Village is what a room lends the village head's page of a village (of commune).
type Village interface {
	ForVillage(ctx context.Context, a *auth.Actor, village, commune org.Unit, limit int) ([]web.Listing, error)
}

// Units is what the pages read of the unit tree and the household registers.
type Units interface {
	Tree(ctx context.Context) (*org.Tree, error)
	Households(ctx context.Context, villageID int64) ([]org.Household, error)
	HouseholdsRepresentedBy(ctx context.Context, accountID int64) ([]org.Household, error)
}

// Sizes of the lists: a page shows Short entries of each list and links to
// the whole list, which shows at most Long.
const (
	Short = 5
	Long  = 200
	// HouseholdPage is how many households one page of the village's list shows.
	HouseholdPage = 50
)

type handlers struct {
	web     *web.Server
	ah      *auth.Handlers
	units   Units
	citizen []Citizen
	village []Village
	pages   map[string]*web.Page
}

// RegisterRoutes adds the two pages to s: citizens' lists from citizen, the
// village head's from village (in the order given).
func RegisterRoutes(s *web.Server, ah *auth.Handlers, units Units, citizen []Citizen, village []Village) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("home catalog: %w", err)
	}
	h := &handlers{web: s, ah: ah, units: units, citizen: citizen, village: village}
	var err error
	if h.pages, err = s.Pages(files, []string{"citizen", "village"}, "templates/listing.tmpl"); err != nil {
		return err
	}
	s.HandleFunc("GET /cong-dan/cua-toi", ah.Citizen(h.citizenPage))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/trang-thon", ah.Official(h.villagePage))
	return nil
}

// shown is a listing cut to its page: n entries, and the link to the whole
// list when there were more (the room's own list, else this page with only it).
func shown(l web.Listing, n int, all string) web.Listing {
	switch {
	case len(l.Entries) > n:
		l.Entries = l.Entries[:n]
		if l.More == "" {
			l.More = all
		}
	case len(l.Entries) == 0 || l.More == all:
		l.More = ""
	}
	return l
}

// citizenView is the data of the citizen's page.
type citizenView struct {
	Households []householdRow
	Lists      []web.Listing
	One        bool // the page shows one whole list (?xem=)
	Cut        bool // that list is longer than Long
}

type householdRow struct {
	Code, Head, Village string
}

func (h *handlers) citizenPage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	ctx := r.Context()
	hs, err := h.units.HouseholdsRepresentedBy(ctx, a.AccountID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(ctx)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	var p citizenView
	var communes []org.Unit
	seen := map[int64]bool{}
	for _, hh := range hs {
		v, _ := t.Unit(hh.VillageID)
		p.Households = append(p.Households, householdRow{hh.Code, hh.HeadName, v.Name})
		if c, ok := t.Unit(v.ParentID); ok && !seen[c.ID] {
			seen[c.ID] = true
			communes = append(communes, c)
		}
	}
	only := r.URL.Query().Get("xem")
	n := Short
	if only != "" {
		n, p.One = Long, true
	}
	for _, src := range h.citizen {
		ls, err := src.ForCitizen(ctx, a, communes, n)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		for _, l := range ls {
			if only != "" && l.Title.Key != only {
				continue
			}
			p.Cut = p.Cut || (p.One && len(l.Entries) > Long)
			p.Lists = append(p.Lists, shown(l, n, "/cong-dan/cua-toi?xem="+l.Title.Key))
		}
	}
	if p.One && len(p.Lists) == 0 {
		h.web.NotFound(w, r)
		return
	}
	h.web.Render(w, r, h.pages["citizen"], h.web.T(r, "home.citizen.title"), p)
}

// villageView is the data of the village head's page.
type villageView struct {
	Unit, Commune org.Unit
	Lists         []web.Listing
	Query         string
	Households    []org.Household // this page of those found
	Found, Total  int
	Pager         web.Pager
	Online        int // households whose representative has claimed them online
}

func (h *handlers) villagePage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ManageHouseholds)
	if !ok {
		return
	}
	page, err := web.PageParam(r, "trang")
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	ctx := r.Context()
	t, err := h.units.Tree(ctx)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	commune, ok := t.Unit(u.ParentID)
	if u.Type.Level() != org.VillageLevel || !ok {
		h.web.NotFound(w, r)
		return
	}
	p := villageView{Unit: u, Commune: commune, Query: strings.TrimSpace(r.URL.Query().Get("q"))}
	for _, src := range h.village {
		ls, err := src.ForVillage(ctx, a, u, commune, Short)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		for _, l := range ls {
			p.Lists = append(p.Lists, shown(l, Short, ""))
		}
	}
	hs, err := h.units.Households(ctx, u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Total = len(hs)
	found := Find(hs, p.Query)
	p.Found = len(found)
	from := min((page-1)*HouseholdPage, len(found))
	rows, more := web.Cut(found[from:], HouseholdPage)
	next := ""
	if more {
		next = strconv.Itoa(page + 1)
	}
	p.Households, p.Pager = rows, web.PagerOf(r, "trang", len(rows), next)
	for _, hh := range hs {
		if hh.RepresentativeAccountID != 0 {
			p.Online++
		}
	}
	h.web.Render(w, r, h.pages["village"], h.web.T(r, "home.village.title", u.Name), p)
}

// Find is the households whose code, head's name, address or representative's
// name hold a word starting with each word of q, compared folded (no marks, đ
// as d, any case): "nguyen va" finds "Nguyễn Văn An". An empty q finds them all.
func Find(hs []org.Household, q string) []org.Household {
	terms := search.Terms(q)
	if len(terms) == 0 {
		return hs
	}
	var out []org.Household
	for _, hh := range hs {
		text := " " + search.IndexText(hh.Code, hh.HeadName, hh.Address, hh.RepresentativeName)
		all := true
		for _, t := range terms {
			if !strings.Contains(text, " "+t) { // a word that starts so
				all = false
				break
			}
		}
		if all {
			out = append(out, hh)
		}
	}
	return out
}
