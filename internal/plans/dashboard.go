package plans

import (
	"context"

	"danchu/internal/auth"
	"danchu/internal/legal"
)

// TaskProgress counts one task's assignments by their state on a day.
type TaskProgress struct {
	Task                                   Task
	Assigned, Done, InProgress, NotStarted int
	Late                                   int // not done past the deadline (counted also in InProgress/NotStarted)
	PercentSum                             int
}

// Dashboard is a plan's progress: tasks × assignees, and which lower units
// have issued a plan implementing it (the target "100% of units have a plan"
// counts itself).
type Dashboard struct {
	Plan      Plan
	Today     legal.Date
	Tasks     []TaskProgress
	Assignees int // distinct units with an assignment
	// WithPlan is how many of the assignees (or, when nothing is assigned,
	// of the units below) have issued a plan implementing this one; Children
	// the implementing plans by issuing unit.
	WithPlan int
	Children map[int64][]int64
	Done     int
	Late     int
	Total    int
}

// Dashboard reads a plan's progress for an official who manages its issuer's plans.
func (s *Service) Dashboard(ctx context.Context, a *auth.Actor, planID int64) (Dashboard, error) {
	p, err := s.Get(ctx, a, planID)
	if err != nil {
		return Dashboard{}, err
	}
	return s.dashboard(ctx, p, s.today())
}

// Progress is the dashboard of a plan opened by an official who manages it
// (Open's View.Manage); an assignee's read-only view has none: not found.
func (s *Service) Progress(ctx context.Context, v View) (Dashboard, error) {
	if !v.Manage {
		return Dashboard{}, notFound()
	}
	return s.dashboard(ctx, v.Plan, s.today())
}

func (s *Service) dashboard(ctx context.Context, p Plan, today legal.Date) (Dashboard, error) {
	d := Dashboard{Plan: p, Today: today}
	at := make(map[int64]int, len(p.Tasks))
	for i, t := range p.Tasks {
		at[t.ID] = i
		d.Tasks = append(d.Tasks, TaskProgress{Task: t})
	}
	units := map[int64]bool{}
	err := planProgress(ctx, s.db.Cached(), p.ID, func(r progressRow) {
		i, ok := at[r.taskID]
		if !ok {
			return
		}
		tp := &d.Tasks[i]
		tp.Assigned++
		tp.PercentSum += r.percent
		units[r.unitID] = true
		switch r.status {
		case Done:
			tp.Done++
		case InProgress:
			tp.InProgress++
		default:
			tp.NotStarted++
		}
		x := Assignment{Status: r.status, Recurrence: r.rec, ReportedAt: r.reportedAt, CreatedAt: r.createdAt}
		if r.due != "" {
			x.Due = parseDate(r.due)
		}
		if x.Late(today) {
			tp.Late++
		}
	})
	if err != nil {
		return d, err
	}
	d.Children, err = childPlans(ctx, s.db.Cached(), p.ID)
	if err != nil {
		return d, err
	}
	d.Assignees = len(units)
	for u := range d.Children {
		if units[u] || len(units) == 0 {
			d.WithPlan++
		}
	}
	for _, t := range d.Tasks {
		d.Done += t.Done
		d.Late += t.Late
		d.Total += t.Assigned
	}
	return d, nil
}

// AverageOf is the mean percentage of a task's assignments (0 when none).
func (t TaskProgress) Average() int {
	if t.Assigned == 0 {
		return 0
	}
	return t.PercentSum / t.Assigned
}
