package decision

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/web"
)

// Signatories sign the minutes of a community decision (Art 20(2)): the village
// head, the head of the Front's village committee and two household
// representatives.
type Signatories struct {
	Head, Front string
	Reps        [Witnesses]string
}

// Check refuses minutes without all four signatories.
func (s Signatories) Check() error {
	if strings.TrimSpace(s.Head) == "" || strings.TrimSpace(s.Front) == "" || strings.TrimSpace(s.Reps[0]) == "" || strings.TrimSpace(s.Reps[1]) == "" {
		return apperr.New(apperr.CodeInvalid, "decision.err.signatories").Mark("signatories")
	}
	return nil
}

// Minutes writes the minutes of a decision with the fields of Art 20(2): time;
// total households, representatives present, households absent; content;
// method; result; decision; signatures. The text is what is hashed on the
// public record.
func Minutes(m Matter, v Vote, village string, sig Signatories, rs []CandidateResult) string {
	var b strings.Builder
	outcome := "KHÔNG THÔNG QUA"
	if v.Passed {
		outcome = "THÔNG QUA"
	}
	fmt.Fprintf(&b, "BIÊN BẢN\nKết quả Nhân dân bàn và quyết định — %s\n\n", village)
	if v.Method == Online { // the time it really ended, not only the announced day
		fmt.Fprintf(&b, "1. Thời gian: biểu quyết trực tuyến từ ngày %s đến hết ngày %s như đã thông báo; kết thúc lúc %s.\n", v.NoticedOn.VN(), v.HeldOn.VN(),
			time.UnixMilli(v.ClosedAt).In(web.Vietnam).Format("15:04 02/01/2006"))
	} else {
		fmt.Fprintf(&b, "1. Thời gian: ngày %s.\n", v.HeldOn.VN())
	}
	fmt.Fprintf(&b, "2. Tổng số hộ gia đình: %d; số đại diện hộ gia đình tham gia: %d; số hộ vắng mặt, không biểu quyết: %d.\n",
		v.Households, v.Present, v.Households-v.Present)
	fmt.Fprintf(&b, "3. Nội dung: %s (khoản %d Điều 15: %s).\n", m.Title, m.Subject, Subjects[m.Subject-1])
	if m.Body != "" {
		fmt.Fprintf(&b, "   %s\n", strings.ReplaceAll(m.Body, "\n", "\n   "))
	}
	fmt.Fprintf(&b, "4. Hình thức: %s.\n", MethodNames[v.Method])
	if len(rs) > 0 {
		fmt.Fprintf(&b, "5. Kết quả bầu (%d người được bầu; người trúng cử phải có trên một nửa tổng số %d hộ, tức ít nhất %d phiếu):\n",
			m.Seats, v.Households, Majority.Needed(v.Households))
		var elected []string
		for _, r := range rs {
			mark := ""
			if r.Elected {
				mark, elected = " — trúng cử", append(elected, r.Name)
			}
			fmt.Fprintf(&b, "   %s: %d phiếu%s\n", r.Name, r.Votes, mark)
		}
		fmt.Fprintf(&b, "6. Quyết định: người trúng cử: %s.\n\n", orNone(elected))
	} else {
		fmt.Fprintf(&b, "5. Kết quả: %d hộ đồng ý, %d hộ không đồng ý, %d ý kiến khác, trên tổng số %d hộ (cần %s tổng số hộ, tức ít nhất %d hộ).\n",
			v.Tally.Agree, v.Tally.Disagree, v.Tally.OtherOpinion, v.Households, ThresholdOf(m.Subject), ThresholdOf(m.Subject).Needed(v.Households))
		fmt.Fprintf(&b, "6. Quyết định: %s.\n\n", outcome)
	}
	fmt.Fprintf(&b, "Trưởng thôn, tổ trưởng tổ dân phố: %s\nTrưởng Ban công tác Mặt trận: %s\nĐại diện hộ gia đình: %s\nĐại diện hộ gia đình: %s\n",
		strings.TrimSpace(sig.Head), strings.TrimSpace(sig.Front), strings.TrimSpace(sig.Reps[0]), strings.TrimSpace(sig.Reps[1]))
	return b.String()
}

// Clocks are the dates by which the decision must reach the commune (Art 20(3))
// and the commune must answer (Art 21(2)), with whether they are overdue.
type Clocks struct {
	SubmitBy, RecognizeBy legal.Date
	SubmitLate            bool // submitted (or still not) after SubmitBy
	RecognizeLate         bool
}

// ClocksOf works out the clocks of a decided village matter on day today.
func (s *Service) ClocksOf(ctx context.Context, m Matter, today legal.Date) (Clocks, error) {
	var c Clocks
	if m.Scope != VillageScope || m.DecidedOn == "" {
		return c, nil
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return c, err
	}
	decided, err := legal.ParseDate(m.DecidedOn)
	if err != nil {
		return c, nil
	}
	cat := legal.DefaultCatalogue()
	r, err := cat.Compute(cal, "decision.submit", decided, legal.Options{})
	if err != nil {
		return c, err
	}
	c.SubmitBy = r.Due
	submitted, err := legal.ParseDate(m.SubmittedOn)
	if err != nil { // not yet submitted
		c.SubmitLate = c.SubmitBy.Before(today)
		return c, nil
	}
	c.SubmitLate = c.SubmitBy.Before(submitted)
	r, err = cat.Compute(cal, "decision.recognize", submitted, legal.Options{})
	if err != nil {
		return c, err
	}
	c.RecognizeBy = r.Due
	answered, err := legal.ParseDate(m.RecognizedOn)
	if err != nil {
		c.RecognizeLate = c.RecognizeBy.Before(today)
	} else {
		c.RecognizeLate = c.RecognizeBy.Before(answered)
	}
	return c, nil
}

// Steps a decided village matter may still wait for.
const (
	StepSubmit    = "submit"    // minutes to the commune People's Committee and Fatherland Front (LDC Art 20(3))
	StepRecognize = "recognize" // the commune's recognition or written refusal (LDC Art 21(2))
)

// Due is a step a matter still waits for, with its deadline.
type Due struct {
	Matter Matter
	Step   string
	By     legal.Date
	Late   bool // the deadline has passed
	Soon   bool // due within SoonDays working days
}

// SoonDays is how many working days ahead a deadline counts as due soon.
const SoonDays = 2

// Dues lists the steps the matters still wait for on day today, the earliest
// deadline first: the officials' dashboard of decision clocks.
func (s *Service) Dues(ctx context.Context, ms []Matter, today legal.Date) ([]Due, error) {
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	soon := cal.AddWorkingDays(today, SoonDays)
	var out []Due
	for _, m := range ms {
		if m.AnnulledOn != "" {
			continue
		}
		c, err := s.ClocksOf(ctx, m, today)
		if err != nil {
			return nil, err
		}
		d := Due{Matter: m}
		switch {
		case c.SubmitBy.IsZero():
			continue // not a decided village matter
		case m.SubmittedOn == "":
			d.Step, d.By = StepSubmit, c.SubmitBy
		case m.RecognizedOn == "":
			d.Step, d.By = StepRecognize, c.RecognizeBy
		default:
			continue
		}
		d.Late, d.Soon = d.By.Before(today), !soon.Before(d.By)
		out = append(out, d)
	}
	slices.SortStableFunc(out, func(a, b Due) int { return a.By.JDN() - b.By.JDN() })
	return out, nil
}

// deciding is the vote that decided a matter in a village: the last closed vote
// that did not lack the numbers.
func deciding(vs []Vote) (Vote, bool) {
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Status == StatusClosed && !vs[i].LackedNumbers {
			return vs[i], true
		}
	}
	return Vote{}, false
}

// Submit writes the minutes of a decided village matter and sends them to the
// commune People's Committee and Fatherland Front (Art 20(3)); the minutes'
// SHA-256 goes on the public record.
func (s *Service) Submit(ctx context.Context, a *auth.Actor, matterID int64, sig Signatories) (Matter, error) {
	m, err := findMatter(ctx, s.db, matterID)
	if err != nil {
		return m, err
	}
	if err := s.guard.Can(ctx, a, auth.DecideMatters, m.UnitID); err != nil {
		return m, err
	}
	switch {
	case m.Scope != VillageScope:
		return m, apperr.New(apperr.CodeConflict, "decision.err.commune_no_recognition")
	case m.Status == StatusOpen:
		return m, apperr.New(apperr.CodeConflict, "decision.err.no_result")
	case m.SubmittedOn != "":
		return m, apperr.New(apperr.CodeConflict, "decision.err.submitted", web.FormatDate(m.SubmittedOn))
	}
	if err := sig.Check(); err != nil {
		return m, err
	}
	vs, err := s.Votes(ctx, m.ID)
	if err != nil {
		return m, err
	}
	v, ok := deciding(vs)
	if !ok {
		return m, apperr.New(apperr.CodeConflict, "decision.err.no_result")
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return m, err
	}
	village, _ := t.Unit(v.VillageID)
	rs, err := s.Results(ctx, m, v)
	if err != nil {
		return m, err
	}
	m.Minutes = Minutes(m, v, village.Name, sig, rs)
	m.MinutesSHA256 = audit.Sum(m.Minutes)
	m.SubmittedOn = s.today().String()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		done, err := setMinutes(ctx, tx, m, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !done {
			return apperr.New(apperr.CodeConflict, "decision.err.submitted_meanwhile")
		}
		return s.record(ctx, tx, a, m, "decision.submitted", "Gửi biên bản kết quả đến UBND xã và MTTQ xã: "+m.Title,
			map[string]any{"minutes_sha256": m.MinutesSHA256, "vote": v.ID, "passed": v.Passed})
	})
	return m, err
}

// MayRecognize checks the actor may answer matter m's submission: board
// members (item 5) are recognised by the commune Fatherland Front, everything
// else by the commune People's Committee (Art 21(2)).
func (s *Service) MayRecognize(ctx context.Context, a *auth.Actor, m Matter) error {
	action := auth.RecognizeCommune
	if m.Subject == Boards {
		action = auth.RecognizeFront
	}
	return s.guard.Can(ctx, a, action, m.CommuneID)
}

// MayAnnul checks the actor may annul matter m: the commune People's
// Committee only (Art 22).
func (s *Service) MayAnnul(ctx context.Context, a *auth.Actor, m Matter) error {
	return s.guard.Can(ctx, a, auth.RecognizeCommune, m.CommuneID)
}

// Recognize records the commune's answer to a submitted decision (Art 21(2)):
// recognition, or a refusal with its reasons. Board members (item 5) are
// recognised by the commune Fatherland Front, everything else by the commune
// People's Committee.
func (s *Service) Recognize(ctx context.Context, a *auth.Actor, matterID int64, recognized bool, reason string) (Matter, error) {
	m, err := findMatter(ctx, s.db, matterID)
	if err != nil {
		return m, err
	}
	if err := s.MayRecognize(ctx, a, m); err != nil {
		return m, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case m.SubmittedOn == "":
		return m, apperr.New(apperr.CodeConflict, "decision.err.not_submitted")
	case m.Recognition != "":
		return m, apperr.New(apperr.CodeConflict, "decision.err.answered", web.FormatDate(m.RecognizedOn))
	case !recognized && reason == "":
		return m, apperr.New(apperr.CodeInvalid, "decision.err.refusal_reason").Mark("reason")
	}
	m.Recognition, m.RecognitionNote, m.RecognizedOn = "refused", reason, s.today().String()
	what := "Không công nhận kết quả Nhân dân quyết định: "
	if recognized {
		m.Recognition, what = "recognized", "Công nhận kết quả Nhân dân quyết định: "
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		done, err := setRecognition(ctx, tx, m, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !done {
			return apperr.New(apperr.CodeConflict, "decision.err.answered_meanwhile")
		}
		return s.record(ctx, tx, a, m, "decision.recognition", what+m.Title, map[string]any{"recognition": m.Recognition, "reason": m.RecognitionNote})
	})
	return m, err
}

// Annul annuls a community decision that breaks the law or social ethics, or
// was taken against the procedure (Art 22): only the commune People's
// Committee, always with its reasons.
func (s *Service) Annul(ctx context.Context, a *auth.Actor, matterID int64, reason string) (Matter, error) {
	m, err := findMatter(ctx, s.db, matterID)
	if err != nil {
		return m, err
	}
	if err := s.MayAnnul(ctx, a, m); err != nil {
		return m, err
	}
	reason = strings.TrimSpace(reason)
	switch {
	case m.Status == StatusOpen:
		return m, apperr.New(apperr.CodeConflict, "decision.err.nothing_to_annul")
	case m.AnnulledOn != "":
		return m, apperr.New(apperr.CodeConflict, "decision.err.annulled", web.FormatDate(m.AnnulledOn))
	case reason == "":
		return m, apperr.New(apperr.CodeInvalid, "decision.err.annul_reason").Mark("reason")
	}
	m.AnnulledOn, m.AnnulReason = s.today().String(), reason
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		done, err := setAnnulled(ctx, tx, m, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !done {
			return apperr.New(apperr.CodeConflict, "decision.err.annulled_meanwhile")
		}
		return s.record(ctx, tx, a, m, "decision.annulled", "Hủy bỏ quyết định của cộng đồng dân cư: "+m.Title, map[string]any{"reason": reason})
	})
	return m, err
}

// InForce reports whether a decided matter is in force: passed, not annulled,
// and recognised where the law makes recognition the start (Art 21(2)).
func InForce(m Matter) bool {
	if m.Status != StatusPassed || m.AnnulledOn != "" {
		return false
	}
	switch EffectOf(m.Subject, m.Scope) {
	case OnCommuneRecog, OnFrontRecog:
		return m.Recognition == "recognized"
	}
	return true
}

// Stage is where a matter stands, as its pages and lists say it: "open" (put,
// noticed or being voted), "failed", "annulled", and for a passed matter
// "in_force", or, when its effect waits for the commune's recognition
// (Art 21(2)), "awaiting_minutes" (the village head has not sent the minutes,
// Art 20(3)), "awaiting_recognition" or "refused".
func (m Matter) Stage() string {
	switch {
	case m.AnnulledOn != "":
		return "annulled"
	case m.Status == StatusOpen:
		return "open"
	case m.Status == StatusFailed:
		return "failed"
	case InForce(m):
		return "in_force"
	case m.Recognition == "refused":
		return "refused"
	case m.SubmittedOn == "":
		return "awaiting_minutes"
	}
	return "awaiting_recognition"
}

// Step is an election step with its last day.
type Step struct {
	ElectionStep
	By   legal.Date
	Late bool // the last day is before the day the matter was put (too late to keep)
}

// ElectionTimeline works out the last day of each step before an election held
// on day (ND 59 Art 6), and whether a matter put on proposed can still keep it.
func (s *Service) ElectionTimeline(ctx context.Context, day, proposed legal.Date) ([]Step, error) {
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	cat := legal.DefaultCatalogue()
	out := make([]Step, len(ElectionSteps))
	for i, st := range ElectionSteps {
		r, err := cat.Compute(cal, st.Rule, day, legal.Options{})
		if err != nil {
			return nil, err
		}
		out[i] = Step{ElectionStep: st, By: r.Due, Late: r.Due.Before(proposed)}
	}
	return out, nil
}
