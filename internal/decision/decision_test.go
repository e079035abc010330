package decision_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
)

const unitsCSV = `code,name,type,parent_code
46,Thành phố Huế,thanh-pho,
19885,Xã Đan Điền,xa,46
19885-01,Thôn Đông Phước,thon,19885
19885-02,Thôn Tây Hòa,thon,19885
19885-03,Thôn Nam Thượng,thon,19885
19753,Phường Phú Xuân,phuong,46
`

type fixture struct {
	d               *db.DB
	svc             *decision.Service
	consult         *consultation.Service
	units           *org.Service
	rec             *audit.Service
	mu              sync.Mutex
	now             time.Time
	commune, other  org.Unit
	villages        []org.Unit
	head, official  *auth.Actor // head of village 1; commune official
	outsider        *auth.Actor // official of another commune
	households      map[int64][]int64
	representatives map[int64]*auth.Actor // household → its representative
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	f.mu.Unlock()
}

func (f *fixture) today() legal.Date { return legal.Today(f.clock()) }

// setup builds a commune of three villages with n households each, every
// household with a citizen account as its representative.
func setup(t *testing.T, d *db.DB, n int) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC), households: map[int64][]int64{}, representatives: map[int64]*auth.Actor{}}
	d.Now = f.clock
	f.units = org.NewService(d)
	if _, err := f.units.ImportUnits(ctx, strings.NewReader(unitsCSV), nil); err != nil {
		t.Fatal(err)
	}
	f.commune, _ = f.units.UnitByCode(ctx, "19885")
	f.other, _ = f.units.UnitByCode(ctx, "19753")
	for _, code := range []string{"19885-01", "19885-02", "19885-03"} {
		v, _ := f.units.UnitByCode(ctx, code)
		f.villages = append(f.villages, v)
		f.addHouseholds(t, v, n)
	}
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.rec = audit.NewService(d)
	as := auth.NewService(d, f.units, f.rec, p, log, log)
	official := func(email string, role auth.Role, unit org.Unit) *auth.Actor {
		res, err := as.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ", Email: email, Role: role, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		const pw = "biểu quyết hộ gia đình 2026"
		if err := as.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, _ := as.SignIn(ctx, email, pw, "ip", "ua")
		_, a, _ := as.Session(ctx, in.Token)
		return a
	}
	f.head = official("thon1@dd.vn", auth.VillageHead, f.villages[0])
	f.official = official("xa@dd.vn", auth.CommuneOfficial, f.commune)
	f.outsider = official("xa@px.vn", auth.CommuneOfficial, f.other)
	cal := legal.Fixed{C: legal.NewCalendar(legal.Decided())}
	f.consult = consultation.NewService(d, f.units, as.Guard(), f.rec, cal, nil)
	t.Cleanup(f.consult.Close)
	f.svc = decision.NewService(d, f.units, as.Guard(), f.rec, cal, f.consult)
	t.Cleanup(f.svc.Close)
	return f
}

// addHouseholds adds n households to a village, each represented by a new citizen account.
func (f *fixture) addHouseholds(t *testing.T, v org.Unit, n int) {
	t.Helper()
	ctx := context.Background()
	hs := make([]org.Household, n)
	start := len(f.households[v.ID])
	for i := range hs {
		hs[i] = org.Household{Code: fmt.Sprintf("H%03d", start+i+1), HeadName: "Chủ hộ", Address: "Đan Điền", Members: 4, RepresentativeName: "Đại diện", Active: true}
	}
	if err := f.units.AddHouseholds(ctx, v.ID, hs); err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		a := f.citizen(t)
		if _, err := f.d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where id = $2", a.AccountID, h.ID); err != nil {
			t.Fatal(err)
		}
		f.households[v.ID] = append(f.households[v.ID], h.ID)
		f.representatives[h.ID] = a
	}
}

func (f *fixture) citizen(t *testing.T) *auth.Actor {
	t.Helper()
	id := f.d.NewID()
	if _, err := f.d.Raw().ExecContext(context.Background(), `insert into accounts (id, kind, full_name, email, phone, password_hash, status, totp_secret,
		totp_enabled, totp_last, failed_logins, retry_at, created_at, updated_at) values ($1, 'citizen', 'Người đại diện', null, $2, '', 'active', '',
		false, 0, 0, 0, 0, 0)`, id, fmt.Sprintf("+849%09d", id%1_000_000_000)); err != nil {
		t.Fatal(err)
	}
	return &auth.Actor{AccountID: id, Name: "Người đại diện", Kind: auth.Citizen}
}

// submitted is a matter of the first village decided at a meeting (3 of 4
// households agree) whose minutes the village head has sent for recognition.
func (f *fixture) submitted(t *testing.T, subject int, title string) decision.Matter {
	t.Helper()
	ctx := context.Background()
	v1 := f.villages[0]
	m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: subject, Title: title})
	if err != nil {
		t.Fatal(err)
	}
	vote, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: f.today().AddDays(2).String()})
	if err != nil {
		t.Fatal(err)
	}
	f.advance(2 * 24 * time.Hour)
	if _, err := f.svc.RecordCount(ctx, f.head, vote.ID, decision.Count{Present: 4, Agree: 3, Disagree: 1, Committee: []string{"A", "B", "C"}, Secretary: "D"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, f.head, m.ID, decision.Signatories{Head: "A", Front: "B", Reps: [2]string{"C", "D"}}); err != nil {
		t.Fatal(err)
	}
	return m
}

// ballotsInEveryVillage notices a paper ballot of matter in every village two
// days ahead and moves the clock to the day it is held.
func (f *fixture) ballotsInEveryVillage(t *testing.T, matter int64) []decision.Vote {
	t.Helper()
	held := f.today().AddDays(2)
	var votes []decision.Vote
	for _, v := range f.villages {
		vote, err := f.svc.Notice(context.Background(), f.official, matter, decision.Notice{VillageID: v.ID, Method: decision.Ballot, HeldOn: held.String(), Team: []string{"A", "B", "C"}})
		if err != nil {
			t.Fatal(err)
		}
		votes = append(votes, vote)
	}
	f.advance(2 * 24 * time.Hour)
	return votes
}

func wantCode(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

func recordKinds(t *testing.T, f *fixture) string {
	t.Helper()
	rs, err := f.rec.Records(context.Background(), 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, r := range rs {
		kinds = append(kinds, r.Kind)
	}
	return strings.Join(kinds, ",")
}

// A hương ước at a meeting that lacks the numbers, then by household ballot.
func TestMeetingLacksNumbersThenBallot(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 10)
		ctx := context.Background()
		v1 := f.villages[0]
		_, err := f.svc.Propose(ctx, f.outsider, decision.Proposal{UnitID: v1.ID, Subject: decision.Convention, Title: "Hương ước"})
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		_, err = f.svc.Propose(ctx, f.official, decision.Proposal{UnitID: f.commune.ID, Subject: decision.Convention, Title: "Hương ước"})
		wantCode(t, err, apperr.CodeInvalid, "toàn xã")
		_, err = f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Other, Title: "Sáng kiến", Initiative: true, Backers: 0})
		wantCode(t, err, apperr.CodeInvalid, "có 0/10 hộ, cần 1")
		posted := f.draft(t, v1, f.today().AddDays(30))
		f.advance(31 * 24 * time.Hour)
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Convention, Title: "Hương ước thôn Đông Phước", DraftID: posted})
		if err != nil {
			t.Fatal(err)
		}
		tomorrow := f.today().AddDays(1).String()
		_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: tomorrow})
		wantCode(t, err, apperr.CodeInvalid, "02 ngày")
		held := f.today().AddDays(3).String()
		_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Ballot, HeldOn: held, Team: []string{"A", "B", "C"}})
		wantCode(t, err, apperr.CodeInvalid, "chỉ phát phiếu")
		_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Online, HeldOn: held, OptedIn: 10})
		wantCode(t, err, apperr.CodeInvalid, "khoản 6")
		meeting, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: held})
		if err != nil {
			t.Fatal(err)
		}
		// A household added after the notice does not change the denominator.
		f.addHouseholds(t, v1, 1)
		_, err = f.svc.RecordCount(ctx, f.head, meeting.ID, decision.Count{Present: 5, Agree: 5})
		wantCode(t, err, apperr.CodeConflict, "Chưa đến ngày")
		f.advance(3 * 24 * time.Hour)
		_, err = f.svc.RecordCount(ctx, f.outsider, meeting.ID, decision.Count{Present: 5, Agree: 5})
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		_, err = f.svc.RecordCount(ctx, f.head, meeting.ID, decision.Count{Present: 5, Agree: 6})
		wantCode(t, err, apperr.CodeInvalid, "lớn hơn số hộ dự họp")
		// Five of ten attend: "more than half" cannot be reached.
		got, err := f.svc.RecordCount(ctx, f.head, meeting.ID, decision.Count{Present: 5, Agree: 5})
		if err != nil || !got.LackedNumbers || got.Passed || got.Households != 10 {
			t.Fatalf("meeting: %+v %v", got, err)
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusOpen {
			t.Errorf("a meeting without the numbers decided the matter: %s", m.Status)
		}
		// The fallback: a household ballot (now 11 households, fixed again at this notice).
		_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Ballot, HeldOn: f.today().AddDays(2).String(), Team: []string{"A", "B"}})
		wantCode(t, err, apperr.CodeInvalid, "từ 3 đến 5")
		ballot, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Ballot, HeldOn: f.today().AddDays(2).String(),
			Team: []string{"Nguyễn A", "Trần B", "Lê C"}})
		if err != nil || ballot.Households != 11 {
			t.Fatalf("ballot: %+v %v", ballot, err)
		}
		f.advance(2 * 24 * time.Hour)
		// 6 of 11 agree: more than half of all households, however many returned their ballot.
		got, err = f.svc.RecordCount(ctx, f.head, ballot.ID, decision.Count{Agree: 6, Disagree: 1})
		if err != nil || !got.Passed || got.Tally.Absent() != 4 {
			t.Fatalf("ballot count: %+v %v", got, err)
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusPassed || m.DecidedOn != ballot.HeldOn.String() {
			t.Errorf("matter after the ballot: %+v", m)
		}
		_, err = f.svc.RecordCount(ctx, f.head, ballot.ID, decision.Count{Agree: 6})
		wantCode(t, err, apperr.CodeConflict, "đã có kết quả")
		// Minutes to the commune within 5 working days (Art 20(3)), recognition (Art 21(2)), annulment (Art 22).
		sig := decision.Signatories{Head: "Trần Văn Thôn", Front: "Phạm Thị Mặt Trận", Reps: [2]string{"Hộ H001", "Hộ H002"}}
		_, err = f.svc.Submit(ctx, f.outsider, m.ID, sig)
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		_, err = f.svc.Submit(ctx, f.head, m.ID, decision.Signatories{Head: "Trần Văn Thôn"})
		wantCode(t, err, apperr.CodeInvalid, "bốn họ tên")
		_, err = f.svc.Recognize(ctx, f.official, m.ID, true, "")
		wantCode(t, err, apperr.CodeConflict, "chưa gửi")
		// The officials' dashboard: the minutes are due, then the recognition, then nothing.
		dueStep := func() (string, legal.Date, bool) {
			t.Helper()
			ms, err := f.svc.List(ctx, f.commune.ID, 0, 50)
			if err != nil {
				t.Fatal(err)
			}
			ds, err := f.svc.Dues(ctx, ms, f.today())
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range ds {
				if x.Matter.ID == m.ID {
					return x.Step, x.By, x.Late
				}
			}
			return "", legal.Date{}, false
		}
		if step, by, late := dueStep(); step != decision.StepSubmit || late || by.Before(f.today()) {
			t.Errorf("dashboard before the submission: %s by %s (late %v)", step, by, late)
		}
		// A matter decided a month ago and never sent is overdue, and comes first.
		old := decision.Matter{ID: 1, Scope: decision.VillageScope, DecidedOn: f.today().AddDays(-30).String()}
		if ds, err := f.svc.Dues(ctx, []decision.Matter{m, old}, f.today()); err != nil || len(ds) == 0 || ds[0].Matter.ID != 1 || !ds[0].Late {
			t.Errorf("an overdue submission: %+v %v", ds, err)
		}
		f.advance(24 * time.Hour)
		sent, err := f.svc.Submit(ctx, f.head, m.ID, sig)
		if err != nil {
			t.Fatal(err)
		}
		if step, by, _ := dueStep(); step != decision.StepRecognize || by.Before(f.today()) {
			t.Errorf("dashboard after the submission: %s by %s", step, by)
		}
		for _, want := range []string{"Tổng số hộ gia đình: 11; số đại diện hộ gia đình tham gia: 7; số hộ vắng mặt, không biểu quyết: 4",
			"phát phiếu lấy ý kiến hộ gia đình", "6 hộ đồng ý, 1 hộ không đồng ý", "ít nhất 6 hộ", "Quyết định: THÔNG QUA", "Trưởng Ban công tác Mặt trận: Phạm Thị Mặt Trận"} {
			if !strings.Contains(sent.Minutes, want) {
				t.Errorf("minutes lack %q:\n%s", want, sent.Minutes)
			}
		}
		clocks, err := f.svc.ClocksOf(ctx, sent, f.today())
		if err != nil || clocks.SubmitLate || clocks.SubmitBy.Before(f.today()) || clocks.RecognizeBy.Before(clocks.SubmitBy) {
			t.Errorf("clocks: %+v %v", clocks, err)
		}
		if decision.InForce(sent) {
			t.Error("a hương ước in force before the commune recognised it")
		}
		_, err = f.svc.Recognize(ctx, f.head, m.ID, true, "")
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy") // the village head's role does not reach the commune
		_, err = f.svc.Recognize(ctx, f.official, m.ID, false, " ")
		wantCode(t, err, apperr.CodeInvalid, "lý do")
		got2, err := f.svc.Recognize(ctx, f.official, m.ID, true, "")
		if err != nil || !decision.InForce(got2) {
			t.Fatalf("recognised: %+v %v", got2.Recognition, err)
		}
		if step, _, _ := dueStep(); step != "" {
			t.Errorf("dashboard after the recognition still shows %s", step)
		}
		_, err = f.svc.Annul(ctx, f.official, m.ID, "")
		wantCode(t, err, apperr.CodeInvalid, "lý do")
		annulled, err := f.svc.Annul(ctx, f.official, m.ID, "Điều 5 trái với Luật Đất đai")
		if err != nil || decision.InForce(annulled) {
			t.Fatalf("annulled: %+v %v", annulled.AnnulledOn, err)
		}
		if k := recordKinds(t, f); k != "decision.annulled,decision.recognition,decision.submitted,decision.counted,decision.noticed,decision.counted,decision.noticed,decision.proposed,consultation.opened" {
			t.Errorf("public record: %s", k)
		}
		rs, _ := f.rec.Records(ctx, 0, 50)
		for _, r := range rs {
			if r.Kind == "decision.submitted" && !strings.Contains(string(r.Data), sent.MinutesSHA256) {
				t.Errorf("the submission record lacks the minutes' hash: %s", r.Data)
			}
		}
	})
}

// Board members are recognised by the commune Fatherland Front, not the People's Committee.
func TestBoardMembersRecognisedByTheFront(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 4)
		ctx := context.Background()
		m := f.submitted(t, decision.Boards, "Bầu thành viên Ban thanh tra nhân dân")
		_, err := f.svc.Recognize(ctx, f.official, m.ID, true, "")
		wantCode(t, err, apperr.CodeForbidden, "")
	})
}

// Online: opt-in, one ballot per household, a changed representative, results
// hidden until the close, the receipts published.
func TestOnlineVote(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 10)
		ctx := context.Background()
		v1 := f.villages[0]
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Other, Title: "Giờ mở cửa nhà văn hóa thôn"})
		if err != nil {
			t.Fatal(err)
		}
		last := f.today().AddDays(5).String()
		_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Online, HeldOn: last, OptedIn: 5, Team: []string{"A", "B", "C"}})
		wantCode(t, err, apperr.CodeInvalid, "mới có 5/10 hộ đồng ý, cần ít nhất 6")
		vote, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Online, HeldOn: last, OptedIn: 6, Team: []string{"A", "B", "C"}})
		if err != nil {
			t.Fatal(err)
		}
		hs := f.households[v1.ID]
		var receipts []string
		for i, h := range hs[:6] {
			choice := decision.ChoiceAgree
			if i == 5 {
				choice = decision.ChoiceDisagree
			}
			r, err := f.svc.Cast(ctx, f.representatives[h], vote.ID, choice, "")
			if err != nil {
				t.Fatal(err)
			}
			receipts = append(receipts, r)
		}
		first := f.representatives[hs[0]]
		_, err = f.svc.Cast(ctx, first, vote.ID, decision.ChoiceDisagree, "")
		wantCode(t, err, apperr.CodeConflict, "mỗi hộ chỉ có một phiếu")
		// The household's representative changes during the vote: the new one cannot vote again, the old one no longer at all.
		successor := f.citizen(t)
		d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where id = $2", successor.AccountID, hs[0])
		_, err = f.svc.Cast(ctx, successor, vote.ID, decision.ChoiceDisagree, "")
		wantCode(t, err, apperr.CodeConflict, "mỗi hộ chỉ có một phiếu")
		_, err = f.svc.Cast(ctx, first, vote.ID, decision.ChoiceDisagree, "")
		wantCode(t, err, apperr.CodeForbidden, "không phải là người đại diện")
		_, err = f.svc.Cast(ctx, f.citizen(t), vote.ID, decision.ChoiceAgree, "")
		wantCode(t, err, apperr.CodeForbidden, "không phải là người đại diện")
		_, err = f.svc.Cast(ctx, f.representatives[hs[6]], vote.ID, decision.ChoiceOther, "")
		wantCode(t, err, apperr.CodeInvalid, "ý kiến khác")
		_, err = f.svc.Cast(ctx, f.representatives[hs[6]], vote.ID, "maybe", "")
		wantCode(t, err, apperr.CodeInvalid, "Hãy chọn")
		_, err = f.svc.Cast(ctx, f.head, vote.ID, decision.ChoiceAgree, "")
		wantCode(t, err, apperr.CodeForbidden, "người đại diện")
		// A representative of another village's household is not in this electorate.
		_, err = f.svc.Cast(ctx, f.representatives[f.households[f.villages[1].ID][0]], vote.ID, decision.ChoiceAgree, "")
		wantCode(t, err, apperr.CodeForbidden, "không phải là người đại diện")
		_, err = f.svc.Receipts(ctx, vote.ID)
		wantCode(t, err, apperr.CodeConflict, "sau khi kết thúc")
		_, err = f.svc.CloseOnline(ctx, f.outsider, vote.ID)
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		// Announced to run to the end of its last day: closed from the day after, not one click earlier.
		from := "Từ ngày " + f.today().AddDays(6).VN()
		for _, days := range []int{0, 5} { // the day of the notice, the last day
			f.advance(time.Duration(days) * 24 * time.Hour)
			_, err = f.svc.CloseOnline(ctx, f.head, vote.ID)
			wantCode(t, err, apperr.CodeConflict, from)
		}
		f.advance(24 * time.Hour)
		closed, err := f.svc.CloseOnline(ctx, f.head, vote.ID)
		if err != nil || closed.Tally.Agree != 5 || closed.Tally.Disagree != 1 || closed.Passed {
			t.Fatalf("closed: %+v %v", closed, err) // 5 of 10 is not more than half
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusFailed {
			t.Errorf("matter: %s", m.Status)
		}
		list, err := f.svc.Receipts(ctx, vote.ID)
		if err != nil || len(list) != 6 {
			t.Fatalf("receipts: %v %v", list, err)
		}
		for _, r := range receipts {
			if !strings.Contains(strings.Join(list, ","), r) {
				t.Errorf("receipt %s missing from the published list", r)
			}
		}
		_, err = f.svc.Cast(ctx, f.representatives[hs[7]], vote.ID, decision.ChoiceAgree, "")
		wantCode(t, err, apperr.CodeConflict, "đã kết thúc")
		if k := recordKinds(t, f); k != "decision.receipts,decision.counted,decision.noticed,decision.proposed" {
			t.Errorf("public record: %s", k)
		}
	})
}

// Every representative votes twice at once: one ballot per household, counters exact.
func TestConcurrentBallots(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 120)
		ctx := context.Background()
		v := f.villages[1]
		m, err := f.svc.Propose(ctx, f.official, decision.Proposal{UnitID: v.ID, Subject: decision.Other, Title: "Lịch thu gom rác"})
		if err != nil {
			t.Fatal(err)
		}
		vote, err := f.svc.Notice(ctx, f.official, m.ID, decision.Notice{VillageID: v.ID, Method: decision.Online, HeldOn: f.today().String(), OptedIn: 120,
			Team: []string{"A", "B", "C"}})
		if err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		refused := 0
		for _, h := range f.households[v.ID] {
			for range 2 {
				wg.Go(func() {
					_, err := f.svc.Cast(ctx, f.representatives[h], vote.ID, decision.ChoiceAgree, "")
					if err != nil {
						mu.Lock()
						refused++
						mu.Unlock()
						if apperr.CodeOf(err) != apperr.CodeConflict {
							t.Error(err)
						}
					}
				})
			}
		}
		wg.Wait()
		got, _ := f.svc.Vote(ctx, vote.ID)
		var rows int
		d.QueryRow("select count(*) from vote_ballots where vote_id = $1", vote.ID).Scan(&rows)
		if got.Tally.Agree != 120 || rows != 120 || refused != 120 {
			t.Errorf("counter %d, rows %d, refused %d; want 120 each", got.Tally.Agree, rows, refused)
		}
	})
}

// A commune-wide matter passes when at least two thirds of the villages pass it.
func TestCommuneWideMatter(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 9)
		ctx := context.Background()
		m, err := f.svc.Propose(ctx, f.official, decision.Proposal{UnitID: f.commune.ID, Subject: decision.Infrastructure,
			Title: "Mức đóng góp làm đường liên thôn: 200.000 đồng/hộ"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Notice(ctx, f.official, m.ID, decision.Notice{VillageID: f.villages[0].ID, Method: decision.Online, HeldOn: f.today().String(), OptedIn: 9})
		wantCode(t, err, apperr.CodeInvalid, "khoản 6")
		votes := f.ballotsInEveryVillage(t, m.ID)
		// 6 of 9 is exactly two thirds: passes; 5 of 9 fails.
		for i, agree := range []int{6, 5, 9} {
			if _, err := f.svc.RecordCount(ctx, f.official, votes[i].ID, decision.Count{Agree: agree, Disagree: 9 - agree}); err != nil {
				t.Fatal(err)
			}
			m, _ := f.svc.Matter(ctx, m.ID)
			want := decision.StatusOpen
			if i == 2 {
				want = decision.StatusPassed // two villages of three
			}
			if m.Status != want {
				t.Errorf("after village %d: %s, want %s", i+1, m.Status, want)
			}
		}
	})
}

// Electing a village head keeps the ND 59 Art 6 timeline: the plan 20 days before.
func TestElectionTimeline(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 4)
		ctx := context.Background()
		v1 := f.villages[0]
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.VillageHead, Title: "Bầu trưởng thôn Đông Phước nhiệm kỳ 2027–2032"})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: f.today().AddDays(10).String()})
		wantCode(t, err, apperr.CodeInvalid, "ngày bầu sớm nhất là "+f.today().AddDays(20).VN())
		day := f.today().AddDays(21)
		if _, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: day.String()}); err != nil {
			t.Fatal(err)
		}
		steps, err := f.svc.ElectionTimeline(ctx, day, f.today())
		if err != nil {
			t.Fatal(err)
		}
		for i, back := range []int{20, 15, 10, 7} {
			if steps[i].By != day.AddDays(-back) || steps[i].Late {
				t.Errorf("step %d (%s): by %s late %v, want %s", i, steps[i].Rule, steps[i].By, steps[i].Late, day.AddDays(-back))
			}
		}
	})
}

// Electing a village head at a meeting: the candidate with more than half of all
// households wins; the minutes list every candidate.
func TestVillageHeadElection(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 10)
		ctx := context.Background()
		v1 := f.villages[0]
		_, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Other, Title: "x", Candidates: []string{"A"}})
		wantCode(t, err, apperr.CodeInvalid, "danh sách người ứng cử")
		_, err = f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.VillageHead, Title: "x", Candidates: []string{"A", "B"}, Seats: 2})
		wantCode(t, err, apperr.CodeInvalid, "một trưởng thôn")
		// A dismissal on the households' petition: half of them (ND 59 Art 9), not the 10% of other initiatives.
		_, err = f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.VillageHead, Title: "Bãi nhiệm trưởng thôn", Initiative: true, Backers: 4})
		wantCode(t, err, apperr.CodeInvalid, "có 4/10 hộ, cần 5")
		if _, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.VillageHead, Title: "Bãi nhiệm trưởng thôn", Initiative: true, Backers: 5}); err != nil {
			t.Fatal(err)
		}
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.VillageHead, Title: "Bầu trưởng thôn Đông Phước",
			Candidates: []string{"Nguyễn Văn An", " ", "Trần Thị Bình"}})
		if err != nil || len(m.Candidates) != 2 || m.Seats != 1 {
			t.Fatalf("election: %+v %v", m, err)
		}
		vote, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: f.today().AddDays(21).String()})
		if err != nil {
			t.Fatal(err)
		}
		f.advance(21 * 24 * time.Hour)
		count := decision.Count{Present: 9, Committee: []string{"A", "B", "C"}, Secretary: "D"}
		for _, tt := range []struct {
			per  []int
			want string
		}{
			{[]int{6}, "từng người ứng cử"},
			{[]int{6, 5}, "mỗi hộ bầu một người"},
			{[]int{-1, 2}, "âm"},
		} {
			count.PerCandidate = tt.per
			_, err := f.svc.RecordCount(ctx, f.head, vote.ID, count)
			wantCode(t, err, apperr.CodeInvalid, tt.want)
		}
		count.PerCandidate = []int{6, 3}
		got, err := f.svc.RecordCount(ctx, f.head, vote.ID, count)
		if err != nil || !got.Passed {
			t.Fatalf("count: %+v %v", got, err)
		}
		m, _ = f.svc.Matter(ctx, m.ID)
		rs, err := f.svc.Results(ctx, m, got)
		if err != nil || len(rs) != 2 || !rs[0].Elected || rs[1].Elected || rs[0].Votes != 6 {
			t.Fatalf("results: %+v %v", rs, err)
		}
		sent, err := f.svc.Submit(ctx, f.head, m.ID, decision.Signatories{Head: "A", Front: "B", Reps: [2]string{"C", "D"}})
		if err != nil || !strings.Contains(sent.Minutes, "Nguyễn Văn An: 6 phiếu — trúng cử") || !strings.Contains(sent.Minutes, "Trần Thị Bình: 3 phiếu\n") ||
			!strings.Contains(sent.Minutes, "người trúng cử: Nguyễn Văn An") {
			t.Errorf("minutes (%v):\n%s", err, sent.Minutes)
		}
		rec, _ := f.rec.Records(ctx, 0, 10)
		found := false
		for _, r := range rec {
			found = found || (r.Kind == "decision.counted" && strings.Contains(r.Summary, "trúng cử: Nguyễn Văn An"))
		}
		if !found {
			t.Error("the public record lacks the election result")
		}
	})
}

// draft posts a hương ước draft for comment from today until closes.
func (f *fixture) draft(t *testing.T, unit org.Unit, closes legal.Date) int64 {
	t.Helper()
	c, err := f.consult.Open(context.Background(), f.official, consultation.Draft{UnitID: unit.ID, Subject: len(consultation.Subjects), Title: "Dự thảo hương ước",
		Parts: []consultation.Part{{Heading: "Chương I", Body: "Quy định chung"}}, Forms: []string{"online"}, ClosesOn: closes.String()})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// A hương ước is voted only after its draft was posted for comment 30 days.
func TestConventionNeedsItsDraftPosted(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 4)
		ctx := context.Background()
		v1 := f.villages[0]
		short := f.draft(t, v1, f.today().AddDays(25))
		long := f.draft(t, v1, f.today().AddDays(30))
		for draft, want := range map[int64]string{0: "hãy ghi đợt lấy ý kiến", 999: "Không tìm thấy đợt lấy ý kiến",
			f.draft(t, f.villages[1], f.today().AddDays(30)): "Không tìm thấy đợt lấy ý kiến"} { // another village's draft
			_, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Convention, Title: "Hương ước", DraftID: draft})
			wantCode(t, err, apperr.CodeInvalid, want)
		}
		for _, tt := range []struct {
			draft int64
			want  string
		}{
			{short, "phải ít nhất 30 ngày"},
			{long, "sau khi hết thời gian lấy ý kiến"},
		} {
			m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Convention, Title: "Hương ước", DraftID: tt.draft})
			if err != nil {
				t.Fatal(err)
			}
			_, err = f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: f.today().AddDays(20).String()})
			wantCode(t, err, apperr.CodeInvalid, tt.want)
		}
		m, _ := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Convention, Title: "Hương ước", DraftID: long})
		if _, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: f.today().AddDays(32).String()}); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct{ today, want string }{{"2026-11-01", "2026-11-18"}, {"2026-11-18", "2026-11-18"}, {"2026-11-19", "2027-11-18"}} {
			d, _ := legal.ParseDate(tt.today)
			if got := decision.NextReview(d).String(); got != tt.want {
				t.Errorf("next review after %s: %s, want %s", tt.today, got, tt.want)
			}
		}
	})
}

// Two answers to one submitted decision at the same moment: one lands, the
// other is refused, and the public record holds one answer (before, both
// were recorded while the matter kept the first).
func TestConcurrentRecognition(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 4)
		ctx := context.Background()
		m := f.submitted(t, decision.Infrastructure, "Làm đường bê tông ngõ 3")
		const n = 6
		ok := apperrtest.AtOnce(t, n, func(i int) error {
			_, err := f.svc.Recognize(ctx, f.official, m.ID, i%2 == 0, "Chưa đúng quy trình")
			return err
		})
		var recorded int
		d.QueryRow("select count(*) from public_record where kind = 'decision.recognition'").Scan(&recorded)
		if ok != 1 || recorded != 1 {
			t.Errorf("%d concurrent answers succeeded, %d on the public record; want 1 and 1", ok, recorded)
		}
	})
}

// The villages of a commune-wide matter closing their votes at the same
// moment: the last to commit sees the others and decides the matter. (Each
// close also appends to the public record, whose head row already orders
// them; settle now locks the matter itself so as not to depend on that.)
func TestCommuneWideVotesClosingTogether(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 9)
		ctx := context.Background()
		m, err := f.svc.Propose(ctx, f.official, decision.Proposal{UnitID: f.commune.ID, Subject: decision.Infrastructure,
			Title: "Mức đóng góp làm đường liên thôn: 200.000 đồng/hộ"})
		if err != nil {
			t.Fatal(err)
		}
		votes := f.ballotsInEveryVillage(t, m.ID)
		if ok := apperrtest.AtOnce(t, len(votes), func(i int) error {
			_, err := f.svc.RecordCount(ctx, f.official, votes[i].ID, decision.Count{Agree: 9})
			return err
		}); ok != len(votes) {
			t.Errorf("%d of %d villages' counts were recorded, want all", ok, len(votes))
		}
		got, err := f.svc.Matter(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != decision.StatusPassed {
			t.Errorf("every village voted and passed it, the matter is %s; want %s", got.Status, decision.StatusPassed)
		}
	})
}
