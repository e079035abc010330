package decision

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Store is the SQL of matters, votes, their electorates and ballots, the same
// text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const matterCols = `id, unit_id, commune_id, scope, subject, title, body, proposer, backers, status, decided_on, minutes, minutes_sha256,
	submitted_on, recognition, recognition_reason, recognized_on, annulled_on, annul_reason, created_at, candidates, seats,
	draft_consultation_id`

// scanMatters reads every row of a query of matterCols, and closes the rows.
func scanMatters(rows *sql.Rows) ([]Matter, error) {
	defer rows.Close()
	var out []Matter
	for rows.Next() {
		m, err := scanMatter(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

func scanMatter(r interface{ Scan(...any) error }) (Matter, error) {
	var m Matter
	var scope, prop string
	var created int64
	var cands string
	err := r.Scan(&m.ID, &m.UnitID, &m.CommuneID, &scope, &m.Subject, &m.Title, &m.Body, &prop, &m.Backers, &m.Status, &m.DecidedOn, &m.Minutes,
		&m.MinutesSHA256, &m.SubmittedOn, &m.Recognition, &m.RecognitionNote, &m.RecognizedOn, &m.AnnulledOn, &m.AnnulReason, &created, &cands, &m.Seats, &m.DraftID)
	if cands != "" {
		m.Candidates = strings.Split(cands, "\n")
	}
	m.Scope, m.Initiative = Scope(scope), prop == "initiative"
	m.ProposedOn = legal.Today(time.UnixMilli(created))
	return m, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func findMatter(ctx context.Context, q querier, id int64) (Matter, error) {
	m, err := scanMatter(q.QueryRowContext(ctx, "select "+matterCols+" from matters where id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, apperr.New(apperr.CodeNotFound, "decision.err.not_found")
	}
	return m, err
}

// Matter returns a matter.
func (s *Store) Matter(ctx context.Context, id int64) (Matter, error) {
	return findMatter(ctx, s.db, id)
}

const voteCols = `id, matter_id, village_id, method, noticed_on, held_on, households, opted_in, present, agree, disagree, other, status, passed,
	lacked_numbers, team, secretary, closed_at`

func scanVote(r interface{ Scan(...any) error }) (Vote, error) {
	var v Vote
	var method, noticed, held, team string
	var closed sql.NullInt64
	err := r.Scan(&v.ID, &v.MatterID, &v.VillageID, &method, &noticed, &held, &v.Households, &v.OptedIn, &v.Present, &v.Tally.Agree, &v.Tally.Disagree,
		&v.Tally.OtherOpinion, &v.Status, &v.Passed, &v.LackedNumbers, &team, &v.Secretary, &closed)
	v.ClosedAt = closed.Int64
	v.Method, v.Tally.Households = Method(method), v.Households
	v.NoticedOn, _ = legal.ParseDate(noticed)
	v.HeldOn, _ = legal.ParseDate(held)
	if team != "" {
		v.Team = strings.Split(team, "\n")
	}
	return v, err
}

func findVote(ctx context.Context, q querier, id int64) (Vote, error) {
	v, err := scanVote(q.QueryRowContext(ctx, "select "+voteCols+" from votes where id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return v, apperr.New(apperr.CodeNotFound, "decision.err.vote_not_found")
	}
	return v, err
}

// Vote returns a vote.
func (s *Store) Vote(ctx context.Context, id int64) (Vote, error) { return findVote(ctx, s.db, id) }

// Votes lists the votes of a matter, oldest first.
func (s *Store) Votes(ctx context.Context, matterID int64) ([]Vote, error) {
	rows, err := s.db.QueryContext(ctx, "select "+voteCols+" from votes where matter_id = $1 order by id", matterID)
	if err != nil {
		return nil, fmt.Errorf("votes of %d: %w", matterID, err)
	}
	defer rows.Close()
	var out []Vote
	for rows.Next() {
		v, err := scanVote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// List returns the matters of a commune and its villages, newest first: at
// most limit of them, after the matter before (0: from the newest).
func (s *Store) List(ctx context.Context, communeID, before int64, limit int) ([]Matter, error) {
	rows, err := s.db.QueryContext(ctx, "select "+matterCols+` from matters where commune_id = $1
		and (cast($2 as bigint) = 0 or (created_at, id) < (select created_at, id from matters where id = $2))
		order by created_at desc, id desc limit $3`, communeID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("matters of %d: %w", communeID, err)
	}
	return scanMatters(rows)
}

// ListInVillage returns the matters of a commune that concern one of its
// villages (proposed there, or put to a vote there), newest first; before as in List.
func (s *Store) ListInVillage(ctx context.Context, communeID, villageID, before int64, limit int) ([]Matter, error) {
	rows, err := s.db.QueryContext(ctx, "select "+matterCols+` from matters where commune_id = $1
		and (unit_id = $2 or exists (select 1 from votes v where v.matter_id = matters.id and v.village_id = $2))
		and (cast($3 as bigint) = 0 or (created_at, id) < (select created_at, id from matters where id = $3))
		order by created_at desc, id desc limit $4`, communeID, villageID, before, limit)
	if err != nil {
		return nil, fmt.Errorf("matters of village %d: %w", villageID, err)
	}
	return scanMatters(rows)
}

// householdCount counts the active households of a village, or of every village of a commune.
func (s *Store) householdCount(ctx context.Context, u org.Unit) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `select count(*) from households h join units v on v.id = h.village_id
		where h.active and (v.id = $1 or v.parent_id = $1)`, u.ID).Scan(&n)
	return n, err
}

func results(ctx context.Context, q querier, m Matter, v Vote) ([]CandidateResult, error) {
	rows, err := q.QueryContext(ctx, "select n, votes from vote_candidates where vote_id = $1", v.ID)
	if err != nil {
		return nil, fmt.Errorf("candidates of vote %d: %w", v.ID, err)
	}
	defer rows.Close()
	votes := make([]int, len(m.Candidates))
	for rows.Next() {
		var n, k int
		if err := rows.Scan(&n, &k); err != nil {
			return nil, err
		}
		if n >= 1 && n <= len(votes) {
			votes[n-1] = k
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]CandidateResult, len(votes))
	for i, k := range votes {
		out[i] = CandidateResult{Name: m.Candidates[i], Votes: k}
	}
	for _, i := range Elected(votes, v.Households, m.Seats) {
		out[i].Elected = true
	}
	return out, nil
}

func receiptsOf(ctx context.Context, q querier, voteID int64) ([]string, error) {
	rows, err := q.QueryContext(ctx, "select receipt from vote_ballots where vote_id = $1 order by receipt", voteID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ballotOf returns the household accountID represents in a vote's electorate,
// and its ballot if it has voted (ok false: it represents none of them).
func (s *Store) ballotOf(ctx context.Context, voteID, accountID int64) (MyBallot, bool, error) {
	var b MyBallot
	var receipt, choice sql.NullString
	var at sql.NullInt64
	err := s.db.QueryRowContext(ctx, `select h.id, h.code, b.receipt, b.choice, b.created_at from households h
		left join vote_ballots b on b.vote_id = $1 and b.household_id = h.id
		where h.representative_account_id = $2 and exists (select 1 from vote_households vh where vh.vote_id = $1 and vh.household_id = h.id)
		order by h.id limit 1`, voteID, accountID).Scan(&b.HouseholdID, &b.HouseholdCode, &receipt, &choice, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, err
	}
	b.Voted, b.Receipt, b.Choice, b.At = receipt.Valid, receipt.String, choice.String, at.Int64
	return b, true, nil
}

// hasReceipt reports whether receipt is among the ballots of a vote.
func (s *Store) hasReceipt(ctx context.Context, voteID int64, receipt string) (bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, "select count(*) from vote_ballots where vote_id = $1 and receipt = $2", voteID, receipt).Scan(&n)
	return n == 1, err
}

// minutesOf returns the minutes stored with a matter (found false: no such matter).
func (s *Store) minutesOf(ctx context.Context, matterID int64) (minutes string, found bool, err error) {
	err = s.db.QueryRowContext(ctx, "select minutes from matters where id = $1", matterID).Scan(&minutes)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return minutes, err == nil, err
}

// titleOf returns the title stored with a matter (found false: no such matter).
func (s *Store) titleOf(ctx context.Context, matterID int64) (title string, found bool, err error) {
	err = s.db.QueryRowContext(ctx, "select title from matters where id = $1", matterID).Scan(&title)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return title, err == nil, err
}

// tallyOf returns the counts and result the public page renders of a vote, in
// the order households, present, agree, disagree, other (found false: no such vote).
func (s *Store) tallyOf(ctx context.Context, voteID int64) (counts [5]int, passed bool, found bool, err error) {
	err = s.db.QueryRowContext(ctx, "select households, present, agree, disagree, other, passed from votes where id = $1", voteID).
		Scan(&counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &passed)
	if errors.Is(err, sql.ErrNoRows) {
		return counts, false, false, nil
	}
	return counts, passed, err == nil, err
}

// insertMatter writes a proposed matter, by accountID at now.
func insertMatter(ctx context.Context, tx *sql.Tx, m Matter, accountID, now int64) error {
	if _, err := tx.ExecContext(ctx, `insert into matters (id, unit_id, commune_id, scope, subject, title, body, proposer, backers, status, decided_on,
			created_by, created_at, updated_at, candidates, seats, draft_consultation_id) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12, $12, $13, $14, $15)`,
		m.ID, m.UnitID, m.CommuneID, string(m.Scope), m.Subject, m.Title, m.Body, proposer(m.Initiative), m.Backers, m.Status, accountID, now,
		strings.Join(m.Candidates, "\n"), m.Seats, m.DraftID); err != nil {
		return fmt.Errorf("insert matter: %w", err)
	}
	return nil
}

// votesIn counts a matter's open votes in a village and those that lacked the numbers.
func votesIn(ctx context.Context, tx *sql.Tx, matterID, villageID int64) (open, failed int, err error) {
	err = tx.QueryRowContext(ctx, `select coalesce(sum(case when status = 'open' then 1 else 0 end), 0),
			coalesce(sum(case when lacked_numbers then 1 else 0 end), 0) from votes where matter_id = $1 and village_id = $2`, matterID, villageID).
		Scan(&open, &failed)
	return open, failed, err
}

// electorate returns the active households of a village.
func electorate(ctx context.Context, tx *sql.Tx, villageID int64) ([]int64, error) {
	return db.Int64s(ctx, tx, "select id from households where village_id = $1 and active order by id", villageID)
}

// insertVote writes a noticed vote and its electorate hs, by accountID at now.
func insertVote(ctx context.Context, tx *sql.Tx, d *db.DB, v Vote, hs []int64, accountID, now int64) error {
	if _, err := tx.ExecContext(ctx, `insert into votes (id, matter_id, village_id, method, noticed_on, held_on, households, opted_in, present,
			agree, disagree, other, status, passed, lacked_numbers, team, secretary, created_by, created_at)
			values ($1, $2, $3, $4, $5, $6, $7, $8, 0, 0, 0, 0, $9, false, false, $10, '', $11, $12)`,
		v.ID, v.MatterID, v.VillageID, string(v.Method), v.NoticedOn.String(), v.HeldOn.String(), v.Households, v.OptedIn, v.Status,
		strings.Join(v.Team, "\n"), accountID, now); err != nil {
		return fmt.Errorf("insert vote: %w", err)
	}
	return d.InsertBatches(ctx, tx, "vote_households", []string{"vote_id", "household_id"}, len(hs),
		func(i int) []any { return []any{v.ID, hs[i]} }, nil)
}

// closeCounted writes the count of an open meeting or paper ballot and closes
// it; counted is false when it was closed meanwhile.
func closeCounted(ctx context.Context, tx *sql.Tx, v Vote, now int64) (counted bool, err error) {
	t := v.Tally
	res, err := tx.ExecContext(ctx, `update votes set present = $1, agree = $2, disagree = $3, other = $4, status = $5, passed = $6, lacked_numbers = $7,
			team = $8, secretary = $9, closed_at = $10 where id = $11 and status = 'open'`, v.Present, t.Agree, t.Disagree, t.OtherOpinion, v.Status, v.Passed,
		v.LackedNumbers, strings.Join(v.Team, "\n"), v.Secretary, now, v.ID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// insertCandidateVotes writes the votes of each candidate, in the matter's order.
func insertCandidateVotes(ctx context.Context, tx *sql.Tx, d *db.DB, voteID int64, per []int) error {
	return d.InsertBatches(ctx, tx, "vote_candidates", []string{"vote_id", "n", "votes"}, len(per),
		func(i int) []any { return []any{voteID, i + 1, per[i]} }, nil)
}

// lockMatter takes the matter's row lock until tx ends.
func lockMatter(ctx context.Context, tx *sql.Tx, matterID int64) error {
	_, err := tx.ExecContext(ctx, "update matters set updated_at = updated_at where id = $1", matterID)
	return err
}

// villageResult returns whether the last deciding vote of a matter in a village
// passed (voted false: no vote decided yet).
func villageResult(ctx context.Context, tx *sql.Tx, matterID, villageID int64) (passed, voted bool, err error) {
	var ok sql.NullBool
	err = tx.QueryRowContext(ctx, `select passed from votes where matter_id = $1 and village_id = $2 and status = 'closed' and not lacked_numbers
				order by id desc limit 1`, matterID, villageID).Scan(&ok)
	if errors.Is(err, sql.ErrNoRows) {
		return false, false, nil
	}
	if err != nil {
		return false, false, err
	}
	return ok.Bool, true, nil
}

// decideMatter settles an open matter (one decided meanwhile keeps its decision).
func decideMatter(ctx context.Context, tx *sql.Tx, matterID int64, status, day string, now int64) error {
	_, err := tx.ExecContext(ctx, "update matters set status = $1, decided_on = $2, updated_at = $3 where id = $4 and status = $5", status, day,
		now, matterID, StatusOpen)
	return err
}

// lockOpenVote reports whether a vote is open, and touching its row locks it
// (PostgreSQL) against a concurrent close.
func lockOpenVote(ctx context.Context, tx *sql.Tx, voteID int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update votes set status = status where id = $1 and status = 'open'", voteID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// prepareBallot prepares the ballot insert for tx (run it with insertBallot).
// Written from the representative's side: the planner starts from the account's
// households, not the electorate.
func prepareBallot(ctx context.Context, tx *sql.Tx, d *db.DB) (*sql.Stmt, error) {
	return d.Cached().In(ctx, tx, `insert into vote_ballots (vote_id, household_id, choice, opinion, receipt, account_id, created_at)
		select $1, h.id, $3, $4, $5, $2, $6 from households h where h.representative_account_id = $2
		and exists (select 1 from vote_households vh where vh.vote_id = $1 and vh.household_id = h.id)
		order by h.id limit 1 on conflict (vote_id, household_id) do nothing`)
}

// insertBallot writes b for the household its account represents in the vote;
// written is false when nothing was written.
func insertBallot(ctx context.Context, ins *sql.Stmt, b ballot) (written bool, err error) {
	res, err := ins.ExecContext(ctx, b.VoteID, b.AccountID, b.Choice, b.Opinion, b.Receipt, b.At)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// representsIn reports whether accountID represents a household of the vote's electorate.
func representsIn(ctx context.Context, tx *sql.Tx, voteID, accountID int64) (bool, error) {
	var household int64
	err := tx.QueryRowContext(ctx, `select h.id from households h where h.representative_account_id = $2
				and exists (select 1 from vote_households vh where vh.vote_id = $1 and vh.household_id = h.id) limit 1`, voteID, accountID).Scan(&household)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// addChoices raises a vote's counter of choice by n.
func addChoices(ctx context.Context, tx *sql.Tx, voteID int64, choice string, n int) error {
	col := map[string]string{ChoiceAgree: "agree", ChoiceDisagree: "disagree", ChoiceOther: "other"}[choice]
	_, err := tx.ExecContext(ctx, "update votes set "+col+" = "+col+" + $1 where id = $2", n, voteID)
	return err
}

// closeOnline closes an open vote at now; closed is false when it was closed meanwhile.
func closeOnline(ctx context.Context, tx *sql.Tx, voteID, now int64) (closed bool, err error) {
	res, err := tx.ExecContext(ctx, "update votes set status = $1, closed_at = $2 where id = $3 and status = 'open'", StatusClosed, now, voteID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// setOnlineResult writes the result of a closed online vote.
func setOnlineResult(ctx context.Context, tx *sql.Tx, voteID int64, present int, passed bool) error {
	_, err := tx.ExecContext(ctx, "update votes set present = $1, passed = $2 where id = $3", present, passed, voteID)
	return err
}

// setMinutes writes the minutes of a decided matter not yet submitted; done is
// false when it was submitted meanwhile.
func setMinutes(ctx context.Context, tx *sql.Tx, m Matter, now int64) (done bool, err error) {
	res, err := tx.ExecContext(ctx, "update matters set minutes = $1, minutes_sha256 = $2, submitted_on = $3, updated_at = $4 where id = $5 and submitted_on = '' and status <> $6",
		m.Minutes, m.MinutesSHA256, m.SubmittedOn, now, m.ID, StatusOpen)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// setRecognition writes the commune's answer to a submitted matter; done is
// false when it was answered meanwhile.
func setRecognition(ctx context.Context, tx *sql.Tx, m Matter, now int64) (done bool, err error) {
	res, err := tx.ExecContext(ctx, "update matters set recognition = $1, recognition_reason = $2, recognized_on = $3, updated_at = $4 where id = $5 and recognition = '' and submitted_on <> ''",
		m.Recognition, m.RecognitionNote, m.RecognizedOn, now, m.ID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// setAnnulled annuls a decided matter; done is false when it was annulled meanwhile.
func setAnnulled(ctx context.Context, tx *sql.Tx, m Matter, now int64) (done bool, err error) {
	res, err := tx.ExecContext(ctx, "update matters set annulled_on = $1, annul_reason = $2, updated_at = $3 where id = $4 and annulled_on = '' and status <> $5",
		m.AnnulledOn, m.AnnulReason, now, m.ID, StatusOpen)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// HouseholdVote is an online vote whose electorate holds a household a
// citizen represents, with that household's ballot when the citizen cast it.
type HouseholdVote struct {
	Vote          Vote
	Title         string
	HouseholdCode string
	Voted         bool   // the household has a ballot (cast by whoever represented it then)
	Mine          bool   // this citizen cast it: Choice and Receipt are theirs to see
	Choice        string // agree | disagree | other
	Receipt       string
	At            int64
}

// votesOfRepresentative returns the online votes of the households a citizen
// represents, the newest notice first, at most limit.
func (s *Store) votesOfRepresentative(ctx context.Context, accountID int64, limit int) ([]HouseholdVote, error) {
	rows, err := s.db.QueryContext(ctx, `select `+prefixed("v.", voteCols)+`, m.title, h.code, b.account_id, coalesce(b.choice, ''), coalesce(b.receipt, ''),
		coalesce(b.created_at, 0)
		from households h join vote_households vh on vh.household_id = h.id join votes v on v.id = vh.vote_id join matters m on m.id = v.matter_id
		left join vote_ballots b on b.vote_id = v.id and b.household_id = h.id
		where h.representative_account_id = $1 and v.method = $2
		order by v.created_at desc, v.id desc limit $3`, accountID, string(Online), limit)
	if err != nil {
		return nil, fmt.Errorf("votes of representative %d: %w", accountID, err)
	}
	defer rows.Close()
	var out []HouseholdVote
	for rows.Next() {
		var hv HouseholdVote
		var by sql.NullInt64
		v, err := scanVote(rowsWith(rows, &hv.Title, &hv.HouseholdCode, &by, &hv.Choice, &hv.Receipt, &hv.At))
		if err != nil {
			return nil, err
		}
		hv.Vote, hv.Voted, hv.Mine = v, by.Valid, by.Valid && by.Int64 == accountID
		if !hv.Mine {
			hv.Choice, hv.Receipt, hv.At = "", "", 0
		}
		out = append(out, hv)
	}
	return out, rows.Err()
}

// OpenVote is a vote still open, with its matter's title.
type OpenVote struct {
	Vote  Vote
	Title string
}

// openVotes returns the votes of a commune still open on day (those of one
// village when villageID is not 0), the first to be held first, at most limit.
func (s *Store) openVotes(ctx context.Context, communeID, villageID int64, day legal.Date, limit int) ([]OpenVote, error) {
	rows, err := s.db.QueryContext(ctx, `select `+prefixed("v.", voteCols)+`, m.title from votes v join matters m on m.id = v.matter_id
		where m.commune_id = $1 and (cast($2 as bigint) = 0 or v.village_id = $2) and v.status = $3 and v.held_on >= $4
		order by v.held_on, v.id limit $5`, communeID, villageID, StatusOpen, day.String(), limit)
	if err != nil {
		return nil, fmt.Errorf("open votes of %d: %w", communeID, err)
	}
	defer rows.Close()
	var out []OpenVote
	for rows.Next() {
		var ov OpenVote
		if ov.Vote, err = scanVote(rowsWith(rows, &ov.Title)); err != nil {
			return nil, err
		}
		out = append(out, ov)
	}
	return out, rows.Err()
}

// prefixed qualifies each column of a column list with a table alias.
func prefixed(alias, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = alias + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}

// rowsWith scans a row into a vote's columns (by scanVote) and then extra.
func rowsWith(rows *sql.Rows, extra ...any) interface{ Scan(...any) error } {
	return scanFunc(func(dest ...any) error { return rows.Scan(append(dest, extra...)...) })
}

type scanFunc func(dest ...any) error

func (f scanFunc) Scan(dest ...any) error { return f(dest...) }

// laterVotes reports whether a vote on the same matter in the same village
// was noticed after v.
func laterVotes(ctx context.Context, tx *sql.Tx, v Vote) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "select count(*) from votes where matter_id = $1 and village_id = $2 and id > $3", v.MatterID, v.VillageID, v.ID).Scan(&n)
	return n > 0, err
}

// correctCounted writes the corrected count nv of a closed vote still holding
// the count was (read before); done is false when it changed meanwhile.
func correctCounted(ctx context.Context, tx *sql.Tx, was, nv Vote) (done bool, err error) {
	t := nv.Tally
	res, err := tx.ExecContext(ctx, `update votes set present = $1, agree = $2, disagree = $3, other = $4, passed = $5, lacked_numbers = $6, team = $7,
			secretary = $8 where id = $9 and status = 'closed' and present = $10 and agree = $11 and disagree = $12 and other = $13`,
		nv.Present, t.Agree, t.Disagree, t.OtherOpinion, nv.Passed, nv.LackedNumbers, strings.Join(nv.Team, "\n"), nv.Secretary, nv.ID,
		was.Present, was.Tally.Agree, was.Tally.Disagree, was.Tally.OtherOpinion)
	if err != nil {
		return false, fmt.Errorf("correct vote %d: %w", nv.ID, err)
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// deleteCandidateVotes removes the per-candidate votes of a vote (before a corrected count writes them again).
func deleteCandidateVotes(ctx context.Context, tx *sql.Tx, voteID int64) error {
	_, err := tx.ExecContext(ctx, "delete from vote_candidates where vote_id = $1", voteID)
	return err
}

// insertCorrection writes a correction of a vote's count, by accountID.
func insertCorrection(ctx context.Context, tx *sql.Tx, matterID int64, c Correction, accountID int64) error {
	before, err := json.Marshal(c.Before)
	if err != nil {
		return err
	}
	after, err := json.Marshal(c.After)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `insert into vote_corrections (id, vote_id, matter_id, before_json, after_json, reason, created_by, created_at)
		values ($1, $2, $3, $4, $5, $6, $7, $8)`, c.ID, c.VoteID, matterID, string(before), string(after), c.Reason, accountID, c.At)
	if err != nil {
		return fmt.Errorf("insert correction: %w", err)
	}
	return nil
}

// redecideMatter sets how a matter stands after a corrected count, while its
// result is not published (no minutes sent, not annulled); moved is false otherwise.
func redecideMatter(ctx context.Context, tx *sql.Tx, matterID int64, status, day string, now int64) (moved bool, err error) {
	res, err := tx.ExecContext(ctx, "update matters set status = $1, decided_on = $2, updated_at = $3 where id = $4 and submitted_on = '' and annulled_on = ''",
		status, day, now, matterID)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// correctionsOf lists the corrections of a vote, oldest first.
func correctionsOf(ctx context.Context, q querier, voteID int64) ([]Correction, error) {
	rows, err := q.QueryContext(ctx, "select id, vote_id, before_json, after_json, reason, created_at from vote_corrections where vote_id = $1 order by id", voteID)
	if err != nil {
		return nil, fmt.Errorf("corrections of %d: %w", voteID, err)
	}
	defer rows.Close()
	var out []Correction
	for rows.Next() {
		var c Correction
		var before, after string
		if err := rows.Scan(&c.ID, &c.VoteID, &before, &after, &c.Reason, &c.At); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(before), &c.Before); err != nil {
			return nil, fmt.Errorf("correction %d: %w", c.ID, err)
		}
		if err := json.Unmarshal([]byte(after), &c.After); err != nil {
			return nil, fmt.Errorf("correction %d: %w", c.ID, err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// calendarVote is a vote as a commune's calendar shows it, with its matter's
// title and the last time anything it says changed (epoch ms).
type calendarVote struct {
	Vote
	Title      string
	Elected    bool // the matter elects people (its result is named on its page)
	AnnulledOn string
	CreatedAt  int64
	Modified   int64
}

// calendarVotes lists the votes of a commune's matters (its own and its
// villages') whose days meet [from, to], the latest first, at most limit.
func (s *Store) calendarVotes(ctx context.Context, communeID int64, from, to legal.Date, limit int) ([]calendarVote, error) {
	rows, err := s.db.QueryContext(ctx, `select `+prefixed("v.", voteCols)+`, m.title, m.candidates <> '', m.annulled_on, v.created_at,
		m.updated_at, coalesce((select max(c.created_at) from vote_corrections c where c.vote_id = v.id), 0)
		from votes v join matters m on m.id = v.matter_id
		where m.commune_id = $1 and v.held_on >= $2 and v.noticed_on <= $3
		order by v.held_on desc, v.id desc limit $4`, communeID, from.String(), to.String(), limit)
	if err != nil {
		return nil, fmt.Errorf("calendar votes of %d: %w", communeID, err)
	}
	defer rows.Close()
	var out []calendarVote
	for rows.Next() {
		var c calendarVote
		var matterAt, correctedAt int64
		if c.Vote, err = scanVote(extraCols{rows, []any{&c.Title, &c.Elected, &c.AnnulledOn, &c.CreatedAt, &matterAt, &correctedAt}}); err != nil {
			return nil, err
		}
		c.Modified = max(c.CreatedAt, c.ClosedAt, matterAt, correctedAt)
		out = append(out, c)
	}
	return out, rows.Err()
}

// extraCols scans a row of voteCols followed by more columns.
type extraCols struct {
	r     *sql.Rows
	extra []any
}

func (e extraCols) Scan(dest ...any) error { return e.r.Scan(append(dest, e.extra...)...) }
