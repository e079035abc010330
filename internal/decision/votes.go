package decision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/code"
	"danchu/internal/org"
)

// Count is what the secretary or the ballot team enters after a meeting or a
// paper ballot.
type Count struct {
	Present                int // meeting: households represented
	Agree, Disagree, Other int
	Committee              []string // meeting: the ballot committee chosen by the meeting (3–5)
	Secretary              string
	PerCandidate           []int // an election: the votes of each candidate, in the matter's order
}

// CandidateResult is a candidate's votes in an election.
type CandidateResult struct {
	Name    string
	Votes   int
	Elected bool
}

// Results returns the per-candidate votes of a closed election vote (nil for a
// yes/no question).
func (s *Service) Results(ctx context.Context, m Matter, v Vote) ([]CandidateResult, error) {
	if len(m.Candidates) == 0 || v.Status != StatusClosed || v.LackedNumbers {
		return nil, nil
	}
	return results(ctx, s.db, m, v)
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

// RecordCount enters the count of a meeting or a paper ballot and closes the
// vote. A meeting whose attendance could not reach the threshold lacked the
// numbers: nothing is decided and the fallback (a household ballot) opens.
func (s *Service) RecordCount(ctx context.Context, a *auth.Actor, voteID int64, c Count) (Vote, error) {
	v, err := findVote(ctx, s.db, voteID)
	if err != nil {
		return v, err
	}
	if err := s.guard.Can(ctx, a, auth.DecideMatters, v.VillageID); err != nil {
		return v, err
	}
	m, err := findMatter(ctx, s.db, v.MatterID)
	if err != nil {
		return v, err
	}
	switch {
	case v.Method == Online:
		return v, apperr.New(apperr.CodeConflict, "decision.err.online_counted")
	case v.Status != StatusOpen:
		return v, apperr.New(apperr.CodeConflict, "decision.err.has_result")
	case s.today().Before(v.HeldOn):
		return v, apperr.New(apperr.CodeConflict, "decision.err.too_early", v.HeldOn.VN())
	}
	election := len(m.Candidates) > 0
	if election {
		c.Agree, c.Disagree, c.Other = 0, 0, 0
		if len(c.PerCandidate) != len(m.Candidates) {
			return v, apperr.New(apperr.CodeInvalid, "decision.err.candidate_votes").Mark("candidates")
		}
		if err := CheckCandidateVotes(c.PerCandidate, v.Households, m.Seats); err != nil {
			return v, err
		}
		if v.Method == Ballot {
			c.Present = max(c.Present, 0)
		}
		for _, k := range c.PerCandidate {
			if c.Present > 0 && k > c.Present {
				return v, apperr.New(apperr.CodeInvalid, "decision.err.candidate_over_present", k, c.Present).Mark("present")
			}
		}
	}
	t := Tally{Households: v.Households, Agree: c.Agree, Disagree: c.Disagree, OtherOpinion: c.Other}
	if err := t.Check(); err != nil {
		return v, err
	}
	present := t.Agree + t.Disagree + t.OtherOpinion
	if election {
		present = c.Present
		if present > v.Households || (v.Method == Ballot && present == 0) {
			return v, apperr.New(apperr.CodeInvalid, "decision.err.present_ballots", v.Households).Mark("present")
		}
	}
	if v.Method == Meeting {
		if c.Present < 0 || c.Present > v.Households {
			return v, apperr.New(apperr.CodeInvalid, "decision.err.present_range", v.Households).Mark("present")
		}
		if present > c.Present {
			return v, apperr.New(apperr.CodeInvalid, "decision.err.votes_over_present", present, c.Present).Mark("present")
		}
		present = c.Present
		if CanDecide(m.Subject, present, v.Households) {
			if err := CheckTeam(len(cleanNames(c.Committee))); err != nil {
				return v, err
			}
			if strings.TrimSpace(c.Secretary) == "" {
				return v, apperr.New(apperr.CodeInvalid, "decision.err.secretary").Mark("secretary")
			}
		}
	}
	v.Present, v.Tally = present, t
	if v.Method == Meeting && !CanDecide(m.Subject, present, v.Households) {
		v.LackedNumbers = true
	} else if election {
		v.Passed = len(Elected(c.PerCandidate, v.Households, m.Seats)) > 0
	} else {
		r, _ := Decide(m.Subject, t)
		v.Passed = r.Passed
	}
	if len(c.Committee) > 0 {
		v.Team = cleanNames(c.Committee)
	}
	v.Secretary = strings.TrimSpace(c.Secretary)
	v.Status = StatusClosed
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `update votes set present = $1, agree = $2, disagree = $3, other = $4, status = $5, passed = $6, lacked_numbers = $7,
			team = $8, secretary = $9, closed_at = $10 where id = $11 and status = 'open'`, v.Present, t.Agree, t.Disagree, t.OtherOpinion, v.Status, v.Passed,
			v.LackedNumbers, strings.Join(v.Team, "\n"), v.Secretary, s.db.NowMillis(), v.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.CodeConflict, "decision.err.has_result")
		}
		if election && !v.LackedNumbers {
			if err := s.db.InsertBatches(ctx, tx, "vote_candidates", []string{"vote_id", "n", "votes"}, len(c.PerCandidate),
				func(i int) []any { return []any{v.ID, i + 1, c.PerCandidate[i]} }, nil); err != nil {
				return err
			}
		}
		return s.closed(ctx, tx, a, m, v)
	})
	return v, err
}

// closed records a vote's result and settles the matter when it can be.
func (s *Service) closed(ctx context.Context, tx *sql.Tx, a *auth.Actor, m Matter, v Vote) error {
	outcome := "không thông qua"
	switch {
	case v.LackedNumbers:
		outcome = "không đủ số hộ dự họp để quyết định"
	case v.Passed:
		outcome = "thông qua"
	}
	th := ThresholdOf(m.Subject)
	summary := fmt.Sprintf("Kết quả biểu quyết (%s): %d/%d hộ đồng ý, cần %d — %s: %s", MethodNames[v.Method], v.Tally.Agree, v.Households,
		th.Needed(v.Households), outcome, m.Title)
	var elected []string
	if len(m.Candidates) > 0 && !v.LackedNumbers {
		rs, err := results(ctx, tx, m, v)
		if err != nil {
			return err
		}
		var parts []string
		for _, r := range rs {
			parts = append(parts, fmt.Sprintf("%s %d phiếu", r.Name, r.Votes))
			if r.Elected {
				elected = append(elected, r.Name)
			}
		}
		summary = fmt.Sprintf("Kết quả bầu (%s), %d hộ, cần trên %d phiếu: %s — trúng cử: %s: %s", MethodNames[v.Method], v.Households,
			v.Households/2, strings.Join(parts, "; "), orNone(elected), m.Title)
	}
	if err := s.record(ctx, tx, a, m, "decision.counted", summary, map[string]any{"elected": elected,
		"vote": v.ID, "village": v.VillageID, "method": v.Method, "households": v.Households, "present": v.Present, "agree": v.Tally.Agree,
		"disagree": v.Tally.Disagree, "other": v.Tally.OtherOpinion, "absent": v.Tally.Absent(), "passed": v.Passed, "lacked_numbers": v.LackedNumbers}); err != nil {
		return err
	}
	return s.settle(ctx, tx, m, v)
}

// settle decides the matter once its votes allow: a village matter by its
// village's vote; a commune-wide matter when every village has voted, passed if
// at least two thirds of the villages passed it (Art 21(1)).
func (s *Service) settle(ctx context.Context, tx *sql.Tx, m Matter, last Vote) error {
	if last.LackedNumbers {
		return nil // the fallback vote decides
	}
	status := StatusFailed
	if m.Scope == VillageScope {
		if last.Passed {
			status = StatusPassed
		}
	} else {
		// Two villages closing their votes at once must not each count the
		// other's as not yet closed (then neither decides): the matter's row
		// lock orders them, and the second counts after the first committed
		// (the public record's head lock happens to order them too; this one
		// does not depend on it).
		if _, err := tx.ExecContext(ctx, "update matters set updated_at = updated_at where id = $1", m.ID); err != nil {
			return err
		}
		t, err := s.units.Tree(ctx)
		if err != nil {
			return err
		}
		villages, passed, voted := 0, 0, 0
		for _, u := range t.Descendants(m.UnitID) {
			if u.ParentID != m.UnitID || u.Type.Level() != org.VillageLevel {
				continue
			}
			villages++
			var ok sql.NullBool
			err := tx.QueryRowContext(ctx, `select passed from votes where matter_id = $1 and village_id = $2 and status = 'closed' and not lacked_numbers
				order by id desc limit 1`, m.ID, u.ID).Scan(&ok)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			voted++
			if ok.Bool {
				passed++
			}
		}
		if voted < villages {
			return nil
		}
		if CommunePassed(passed, villages) {
			status = StatusPassed
		}
	}
	// Only an open matter is decided: if another vote decided it meanwhile,
	// its decision stands (this vote's result is on the record all the same).
	_, err := tx.ExecContext(ctx, "update matters set status = $1, decided_on = $2, updated_at = $3 where id = $4 and status = $5", status, last.HeldOn.String(),
		s.db.NowMillis(), m.ID, StatusOpen)
	return err
}

func orNone(names []string) string {
	if len(names) == 0 {
		return "không ai"
	}
	return strings.Join(names, ", ")
}

// ballot is one online vote on its way to the database.
type ballot struct {
	VoteID, HouseholdID, AccountID int64
	Choice, Opinion, Receipt       string
	At                             int64
}

var errVoted = apperr.New(apperr.CodeConflict, "decision.err.voted")
var errClosedVote = apperr.New(apperr.CodeConflict, "decision.err.vote_closed")
var errNotRepresentative = apperr.New(apperr.CodeForbidden, "decision.err.not_representative")

// writeBallots stores a batch: a vote closed meanwhile refuses its ballots, a
// second ballot of a household is refused, and the counters move in the same
// transaction.
func (s *Service) writeBallots(ctx context.Context, tx *sql.Tx, items []ballot) []error {
	errs := make([]error, len(items))
	fail := func(err error) []error {
		for i := range errs {
			errs[i] = fmt.Errorf("store ballots: %w", err)
		}
		return errs
	}
	open := map[int64]bool{}
	for _, b := range items {
		if _, seen := open[b.VoteID]; seen {
			continue
		}
		// Touching the row first locks it (PostgreSQL) against a concurrent close.
		res, err := tx.ExecContext(ctx, "update votes set status = status where id = $1 and status = 'open'", b.VoteID)
		if err != nil {
			return fail(err)
		}
		n, _ := res.RowsAffected()
		open[b.VoteID] = n == 1
	}
	// Written from the representative's side: the planner starts from the account's households, not the electorate.
	ins, err := s.db.Cached().In(ctx, tx, `insert into vote_ballots (vote_id, household_id, choice, opinion, receipt, account_id, created_at)
		select $1, h.id, $3, $4, $5, $2, $6 from households h where h.representative_account_id = $2
		and exists (select 1 from vote_households vh where vh.vote_id = $1 and vh.household_id = h.id)
		order by h.id limit 1 on conflict (vote_id, household_id) do nothing`)
	if err != nil {
		return fail(err)
	}
	defer ins.Close()
	type key struct {
		vote   int64
		choice string
	}
	counts := map[key]int{}
	for i, b := range items {
		if !open[b.VoteID] {
			errs[i] = errClosedVote
			continue
		}
		res, err := ins.ExecContext(ctx, b.VoteID, b.AccountID, b.Choice, b.Opinion, b.Receipt, b.At)
		if err != nil {
			return fail(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// Nothing written: not a representative in this vote, or the household has voted.
			var household int64
			err := tx.QueryRowContext(ctx, `select h.id from households h where h.representative_account_id = $2
				and exists (select 1 from vote_households vh where vh.vote_id = $1 and vh.household_id = h.id) limit 1`, b.VoteID, b.AccountID).Scan(&household)
			switch {
			case errors.Is(err, sql.ErrNoRows):
				errs[i] = errNotRepresentative
			case err != nil:
				return fail(err)
			default:
				errs[i] = errVoted
			}
			continue
		}
		counts[key{b.VoteID, b.Choice}]++
	}
	for k, n := range counts {
		col := map[string]string{ChoiceAgree: "agree", ChoiceDisagree: "disagree", ChoiceOther: "other"}[k.choice]
		if _, err := tx.ExecContext(ctx, "update votes set "+col+" = "+col+" + $1 where id = $2", n, k.vote); err != nil {
			return fail(err)
		}
	}
	return errs
}

// forBallot returns an online vote from a one-second memory: while ballots pour
// in, the vote's window does not change.
func (s *Service) forBallot(ctx context.Context, id int64) (Vote, error) {
	if v, ok := s.recent.Get(id); ok {
		return v, nil
	}
	v, err := findVote(ctx, s.db, id)
	if err == nil {
		s.recent.Put(id, v)
	}
	return v, err
}

// Cast records a household's online vote, cast by its representative, and
// returns the receipt code under which the ballot is listed after the close.
func (s *Service) Cast(ctx context.Context, a *auth.Actor, voteID int64, choice, opinion string) (string, error) {
	if a == nil || a.Kind != auth.Citizen {
		return "", apperr.New(apperr.CodeForbidden, "decision.err.sign_in")
	}
	v, err := s.forBallot(ctx, voteID)
	if err != nil {
		return "", err
	}
	if v.Method != Online {
		return "", apperr.New(apperr.CodeNotFound, "decision.err.online_not_found")
	}
	if !v.Open(s.today()) {
		return "", apperr.New(apperr.CodeConflict, "decision.err.vote_ended", v.HeldOn.VN())
	}
	opinion = strings.TrimSpace(opinion)
	switch {
	case choice != ChoiceAgree && choice != ChoiceDisagree && choice != ChoiceOther:
		return "", apperr.New(apperr.CodeInvalid, "decision.err.choice").Mark("choice")
	case choice == ChoiceOther && opinion == "":
		return "", apperr.New(apperr.CodeInvalid, "decision.err.opinion_required").Mark("opinion")
	case utf8.RuneCountInString(opinion) > MaxOpinion:
		return "", apperr.New(apperr.CodeInvalid, "decision.err.opinion_long", MaxOpinion).Mark("opinion")
	}
	if choice != ChoiceOther {
		opinion = ""
	}
	receipt := code.New("")
	// The writer finds the household this account represents now, among those
	// fixed at notice, in the insert itself: a representative replaced during
	// the vote can no longer vote for it.
	err = s.ballots.Submit(ctx, ballot{VoteID: voteID, AccountID: a.AccountID, Choice: choice, Opinion: opinion,
		Receipt: receipt, At: s.db.NowMillis()})
	if err != nil {
		return "", err
	}
	return receipt, nil
}

// CloseOnline ends an online vote: the counters, kept with every ballot, are the
// tally.
func (s *Service) CloseOnline(ctx context.Context, a *auth.Actor, voteID int64) (Vote, error) {
	v, err := findVote(ctx, s.db, voteID)
	if err != nil {
		return v, err
	}
	if err := s.guard.Can(ctx, a, auth.DecideMatters, v.VillageID); err != nil {
		return v, err
	}
	if v.Method != Online || v.Status != StatusOpen {
		return v, apperr.New(apperr.CodeConflict, "decision.err.end_only_online")
	}
	m, err := findMatter(ctx, s.db, v.MatterID)
	if err != nil {
		return v, err
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "update votes set status = $1, closed_at = $2 where id = $3 and status = 'open'", StatusClosed, s.db.NowMillis(), v.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 { // closed meanwhile by someone else
			return apperr.New(apperr.CodeConflict, "decision.err.end_only_online")
		}
		cur, err := findVote(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		cur.Present = cur.Tally.Agree + cur.Tally.Disagree + cur.Tally.OtherOpinion
		r, err := Decide(m.Subject, cur.Tally)
		if err != nil {
			return err
		}
		cur.Passed = r.Passed
		if _, err := tx.ExecContext(ctx, "update votes set present = $1, passed = $2 where id = $3", cur.Present, cur.Passed, v.ID); err != nil {
			return err
		}
		receipts, err := receiptsOf(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		// The receipts' digest on the public record: the published list cannot change unseen.
		if err := s.closed(ctx, tx, a, m, cur); err != nil {
			return err
		}
		v = cur
		return s.rec.AppendData(ctx, tx, audit.Record{UnitID: m.UnitID, Kind: "decision.receipts", ObjectType: "vote", ObjectID: fmt.Sprint(v.ID),
			Summary: fmt.Sprintf("Danh sách %d mã phiếu biểu quyết trực tuyến: %s", len(receipts), m.Title)},
			map[string]any{"vote": v.ID, "receipts": len(receipts), "sha256": audit.Sum(strings.Join(receipts, "\n"))})
	})
	s.recent.Forget(voteID)
	return v, err
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

// Receipts lists the receipt codes of a closed online vote, sorted; before the
// close nothing is shown.
func (s *Service) Receipts(ctx context.Context, voteID int64) ([]string, error) {
	v, err := findVote(ctx, s.db, voteID)
	if err != nil {
		return nil, err
	}
	if v.Status != StatusClosed {
		return nil, apperr.New(apperr.CodeConflict, "decision.err.receipts_after")
	}
	return receiptsOf(ctx, s.db, voteID)
}

// Counted reports whether receipt is among the ballots counted in a closed
// online vote (before the close: an error, nothing is shown).
func (s *Service) Counted(ctx context.Context, voteID int64, receipt string) (bool, error) {
	v, err := findVote(ctx, s.db, voteID)
	if err != nil {
		return false, err
	}
	if v.Status != StatusClosed {
		return false, apperr.New(apperr.CodeConflict, "decision.err.receipts_after")
	}
	var n int
	receipt, ok := code.Parse(receipt, "")
	if !ok {
		return false, nil
	}
	err = s.db.QueryRowContext(ctx, "select count(*) from vote_ballots where vote_id = $1 and receipt = $2", voteID, receipt).Scan(&n)
	return n == 1, err
}
