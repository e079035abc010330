package survey

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Store is the SQL of surveys, the same text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

type scanner interface{ Scan(dest ...any) error }

type querier interface {
	db.Querier
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func day(s string) legal.Date {
	d, _ := legal.ParseDate(s)
	return d
}

// Survey is a unit's survey.
type Survey struct {
	ID, UnitID int64
	Title      string
	Intro      string
	Audience   string
	OpensOn    legal.Date
	ClosesOn   legal.Date
	Status     string
	Responses  int64
	CreatedAt  int64
	UpdatedAt  int64
}

// OpenOn reports whether the survey takes answers on day today.
func (s Survey) OpenOn(today legal.Date) bool {
	return s.Status == Open && !today.Before(s.OpensOn) && !s.ClosesOn.Before(today)
}

const surveyCols = "id, unit_id, title, intro, audience, opens_on, closes_on, status, responses, created_at, updated_at"

func scanSurvey(r scanner) (Survey, error) {
	var s Survey
	var opens, closes string
	err := r.Scan(&s.ID, &s.UnitID, &s.Title, &s.Intro, &s.Audience, &opens, &closes, &s.Status, &s.Responses, &s.CreatedAt, &s.UpdatedAt)
	s.OpensOn, s.ClosesOn = day(opens), day(closes)
	return s, err
}

func scanSurveys(rows *sql.Rows) (Survey, error) { return scanSurvey(rows) }

func surveyByID(ctx context.Context, q querier, id int64) (Survey, error) {
	s, err := scanSurvey(q.QueryRowContext(ctx, "select "+surveyCols+" from surveys where id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return s, apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	return s, err
}

// lockSurvey reads the survey in tx, its row locked (PostgreSQL): a close
// waits for the answers being counted, and an answer sees a close.
func lockSurvey(ctx context.Context, tx *sql.Tx, id int64) (Survey, error) {
	if _, err := tx.ExecContext(ctx, "update surveys set updated_at = updated_at where id = $1", id); err != nil {
		return Survey{}, err
	}
	return surveyByID(ctx, tx, id)
}

func surveysOf(ctx context.Context, q querier, unitID int64, public bool) ([]Survey, error) {
	return db.All(ctx, q, scanSurveys, "select "+surveyCols+` from surveys where unit_id = $1 and ($2 = 0 or status <> 'draft')
		order by opens_on desc, id desc limit 200`, unitID, boolInt(public))
}

// surveysUnder are the public surveys (not drafts) of the units under path,
// itself included, newest first.
func surveysUnder(ctx context.Context, q querier, path string) ([]Survey, error) {
	return db.All(ctx, q, scanSurveys, "select "+prefixed("s.", surveyCols)+` from surveys s join units u on u.id = s.unit_id
		where u.path >= $1 and u.path < $2 and s.status <> 'draft' order by s.opens_on desc, s.id desc`, path, path[:len(path)-1]+"0")
}

// prefixed qualifies each of a list of columns.
func prefixed(p, cols string) string { return p + strings.ReplaceAll(cols, ", ", ", "+p) }

func insertSurvey(ctx context.Context, tx *sql.Tx, s Survey, by int64) error {
	_, err := tx.ExecContext(ctx, `insert into surveys (id, unit_id, title, intro, audience, opens_on, closes_on, status, responses, created_by, created_at, updated_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8, 0, $9, $10, $10)`, s.ID, s.UnitID, s.Title, s.Intro, s.Audience, s.OpensOn.String(), s.ClosesOn.String(), Draft, by, s.CreatedAt)
	return err
}

// insertQuestions writes the questions and a zero counter for each of their choices.
func insertQuestions(ctx context.Context, tx *sql.Tx, d *db.DB, surveyID int64, qs []Question) error {
	for _, q := range qs {
		if _, err := tx.ExecContext(ctx, `insert into survey_questions (id, survey_id, n, section, kind, text, options, required, satisfaction)
			values ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, q.ID, surveyID, q.N, q.Section, q.Kind, q.Text, strings.Join(q.Options, "\n"), q.Required, q.Satisfaction); err != nil {
			return err
		}
		for c := range q.Choices() {
			if _, err := tx.ExecContext(ctx, "insert into survey_counts (question_id, survey_id, choice, n) values ($1, $2, $3, 0)", q.ID, surveyID, c); err != nil {
				return err
			}
		}
	}
	return nil
}

func scanQuestion(rows *sql.Rows) (Question, error) { return scanQuestionAfter(rows) }

// scanQuestionAfter reads a question's columns after the columns of head.
func scanQuestionAfter(rows *sql.Rows, head ...any) (Question, error) {
	var q Question
	var opts string
	err := rows.Scan(append(head, &q.ID, &q.N, &q.Section, &q.Kind, &q.Text, &opts, &q.Required, &q.Satisfaction)...)
	if opts != "" {
		q.Options = strings.Split(opts, "\n")
	}
	return q, err
}

func questionsOf(ctx context.Context, q querier, surveyID int64) ([]Question, error) {
	return db.All(ctx, q, scanQuestion, "select id, n, section, kind, text, options, required, satisfaction from survey_questions where survey_id = $1 order by n", surveyID)
}

// surveyQuestion is a question with its survey.
type surveyQuestion struct {
	Question
	surveyID int64
}

// questionsUnder are the questions of the public surveys under path.
func questionsUnder(ctx context.Context, q querier, path string) ([]surveyQuestion, error) {
	return db.All(ctx, q, func(rows *sql.Rows) (surveyQuestion, error) {
		var sq surveyQuestion
		var err error
		sq.Question, err = scanQuestionAfter(rows, &sq.surveyID)
		return sq, err
	}, `select qn.survey_id, qn.id, qn.n, qn.section, qn.kind, qn.text, qn.options, qn.required, qn.satisfaction
		from survey_questions qn join surveys s on s.id = qn.survey_id join units u on u.id = s.unit_id
		where u.path >= $1 and u.path < $2 and s.status <> 'draft' order by qn.survey_id, qn.n`, path, path[:len(path)-1]+"0")
}

func setStatus(ctx context.Context, tx *sql.Tx, id int64, from, to string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update surveys set status = $1, updated_at = $2 where id = $3 and status = $4", to, now, id, from)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// claimResponse records that who answered the survey: false when they had.
func claimResponse(ctx context.Context, tx *sql.Tx, surveyID int64, who string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "insert into survey_responses (survey_id, who, created_at) values ($1, $2, $3) on conflict do nothing", surveyID, who, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

func answered(ctx context.Context, q querier, surveyID int64, who string) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "select count(*) from survey_responses where survey_id = $1 and who = $2", surveyID, who).Scan(&n)
	return n > 0, err
}

func bump(ctx context.Context, tx *sql.Tx, questionID int64, choice int) error {
	_, err := tx.ExecContext(ctx, "update survey_counts set n = n + 1 where question_id = $1 and choice = $2", questionID, choice)
	return err
}

func bumpResponses(ctx context.Context, tx *sql.Tx, surveyID, now int64) error {
	_, err := tx.ExecContext(ctx, "update surveys set responses = responses + 1, updated_at = $1 where id = $2", now, surveyID)
	return err
}

func insertText(ctx context.Context, tx *sql.Tx, id, surveyID, questionID int64, body string, now int64) error {
	_, err := tx.ExecContext(ctx, "insert into survey_texts (id, survey_id, question_id, body, created_at) values ($1, $2, $3, $4, $5)", id, surveyID, questionID, body, now)
	return err
}

type count struct {
	questionID int64
	choice     int
	n          int64
}

func scanCount(rows *sql.Rows) (count, error) {
	var c count
	err := rows.Scan(&c.questionID, &c.choice, &c.n)
	return c, err
}

// countsOf are the survey's counters: as many rows as its questions' choices,
// whatever the number of answers.
func countsOf(ctx context.Context, q querier, surveyID int64) ([]count, error) {
	return db.All(ctx, q, scanCount, "select question_id, choice, n from survey_counts where survey_id = $1", surveyID)
}

// surveyCount is a counter with its survey.
type surveyCount struct {
	count
	surveyID int64
}

// countsUnder are the counters of the public surveys under path.
func countsUnder(ctx context.Context, q querier, path string) ([]surveyCount, error) {
	return db.All(ctx, q, func(rows *sql.Rows) (surveyCount, error) {
		var c surveyCount
		return c, rows.Scan(&c.surveyID, &c.questionID, &c.choice, &c.n)
	}, `select c.survey_id, c.question_id, c.choice, c.n from survey_counts c join surveys s on s.id = c.survey_id join units u on u.id = s.unit_id
		where u.path >= $1 and u.path < $2 and s.status <> 'draft'`, path, path[:len(path)-1]+"0")
}

// textsOf are the free-text answers to a question, newest first.
func textsOf(ctx context.Context, q querier, questionID int64, limit int) ([]string, error) {
	return db.All(ctx, q, func(rows *sql.Rows) (string, error) {
		var s string
		return s, rows.Scan(&s)
	}, "select body from survey_texts where question_id = $1 order by created_at desc, id desc limit $2", questionID, limit)
}

// satisfaction is, per unit under path, the answers to satisfaction questions
// of surveys open from from on: how many were 4 or 5 of how many.
type satisfaction struct {
	unitID           int64
	satisfied, total int64
}

func scanSatisfaction(rows *sql.Rows) (satisfaction, error) {
	var s satisfaction
	err := rows.Scan(&s.unitID, &s.satisfied, &s.total)
	return s, err
}

func satisfactionIn(ctx context.Context, q querier, path string, from, to legal.Date) ([]satisfaction, error) {
	return db.All(ctx, q, scanSatisfaction, `select s.unit_id, coalesce(sum(case when c.choice >= $3 then c.n else 0 end), 0), coalesce(sum(c.n), 0)
		from survey_counts c join survey_questions qn on qn.id = c.question_id join surveys s on s.id = c.survey_id join units u on u.id = s.unit_id
		where qn.satisfaction and s.status <> 'draft' and u.path >= $1 and u.path < $2 and s.closes_on >= $4 and s.opens_on < $5
		group by s.unit_id`, path, path[:len(path)-1]+"0", Satisfied-1, from.String(), to.String())
}

func lastChange(ctx context.Context, q querier, path string) (int64, error) {
	var at int64
	err := q.QueryRowContext(ctx, `select coalesce(max(s.updated_at), 0) from surveys s join units u on u.id = s.unit_id
		where s.status <> 'draft' and u.path >= $1 and u.path < $2`, path, path[:len(path)-1]+"0").Scan(&at)
	return at, err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
