package reception

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Store is the SQL of citizen reception, the same text on SQLite and PostgreSQL.
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

// pathEnd bounds the paths of a subtree: those >= path and < pathEnd(path)
// (a path ends with "/", and "0" follows it).
func pathEnd(path string) string { return path[:len(path)-1] + "0" }

func moved(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// --- office ---

func officeOf(ctx context.Context, q querier, unitID int64) (Office, bool, error) {
	o := Office{UnitID: unitID}
	err := q.QueryRowContext(ctx, `select address, hours, phone, updated_at from reception_offices where unit_id = $1`, unitID).
		Scan(&o.Address, &o.Hours, &o.Phone, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, err
}

func saveOffice(ctx context.Context, tx *sql.Tx, o Office) error {
	ok, err := moved(tx.ExecContext(ctx, `update reception_offices set address = $1, hours = $2, phone = $3, updated_at = $4 where unit_id = $5`,
		o.Address, o.Hours, o.Phone, o.UpdatedAt, o.UnitID))
	if err != nil || ok {
		return err
	}
	_, err = tx.ExecContext(ctx, `insert into reception_offices (unit_id, address, hours, phone, updated_at) values ($1, $2, $3, $4, $5)`,
		o.UnitID, o.Address, o.Hours, o.Phone, o.UpdatedAt)
	return err
}

// --- leaders ---

const leaderCols = `id, unit_id, role, name, title, active, created_at`

func scanLeader(s scanner) (Leader, error) {
	var l Leader
	err := s.Scan(&l.ID, &l.UnitID, &l.Role, &l.Name, &l.Title, &l.Active, &l.CreatedAt)
	return l, err
}

func leaderRows(r *sql.Rows) (Leader, error) { return scanLeader(r) }

func leadersOf(ctx context.Context, q querier, unitID int64) ([]Leader, error) {
	return db.All(ctx, q, leaderRows, `select `+leaderCols+` from reception_leaders where unit_id = $1 order by active desc, created_at, id`, unitID)
}

// leadersIn are the active leaders of the units under path (a path prefix).
func leadersIn(ctx context.Context, q querier, path string) ([]Leader, error) {
	return db.All(ctx, q, leaderRows, `select l.id, l.unit_id, l.role, l.name, l.title, l.active, l.created_at
		from reception_leaders l join units u on u.id = l.unit_id where l.active and u.path >= $1 and u.path < $2 order by l.unit_id, l.created_at`,
		path, pathEnd(path))
}

func leaderByID(ctx context.Context, q querier, id int64) (Leader, error) {
	l, err := scanLeader(q.QueryRowContext(ctx, `select `+leaderCols+` from reception_leaders where id = $1`, id))
	return l, notFound(err, apperr.New(apperr.CodeNotFound, "reception.err.no_leader"))
}

func insertLeader(ctx context.Context, tx *sql.Tx, l Leader) error {
	_, err := tx.ExecContext(ctx, `insert into reception_leaders (`+leaderCols+`) values ($1, $2, $3, $4, $5, $6, $7)`,
		l.ID, l.UnitID, l.Role, l.Name, l.Title, l.Active, l.CreatedAt)
	return err
}

func setLeaderActive(ctx context.Context, tx *sql.Tx, id int64, active bool) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_leaders set active = $1 where id = $2 and active <> $1`, active, id))
}

// --- sessions ---

const sessionCols = `s.id, s.unit_id, s.leader_id, s.day, s.starts, s.ends, s.place, s.video_url, s.slots, s.booked, s.status,
	coalesce(s.moved_to, 0), s.notice, s.created_at, s.updated_at, s.version, l.name, l.title`

const sessionFrom = ` from reception_sessions s join reception_leaders l on l.id = s.leader_id `

func scanSession(s scanner) (Session, error) {
	var x Session
	var d string
	err := s.Scan(&x.ID, &x.UnitID, &x.LeaderID, &d, &x.Starts, &x.Ends, &x.Place, &x.VideoURL, &x.Slots, &x.Booked, &x.Status,
		&x.MovedTo, &x.Notice, &x.CreatedAt, &x.UpdatedAt, &x.Version, &x.LeaderName, &x.LeaderTitle)
	x.Day = day(d)
	return x, err
}

func sessionRows(r *sql.Rows) (Session, error) { return scanSession(r) }

func sessionByID(ctx context.Context, q querier, id int64) (Session, error) {
	s, err := scanSession(q.QueryRowContext(ctx, `select `+sessionCols+sessionFrom+`where s.id = $1`, id))
	return s, notFound(err, apperr.New(apperr.CodeNotFound, "reception.err.no_session"))
}

// sessionsOf are a unit's sessions in [from, to], by day and hour.
func sessionsOf(ctx context.Context, q querier, unitID int64, from, to legal.Date) ([]Session, error) {
	return db.All(ctx, q, sessionRows, `select `+sessionCols+sessionFrom+`where s.unit_id = $1 and s.day >= $2 and s.day <= $3
		order by s.day, s.starts, s.id`, unitID, from.String(), to.String())
}

// leaderSessions are a leader's sessions in [from, to].
func leaderSessions(ctx context.Context, q querier, leaderID int64, from, to legal.Date) ([]Session, error) {
	return db.All(ctx, q, sessionRows, `select `+sessionCols+sessionFrom+`where s.leader_id = $1 and s.day >= $2 and s.day <= $3
		order by s.day, s.starts, s.id`, leaderID, from.String(), to.String())
}

// sessionsIn are the sessions of the units under path in [from, to].
func sessionsIn(ctx context.Context, q querier, path string, from, to legal.Date) ([]Session, error) {
	return db.All(ctx, q, sessionRows, `select `+sessionCols+sessionFrom+`join units u on u.id = s.unit_id
		where u.path >= $1 and u.path < $2 and s.day >= $3 and s.day <= $4 order by s.day, s.starts, s.id`,
		path, pathEnd(path), from.String(), to.String())
}

// freeAfter is the first planned session of the unit from day on with a free
// slot, other than except, that begins after now (the caller checks the hour).
func freeAfter(ctx context.Context, q querier, unitID int64, from legal.Date, except int64) ([]Session, error) {
	return db.All(ctx, q, sessionRows, `select `+sessionCols+sessionFrom+`where s.unit_id = $1 and s.day >= $2 and s.status = 'planned'
		and s.booked < s.slots and s.id <> $3 order by s.day, s.starts, s.id limit 5`, unitID, from.String(), except)
}

func insertSession(ctx context.Context, tx *sql.Tx, s Session) error {
	_, err := tx.ExecContext(ctx, `insert into reception_sessions (id, unit_id, leader_id, day, starts, ends, place, video_url, slots, booked,
		status, moved_to, notice, created_at, updated_at, version) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14, 1)`,
		s.ID, s.UnitID, s.LeaderID, s.Day.String(), s.Starts, s.Ends, s.Place, s.VideoURL, s.Slots, s.Booked, s.Status, nullID(s.MovedTo), s.Notice, s.CreatedAt)
	return err
}

// closeSession sets a planned session read at version to status.
func closeSession(ctx context.Context, tx *sql.Tx, id int64, version int, status string, movedTo int64, notice string, now int64) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_sessions set status = $1, moved_to = $2, notice = $3, updated_at = $4, version = version + 1
		where id = $5 and version = $6 and status = 'planned'`, status, nullID(movedTo), notice, now, id, version))
}

// takeSlot books people's slot in a planned session with room left.
func takeSlot(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_sessions set booked = booked + 1 where id = $1 and status = 'planned' and booked < slots`, id))
}

func freeSlot(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `update reception_sessions set booked = booked - 1 where id = $1 and booked > 0`, id)
	return err
}

// --- bookings ---

const bookingCols = `id, session_id, unit_id, code, name, phone, topic, people, status, reminded, coalesce(account_id, 0), created_at`

func scanBooking(s scanner) (Booking, error) {
	var b Booking
	err := s.Scan(&b.ID, &b.SessionID, &b.UnitID, &b.Code, &b.Name, &b.Phone, &b.Topic, &b.People, &b.Status, &b.Reminded, &b.AccountID, &b.CreatedAt)
	return b, err
}

func bookingRows(r *sql.Rows) (Booking, error) { return scanBooking(r) }

func bookingByCode(ctx context.Context, q querier, c string) (Booking, error) {
	b, err := scanBooking(q.QueryRowContext(ctx, `select `+bookingCols+` from reception_bookings where code = $1`, c))
	return b, notFound(err, apperr.New(apperr.CodeNotFound, "reception.err.code"))
}

func bookingByID(ctx context.Context, q querier, id int64) (Booking, error) {
	b, err := scanBooking(q.QueryRowContext(ctx, `select `+bookingCols+` from reception_bookings where id = $1`, id))
	return b, notFound(err, apperr.New(apperr.CodeNotFound, "reception.err.code"))
}

func bookingsOf(ctx context.Context, q querier, sessionID int64) ([]Booking, error) {
	return db.All(ctx, q, bookingRows, `select `+bookingCols+` from reception_bookings where session_id = $1 order by created_at, id`, sessionID)
}

func insertBooking(ctx context.Context, tx *sql.Tx, b Booking) error {
	_, err := tx.ExecContext(ctx, `insert into reception_bookings (id, session_id, unit_id, code, name, phone, topic, people, status, reminded, account_id,
		created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		b.ID, b.SessionID, b.UnitID, b.Code, b.Name, b.Phone, b.Topic, b.People, b.Status, b.Reminded, nullID(b.AccountID), b.CreatedAt)
	return err
}

func setBookingStatus(ctx context.Context, tx *sql.Tx, id int64, from, to string) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_bookings set status = $1 where id = $2 and status = $3`, to, id, from))
}

// moveBookings moves the bookings still waiting of from to to; it returns how many.
func moveBookings(ctx context.Context, tx *sql.Tx, from, to int64) (int, error) {
	res, err := tx.ExecContext(ctx, `update reception_bookings set session_id = $1, reminded = false where session_id = $2 and status = 'booked'`, to, from)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

func setBooked(ctx context.Context, tx *sql.Tx, id int64, n int) error {
	_, err := tx.ExecContext(ctx, `update reception_sessions set booked = $1 where id = $2`, n, id)
	return err
}

// clearBooking forgets who booked and why (a booking received as a sealed entry).
func clearBooking(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `update reception_bookings set name = '', phone = '', topic = '' where id = $1`, id)
	return err
}

// phoneBookings counts the bookings still waiting of phone in a session.
func phoneBookings(ctx context.Context, tx *sql.Tx, sessionID int64, phone string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select count(*) from reception_bookings where session_id = $1 and phone = $2 and status = 'booked'`,
		sessionID, phone).Scan(&n)
	return n, err
}

// toRemind are the bookings still booked in planned sessions on day, not yet reminded.
func toRemind(ctx context.Context, q querier, on legal.Date, limit int) ([]Booking, error) {
	return db.All(ctx, q, bookingRows, `select b.id, b.session_id, b.unit_id, b.code, b.name, b.phone, b.topic, b.people, b.status, b.reminded,
		coalesce(b.account_id, 0), b.created_at from reception_bookings b join reception_sessions s on s.id = b.session_id
		where s.day = $1 and s.status = 'planned' and b.status = 'booked' and not b.reminded order by b.id limit $2`, on.String(), limit)
}

func markReminded(ctx context.Context, tx *sql.Tx, id int64) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_bookings set reminded = true where id = $1 and not reminded`, id))
}

// --- visits ---

const visitCols = `id, unit_id, year, number, day, coalesce(session_id, 0), coalesce(booking_id, 0), coalesce(parent_id, 0), code, name,
	address, phone, identity, sealed, people, mass, kind, content, earlier, request, done, due, outcome, outcome_note, transferred_to,
	answered_on, case_code, case_url, created_by, created_at, updated_at, version, intake_key`

type visitRow struct {
	Visit
	identity  string
	intakeKey string
}

func scanVisit(s scanner) (visitRow, error) {
	var v visitRow
	var d, due, answered string
	err := s.Scan(&v.ID, &v.UnitID, &v.Year, &v.Number, &d, &v.SessionID, &v.BookingID, &v.ParentID, &v.Code, &v.Name,
		&v.Address, &v.Phone, &v.identity, &v.Sealed, &v.People, &v.Mass, &v.Kind, &v.Content, &v.Earlier, &v.Request, &v.Done, &due,
		&v.Outcome, &v.OutcomeNote, &v.TransferredTo, &answered, &v.CaseCode, &v.CaseURL, &v.CreatedBy, &v.CreatedAt, &v.UpdatedAt, &v.Version, &v.intakeKey)
	v.Day, v.Due, v.AnsweredOn = day(d), day(due), day(answered)
	return v, err
}

func visitRows(r *sql.Rows) (visitRow, error) { return scanVisit(r) }

func visitByID(ctx context.Context, q querier, id int64) (visitRow, error) {
	v, err := scanVisit(q.QueryRowContext(ctx, `select `+visitCols+` from reception_visits where id = $1`, id))
	return v, notFound(err, apperr.New(apperr.CodeNotFound, "reception.err.no_visit"))
}

func visitsByCode(ctx context.Context, q querier, c string) ([]visitRow, error) {
	return db.All(ctx, q, visitRows, `select `+visitCols+` from reception_visits where code = $1 order by number, id`, c)
}

// book is a unit's book: open only (the answer not yet given) or all, newest
// first, before (year, number) when given.
func book(ctx context.Context, q querier, unitID int64, open bool, limit int) ([]visitRow, error) {
	cond := ""
	if open {
		cond = " and outcome in ('', 'opening')"
	}
	return db.All(ctx, q, visitRows, `select `+visitCols+` from reception_visits where unit_id = $1`+cond+` order by year desc, number desc limit $2`,
		unitID, limit)
}

// bookOfYear is a unit's book of a year, in its order.
func bookOfYear(ctx context.Context, q querier, unitID int64, year int) ([]visitRow, error) {
	return db.All(ctx, q, visitRows, `select `+visitCols+` from reception_visits where unit_id = $1 and year = $2 order by number`, unitID, year)
}

func sessionVisits(ctx context.Context, q querier, sessionID int64) ([]visitRow, error) {
	return db.All(ctx, q, visitRows, `select `+visitCols+` from reception_visits where session_id = $1 order by number`, sessionID)
}

func nextNumber(ctx context.Context, tx *sql.Tx, unitID int64, year int) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `select coalesce(max(number), 0) + 1 from reception_visits where unit_id = $1 and year = $2`, unitID, year).Scan(&n)
	return n, err
}

func insertVisit(ctx context.Context, tx *sql.Tx, v visitRow) error {
	_, err := tx.ExecContext(ctx, `insert into reception_visits (id, unit_id, year, number, day, session_id, booking_id, parent_id, code, name,
		address, phone, identity, sealed, people, mass, kind, content, earlier, request, done, due, outcome, outcome_note, transferred_to,
		answered_on, case_code, case_url, created_by, created_at, updated_at, version, intake_key) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
		$12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $30, 1, $31)`,
		v.ID, v.UnitID, v.Year, v.Number, v.Day.String(), nullID(v.SessionID), nullID(v.BookingID), nullID(v.ParentID), v.Code, v.Name,
		v.Address, v.Phone, v.identity, v.Sealed, v.People, v.Mass, v.Kind, v.Content, v.Earlier, v.Request, v.Done, v.Due.String(),
		v.Outcome, v.OutcomeNote, v.TransferredTo, dayText(v.AnsweredOn), v.CaseCode, v.CaseURL, v.CreatedBy, v.CreatedAt, v.intakeKey)
	return err
}

// answerVisit writes the answer of a visit read at version, not yet answered.
func answerVisit(ctx context.Context, tx *sql.Tx, v Visit, version int, now int64) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_visits set outcome = $1, outcome_note = $2, transferred_to = $3, answered_on = $4,
		case_code = $5, case_url = $6, updated_at = $7, version = version + 1 where id = $8 and version = $9 and outcome in ('', 'opening')`,
		v.Outcome, v.OutcomeNote, v.TransferredTo, dayText(v.AnsweredOn), v.CaseCode, v.CaseURL, now, v.ID, version))
}

// claimVisit marks an entry read at version as opening its case.
func claimVisit(ctx context.Context, tx *sql.Tx, id int64, version int, now int64) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_visits set outcome = 'opening', updated_at = $1, version = version + 1
		where id = $2 and version = $3 and outcome = ''`, now, id, version))
}

// releaseVisit gives back an entry whose case could not be opened.
func releaseVisit(ctx context.Context, tx *sql.Tx, id int64, now int64) error {
	_, err := tx.ExecContext(ctx, `update reception_visits set outcome = '', updated_at = $1, version = version + 1 where id = $2 and outcome = 'opening'`, now, id)
	return err
}

// --- counts ---

// openVisits counts, per unit of ids, the visits not yet answered, those past
// their day (due < today) and the earliest last day.
type openCount struct {
	n, late  int
	earliest string
}

func openVisits(ctx context.Context, q querier, ids []int64, today string) (map[int64]openCount, error) {
	ph := make([]string, len(ids))
	args := []any{today}
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+2)
		args = append(args, id)
	}
	return openCounts(ctx, q, `select unit_id, count(*), sum(case when due < $1 then 1 else 0 end), min(due) from reception_visits
		where outcome in ('', 'opening') and unit_id in (`+strings.Join(ph, ", ")+`) group by unit_id`, args...)
}

// openCounts reads rows of (unit, count, late, earliest) into a map by unit.
func openCounts(ctx context.Context, q querier, query string, args ...any) (map[int64]openCount, error) {
	type row struct {
		id int64
		c  openCount
	}
	rows, err := db.All(ctx, q, func(r *sql.Rows) (row, error) {
		var x row
		err := r.Scan(&x.id, &x.c.n, &x.c.late, &x.c.earliest)
		return x, err
	}, query, args...)
	if err != nil {
		return nil, fmt.Errorf("open counts: %w", err)
	}
	out := make(map[int64]openCount, len(rows))
	for _, x := range rows {
		out[x.id] = x.c
	}
	return out, nil
}

// visitCount is one unit's visits of a period by kind and outcome.
type visitCount struct {
	UnitID        int64
	Kind, Outcome string
	// Entries are the book's lines; Visits, People and Mass count a split
	// petition once (its first half).
	Entries, Visits, People, Mass int
	Answered, AnsweredLate        int
	OpenLate                      int
}

func visitCounts(ctx context.Context, q querier, path string, from, to legal.Date, today string) ([]visitCount, error) {
	return db.All(ctx, q, func(r *sql.Rows) (visitCount, error) {
		var c visitCount
		err := r.Scan(&c.UnitID, &c.Kind, &c.Outcome, &c.Entries, &c.Visits, &c.People, &c.Mass, &c.Answered, &c.AnsweredLate, &c.OpenLate)
		return c, err
	}, `select v.unit_id, v.kind, v.outcome, count(*), sum(case when v.parent_id is null then 1 else 0 end),
		sum(case when v.parent_id is null then v.people else 0 end), sum(case when v.mass and v.parent_id is null then 1 else 0 end),
		sum(case when v.outcome not in ('', 'opening') then 1 else 0 end),
		sum(case when v.outcome not in ('', 'opening') and v.answered_on > v.due then 1 else 0 end),
		sum(case when v.outcome in ('', 'opening') and v.due < $4 then 1 else 0 end)
		from reception_visits v join units u on u.id = v.unit_id where u.path >= $1 and u.path < $5 and v.day >= $2 and v.day <= $3
		group by v.unit_id, v.kind, v.outcome`, path, from.String(), to.String(), today, pathEnd(path))
}

// lastChange is when a session of the units under path last changed (0: none).
func lastChange(ctx context.Context, q querier, path string) (int64, error) {
	var at int64
	err := q.QueryRowContext(ctx, `select coalesce(max(s.updated_at), 0) from reception_sessions s join units u on u.id = s.unit_id
		where u.path >= $1 and u.path < $2`, path, pathEnd(path)).Scan(&at)
	return at, err
}

// --- dialogues and conferences ---

const meetingCols = `id, unit_id, kind, year, day, starts, place, topics, noticed_on, channels, plan_sent, status, convened, attended,
	head_report, front_report, board_report, result, result_sent, chair, created_by, created_at, updated_at, version`

func scanMeeting(s scanner) (Meeting, error) {
	var m Meeting
	var d, noticed, plan, sent string
	err := s.Scan(&m.ID, &m.UnitID, &m.Kind, &m.Year, &d, &m.Starts, &m.Place, &m.Topics, &noticed, &m.Channels, &plan, &m.Status,
		&m.Convened, &m.Attended, &m.HeadReport, &m.FrontReport, &m.BoardReport, &m.Result, &sent, &m.Chair, &m.CreatedBy, &m.CreatedAt,
		&m.UpdateAt, &m.Version)
	m.Day, m.NoticedOn, m.ResultSent = day(d), day(noticed), day(sent)
	if plan != "" {
		m.PlanSent = strings.Split(plan, ",")
	}
	return m, err
}

func meetingRows(r *sql.Rows) (Meeting, error) { return scanMeeting(r) }

func meetingByID(ctx context.Context, q querier, id int64) (Meeting, error) {
	m, err := scanMeeting(q.QueryRowContext(ctx, `select `+meetingCols+` from reception_meetings where id = $1`, id))
	return m, notFound(err, apperr.New(apperr.CodeNotFound, "reception.err.no_meeting"))
}

func insertMeeting(ctx context.Context, tx *sql.Tx, m Meeting) error {
	_, err := tx.ExecContext(ctx, `insert into reception_meetings (`+meetingCols+`) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12,
		$13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $22, 1)`,
		m.ID, m.UnitID, m.Kind, m.Year, m.Day.String(), m.Starts, m.Place, m.Topics, dayText(m.NoticedOn), m.Channels, strings.Join(m.PlanSent, ","),
		m.Status, m.Convened, m.Attended, m.HeadReport, m.FrontReport, m.BoardReport, m.Result, dayText(m.ResultSent), m.Chair, m.CreatedBy, m.CreatedAt)
	return err
}

// heldMeeting records a meeting held, read at d.Version (a meeting held
// before may be completed: its result sent later).
func heldMeeting(ctx context.Context, tx *sql.Tx, id int64, d HeldDraft, now int64) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_meetings set status = 'held', convened = $1, attended = $2, head_report = $3,
		front_report = $4, board_report = $5, result = $6, result_sent = $7, updated_at = $8, version = version + 1 where id = $9 and version = $10`,
		d.Convened, d.Attended, d.HeadReport, d.FrontReport, d.BoardReport, d.Result, dayText(d.ResultSent), now, id, d.Version))
}

// meetingsIn are the meetings of year of the units under path, by day.
func meetingsIn(ctx context.Context, q querier, path string, year int) ([]Meeting, error) {
	return db.All(ctx, q, meetingRows, `select m.id, m.unit_id, m.kind, m.year, m.day, m.starts, m.place, m.topics, m.noticed_on, m.channels,
		m.plan_sent, m.status, m.convened, m.attended, m.head_report, m.front_report, m.board_report, m.result, m.result_sent, m.chair,
		m.created_by, m.created_at, m.updated_at, m.version from reception_meetings m join units u on u.id = m.unit_id
		where u.path >= $1 and u.path < $2 and m.year = $3 order by m.day, m.id`, path, pathEnd(path), year)
}

const itemCols = `id, meeting_id, kind, text, owner, due, done_on, outcome, created_at`

func itemRows(r *sql.Rows) (Item, error) {
	var it Item
	var due, done string
	err := r.Scan(&it.ID, &it.MeetingID, &it.Kind, &it.Text, &it.Owner, &due, &done, &it.Outcome, &it.CreatedAt)
	it.Due, it.DoneOn = day(due), day(done)
	return it, err
}

func itemsOf(ctx context.Context, q querier, meetingID int64) ([]Item, error) {
	return db.All(ctx, q, itemRows, `select `+itemCols+` from reception_meeting_items where meeting_id = $1 order by created_at, id`, meetingID)
}

func insertItem(ctx context.Context, tx *sql.Tx, it Item) error {
	_, err := tx.ExecContext(ctx, `insert into reception_meeting_items (`+itemCols+`) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		it.ID, it.MeetingID, it.Kind, it.Text, it.Owner, it.Due.String(), "", "", it.CreatedAt)
	return err
}

func doneItem(ctx context.Context, tx *sql.Tx, id int64, on legal.Date, outcome string) (bool, error) {
	return moved(tx.ExecContext(ctx, `update reception_meeting_items set done_on = $1, outcome = $2 where id = $3 and done_on = ''`, on.String(), outcome, id))
}

// openItems counts, per unit of the meetings under path, the items not done
// and those past their day.
func openItems(ctx context.Context, q querier, path, today string) (map[int64]openCount, error) {
	return openCounts(ctx, q, `select m.unit_id, count(*), sum(case when i.due < $3 then 1 else 0 end), min(i.due)
		from reception_meeting_items i join reception_meetings m on m.id = i.meeting_id join units u on u.id = m.unit_id
		where i.done_on = '' and u.path >= $1 and u.path < $2 group by m.unit_id`, path, pathEnd(path), today)
}
