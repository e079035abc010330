package decision

import (
	"fmt"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/web/webtest"
)

func TestThresholdsAtTheEdges(t *testing.T) {
	for _, tt := range []struct {
		name              string
		subject           int
		agree, households int
		passed            bool
		needed            int
	}{
		{"2/3 of 99: 66 is exactly two thirds", Infrastructure, 66, 99, true, 66},
		{"2/3 of 99: 65 is short", Infrastructure, 65, 99, false, 66},
		{"2/3 of 100: 67", Funds, 67, 100, true, 67},
		{"2/3 of 100: 66 is short (198 < 200)", Funds, 66, 100, false, 67},
		{"more than half of 100: exactly half fails", Other, 50, 100, false, 51},
		{"more than half of 100: 51", Convention, 51, 100, true, 51},
		{"more than half of 99: 50", VillageHead, 50, 99, true, 50},
		{"more than half of 99: 49", Boards, 49, 99, false, 50},
		{"one household", Other, 1, 1, true, 1},
		{"two thirds of 3", Infrastructure, 2, 3, true, 2},
	} {
		r, err := Decide(tt.subject, Tally{Households: tt.households, Agree: tt.agree, Disagree: tt.households - tt.agree})
		if err != nil || r.Passed != tt.passed || r.Needed != tt.needed {
			t.Errorf("%s: passed %v needed %d (%v), want %v and %d", tt.name, r.Passed, r.Needed, err, tt.passed, tt.needed)
		}
	}
}

// Households that stay away count against: 60 of 100 agree with nobody
// disagreeing still fails two thirds.
func TestAbsentHouseholdsCountAgainst(t *testing.T) {
	tl := Tally{Households: 100, Agree: 60}
	r, err := Decide(Infrastructure, tl)
	if err != nil || r.Passed || tl.Absent() != 40 {
		t.Errorf("60 agree, 40 absent: passed %v absent %d (%v)", r.Passed, tl.Absent(), err)
	}
}

func TestTallyCheck(t *testing.T) {
	for _, tt := range []struct {
		tally Tally
		want  string
	}{
		{Tally{Households: 0}, "trống"},
		{Tally{Households: 10, Agree: -1}, "âm"},
		{Tally{Households: 10, Agree: 6, Disagree: 4, OtherOpinion: 1}, "Tổng số phiếu (11) lớn hơn số hộ gia đình (10)"},
		{Tally{Households: 10, Agree: 6, Disagree: 4}, ""},
	} {
		err := tt.tally.Check()
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(webtest.Vietnamese(t, err), tt.want)) {
			t.Errorf("%+v: %v, want %q", tt.tally, err, tt.want)
		}
	}
}

func TestMethods(t *testing.T) {
	for _, tt := range []struct {
		name    string
		subject int
		m       Method
		f       MethodFacts
		field   string // the refusal, marking the method field; "" when allowed
	}{
		{"meeting on anything", Convention, Meeting, MethodFacts{}, ""},
		{"ballot on contributions", Infrastructure, Ballot, MethodFacts{}, ""},
		{"ballot on a convention without a failed meeting", Convention, Ballot, MethodFacts{}, "meeting_first"},
		{"ballot on a convention after a failed meeting", Convention, Ballot, MethodFacts{MeetingFailed: true}, ""},
		{"ballot on the village head after a failed meeting", VillageHead, Ballot, MethodFacts{MeetingFailed: true}, ""},
		{"online on the village head", VillageHead, Online, MethodFacts{OptedIn: 100, Households: 100}, "online_not_allowed"},
		{"online on contributions", Infrastructure, Online, MethodFacts{OptedIn: 100, Households: 100}, "online_not_allowed"},
		{"online with exactly half opted in", Other, Online, MethodFacts{OptedIn: 50, Households: 100}, "opt_in"},
		{"online with more than half opted in", Other, Online, MethodFacts{OptedIn: 51, Households: 100}, ""},
		{"unknown method", Other, Method("sms"), MethodFacts{}, "method"},
	} {
		err := CheckMethod(tt.subject, tt.m, tt.f)
		var got string
		if e, ok := err.(*apperr.Error); ok {
			if _, marked := e.FieldMsgs["method"]; marked {
				got = strings.TrimPrefix(e.Msg.Key, "decision.err.")
			}
		}
		if got != tt.field || (tt.field == "") != (err == nil) {
			t.Errorf("%s: %v, want field %q", tt.name, err, tt.field)
		}
	}
	if err := CheckMethod(Other, Online, MethodFacts{OptedIn: 50, Households: 100}); apperr.CodeOf(err) != apperr.CodeInvalid || !strings.Contains(webtest.Vietnamese(t, err), "mới có 50/100 hộ đồng ý, cần ít nhất 51") {
		t.Errorf("opt-in message: %v", err)
	}
}

func TestScope(t *testing.T) {
	for _, tt := range []struct {
		subject int
		s       Scope
		ok      bool
	}{
		{Infrastructure, CommuneScope, true}, {Funds, CommuneScope, true}, {Convention, CommuneScope, false},
		{Other, CommuneScope, false}, {Other, VillageScope, true}, {7, VillageScope, false}, {0, VillageScope, false},
		{Other, Scope("province"), false},
	} {
		if err := CheckScope(tt.subject, tt.s); (err == nil) != tt.ok || (err != nil && apperr.CodeOf(err) != apperr.CodeInvalid) {
			t.Errorf("subject %d scope %s: %v", tt.subject, tt.s, err)
		}
	}
}

func TestMeetingNumbersAndCommuneAggregation(t *testing.T) {
	for _, tt := range []struct {
		name                    string
		subject, present, total int
		can                     bool
	}{
		{"convention: half attend, lacks the numbers", Convention, 50, 100, false},
		{"convention: 51 attend", Convention, 51, 100, true},
		{"contributions: 66 of 100 cannot reach two thirds", Infrastructure, 66, 100, false},
		{"contributions: 67 of 100", Infrastructure, 67, 100, true},
	} {
		if got := CanDecide(tt.subject, tt.present, tt.total); got != tt.can {
			t.Errorf("%s: %v", tt.name, got)
		}
	}
	for _, tt := range []struct {
		passed, villages int
		want             bool
	}{{2, 3, true}, {1, 3, false}, {6, 9, true}, {5, 9, false}, {0, 0, false}} {
		if got := CommunePassed(tt.passed, tt.villages); got != tt.want {
			t.Errorf("%d of %d villages: %v", tt.passed, tt.villages, got)
		}
	}
}

func TestPetitionsAndEffects(t *testing.T) {
	if !InitiativeBacked(10, 100) || InitiativeBacked(9, 100) || InitiativeBacked(0, 0) {
		t.Error("initiative: at least 10% of households")
	}
	if !DismissalPetition(50, 100) || DismissalPetition(49, 100) {
		t.Error("dismissal petition: at least half of households")
	}
	for _, tt := range []struct {
		subject int
		s       Scope
		want    Effect
	}{
		{Infrastructure, VillageScope, OnVote}, {Infrastructure, CommuneScope, OnCommuneDate}, {Convention, VillageScope, OnCommuneRecog},
		{VillageHead, VillageScope, OnCommuneRecog}, {Boards, VillageScope, OnFrontRecog}, {Other, VillageScope, OnVote},
	} {
		if got := EffectOf(tt.subject, tt.s); got != tt.want {
			t.Errorf("subject %d %s: %s, want %s", tt.subject, tt.s, got, tt.want)
		}
	}
	for n, ok := range map[int]bool{2: false, 3: true, 5: true, 6: false} {
		if (CheckTeam(n) == nil) != ok {
			t.Errorf("team of %d", n)
		}
	}
}

func TestElected(t *testing.T) {
	for _, tt := range []struct {
		name              string
		votes             []int
		households, seats int
		want              []int
	}{
		{"one of two passes", []int{51, 40}, 100, 1, []int{0}},
		{"exactly half elects nobody", []int{50, 50}, 100, 1, nil},
		{"absent households count against", []int{45}, 100, 1, nil},
		{"three seats, two pass", []int{60, 55, 30, 70}, 100, 3, []int{0, 1, 3}},
		{"two seats, three pass: the most votes", []int{60, 80, 70}, 100, 2, []int{1, 2}},
		{"two seats, tie for the last: only the first", []int{90, 60, 60}, 100, 2, []int{0}},
	} {
		got := Elected(tt.votes, tt.households, tt.seats)
		if fmt.Sprint(got) != fmt.Sprint(tt.want) && !(len(got) == 0 && len(tt.want) == 0) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
	if err := CheckCandidateVotes([]int{60, 50}, 100, 1); err == nil || !strings.Contains(webtest.Vietnamese(t, err), "mỗi hộ bầu một người") {
		t.Errorf("single seat over the households: %v", err)
	}
	if err := CheckCandidateVotes([]int{60, 50}, 100, 3); err != nil {
		t.Errorf("several seats may sum over the households: %v", err)
	}
	if err := CheckCandidateVotes([]int{101}, 100, 3); apperr.CodeOf(err) != apperr.CodeInvalid || !strings.Contains(webtest.Vietnamese(t, err), "nhiều phiếu (101) hơn số hộ gia đình (100)") {
		t.Errorf("a candidate above the households: %v", err)
	}
}

// TestStage: the lists say where a matter stands, not only open, passed or
// failed: a passed hương ước or village-head election waits for its minutes,
// then for the commune's recognition (Art 20(3), 21(2)); a failed or annulled
// matter is never "in force".
func TestStage(t *testing.T) {
	passed := func(subject int, m Matter) Matter {
		m.Subject, m.Scope, m.Status = subject, VillageScope, StatusPassed
		return m
	}
	for _, c := range []struct {
		name string
		m    Matter
		want string
	}{
		{"open", Matter{Subject: Other, Scope: VillageScope, Status: StatusOpen}, "open"},
		{"failed", Matter{Subject: Convention, Scope: VillageScope, Status: StatusFailed, SubmittedOn: "2026-11-02"}, "failed"},
		{"passed, in force on the vote", passed(Other, Matter{}), "in_force"},
		{"passed, minutes not sent", passed(Convention, Matter{}), "awaiting_minutes"},
		{"passed, minutes sent", passed(VillageHead, Matter{SubmittedOn: "2026-11-02"}), "awaiting_recognition"},
		{"passed, recognised", passed(Convention, Matter{SubmittedOn: "2026-11-02", Recognition: "recognized"}), "in_force"},
		{"passed, refused", passed(Boards, Matter{SubmittedOn: "2026-11-02", Recognition: "refused"}), "refused"},
		{"passed, then annulled", passed(Other, Matter{AnnulledOn: "2026-11-20"}), "annulled"},
	} {
		if got := c.m.Stage(); got != c.want {
			t.Errorf("%s: stage %q, want %q", c.name, got, c.want)
		}
	}
}
