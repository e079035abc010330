package supervision_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/supervision"
)

type fixture struct {
	d                     *db.DB
	svc                   *supervision.Service
	rec                   *audit.Service
	now                   time.Time
	hue, danDien, phuXuan org.Unit
	v1, v2, school        org.Unit
	front, board          *auth.Actor // the commune Front's officer, an inspection board member
	commune, otherCommune *auth.Actor
	schoolHead, province  *auth.Actor
	otherFront            *auth.Actor
	elections             *elections
}

// elections stands for the decisions capability (app wires the real one;
// its test elects members through real votes).
type elections struct{ got []supervision.Candidate }

func (e *elections) BoardElections(context.Context, int64) ([]supervision.Candidate, error) {
	return e.got, nil
}

const pw = "giám sát của nhân dân 2026"

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 12, 1, 9, 0, 0, 0, time.FixedZone("ICT", 7*3600)), elections: &elections{}}
	d.Now = func() time.Time { return f.now }
	units := org.NewService(d)
	csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19753,Phường Phú Xuân,phuong,46,UBND\n" +
		"19885-01,Thôn Đông Phước,thon,19885,\n19885-02,Thôn Tây Hòa,thon,19885,\n19885-TH,Trường Tiểu học Đan Điền,co-quan,19885,THDD\n19753-01,Tổ dân phố 1,to-dan-pho,19753,\n"
	if _, err := units.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Unit {
		u, err := units.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.hue, f.danDien, f.phuXuan = get("46"), get("19885"), get("19753")
	f.v1, f.v2, f.school = get("19885-01"), get("19885-02"), get("19885-TH")
	p := auth.DefaultPolicy()
	p.Require2FA = false
	logs := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	f.rec = audit.NewService(d)
	as := auth.NewService(d, units, f.rec, p, logs, logs)
	actor := func(email string, role auth.Role, unit org.Unit) *auth.Actor {
		res, err := as.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ " + email, Email: email, Role: role, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := as.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, err := as.SignIn(ctx, email, pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		_, a, _ := as.Session(ctx, in.Token)
		return a
	}
	f.front = actor("mttq@dandien.vn", auth.FrontOfficer, f.danDien)
	f.board = actor("bttnd@dandien.vn", auth.Supervisor, f.danDien)
	f.commune = actor("xa@dandien.vn", auth.CommuneOfficial, f.danDien)
	f.otherCommune = actor("xa@phuxuan.vn", auth.CommuneOfficial, f.phuXuan)
	f.otherFront = actor("mttq@phuxuan.vn", auth.FrontOfficer, f.phuXuan)
	f.schoolHead = actor("hieutruong@thdd.vn", auth.AgencyHead, f.school)
	f.province = actor("tinh@hue.vn", auth.ProvinceAdmin, f.hue)
	f.svc = supervision.NewService(d, units, as.Guard(), legal.Fixed{C: legal.NewCalendar(legal.Decided())})
	f.svc.Record, f.svc.Elections, f.svc.Accounts = f.rec, f.elections, as
	return f
}

func want(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

func wantField(t *testing.T, err error, field, text string) {
	t.Helper()
	want(t, err, apperr.CodeInvalid, text)
	var e *apperr.Error
	if !errors.As(err, &e) {
		t.Fatalf("%v is not an apperr", err)
	}
	if _, ok := e.FieldMsgs[field]; !ok {
		t.Fatalf("field %s not marked: %v", field, e.FieldMsgs)
	}
}

func day(y int, m time.Month, d int) legal.Date { return legal.DateOf(y, m, d) }

var names = []string{"Lê Thị An", "Trần Văn Bình", "Phạm Thị Cúc", "Hoàng Văn Dũng", "Võ Thị Em", "Đặng Văn Phúc"}

// elect makes the villages' elections hold names (alternately in the two villages).
func (f *fixture) elect(names ...string) {
	f.elections.got = nil
	for i, n := range names {
		v := f.v1
		if i%2 == 1 {
			v = f.v2
		}
		f.elections.got = append(f.elections.got, supervision.Candidate{MatterID: int64(100 + i%2), VillageID: v.ID, Name: n,
			HeldOn: day(2026, time.November, 20), Recognised: true})
	}
}

func elected(i int, position string) supervision.MemberDraft {
	return supervision.MemberDraft{Name: names[i], MatterID: int64(100 + i%2), Position: position, Origin: supervision.Elected, Resident: true}
}

// inspectionBoard creates the commune's inspection board with five
// elected members and recognises it.
func (f *fixture) inspectionBoard(t *testing.T) supervision.Board {
	t.Helper()
	ctx := context.Background()
	f.elect(names...)
	b, err := f.svc.CreateBoard(ctx, f.front, f.danDien.ID, supervision.BoardDraft{Kind: supervision.Inspection, Name: "Ban Thanh tra nhân dân xã Đan Điền",
		TermTo: day(2031, time.June, 30)}, db.Idem{})
	if err != nil {
		t.Fatal(err)
	}
	for i, pos := range []string{supervision.Head, supervision.Deputy, supervision.Member, supervision.Member, supervision.Member} {
		m := elected(i, pos)
		if i == 0 {
			m.Email = "bttnd@dandien.vn" // the head acts for the board in danchu
		}
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, m, db.Idem{}); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.svc.Recognise(ctx, f.front, f.danDien.ID, b.ID); err != nil {
		t.Fatal(err)
	}
	return b
}

func TestInspectionBoardComposition(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.elect(names...)
		draft := supervision.BoardDraft{Kind: supervision.Inspection, Name: "Ban Thanh tra nhân dân xã Đan Điền", TermTo: day(2031, time.June, 30)}
		// Only the Front creates boards; a commune official may not, nor another commune's Front.
		_, err := f.svc.CreateBoard(ctx, f.commune, f.danDien.ID, draft, db.Idem{})
		want(t, err, apperr.CodeForbidden, "")
		_, err = f.svc.CreateBoard(ctx, f.otherFront, f.danDien.ID, draft, db.Idem{})
		want(t, err, apperr.CodeNotFound, "")
		b, err := f.svc.CreateBoard(ctx, f.front, f.danDien.ID, draft, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.CreateBoard(ctx, f.front, f.danDien.ID, draft, db.Idem{})
		want(t, err, apperr.CodeConflict, "mỗi xã một ban")

		refusals := []struct {
			name  string
			draft supervision.MemberDraft
			code  apperr.Code
			text  string
			field string
		}{
			{"a commune official", supervision.MemberDraft{Name: names[0], MatterID: 100, Position: supervision.Head, Origin: supervision.Elected, Resident: true, Official: true},
				apperr.CodeInvalid, "Điều 36–40", "official"},
			{"not a resident", supervision.MemberDraft{Name: names[0], MatterID: 100, Position: supervision.Head, Origin: supervision.Elected},
				apperr.CodeInvalid, "thường trú", "resident"},
			{"not elected", supervision.MemberDraft{Name: "Người Lạ", MatterID: 100, Position: supervision.Member, Origin: supervision.Elected, Resident: true},
				apperr.CodeInvalid, "trúng cử", "matter"},
			{"another election's name", supervision.MemberDraft{Name: names[0], MatterID: 101, Position: supervision.Member, Origin: supervision.Elected, Resident: true},
				apperr.CodeInvalid, "trúng cử", "matter"},
			{"no name", supervision.MemberDraft{Position: supervision.Member, Origin: supervision.Elected, Resident: true}, apperr.CodeInvalid, "thành viên", "name"},
			{"a resident origin", supervision.MemberDraft{Name: names[0], MatterID: 100, Position: supervision.Member, Origin: supervision.Resident, Resident: true},
				apperr.CodeInvalid, "thành viên", "origin"},
		}
		for _, c := range refusals {
			_, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, c.draft, db.Idem{})
			if c.field != "" {
				wantField(t, err, c.field, c.text)
			} else {
				want(t, err, c.code, c.text)
			}
		}
		// An election the Front has not recognised yet, an e-mail of no account.
		f.elections.got[5].Recognised = false
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(5, supervision.Member), db.Idem{})
		wantField(t, err, "matter", "chưa được Ủy ban MTTQ xã công nhận")
		f.elections.got[5].Recognised = true
		m := elected(5, supervision.Member)
		m.Email = "khongco@dandien.vn"
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, m, db.Idem{})
		wantField(t, err, "email", "Không có tài khoản")
		// Two villages: the board has five members (at least 5), one head, at most two deputies.
		for i, pos := range []string{supervision.Head, supervision.Deputy, supervision.Deputy} {
			if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(i, pos), db.Idem{}); err != nil {
				t.Fatalf("member %d: %v", i, err)
			}
		}
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(3, supervision.Deputy), db.Idem{})
		wantField(t, err, "position", "tối đa 2 Phó")
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(3, supervision.Head), db.Idem{})
		wantField(t, err, "position", "đã có Trưởng ban")
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(0, supervision.Member), db.Idem{})
		want(t, err, apperr.CodeConflict, "đã là thành viên")
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(3, supervision.Member), db.Idem{}); err != nil {
			t.Fatal(err)
		}
		// Four of five: not recognised.
		err = f.svc.Recognise(ctx, f.front, f.danDien.ID, b.ID)
		want(t, err, apperr.CodeInvalid, "phải có 5 thành viên")
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(4, supervision.Member), db.Idem{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(5, supervision.Member), db.Idem{})
		want(t, err, apperr.CodeInvalid, "đã đủ 5 thành viên")
		// Another commune's Front cannot reach the board, even by its ID under its own commune.
		err = f.svc.Recognise(ctx, f.otherFront, f.phuXuan.ID, b.ID)
		want(t, err, apperr.CodeNotFound, "Không tìm thấy ban")
		if err := f.svc.Recognise(ctx, f.front, f.danDien.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		want(t, f.svc.Recognise(ctx, f.front, f.danDien.ID, b.ID), apperr.CodeConflict, "đã được công nhận")
		// The recognition is on the public record.
		es, err := f.rec.Records(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(es) != 1 || es[0].Kind != "supervision.recognised" || !strings.Contains(string(es[0].Data), names[4]) {
			t.Fatalf("public record: %+v", es)
		}
		// A member leaves; another elected joins (a by-election), while the term has six months left.
		v, err := f.svc.Board(ctx, f.front, f.danDien.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		leaving := v.Members[len(v.Members)-1]
		if err := f.svc.RemoveMember(ctx, f.front, f.danDien.ID, b.ID, leaving.ID); err != nil {
			t.Fatal(err)
		}
		want(t, f.svc.RemoveMember(ctx, f.front, f.danDien.ID, b.ID, leaving.ID), apperr.CodeNotFound, "")
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, elected(5, supervision.Member), db.Idem{}); err != nil {
			t.Fatalf("by-election in the term: %v", err)
		}
		// Another leaves. An election more than a year old was for another term.
		if err := f.svc.RemoveMember(ctx, f.front, f.danDien.ID, b.ID, v.Members[2].ID); err != nil {
			t.Fatal(err)
		}
		again := supervision.MemberDraft{Name: v.Members[2].Name, MatterID: v.Members[2].MatterID, Position: supervision.Member, Origin: supervision.Elected, Resident: true}
		f.now = time.Date(2028, time.February, 1, 9, 0, 0, 0, time.UTC)
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, again, db.Idem{})
		wantField(t, err, "matter", "quá 12 tháng")
		// A recent election, but less than six months of the term left: refused.
		for i := range f.elections.got {
			f.elections.got[i].HeldOn = day(2031, time.January, 10)
		}
		f.now = time.Date(2031, time.February, 1, 9, 0, 0, 0, time.UTC)
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, again, db.Idem{})
		want(t, err, apperr.CodeInvalid, "ít nhất 6 tháng")
		f.now = time.Date(2030, time.December, 1, 9, 0, 0, 0, time.UTC)
		for i := range f.elections.got {
			f.elections.got[i].HeldOn = day(2030, time.November, 10)
		}
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, again, db.Idem{}); err != nil {
			t.Fatalf("by-election with seven months left: %v", err)
		}
	})
}

func TestInvestmentBoard(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		insp := f.inspectionBoard(t)
		b, err := f.svc.CreateBoard(ctx, f.front, f.danDien.ID, supervision.BoardDraft{Kind: supervision.Investment, Name: "Ban GSĐTCĐ đường thôn Đông Phước",
			Project: "Bê tông hóa đường thôn Đông Phước", Funding: supervision.Community, Investor: "UBND xã Đan Điền", StartsOn: day(2027, time.January, 1)}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		member := func(name, origin, pos string) supervision.MemberDraft {
			return supervision.MemberDraft{Name: name, Origin: origin, Position: pos, Resident: true, NoRelative: true}
		}
		m := member("Nguyễn Văn Quyết", supervision.Resident, supervision.Member)
		m.NoRelative = false
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, m, db.Idem{})
		wantField(t, err, "no_relative", "Điều 41–45")
		head := member("Phan Văn Mặt Trận", supervision.FromFront, supervision.Head)
		head.Email = "bttnd@dandien.vn"
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, head, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		for i := range 5 {
			if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, member("Người dân "+string(rune('A'+i)), supervision.Resident, supervision.Member), db.Idem{}); err != nil {
				t.Fatal(err)
			}
		}
		_, err = f.svc.AddMember(ctx, f.front, f.danDien.ID, b.ID, member("Người dân F", supervision.Resident, supervision.Member), db.Idem{})
		wantField(t, err, "origin", "tối đa 5 người")
		// Told 31 days before: late (45 days, ND 59 Art 16), shown, not refused.
		if err := f.svc.Notified(ctx, f.front, f.danDien.ID, b.ID, day(2026, time.December, 1)); err != nil {
			t.Fatal(err)
		}
		v, err := f.svc.Board(ctx, f.board, f.danDien.ID, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.NoticeDue != day(2026, time.November, 17) || !supervision.NoticeLate(v.Board.NotifiedOn, v.NoticeDue) {
			// 1 January 2027 less 45 days is 17 November 2026.
			t.Fatalf("notice due %s, notified %s", v.NoticeDue, v.Board.NotifiedOn)
		}
		if err := f.svc.Recognise(ctx, f.front, f.danDien.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		// A community project's board watches materials; a suspension is its proposal only.
		_, err = f.svc.AddWriting(ctx, f.board, f.danDien.ID, b.ID, supervision.WritingDraft{Kind: supervision.Conclusion, Area: "weather", Title: "Kết luận", Body: "…"}, db.Idem{})
		wantField(t, err, "area", "nội dung giám sát")
		if _, err := f.svc.AddWriting(ctx, f.board, f.danDien.ID, b.ID, supervision.WritingDraft{Kind: supervision.Conclusion, Area: "materials",
			Title: "Xi măng không đúng mác", Body: "Mẫu xi măng tại công trình là PCB30, hồ sơ thiết kế PCB40.", Evidence: "Biên bản lấy mẫu ngày 01/12/2026"}, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Recommend(ctx, f.board, f.danDien.ID, b.ID, supervision.RecDraft{Kind: supervision.Suspend, AddresseeID: f.danDien.ID,
			Subject: "Tạm dừng đổ bê tông đến khi thay xi măng đúng mác", Body: "…"}, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Recommend(ctx, f.board, f.danDien.ID, insp.ID, supervision.RecDraft{Kind: supervision.Suspend, AddresseeID: f.danDien.ID,
			Subject: "Tạm dừng", Body: "…"}, db.Idem{})
		wantField(t, err, "kind", "tạm dừng")
		// An addressee outside the commune is refused.
		_, err = f.svc.Recommend(ctx, f.board, f.danDien.ID, b.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: f.phuXuan.ID,
			Subject: "X", Body: "…"}, db.Idem{})
		wantField(t, err, "addressee", "nơi nhận")
		// Handed over: the board dissolves and works no more.
		if err := f.svc.Dissolve(ctx, f.front, f.danDien.ID, b.ID, day(2026, time.December, 1), "Bàn giao đưa vào sử dụng"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddPlan(ctx, f.board, f.danDien.ID, b.ID, supervision.PlanDraft{Period: supervision.Project, Title: "Kế hoạch", Body: "…"}, db.Idem{})
		want(t, err, apperr.CodeConflict, "đã giải thể")
		// The inspection board's term over: the Front ends it, and only then recognises the next.
		next := supervision.BoardDraft{Kind: supervision.Inspection, Name: "Ban Thanh tra nhân dân nhiệm kỳ mới", TermTo: day(2036, time.June, 30)}
		_, err = f.svc.CreateBoard(ctx, f.front, f.danDien.ID, next, db.Idem{})
		want(t, err, apperr.CodeConflict, "mỗi xã một ban")
		if err := f.svc.Dissolve(ctx, f.front, f.danDien.ID, insp.ID, day(2026, time.December, 1), "Hết nhiệm kỳ"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.CreateBoard(ctx, f.front, f.danDien.ID, next, db.Idem{}); err != nil {
			t.Fatalf("the next term's board: %v", err)
		}
	})
}

func TestRecommendationAnsweredLate(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		b := f.inspectionBoard(t)
		// The inspection starts Monday 7 December: five working days before is Monday 30 November.
		plan := supervision.PlanDraft{Period: supervision.InspectionRun, Title: "Kiểm tra việc thu, chi quỹ đường thôn", Body: "…",
			Subject: "UBND xã Đan Điền", StartsOn: day(2026, time.December, 7), SentOn: day(2026, time.December, 1)}
		_, err := f.svc.AddPlan(ctx, f.board, f.danDien.ID, b.ID, plan, db.Idem{})
		wantField(t, err, "sent_on", "30/11/2026")
		plan.SentOn = day(2026, time.November, 30)
		if _, err := f.svc.AddPlan(ctx, f.board, f.danDien.ID, b.ID, plan, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		// An official who sits on no board files nothing in its name.
		other, err := f.svc.CreateBoard(ctx, f.front, f.danDien.ID, supervision.BoardDraft{Kind: supervision.Front, Name: "Đoàn giám sát thu học phí", Project: "Học phí"}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddMember(ctx, f.front, f.danDien.ID, other.ID, supervision.MemberDraft{Name: "Phạm Thị Mặt Trận", Position: supervision.Head, Origin: supervision.FrontStaff}, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Recognise(ctx, f.front, f.danDien.ID, other.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Recommend(ctx, f.board, f.danDien.ID, other.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: f.danDien.ID, Subject: "X", Body: "…"}, db.Idem{})
		want(t, err, apperr.CodeForbidden, "Chỉ thành viên của Đoàn giám sát thu học phí")
		// A commune official records no supervision.
		_, err = f.svc.AddPlan(ctx, f.commune, f.danDien.ID, b.ID, plan, db.Idem{})
		want(t, err, apperr.CodeForbidden, "")
		x, err := f.svc.Recommend(ctx, f.board, f.danDien.ID, b.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: f.danDien.ID,
			Subject: "Công khai chứng từ chi quỹ làm đường", Body: "Đề nghị UBND xã niêm yết chứng từ chi quỹ tại nhà văn hóa thôn."}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		if x.DueOn != day(2026, time.December, 16) || x.State(day(2026, time.December, 16)) != supervision.Waiting {
			t.Fatalf("due %s, state %s", x.DueOn, x.State(day(2026, time.December, 16)))
		}
		toSchool, err := f.svc.Recommend(ctx, f.board, f.danDien.ID, b.ID, supervision.RecDraft{Kind: supervision.Recommend, AddresseeID: f.school.ID,
			Subject: "Công khai các khoản thu đầu năm học", Body: "…"}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		// Bodies not addressed: 404, whoever they are.
		for _, c := range []struct {
			a    *auth.Actor
			unit int64
			id   int64
			code apperr.Code
		}{
			{f.otherCommune, f.phuXuan.ID, x.ID, apperr.CodeNotFound},
			{f.commune, f.danDien.ID, toSchool.ID, apperr.CodeNotFound},
			{f.schoolHead, f.school.ID, x.ID, apperr.CodeNotFound},
			{f.otherCommune, f.danDien.ID, x.ID, apperr.CodeNotFound},
			{f.board, f.danDien.ID, x.ID, apperr.CodeForbidden},
			{f.commune, f.school.ID, toSchool.ID, apperr.CodeNotFound}, // the commune answers nothing in the school's name
			{f.province, f.danDien.ID, x.ID, apperr.CodeNotFound},      // nor the province in the commune's
		} {
			_, err := f.svc.Answer(ctx, c.a, c.unit, c.id, "Đã niêm yết.")
			want(t, err, c.code, "")
		}
		// Day 16: overdue on the commune's home and raised to the province's.
		f.now = f.now.AddDate(0, 0, 16)
		items, err := f.svc.Due(ctx, []org.Unit{f.danDien, f.hue})
		if err != nil {
			t.Fatal(err)
		}
		if it := find(items, "supervision.work.answer", f.danDien.ID); it.Count != 1 || it.Overdue != 1 {
			t.Fatalf("commune's work: %+v", items)
		}
		if it := find(items, "supervision.work.escalated", f.hue.ID); it.Count != 1 || it.Overdue != 1 {
			t.Fatalf("province's work: %+v", items)
		}
		late, err := f.svc.Late(ctx, f.province, f.hue)
		if err != nil || len(late) != 1 || late[0].ID != x.ID {
			t.Fatalf("province's late list: %v %+v", err, late)
		}
		// Empty and twice: refused; the answer on day 16 is late, on the public record.
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, x.ID, "  ")
		wantField(t, err, "answer", "Cần nhập")
		ans, err := f.svc.Answer(ctx, f.commune, f.danDien.ID, x.ID, "Đã niêm yết chứng từ tại nhà văn hóa thôn Đông Phước ngày 17/12/2026.")
		if err != nil {
			t.Fatal(err)
		}
		if ans.State(legal.Today(f.now)) != supervision.AnsweredLate {
			t.Fatalf("state %s", ans.State(legal.Today(f.now)))
		}
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, x.ID, "Lần hai")
		want(t, err, apperr.CodeConflict, "đã được trả lời")
		es, err := f.rec.Records(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if es[0].Kind != "supervision.answered" || !strings.Contains(string(es[0].Data), `"on_time":false`) {
			t.Fatalf("public record: %+v", es[0])
		}
		// The school's own is still waiting past its day: its head sees it overdue.
		items, err = f.svc.Due(ctx, []org.Unit{f.school, f.danDien})
		if err != nil {
			t.Fatal(err)
		}
		if it := find(items, "supervision.work.answer", f.school.ID); it.Overdue != 1 {
			t.Fatalf("school's work: %+v", items)
		}
		if it := find(items, "supervision.work.escalated", f.danDien.ID); it.Count != 1 {
			t.Fatalf("the commune above the school: %+v", items)
		}
	})
}

func find(items []office.Item, kind string, unit int64) office.Item {
	for _, it := range items {
		if it.Kind == kind && it.UnitID == unit {
			return it
		}
	}
	return office.Item{}
}

func TestPublicFace(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		units := org.NewService(d)
		tree, err := units.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		forming, err := f.svc.CreateBoard(ctx, f.front, f.danDien.ID, supervision.BoardDraft{Kind: supervision.Front, Name: "Đoàn giám sát việc thu học phí",
			Project: "Thu các khoản đầu năm học 2026–2027"}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		b := f.inspectionBoard(t)
		w, err := f.svc.AddWriting(ctx, f.board, f.danDien.ID, b.ID, supervision.WritingDraft{Kind: supervision.Conclusion, Title: "Kết luận kiểm tra quỹ đường", Body: "Thu, chi đúng."}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.AddWriting(ctx, f.board, f.danDien.ID, b.ID, supervision.WritingDraft{Kind: supervision.Report, Period: supervision.Quarter, Title: "Báo cáo quý IV", Body: "…"}, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		// A board still forming is not public; a draft conclusion stays internal.
		if _, err := f.svc.PublicBoard(ctx, tree, f.danDien, forming.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Fatalf("forming board public: %v", err)
		}
		if _, err := f.svc.PublicBoard(ctx, tree, f.phuXuan, b.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Fatalf("a board under another commune's address: %v", err)
		}
		v, err := f.svc.PublicBoard(ctx, tree, f.danDien, b.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Writings) != 0 || len(v.Members) != 5 {
			t.Fatalf("public before publishing: %d writings, %d members", len(v.Writings), len(v.Members))
		}
		want(t, f.svc.Publish(ctx, f.board, f.phuXuan.ID, b.ID, w.ID), apperr.CodeNotFound, "")
		if err := f.svc.Publish(ctx, f.board, f.danDien.ID, b.ID, w.ID); err != nil {
			t.Fatal(err)
		}
		want(t, f.svc.Publish(ctx, f.board, f.danDien.ID, b.ID, w.ID), apperr.CodeConflict, "")
		if v, err = f.svc.PublicBoard(ctx, tree, f.danDien, b.ID); err != nil || len(v.Writings) != 1 || v.Writings[0].ID != w.ID {
			t.Fatalf("public after publishing: %v %+v", err, v.Writings)
		}
		es, err := f.rec.Records(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if es[0].Kind != "supervision.conclusion" || !strings.Contains(es[0].Summary, "Kết luận kiểm tra quỹ đường") {
			t.Fatalf("public record: %+v", es[0])
		}
		bs, err := f.svc.PublicBoards(ctx, tree, f.danDien)
		if err != nil || len(bs) != 1 {
			t.Fatalf("public boards: %v %d", err, len(bs))
		}
	})
}
