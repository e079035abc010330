package casework

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/legal"
)

// Store holds the SQL of casework.
type Store struct{ db *db.DB }

// NewStore returns the store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const caseCols = `c.id, c.code, c.kind, c.instance, coalesce(c.first_id, 0), c.unit_id, c.channel, c.source, coalesce(c.feedback_id, 0),
	c.subject, c.body, c.field, c.people, c.status, c.received_on, c.known_on, c.obstacle_days, c.obstacle_reason, c.complex, c.remote,
	c.multi_site, c.extensions, c.accepted_on, c.paused_on, c.paused_days, c.decided_on, c.due_on, c.clock, c.redacted, c.late,
	c.out_of_time, c.version, c.created_at, c.updated_at`

type scanner interface{ Scan(...any) error }

// reader is a *db.DB or a *sql.Tx: what reads inside or outside a transaction.
type reader interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func day(s string) legal.Date {
	if s == "" {
		return legal.Date{}
	}
	d, _ := legal.ParseDate(s)
	return d
}

func dayText(d legal.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// scanCaseRow is scanCase for db.All.
func scanCaseRow(r *sql.Rows) (Case, error) { return scanCase(r) }

func scanCase(r scanner) (Case, error) {
	var c Case
	var received, known, accepted, paused, decided, due string
	err := r.Scan(&c.ID, &c.Code, &c.Kind, &c.Instance, &c.FirstID, &c.UnitID, &c.Channel, &c.Source, &c.FeedbackID,
		&c.Subject, &c.Body, &c.Field, &c.People, &c.Status, &received, &known, &c.ObstacleDays, &c.ObstacleReason, &c.Complex, &c.Remote,
		&c.MultiSite, &c.Extensions, &accepted, &paused, &c.PausedDays, &decided, &due, &c.Clock, &c.Redacted, &c.Late,
		&c.OutOfTime, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	c.Received, c.KnownOn, c.AcceptedOn, c.PausedOn, c.DecidedOn, c.Due = day(received), day(known), day(accepted), day(paused), day(decided), day(due)
	return c, err
}

func insertCase(ctx context.Context, tx *sql.Tx, c Case, lodgerTag string) error {
	var first, fb any
	if c.FirstID != 0 {
		first = c.FirstID
	}
	if c.FeedbackID != 0 {
		fb = c.FeedbackID
	}
	_, err := tx.ExecContext(ctx, `insert into cases (id, code, kind, instance, first_id, unit_id, channel, source, feedback_id, lodger_tag,
		subject, body, field, people, status, received_on, known_on, obstacle_days, obstacle_reason, complex, remote, multi_site,
		extensions, accepted_on, paused_on, paused_days, decided_on, due_on, clock, redacted, late, out_of_time, version, created_at, updated_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26,
		$27, $28, $29, $30, $31, $32, $33, $34, $35)`,
		c.ID, c.Code, c.Kind, c.Instance, first, c.UnitID, c.Channel, c.Source, fb, lodgerTag, c.Subject, c.Body, c.Field, c.People,
		c.Status, dayText(c.Received), dayText(c.KnownOn), c.ObstacleDays, c.ObstacleReason, c.Complex, c.Remote, c.MultiSite,
		c.Extensions, dayText(c.AcceptedOn), dayText(c.PausedOn), c.PausedDays, dayText(c.DecidedOn), dayText(c.Due), c.Clock,
		c.Redacted, c.Late, c.OutOfTime, c.Version, c.CreatedAt, c.UpdatedAt)
	return err
}

// updateCase writes c's changing columns if the row is still at version
// from; it reports whether it was.
func updateCase(ctx context.Context, tx *sql.Tx, c Case, from int) (bool, error) {
	res, err := tx.ExecContext(ctx, `update cases set subject = $1, body = $2, status = $3, complex = $4, remote = $5, multi_site = $6,
		extensions = $7, accepted_on = $8, paused_on = $9, paused_days = $10, decided_on = $11, due_on = $12, clock = $13, redacted = $14,
		late = $15, field = $16, version = $17, updated_at = $18 where id = $19 and version = $20`,
		c.Subject, c.Body, c.Status, c.Complex, c.Remote, c.MultiSite, c.Extensions, dayText(c.AcceptedOn), dayText(c.PausedOn),
		c.PausedDays, dayText(c.DecidedOn), dayText(c.Due), c.Clock, c.Redacted, c.Late, c.Field, c.Version, c.UpdatedAt, c.ID, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func findCase(ctx context.Context, q reader, id int64) (Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, "select "+caseCols+" from cases c where c.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	return c, err
}

// Case reads a case by ID (no guard: the service's callers check it).
func (s *Store) caseByID(ctx context.Context, id int64) (Case, error) { return findCase(ctx, s.db, id) }

func (s *Store) caseByCode(ctx context.Context, code string) (Case, error) {
	c, err := scanCase(s.db.QueryRowContext(ctx, "select "+caseCols+" from cases c where c.code = $1", code))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	return c, err
}

// Filter is what a list of cases is limited to.
type Filter struct {
	Path     string // the unit subtree's materialised path
	Kind     string
	Status   string // a status, "open" or ""
	Before   int64  // keyset: cases with a smaller ID
	Limit    int
	DueBy    legal.Date // open cases whose clock ends by this day, by due day
	FromDay  legal.Date // received from
	UntilDay legal.Date // received until
	Oldest   bool       // oldest first (the register)
}

func (s *Store) list(ctx context.Context, f Filter) ([]Case, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	where = append(where, "u.path >= "+arg(f.Path), "u.path < "+arg(f.Path[:len(f.Path)-1]+"0"))
	if f.Kind != "" {
		where = append(where, "c.kind = "+arg(f.Kind))
	}
	switch {
	case f.Status == "open" || !f.DueBy.IsZero():
		where = append(where, "c.status in "+OpenStatuses())
	case f.Status != "":
		where = append(where, "c.status = "+arg(f.Status))
	}
	if f.Before > 0 {
		where = append(where, "c.id < "+arg(f.Before))
	}
	if !f.FromDay.IsZero() {
		where = append(where, "c.received_on >= "+arg(f.FromDay.String()))
	}
	if !f.UntilDay.IsZero() {
		where = append(where, "c.received_on <= "+arg(f.UntilDay.String()))
	}
	order := "c.id desc"
	if f.Oldest {
		order = "c.received_on, c.id"
	}
	if !f.DueBy.IsZero() {
		where = append(where, "c.due_on <> ''", "c.due_on <= "+arg(f.DueBy.String()))
		order = "c.due_on, c.id"
	}
	from := " from cases c join units u on u.id = c.unit_id where " + strings.Join(where, " and ") + " order by " + order
	if f.Limit > 0 {
		from += " limit " + arg(f.Limit)
	}
	q := "select " + caseCols + from
	if !f.DueBy.IsZero() {
		// The page's IDs first, sorted from the index cases_open_due alone,
		// then only those rows: sorting the wide rows of every open case of a
		// province read each of them from the table (BenchmarkCaseList).
		q = "select " + caseCols + " from cases c where c.id in (select c.id" + from + ") order by " + order
	}
	out, err := db.All(ctx, s.db.Cached(), scanCaseRow, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list cases: %w", err)
	}
	return out, nil
}

// byTags lists the cases whose lodger is one of tags (a citizen's own), newest first.
func (s *Store) byTags(ctx context.Context, tags []string, limit int) ([]Case, error) {
	ph := make([]string, len(tags))
	args := make([]any, 0, len(tags)+1)
	for i, t := range tags {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args = append(args, t)
	}
	args = append(args, limit)
	return db.All(ctx, s.db, scanCaseRow, "select "+caseCols+" from cases c where c.lodger_tag in ("+strings.Join(ph, ", ")+
		fmt.Sprintf(") order by c.id desc limit $%d", len(args)), args...)
}

func lodgerTagOf(ctx context.Context, q reader, id int64) (string, error) {
	var tag string
	err := q.QueryRowContext(ctx, "select lodger_tag from cases where id = $1", id).Scan(&tag)
	return tag, err
}

// Step is a row of a case's history.
type Step struct {
	ID        int64
	CaseID    int64
	Step      string
	On        legal.Date
	Number    string
	Reason    string
	To        string
	Due       legal.Date
	Planned   legal.Date // a dialogue's notice: the dialogue's day
	Late      bool
	ByAccount int64
	ByName    string
	At        int64
}

func insertStep(ctx context.Context, tx *sql.Tx, st Step) error {
	_, err := tx.ExecContext(ctx, `insert into case_steps (id, case_id, step, on_date, number, reason, to_body, due_on, planned_on, late, by_account, by_name, at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		st.ID, st.CaseID, st.Step, dayText(st.On), st.Number, st.Reason, st.To, dayText(st.Due), dayText(st.Planned), st.Late, st.ByAccount, st.ByName, st.At)
	return err
}

func (s *Store) steps(ctx context.Context, caseID int64) ([]Step, error) {
	rows, err := s.db.QueryContext(ctx, `select id, case_id, step, on_date, number, reason, to_body, due_on, planned_on, late, by_account, by_name, at
		from case_steps where case_id = $1 order by at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Step
	for rows.Next() {
		var st Step
		var on, due, planned string
		if err := rows.Scan(&st.ID, &st.CaseID, &st.Step, &on, &st.Number, &st.Reason, &st.To, &due, &planned, &st.Late, &st.ByAccount, &st.ByName, &st.At); err != nil {
			return nil, err
		}
		st.On, st.Due, st.Planned = day(on), day(due), day(planned)
		out = append(out, st)
	}
	return out, rows.Err()
}

// File is an attachment of a case: its working copy, the original sealed.
type File struct {
	ID          int64
	CaseID      int64
	Position    int
	Name        string
	ContentType string
	Size        int64
	SHA256      string // the working copy ('' until confirmed)
	SealedSum   string
	SealedSize  int64
	Boxes       int
}

func insertFile(ctx context.Context, tx *sql.Tx, f File) error {
	_, err := tx.ExecContext(ctx, `insert into case_files (id, case_id, position, name, content_type, size, sha256, sealed_sum, sealed_size, boxes)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, f.ID, f.CaseID, f.Position, f.Name, f.ContentType, f.Size, f.SHA256,
		f.SealedSum, f.SealedSize, f.Boxes)
	return err
}

func setWorkingFile(ctx context.Context, tx *sql.Tx, f File) error {
	_, err := tx.ExecContext(ctx, `update case_files set sha256 = $1, size = $2, content_type = $3, boxes = $4 where id = $5`,
		f.SHA256, f.Size, f.ContentType, f.Boxes, f.ID)
	return err
}

func (s *Store) files(ctx context.Context, caseID int64) ([]File, error) {
	rows, err := s.db.QueryContext(ctx, `select id, case_id, position, name, content_type, size, sha256, sealed_sum, sealed_size, boxes
		from case_files where case_id = $1 order by position`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []File
	for rows.Next() {
		var f File
		if err := rows.Scan(&f.ID, &f.CaseID, &f.Position, &f.Name, &f.ContentType, &f.Size, &f.SHA256, &f.SealedSum, &f.SealedSize, &f.Boxes); err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func insertSealed(ctx context.Context, tx *sql.Tx, caseID int64, field, sealed string) error {
	_, err := tx.ExecContext(ctx, `insert into case_vault (case_id, field, sealed) values ($1, $2, $3)`, caseID, field, sealed)
	return err
}

func (s *Store) sealed(ctx context.Context, caseID int64, field string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `select sealed from case_vault where case_id = $1 and field = $2`, caseID, field).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New(apperr.CodeNotFound, "casework.err.no_vault")
	}
	return v, err
}

// Grant is a named person's permission to read one case's vault.
type Grant struct {
	AccountID int64
	Name      string
	GrantedBy int64
	ByName    string
	At        int64
}

func insertGrant(ctx context.Context, tx *sql.Tx, caseID int64, g Grant) error {
	_, err := tx.ExecContext(ctx, `insert into case_vault_grants (case_id, account_id, name, granted_by, by_name, at) values ($1, $2, $3, $4, $5, $6)`,
		caseID, g.AccountID, g.Name, g.GrantedBy, g.ByName, g.At)
	return err
}

func (s *Store) grants(ctx context.Context, caseID int64) ([]Grant, error) {
	rows, err := s.db.QueryContext(ctx, `select account_id, name, granted_by, by_name, at from case_vault_grants where case_id = $1 order by at`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.AccountID, &g.Name, &g.GrantedBy, &g.ByName, &g.At); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

func hasGrant(ctx context.Context, q reader, caseID, accountID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `select count(*) from case_vault_grants where case_id = $1 and account_id = $2`, caseID, accountID).Scan(&n)
	return n > 0, err
}

// Read is a read of a case's vault (or a refused attempt).
type Read struct {
	ID        int64
	AccountID int64
	Name      string
	What      string
	Reason    string
	Allowed   bool
	At        int64
}

func insertRead(ctx context.Context, tx *sql.Tx, caseID int64, r Read) error {
	_, err := tx.ExecContext(ctx, `insert into case_vault_reads (id, case_id, account_id, name, what, reason, allowed, at) values ($1, $2, $3, $4, $5, $6, $7, $8)`,
		r.ID, caseID, r.AccountID, r.Name, r.What, r.Reason, r.Allowed, r.At)
	return err
}

func (s *Store) reads(ctx context.Context, caseID int64) ([]Read, error) {
	rows, err := s.db.QueryContext(ctx, `select id, account_id, name, what, reason, allowed, at from case_vault_reads where case_id = $1 order by at desc, id desc`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Read
	for rows.Next() {
		var r Read
		if err := rows.Scan(&r.ID, &r.AccountID, &r.Name, &r.What, &r.Reason, &r.Allowed, &r.At); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Verifier is a person who verifies a case: the working copy only.
type Verifier struct {
	AccountID int64
	Name      string
	At        int64
}

func insertVerifier(ctx context.Context, tx *sql.Tx, caseID int64, v Verifier) error {
	_, err := tx.ExecContext(ctx, `insert into case_verifiers (case_id, account_id, name, at) values ($1, $2, $3, $4)`, caseID, v.AccountID, v.Name, v.At)
	return err
}

func (s *Store) verifiers(ctx context.Context, caseID int64) ([]Verifier, error) {
	rows, err := s.db.QueryContext(ctx, `select account_id, name, at from case_verifiers where case_id = $1 order by at`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Verifier
	for rows.Next() {
		var v Verifier
		if err := rows.Scan(&v.AccountID, &v.Name, &v.At); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

func (s *Store) isVerifier(ctx context.Context, caseID, accountID int64) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `select count(*) from case_verifiers where case_id = $1 and account_id = $2`, caseID, accountID).Scan(&n)
	return n > 0, err
}

// verifierCases are the cases an account verifies, newest first.
func (s *Store) verifierCases(ctx context.Context, accountID int64, limit int) ([]Case, error) {
	return db.All(ctx, s.db, scanCaseRow, "select "+caseCols+` from cases c join case_verifiers v on v.case_id = c.id
		where v.account_id = $1 order by c.id desc limit $2`, accountID, limit)
}

// Count is a row of the statistics: cases of a unit by kind and what became of them.
type Count struct {
	UnitID   int64
	Kind     string
	Field    string
	Received int
	Accepted int // accepted at some point (thụ lý)
	Resolved int // decided, sent, concluded or published
	OnTime   int // resolved with no late step
	Mass     int
	Second   int // second instance (a case going over a level)
}

func (s *Store) counts(ctx context.Context, path string, from, until legal.Date, massFrom int) ([]Count, error) {
	rows, err := s.db.QueryContext(ctx, `select c.unit_id, c.kind, c.field, count(*),
		sum(case when c.accepted_on <> '' then 1 else 0 end),
		sum(case when c.status in ('decided', 'sent', 'concluded', 'published') then 1 else 0 end),
		sum(case when c.status in ('decided', 'sent', 'concluded', 'published') and not c.late then 1 else 0 end),
		sum(case when c.people >= $5 then 1 else 0 end),
		sum(case when c.instance = 2 then 1 else 0 end)
		from cases c join units u on u.id = c.unit_id
		where u.path >= $1 and u.path < $2 and c.received_on >= $3 and c.received_on <= $4
		group by c.unit_id, c.kind, c.field order by c.unit_id, c.kind, c.field`,
		path, path[:len(path)-1]+"0", from.String(), until.String(), massFrom)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.UnitID, &c.Kind, &c.Field, &c.Received, &c.Accepted, &c.Resolved, &c.OnTime, &c.Mass, &c.Second); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// workingRefs are the working copies of every case's files (the files store).
func (s *Store) workingRefs(ctx context.Context) (files.Refs, error) {
	return files.QueryRefs(ctx, s.db, "select sha256, size from case_files where sha256 <> ''")
}

// sealedRefs are the sealed originals (the vault's folder).
func (s *Store) sealedRefs(ctx context.Context) (files.Refs, error) {
	return files.QueryRefs(ctx, s.db, "select sealed_sum, sealed_size from case_files")
}

type openCount struct {
	n, late  int
	earliest string
}

// openCounts are, per unit of ids (exactly), its open cases, those past their
// last day (before today) and the earliest last day.
func (s *Store) openCounts(ctx context.Context, ids []int64, today string) (map[int64]openCount, error) {
	ph := make([]string, len(ids))
	args := []any{today}
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+2)
		args = append(args, id)
	}
	rows, err := s.db.QueryContext(ctx, `select unit_id, count(*), sum(case when due_on <> '' and due_on < $1 then 1 else 0 end),
		coalesce(min(case when due_on <> '' then due_on end), '') from cases where status in `+OpenStatuses()+` and unit_id in (`+
		strings.Join(ph, ", ")+`) group by unit_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("open cases: %w", err)
	}
	defer rows.Close()
	out := map[int64]openCount{}
	for rows.Next() {
		var id int64
		var c openCount
		if err := rows.Scan(&id, &c.n, &c.late, &c.earliest); err != nil {
			return nil, err
		}
		out[id] = c
	}
	return out, rows.Err()
}

const publicationCols = `p.id, p.case_id, p.unit_id, p.kind, p.number, p.decided_on, p.published_on, p.until_on, p.field, p.summary, p.created_at`

func scanPublication(r scanner) (Publication, error) {
	var p Publication
	var decided, published, until string
	err := r.Scan(&p.ID, &p.CaseID, &p.UnitID, &p.Kind, &p.Number, &decided, &published, &until, &p.Field, &p.Summary, &p.CreatedAt)
	p.DecidedOn, p.PublishedOn, p.Until = day(decided), day(published), day(until)
	return p, err
}

func insertPublication(ctx context.Context, tx *sql.Tx, p Publication) error {
	_, err := tx.ExecContext(ctx, `insert into case_publications (id, case_id, unit_id, kind, number, decided_on, published_on, until_on, field, summary, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		p.ID, p.CaseID, p.UnitID, p.Kind, p.Number, dayText(p.DecidedOn), p.PublishedOn.String(), dayText(p.Until), p.Field, p.Summary, p.CreatedAt)
	if err != nil {
		return fmt.Errorf("insert publication: %w", err)
	}
	return nil
}

// publicationOf is what case id made public, or nil.
func (s *Store) publicationOf(ctx context.Context, id int64) (*Publication, error) {
	p, err := scanPublication(s.db.QueryRowContext(ctx, "select "+publicationCols+" from case_publications p where p.case_id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("publication of case %d: %w", id, err)
	}
	return &p, nil
}

// publications are the publications of the units under path, newest first,
// before an ID (0: the first page).
func (s *Store) publications(ctx context.Context, path string, before int64, n int) ([]Publication, error) {
	q := "select " + publicationCols + " from case_publications p join units u on u.id = p.unit_id where u.path >= $1 and u.path < $2"
	args := []any{path, path[:len(path)-1] + "0"}
	if before > 0 {
		q += " and p.id < $3"
		args = append(args, before)
	}
	q += fmt.Sprintf(" order by p.id desc limit %d", n)
	out, err := db.All(ctx, s.db.Cached(), func(r *sql.Rows) (Publication, error) { return scanPublication(r) }, q, args...)
	if err != nil {
		return nil, fmt.Errorf("publications: %w", err)
	}
	return out, nil
}

// publicationsChanged is when the last publication under path was made (0: none).
func (s *Store) publicationsChanged(ctx context.Context, path string) (int64, error) {
	var at int64
	err := s.db.QueryRowContext(ctx, "select coalesce(max(p.created_at), 0) from case_publications p join units u on u.id = p.unit_id where u.path >= $1 and u.path < $2",
		path, path[:len(path)-1]+"0").Scan(&at)
	if err != nil {
		return 0, fmt.Errorf("publications changed: %w", err)
	}
	return at, nil
}

// sealedValue is a row of case_vault (Reseal).
type sealedValue struct {
	caseID        int64
	field, sealed string
}

func (s *Store) sealedValues(ctx context.Context) ([]sealedValue, error) {
	return db.All(ctx, s.db, func(r *sql.Rows) (v sealedValue, err error) { return v, r.Scan(&v.caseID, &v.field, &v.sealed) },
		"select case_id, field, sealed from case_vault order by case_id, field")
}

// setSealed replaces a sealed value, if it is still old.
func setSealed(ctx context.Context, tx *sql.Tx, caseID int64, field, old, sealed string) error {
	_, err := tx.ExecContext(ctx, "update case_vault set sealed = $1 where case_id = $2 and field = $3 and sealed = $4", sealed, caseID, field, old)
	return err
}

func (s *Store) sealedFiles(ctx context.Context) ([]File, error) {
	return db.All(ctx, s.db, func(r *sql.Rows) (f File, err error) { return f, r.Scan(&f.ID, &f.CaseID, &f.SealedSum) },
		"select id, case_id, sealed_sum from case_files order by id")
}

// setSealedFile points a file at its original sealed again, if it still points at old.
func setSealedFile(ctx context.Context, tx *sql.Tx, id int64, old, sum string, size int64) error {
	_, err := tx.ExecContext(ctx, "update case_files set sealed_sum = $1, sealed_size = $2 where id = $3 and sealed_sum = $4", sum, size, id, old)
	return err
}

// taggedCase is a case with its lodger's tag.
type taggedCase struct {
	Case
	tag string
}

func (s *Store) taggedCases(ctx context.Context) ([]taggedCase, error) {
	return db.All(ctx, s.db, func(r *sql.Rows) (c taggedCase, err error) { return c, r.Scan(&c.ID, &c.Kind, &c.tag) },
		"select id, kind, lodger_tag from cases where lodger_tag <> '' order by id")
}

// setLodgerTag tags a case's lodger under the current key, if the tag is still old.
func setLodgerTag(ctx context.Context, tx *sql.Tx, id int64, old, tag string) error {
	_, err := tx.ExecContext(ctx, "update cases set lodger_tag = $1 where id = $2 and lodger_tag = $3", tag, id, old)
	return err
}
