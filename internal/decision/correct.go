package decision

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Counted is the part of a vote a count sets, as a correction shows it before
// and after.
type Counted struct {
	Present       int   `json:"present"`
	Agree         int   `json:"agree"`
	Disagree      int   `json:"disagree"`
	Other         int   `json:"other"`
	PerCandidate  []int `json:"per_candidate,omitempty"`
	Passed        bool  `json:"passed"`
	LackedNumbers bool  `json:"lacked_numbers"`
}

// Correction is a recorded count corrected, with its reason.
type Correction struct {
	ID, VoteID    int64
	Before, After Counted
	Reason        string
	At            int64 // epoch milliseconds: when it was corrected
}

// MaxReason is the longest reason of a correction.
const MaxReason = 2000

// sameCount reports whether two counts carry the same numbers and result.
func sameCount(a, b Counted) bool {
	return a.Present == b.Present && a.Agree == b.Agree && a.Disagree == b.Disagree && a.Other == b.Other &&
		slices.Equal(a.PerCandidate, b.PerCandidate) && a.Passed == b.Passed && a.LackedNumbers == b.LackedNumbers
}

func countedOf(v Vote, per []int) Counted {
	return Counted{Present: v.Present, Agree: v.Tally.Agree, Disagree: v.Tally.Disagree, Other: v.Tally.OtherOpinion, PerCandidate: per,
		Passed: v.Passed, LackedNumbers: v.LackedNumbers}
}

// CorrectCount corrects the count of a meeting or paper ballot that was
// entered wrong, with the reason, while its result is not yet published: until
// the minutes are sent to the commune (Art 20(3)) or the decision is annulled.
// The matter is settled again from the corrected count; the correction is
// audited and goes on the public record with the numbers before and after.
// The latest vote of a village only: once a fallback vote was noticed, the
// count it followed stands.
func (s *Service) CorrectCount(ctx context.Context, a *auth.Actor, voteID int64, c Count, reason string) (Vote, error) {
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
	if err := s.CorrectionOpen(ctx, m); err != nil {
		return v, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case v.Method == Online:
		return v, apperr.New(apperr.CodeConflict, "decision.err.correct_online")
	case v.Status != StatusClosed:
		return v, apperr.New(apperr.CodeConflict, "decision.err.correct_open")
	case reason == "":
		return v, apperr.New(apperr.CodeInvalid, "decision.err.correct_reason").Mark("reason")
	case utf8.RuneCountInString(reason) > MaxReason:
		return v, apperr.New(apperr.CodeInvalid, "decision.err.correct_reason_long", MaxReason).Mark("reason")
	}
	if len(c.Committee) == 0 || len(cleanNames(c.Committee)) == 0 {
		c.Committee = v.Team
	}
	if strings.TrimSpace(c.Secretary) == "" {
		c.Secretary = v.Secretary
	}
	var beforePer []int
	if len(m.Candidates) > 0 && !v.LackedNumbers {
		rs, err := results(ctx, s.db, m, v)
		if err != nil {
			return v, err
		}
		for _, r := range rs {
			beforePer = append(beforePer, r.Votes)
		}
	}
	before := countedOf(v, beforePer)
	nv, err := tallied(m, v, c)
	if err != nil {
		return v, err
	}
	if len(m.Candidates) == 0 {
		c.PerCandidate = nil
	}
	after := countedOf(nv, c.PerCandidate)
	if sameCount(before, after) && slices.Equal(nv.Team, v.Team) && nv.Secretary == v.Secretary {
		// A replayed post or a second click: a correction must change something, or it would
		// stand on the public record as one that did.
		return v, apperr.New(apperr.CodeConflict, "decision.err.correct_same")
	}
	now := s.db.NowMillis()
	corr := Correction{ID: s.db.NewID(), VoteID: v.ID, Before: before, After: after, Reason: reason, At: now}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		later, err := laterVotes(ctx, tx, v)
		if err != nil {
			return err
		}
		if later {
			return apperr.New(apperr.CodeConflict, "decision.err.correct_later")
		}
		done, err := correctCounted(ctx, tx, v, nv)
		if err != nil {
			return err
		}
		if !done { // counted or corrected meanwhile: read again
			return apperr.New(apperr.CodeConflict, "decision.err.correct_meanwhile")
		}
		if len(m.Candidates) > 0 {
			if err := deleteCandidateVotes(ctx, tx, v.ID); err != nil {
				return err
			}
			if !nv.LackedNumbers {
				if err := insertCandidateVotes(ctx, tx, s.db, v.ID, c.PerCandidate); err != nil {
					return err
				}
			}
		}
		if err := insertCorrection(ctx, tx, m.ID, corr, a.AccountID); err != nil {
			return err
		}
		status, decided, err := s.outcome(ctx, tx, m)
		if err != nil {
			return err
		}
		day := m.DecidedOn
		if !decided {
			status, day = StatusOpen, ""
		} else if day == "" {
			day = nv.HeldOn.String()
		}
		moved, err := redecideMatter(ctx, tx, m.ID, status, day, now)
		if err != nil {
			return err
		}
		if !moved {
			return apperr.New(apperr.CodeConflict, "decision.err.correct_published_meanwhile")
		}
		return s.record(ctx, tx, a, m, "decision.corrected", fmt.Sprintf("Sửa kết quả biểu quyết đã ghi (%s): %d → %d hộ đồng ý, %d → %d hộ không đồng ý, %d → %d ý kiến khác — lý do: %s: %s",
			MethodNames[v.Method], before.Agree, after.Agree, before.Disagree, after.Disagree, before.Other, after.Other, reason, m.Title),
			map[string]any{"correction": corr.ID, "vote": v.ID, "village": v.VillageID, "households": v.Households, "before": before, "after": after,
				"reason": reason, "status": status})
	})
	return nv, err
}

// CorrectionOpen is nil while the counts of matter m's votes may still be
// corrected, else the conflict saying why not: a village matter's result is
// published when its minutes are sent (Art 20(3)); a commune-wide matter sends
// none and is in force from the day it is decided, so its villages' counts may
// be corrected only in the time a village's result has to reach the commune
// (rule decision.submit, 5 working days from the decision) — later, one
// village's correction would overturn a decision in force. An annulled
// decision is never corrected.
func (s *Service) CorrectionOpen(ctx context.Context, m Matter) error {
	switch {
	case m.SubmittedOn != "":
		return apperr.New(apperr.CodeConflict, "decision.err.correct_published", web.FormatDate(m.SubmittedOn))
	case m.AnnulledOn != "":
		return apperr.New(apperr.CodeConflict, "decision.err.correct_annulled", web.FormatDate(m.AnnulledOn))
	case m.Scope != CommuneScope || m.DecidedOn == "":
		return nil
	}
	decided, err := legal.ParseDate(m.DecidedOn)
	if err != nil {
		return fmt.Errorf("matter %d decided on %q: %w", m.ID, m.DecidedOn, err)
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return err
	}
	r, err := legal.DefaultCatalogue().Compute(cal, "decision.submit", decided, legal.Options{})
	if err != nil {
		return err
	}
	if r.Due.Before(s.today()) {
		return apperr.New(apperr.CodeConflict, "decision.err.correct_in_force", decided.VN(), r.Due.VN())
	}
	return nil
}

// outcome is how a matter stands from its votes as stored in tx: decided
// false while a village matter's vote lacked the numbers or a commune-wide
// matter still waits for a village; else passed or failed (Art 21(1)).
func (s *Service) outcome(ctx context.Context, tx *sql.Tx, m Matter) (status string, decided bool, err error) {
	if m.Scope == VillageScope {
		passed, voted, err := villageResult(ctx, tx, m.ID, m.UnitID)
		if err != nil || !voted {
			return StatusOpen, false, err
		}
		if passed {
			return StatusPassed, true, nil
		}
		return StatusFailed, true, nil
	}
	if err := lockMatter(ctx, tx, m.ID); err != nil {
		return "", false, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return "", false, err
	}
	villages, passed, voted := 0, 0, 0
	for _, u := range t.Descendants(m.UnitID) {
		if u.ParentID != m.UnitID || u.Type.Level() != org.VillageLevel {
			continue
		}
		villages++
		ok, hasVoted, err := villageResult(ctx, tx, m.ID, u.ID)
		if err != nil {
			return "", false, err
		}
		if hasVoted {
			voted++
			if ok {
				passed++
			}
		}
	}
	if voted < villages {
		return StatusOpen, false, nil
	}
	if CommunePassed(passed, villages) {
		return StatusPassed, true, nil
	}
	return StatusFailed, true, nil
}

// Corrections lists the corrections of a vote's count, oldest first.
func (s *Service) Corrections(ctx context.Context, voteID int64) ([]Correction, error) {
	return correctionsOf(ctx, s.db, voteID)
}
