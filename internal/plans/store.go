package plans

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/document"
	"danchu/internal/files"
	"danchu/internal/legal"
)

// Store is the SQL of plans, their targets, tasks, assignments and reports,
// the same text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// docParts is what the doc column holds: the document without the header
// the columns hold.
type docParts struct {
	Parent, Issuer string
	Addressees     []string             `json:",omitempty"`
	Bases          []string             `json:",omitempty"`
	Body           []document.Block     `json:",omitempty"`
	Recipients     []document.Recipient `json:",omitempty"`
	Signature      document.Signature
}

type phaseJSON struct {
	Name                   string
	From, To               int
	Launch, Midterm, Final string
}

func dateText(d legal.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDate(s string) legal.Date {
	d, _ := legal.ParseDate(s)
	return d
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func insertPlan(ctx context.Context, d *db.DB, tx *sql.Tx, p Plan) error {
	doc, err := json.Marshal(docParts{Parent: p.Doc.Parent, Issuer: p.Doc.Issuer, Addressees: p.Doc.Addressees, Bases: p.Doc.Bases,
		Body: p.Doc.Body, Recipients: p.Doc.Recipients, Signature: p.Doc.Signature})
	if err != nil {
		return err
	}
	var phases []phaseJSON
	for _, ph := range p.Phases {
		phases = append(phases, phaseJSON{ph.Name, ph.FromYear, ph.ToYear, dateText(ph.Launch), dateText(ph.Midterm), dateText(ph.Final)})
	}
	ph, err := json.Marshal(phases)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `insert into plans (id, unit_id, parent_plan_id, kind, number, number_key, style, issued_on, place, summary,
		from_year, to_year, phases, bases, remind_days, doc, created_by, created_at, updated_at, published_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)`,
		p.ID, p.UnitID, nullID(p.ParentPlanID), p.Kind, p.Number, NumberKey(p.Number), p.Style, dateText(p.Date), p.Place, p.Summary,
		p.FromYear, p.ToYear, string(ph), p.Bases, p.RemindDays, string(doc), p.CreatedBy, p.CreatedAt, p.UpdatedAt, p.PublishedAt)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return errNumberTaken
		}
		return fmt.Errorf("insert plan: %w", err)
	}
	if err := d.InsertBatches(ctx, tx, "plan_targets", []string{"id", "plan_id", "position", "body", "value", "deadline", "due_on", "measurable"}, len(p.Targets),
		func(i int) []any {
			t := p.Targets[i]
			return []any{t.ID, p.ID, t.Pos, t.Text, t.Value, t.Deadline, dateText(t.Due), t.Measurable}
		}, nil); err != nil {
		return err
	}
	return d.InsertBatches(ctx, tx, "plan_tasks", []string{"id", "plan_id", "position", "block", "section", "title", "lead_unit_id", "lead", "cooperating",
		"deadline", "due_on", "recurrence", "output", "target_pos"}, len(p.Tasks),
		func(i int) []any {
			t := p.Tasks[i]
			with, _ := json.Marshal(t.With)
			return []any{t.ID, p.ID, t.Pos, t.Block, t.Section, t.Title, nullID(t.LeadUnitID), t.Lead, string(with), t.Deadline, dateText(t.Due),
				t.Recurrence, t.Output, t.TargetPos}
		}, nil)
}

// errNumberTaken is the unique index's refusal, turned into the coded conflict by the service.
var errNumberTaken = errors.New("plan number taken")

const planCols = `id, unit_id, coalesce(parent_plan_id, 0), kind, number, style, issued_on, place, summary, from_year, to_year, phases, bases,
	remind_days, doc, created_by, created_at, updated_at, published_at`

type scanner interface{ Scan(dest ...any) error }

func scanPlan(r scanner, full bool) (Plan, error) {
	var p Plan
	var issued, phases, doc string
	if err := r.Scan(&p.ID, &p.UnitID, &p.ParentPlanID, &p.Kind, &p.Number, &p.Style, &issued, &p.Place, &p.Summary, &p.FromYear, &p.ToYear,
		&phases, &p.Bases, &p.RemindDays, &doc, &p.CreatedBy, &p.CreatedAt, &p.UpdatedAt, &p.PublishedAt); err != nil {
		return p, err
	}
	p.Date = parseDate(issued)
	if !full {
		return p, nil
	}
	var parts docParts
	if err := json.Unmarshal([]byte(doc), &parts); err != nil {
		return p, fmt.Errorf("plan %d doc: %w", p.ID, err)
	}
	p.Doc = document.Doc{Parent: parts.Parent, Issuer: parts.Issuer, Addressees: parts.Addressees, Bases: parts.Bases, Body: parts.Body,
		Recipients: parts.Recipients, Signature: parts.Signature}
	var ph []phaseJSON
	if err := json.Unmarshal([]byte(phases), &ph); err != nil {
		return p, fmt.Errorf("plan %d phases: %w", p.ID, err)
	}
	for _, x := range ph {
		p.Phases = append(p.Phases, Phase{Name: x.Name, FromYear: x.From, ToYear: x.To, Launch: parseDate(x.Launch), Midterm: parseDate(x.Midterm), Final: parseDate(x.Final)})
	}
	return p, nil
}

func notFound() error { return apperr.New(apperr.CodeNotFound, "plans.err.not_found") }

// planHeader reads a plan without its document, targets and tasks.
func planHeader(ctx context.Context, q querier, id int64) (Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, "select "+planCols+" from plans where id = $1", id), false)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound()
	}
	return p, err
}

// findPlan reads a plan with its targets and tasks.
func findPlan(ctx context.Context, q querier, id int64) (Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, "select "+planCols+" from plans where id = $1", id), true)
	if errors.Is(err, sql.ErrNoRows) {
		return p, notFound()
	}
	if err != nil {
		return p, fmt.Errorf("plan %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, "select id, position, body, value, deadline, due_on, measurable from plan_targets where plan_id = $1 order by position", id)
	if err != nil {
		return p, err
	}
	for rows.Next() {
		var t Target
		var due string
		if err := rows.Scan(&t.ID, &t.Pos, &t.Text, &t.Value, &t.Deadline, &due, &t.Measurable); err != nil {
			rows.Close()
			return p, err
		}
		t.Due = parseDate(due)
		p.Targets = append(p.Targets, t)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return p, err
	}
	p.Tasks, err = tasksOf(ctx, q, "plan_id = $1", id)
	return p, err
}

const taskCols = `id, plan_id, position, block, section, title, coalesce(lead_unit_id, 0), lead, cooperating, deadline, due_on, recurrence, output, target_pos`

func tasksOf(ctx context.Context, q querier, where string, arg any) ([]Task, error) {
	rows, err := q.QueryContext(ctx, "select "+taskCols+" from plan_tasks where "+where+" order by position", arg)
	if err != nil {
		return nil, fmt.Errorf("tasks: %w", err)
	}
	defer rows.Close()
	var out []Task
	for rows.Next() {
		var t Task
		var with, due string
		if err := rows.Scan(&t.ID, &t.PlanID, &t.Pos, &t.Block, &t.Section, &t.Title, &t.LeadUnitID, &t.Lead, &with, &t.Deadline, &due,
			&t.Recurrence, &t.Output, &t.TargetPos); err != nil {
			return nil, err
		}
		t.Due = parseDate(due)
		_ = json.Unmarshal([]byte(with), &t.With)
		out = append(out, t)
	}
	return out, rows.Err()
}

// findTask reads one task.
func findTask(ctx context.Context, q querier, id int64) (Task, error) {
	ts, err := tasksOf(ctx, q, "id = $1", id)
	if err != nil {
		return Task{}, err
	}
	if len(ts) == 0 {
		return Task{}, notFound()
	}
	return ts[0], nil
}

// planByNumber is the plan of unit with this number key, 0 when none.
func planByNumber(ctx context.Context, q querier, unitID int64, key string) (id int64, number string, err error) {
	err = q.QueryRowContext(ctx, "select id, number from plans where unit_id = $1 and number_key = $2", unitID, key).Scan(&id, &number)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, "", nil
	}
	return id, number, err
}

// planUnit is the issuing unit of a plan.
func (s *Store) planUnit(ctx context.Context, id int64) (int64, error) {
	var u int64
	err := s.db.QueryRowContext(ctx, "select unit_id from plans where id = $1", id).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound()
	}
	return u, err
}

// Item is a line of a unit's list of plans.
type Item struct {
	ID       int64
	Kind     string
	Number   string
	Summary  string
	Date     legal.Date
	FromYear int
	ToYear   int
	Tasks    int
	UnitID   int64 // its issuer (read by the public lists only)
}

// UnitPlans lists the plans a unit issued, newest first, before an ID (0: the first page).
func (s *Store) UnitPlans(ctx context.Context, unitID, before int64, n int) ([]Item, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	out, err := items(ctx, s.db, `select p.id, p.kind, p.number, p.summary, p.issued_on, p.from_year, p.to_year,
		(select count(*) from plan_tasks t where t.plan_id = p.id)
		from plans p where p.unit_id = $1 and p.id < $2 order by p.id desc limit $3`, unitID, before, n)
	if err != nil {
		return nil, fmt.Errorf("plans of %d: %w", unitID, err)
	}
	return out, nil
}

// PlansOfUnits lists the plans issued by any of units (the higher plans a new plan may implement), newest first, at most n.
func (s *Store) PlansOfUnits(ctx context.Context, units []int64, n int) ([]Item, error) {
	var args []any
	in := db.IDList(&args, units)
	args = append(args, n)
	return items(ctx, s.db, fmt.Sprintf(`select id, kind, number, summary, issued_on, from_year, to_year, 0
		from plans where unit_id in (%s) order by id desc limit $%d`, in, len(args)), args...)
}

// items runs a query of Item's columns (id, kind, number, summary, issued_on,
// from_year, to_year, the count of tasks) and scans its rows.
func items(ctx context.Context, q querier, query string, args ...any) ([]Item, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Item
	for rows.Next() {
		var it Item
		var issued string
		if err := rows.Scan(&it.ID, &it.Kind, &it.Number, &it.Summary, &issued, &it.FromYear, &it.ToYear, &it.Tasks); err != nil {
			return nil, err
		}
		it.Date = parseDate(issued)
		out = append(out, it)
	}
	return out, rows.Err()
}

// assigneesOf is the units a task is already assigned to.
func assigneesOf(ctx context.Context, q querier, taskID int64) (map[int64]bool, error) {
	ids, err := db.Int64s(ctx, q, "select unit_id from plan_assignments where task_id = $1", taskID)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}

func insertAssignments(ctx context.Context, d *db.DB, tx *sql.Tx, as []Assignment, remindDays int, by int64) error {
	return d.InsertBatches(ctx, tx, "plan_assignments", []string{"id", "task_id", "plan_id", "unit_id", "due_on", "recurrence", "remind_on", "status",
		"percent", "reported_at", "reminded", "late_noted", "created_by", "created_at"}, len(as),
		func(i int) []any {
			a := as[i]
			remind := ""
			if !a.Due.IsZero() {
				remind = a.Due.AddDays(-remindDays).String()
			}
			return []any{a.ID, a.TaskID, a.PlanID, a.UnitID, dateText(a.Due), a.Recurrence, remind, NotStarted, 0, 0, false, false, by, a.CreatedAt}
		}, nil)
}

const assignmentCols = `a.id, a.task_id, a.plan_id, a.unit_id, a.due_on, a.recurrence, a.status, a.percent, a.reported_at, a.created_at,
	t.title, p.number, p.summary, p.unit_id`

func scanAssignment(r scanner) (Assignment, error) {
	var a Assignment
	var due string
	err := r.Scan(&a.ID, &a.TaskID, &a.PlanID, &a.UnitID, &due, &a.Recurrence, &a.Status, &a.Percent, &a.ReportedAt, &a.CreatedAt,
		&a.TaskTitle, &a.PlanNumber, &a.PlanSummary, &a.PlanUnitID)
	a.Due = parseDate(due)
	return a, err
}

const assignmentFrom = ` from plan_assignments a join plan_tasks t on t.id = a.task_id join plans p on p.id = a.plan_id `

func findAssignment(ctx context.Context, q querier, id int64) (Assignment, error) {
	a, err := scanAssignment(q.QueryRowContext(ctx, "select "+assignmentCols+assignmentFrom+"where a.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound()
	}
	return a, err
}

func (s *Store) assignmentUnit(ctx context.Context, id int64) (int64, error) {
	var u int64
	err := s.db.QueryRowContext(ctx, "select unit_id from plan_assignments where id = $1", id).Scan(&u)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound()
	}
	return u, err
}

func (s *Store) taskPlan(ctx context.Context, id int64) (int64, error) {
	var p int64
	err := s.db.QueryRowContext(ctx, "select plan_id from plan_tasks where id = $1", id).Scan(&p)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, notFound()
	}
	return p, err
}

func assignmentsWhere(ctx context.Context, q querier, where string, args ...any) ([]Assignment, error) {
	rows, err := q.QueryContext(ctx, "select "+assignmentCols+assignmentFrom+where, args...)
	if err != nil {
		return nil, fmt.Errorf("assignments: %w", err)
	}
	defer rows.Close()
	var out []Assignment
	for rows.Next() {
		a, err := scanAssignment(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// UnitAssignments lists the tasks assigned to a unit, newest first, before an ID (0: the first page).
func (s *Store) UnitAssignments(ctx context.Context, unitID, before int64, n int) ([]Assignment, error) {
	if before <= 0 {
		before = 1<<63 - 1
	}
	return assignmentsWhere(ctx, s.db, "where a.unit_id = $1 and a.id < $2 order by a.id desc limit $3", unitID, before, n)
}

// TaskAssignments lists a task's assignments by unit order of creation, at most n.
func (s *Store) TaskAssignments(ctx context.Context, taskID int64, n int) ([]Assignment, error) {
	return assignmentsWhere(ctx, s.db, "where a.task_id = $1 order by a.id limit $2", taskID, n)
}

// planAssignees is the units a plan's tasks are assigned to, each once.
func planAssignees(ctx context.Context, q querier, planID int64) ([]int64, error) {
	ids, err := db.Int64s(ctx, q, "select distinct unit_id from plan_assignments where plan_id = $1", planID)
	if err != nil {
		return nil, fmt.Errorf("assignees of %d: %w", planID, err)
	}
	return ids, nil
}

// assignmentsOfUnits is a plan's assignments to any of units: task ID → the
// first assignment's ID.
func assignmentsOfUnits(ctx context.Context, q querier, planID int64, units []int64) (map[int64]int64, error) {
	args := []any{planID}
	in := db.IDList(&args, units)
	rows, err := q.QueryContext(ctx, fmt.Sprintf("select task_id, id from plan_assignments where plan_id = $1 and unit_id in (%s) order by id", in), args...)
	if err != nil {
		return nil, fmt.Errorf("assignments of %d: %w", planID, err)
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var task, id int64
		if err := rows.Scan(&task, &id); err != nil {
			return nil, err
		}
		if _, ok := out[task]; !ok {
			out[task] = id
		}
	}
	return out, rows.Err()
}

// progressRow is what the dashboard reads of an assignment.
type progressRow struct {
	taskID, unitID        int64
	status, due, rec      string
	percent               int
	reportedAt, createdAt int64
}

func planProgress(ctx context.Context, q querier, planID int64, each func(progressRow)) error {
	rows, err := q.QueryContext(ctx, "select task_id, unit_id, status, due_on, recurrence, percent, reported_at, created_at from plan_assignments where plan_id = $1", planID)
	if err != nil {
		return fmt.Errorf("progress of %d: %w", planID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var r progressRow
		if err := rows.Scan(&r.taskID, &r.unitID, &r.status, &r.due, &r.rec, &r.percent, &r.reportedAt, &r.createdAt); err != nil {
			return err
		}
		each(r)
	}
	return rows.Err()
}

// childPlans is the plans implementing a plan: their IDs and issuers.
func childPlans(ctx context.Context, q querier, planID int64) (map[int64][]int64, error) {
	rows, err := q.QueryContext(ctx, "select unit_id, id from plans where parent_plan_id = $1 order by id", planID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64][]int64{}
	for rows.Next() {
		var u, id int64
		if err := rows.Scan(&u, &id); err != nil {
			return nil, err
		}
		m[u] = append(m[u], id)
	}
	return m, rows.Err()
}

func insertReport(ctx context.Context, tx *sql.Tx, r Report) error {
	if _, err := tx.ExecContext(ctx, "insert into plan_reports (id, assignment_id, status, percent, body, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7)",
		r.ID, r.AssignmentID, r.Status, r.Percent, r.Text, r.CreatedBy, r.CreatedAt); err != nil {
		return fmt.Errorf("insert report: %w", err)
	}
	for i, f := range r.Files {
		if _, err := tx.ExecContext(ctx, "insert into plan_report_files (report_id, position, sha256, name, content_type, size) values ($1, $2, $3, $4, $5, $6)",
			r.ID, i+1, f.SHA256, f.Name, f.ContentType, f.Size); err != nil {
			return fmt.Errorf("insert report file: %w", err)
		}
	}
	return nil
}

// setProgress moves an assignment to the report's status if it is still
// in the status it was read in.
func setProgress(ctx context.Context, tx *sql.Tx, id int64, from string, r Report) (bool, error) {
	res, err := tx.ExecContext(ctx, "update plan_assignments set status = $1, percent = $2, reported_at = $3 where id = $4 and status = $5",
		r.Status, r.Percent, r.CreatedAt, id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Reports lists an assignment's reports, newest first, with their files.
func (s *Store) Reports(ctx context.Context, assignmentID int64) ([]Report, error) {
	rows, err := s.db.QueryContext(ctx, "select id, status, percent, body, created_by, created_at from plan_reports where assignment_id = $1 order by id desc", assignmentID)
	if err != nil {
		return nil, err
	}
	var out []Report
	for rows.Next() {
		r := Report{AssignmentID: assignmentID}
		if err := rows.Scan(&r.ID, &r.Status, &r.Percent, &r.Text, &r.CreatedBy, &r.CreatedAt); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	frows, err := s.db.QueryContext(ctx, `select f.report_id, f.sha256, f.name, f.content_type, f.size from plan_report_files f
		join plan_reports r on r.id = f.report_id where r.assignment_id = $1 order by f.report_id, f.position`, assignmentID)
	if err != nil {
		return nil, err
	}
	defer frows.Close()
	at := map[int64]int{}
	for i, r := range out {
		at[r.ID] = i
	}
	for frows.Next() {
		var id int64
		var f File
		if err := frows.Scan(&id, &f.SHA256, &f.Name, &f.ContentType, &f.Size); err != nil {
			return nil, err
		}
		out[at[id]].Files = append(out[at[id]].Files, f)
	}
	return out, frows.Err()
}

// reminder is an assignment a reminder goes out for.
type reminder struct {
	id, unitID, planID int64
	due                string
	task, plan         string
}

func dueNotes(ctx context.Context, tx *sql.Tx, where string, args ...any) ([]reminder, error) {
	rows, err := tx.QueryContext(ctx, `select a.id, a.unit_id, a.plan_id, a.due_on, t.title, p.summary`+assignmentFrom+
		`where a.status <> 'done' and a.due_on <> '' and `+where+` order by a.id limit 5000`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []reminder
	for rows.Next() {
		var r reminder
		if err := rows.Scan(&r.id, &r.unitID, &r.planID, &r.due, &r.task, &r.plan); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// dueSoon is the assignments whose reminder day has come, not yet reminded.
func dueSoon(ctx context.Context, tx *sql.Tx, today legal.Date) ([]reminder, error) {
	return dueNotes(ctx, tx, "a.reminded = false and a.remind_on <= $1 and a.due_on >= $1", today.String())
}

// dueLate is the assignments past their deadline whose lateness was not yet told.
func dueLate(ctx context.Context, tx *sql.Tx, today legal.Date) ([]reminder, error) {
	return dueNotes(ctx, tx, "a.late_noted = false and a.due_on < $1", today.String())
}

func markNoted(ctx context.Context, tx *sql.Tx, column string, ids []int64) error {
	for start := 0; start < len(ids); start += 500 {
		var args []any
		in := db.IDList(&args, ids[start:min(start+500, len(ids))])
		if _, err := tx.ExecContext(ctx, "update plan_assignments set "+column+" = true where id in ("+in+")", args...); err != nil {
			return err
		}
	}
	return nil
}

// blobRefs calls each with every evidence file the reports reference.
func (s *Store) blobRefs(ctx context.Context) (files.Refs, error) {
	return files.QueryRefs(ctx, s.db, "select distinct sha256, size from plan_report_files")
}

// reportFile finds a file of a report of an assignment.
func (s *Store) reportFile(ctx context.Context, assignmentID, reportID int64, pos int) (File, error) {
	var f File
	err := s.db.QueryRowContext(ctx, `select f.sha256, f.name, f.content_type, f.size from plan_report_files f join plan_reports r on r.id = f.report_id
		where r.assignment_id = $1 and f.report_id = $2 and f.position = $3`, assignmentID, reportID, pos).Scan(&f.SHA256, &f.Name, &f.ContentType, &f.Size)
	if errors.Is(err, sql.ErrNoRows) {
		return f, notFound()
	}
	return f, err
}

type openCount struct {
	n, late  int
	earliest string
}

// openCounts counts, per unit in one query, the assignments not done, those
// past a fixed deadline before today, and the earliest deadline.
func (s *Store) openCounts(ctx context.Context, units []int64, today string) (map[int64]openCount, error) {
	args := []any{today}
	in := db.IDList(&args, units)
	rows, err := s.db.QueryContext(ctx, `select unit_id, count(*), sum(case when due_on <> '' and due_on < $1 then 1 else 0 end),
		coalesce(min(case when due_on <> '' then due_on end), '') from plan_assignments where status <> 'done' and unit_id in (`+in+`) group by unit_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("open tasks: %w", err)
	}
	defer rows.Close()
	out := map[int64]openCount{}
	for rows.Next() {
		var u int64
		var c openCount
		if err := rows.Scan(&u, &c.n, &c.late, &c.earliest); err != nil {
			return nil, err
		}
		out[u] = c
	}
	return out, rows.Err()
}

// doneCounts counts, per unit in one query, its assignments done and all of them.
func (s *Store) doneCounts(ctx context.Context, units []int64) (map[int64][2]int, error) {
	var args []any
	in := db.IDList(&args, units)
	rows, err := s.db.QueryContext(ctx, `select unit_id, sum(case when status = 'done' then 1 else 0 end), count(*)
		from plan_assignments where unit_id in (`+in+`) group by unit_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("tasks done: %w", err)
	}
	defer rows.Close()
	out := map[int64][2]int{}
	for rows.Next() {
		var u int64
		var x [2]int
		if err := rows.Scan(&u, &x[0], &x[1]); err != nil {
			return nil, err
		}
		out[u] = x
	}
	return out, rows.Err()
}
