package consultation

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

// Store is the SQL of consultations, their parts, comments and answers, the same
// text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const consultationCols = `id, unit_id, board_id, staff_only, subject, title, intro, forms, opens_on, closes_on, short_basis, status,
	comments, answered, hidden, decision, adopted, against_reason, coalesce(synthesized_at, 0)`

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func scanConsultation(r interface{ Scan(...any) error }) (Consultation, error) {
	var c Consultation
	var forms, opens, closes string
	err := r.Scan(&c.ID, &c.UnitID, &c.BoardID, &c.StaffOnly, &c.Subject, &c.Title, &c.Intro, &forms, &opens, &closes, &c.ShortBasis, &c.Status,
		&c.Comments, &c.Answered, &c.Hidden, &c.Decision, &c.Adopted, &c.AgainstReason, &c.SynthesizedAt)
	c.Forms = strings.Split(forms, ",")
	c.OpensOn, _ = legal.ParseDate(opens)
	c.ClosesOn, _ = legal.ParseDate(closes)
	return c, err
}

func find(ctx context.Context, q querier, id int64) (Consultation, error) {
	c, err := scanConsultation(q.QueryRowContext(ctx, "select "+consultationCols+" from consultations where id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return c, apperr.New(apperr.CodeNotFound, "consultation.err.not_found")
	}
	if err != nil {
		return c, fmt.Errorf("consultation %d: %w", id, err)
	}
	rows, err := q.QueryContext(ctx, "select n, heading, body from consultation_parts where consultation_id = $1 order by n", id)
	if err != nil {
		return c, err
	}
	defer rows.Close()
	for rows.Next() {
		var p Part
		if err := rows.Scan(&p.N, &p.Heading, &p.Body); err != nil {
			return c, err
		}
		c.Parts = append(c.Parts, p)
	}
	return c, rows.Err()
}

// latest returns consultation id as last written (not from the cache).
func (s *Store) latest(ctx context.Context, id int64) (Consultation, error) {
	return find(ctx, s.db, id)
}

func queryConsultations(ctx context.Context, q querier, query string, args ...any) ([]Consultation, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Consultation
	for rows.Next() {
		c, err := scanConsultation(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// List returns the consultations of a commune's board (its own and its villages'),
// newest first, without their parts: at most limit of them, after the
// consultation before (0: from the newest).
func (s *Store) List(ctx context.Context, boardID, before int64, limit int) ([]Consultation, error) {
	out, err := queryConsultations(ctx, s.db.Cached(), "select "+consultationCols+` from consultations where board_id = $1 and not staff_only
		and (cast($2 as bigint) = 0 or (created_at, id) < (select created_at, id from consultations where id = $2))
		order by created_at desc, id desc limit $3`, boardID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("consultations of %d: %w", boardID, err)
	}
	return out, nil
}

// dueToClose returns the open consultations whose window ended before today and
// whose close is not yet on the record.
func (s *Store) dueToClose(ctx context.Context, today legal.Date) ([]Consultation, error) {
	out, err := queryConsultations(ctx, s.db, "select "+consultationCols+" from consultations where status = $1 and closed_at is null and closes_on < $2",
		Open, today.String())
	if err != nil {
		return nil, fmt.Errorf("consultations to close: %w", err)
	}
	return out, nil
}

// insertConsultation writes c and its parts, opened by accountID at now.
func insertConsultation(ctx context.Context, tx *sql.Tx, d *db.DB, c Consultation, accountID, now int64) error {
	if _, err := tx.ExecContext(ctx, `insert into consultations (id, unit_id, board_id, staff_only, subject, title, intro, forms, opens_on, closes_on,
			short_basis, status, comments, answered, hidden, decision, adopted, against_reason, created_by, created_at, updated_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, 0, 0, '', false, '', $13, $14, $14)`,
		c.ID, c.UnitID, c.BoardID, c.StaffOnly, c.Subject, c.Title, c.Intro, strings.Join(c.Forms, ","), c.OpensOn.String(), c.ClosesOn.String(),
		c.ShortBasis, c.Status, accountID, now); err != nil {
		return fmt.Errorf("insert consultation: %w", err)
	}
	return d.InsertBatches(ctx, tx, "consultation_parts", []string{"consultation_id", "n", "heading", "body"}, len(c.Parts),
		func(i int) []any { p := c.Parts[i]; return []any{c.ID, p.N, p.Heading, p.Body} }, nil)
}

// claimClose marks the close of consultation id at now and returns its comment
// count; claimed is false when another process closed it first.
func claimClose(ctx context.Context, tx *sql.Tx, id, now int64) (claimed bool, comments int, err error) {
	// The claim and the count in one transaction: another process closing the same one changes nothing.
	res, err := tx.ExecContext(ctx, "update consultations set closed_at = $1 where id = $2 and closed_at is null", now, id)
	if err != nil {
		return false, 0, err
	}
	if k, _ := res.RowsAffected(); k != 1 {
		return false, 0, nil
	}
	if err := tx.QueryRowContext(ctx, "select comments from consultations where id = $1", id).Scan(&comments); err != nil {
		return false, 0, err
	}
	return true, comments, nil
}

// insertComments writes the batch with one prepared statement, a repeated
// idempotency key stored once, and returns how many were added per consultation.
func insertComments(ctx context.Context, tx *sql.Tx, items []comment) (map[int64]int, error) {
	added := map[int64]int{}
	// One prepared statement for the batch: parsing it once per row would cost more than the row.
	ins, err := tx.PrepareContext(ctx, `insert into consultation_comments (id, consultation_id, part, author_id, show_name, display_name, stance, body,
		source, source_note, idem_key, hidden_reason, created_at, edited_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, $12)
		on conflict (author_id, idem_key) do nothing`)
	if err != nil {
		return nil, err
	}
	defer ins.Close()
	for _, c := range items {
		res, err := ins.ExecContext(ctx, c.ID, c.ConsultationID, c.Part, c.AuthorID, c.ShowName, c.DisplayName, c.Stance, c.Body, c.Source,
			c.SourceNote, c.IdemKey, c.At)
		if err != nil {
			return nil, err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			added[c.ConsultationID]++
		}
	}
	return added, nil
}

// addComments raises the comment counter of consultation id by n.
func addComments(ctx context.Context, tx *sql.Tx, id int64, n int) error {
	_, err := tx.ExecContext(ctx, "update consultations set comments = comments + $1 where id = $2", n, id)
	return err
}

// editComment corrects a comment that has no answer yet; edited is false when
// it was answered meanwhile.
func editComment(ctx context.Context, tx *sql.Tx, commentID int64, stance, body string, now int64) (edited bool, err error) {
	res, err := tx.ExecContext(ctx, "update consultation_comments set body = $1, stance = $2, edited_at = $3 where id = $4 and answer_id is null",
		body, stance, now, commentID)
	if err != nil {
		return false, fmt.Errorf("edit comment: %w", err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// insertAnswer writes an answer of consultation id.
func insertAnswer(ctx context.Context, tx *sql.Tx, aid, id int64, kind, body string, accountID, now int64) error {
	_, err := tx.ExecContext(ctx, "insert into consultation_answers (id, consultation_id, kind, body, created_by, created_at) values ($1, $2, $3, $4, $5, $6)",
		aid, id, kind, body, accountID, now)
	return err
}

// commentAuthor returns the author of comment cm of consultation id (0: offline).
func commentAuthor(ctx context.Context, tx *sql.Tx, cm, id int64) (int64, error) {
	var author int64
	err := tx.QueryRowContext(ctx, "select author_id from consultation_comments where id = $1 and consultation_id = $2", cm, id).Scan(&author)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, apperr.New(apperr.CodeNotFound, "consultation.err.comment_elsewhere", cm)
	}
	return author, err
}

// setAnswer gives comment cm the answer aid; newly is true when it had none at
// the write (two officials answering it at once count it once), otherwise the
// new answer replaces the one it had.
func setAnswer(ctx context.Context, tx *sql.Tx, aid, cm int64) (newly bool, err error) {
	res, err := tx.ExecContext(ctx, "update consultation_comments set answer_id = $1 where id = $2 and answer_id is null", aid, cm)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return true, nil
	}
	_, err = tx.ExecContext(ctx, "update consultation_comments set answer_id = $1 where id = $2", aid, cm)
	return false, err
}

// addAnswered raises the answered counter of consultation id by n.
func addAnswered(ctx context.Context, tx *sql.Tx, id int64, n int, now int64) error {
	_, err := tx.ExecContext(ctx, "update consultations set answered = answered + $1, updated_at = $2 where id = $3", n, now, id)
	return err
}

// hiddenReason returns why comment commentID of consultation id is hidden ("": shown).
func hiddenReason(ctx context.Context, tx *sql.Tx, commentID, id int64) (string, error) {
	var was string
	err := tx.QueryRowContext(ctx, "select hidden_reason from consultation_comments where id = $1 and consultation_id = $2", commentID, id).Scan(&was)
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New(apperr.CodeNotFound, "consultation.err.comment_not_found")
	}
	return was, err
}

// hideComment hides a shown comment of consultation id and counts it; hidden is
// false when someone else hid it meanwhile (counted once).
func hideComment(ctx context.Context, tx *sql.Tx, id, commentID int64, reason string) (hidden bool, err error) {
	res, err := tx.ExecContext(ctx, "update consultation_comments set hidden_reason = $1 where id = $2 and hidden_reason = ''", reason, commentID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, "update consultations set hidden = hidden + 1 where id = $1", id); err != nil {
		return false, err
	}
	return true, nil
}

// markSynthesized publishes the synthesis of an open consultation; done is false
// when it was published meanwhile.
func markSynthesized(ctx context.Context, tx *sql.Tx, id int64, decision string, adopted bool, againstReason string, now int64) (done bool, err error) {
	res, err := tx.ExecContext(ctx, `update consultations set status = $1, decision = $2, adopted = $3, against_reason = $4, synthesized_at = $5,
			updated_at = $5 where id = $6 and status = $7`, Synthesized, decision, adopted, againstReason, now, id, Open)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// Count tallies a consultation's opinions (hidden ones included).
func (s *Store) Count(ctx context.Context, id int64) (Tally, error) {
	t := Tally{ByPart: map[int]map[string]int{}}
	rows, err := s.db.QueryContext(ctx, "select part, stance, count(*) from consultation_comments where consultation_id = $1 group by part, stance", id)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var part, n int
		var stance string
		if err := rows.Scan(&part, &stance, &n); err != nil {
			return t, err
		}
		if t.ByPart[part] == nil {
			t.ByPart[part] = map[string]int{}
		}
		t.ByPart[part][stance] += n
		switch stance {
		case Agree:
			t.Agree += n
		case Disagree:
			t.Against += n
		default:
			t.Suggest += n
		}
	}
	return t, rows.Err()
}

// Comments lists a consultation's comments oldest first, after the comment
// afterID (0: from the start), at most limit; unanswered restricts to those
// waiting for an answer.
func (s *Store) Comments(ctx context.Context, id, afterID int64, limit int, unanswered bool) ([]CommentView, error) {
	where := "c.consultation_id = $1 and c.id > $2"
	if unanswered {
		where += " and c.answer_id is null"
	}
	return s.comments(ctx, where+" order by c.id limit $3", id, afterID, limit)
}

// ownComment returns comment commentID if authorID wrote it (none otherwise).
func (s *Store) ownComment(ctx context.Context, commentID, authorID int64) ([]CommentView, error) {
	return s.comments(ctx, "c.id = $1 and c.author_id = $2", commentID, authorID)
}

// commentsBy lists authorID's comments on consultation id, oldest first (at most 200).
func (s *Store) commentsBy(ctx context.Context, authorID, id int64) ([]CommentView, error) {
	return s.comments(ctx, "c.author_id = $1 and c.consultation_id = $2 order by c.id limit 200", authorID, id)
}

func (s *Store) comments(ctx context.Context, where string, args ...any) ([]CommentView, error) {
	rows, err := s.db.Cached().QueryContext(ctx, `select c.id, c.consultation_id, c.part, c.display_name, c.stance, c.body, c.source, c.source_note,
		c.hidden_reason, c.author_id, c.created_at, c.edited_at, coalesce(a.kind, ''), coalesce(a.body, '')
		from consultation_comments c left join consultation_answers a on a.id = c.answer_id where `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("comments: %w", err)
	}
	defer rows.Close()
	var out []CommentView
	for rows.Next() {
		var v CommentView
		if err := rows.Scan(&v.ID, &v.ConsultationID, &v.Part, &v.DisplayName, &v.Stance, &v.Body, &v.Source, &v.SourceNote, &v.HiddenReason,
			&v.AuthorID, &v.CreatedAt, &v.EditedAt, &v.AnswerKind, &v.AnswerBody); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// MyComment is one of a citizen's comments with the title of its consultation.
type MyComment struct {
	CommentView
	Title string
}

// commentsOfAuthor returns a citizen's comments, newest first, at most limit,
// with their answers and their consultations' titles.
func (s *Store) commentsOfAuthor(ctx context.Context, authorID int64, limit int) ([]MyComment, error) {
	rows, err := s.db.Cached().QueryContext(ctx, `select c.id, c.consultation_id, c.part, c.stance, c.body, c.hidden_reason, c.created_at,
		coalesce(a.kind, ''), coalesce(a.body, ''), k.title
		from consultation_comments c join consultations k on k.id = c.consultation_id left join consultation_answers a on a.id = c.answer_id
		where c.author_id = $1 order by c.created_at desc, c.id desc limit $2`, authorID, limit)
	if err != nil {
		return nil, fmt.Errorf("comments of %d: %w", authorID, err)
	}
	defer rows.Close()
	var out []MyComment
	for rows.Next() {
		var v MyComment
		if err := rows.Scan(&v.ID, &v.ConsultationID, &v.Part, &v.Stance, &v.Body, &v.HiddenReason, &v.CreatedAt,
			&v.AnswerKind, &v.AnswerBody, &v.Title); err != nil {
			return nil, err
		}
		v.AuthorID = authorID
		out = append(out, v)
	}
	return out, rows.Err()
}

// openOnBoard returns the public consultations of a commune's board taking
// comments on day, those about unit (the commune or one of its villages; 0:
// any) first to close first, at most limit.
func (s *Store) openOnBoard(ctx context.Context, boardID, unitID int64, day legal.Date, limit int) ([]Consultation, error) {
	out, err := queryConsultations(ctx, s.db.Cached(), "select "+consultationCols+` from consultations
		where board_id = $1 and not staff_only and status = $2 and opens_on <= $3 and closes_on >= $3
		and (cast($4 as bigint) = 0 or unit_id = $4 or unit_id = $1)
		order by closes_on, id limit $5`, boardID, Open, day.String(), unitID, limit)
	if err != nil {
		return nil, fmt.Errorf("open consultations of %d: %w", boardID, err)
	}
	return out, nil
}

// calendarConsultation is a consultation as a commune's calendar shows it,
// with its creation and last change of what the calendar says (epoch ms).
type calendarConsultation struct {
	Consultation
	CreatedAt, Modified int64
}

// calendarConsultations lists the public consultations of a commune's board
// whose windows meet [from, to], the latest first, at most limit. Staff-only
// consultations (agencies) are never read.
func (s *Store) calendarConsultations(ctx context.Context, communeID int64, from, to legal.Date, limit int) ([]calendarConsultation, error) {
	rows, err := s.db.QueryContext(ctx, "select "+consultationCols+`, created_at, coalesce(closed_at, 0)
		from consultations where board_id = $1 and not staff_only and closes_on >= $2 and opens_on <= $3
		order by opens_on desc, id desc limit $4`, communeID, from.String(), to.String(), limit)
	if err != nil {
		return nil, fmt.Errorf("calendar consultations of %d: %w", communeID, err)
	}
	defer rows.Close()
	var out []calendarConsultation
	for rows.Next() {
		var c calendarConsultation
		var closedAt int64
		if c.Consultation, err = scanConsultation(extraCols{rows, []any{&c.CreatedAt, &closedAt}}); err != nil {
			return nil, err
		}
		c.Modified = max(c.CreatedAt, closedAt, c.SynthesizedAt)
		out = append(out, c)
	}
	return out, rows.Err()
}

// extraCols scans a row of consultationCols followed by more columns.
type extraCols struct {
	r     *sql.Rows
	extra []any
}

func (e extraCols) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }
