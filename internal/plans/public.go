package plans

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// The public side of plans: a territory's public plans (PublicOnSave), each
// read-only with its tasks' progress as counts, its Word and PDF files, and
// the open data "plans". A plan that is not public, or not of the territory
// named in the address, is not found on every public address.

// PublicURL is the public page of plan id issued by unit: under the
// province's or commune's address its issuer belongs to (Territory).
func PublicURL(t *org.Tree, unit, id int64) string {
	u, _ := t.Unit(Territory(t, unit))
	return org.UnitURL(u) + "/ke-hoach/" + strconv.FormatInt(id, 10)
}

// issuersOf is territory and the bodies whose plans are its plans (Territory).
func issuersOf(t *org.Tree, territory org.Unit) []int64 {
	ids := []int64{territory.ID}
	for _, u := range t.Descendants(territory.ID) {
		if u.Type.Level() == org.Attached && Territory(t, u.ID) == territory.ID {
			ids = append(ids, u.ID)
		}
	}
	return ids
}

// publicTerritory says whether the public may ask for u's plans: a province or commune in force.
func publicTerritory(u org.Unit) bool {
	l := u.Type.Level()
	return u.Current() && (l == org.ProvinceLevel || l == org.CommuneLevel)
}

// PublicPlans lists the public plans of a province or commune (its own and
// its bodies'), newest first, before an ID (0: the first page).
func (s *Service) PublicPlans(ctx context.Context, territory org.Unit, before int64, n int) ([]Item, error) {
	if !publicTerritory(territory) {
		return nil, notFound()
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	return s.publicPlans(ctx, issuersOf(t, territory), before, n)
}

// PublicPlan is a public plan of territory with its tasks' progress on
// today; anything else (an internal plan, another territory's): not found.
type PublicPlan struct {
	Plan     Plan
	Issuer   org.Unit
	Today    legal.Date
	Tasks    []PublicTask
	Progress Progress // all the plan's assignments
}

// PublicTask is a task with the counts the public sees.
type PublicTask struct {
	Task
	Progress
}

// PublicPlan reads a public plan of territory.
func (s *Service) PublicPlan(ctx context.Context, territory org.Unit, id int64) (PublicPlan, error) {
	if !publicTerritory(territory) {
		return PublicPlan{}, notFound()
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return PublicPlan{}, err
	}
	h, err := planHeader(ctx, s.db.Cached(), id)
	if err != nil {
		return PublicPlan{}, err
	}
	if !h.Public() || Territory(t, h.UnitID) != territory.ID {
		return PublicPlan{}, notFound()
	}
	p, err := findPlan(ctx, s.db.Cached(), id)
	if err != nil {
		return PublicPlan{}, err
	}
	pp := PublicPlan{Plan: p, Today: s.today()}
	pp.Issuer, _ = t.Unit(p.UnitID)
	at := map[int64]int{}
	for i, task := range p.Tasks {
		at[task.ID] = i
		pp.Tasks = append(pp.Tasks, PublicTask{Task: task})
	}
	err = planProgress(ctx, s.db.Cached(), p.ID, func(r progressRow) {
		i, ok := at[r.taskID]
		if !ok {
			return
		}
		a := Assignment{Status: r.status, Recurrence: r.rec, ReportedAt: r.reportedAt, CreatedAt: r.createdAt, Due: parseDate(r.due)}
		pp.Tasks[i].Add(a, pp.Today)
		pp.Progress.Add(a, pp.Today)
	})
	return pp, err
}

// PlanRow is a public plan as the API and its CSV give it (schema PlanRow):
// its header and its assignments counted as the public page counts them. No
// report, note, file or official is in it.
type PlanRow struct {
	ID          string `json:"id"`
	Number      string `json:"number"`
	Kind        string `json:"kind"`
	Title       string `json:"title"`
	IssuedOn    string `json:"issued_on"`
	IssuerCode  string `json:"issuer_code"`
	IssuerName  string `json:"issuer_name"`
	Tasks       int    `json:"tasks"`
	Assignments int    `json:"assignments"`
	Done        int    `json:"done"`
	InProgress  int    `json:"in_progress"`
	NotStarted  int    `json:"not_started"`
	Late        int    `json:"late"`
	URL         string `json:"url"`
}

// planRows are public plans as API rows, their progress on today.
func (s *Service) planRows(ctx context.Context, items []Item) ([]PlanRow, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.ID
	}
	today := s.today()
	progress := map[int64]*Progress{}
	for _, id := range ids {
		progress[id] = &Progress{}
	}
	if err := s.assignmentStates(ctx, ids, func(id int64, a Assignment) { progress[id].Add(a, today) }); err != nil {
		return nil, err
	}
	out := make([]PlanRow, len(items))
	for i, it := range items {
		u, _ := t.Unit(it.UnitID)
		pr := progress[it.ID]
		out[i] = PlanRow{ID: web.APIID(it.ID), Number: it.Number, Kind: it.Kind, Title: it.Summary, IssuedOn: dateText(it.Date), IssuerCode: u.Code,
			IssuerName: u.Name, Tasks: it.Tasks, Assignments: pr.Assigned, Done: pr.Done, InProgress: pr.InProgress, NotStarted: pr.NotStarted,
			Late: pr.Late, URL: PublicURL(t, it.UnitID, it.ID)}
	}
	return out, nil
}

// Datasets are the open data of a province's or commune's public plans, for /du-lieu-mo.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if !publicTerritory(u) {
		return nil, nil
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	at, err := s.publicChanged(ctx, issuersOf(t, u))
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "plans", Title: apperr.M("plans.data.title"), About: apperr.M("plans.data.about"),
		URL: "/api/v1/units/" + u.Code + "/plans", Columns: web.Columns[PlanRow](), UpdatedAt: at}}, nil
}

// PublicLink is the link a province's or commune's public page gives to its
// plans (org.Room, wired by app); none for other units.
func (s *Service) PublicLink(u org.Unit) (web.Link, bool) {
	if !publicTerritory(u) {
		return web.Link{}, false
	}
	return web.Link{Text: apperr.M("plans.public.link"), URL: org.UnitURL(u) + "/ke-hoach"}, true
}

// --- handlers ---

// PublicSize is how many plans a page of the public list shows.
const PublicSize = 50

// territory reads the path's unit at level (404 for any other).
func (h *Handlers) territory(w http.ResponseWriter, r *http.Request, level org.Level) (org.Unit, bool) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return org.Unit{}, false
	}
	u, ok := t.ByCode(r.PathValue("code"))
	if !ok || u.Type.Level() != level || !u.Current() {
		h.web.NotFound(w, r)
		return org.Unit{}, false
	}
	return u, true
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
		file := r.PathValue("file")
		format := ""
		for _, ext := range []string{".docx", ".pdf"} {
			if strings.HasSuffix(file, ext) {
				format, file = ext, strings.TrimSuffix(file, ext)
			}
		}
		id, ok := web.ParseID(file)
		if !ok {
			h.web.NotFound(w, r)
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

// writeDoc sends a plan's document as Word (.docx) or PDF (.pdf).
func (h *Handlers) writeDoc(w http.ResponseWriter, r *http.Request, p Plan, format string) {
	if h.Writer == nil {
		h.web.Error(w, r, apperr.New(apperr.CodeNotFound, "plans.err.no_writer"))
		return
	}
	var b bytes.Buffer
	var err error
	ctype := "application/pdf"
	if format == ".docx" {
		ctype = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
		err = h.Writer.DOCX(&b, p.Document())
	} else {
		err = h.Writer.PDF(&b, p.Document())
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="ke-hoach-%d%s"`, p.ID, format))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
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
	if !ok || !publicTerritory(u) {
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
