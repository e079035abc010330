package plans

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

// The public pages of plans (public.go has their reads) and the API list "plans".

// PublicSize is how many plans a page of the public list shows.
const PublicSize = 50

// territory reads the path's unit at level (404 for any other).
func (h *Handlers) territory(w http.ResponseWriter, r *http.Request, level org.Level) (org.Unit, bool) {
	u, _, ok := org.PathTerritory(h.web, h.units, w, r, level)
	return u, ok
}

type publicListPage struct {
	Unit   org.Unit
	Crumbs []org.Crumb
	Items  []publicItem
	Pager  web.Pager
	Data   string // the open data of the list
}

type publicItem struct {
	Item
	Kind   string
	Issuer string
	URL    string
}

func (h *Handlers) publicList(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := h.territory(w, r, level)
		if !ok {
			return
		}
		items, pager, err := web.KeysetPage(r, "truoc", PublicSize, func(before int64, n int) ([]Item, error) {
			return h.svc.PublicPlans(r.Context(), u, before, n)
		}, func(it Item) int64 { return it.ID })
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		t, err := h.units.Tree(r.Context())
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		p := publicListPage{Unit: u, Crumbs: t.Trail(u.ID), Pager: pager, Data: "/api/v1/units/" + u.Code + "/plans"}
		for _, it := range items {
			is, _ := t.Unit(it.UnitID)
			p.Items = append(p.Items, publicItem{Item: it, Kind: KindTitle(it.Kind), Issuer: is.Name, URL: PublicURL(t, it.UnitID, it.ID)})
		}
		h.web.Render(w, r, h.pages["public_list"], h.web.T(r, "plans.public.title", u.Name), p)
	}
}

type publicPlanPage struct {
	PublicPlan
	Unit   org.Unit
	Crumbs []org.Crumb
	Kind   string
	URL    string
	Writer bool
}

func (h *Handlers) publicPlan(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, ok := h.territory(w, r, level)
		if !ok {
			return
		}
		id, format, ok := planFile(r.PathValue("file"))
		if !ok {
			h.web.NotFound(w, r)
			return
		}
		if format != "" && r.URL.RawQuery != "" {
			// The files read no parameter: one address each, so that a made-up
			// query cannot step past the page cache to lay the PDF out again.
			http.Redirect(w, r, r.URL.Path, http.StatusMovedPermanently)
			return
		}
		pp, err := h.svc.PublicPlan(r.Context(), u, id)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		if format != "" {
			h.writeDoc(w, r, pp.Plan, format)
			return
		}
		t, err := h.units.Tree(r.Context())
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		crumbs := append(t.Trail(u.ID), org.Crumb{Name: h.web.T(r, "plans.public.crumb"), URL: org.UnitURL(u) + "/ke-hoach"})
		h.web.Render(w, r, h.pages["public_plan"], KindTitle(pp.Plan.Kind)+" "+pp.Plan.Number, publicPlanPage{PublicPlan: pp, Unit: u, Crumbs: crumbs,
			Kind: KindTitle(pp.Plan.Kind), URL: PublicURL(t, pp.Plan.UnitID, pp.Plan.ID), Writer: h.Writer != nil})
	}
}

// planFile reads the last part of a plan's address: {id}, {id}.docx or
// {id}.pdf (one extension: "{id}.pdf.docx" is no address).
func planFile(file string) (id int64, format string, ok bool) {
	for _, ext := range []string{".docx", ".pdf"} {
		if strings.HasSuffix(file, ext) {
			format, file = ext, strings.TrimSuffix(file, ext)
			break
		}
	}
	id, ok = web.ParseID(file)
	return id, format, ok
}

// fileVersion is the page cache's signature of a public plan's .docx or .pdf
// address (laying a PDF out costs tens of milliseconds a page: an anonymous
// visitor's every request must not pay it); its page itself, whose counts
// move with every report and day, is not kept ("").
func (h *Handlers) fileVersion(r *http.Request) (string, error) {
	id, format, ok := planFile(r.PathValue("file"))
	if !ok || format == "" || h.Writer == nil {
		return "", nil
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		return "", err
	}
	v, err := h.svc.FileVersion(r.Context(), id)
	if v == "" || err != nil {
		return "", err
	}
	return strconv.FormatInt(t.Version, 10) + "." + v, nil
}

// writeDoc sends a plan's document as Word (.docx) or PDF (.pdf).
func (h *Handlers) writeDoc(w http.ResponseWriter, r *http.Request, p Plan, format string) {
	if h.Writer == nil {
		h.web.Error(w, r, apperr.New(apperr.CodeNotFound, "plans.err.no_writer"))
		return
	}
	h.web.SendDocument(w, r, h.Writer, p.Document(), strings.TrimPrefix(format, "."), fmt.Sprintf("ke-hoach-%d", p.ID))
}

// apiList answers GET /api/v1/units/{code}/plans: a province's or commune's
// public plans, newest first.
func (h *Handlers) apiList(w http.ResponseWriter, r *http.Request) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if !ok || !u.Territory() {
		h.web.APIError(w, r, apperr.New(apperr.CodeNotFound, "plans.err.unit_not_found"))
		return
	}
	l, err := web.KeysetList(r, func(after int64, n int) ([]Item, error) { return h.svc.PublicPlans(r.Context(), u, after, n) },
		func(it Item) int64 { return it.ID })
	var rows []PlanRow
	if err == nil {
		rows, err = h.svc.planRows(r.Context(), l.Items)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "ke-hoach-"+u.Code, web.List[PlanRow]{Items: rows, NextCursor: l.NextCursor})
}
