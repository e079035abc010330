package plans

import (
	"context"
	"strconv"

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

// PublicPlans lists the public plans of a province or commune (its own and
// its bodies'), newest first, before an ID (0: the first page).
func (s *Service) PublicPlans(ctx context.Context, territory org.Unit, before int64, n int) ([]Item, error) {
	if !territory.Territory() {
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
	if !territory.Territory() {
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

// FileVersion is the page cache's signature of a public plan's Word and PDF
// files (web.CachedPage): they are laid out from the plan alone, which does
// not change once saved; "" (not kept) for a plan that is not public or not there.
func (s *Service) FileVersion(ctx context.Context, id int64) (string, error) {
	h, err := planHeader(ctx, s.db.Cached(), id)
	if apperr.CodeOf(err) == apperr.CodeNotFound || (err == nil && !h.Public()) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(h.PublishedAt, 10) + "." + strconv.FormatInt(h.UpdatedAt, 10), nil
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
	if !u.Territory() {
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
	if !u.Territory() {
		return web.Link{}, false
	}
	return web.Link{Text: apperr.M("plans.public.link"), URL: org.UnitURL(u) + "/ke-hoach"}, true
}
