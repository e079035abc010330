// Package decision is the capability "Nhân dân bàn và quyết định" (LDC Arts
// 15–24; Nghị định 59/2023 Arts 3–9; Nghị định 61/2023 for hương ước): matters a
// village (or the whole commune) decides, one vote per household, meetings,
// household ballots, online votes, thresholds over all households, minutes and
// recognition. This file holds the rules, pure; the store, service and pages
// come next.
package decision

import (
	"fmt"

	"danchu/internal/apperr"
)

// Subjects a community decides (LDC Art 15), numbered as the law numbers them.
const (
	Infrastructure = 1 // chủ trương, mức đóng góp xây dựng công trình công cộng
	Funds          = 2 // thu, chi, quản lý khoản đóng góp và quỹ của cộng đồng
	Convention     = 3 // hương ước, quy ước
	VillageHead    = 4 // bầu, miễn nhiệm, bãi nhiệm trưởng thôn, tổ trưởng tổ dân phố
	Boards         = 5 // bầu, miễn nhiệm, bãi nhiệm thành viên Ban TTND, Ban GSĐTCĐ
	Other          = 6 // công việc tự quản khác
)

// Subjects names the subjects, index n-1 for subject n.
var Subjects = []string{
	"Chủ trương và mức đóng góp xây dựng công trình công cộng, cơ sở hạ tầng",
	"Thu, chi, quản lý các khoản đóng góp và quỹ của cộng đồng dân cư",
	"Hương ước, quy ước của cộng đồng dân cư",
	"Bầu, cho thôi làm trưởng thôn, tổ trưởng tổ dân phố",
	"Bầu, cho thôi làm thành viên Ban Thanh tra nhân dân, Ban Giám sát đầu tư của cộng đồng",
	"Các công việc tự quản khác trong nội bộ cộng đồng dân cư",
}

// ValidSubject reports whether n is one of the six subjects.
func ValidSubject(n int) bool { return n >= Infrastructure && n <= Other }

// Scope is who decides: one village (thôn, tổ dân phố) or every village of a
// commune (items 1–2 only).
type Scope string

// Scopes.
const (
	VillageScope Scope = "village"
	CommuneScope Scope = "commune"
)

// CheckScope refuses a commune-wide matter on a subject the law leaves to each
// village (Art 21(1): only items 1–2 are decided over the commune).
func CheckScope(subject int, s Scope) error {
	switch {
	case !ValidSubject(subject):
		return apperr.New(apperr.CodeInvalid, "decision.err.subject").Mark("subject")
	case s == VillageScope:
		return nil
	case s == CommuneScope && (subject == Infrastructure || subject == Funds):
		return nil
	case s == CommuneScope:
		return apperr.New(apperr.CodeInvalid, "decision.err.village_only").Mark("scope")
	}
	return apperr.New(apperr.CodeInvalid, "decision.err.scope").Mark("scope")
}

// Threshold is a pass mark over all households of the electorate (not those present).
type Threshold struct {
	Num, Den int
	Strict   bool // more than Num/Den; otherwise at least
}

// Thresholds of Art 21(1): at least two thirds for items 1–2, more than half for 3–6.
var (
	TwoThirds = Threshold{Num: 2, Den: 3}
	Majority  = Threshold{Num: 1, Den: 2, Strict: true}
)

// ThresholdOf is the pass mark of a subject (Art 21(1)).
func ThresholdOf(subject int) Threshold {
	if subject == Infrastructure || subject == Funds {
		return TwoThirds
	}
	return Majority
}

// Met reports whether yes of total meets the threshold, in integers (no rounding).
func (t Threshold) Met(yes, total int) bool {
	if total <= 0 || yes < 0 {
		return false
	}
	if t.Strict {
		return yes*t.Den > t.Num*total
	}
	return yes*t.Den >= t.Num*total
}

// Needed is the fewest votes that meet the threshold out of total.
func (t Threshold) Needed(total int) int {
	if total <= 0 {
		return 1
	}
	n := t.Num * total / t.Den
	if !t.Met(n, total) {
		n++
	}
	return n
}

func (t Threshold) String() string {
	if t.Strict {
		return fmt.Sprintf("trên %d/%d", t.Num, t.Den)
	}
	return fmt.Sprintf("từ %d/%d trở lên", t.Num, t.Den)
}

// MaxTitle is the longest title of a matter, in characters.
const MaxTitle = 300

// Method is how the households vote.
type Method string

// Methods (Art 17; ND 59 Arts 3–5).
const (
	Meeting Method = "meeting" // họp cộng đồng dân cư
	Ballot  Method = "ballot"  // phát phiếu lấy ý kiến hộ gia đình
	Online  Method = "online"  // biểu quyết trực tuyến
)

// MethodFacts are what decides whether a method may be used.
type MethodFacts struct {
	MeetingFailed bool // a meeting on the matter lacked the numbers
	OptedIn       int  // households that agreed to vote online
	Households    int  // households of the electorate
}

// CheckMethod refuses a method the law does not allow for the subject (Art 17;
// ND 59 Art 5: online for item 6 only, when more than half of all households
// opted in; items 3–5 by ballot only after a meeting that lacked the numbers).
func CheckMethod(subject int, m Method, f MethodFacts) error {
	switch m {
	case Meeting:
		return nil
	case Ballot:
		if (subject == Convention || subject == VillageHead || subject == Boards) && !f.MeetingFailed {
			return apperr.New(apperr.CodeInvalid, "decision.err.meeting_first").Mark("method")
		}
		return nil
	case Online:
		if subject != Other {
			return apperr.New(apperr.CodeInvalid, "decision.err.online_not_allowed").Mark("method")
		}
		if !Majority.Met(f.OptedIn, f.Households) {
			return apperr.New(apperr.CodeInvalid, "decision.err.opt_in", f.OptedIn, f.Households, Majority.Needed(f.Households)).Mark("method")
		}
		return nil
	}
	return apperr.New(apperr.CodeInvalid, "decision.err.method").Mark("method")
}

// Tally is the count of one vote. Households is the electorate, fixed when the
// meeting or ballot was noticed; households that did not vote count against.
type Tally struct {
	Households      int
	Agree, Disagree int
	OtherOpinion    int // ý kiến khác (online votes)
}

// Check refuses counts that cannot be: negative, or more votes than households.
func (t Tally) Check() error {
	if t.Households <= 0 {
		return apperr.New(apperr.CodeInvalid, "decision.err.no_households").Mark("households")
	}
	if t.Agree < 0 || t.Disagree < 0 || t.OtherOpinion < 0 {
		return apperr.New(apperr.CodeInvalid, "decision.err.negative").Mark("count")
	}
	if v := t.Agree + t.Disagree + t.OtherOpinion; v > t.Households {
		return apperr.New(apperr.CodeInvalid, "decision.err.total_over", v, t.Households).Mark("count")
	}
	return nil
}

// Absent is the households that did not vote.
func (t Tally) Absent() int { return t.Households - t.Agree - t.Disagree - t.OtherOpinion }

// Result is the outcome of a vote on a subject.
type Result struct {
	Passed    bool
	Needed    int
	Threshold Threshold
}

// Decide applies the subject's threshold to the agreeing households out of all
// households (Art 21(1)).
func Decide(subject int, t Tally) (Result, error) {
	if err := t.Check(); err != nil {
		return Result{}, err
	}
	th := ThresholdOf(subject)
	return Result{Passed: th.Met(t.Agree, t.Households), Needed: th.Needed(t.Households), Threshold: th}, nil
}

// CanDecide reports whether a meeting with present households could reach the
// subject's threshold; one that cannot lacks the numbers (and for a hương ước
// more than half of the households must attend: ND 61/2023).
func CanDecide(subject, present, households int) bool {
	return ThresholdOf(subject).Met(present, households)
}

// CommunePassed reports whether a commune-wide matter passed: at least two thirds
// of its villages passed it (Art 21(1)).
func CommunePassed(villagesPassed, villages int) bool { return TwoThirds.Met(villagesPassed, villages) }

// InitiativeBacked reports whether a citizens' proposal has the backing of at
// least 10% of households (Art 16; ND 61/2023 for hương ước).
func InitiativeBacked(backers, households int) bool {
	return households > 0 && backers*10 >= households
}

// DismissalPetition reports whether a petition to dismiss the village head has
// at least half of the households (ND 59 Art 9).
func DismissalPetition(signers, households int) bool {
	return households > 0 && signers*2 >= households
}

// Effect is when a passed decision takes effect (Art 21(2)).
type Effect string

// Effects.
const (
	OnVote         Effect = "on_vote"          // from the day of the vote
	OnCommuneDate  Effect = "on_commune_date"  // from the date the commune People's Committee sets
	OnCommuneRecog Effect = "on_commune_recog" // from recognition by the commune People's Committee
	OnFrontRecog   Effect = "on_front_recog"   // from recognition by the commune Fatherland Front
)

// EffectOf is when a decision on subject within scope takes effect (Art 21(2)).
func EffectOf(subject int, s Scope) Effect {
	switch {
	case (subject == Infrastructure || subject == Funds) && s == CommuneScope:
		return OnCommuneDate
	case subject == Convention || subject == VillageHead:
		return OnCommuneRecog
	case subject == Boards:
		return OnFrontRecog
	}
	return OnVote
}

// Committee sizes (ND 59 Arts 3–5): the ballot committee of a meeting, the
// ballot team and the online-vote team have three to five members.
const (
	MinTeam = 3
	MaxTeam = 5
)

// CheckTeam refuses a committee or team outside three to five members.
func CheckTeam(n int) error {
	if n < MinTeam || n > MaxTeam {
		return apperr.New(apperr.CodeInvalid, "decision.err.team_size", MinTeam, MaxTeam, n).Mark("team")
	}
	return nil
}

// Witnesses is how many household representatives witness a count and sign the
// minutes (Art 20(2); ND 59 Arts 3–4).
const Witnesses = 2

// ElectionStep is a step before the election of a village head (ND 59 Art 6),
// with the legal catalogue rule that times it.
type ElectionStep struct {
	Rule string
	Name string
}

// ElectionSteps are the steps of ND 59 Art 6, earliest first: the decision and
// plan at least 20 days before, the candidate list 15, the election team 10, the
// publication 7.
var ElectionSteps = []ElectionStep{
	{"village-head.plan", "Quyết định, kế hoạch bầu cử của Chủ tịch UBND xã (phối hợp MTTQ xã)"},
	{"village-head.candidates", "Ban công tác Mặt trận gửi danh sách người ứng cử đến UBND xã"},
	{"village-head.team", "Thành lập Tổ bầu cử (tổ trưởng là đại diện Ban công tác Mặt trận)"},
	{"village-head.publicise", "Công khai quyết định, kế hoạch và danh sách người ứng cử"},
}

// Elected returns the candidates (by index) elected out of households: those
// with more than half of all households (Art 21(1); ND 59 Art 3(5)). seats
// bounds how many (1 for a village head); when more pass than there are seats,
// those with the most votes are elected and a tie for the last seat elects
// nobody for it (a new round decides).
func Elected(votes []int, households, seats int) []int {
	var pass []int
	for i, v := range votes {
		if Majority.Met(v, households) {
			pass = append(pass, i)
		}
	}
	if len(pass) <= seats {
		return pass
	}
	// Most votes first, then keep the seats unless the last seat is tied.
	for i := 1; i < len(pass); i++ {
		for j := i; j > 0 && votes[pass[j]] > votes[pass[j-1]]; j-- {
			pass[j], pass[j-1] = pass[j-1], pass[j]
		}
	}
	if votes[pass[seats-1]] == votes[pass[seats]] {
		k := seats - 1
		for k >= 0 && votes[pass[k]] == votes[pass[seats]] {
			k--
		}
		return pass[:k+1]
	}
	return pass[:seats]
}

// CheckCandidateVotes refuses counts per candidate that cannot be: negative, or,
// for a single seat, more ballots than households.
func CheckCandidateVotes(votes []int, households, seats int) error {
	sum := 0
	for _, v := range votes {
		if v < 0 {
			return apperr.New(apperr.CodeInvalid, "decision.err.negative").Mark("count")
		}
		if v > households {
			return apperr.New(apperr.CodeInvalid, "decision.err.candidate_over", v, households).Mark("count")
		}
		sum += v
	}
	if seats == 1 && sum > households {
		return apperr.New(apperr.CodeInvalid, "decision.err.election_total_over", sum, households).Mark("count")
	}
	return nil
}
