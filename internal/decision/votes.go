package decision

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/code"
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
	v, err = tallied(m, v, c)
	if err != nil {
		return v, err
	}
	election := len(m.Candidates) > 0
	v.Status = StatusClosed
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		counted, err := closeCounted(ctx, tx, v, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !counted {
			return apperr.New(apperr.CodeConflict, "decision.err.has_result")
		}
		if election && !v.LackedNumbers {
			if err := insertCandidateVotes(ctx, tx, s.db, v.ID, c.PerCandidate); err != nil {
				return err
			}
		}
		return s.closed(ctx, tx, a, m, v)
	})
	return v, err
}

// tallied is vote v with count c entered (checked against the electorate and
// the method): its tally, attendance and result (Arts 19–21; ND 59 for
// elections). Nothing is written.
func tallied(m Matter, v Vote, c Count) (Vote, error) {
	v.Passed, v.LackedNumbers = false, false // a correction starts from the stored result: worked out afresh
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
	return v, nil
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
	// Two villages closing their votes at once must not each count the
	// other's as not yet closed (then neither decides): outcome takes the
	// matter's row lock, and the second counts after the first committed.
	status, decided, err := s.outcome(ctx, tx, m)
	if err != nil || !decided {
		return err
	}
	// Only an open matter is decided: if another vote decided it meanwhile,
	// its decision stands (this vote's result is on the record all the same).
	// The day is the day it really was decided: a meeting's or ballot's day,
	// an online vote's close.
	day := last.HeldOn
	if last.Method == Online {
		day = s.today()
	}
	return decideMatter(ctx, tx, m.ID, status, day.String(), s.db.NowMillis())
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
		isOpen, err := lockOpenVote(ctx, tx, b.VoteID)
		if err != nil {
			return fail(err)
		}
		open[b.VoteID] = isOpen
	}
	ins, err := prepareBallot(ctx, tx, s.db)
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
		written, err := insertBallot(ctx, ins, b)
		if err != nil {
			return fail(err)
		}
		if !written {
			// Nothing written: not a representative in this vote, or the household has voted.
			represents, err := representsIn(ctx, tx, b.VoteID, b.AccountID)
			switch {
			case err != nil:
				return fail(err)
			case !represents:
				errs[i] = errNotRepresentative
			default:
				errs[i] = errVoted
			}
			continue
		}
		counts[key{b.VoteID, b.Choice}]++
	}
	for k, n := range counts {
		if err := addChoices(ctx, tx, k.vote, k.choice, n); err != nil {
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
	if s.today().Before(v.ClosesFrom()) { // announced to run to the end of its last day (ND 59 Art 5)
		return v, apperr.New(apperr.CodeConflict, "decision.err.close_too_early", v.HeldOn.VN(), v.ClosesFrom().VN())
	}
	m, err := findMatter(ctx, s.db, v.MatterID)
	if err != nil {
		return v, err
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		closedNow, err := closeOnline(ctx, tx, v.ID, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !closedNow { // closed meanwhile by someone else
			return apperr.New(apperr.CodeConflict, "decision.err.end_only_online")
		}
		cur, err := findVote(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		cur.Present = cur.Tally.Agree + cur.Tally.Disagree + cur.Tally.OtherOpinion
		cur.ClosedAt = s.db.NowMillis()
		r, err := Decide(m.Subject, cur.Tally)
		if err != nil {
			return err
		}
		cur.Passed = r.Passed
		if err := setOnlineResult(ctx, tx, v.ID, cur.Present, cur.Passed); err != nil {
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
	receipt, ok := code.Parse(receipt, "")
	if !ok {
		return false, nil
	}
	return s.hasReceipt(ctx, voteID, receipt)
}
