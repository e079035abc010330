package supervision

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Store is the SQL of supervision, the same text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

type scanner interface{ Scan(dest ...any) error }

// querier is a *db.DB or a *sql.Tx.
type querier interface {
	db.Querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func day(s string) legal.Date {
	d, _ := legal.ParseDate(s)
	return d
}

func dayText(d legal.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func nullID(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

func notFound(err error, missing *apperr.Error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return missing
	}
	return err
}

// --- boards ---

// Board is a board of a commune.
type Board struct {
	ID, CommuneID int64
	Kind          string
	Name          string
	Project       string
	Funding       string
	Investor      string
	StartsOn      legal.Date
	NotifiedOn    legal.Date
	TermTo        legal.Date
	Status        string
	RecognisedOn  legal.Date
	DissolvedOn   legal.Date
	DissolveNote  string
	CreatedAt     int64
	UpdatedAt     int64
}

const boardCols = `id, commune_id, kind, name, project, funding, investor, starts_on, notified_on, term_to, status, recognised_on,
	dissolved_on, dissolve_note, created_at, updated_at`

func scanBoard(r scanner) (Board, error) {
	var b Board
	var starts, notified, term, recog, dissolved string
	err := r.Scan(&b.ID, &b.CommuneID, &b.Kind, &b.Name, &b.Project, &b.Funding, &b.Investor, &starts, &notified, &term, &b.Status, &recog,
		&dissolved, &b.DissolveNote, &b.CreatedAt, &b.UpdatedAt)
	b.StartsOn, b.NotifiedOn, b.TermTo, b.RecognisedOn, b.DissolvedOn = day(starts), day(notified), day(term), day(recog), day(dissolved)
	return b, err
}

func scanBoards(rows *sql.Rows) (Board, error) { return scanBoard(rows) }

func boardByID(ctx context.Context, q querier, id int64) (Board, error) {
	b, err := scanBoard(q.QueryRowContext(ctx, "select "+boardCols+" from sup_boards where id = $1", id))
	return b, notFound(err, apperr.New(apperr.CodeNotFound, "supervision.err.no_board"))
}

func lockBoard(ctx context.Context, tx *sql.Tx, id int64) (Board, error) {
	if _, err := tx.ExecContext(ctx, "update sup_boards set updated_at = updated_at where id = $1", id); err != nil {
		return Board{}, err
	}
	return boardByID(ctx, tx, id)
}

func boardsOf(ctx context.Context, q querier, communeID int64) ([]Board, error) {
	return db.All(ctx, q, scanBoards, "select "+boardCols+" from sup_boards where commune_id = $1 order by kind, created_at desc, id", communeID)
}

// boardsIn are the boards of the communes under path.
func boardsIn(ctx context.Context, q querier, path string) ([]Board, error) {
	return db.All(ctx, q, scanBoards, "select "+prefixed("b", boardCols)+` from sup_boards b join units u on u.id = b.commune_id
		where u.path >= $1 and u.path < $2`, path, pathEnd(path))
}

func insertBoard(ctx context.Context, tx *sql.Tx, b Board, by int64) error {
	_, err := tx.ExecContext(ctx, `insert into sup_boards (id, commune_id, kind, name, project, funding, investor, starts_on, notified_on, term_to,
		status, recognised_on, dissolved_on, dissolve_note, created_by, created_at, updated_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, '', $9, $10, '', '', '', $11, $12, $12)`,
		b.ID, b.CommuneID, b.Kind, b.Name, b.Project, b.Funding, b.Investor, dayText(b.StartsOn), dayText(b.TermTo), Forming, by, b.CreatedAt)
	return err
}

func setBoardStatus(ctx context.Context, tx *sql.Tx, id int64, from, to string, on legal.Date, note string, now int64) (bool, error) {
	col := "recognised_on"
	if to == Dissolved {
		col = "dissolved_on"
	}
	res, err := tx.ExecContext(ctx, "update sup_boards set status = $1, "+col+" = $2, dissolve_note = case when $1 = 'dissolved' then $3 else dissolve_note end, updated_at = $4 where id = $5 and status = $6",
		to, on.String(), note, now, id, from)
	return moved(res, err)
}

func setNotified(ctx context.Context, tx *sql.Tx, id int64, on legal.Date, now int64) error {
	_, err := tx.ExecContext(ctx, "update sup_boards set notified_on = $1, updated_at = $2 where id = $3", on.String(), now, id)
	return err
}

func moved(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// --- members ---

// BoardMember is a member of a board.
type BoardMember struct {
	ID, BoardID int64
	Name        string
	VillageID   int64
	Position    string
	Origin      string
	MatterID    int64
	AccountID   int64 // the member's official account (0: none): who acts for the board
	Declared    string
	JoinedOn    legal.Date
	LeftOn      legal.Date
}

// Person is the member as the composition rules see them.
func (m BoardMember) Person() Person { return Person{Position: m.Position, Origin: m.Origin} }

// Declares reports whether the member declared d (resident, not_official, no_relative).
func (m BoardMember) Declares(d string) bool { return strings.Contains(" "+m.Declared+" ", " "+d+" ") }

const memberCols = "id, board_id, name, village_id, position, origin, matter_id, account_id, declared, joined_on, left_on"

func scanMember(rows *sql.Rows) (BoardMember, error) {
	var m BoardMember
	var village, matter, account sql.NullInt64
	var joined, left string
	err := rows.Scan(&m.ID, &m.BoardID, &m.Name, &village, &m.Position, &m.Origin, &matter, &account, &m.Declared, &joined, &left)
	m.VillageID, m.MatterID, m.AccountID, m.JoinedOn, m.LeftOn = village.Int64, matter.Int64, account.Int64, day(joined), day(left)
	return m, err
}

// membersOf are a board's current members, head first.
func membersOf(ctx context.Context, q querier, boardID int64) ([]BoardMember, error) {
	return db.All(ctx, q, scanMember, "select "+memberCols+` from sup_members where board_id = $1 and left_on = ''
		order by case position when 'head' then 0 when 'deputy' then 1 else 2 end, name, id`, boardID)
}

// membersIn are the current members of the boards of a commune.
func membersIn(ctx context.Context, q querier, communeID int64) ([]BoardMember, error) {
	return db.All(ctx, q, scanMember, "select "+prefixed("m", memberCols)+` from sup_members m join sup_boards b on b.id = m.board_id
		where b.commune_id = $1 and m.left_on = '' order by case m.position when 'head' then 0 when 'deputy' then 1 else 2 end, m.name, m.id`, communeID)
}

func insertMember(ctx context.Context, tx *sql.Tx, m BoardMember, now int64) error {
	_, err := tx.ExecContext(ctx, `insert into sup_members (id, board_id, name, village_id, position, origin, matter_id, account_id, declared, joined_on, left_on, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11)`,
		m.ID, m.BoardID, m.Name, nullID(m.VillageID), m.Position, m.Origin, nullID(m.MatterID), nullID(m.AccountID), m.Declared, m.JoinedOn.String(), now)
	return err
}

func leaveMember(ctx context.Context, tx *sql.Tx, boardID, id int64, on legal.Date) (bool, error) {
	res, err := tx.ExecContext(ctx, "update sup_members set left_on = $1 where id = $2 and board_id = $3 and left_on = ''", on.String(), id, boardID)
	return moved(res, err)
}

// --- plans ---

// Plan is a board's plan.
type Plan struct {
	ID, BoardID int64
	Period      string
	Title, Body string
	Subject     string
	StartsOn    legal.Date
	SentOn      legal.Date
	CreatedAt   int64
}

const planCols = "id, board_id, period, title, body, subject, starts_on, sent_on, created_at"

func scanPlan(rows *sql.Rows) (Plan, error) {
	var p Plan
	var starts, sent string
	err := rows.Scan(&p.ID, &p.BoardID, &p.Period, &p.Title, &p.Body, &p.Subject, &starts, &sent, &p.CreatedAt)
	p.StartsOn, p.SentOn = day(starts), day(sent)
	return p, err
}

func plansOf(ctx context.Context, q querier, boardID int64) ([]Plan, error) {
	return db.All(ctx, q, scanPlan, "select "+planCols+" from sup_plans where board_id = $1 order by created_at desc, id desc", boardID)
}

func insertPlan(ctx context.Context, tx *sql.Tx, p Plan, by int64) error {
	_, err := tx.ExecContext(ctx, `insert into sup_plans (id, board_id, period, title, body, subject, starts_on, sent_on, created_by, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, p.ID, p.BoardID, p.Period, p.Title, p.Body, p.Subject, dayText(p.StartsOn), dayText(p.SentOn), by, p.CreatedAt)
	return err
}

// --- conclusions and reports ---

// Writing is a board's conclusion or report.
type Writing struct {
	ID, BoardID int64
	Kind        string
	PlanID      int64
	Area        string
	Period      string
	Title, Body string
	Evidence    string
	PublishedOn legal.Date
	CreatedAt   int64
}

const writingCols = "id, board_id, kind, plan_id, area, period, title, body, evidence, published_on, created_at"

func scanWriting(r scanner) (Writing, error) {
	var w Writing
	var plan sql.NullInt64
	var published string
	err := r.Scan(&w.ID, &w.BoardID, &w.Kind, &plan, &w.Area, &w.Period, &w.Title, &w.Body, &w.Evidence, &published, &w.CreatedAt)
	w.PlanID, w.PublishedOn = plan.Int64, day(published)
	return w, err
}

func scanWritings(rows *sql.Rows) (Writing, error) { return scanWriting(rows) }

func writingsOf(ctx context.Context, q querier, boardID int64, published bool) ([]Writing, error) {
	return db.All(ctx, q, scanWritings, "select "+writingCols+` from sup_writings where board_id = $1 and ($2 = 0 or published_on <> '')
		order by created_at desc, id desc`, boardID, boolInt(published))
}

func writingByID(ctx context.Context, q querier, id int64) (Writing, error) {
	w, err := scanWriting(q.QueryRowContext(ctx, "select "+writingCols+" from sup_writings where id = $1", id))
	return w, notFound(err, apperr.New(apperr.CodeNotFound, "supervision.err.no_writing"))
}

func insertWriting(ctx context.Context, tx *sql.Tx, w Writing, by int64) error {
	_, err := tx.ExecContext(ctx, `insert into sup_writings (id, board_id, kind, plan_id, area, period, title, body, evidence, published_on, created_by, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', $10, $11)`,
		w.ID, w.BoardID, w.Kind, nullID(w.PlanID), w.Area, w.Period, w.Title, w.Body, w.Evidence, by, w.CreatedAt)
	return err
}

func publishWriting(ctx context.Context, tx *sql.Tx, id int64, on legal.Date) (bool, error) {
	res, err := tx.ExecContext(ctx, "update sup_writings set published_on = $1 where id = $2 and published_on = ''", on.String(), id)
	return moved(res, err)
}

func planOfBoard(ctx context.Context, q querier, boardID, id int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "select count(*) from sup_plans where id = $1 and board_id = $2", id, boardID).Scan(&n)
	return n == 1, err
}

// --- recommendations ---

// Rec is a recommendation a board addressed to a body.
type Rec struct {
	ID, BoardID, CommuneID int64
	AddresseeID            int64
	Kind                   string
	Subject, Body          string
	SentOn, DueOn          legal.Date
	Answer                 string
	AnsweredOn             legal.Date
	CreatedAt              int64
	// Read with it.
	BoardName, BoardKind string
}

// State is the recommendation's state on day today.
func (r Rec) State(today legal.Date) string { return StateOf(r.DueOn, r.AnsweredOn, today) }

// Late reports whether it was, or is, past its 15 days.
func (r Rec) Late(today legal.Date) bool {
	s := r.State(today)
	return s == Overdue || s == AnsweredLate
}

const recCols = `r.id, r.board_id, r.commune_id, r.addressee_id, r.kind, r.subject, r.body, r.sent_on, r.due_on, r.answer, r.answered_on,
	r.created_at, b.name, b.kind`

func scanRec(r scanner) (Rec, error) {
	var x Rec
	var sent, due, answered string
	err := r.Scan(&x.ID, &x.BoardID, &x.CommuneID, &x.AddresseeID, &x.Kind, &x.Subject, &x.Body, &sent, &due, &x.Answer, &answered,
		&x.CreatedAt, &x.BoardName, &x.BoardKind)
	x.SentOn, x.DueOn, x.AnsweredOn = day(sent), day(due), day(answered)
	return x, err
}

func scanRecs(rows *sql.Rows) (Rec, error) { return scanRec(rows) }

const recFrom = " from sup_recommendations r join sup_boards b on b.id = r.board_id "

func recByID(ctx context.Context, q querier, id int64) (Rec, error) {
	x, err := scanRec(q.QueryRowContext(ctx, "select "+recCols+recFrom+"where r.id = $1", id))
	return x, notFound(err, apperr.New(apperr.CodeNotFound, "supervision.err.no_rec"))
}

// recsOfCommune are the recommendations of a commune's boards, newest first.
func recsOfCommune(ctx context.Context, q querier, communeID int64) ([]Rec, error) {
	return db.All(ctx, q, scanRecs, "select "+recCols+recFrom+"where r.commune_id = $1 order by r.sent_on desc, r.id desc limit 2000", communeID)
}

func recsOfBoard(ctx context.Context, q querier, boardID int64) ([]Rec, error) {
	return db.All(ctx, q, scanRecs, "select "+recCols+recFrom+"where r.board_id = $1 order by r.sent_on desc, r.id desc", boardID)
}

// recsTo are the recommendations addressed to a unit, unanswered first.
func recsTo(ctx context.Context, q querier, unitID int64) ([]Rec, error) {
	return db.All(ctx, q, scanRecs, "select "+recCols+recFrom+`where r.addressee_id = $1
		order by case when r.answered_on = '' then 0 else 1 end, r.due_on, r.id limit 2000`, unitID)
}

// recsIn are the recommendations of the communes under path sent from from on.
func recsIn(ctx context.Context, q querier, path string, from legal.Date) ([]Rec, error) {
	return db.All(ctx, q, scanRecs, "select "+recCols+recFrom+`join units u on u.id = r.commune_id
		where u.path >= $1 and u.path < $2 and r.sent_on >= $3 order by r.sent_on, r.id`, path, pathEnd(path), from.String())
}

// lateTo are the recommendations addressed to the units whose parent is
// parentID, unanswered past their day on today, the earliest first.
func lateTo(ctx context.Context, q querier, parentID int64, today legal.Date) ([]Rec, error) {
	return db.All(ctx, q, scanRecs, "select "+recCols+recFrom+`join units u on u.id = r.addressee_id
		where u.parent_id = $1 and r.answered_on = '' and r.due_on < $2 order by r.due_on, r.id limit 2000`, parentID, today.String())
}

// isMember reports whether account sits on board (a current member).
func isMember(ctx context.Context, q querier, boardID, accountID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "select count(*) from sup_members where board_id = $1 and account_id = $2 and left_on = ''", boardID, accountID).Scan(&n)
	return n > 0, err
}

// forming counts, per commune of ids, the boards still forming.
func forming(ctx context.Context, q querier, ids []int64) (map[int64]int, error) {
	marks, args := inList(ids, 1)
	rows, err := db.All(ctx, q, func(rows *sql.Rows) ([2]int64, error) {
		var c [2]int64
		return c, rows.Scan(&c[0], &c[1])
	}, "select commune_id, count(*) from sup_boards where status = 'forming' and commune_id in ("+marks+") group by commune_id", args...)
	out := map[int64]int{}
	for _, c := range rows {
		out[c[0]] = int(c[1])
	}
	return out, err
}

// inList is "$from, $from+1, …" for ids, and ids as arguments.
func inList(ids []int64, from int) (string, []any) {
	marks := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		marks[i], args[i] = "$"+strconv.Itoa(i+from), id
	}
	return strings.Join(marks, ", "), args
}

func insertRec(ctx context.Context, tx *sql.Tx, x Rec, by int64) error {
	_, err := tx.ExecContext(ctx, `insert into sup_recommendations (id, board_id, commune_id, addressee_id, kind, subject, body, sent_on, due_on,
		answer, answered_on, answered_by, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, '', '', null, $10, $11)`,
		x.ID, x.BoardID, x.CommuneID, x.AddresseeID, x.Kind, x.Subject, x.Body, x.SentOn.String(), x.DueOn.String(), by, x.CreatedAt)
	return err
}

func answerRec(ctx context.Context, tx *sql.Tx, id int64, answer string, on legal.Date, by int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update sup_recommendations set answer = $1, answered_on = $2, answered_by = $3 where id = $4 and answered_on = ''",
		answer, on.String(), by, id)
	return moved(res, err)
}

// openCount is, for one addressee, the recommendations not answered, those
// past their day and the earliest day.
type openCount struct {
	unitID   int64
	n, late  int
	earliest string
}

func scanOpenCount(rows *sql.Rows) (openCount, error) {
	var c openCount
	err := rows.Scan(&c.unitID, &c.n, &c.late, &c.earliest)
	return c, err
}

// openTo counts the unanswered recommendations addressed to units ids, or
// (children) to the units whose parent is one of them.
func openTo(ctx context.Context, q querier, ids []int64, today legal.Date, children bool) ([]openCount, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	marks, rest := inList(ids, 2)
	args := append([]any{today.String()}, rest...)
	key, join, cond := "r.addressee_id", "", "r.addressee_id in ("+marks+")"
	if children {
		key, join, cond = "u.parent_id", " join units u on u.id = r.addressee_id", "u.parent_id in ("+marks+") and r.due_on < $1"
	}
	return db.All(ctx, q, scanOpenCount, "select "+key+`, count(*), sum(case when r.due_on < $1 then 1 else 0 end), min(r.due_on)
		from sup_recommendations r`+join+" where r.answered_on = '' and "+cond+" group by "+key, args...)
}

// lastChange is when anything public of the communes under path last
// changed, in milliseconds (0: nothing yet).
func lastChange(ctx context.Context, q querier, path string) (int64, error) {
	var at int64
	err := q.QueryRowContext(ctx, `select coalesce(max(b.updated_at), 0) from sup_boards b join units u on u.id = b.commune_id
		where u.path >= $1 and u.path < $2`, path, pathEnd(path)).Scan(&at)
	return at, err
}

func touchBoard(ctx context.Context, tx *sql.Tx, id, now int64) error {
	_, err := tx.ExecContext(ctx, "update sup_boards set updated_at = $1 where id = $2", now, id)
	return err
}

// pathEnd bounds the paths of a subtree: those >= path and < pathEnd(path).
func pathEnd(path string) string { return path[:len(path)-1] + "0" }

func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, p := range parts {
		parts[i] = alias + "." + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
