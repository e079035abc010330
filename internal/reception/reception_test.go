package reception_test

import (
	"context"
	"errors"
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
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/reception"
	"danchu/internal/vault"
)

type fixture struct {
	d                            *db.DB
	svc                          *reception.Service
	intake                       *intake
	now                          time.Time
	hue, danDien, phuXuan        org.Unit
	v1, v2, pxVillage            org.Unit
	commune, otherCommune, other *auth.Actor
	province                     *auth.Actor
}

// intake stands for casework and feedback (app wires the real ones; its
// tests open real cases): it records what it was asked to open.
type intake struct {
	mu  sync.Mutex
	got []reception.Petition
}

func (in *intake) Open(_ context.Context, _ *auth.Actor, p reception.Petition) (reception.Opened, error) {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.got = append(in.got, p)
	return reception.Opened{Code: "KN-TEST-0001", URL: "/quan-tri/don-vi/19885/don-thu/1"}, nil
}

const pw = "tiếp công dân định kỳ 2026"

// ict is a moment on Vietnam's clock.
func ict(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, time.FixedZone("ICT", 7*3600))
}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: ict(2026, 12, 1, 10, 0), intake: &intake{}}
	d.Now = func() time.Time { return f.now }
	units := org.NewService(d)
	csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19753,Phường Phú Xuân,phuong,46,UBND\n" +
		"01,Thành phố Hà Nội,thanh-pho,,UBND\n19885-01,Thôn Đông Phước,thon,19885,\n19885-02,Thôn Tây Hòa,thon,19885,\n19753-01,Tổ dân phố 1,to-dan-pho,19753,\n"
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
	f.v1, f.v2, f.pxVillage = get("19885-01"), get("19885-02"), get("19753-01")
	p := auth.DefaultPolicy()
	p.Require2FA = false
	logs := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rec := audit.NewService(d)
	as := auth.NewService(d, units, rec, p, logs, logs)
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
	f.commune = actor("xa@dandien.vn", auth.CommuneOfficial, f.danDien)
	f.otherCommune = actor("xa@phuxuan.vn", auth.CommuneOfficial, f.phuXuan)
	f.other = actor("tinh@hanoi.vn", auth.ProvinceAdmin, get("01"))
	f.province = actor("tinh@hue.vn", auth.ProvinceAdmin, f.hue)
	keys, err := vault.Parse([]byte(vault.KeyLine(1)))
	if err != nil {
		t.Fatal(err)
	}
	outbox := notify.NewOutbox(d, logs, logs, "https://danchu.example.vn", slog.New(slog.NewTextHandler(io.Discard, nil)))
	outbox.SetSealer(keys)
	f.svc = reception.NewService(d, units, as.Guard(), legal.Fixed{C: legal.NewCalendar(legal.Decided())}, outbox)
	f.svc.SetVault(keys)
	f.svc.Record, f.svc.Intake = rec, f.intake
	return f
}

func want(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

// wantField checks a refusal marks field with a message holding text.
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

func (f *fixture) leader(t *testing.T) reception.Leader {
	t.Helper()
	l, err := f.svc.AddLeader(context.Background(), f.commune, f.danDien.ID,
		reception.LeaderDraft{Role: "chair.commune", Name: "Nguyễn Văn Chủ Tịch", Title: "Chủ tịch UBND xã"}, db.Idem{})
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func (f *fixture) session(t *testing.T, l reception.Leader, day legal.Date, slots int) reception.Session {
	t.Helper()
	x, _, err := f.svc.AddSession(context.Background(), f.commune, f.danDien.ID, reception.SessionDraft{LeaderID: l.ID, Day: day,
		Starts: "07:30", Ends: "11:00", Place: "Trụ sở UBND xã", Slots: slots}, db.Idem{})
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func dec(d int) legal.Date { return legal.DateOf(2026, time.December, d) }

func TestScheduleAgainstMinimum(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		draft := reception.SessionDraft{LeaderID: l.ID, Day: dec(8), Starts: "07:30", Ends: "11:00", Place: "Trụ sở UBND xã", Slots: 10}
		// December's weeks begin on 7, 14, 21 and 28: a weekly minimum needs four days.
		x, mo, err := f.svc.AddSession(ctx, f.commune, f.danDien.ID, draft, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		if mo.Check.Needs != 4 || mo.Check.Planned != 1 || mo.Check.OK() || len(mo.Check.Short) != 3 || x.Status != reception.Planned {
			t.Fatalf("month after one session: %+v", mo.Check)
		}
		for _, day := range []int{15, 22} {
			draft.Day = dec(day)
			if _, mo, err = f.svc.AddSession(ctx, f.commune, f.danDien.ID, draft, db.Idem{}); err != nil {
				t.Fatal(err)
			}
		}
		// 2 January 2027 is a Saturday: no session on a day off.
		draft.Day = legal.DateOf(2027, time.January, 2)
		_, _, err = f.svc.AddSession(ctx, f.commune, f.danDien.ID, draft, db.Idem{})
		wantField(t, err, "day", "ngày nghỉ")
		draft.Day = dec(31)
		if _, mo, err = f.svc.AddSession(ctx, f.commune, f.danDien.ID, draft, db.Idem{}); err != nil {
			t.Fatal(err)
		}
		if !mo.Check.OK() || mo.Check.Planned != 4 {
			t.Fatalf("month with four weeks: %+v", mo.Check)
		}
		bad := []struct {
			name  string
			edit  func(*reception.SessionDraft)
			field string
			text  string
		}{
			{"Past", func(s *reception.SessionDraft) { s.Day = dec(1).AddDays(-1) }, "day", "đã qua"},
			{"Sunday", func(s *reception.SessionDraft) { s.Day = dec(6) }, "day", "ngày nghỉ"},
			{"EndsFirst", func(s *reception.SessionDraft) { s.Ends = "07:00" }, "ends", "sau giờ bắt đầu"},
			{"BadHour", func(s *reception.SessionDraft) { s.Starts = "25:00" }, "starts", "Giờ không hợp lệ"},
			{"NoSlots", func(s *reception.SessionDraft) { s.Slots = 0 }, "slots", "từ 1"},
			{"HTTPVideo", func(s *reception.SessionDraft) { s.VideoURL = "http://meet.example.vn/x" }, "video_url", "https://"},
			{"VideoPassword", func(s *reception.SessionDraft) { s.VideoURL = "https://u:p@meet.example.vn/x" }, "video_url", "mật khẩu"},
			{"BadUTF8", func(s *reception.SessionDraft) { s.Place = "Trụ sở \xff" }, "place", "không hợp lệ"},
			{"NoLeader", func(s *reception.SessionDraft) { s.LeaderID = 0 }, "leader", "Chọn một lãnh đạo"},
			{"UnknownLeader", func(s *reception.SessionDraft) { s.LeaderID = 123456 }, "leader", "Chọn một lãnh đạo"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				s := draft
				s.Day = dec(9)
				c.edit(&s)
				_, _, err := f.svc.AddSession(ctx, f.commune, f.danDien.ID, s, db.Idem{})
				wantField(t, err, c.field, c.text)
			})
		}
		// Another commune's official: the unit is not found, and nothing was planned.
		_, _, err = f.svc.AddSession(ctx, f.otherCommune, f.danDien.ID, draft, db.Idem{})
		want(t, err, apperr.CodeNotFound, "")
		_, _, err = f.svc.AddSession(ctx, f.other, f.danDien.ID, draft, db.Idem{})
		want(t, err, apperr.CodeNotFound, "")
		// A leader of Đan Điền scheduled in Phú Xuân is refused.
		_, _, err = f.svc.AddSession(ctx, f.otherCommune, f.phuXuan.ID, draft, db.Idem{})
		wantField(t, err, "leader", "")
		if n := db.Count(t, d, "select count(*) from reception_sessions"); n != 4 {
			t.Errorf("%d sessions, want 4", n)
		}
		// A leader role the unit cannot have.
		_, err = f.svc.AddLeader(ctx, f.commune, f.danDien.ID, reception.LeaderDraft{Role: "chair.province", Name: "X", Title: "Y"}, db.Idem{})
		wantField(t, err, "role", "")
		// The province's leader, on the province: a monthly minimum.
		pl, err := f.svc.AddLeader(ctx, f.province, f.hue.ID, reception.LeaderDraft{Role: "chair.province", Name: "Trần Thị Tỉnh", Title: "Chủ tịch UBND thành phố"}, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		mo, err = f.svc.LeaderMonth(ctx, f.province, f.hue.ID, pl.ID, 2026, time.December)
		if err != nil || mo.Check.Needs != 1 || mo.Check.OK() {
			t.Fatalf("province chair's December: %+v, %v", mo.Check, err)
		}
		// The commune's leader is not the province's to read as its own.
		_, err = f.svc.LeaderMonth(ctx, f.province, f.hue.ID, l.ID, 2026, time.December)
		want(t, err, apperr.CodeNotFound, "")
	})
}

func TestBookingFullPastAndCancel(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		a := f.session(t, l, dec(8), 1)
		b := f.session(t, l, dec(15), 5)
		bd := reception.BookingDraft{SessionID: a.ID, Name: "Lê Văn Dân", Phone: "0912 345 678", Topic: "Ranh giới thửa đất", People: 1, IdemKey: "k1-booking-key-0001"}
		first, err := f.svc.Book(ctx, nil, bd)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(first.Code, "LH-") || first.Phone != "+84912345678" || first.Status != reception.Booked {
			t.Fatalf("booking = %+v", first)
		}
		// The same form sent again is the same booking.
		again, err := f.svc.Book(ctx, nil, bd)
		if err != nil || again.ID != first.ID {
			t.Fatalf("resent = %+v, %v", again, err)
		}
		// Full: refused with the next session that has room.
		bd.IdemKey, bd.Phone = "k2-booking-key-0002", "0987 000 111"
		_, err = f.svc.Book(ctx, nil, bd)
		want(t, err, apperr.CodeConflict, "15/12/2026")
		// One phone books a session once: a second booking in the later session is refused.
		if _, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: b.ID, Name: "Lê Văn Dân", Phone: "0987 000 222", Topic: "Đất", People: 1}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: b.ID, Name: "Người khác", Phone: "+84987000222", Topic: "Khác", People: 1})
		want(t, err, apperr.CodeConflict, "đã có lịch hẹn")
		for _, c := range []struct {
			name  string
			edit  func(*reception.BookingDraft)
			field string
		}{
			{"Phone", func(b *reception.BookingDraft) { b.Phone = "gọi tôi" }, "phone"},
			{"NoTopic", func(b *reception.BookingDraft) { b.Topic = "  " }, "topic"},
			{"People", func(b *reception.BookingDraft) { b.People = 0 }, "people"},
			{"BadUTF8", func(b *reception.BookingDraft) { b.Name = "\xc3\x28" }, "name"},
		} {
			x := bd
			x.SessionID = b.ID
			c.edit(&x)
			_, err := f.svc.Book(ctx, nil, x)
			wantField(t, err, c.field, "")
		}
		// Cancelling: a wrong code, a malformed one and a right one used twice.
		for _, typed := range []string{"LH-0000-0000", "xyz", strings.Replace(first.Code, "LH", "TD", 1)} {
			want(t, f.svc.Cancel(ctx, typed), apperr.CodeInvalid, "Không hủy được")
		}
		if err := f.svc.Cancel(ctx, strings.ToLower(first.Code)); err != nil {
			t.Fatalf("cancel: %v", err)
		}
		want(t, f.svc.Cancel(ctx, first.Code), apperr.CodeInvalid, "Không hủy được")
		if n := db.Count(t, d, "select booked from reception_sessions where id = $1", a.ID); n != 0 {
			t.Errorf("session holds %d bookings after the cancel", n)
		}
		// The slot is free again.
		second, err := f.svc.Book(ctx, nil, bd)
		if err != nil {
			t.Fatal(err)
		}
		// Once the session began, booking and cancelling are refused.
		f.now = ict(2026, 12, 8, 8, 0)
		bd.IdemKey, bd.SessionID = "k3-booking-key-0003", a.ID
		_, err = f.svc.Book(ctx, nil, bd)
		want(t, err, apperr.CodeConflict, "đã bắt đầu")
		want(t, f.svc.Cancel(ctx, second.Code), apperr.CodeInvalid, "Không hủy được")
		// The look-up shows the booking without its name or phone.
		tr, err := f.svc.Track(ctx, second.Code)
		if err != nil || tr.Booking == nil || tr.Booking.Name != "" || tr.Booking.Phone != "" || tr.Session.ID != a.ID || tr.Cancels {
			t.Fatalf("track = %+v, %v", tr, err)
		}
		_, err = f.svc.Track(ctx, "LH-0000-0000")
		want(t, err, apperr.CodeNotFound, "Không tìm thấy")
	})
}

func TestReminderTheDayBefore(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		a := f.session(t, l, dec(8), 5)
		later := f.session(t, l, dec(15), 5)
		for i, s := range []int64{a.ID, a.ID, later.ID} {
			if _, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: s, Name: "Dân " + string(rune('A'+i)), Phone: "091234567" + string(rune('0'+i)),
				Topic: "Hỏi chính sách", People: 1}); err != nil {
				t.Fatal(err)
			}
		}
		f.now = ict(2026, 12, 7, 8, 0)
		n, err := f.svc.Remind(ctx)
		if err != nil || n != 2 {
			t.Fatalf("reminded %d, %v; want the 2 of tomorrow", n, err)
		}
		if n, err = f.svc.Remind(ctx); err != nil || n != 0 {
			t.Fatalf("reminded again %d, %v", n, err)
		}
		if c := db.Count(t, d, "select count(*) from outbox where kind = 'reception.reminder' and address like '+8491234567%' and body like '%ngày mai 08/12/2026%'"); c != 2 {
			t.Errorf("%d reminders in the outbox", c)
		}
	})
}

func TestBookAnswerAndSecrecy(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		a := f.session(t, l, dec(8), 5)
		bk, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: a.ID, Name: "Lê Văn Dân", Phone: "0912345678", Topic: "Đất", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		f.now = ict(2026, 12, 8, 9, 0)
		vd := reception.VisitDraft{BookingCode: bk.Code, Day: dec(8), Name: "Lê Văn Dân", Address: "Thôn 1, xã Đan Điền", Phone: "0912345678",
			People: 1, Kind: reception.Complaint, Content: "Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND", Request: "Hủy quyết định", Done: "Hướng dẫn viết đơn"}
		vs, citizenCode, err := f.svc.Enter(ctx, f.commune, f.danDien.ID, vd)
		if err != nil {
			t.Fatal(err)
		}
		v := vs[0]
		// The answer is due in 10 working days: 22/12/2026 (Luật Tiếp công dân Art 28).
		if len(vs) != 1 || v.Number != 1 || v.Year != 2026 || v.Due != dec(22) || citizenCode != bk.Code || v.SessionID != a.ID {
			t.Fatalf("entry = %+v (code %s)", v, citizenCode)
		}
		if n := db.Count(t, d, "select count(*) from reception_bookings where id = $1 and status = 'received'", bk.ID); n != 1 {
			t.Error("the booking is not marked received")
		}
		// The booking is used: entering it again is refused.
		vd.IdemKey = "another-visit-key-01"
		_, _, err = f.svc.Enter(ctx, f.commune, f.danDien.ID, vd)
		wantField(t, err, "booking", "")
		// A mixed petition is split into a complaint and a denunciation, both sealed.
		mixed := reception.VisitDraft{Day: dec(8), Name: "Phạm Thị Tố Giác", Address: "Thôn 3, xã Đan Điền", Phone: "0987654321", People: 6,
			Kind: reception.Mixed, Content: "Khiếu nại việc bồi thường", Content2: "Tố cáo cán bộ địa chính nhận tiền", Request: "Xem xét", IdemKey: "mixed-visit-key-0001"}
		parts, walkCode, err := f.svc.Enter(ctx, f.commune, f.danDien.ID, mixed)
		if err != nil {
			t.Fatal(err)
		}
		if len(parts) != 2 || parts[0].Kind != reception.Complaint || parts[1].Kind != reception.Denunciation || parts[1].ParentID != parts[0].ID ||
			!parts[0].Sealed || !parts[1].Sealed || !parts[0].Mass || parts[0].Number != 2 || parts[1].Number != 3 || !strings.HasPrefix(walkCode, "TD-") {
			t.Fatalf("split = %+v", parts)
		}
		for _, s := range []string{"Phạm Thị Tố Giác", "0987654321", "+84987654321", "Thôn 3"} {
			if n := db.Count(t, d, "select count(*) from reception_visits where name like $1 or address like $1 or phone like $1 or identity like $1", "%"+s+"%"); n != 0 {
				t.Errorf("%q is readable in the book", s)
			}
			if n := db.Count(t, d, "select count(*) from audit_log where after_hash like $1 or detail like $1", "%"+s+"%"); n != 0 {
				t.Errorf("%q is readable in the log", s)
			}
		}
		// The answer: refused needs its reason; a complaint taken up needs the day it was known.
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, v.ID, reception.Answer{Outcome: reception.Refused, Version: v.Version})
		wantField(t, err, "note", "")
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, v.ID, reception.Answer{Outcome: reception.Accepted, Version: v.Version})
		wantField(t, err, "known_on", "")
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, v.ID, reception.Answer{Outcome: "maybe", Version: v.Version})
		wantField(t, err, "outcome", "")
		_, err = f.svc.Answer(ctx, f.otherCommune, f.danDien.ID, v.ID, reception.Answer{Outcome: reception.Refused, Note: "x"})
		want(t, err, apperr.CodeNotFound, "")
		_, err = f.svc.Answer(ctx, f.otherCommune, f.phuXuan.ID, v.ID, reception.Answer{Outcome: reception.Refused, Note: "x"})
		want(t, err, apperr.CodeNotFound, "lượt tiếp")
		if len(f.intake.got) != 0 {
			t.Fatalf("a refused answer opened a case: %+v", f.intake.got)
		}
		f.now = ict(2026, 12, 10, 9, 0)
		got, err := f.svc.Answer(ctx, f.commune, f.danDien.ID, v.ID, reception.Answer{Outcome: reception.Accepted, KnownOn: dec(1), Version: v.Version})
		if err != nil {
			t.Fatal(err)
		}
		if got.Outcome != reception.Accepted || got.CaseCode != "KN-TEST-0001" || got.AnsweredOn != dec(10) || got.Late(dec(10)) {
			t.Fatalf("answered = %+v", got)
		}
		if len(f.intake.got) != 1 || f.intake.got[0].Name != "Lê Văn Dân" || f.intake.got[0].KnownOn != dec(1) || f.intake.got[0].Key == "" {
			t.Fatalf("opened = %+v", f.intake.got)
		}
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, v.ID, reception.Answer{Outcome: reception.Refused, Note: "x", Version: got.Version})
		want(t, err, apperr.CodeConflict, "đã được trả lời")
		// A forged or stale version is refused before anything opens.
		den0 := parts[0]
		_, err = f.svc.Answer(ctx, f.commune, f.danDien.ID, den0.ID, reception.Answer{Outcome: reception.Refused, Note: "x", Version: den0.Version + 7})
		want(t, err, apperr.CodeConflict, "tải lại trang")
		// The sealed denunciation opens its case with the identity the vault held.
		den := parts[1]
		if _, err := f.svc.Answer(ctx, f.commune, f.danDien.ID, den.ID, reception.Answer{Outcome: reception.Verify, Version: den.Version}); err != nil {
			t.Fatal(err)
		}
		if p := f.intake.got[1]; p.Name != "Phạm Thị Tố Giác" || p.Phone != "+84987654321" || p.Kind != reception.Denunciation {
			t.Fatalf("denunciation opened with %+v", p)
		}
		// The denouncer's answer goes sealed; the complainant's in clear to their phone.
		if n := db.Count(t, d, "select count(*) from outbox where kind = 'reception.answered' and address = '' and body like 'sealed:%'"); n != 1 {
			t.Errorf("%d sealed answers", n)
		}
		if n := db.Count(t, d, "select count(*) from outbox where kind = 'reception.answered' and address = '+84912345678' and body like '%KN-TEST-0001%'"); n != 1 {
			t.Errorf("%d clear answers", n)
		}
		// The citizen's look-up: the outcome, no name.
		tr, err := f.svc.Track(ctx, bk.Code)
		if err != nil || len(tr.Visits) != 1 || tr.Visits[0].Outcome != reception.Accepted || tr.Visits[0].Name != "" || tr.Visits[0].CaseCode != "KN-TEST-0001" {
			t.Fatalf("track = %+v, %v", tr, err)
		}
		// The office's work: the complaint half of the mixed petition waits.
		items, err := f.svc.Due(ctx, []org.Unit{f.danDien, f.phuXuan})
		if open := only(items, "reception.work.open"); err != nil || len(open) != 1 || open[0].Count != 1 || open[0].Overdue != 0 ||
			open[0].Earliest != dec(22) || open[0].UnitID != f.danDien.ID {
			t.Fatalf("due = %+v, %v", items, err)
		}
		f.now = ict(2026, 12, 23, 9, 0)
		items, _ = f.svc.Due(ctx, []org.Unit{f.danDien})
		if open := only(items, "reception.work.open"); len(open) != 1 || open[0].Overdue != 1 {
			t.Fatalf("due after the day = %+v", items)
		}
		// Without the vault's keys a denunciation is not entered.
		f.svc.SetVault(nil)
		mixed.IdemKey, mixed.Kind = "no-vault-key-visit-01", reception.Denunciation
		_, _, err = f.svc.Enter(ctx, f.commune, f.danDien.ID, mixed)
		want(t, err, apperr.CodeUnavailable, "--vault-key")
	})
}

func TestMovedSessionAndStats(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		a := f.session(t, l, dec(8), 3)
		b := f.session(t, l, dec(15), 3)
		if _, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: b.ID, Name: "Dân", Phone: "0912345678", Topic: "Hỏi", People: 1}); err != nil {
			t.Fatal(err)
		}
		// Not yet its day: neither held nor missed.
		_, err := f.svc.Close(ctx, f.commune, f.danDien.ID, a.ID, a.Version, reception.Held, "", nil)
		want(t, err, apperr.CodeConflict, "Chưa đến ngày")
		// Moved without a notice, or to a day off: refused.
		next := reception.SessionDraft{Day: dec(16), Starts: "13:30", Ends: "17:00", Place: "Nhà văn hóa thôn 2", Slots: 3}
		_, err = f.svc.Close(ctx, f.commune, f.danDien.ID, b.ID, b.Version, reception.Moved, "", &next)
		wantField(t, err, "notice", "")
		sunday := next
		sunday.Day = dec(20)
		_, err = f.svc.Close(ctx, f.commune, f.danDien.ID, b.ID, b.Version, reception.Moved, "Chủ tịch đi công tác", &sunday)
		wantField(t, err, "day", "ngày nghỉ")
		moved, err := f.svc.Close(ctx, f.commune, f.danDien.ID, b.ID, b.Version, reception.Moved, "Chủ tịch đi công tác", &next)
		if err != nil || moved.Status != reception.Moved || moved.MovedTo == 0 {
			t.Fatalf("moved = %+v, %v", moved, err)
		}
		// The booking moved with it and its citizen was texted; the move is on the public record.
		if n := db.Count(t, d, "select count(*) from reception_bookings where session_id = $1 and status = 'booked'", moved.MovedTo); n != 1 {
			t.Errorf("%d bookings in the new session", n)
		}
		if n := db.Count(t, d, "select booked from reception_sessions where id = $1", moved.MovedTo); n != 1 {
			t.Errorf("new session counts %d booked", n)
		}
		if n := db.Count(t, d, "select count(*) from outbox where kind = 'reception.moved' and body like '%16/12/2026%'"); n != 1 {
			t.Errorf("%d notes of the move", n)
		}
		if n := db.Count(t, d, "select count(*) from public_record where kind = 'reception.moved'"); n != 1 {
			t.Errorf("%d moves on the public record", n)
		}
		_, err = f.svc.Close(ctx, f.commune, f.danDien.ID, b.ID, moved.Version, reception.Missed, "x", nil)
		want(t, err, apperr.CodeConflict, "đã được ghi kết quả")
		// On its day the first is held.
		f.now = ict(2026, 12, 8, 11, 0)
		if _, err := f.svc.Close(ctx, f.commune, f.danDien.ID, a.ID, a.Version, reception.Held, "", nil); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Enter(ctx, f.commune, f.danDien.ID, reception.VisitDraft{SessionID: a.ID, Day: dec(8), Name: "Trần Văn Hỏi",
			Address: "Thôn 2", People: 1, Kind: reception.Other, Content: "Hỏi về chế độ", Request: "Giải thích"}); err != nil {
			t.Fatal(err)
		}
		rows, total, leaders, err := f.svc.Stats(ctx, f.hue, 2026)
		if err != nil {
			t.Fatal(err)
		}
		// December needs four sessions of the commune chair; one held, one moved, one visit not answered.
		if len(rows) != 1 || rows[0].Code != f.danDien.OfficeKey() || rows[0].Required != 4 || rows[0].Held != 1 || rows[0].Moved != 1 ||
			rows[0].Visits != 1 || rows[0].Unanswered != 1 || total.Held != 1 || total.Visits != 1 {
			t.Fatalf("stats = %+v, total %+v", rows, total)
		}
		if len(leaders) != 1 || leaders[0].Name != l.Name || leaders[0].Required != 4 || leaders[0].Held != 1 || leaders[0].Moved != 1 || leaders[0].Missed != 0 {
			t.Fatalf("leaders = %+v", leaders)
		}
	})
}

func only(items []office.Item, kind string) []office.Item {
	var out []office.Item
	for _, it := range items {
		if it.Kind == kind {
			out = append(out, it)
		}
	}
	return out
}

// TestReviewedHoles: what a hostile read found, each shown closed.
func TestReviewedHoles(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		a := f.session(t, l, dec(8), 5)
		den, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: a.ID, Name: "Người Tố Cáo", Phone: "0912 111 222", Topic: "Tố cáo chủ tịch xã", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: a.ID, Name: "Người Hỏi", Phone: "0912 111 333", Topic: "Hỏi", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		moving, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: a.ID, Name: "Người Chờ", Phone: "0912 111 444", Topic: "Chờ", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		f.now = ict(2026, 12, 8, 8, 0)
		// A denunciation received from a booking: the booking forgets who booked and why.
		vd := reception.VisitDraft{BookingCode: den.Code, Day: dec(8), Name: "Người Tố Cáo", Address: "Thôn 1", Phone: "0912 111 222", People: 1,
			Kind: reception.Denunciation, Content: "Tố cáo chủ tịch xã", Request: "Xử lý", IdemKey: "den-visit-key-0001"}
		vs, _, err := f.svc.Enter(ctx, f.commune, f.danDien.ID, vd)
		if err != nil {
			t.Fatal(err)
		}
		for _, secret := range []string{"Người Tố Cáo", "+84912111222", "Tố cáo chủ tịch xã"} {
			if n := db.Count(t, d, "select count(*) from reception_bookings where name = $1 or phone = $1 or topic = $1", secret); n != 0 {
				t.Errorf("%q stays in the bookings", secret)
			}
		}
		// The same form key with another booking is refused, and that booking still waits.
		vd.BookingCode, vd.Name, vd.Phone, vd.Kind = other.Code, "Người Hỏi", "0912 111 333", reception.Other
		_, _, err = f.svc.Enter(ctx, f.commune, f.danDien.ID, vd)
		want(t, err, apperr.CodeConflict, "")
		if n := db.Count(t, d, "select count(*) from reception_bookings where id = $1 and status = 'booked'", other.ID); n != 1 {
			t.Error("the second booking was taken by a reused key")
		}
		// Two officials answering at once: one opens the case, the other is refused.
		v := vs[0]
		ok := apperrtest.AtOnce(t, 2, func(int) error {
			_, err := f.svc.Answer(ctx, f.commune, f.danDien.ID, v.ID, reception.Answer{Outcome: reception.Verify, Version: v.Version})
			return err
		})
		if ok != 1 || len(f.intake.got) != 1 {
			t.Fatalf("%d answers went through, %d cases opened", ok, len(f.intake.got))
		}
		// Moving a session whose bookings are partly received counts only those that move.
		vd.IdemKey = "other-visit-key-0002"
		if _, _, err := f.svc.Enter(ctx, f.commune, f.danDien.ID, vd); err != nil {
			t.Fatal(err)
		}
		ax, err := f.svc.Session(ctx, f.commune, f.danDien.ID, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		moved, err := f.svc.Close(ctx, f.commune, f.danDien.ID, a.ID, ax.Version, reception.Moved, "Chủ tịch họp đột xuất",
			&reception.SessionDraft{Day: dec(9), Starts: "07:30", Ends: "11:00", Place: "Trụ sở", Slots: 1})
		if err != nil {
			t.Fatal(err)
		}
		if n := db.Count(t, d, "select booked from reception_sessions where id = $1", moved.MovedTo); n != 1 {
			t.Errorf("the new session counts %d booked; one booking (%s) moved", n, moving.Code)
		}
	})
}

// TestReceivedBy decides who may rate the officials after a visit (LDC Art
// 35(2)(a)): a booking made signed in, its account only; a booking made
// without one, or a walk-in (sealed or not), the citizen whose phone it
// holds; a booking not yet received, a code someone else holds, an official
// or no one: "not found", alike.
func TestReceivedBy(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		l := f.leader(t)
		x := f.session(t, l, dec(8), 5)
		mine := &auth.Actor{Kind: auth.Citizen, AccountID: 7001, Phone: "+84912345678"}
		stranger := &auth.Actor{Kind: auth.Citizen, AccountID: 7002, Phone: "+84987654321"}
		anon, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: x.ID, Name: "Lê Văn Dân", Phone: "0912 345 678", Topic: "Đất", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		signed, err := f.svc.Book(ctx, stranger, reception.BookingDraft{SessionID: x.ID, Name: "Trần Văn Hẹn", Phone: "0912345679", Topic: "Đất", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		waiting, err := f.svc.Book(ctx, mine, reception.BookingDraft{SessionID: x.ID, Name: "Lê Văn Chờ", Phone: "0912345670", Topic: "Nhà", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		sealedBooking, err := f.svc.Book(ctx, nil, reception.BookingDraft{SessionID: x.ID, Name: "Người tố cáo 2", Phone: "0987654321", Topic: "Tố cáo", People: 1})
		if err != nil {
			t.Fatal(err)
		}
		f.now = ict(2026, 12, 8, 9, 0)
		enter := func(vd reception.VisitDraft) string {
			t.Helper()
			vd.Day, vd.Address, vd.People, vd.Request, vd.Done = dec(8), "Thôn Đông Phước", 1, "Xem xét", "Tiếp nhận"
			if vd.Content == "" {
				vd.Content = "Kiến nghị về đường thôn"
			}
			_, c, err := f.svc.Enter(ctx, f.commune, f.danDien.ID, vd)
			if err != nil {
				t.Fatal(err)
			}
			return c
		}
		enter(reception.VisitDraft{BookingCode: anon.Code, Name: "Lê Văn Dân", Phone: "0912345678", Kind: reception.Proposal})
		enter(reception.VisitDraft{BookingCode: signed.Code, Name: "Trần Văn Hẹn", Phone: "0912345679", Kind: reception.Proposal})
		walkIn := enter(reception.VisitDraft{SessionID: x.ID, Name: "Người tố cáo", Phone: "0912 345 678", Kind: reception.Denunciation,
			Content: "Tố cáo cán bộ địa chính nhận tiền"})
		// Booked without an account, received as a denunciation: the
		// booking's phone is wiped with the identity sealed; the book's
		// sealed phone still tells.
		enter(reception.VisitDraft{BookingCode: sealedBooking.Code, Name: "Người tố cáo 2", Phone: "0987654321", Kind: reception.Denunciation,
			Content: "Tố cáo sai phạm trong bình xét hộ nghèo"})
		if n := db.Count(t, d, "select count(*) from reception_visits where code = $1 and sealed and phone = ''", walkIn); n != 1 {
			t.Fatalf("the denunciation's entry is not sealed (%d)", n)
		}
		for _, c := range []struct {
			name string
			a    *auth.Actor
			code string
			ok   bool
		}{
			{"an anonymous booking, its phone", mine, anon.Code, true},
			{"an anonymous booking, another phone", stranger, anon.Code, false},
			{"a signed-in booking, its account", stranger, signed.Code, true},
			{"a signed-in booking, another account", mine, signed.Code, false},
			{"a signed-in booking, another account with its phone", &auth.Actor{Kind: auth.Citizen, AccountID: 7009, Phone: "+84912345679"}, signed.Code, false},
			{"an anonymous booking received as a denunciation, its phone", stranger, sealedBooking.Code, true},
			{"an anonymous booking received as a denunciation, another phone", mine, sealedBooking.Code, false},
			{"a sealed walk-in, its phone", mine, walkIn, true},
			{"a sealed walk-in, another phone", stranger, walkIn, false},
			{"a booking not received", mine, waiting.Code, false},
			{"no one", nil, anon.Code, false},
			{"an official", f.commune, anon.Code, false},
			{"a citizen with no phone", &auth.Actor{Kind: auth.Citizen, AccountID: 7003}, walkIn, false},
		} {
			tr, err := f.svc.ReceivedBy(ctx, c.a, c.code)
			switch {
			case c.ok && (err != nil || len(tr.Visits) == 0 || tr.Unit.ID != f.danDien.ID):
				t.Errorf("%s: %v", c.name, err)
			case !c.ok && apperr.CodeOf(err) != apperr.CodeNotFound:
				t.Errorf("%s: %v, want not found", c.name, err)
			}
		}
	})
}
