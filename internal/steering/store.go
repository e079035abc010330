package steering

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	store "danchu/internal/files"
	"danchu/internal/legal"
)

// Store is the SQL of steering committees, the same text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

type scanner interface{ Scan(dest ...any) error }

func date(s string) legal.Date {
	d, _ := legal.ParseDate(s)
	return d
}

func dateText(d legal.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}

// fileCols are the four columns of a stored file, as arguments.
func fileArgs(f *store.File) []any {
	if f == nil {
		return []any{nil, nil, nil, nil}
	}
	return []any{f.SHA256, f.Name, f.ContentType, f.Size}
}

type nullFile struct {
	sum, name, typ sql.NullString
	size           sql.NullInt64
}

func (n nullFile) file() *store.File {
	if !n.sum.Valid {
		return nil
	}
	return &store.File{SHA256: n.sum.String, Name: n.name.String, ContentType: n.typ.String, Size: n.size.Int64}
}

const committeeCols = `id, unit_id, name, regulation, regulation_sha256, regulation_name, regulation_type, regulation_size,
	regulation_number, regulation_date, version, created_at, updated_at`

func scanCommittee(s scanner) (Committee, error) {
	var c Committee
	var f nullFile
	var regDate string
	err := s.Scan(&c.ID, &c.UnitID, &c.Name, &c.Regulation, &f.sum, &f.name, &f.typ, &f.size,
		&c.RegulationRef.Number, &regDate, &c.Version, &c.CreatedAt, &c.UpdatedAt)
	c.RegulationFile, c.RegulationRef.Date = f.file(), date(regDate)
	return c, err
}

// notFound is missing when the row was not there, else err.
func notFound(err error, missing *apperr.Error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return missing
	}
	return err
}

func committeeOf(ctx context.Context, q querier, unitID int64) (Committee, error) {
	c, err := scanCommittee(q.QueryRowContext(ctx, "select "+committeeCols+" from steering_committees where unit_id = $1", unitID))
	return c, notFound(err, apperr.New(apperr.CodeNotFound, "steering.err.no_committee"))
}

func committeeByID(ctx context.Context, q querier, id int64) (Committee, error) {
	c, err := scanCommittee(q.QueryRowContext(ctx, "select "+committeeCols+" from steering_committees where id = $1", id))
	return c, notFound(err, apperr.New(apperr.CodeNotFound, "steering.err.no_committee"))
}

// CommitteeOf returns a unit's committee with its members in force
// (apperr.NotFound "steering.err.no_committee" when it has none yet).
func (s *Store) CommitteeOf(ctx context.Context, unitID int64) (Committee, error) {
	c, err := committeeOf(ctx, s.db, unitID)
	if err != nil {
		return Committee{}, fmt.Errorf("steering committee of %d: %w", unitID, err)
	}
	if c.Members, err = members(ctx, s.db, "m.committee_id = $1 and m.left_on = ''", c.ID); err != nil {
		return Committee{}, fmt.Errorf("members of committee %d: %w", c.ID, err)
	}
	Sort(c.Members)
	return c, nil
}

func insertCommittee(ctx context.Context, tx *sql.Tx, c Committee) error {
	_, err := tx.ExecContext(ctx, `insert into steering_committees (id, unit_id, name, version, created_at, updated_at)
		values ($1, $2, $3, 1, $4, $4)`, c.ID, c.UnitID, c.Name, c.CreatedAt)
	return err
}

// setRegulation writes the regulation of a committee read at version; it
// reports whether the row moved.
func setRegulation(ctx context.Context, tx *sql.Tx, c Committee, version int, now int64) (bool, error) {
	args := append([]any{c.Regulation}, fileArgs(c.RegulationFile)...)
	args = append(args, c.RegulationRef.Number, dateText(c.RegulationRef.Date), now, c.ID, version)
	res, err := tx.ExecContext(ctx, `update steering_committees set regulation = $1, regulation_sha256 = $2, regulation_name = $3,
		regulation_type = $4, regulation_size = $5, regulation_number = $6, regulation_date = $7, version = version + 1, updated_at = $8
		where id = $9 and version = $10`, args...)
	return moved(res, err)
}

// touchCommittee raises a committee's version (its membership changed).
func touchCommittee(ctx context.Context, tx *sql.Tx, id int64, now int64) error {
	_, err := tx.ExecContext(ctx, "update steering_committees set version = version + 1, updated_at = $1 where id = $2", now, id)
	return err
}

func moved(res sql.Result, err error) (bool, error) {
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

const memberCols = `m.id, m.committee_id, m.position, m.ord, m.name, m.office, coalesce(m.account_id, 0), m.area, m.joined_on, m.left_on, m.version`

// members reads the members the condition selects, with the units they follow.
func members(ctx context.Context, q querier, where string, args ...any) ([]Member, error) {
	rows, err := q.QueryContext(ctx, "select "+memberCols+" from steering_members m where "+where+" order by m.ord, m.id", args...)
	if err != nil {
		return nil, err
	}
	var ms []Member
	for rows.Next() {
		var m Member
		var joined, left string
		if err := rows.Scan(&m.ID, &m.CommitteeID, &m.Position, &m.Order, &m.Name, &m.Office, &m.AccountID, &m.Area, &joined, &left, &m.Version); err != nil {
			rows.Close()
			return nil, err
		}
		m.JoinedOn, m.LeftOn = date(joined), date(left)
		ms = append(ms, m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ms) == 0 {
		return ms, nil
	}
	at := make(map[int64]int, len(ms))
	ph := make([]string, len(ms))
	ids := make([]any, len(ms))
	for i, m := range ms {
		at[m.ID], ph[i], ids[i] = i, "$"+strconv.Itoa(i+1), m.ID
	}
	urows, err := q.QueryContext(ctx, "select member_id, unit_id from steering_member_units where member_id in ("+strings.Join(ph, ",")+") order by member_id, unit_id", ids...)
	if err != nil {
		return nil, err
	}
	defer urows.Close()
	for urows.Next() {
		var mid, uid int64
		if err := urows.Scan(&mid, &uid); err != nil {
			return nil, err
		}
		ms[at[mid]].Units = append(ms[at[mid]].Units, uid)
	}
	return ms, urows.Err()
}

func memberByID(ctx context.Context, q querier, id int64) (Member, error) {
	ms, err := members(ctx, q, "m.id = $1", id)
	if err != nil {
		return Member{}, err
	}
	if len(ms) == 0 {
		return Member{}, apperr.New(apperr.CodeNotFound, "steering.err.no_member")
	}
	return ms[0], nil
}

// Member returns one member (in force or not) with the units they follow.
func (s *Store) Member(ctx context.Context, id int64) (Member, error) {
	m, err := memberByID(ctx, s.db, id)
	if err != nil {
		return Member{}, fmt.Errorf("steering member %d: %w", id, err)
	}
	return m, nil
}

// nextOrder is the order a new member of the position takes: after the others.
func nextOrder(ctx context.Context, tx *sql.Tx, committeeID int64, p Position) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "select coalesce(max(ord), 0) from steering_members where committee_id = $1 and position = $2 and left_on = ''",
		committeeID, string(p)).Scan(&n)
	return n + 1, err
}

// countPosition counts the members in force of a position, but except.
func countPosition(ctx context.Context, tx *sql.Tx, committeeID int64, p Position, except int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, "select count(*) from steering_members where committee_id = $1 and position = $2 and left_on = '' and id <> $3",
		committeeID, string(p), except).Scan(&n)
	return n, err
}

func insertMember(ctx context.Context, tx *sql.Tx, m Member, now int64) error {
	if _, err := tx.ExecContext(ctx, `insert into steering_members (id, committee_id, position, ord, name, office, account_id, area, joined_on, version, created_at, updated_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)`,
		m.ID, m.CommitteeID, string(m.Position), m.Order, m.Name, m.Office, nullInt(m.AccountID), m.Area, dateText(m.JoinedOn), now); err != nil {
		return err
	}
	return insertMemberUnits(ctx, tx, m)
}

func insertMemberUnits(ctx context.Context, tx *sql.Tx, m Member) error {
	for _, u := range m.Units {
		if _, err := tx.ExecContext(ctx, "insert into steering_member_units (member_id, unit_id) values ($1, $2)", m.ID, u); err != nil {
			return err
		}
	}
	return nil
}

// updateMember writes a member read at version; it reports whether the row moved.
func updateMember(ctx context.Context, tx *sql.Tx, m Member, version int, now int64) (bool, error) {
	ok, err := moved(tx.ExecContext(ctx, `update steering_members set position = $1, ord = $2, name = $3, office = $4, account_id = $5, area = $6,
		version = version + 1, updated_at = $7 where id = $8 and version = $9 and left_on = ''`,
		string(m.Position), m.Order, m.Name, m.Office, nullInt(m.AccountID), m.Area, now, m.ID, version))
	if err != nil || !ok {
		return ok, err
	}
	if _, err := tx.ExecContext(ctx, "delete from steering_member_units where member_id = $1", m.ID); err != nil {
		return false, err
	}
	return true, insertMemberUnits(ctx, tx, m)
}

// leaveMember ends a membership read at version.
func leaveMember(ctx context.Context, tx *sql.Tx, id int64, version int, on legal.Date, now int64) (bool, error) {
	return moved(tx.ExecContext(ctx, "update steering_members set left_on = $1, version = version + 1, updated_at = $2 where id = $3 and version = $4 and left_on = ''",
		on.String(), now, id, version))
}

func insertChange(ctx context.Context, tx *sql.Tx, c Change) error {
	_, err := tx.ExecContext(ctx, `insert into steering_changes (id, committee_id, member_id, name, kind, from_position, to_position,
		decision_number, decision_date, by_account, by_name, at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		c.ID, c.CommitteeID, c.MemberID, c.Name, c.Kind, string(c.From), string(c.To), c.Decision.Number, dateText(c.Decision.Date),
		c.ByAccount, c.ByName, c.At)
	return err
}

// History returns the changes of a committee's membership, newest first.
func (s *Store) History(ctx context.Context, committeeID int64) ([]Change, error) {
	rows, err := s.db.QueryContext(ctx, `select id, committee_id, member_id, name, kind, from_position, to_position, decision_number,
		decision_date, by_account, by_name, at from steering_changes where committee_id = $1 order by id desc`, committeeID)
	if err != nil {
		return nil, fmt.Errorf("history of committee %d: %w", committeeID, err)
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var from, to, d string
		if err := rows.Scan(&c.ID, &c.CommitteeID, &c.MemberID, &c.Name, &c.Kind, &from, &to, &c.Decision.Number, &d, &c.ByAccount, &c.ByName, &c.At); err != nil {
			return nil, err
		}
		c.From, c.To, c.Decision.Date = Position(from), Position(to), date(d)
		out = append(out, c)
	}
	return out, rows.Err()
}

const meetingCols = `id, committee_id, held_on, starts_at, place, chair, attendees, content, conclusions, proceedings,
	minutes_sha256, minutes_name, minutes_type, minutes_size, created_by, version, created_at, updated_at`

func scanMeeting(s scanner) (Meeting, error) {
	var m Meeting
	var held, att string
	var f nullFile
	err := s.Scan(&m.ID, &m.CommitteeID, &held, &m.StartsAt, &m.Place, &m.Chair, &att, &m.Content, &m.Conclusions, &m.Proceedings,
		&f.sum, &f.name, &f.typ, &f.size, &m.CreatedBy, &m.Version, &m.CreatedAt, &m.UpdatedAt)
	m.HeldOn, m.MinutesFile = date(held), f.file()
	if att != "" {
		m.Attendees = strings.Split(att, "\n")
	}
	return m, err
}

// Meetings returns a committee's meetings, newest first.
func (s *Store) Meetings(ctx context.Context, committeeID int64) ([]Meeting, error) {
	rows, err := s.db.QueryContext(ctx, "select "+meetingCols+" from steering_meetings where committee_id = $1 order by held_on desc, id desc", committeeID)
	if err != nil {
		return nil, fmt.Errorf("meetings of committee %d: %w", committeeID, err)
	}
	defer rows.Close()
	var out []Meeting
	for rows.Next() {
		m, err := scanMeeting(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func meetingByID(ctx context.Context, q querier, id int64) (Meeting, error) {
	m, err := scanMeeting(q.QueryRowContext(ctx, "select "+meetingCols+" from steering_meetings where id = $1", id))
	return m, notFound(err, apperr.New(apperr.CodeNotFound, "steering.err.no_meeting"))
}

func insertMeeting(ctx context.Context, tx *sql.Tx, m Meeting) error {
	args := []any{m.ID, m.CommitteeID, m.HeldOn.String(), m.StartsAt, m.Place, m.Chair, strings.Join(m.Attendees, "\n"), m.Content, m.Conclusions, m.Proceedings}
	args = append(args, fileArgs(m.MinutesFile)...)
	args = append(args, m.CreatedBy, m.CreatedAt)
	_, err := tx.ExecContext(ctx, `insert into steering_meetings (id, committee_id, held_on, starts_at, place, chair, attendees, content, conclusions,
		proceedings, minutes_sha256, minutes_name, minutes_type, minutes_size, created_by, version, created_at, updated_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 1, $16, $16)`, args...)
	return err
}

// updateMeeting writes a meeting read at version; it reports whether the row moved.
func updateMeeting(ctx context.Context, tx *sql.Tx, m Meeting, version int, now int64) (bool, error) {
	args := []any{m.HeldOn.String(), m.StartsAt, m.Place, m.Chair, strings.Join(m.Attendees, "\n"), m.Content, m.Conclusions, m.Proceedings}
	args = append(args, fileArgs(m.MinutesFile)...)
	args = append(args, now, m.ID, version)
	return moved(tx.ExecContext(ctx, `update steering_meetings set held_on = $1, starts_at = $2, place = $3, chair = $4, attendees = $5,
		content = $6, conclusions = $7, proceedings = $8, minutes_sha256 = $9, minutes_name = $10, minutes_type = $11, minutes_size = $12,
		version = version + 1, updated_at = $13 where id = $14 and version = $15`, args...))
}

// blobRefs calls each with every stored file a committee or meeting references.
func (s *Store) blobRefs(ctx context.Context) (store.Refs, error) {
	return store.QueryRefs(ctx, s.db, `select regulation_sha256, regulation_size from steering_committees where regulation_sha256 is not null
		union all select minutes_sha256, minutes_size from steering_meetings where minutes_sha256 is not null`)
}
