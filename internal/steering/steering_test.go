package steering_test

import (
	"bytes"
	"context"
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
	"danchu/internal/files/filestest"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/steering"
)

type fixture struct {
	d                               *db.DB
	units                           *org.Service
	auth                            *auth.Service
	svc                             *steering.Service
	now                             time.Time
	hue, danDien, phuXuan, tu, hn01 org.Unit
	province, commune, otherProv    *auth.Actor
}

const pw = "ban chỉ đạo dân chủ cơ sở 2026"

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 3, 10, 3, 0, 0, 0, time.UTC)}
	d.Now = func() time.Time { return f.now }
	f.units = org.NewService(d)
	csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19753,Phường Phú Xuân,phuong,46,UBND\n" +
		"46-TU,Thành ủy Huế,to-chuc-dang,46,TU\n01,Thành phố Hà Nội,thanh-pho,,UBND\n00004,Phường Ba Đình,phuong,01,UBND\n"
	if _, err := f.units.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Unit {
		u, err := f.units.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.hue, f.danDien, f.phuXuan, f.tu, f.hn01 = get("46"), get("19885"), get("19753"), get("46-TU"), get("00004")
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	rec := audit.NewService(d)
	f.auth = auth.NewService(d, f.units, rec, p, log, log)
	actor := func(email string, role auth.Role, unit org.Unit) *auth.Actor {
		res, err := f.auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ " + email, Email: email, Role: role, UnitID: unit.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.auth.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, err := f.auth.SignIn(ctx, email, pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		_, a, _ := f.auth.Session(ctx, in.Token)
		return a
	}
	f.province = actor("tinh@hue.vn", auth.ProvinceAdmin, f.hue)
	f.commune = actor("xa@dandien.vn", auth.CommuneOfficial, f.danDien)
	f.otherProv = actor("tinh@hanoi.vn", auth.ProvinceAdmin, get("01"))
	f.svc = steering.NewService(d, f.units, f.auth.Guard(), t.TempDir())
	return f
}

func dec(n string, y int, m time.Month, d int) steering.Decision {
	return steering.Decision{Number: n, Date: legal.DateOf(y, m, d)}
}

func member(p steering.Position, name, office string, units ...int64) steering.MemberDraft {
	return steering.MemberDraft{Position: p, Name: name, Office: office, Units: units, Decision: dec("125-QĐ/TU", 2026, 3, 5)}
}

func want(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

func TestCommitteeAndMembership(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		_, err := f.svc.Committee(ctx, f.province, f.hue.ID)
		want(t, err, apperr.CodeNotFound, "chưa có Ban Chỉ đạo")
		c, err := f.svc.Establish(ctx, f.province, f.hue.ID, "", db.Idem{})
		if err != nil || c.Name != steering.DefaultName || c.UnitID != f.hue.ID {
			t.Fatalf("establish = %+v, %v", c, err)
		}
		_, err = f.svc.Establish(ctx, f.province, f.hue.ID, "", db.Idem{})
		want(t, err, apperr.CodeConflict, "đã có Ban Chỉ đạo")
		// Another province's official, and the commune's, do not see the province's committee.
		_, err = f.svc.Committee(ctx, f.otherProv, f.hue.ID)
		want(t, err, apperr.CodeNotFound, "")
		_, err = f.svc.AddMember(ctx, f.commune, f.hue.ID, member(steering.Ordinary, "X", "Y"))
		want(t, err, apperr.CodeNotFound, "")

		head, err := f.svc.AddMember(ctx, f.province, f.hue.ID, member(steering.Head, "Nguyễn Văn Bí Thư", "Bí thư Thành ủy"))
		if err != nil {
			t.Fatal(err)
		}
		dep1, err := f.svc.AddMember(ctx, f.province, f.hue.ID, member(steering.Deputy, "Trần Văn Chủ Tịch", "Chủ tịch UBND thành phố"))
		if err != nil {
			t.Fatal(err)
		}
		d2 := member(steering.Deputy, "Lê Thị Dân Vận", "Trưởng Ban Dân vận Thành ủy", f.danDien.ID, f.tu.ID, f.danDien.ID)
		d2.Area = "Loại hình xã, phường"
		dep2, err := f.svc.AddMember(ctx, f.province, f.hue.ID, d2)
		if err != nil || len(dep2.Units) != 2 || dep2.Order != 2 || strings.Join(dep2.UnitNames, ",") == "" {
			t.Fatalf("deputy 2 = %+v, %v", dep2, err)
		}
		// A second head; a followed unit of another province; a unit that is no unit; a bad form.
		_, err = f.svc.AddMember(ctx, f.province, f.hue.ID, member(steering.Head, "Người thứ hai", "Phó Bí thư"))
		want(t, err, apperr.CodeConflict, "đã có Trưởng ban")
		_, err = f.svc.AddMember(ctx, f.province, f.hue.ID, member(steering.Ordinary, "Phạm Văn Ngoài", "Giám đốc Sở", f.hn01.ID))
		want(t, err, apperr.CodeInvalid, "Đơn vị 00004 (Phường Ba Đình) không thuộc Thành phố Huế")
		_, err = f.svc.AddMember(ctx, f.province, f.hue.ID, member(steering.Ordinary, "Phạm Văn Ngoài", "Giám đốc Sở", 424242))
		want(t, err, apperr.CodeInvalid, "Đơn vị 424242 không thuộc")
		bad := member("boss", "", "Giám đốc\nSở")
		bad.Decision = steering.Decision{Date: legal.DateOf(2026, 3, 11)}
		_, err = f.svc.AddMember(ctx, f.province, f.hue.ID, bad)
		want(t, err, apperr.CodeInvalid, "Thông tin thành viên")
		var ae *apperr.Error
		if !asErr(err, &ae) || len(ae.FieldMsgs) != 5 {
			t.Errorf("fields of a bad form: %v", ae.FieldMsgs)
		}

		// Idempotent: the same form twice makes one member.
		m := member(steering.Ordinary, "Hoàng Thị Mặt Trận", "Chủ tịch Ủy ban MTTQ thành phố")
		m.Idem = db.Idem{Key: "k1", Fingerprint: "fp1"}
		a1, err := f.svc.AddMember(ctx, f.province, f.hue.ID, m)
		if err != nil {
			t.Fatal(err)
		}
		a2, err := f.svc.AddMember(ctx, f.province, f.hue.ID, m)
		if err != nil || a2.ID != a1.ID {
			t.Fatalf("repeated form: %+v, %v (first %d)", a2, err, a1.ID)
		}
		c, err = f.svc.Committee(ctx, f.province, f.hue.ID)
		if err != nil {
			t.Fatal(err)
		}
		var order []string
		for _, x := range c.Members {
			order = append(order, x.Name)
		}
		if strings.Join(order, "|") != "Nguyễn Văn Bí Thư|Trần Văn Chủ Tịch|Lê Thị Dân Vận|Hoàng Thị Mặt Trận" {
			t.Errorf("members in order: %v", order)
		}

		// Move a deputy down to member, then adjust her area; a stale version is a conflict.
		ch := d2
		ch.Position, ch.Decision = steering.Ordinary, dec("130-QĐ/TU", 2026, 3, 9)
		moved, err := f.svc.ChangeMember(ctx, f.province, f.hue.ID, dep2.ID, dep2.Version, ch)
		if err != nil || moved.Position != steering.Ordinary || moved.Version != 2 {
			t.Fatalf("moved = %+v, %v", moved, err)
		}
		_, err = f.svc.ChangeMember(ctx, f.province, f.hue.ID, dep2.ID, dep2.Version, ch)
		want(t, err, apperr.CodeConflict, "vừa được người khác thay đổi")
		ch.Area = "Loại hình cơ quan, đơn vị"
		ch.Units = []int64{f.phuXuan.ID}
		if _, err := f.svc.ChangeMember(ctx, f.province, f.hue.ID, dep2.ID, moved.Version, ch); err != nil {
			t.Fatal(err)
		}
		got, err := f.svc.Member(ctx, dep2.ID)
		if err != nil || got.Area != "Loại hình cơ quan, đơn vị" || len(got.Units) != 1 || got.Units[0] != f.phuXuan.ID {
			t.Fatalf("after update: %+v, %v", got, err)
		}
		// Moving into the head's place is refused while there is a head.
		ch.Position = steering.Head
		_, err = f.svc.ChangeMember(ctx, f.province, f.hue.ID, dep1.ID, dep1.Version, ch)
		want(t, err, apperr.CodeConflict, "đã có Trưởng ban")

		// The head leaves; again is a conflict; a leave without a decision is refused.
		err = f.svc.RemoveMember(ctx, f.province, f.hue.ID, head.ID, head.Version, steering.Decision{})
		want(t, err, apperr.CodeInvalid, "quyết định")
		if err := f.svc.RemoveMember(ctx, f.province, f.hue.ID, head.ID, head.Version, dec("140-QĐ/TU", 2026, 3, 10)); err != nil {
			t.Fatal(err)
		}
		err = f.svc.RemoveMember(ctx, f.province, f.hue.ID, head.ID, head.Version+1, dec("141-QĐ/TU", 2026, 3, 10))
		want(t, err, apperr.CodeConflict, "đã thôi tham gia")
		// Another unit's member is not found through this unit.
		if _, err := f.svc.Establish(ctx, f.commune, f.danDien.ID, "", db.Idem{}); err != nil {
			t.Fatal(err)
		}
		err = f.svc.RemoveMember(ctx, f.commune, f.danDien.ID, dep1.ID, dep1.Version, dec("1-QĐ/ĐU", 2026, 3, 10))
		want(t, err, apperr.CodeNotFound, "")

		c, err = f.svc.Committee(ctx, f.province, f.hue.ID)
		if err != nil || len(c.Members) != 3 || c.Members[0].Position != steering.Deputy {
			t.Fatalf("after the head left: %+v, %v", c.Members, err)
		}
		hist, err := f.svc.History(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, h := range hist {
			lines = append(lines, h.Name+" "+h.Kind+" "+string(h.From)+">"+string(h.To)+" "+h.Decision.String())
		}
		wantLines := []string{
			"Nguyễn Văn Bí Thư left head> số 140-QĐ/TU ngày 10/03/2026",
			"Lê Thị Dân Vận updated member>member số 130-QĐ/TU ngày 09/03/2026",
			"Lê Thị Dân Vận moved deputy>member số 130-QĐ/TU ngày 09/03/2026",
			"Hoàng Thị Mặt Trận joined >member số 125-QĐ/TU ngày 05/03/2026",
			"Lê Thị Dân Vận joined >deputy số 125-QĐ/TU ngày 05/03/2026",
			"Trần Văn Chủ Tịch joined >deputy số 125-QĐ/TU ngày 05/03/2026",
			"Nguyễn Văn Bí Thư joined >head số 125-QĐ/TU ngày 05/03/2026",
		}
		if strings.Join(lines, "\n") != strings.Join(wantLines, "\n") {
			t.Errorf("history:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(wantLines, "\n"))
		}
		if hist[0].ByAccount != f.province.AccountID || hist[0].ByName != f.province.Name {
			t.Errorf("recorded by %d %q", hist[0].ByAccount, hist[0].ByName)
		}
		n := db.Count(t, d, "select count(*) from audit_log where action like 'steering.%' and outcome = 'ok'")
		if n != 9 { // established ×2, joined ×4, moved, updated, left
			t.Errorf("%d audit records of steering, want 9", n)
		}
		if n := db.Count(t, d, "select count(*) from audit_log where action = 'steering.manage' and outcome = 'denied'"); n != 2 {
			t.Errorf("%d refusals recorded, want 2 (another province, the commune)", n)
		}
	})
}

func asErr(err error, target **apperr.Error) bool {
	for err != nil {
		if e, ok := err.(*apperr.Error); ok {
			*target = e
			return true
		}
		u, ok := err.(interface{ Unwrap() error })
		if !ok {
			return false
		}
		err = u.Unwrap()
	}
	return false
}

func TestRegulationAndMeetings(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		c, err := f.svc.Establish(ctx, f.commune, f.danDien.ID, "", db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		reg := steering.RegulationDraft{Text: "Điều 1. Phạm vi.\nĐiều 2. Phân công.", Decision: dec("02-QĐ/BCĐ", 2026, 3, 1)}
		pdf := filestest.PDF("quy che lam viec")
		c2, err := f.svc.SetRegulation(ctx, f.commune, f.danDien.ID, c.Version, reg, &steering.Upload{Name: "quy-che.pdf", R: bytes.NewReader(pdf)})
		if err != nil || c2.RegulationFile == nil || c2.RegulationFile.ContentType != "application/pdf" || c2.Regulation != reg.Text || c2.RegulationRef.Number != "02-QĐ/BCĐ" {
			t.Fatalf("regulation = %+v, %v", c2, err)
		}
		// A file that is not a document is refused as disclosure attachments are; nothing changes.
		_, err = f.svc.SetRegulation(ctx, f.commune, f.danDien.ID, c2.Version, reg, &steering.Upload{Name: "x.pdf", R: strings.NewReader("không phải PDF")})
		want(t, err, apperr.CodeInvalid, "")
		if apperr.KeyOf(err) != "files.err.file_type" {
			t.Errorf("bad file: %v", err)
		}
		_, err = f.svc.SetRegulation(ctx, f.commune, f.danDien.ID, c.Version, reg, nil)
		want(t, err, apperr.CodeConflict, "")
		refs, err := f.svc.BlobRefs(ctx)
		if err != nil || refs[c2.RegulationFile.SHA256] != int64(len(pdf)) {
			t.Fatalf("refs %v, %v", refs, err)
		}
		// Keeping the file when none is sent, dropping it when asked.
		c3, err := f.svc.SetRegulation(ctx, f.commune, f.danDien.ID, c2.Version, steering.RegulationDraft{Text: "Quy chế mới"}, nil)
		if err != nil || c3.RegulationFile == nil || c3.Regulation != "Quy chế mới" {
			t.Fatalf("keep file: %+v, %v", c3, err)
		}
		c4, err := f.svc.SetRegulation(ctx, f.commune, f.danDien.ID, c3.Version, steering.RegulationDraft{Text: "Quy chế mới", RemoveFile: true}, nil)
		if err != nil || c4.RegulationFile != nil {
			t.Fatalf("remove file: %+v, %v", c4, err)
		}

		md := steering.MeetingDraft{HeldOn: legal.DateOf(2026, 3, 9), StartsAt: "08:00", Place: "Hội trường UBND xã", Chair: "Nguyễn Văn Bí Thư",
			Attendees: []string{"Trần Văn Chủ Tịch", " ", "Lê Thị Dân Vận"}, Content: "Triển khai Chỉ thị 09-CT/TU", Idem: db.Idem{Key: "m1", Fingerprint: "f"}}
		m, err := f.svc.AddMeeting(ctx, f.commune, f.danDien.ID, md, nil)
		if err != nil || len(m.Attendees) != 2 || m.CommitteeID != c.ID {
			t.Fatalf("meeting = %+v, %v", m, err)
		}
		if again, err := f.svc.AddMeeting(ctx, f.commune, f.danDien.ID, md, nil); err != nil || again.ID != m.ID {
			t.Fatalf("repeated meeting form: %+v, %v", again, err)
		}
		future := md
		future.HeldOn, future.StartsAt, future.Idem = legal.DateOf(2026, 3, 11), "25:00", db.Idem{}
		_, err = f.svc.AddMeeting(ctx, f.commune, f.danDien.ID, future, nil)
		want(t, err, apperr.CodeInvalid, "Cuộc họp chưa đủ")
		var ae *apperr.Error
		if !asErr(err, &ae) || ae.FieldMsgs["held_on"].Key != "steering.err.f.held_future" || ae.FieldMsgs["starts_at"].Key != "steering.err.f.time" {
			t.Errorf("fields: %v", ae)
		}
		// The province reads it (the commune is inside); another province does not; the meeting through another unit is not found.
		if _, err := f.svc.Meeting(ctx, f.province, f.danDien.ID, m.ID); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Meeting(ctx, f.otherProv, f.danDien.ID, m.ID)
		want(t, err, apperr.CodeNotFound, "")
		if _, err := f.svc.Establish(ctx, f.province, f.hue.ID, "", db.Idem{}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Meeting(ctx, f.province, f.hue.ID, m.ID)
		want(t, err, apperr.CodeNotFound, "Không có cuộc họp")

		upd := md
		upd.Conclusions, upd.Proceedings = "Giao Ban Dân vận theo dõi.", "Các đại biểu thảo luận."
		m2, err := f.svc.UpdateMeeting(ctx, f.commune, f.danDien.ID, m.ID, m.Version, upd, &steering.Upload{Name: "bien-ban.pdf", R: bytes.NewReader(filestest.PDF("bien ban"))}, false)
		if err != nil || m2.MinutesFile == nil || m2.Conclusions != upd.Conclusions {
			t.Fatalf("update meeting = %+v, %v", m2, err)
		}
		_, err = f.svc.UpdateMeeting(ctx, f.commune, f.danDien.ID, m.ID, m.Version, upd, nil, false)
		want(t, err, apperr.CodeConflict, "")
		ms, err := f.svc.Meetings(ctx, c.ID)
		if err != nil || len(ms) != 1 || ms[0].Proceedings != upd.Proceedings || ms[0].MinutesFile == nil || ms[0].Version != 2 {
			t.Fatalf("meetings = %+v, %v", ms, err)
		}
		refs, _ = f.svc.BlobRefs(ctx)
		if len(refs) != 1 || refs[m2.MinutesFile.SHA256] == 0 {
			t.Errorf("refs after the regulation's file was dropped: %v", refs)
		}
	})
}

func (f *fixture) hue2date() legal.Date { return legal.Today(f.now).AddDays(-1) }
