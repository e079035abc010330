package plans

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
)

// File is an evidence file of a report, stored in the shared file store.
type File = files.File

// Upload is a file sent with a form (the kernel's: web.FormFiles reads them).
type Upload = files.Upload

// Service is the plans room. The reads come from the embedded Store; every
// write goes through a method here, in one transaction with its audit record.
type Service struct {
	*Store
	db    *db.DB
	units *org.Service
	guard *auth.Guard
	rec   *audit.Service
	out   *notify.Outbox
	Blobs *files.Blobs
}

// NewService returns the plans service; evidence files go under blobDir; out
// (may be nil: no reminders) queues the reminders.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, rec *audit.Service, out *notify.Outbox, blobDir string) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, rec: rec, out: out, Blobs: &files.Blobs{Dir: blobDir, MaxFile: files.DefaultMaxFile}}
}

// Now is the service's clock (the database's, so tests can set it).
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// BlobStore is where evidence files are stored.
func (s *Service) BlobStore() *files.Blobs { return s.Blobs }

// BlobRefs is every evidence file a report references, with its recorded size.
func (s *Service) BlobRefs(ctx context.Context) (files.Refs, error) {
	return s.Store.blobRefs(ctx)
}

// unitInForce is a unit in force of the tree.
func (s *Service) unitInForce(ctx context.Context, id int64) (org.Unit, *org.Tree, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, nil, err
	}
	u, ok := t.Unit(id)
	if !ok || !u.Current() {
		return org.Unit{}, nil, apperr.New(apperr.CodeNotFound, "plans.err.unit_not_found")
	}
	return u, t, nil
}

// Create saves a plan of d.UnitID: checked, its number not already used by
// the issuer (a plan imported twice is the same plan), its higher plan one of
// a unit above.
func (s *Service) Create(ctx context.Context, a *auth.Actor, d Draft) (Plan, error) {
	unit, t, err := s.unitInForce(ctx, d.UnitID)
	if err != nil {
		return Plan{}, err
	}
	if err := s.guard.Can(ctx, a, auth.ManagePlans, unit.ID); err != nil {
		return Plan{}, err
	}
	if unit.Type.Level() == org.VillageLevel { // a self-governing community: no people's committee issues for it, its head holds no plan role
		return Plan{}, apperr.New(apperr.CodeInvalid, "plans.err.village_issuer")
	}
	p := d.Plan
	p.UnitID, p.ParentPlanID = unit.ID, d.ParentPlanID
	if err := Check(&p); err != nil {
		return Plan{}, err
	}
	if strings.TrimSpace(p.Doc.Issuer) == "" { // pasted without its header table: the issuing unit's
		parent, _ := t.Unit(unit.ParentID)
		p.Doc.Parent, p.Doc.Issuer = HeaderOf(unit, parent)
	}
	if p.ParentPlanID != 0 {
		parent, err := s.planUnit(ctx, p.ParentPlanID)
		if err != nil || parent == unit.ID || !t.Within(unit.ID, Territory(t, parent)) {
			return Plan{}, apperr.New(apperr.CodeInvalid, "plans.err.parent").Mark("parent")
		}
	}
	leads := NewLeads(t, unit.ID) // a lead body named as a unit of the territory is linked to it
	for i := range p.Tasks {
		if p.Tasks[i].LeadUnitID == 0 {
			p.Tasks[i].LeadUnitID = leads.Unit(p.Tasks[i].Lead)
		}
	}
	for _, task := range p.Tasks {
		if task.LeadUnitID != 0 && !t.Within(task.LeadUnitID, Territory(t, unit.ID)) {
			return Plan{}, apperr.New(apperr.CodeInvalid, "plans.err.outside_scope", fmt.Sprint(task.LeadUnitID))
		}
	}
	now := s.db.NowMillis()
	p.ID, p.CreatedBy, p.CreatedAt, p.UpdatedAt = s.db.NewID(), a.AccountID, now, now
	p.PublishedAt = 0
	if PublicOnSave(unit, d.Public) {
		p.PublishedAt = now
	}
	for i := range p.Targets {
		p.Targets[i].ID = s.db.NewID()
	}
	for i := range p.Tasks {
		p.Tasks[i].ID, p.Tasks[i].PlanID = s.db.NewID(), p.ID
	}
	var first string
	var repeated bool
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		first, repeated, err = s.db.Once(ctx, tx, d.Idem.In("plans.create", a.AccountID, unit.ID), func() (string, error) {
			if key := NumberKey(p.Number); key != "" {
				id, number, err := planByNumber(ctx, tx, unit.ID, key)
				if err != nil {
					return "", err
				}
				if id != 0 {
					return "", apperr.New(apperr.CodeConflict, "plans.err.number_taken", number, fmt.Sprint(id)).Mark("number")
				}
			}
			if err := insertPlan(ctx, s.db, tx, p); err != nil {
				if err == errNumberTaken { // a concurrent import of the same plan
					return "", apperr.New(apperr.CodeConflict, "plans.err.number_taken", p.Number, "").Mark("number")
				}
				return "", err
			}
			if err := s.guard.Record(ctx, tx, a, auth.ManagePlans, unit.ID, "plan", fmt.Sprint(p.ID), nil, summary(p)); err != nil {
				return "", err
			}
			if p.Public() { // on the public record with the plan, once: a retried form is answered above by its key
				if err := s.published(ctx, tx, t, p); err != nil {
					return "", err
				}
			}
			return fmt.Sprint(p.ID), nil
		})
		return err
	})
	if err != nil {
		return Plan{}, err
	}
	if repeated {
		id, err := db.ResultID(first)
		if err != nil {
			return Plan{}, err
		}
		return findPlan(ctx, s.db, id)
	}
	return p, nil
}

// published writes a public plan's entry on the public record, in the
// transaction that saves it: what it is, who issued it, its tasks and the
// SHA-256 of its document's content, and its public page.
func (s *Service) published(ctx context.Context, tx *sql.Tx, t *org.Tree, p Plan) error {
	doc, err := docSum(p)
	if err != nil {
		return err
	}
	issuer, _ := t.Unit(p.UnitID)
	what := strings.TrimSpace(KindTitle(p.Kind) + " " + p.Number)
	return s.rec.AppendData(ctx, tx, audit.Record{UnitID: p.UnitID, Kind: "plan.published", ObjectType: "plan", ObjectID: fmt.Sprint(p.ID),
		Summary: what + ": " + p.Summary},
		map[string]any{"id": fmt.Sprint(p.ID), "kind": p.Kind, "number": p.Number, "title": p.Summary, "date": dateText(p.Date),
			"issuer": issuer.Name, "tasks": len(p.Tasks), "doc_sha256": doc, "url": PublicURL(t, p.UnitID, p.ID)})
}

// docSum is the SHA-256 of a plan's document content (body, bases, addressees,
// recipients, signature) as the record holds it. The addressees ("Kính gửi",
// in its Word and PDF files) are left out of the JSON when there are none, so
// a plan without them hashes as it did before they were counted.
func docSum(p Plan) (string, error) {
	b, err := json.Marshal(docParts{Parent: p.Doc.Parent, Issuer: p.Doc.Issuer, Addressees: p.Doc.Addressees, Bases: p.Doc.Bases, Body: p.Doc.Body,
		Recipients: p.Doc.Recipients, Signature: p.Doc.Signature})
	if err != nil {
		return "", err
	}
	return audit.Sum(string(b)), nil
}

// summary is what the audit log hashes of a plan.
func summary(p Plan) map[string]any {
	return map[string]any{"id": p.ID, "unit": p.UnitID, "kind": p.Kind, "number": p.Number, "summary": p.Summary, "date": dateText(p.Date),
		"parent": p.ParentPlanID, "tasks": len(p.Tasks), "targets": len(p.Targets), "blocks": len(p.Doc.Body), "public": p.Public()}
}

// Get returns a plan to an official who manages its issuer's plans (others: not found).
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (Plan, error) {
	u, err := s.planUnit(ctx, id)
	if err != nil {
		return Plan{}, err
	}
	if err := s.guard.Can(ctx, a, auth.ManagePlans, u); err != nil {
		return Plan{}, err
	}
	return findPlan(ctx, s.db, id)
}

// View is a plan as an official may see it: its issuer's officials manage it
// (Manage: the dashboard, assigning); an assignee's officials read it, with
// the assignments they report on (Mine: task ID → assignment ID).
type View struct {
	Plan   Plan
	Manage bool
	Mine   map[int64]int64
}

// Open returns a plan to an official who manages its issuer's plans
// (plan.manage) or, read only, to one who reports on an assignment of its
// tasks (plan.report on the assignee: a commune or body given a task reads the
// plan it comes from). Anyone else is refused as Get refuses (another
// province's official: not found, the denial audited).
func (s *Service) Open(ctx context.Context, a *auth.Actor, id int64) (View, error) {
	u, err := s.planUnit(ctx, id)
	if err != nil {
		return View{}, err
	}
	if !s.guard.Allows(ctx, a, auth.ManagePlans, u) {
		units, err := planAssignees(ctx, s.db, id)
		if err != nil {
			return View{}, err
		}
		if mine := s.guard.AllowedAmong(ctx, a, auth.ReportTasks, units); len(mine) > 0 {
			v := View{}
			if v.Mine, err = assignmentsOfUnits(ctx, s.db, id, mine); err == nil {
				v.Plan, err = findPlan(ctx, s.db, id)
			}
			return v, err
		}
	}
	p, err := s.Get(ctx, a, id) // allowed, or refused with Get's code and audit record
	return View{Plan: p, Manage: err == nil}, err
}

// ParentChoices lists the plans a new plan of unit may implement: those of
// the units above it and of the bodies attached to them (the Tỉnh ủy's
// directive, the Sở's plan), and — for an attached body — of its own
// territory and that territory's other bodies (Territory).
func (s *Service) ParentChoices(ctx context.Context, unit org.Unit) ([]Item, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, a := range t.Ancestors(unit.ID) {
		if a.ID == unit.ID || a.Type.Level() == org.Attached {
			continue
		}
		ids = append(ids, a.ID)
		for _, b := range t.Descendants(a.ID) {
			if b.ID != unit.ID && b.Type.Level() == org.Attached && Territory(t, b.ID) == a.ID {
				ids = append(ids, b.ID)
			}
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return s.PlansOfUnits(ctx, ids, 200)
}

// Assign gives a task to units of the plan's territory (Territory: the
// issuer, or the province or commune an issuing body belongs to): every unit
// of the types named (every commune of the province) and the units listed. A
// unit already assigned keeps its assignment; the issuer itself, a unit
// outside the territory or a village (whose head holds no plan.report) is
// refused. It returns how many assignments it made.
func (s *Service) Assign(ctx context.Context, a *auth.Actor, taskID int64, to Targeting) (int, error) {
	planID, err := s.taskPlan(ctx, taskID)
	if err != nil {
		return 0, err
	}
	issuer, err := s.planUnit(ctx, planID)
	if err != nil {
		return 0, err
	}
	if err := s.guard.Can(ctx, a, auth.ManagePlans, issuer); err != nil {
		return 0, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return 0, err
	}
	var units []int64
	seen := map[int64]bool{issuer: true} // a plan's tasks go to others than its issuer
	scope := Territory(t, issuer)
	if len(to.Types) > 0 {
		for _, u := range t.Descendants(scope) {
			if slices.Contains(to.Types, string(u.Type)) && !seen[u.ID] {
				seen[u.ID] = true
				units = append(units, u.ID)
			}
		}
	}
	for _, id := range to.Units {
		u, ok := t.Unit(id)
		if !ok || !u.Current() || id == issuer || !t.Within(id, scope) || u.Type.Level() == org.VillageLevel {
			name := fmt.Sprint(id)
			if ok {
				name = u.Name
			}
			return 0, apperr.New(apperr.CodeInvalid, "plans.err.outside_scope", name).Mark("units")
		}
		if !seen[id] {
			seen[id] = true
			units = append(units, id)
		}
	}
	if len(units) == 0 {
		return 0, apperr.New(apperr.CodeInvalid, "plans.err.no_assignee").Mark("units")
	}
	var due legal.Date
	if strings.TrimSpace(to.Due) != "" {
		if due, err = legal.ParseDate(strings.TrimSpace(to.Due)); err != nil {
			return 0, apperr.New(apperr.CodeInvalid, "plans.err.due").Mark("due")
		}
	}
	var added int
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		added = 0
		first, repeated, err := s.db.Once(ctx, tx, to.Idem.In("plans.assign", a.AccountID, taskID), func() (string, error) {
			task, err := findTask(ctx, tx, taskID)
			if err != nil {
				return "", err
			}
			p, err := planHeader(ctx, tx, planID)
			if err != nil {
				return "", err
			}
			have, err := assigneesOf(ctx, tx, taskID)
			if err != nil {
				return "", err
			}
			d := due
			if d.IsZero() {
				d = task.Due
			}
			now := s.db.NowMillis()
			var as []Assignment
			for _, u := range units {
				if !have[u] {
					as = append(as, Assignment{ID: s.db.NewID(), TaskID: taskID, PlanID: planID, UnitID: u, Due: d, Recurrence: task.Recurrence, CreatedAt: now})
				}
			}
			if err := insertAssignments(ctx, s.db, tx, as, p.RemindDays, a.AccountID); err != nil {
				return "", err
			}
			added = len(as)
			return fmt.Sprint(added), s.guard.Record(ctx, tx, a, auth.ManagePlans, issuer, "plan_task", fmt.Sprint(taskID), nil,
				map[string]any{"plan": planID, "task": taskID, "assigned": added, "asked": len(units), "due": dateText(d)})
		})
		if err == nil && repeated {
			fmt.Sscan(first, &added)
		}
		return err
	})
	return added, err
}

// Assignment returns an assignment to its assignee's officials (plan.report)
// or the issuer's (plan.manage); anyone else: not found.
func (s *Service) Assignment(ctx context.Context, a *auth.Actor, id int64) (Assignment, error) {
	x, err := findAssignment(ctx, s.db, id)
	if err != nil {
		return x, err
	}
	if s.guard.Allows(ctx, a, auth.ManagePlans, x.PlanUnitID) {
		return x, nil
	}
	if err := s.guard.Can(ctx, a, auth.ReportTasks, x.UnitID); err != nil {
		return Assignment{}, err
	}
	return x, nil
}

// MayReport says whether the actor may report on the assignment (the form is shown).
func (s *Service) MayReport(ctx context.Context, a *auth.Actor, x Assignment) bool {
	return s.guard.Allows(ctx, a, auth.ReportTasks, x.UnitID)
}

// Task returns a task of a plan the actor manages, with its assignments (at most n).
func (s *Service) Task(ctx context.Context, a *auth.Actor, id int64, n int) (Task, []Assignment, error) {
	planID, err := s.taskPlan(ctx, id)
	if err != nil {
		return Task{}, nil, err
	}
	issuer, err := s.planUnit(ctx, planID)
	if err != nil {
		return Task{}, nil, err
	}
	if err := s.guard.Can(ctx, a, auth.ManagePlans, issuer); err != nil {
		return Task{}, nil, err
	}
	t, err := findTask(ctx, s.db, id)
	if err != nil {
		return t, nil, err
	}
	as, err := s.TaskAssignments(ctx, id, n)
	return t, as, err
}

// Report records an assignee's progress: status, percentage, text and
// evidence files (checked and stored as disclosure attachments are, by the
// shared file store). Every report is kept.
func (s *Service) Report(ctx context.Context, a *auth.Actor, assignmentID int64, r Report, ups []Upload) (Report, error) {
	unit, err := s.assignmentUnit(ctx, assignmentID)
	if err != nil {
		return Report{}, err
	}
	if err := s.guard.Can(ctx, a, auth.ReportTasks, unit); err != nil {
		return Report{}, err
	}
	if err := CheckReport(&r); err != nil {
		return Report{}, err
	}
	if len(ups) > MaxFiles {
		return Report{}, apperr.New(apperr.CodeInvalid, "plans.err.files_many", MaxFiles).Mark("files")
	}
	for _, u := range ups { // before the transaction: reading files must not hold the database
		f, err := s.Blobs.Put(u.Name, u.R)
		if err != nil {
			return Report{}, err
		}
		r.Files = append(r.Files, f)
	}
	r.ID, r.AssignmentID, r.CreatedBy, r.CreatedAt = s.db.NewID(), assignmentID, a.AccountID, s.db.NowMillis()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, _, err := s.db.Once(ctx, tx, r.Idem.In("plans.report", a.AccountID, assignmentID), func() (string, error) {
			x, err := findAssignment(ctx, tx, assignmentID)
			if err != nil {
				return "", err
			}
			moved, err := setProgress(ctx, tx, x.ID, x.Status, r)
			if err != nil {
				return "", err
			}
			if !moved {
				return "", apperr.New(apperr.CodeConflict, "plans.err.changed_meanwhile")
			}
			if err := insertReport(ctx, tx, r); err != nil {
				return "", err
			}
			var sums []string
			for _, f := range r.Files {
				sums = append(sums, f.SHA256+" "+f.Name)
			}
			return fmt.Sprint(r.ID), s.guard.Record(ctx, tx, a, auth.ReportTasks, x.UnitID, "plan_assignment", fmt.Sprint(x.ID),
				map[string]any{"status": x.Status, "percent": x.Percent},
				map[string]any{"status": r.Status, "percent": r.Percent, "text_sha256": audit.Sum(r.Text), "files": sums})
		})
		return err
	})
	return r, err
}

// ReportFile opens an evidence file of a report for one who may see the assignment.
func (s *Service) ReportFile(ctx context.Context, a *auth.Actor, assignmentID, reportID int64, pos int) (File, io.ReadSeekCloser, error) {
	if _, err := s.Assignment(ctx, a, assignmentID); err != nil {
		return File{}, nil, err
	}
	f, err := s.reportFile(ctx, assignmentID, reportID, pos)
	if err != nil {
		return f, nil, err
	}
	rc, err := s.Blobs.Open(f.SHA256)
	if err != nil {
		return f, nil, err
	}
	return f, rc, nil
}

// UnitTasks lists the tasks assigned to a unit, for its officials.
func (s *Service) UnitTasks(ctx context.Context, a *auth.Actor, unitID, before int64, n int) ([]Assignment, error) {
	if err := s.guard.Can(ctx, a, auth.ReportTasks, unitID); err != nil {
		return nil, err
	}
	return s.UnitAssignments(ctx, unitID, before, n)
}

// Plans lists the plans a unit issued, for its officials.
func (s *Service) Plans(ctx context.Context, a *auth.Actor, unitID, before int64, n int) ([]Item, error) {
	if err := s.guard.Can(ctx, a, auth.ManagePlans, unitID); err != nil {
		return nil, err
	}
	return s.UnitPlans(ctx, unitID, before, n)
}

// Remind is the reminder job: for each assignment not done with a fixed
// deadline, one reminder (outbox, to the assignee's officials) once its day
// (the deadline less the plan's remind_days) has come, and one note once
// it is late. It returns how many assignments it reminded and marked late.
// A recurring task is shown late on its pages (Assignment.Late) but not reminded.
func (s *Service) Remind(ctx context.Context) (reminded, late int, err error) {
	if s.out == nil {
		return 0, 0, nil
	}
	today := s.today()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		reminded, late = 0, 0
		soon, err := dueSoon(ctx, tx, today)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, soon, "plans.reminder", false); err != nil {
			return err
		}
		if err := markNoted(ctx, tx, "reminded", idsOf(soon)); err != nil {
			return err
		}
		overdue, err := dueLate(ctx, tx, today)
		if err != nil {
			return err
		}
		if err := s.notify(ctx, tx, overdue, "plans.late", true); err != nil {
			return err
		}
		if err := markNoted(ctx, tx, "late_noted", idsOf(overdue)); err != nil {
			return err
		}
		reminded, late = len(soon), len(overdue)
		return nil
	})
	if err == nil && reminded+late > 0 {
		s.out.Wake()
	}
	return reminded, late, err
}

func idsOf(rs []reminder) []int64 {
	out := make([]int64, len(rs))
	for i, r := range rs {
		out[i] = r.id
	}
	return out
}

// notify queues one note per assignment and official holding plan.report on its unit.
func (s *Service) notify(ctx context.Context, tx *sql.Tx, rs []reminder, kind string, late bool) error {
	holders := map[int64][]int64{}
	for _, r := range rs {
		ids, ok := holders[r.unitID]
		if !ok {
			var err error
			if ids, err = auth.Holders(ctx, tx, auth.ReportTasks, r.unitID); err != nil {
				return err
			}
			holders[r.unitID] = ids
		}
		if len(ids) == 0 {
			continue
		}
		cs, err := auth.Contacts(ctx, tx, ids)
		if err != nil {
			return err
		}
		due := parseDate(r.due)
		for _, id := range ids {
			n, ok := cs[id]
			if !ok {
				continue
			}
			n.Kind = kind
			n.Subject, n.Text = ReminderText(r.task, r.plan, due, late)
			n.Link = fmt.Sprintf("/quan-tri/nhiem-vu/%d", r.id)
			if err := s.out.Add(ctx, tx, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// ReminderText is the subject and text of a reminder or a late note.
func ReminderText(task, plan string, due legal.Date, late bool) (subject, text string) {
	if late {
		return "Nhiệm vụ quá hạn: " + task, fmt.Sprintf("Nhiệm vụ \"%s\" (%s) đã quá hạn %s mà chưa hoàn thành. Vui lòng báo cáo tiến độ.", task, plan, due.VN())
	}
	return "Sắp đến hạn: " + task, fmt.Sprintf("Nhiệm vụ \"%s\" (%s) đến hạn ngày %s. Vui lòng báo cáo tiến độ.", task, plan, due.VN())
}
