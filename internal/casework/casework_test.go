package casework_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/casework"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/files/filestest"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/vault"

	"golang.org/x/text/unicode/norm"
)

type fixture struct {
	d                         *db.DB
	svc                       *casework.Service
	now                       time.Time
	hue, danDien, phuXuan     org.Unit
	handler, viewer, province *auth.Actor
	otherCommune, otherProv   *auth.Actor
	citizen, stranger         *auth.Actor
	outbox                    *notify.Outbox
}

const pw = "khiếu nại tố cáo đúng luật 2026"

// The denouncer of every test: what must never be readable outside the vault.
var denouncer = casework.Identity{Name: "Trần Thị Kín Đáo", IDNumber: "046195001234", Address: "số 9 kiệt Bí Mật, thôn Hà Lạc",
	Phone: "0905 111 222", Email: "kin.dao@example.vn"}

func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 8, 10, 3, 0, 0, 0, time.UTC)}
	d.Now = func() time.Time { return f.now }
	units := org.NewService(d)
	csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19753,Phường Phú Xuân,phuong,46,UBND\n" +
		"01,Thành phố Hà Nội,thanh-pho,,UBND\n00004,Phường Ba Đình,phuong,01,UBND\n"
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
	f.handler = actor("xa@dandien.vn", auth.CommuneOfficial, f.danDien)
	f.viewer = actor("xacminh@dandien.vn", auth.Viewer, f.danDien)
	f.province = actor("tinh@hue.vn", auth.ProvinceAdmin, f.hue)
	f.otherCommune = actor("xa@phuxuan.vn", auth.CommuneOfficial, f.phuXuan)
	f.otherProv = actor("tinh@hanoi.vn", auth.ProvinceAdmin, get("01"))
	f.citizen = &auth.Actor{AccountID: 9001, Name: "Công dân", Kind: auth.Citizen}
	f.stranger = &auth.Actor{AccountID: 9002, Name: "Người khác", Kind: auth.Citizen}
	keys, err := vault.Parse([]byte(vault.KeyLine(1)))
	if err != nil {
		t.Fatal(err)
	}
	f.outbox = notify.NewOutbox(d, logs, logs, "https://danchu.example.vn", slog.New(slog.NewTextHandler(io.Discard, nil)))
	f.outbox.SetSealer(keys)
	dir := t.TempDir()
	f.svc = casework.NewService(d, units, as.Guard(), legal.Fixed{C: legal.NewCalendar(legal.Decided())}, f.outbox, dir+"/files", dir+"/vault")
	f.svc.SetVault(keys)
	f.svc.Record = rec
	return f
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	img.Set(5, 5, color.RGBA{1, 2, 3, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func (f *fixture) lodge(t *testing.T, kind string, ups ...files.Upload) casework.Case {
	t.Helper()
	d := casework.Draft{Kind: kind, UnitID: f.danDien.ID, Subject: "Tố cáo cán bộ địa chính thu tiền sai quy định",
		Body:  "Tôi là Trần Thị Kín Đáo, ở số 9 kiệt Bí Mật, thôn Hà Lạc. Ông cán bộ địa chính thu của gia đình tôi 5 triệu đồng. Hàng xóm bà Lê Thị Nhân Chứng biết việc này.",
		Field: "Đất đai", Identity: denouncer}
	if kind == casework.Complaint {
		d.KnownOn = legal.Today(f.now).AddDays(-20)
	}
	c, err := f.svc.Lodge(context.Background(), f.citizen, d, ups, db.Idem{})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// secrets are the denouncer's words as stored anywhere readable.
func secrets() []string {
	return []string{"Kín Đáo", "Kin Dao", "046195001234", "Bí Mật", "0905 111 222", "kin.dao@"}
}

// clearText is every text column of the tables a case touches, outside the vault.
func clearText(t *testing.T, d *db.DB) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"select code || subject || body || source || field || lodger_tag from cases",
		"select step || number || reason || to_body || by_name from case_steps",
		"select name || content_type || sha256 from case_files",
		"select action || object_type || object_id || detail || before_hash || after_hash from audit_log",
		"select kind || address || subject || body || last_error from outbox",
	} {
		rows, err := d.QueryContext(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s sql.NullString
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s.String + "\n")
		}
		rows.Close()
	}
	return b.String()
}

func TestDenunciationJourney(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		img := pngBytes(t)
		c := f.lodge(t, casework.Denunciation, files.Upload{Name: "chu-ky-tran-thi-kin-dao.png", R: bytes.NewReader(img)})
		if c.Status != casework.Received || c.Redacted || c.Clock != "denunciation.accept" || c.Due.String() != "2026-08-19" {
			t.Fatalf("lodged: %+v", c)
		}
		if !strings.HasPrefix(c.Code, "TC-") || strings.Contains(c.Body, "Kín Đáo") || !strings.Contains(c.Body, casework.Block) ||
			!strings.Contains(c.Body, "Lê Thị Nhân Chứng") {
			t.Fatalf("working copy before marks: %q", c.Body)
		}
		// Not accepted before the working copy is confirmed.
		_, err := f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoAccept, Number: "01/TB-UBND"})
		apperrtest.Want(t, err, apperr.CodeConflict, "che thông tin người gửi")

		// The handler is not named on the vault: a read is refused as not found, and logged.
		_, err = f.svc.ReadVault(ctx, f.handler, c.ID, "xem để che")
		apperrtest.Want(t, err, apperr.CodeNotFound, "Không có thông tin này")
		var denied int
		if err := d.QueryRowContext(ctx, "select count(*) from audit_log where outcome = 'denied' and object_type = 'case'").Scan(&denied); err != nil || denied != 1 {
			t.Fatalf("denied audit records: %d, %v", denied, err)
		}
		// A citizen cannot name anybody; an official of another commune does not find the case.
		apperrtest.Want(t, f.svc.GrantVault(ctx, f.otherCommune, c.ID, f.otherCommune.AccountID), apperr.CodeNotFound, "")
		apperrtest.Want(t, f.svc.GrantVault(ctx, f.handler, c.ID, f.otherCommune.AccountID), apperr.CodeInvalid, "hai lớp")
		// A viewer may verify but not hold the vault: only those who handle cases do (a second factor at sign-in).
		apperrtest.Want(t, f.svc.GrantVault(ctx, f.handler, c.ID, f.viewer.AccountID), apperr.CodeInvalid, "hai lớp")
		if hs, err := f.svc.Candidates(ctx, f.handler, c.ID, true); err != nil || slices.ContainsFunc(hs, func(v casework.Verifier) bool { return v.AccountID == f.viewer.AccountID }) {
			t.Errorf("the viewer among the vault's candidates: %v %v", hs, err)
		}
		if err := f.svc.GrantVault(ctx, f.handler, c.ID, f.handler.AccountID); err != nil {
			t.Fatal(err)
		}
		apperrtest.Want(t, f.svc.GrantVault(ctx, f.handler, c.ID, f.handler.AccountID), apperr.CodeConflict, "đã được giao")
		_, err = f.svc.ReadVault(ctx, f.handler, c.ID, "  ")
		apperrtest.Want(t, err, apperr.CodeInvalid, "Cần nêu lý do")
		o, err := f.svc.ReadVault(ctx, f.handler, c.ID, "Che thông tin trước khi thụ lý")
		if err != nil {
			t.Fatal(err)
		}
		if o.Identity.Name != denouncer.Name || o.Identity.AccountID != f.citizen.AccountID || !strings.Contains(o.Body, "Kín Đáo") ||
			len(o.Files) != 1 || o.Files[0].Name != "chu-ky-tran-thi-kin-dao.png" {
			t.Fatalf("opened: %+v", o)
		}
		orig, data, err := f.svc.Original(ctx, f.handler, c.ID, o.Files[0].ID, "Xem chữ ký")
		if err != nil || !bytes.Equal(data, img) || orig.ContentType != "image/png" {
			t.Fatalf("original: %+v %d bytes, %v", orig, len(data), err)
		}
		// A verifier cannot be named before the working copy is confirmed.
		apperrtest.Want(t, f.svc.AddVerifier(ctx, f.handler, c.ID, f.viewer.AccountID), apperr.CodeConflict, "che thông tin")
		c, err = f.svc.ConfirmWorkingCopy(ctx, f.handler, c.ID, casework.Redaction{Marks: "le thi nhan chung\n", Boxes: map[int64]string{}})
		if err != nil {
			t.Fatal(err)
		}
		if !c.Redacted || strings.Contains(c.Body, "Nhân Chứng") || !strings.Contains(c.Body, "5 triệu đồng") {
			t.Fatalf("confirmed: %q", c.Body)
		}
		if err := f.svc.AddVerifier(ctx, f.handler, c.ID, f.viewer.AccountID); err != nil {
			t.Fatal(err)
		}
		// The verifier sees the working copy only.
		v, err := f.svc.Get(ctx, f.viewer, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if v.Role != casework.AsVerifier || v.Steps != nil || v.Reads != nil || v.Grants != nil || len(v.Files) != 1 || v.Files[0].SHA256 == "" {
			t.Fatalf("verifier's view: %+v", v)
		}
		_, err = f.svc.ReadVault(ctx, f.viewer, c.ID, "tò mò")
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		// A grant held by someone who only verifies (given before grants were
		// kept for handlers) opens nothing.
		if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, "insert into case_vault_grants (case_id, account_id, name, granted_by, by_name, at) values ($1, $2, 'x', 0, 'x', 0)",
				c.ID, f.viewer.AccountID)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.ReadVault(ctx, f.viewer, c.ID, "có quyền cũ")
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		_, _, err = f.svc.Original(ctx, f.viewer, c.ID, v.Files[0].ID, "tò mò")
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		if _, err := f.svc.WorkingFile(ctx, f.viewer, c.ID, v.Files[0].ID); err != nil {
			t.Fatal(err)
		}
		// Accept, extend twice, conclude, publish.
		c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoAccept, Number: "01/QĐ-UBND", Version: c.Version})
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != casework.Accepted || c.Clock != "denunciation.resolve" || c.Due.String() != "2026-09-09" {
			t.Fatalf("accepted: %s %s %s", c.Status, c.Clock, c.Due)
		}
		before := c.Version
		_, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoExtend, Number: "02/QĐ-UBND"})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Cần nêu lý do")
		if v, _ := f.svc.Get(ctx, f.handler, c.ID); v.Case.Version != before || v.Case.Extensions != 0 {
			t.Fatalf("a refused step changed the case: %+v", v.Case)
		}
		for i, n := range []string{"02/QĐ-UBND", "03/QĐ-UBND"} {
			if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoExtend, Number: n, Reason: "Vụ việc phức tạp, cần xác minh thêm"}); err != nil {
				t.Fatal(err)
			}
			if c.Extensions != i+1 {
				t.Fatalf("extensions %d", c.Extensions)
			}
		}
		if c.Due.String() != "2026-11-09" { // 90 days from 11/08/2026, 08/11 a Sunday
			t.Errorf("after two extensions due %s", c.Due)
		}
		_, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoExtend, Number: "04/QĐ-UBND", Reason: "x"})
		apperrtest.Want(t, err, apperr.CodeConflict, "Điều 30")
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoConclude, Number: "05/KL-UBND"}); err != nil {
			t.Fatal(err)
		}
		if c.Status != casework.Concluded || c.Clock != "denunciation.publish" {
			t.Fatalf("concluded: %+v", c)
		}
		// The text published is required and may not name the denouncer
		// (matched without case or diacritics); nothing is published then.
		_, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoPublish})
		apperrtest.Want(t, err, apperr.CodeInvalid, "")
		_, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoPublish, Reason: "Bà TRAN THI KIN DAO tố cáo đúng."})
		apperrtest.Want(t, err, apperr.CodeInvalid, "nhận diện")
		var n int
		if err := d.QueryRowContext(ctx, "select count(*) from case_publications").Scan(&n); err != nil || n != 0 {
			t.Fatalf("%d publications after refused ones (%v)", n, err)
		}
		const public = "Kết luận: nội dung tố cáo đúng một phần; đã xử lý người vi phạm."
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoPublish, Reason: public}); err != nil || c.Status != casework.Published || c.Clock != "" {
			t.Fatalf("published: %+v, %v", c, err)
		}
		ps, err := f.svc.Publications(ctx, f.hue, 0, 10)
		if err != nil || len(ps) != 1 || ps[0].Summary != public || ps[0].Number != "05/KL-UBND" || ps[0].Kind != casework.Denunciation || !ps[0].Until.IsZero() {
			t.Fatalf("the province's publications: %+v %v", ps, err)
		}
		var content string
		if err := d.QueryRowContext(ctx, "select content from public_record where kind = 'case.published'").Scan(&content); err != nil ||
			!strings.Contains(content, "05/KL-UBND") || strings.Contains(content, "Kín") || strings.Contains(content, c.Code) {
			t.Errorf("the public record: %s %v", content, err)
		}
		_, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoPublish, Reason: public})
		apperrtest.Want(t, err, apperr.CodeConflict, "")
		// The denouncer was told of each point the law names, through sealed notes.
		var notes, sealed int
		if err := d.QueryRowContext(ctx, "select count(*), sum(case when address = '' and account_id = 0 then 1 else 0 end) from outbox").Scan(&notes, &sealed); err != nil {
			t.Fatal(err)
		}
		if notes != 5 || sealed != 5 { // accepted, extended twice, concluded, published
			t.Errorf("notes %d, sealed %d", notes, sealed)
		}
		// The citizen follows it; another citizen does not find it.
		mine, err := f.svc.Mine(ctx, f.citizen, 10)
		if err != nil || len(mine) != 1 || mine[0].ID != c.ID {
			t.Fatalf("mine: %v, %v", mine, err)
		}
		if other, err := f.svc.Mine(ctx, f.stranger, 10); err != nil || len(other) != 0 {
			t.Fatalf("a stranger's list: %v, %v", other, err)
		}
		_, steps, err := f.svc.MyCase(ctx, f.citizen, strings.ToLower(c.Code))
		if err != nil || len(steps) != 6 {
			t.Fatalf("what the citizen is told: %+v, %v", steps, err)
		}
		_, _, err = f.svc.MyCase(ctx, f.stranger, c.Code)
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		// The vault's log shows every read and the refused one.
		v, err = f.svc.Get(ctx, f.province, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		var allowed, refused int
		for _, r := range v.Reads {
			if r.Allowed {
				allowed++
			} else {
				refused++
			}
		}
		if allowed != 3 || refused != 4 { // identity, original, redaction; the handler's first try, the verifier's two and their old grant
			t.Errorf("vault log: %d allowed, %d refused: %+v", allowed, refused, v.Reads)
		}
		// Nothing outside the vault names the denouncer.
		text := clearText(t, d)
		for _, s := range secrets() {
			if strings.Contains(text, s) {
				t.Errorf("%q is readable outside the vault", s)
			}
		}
	})
}

func TestAnotherUnitsCase(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		c := f.lodge(t, casework.Denunciation)
		for _, a := range []*auth.Actor{f.otherCommune, f.otherProv} {
			_, err := f.svc.Get(ctx, a, c.ID)
			apperrtest.Want(t, err, apperr.CodeNotFound, "")
			_, err = f.svc.Act(ctx, a, c.ID, casework.StepDraft{Step: casework.DoRefuse, Reason: "x"})
			apperrtest.Want(t, err, apperr.CodeNotFound, "")
		}
		// A viewer who is not a named verifier does not find it either.
		_, err := f.svc.Get(ctx, f.viewer, c.ID)
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		var denied int
		if err := d.QueryRowContext(ctx, "select count(*) from audit_log where outcome = 'denied'").Scan(&denied); err != nil || denied != 5 {
			t.Errorf("denied records %d, %v", denied, err)
		}
		// The province sees its communes' cases.
		if _, err := f.svc.Get(ctx, f.province, c.ID); err != nil {
			t.Fatal(err)
		}
		if v, _ := f.svc.Get(ctx, f.handler, c.ID); v.Case.Status != casework.Received {
			t.Fatalf("a refused step changed the case: %s", v.Case.Status)
		}
	})
}

func TestComplaintLimitAndClocks(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		today := legal.Today(f.now)
		base := casework.Draft{Kind: casework.Complaint, UnitID: f.danDien.ID, Subject: "Khiếu nại quyết định thu hồi đất", Body: "Nội dung khiếu nại",
			Identity: denouncer}
		// Known 100 days ago, no obstacle: only "refused: out of time", citing the rule.
		late := base
		late.KnownOn = today.AddDays(-100)
		c, err := f.svc.Lodge(ctx, f.citizen, late, nil, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.svc.Get(ctx, f.handler, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != casework.Refused || !c.OutOfTime || len(v.Steps) != 2 || !strings.Contains(v.Steps[1].Reason, "Luật Khiếu nại 2011 Điều 9") {
			t.Fatalf("out of time: %+v %+v", c, v.Steps)
		}
		// Obstacle days need their reason; with it the complaint is in time.
		late.ObstacleDays = 20
		_, err = f.svc.Lodge(ctx, f.citizen, late, nil, db.Idem{})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Chưa điền")
		late.ObstacleReason = "Nằm viện điều trị"
		if c, err = f.svc.Lodge(ctx, f.citizen, late, nil, db.Idem{}); err != nil || c.Status != casework.Received || c.Clock != "complaint.accept" {
			t.Fatalf("with an obstacle: %+v, %v", c, err)
		}
		// Accepted as complex and remote: 60 days; suspended 10 days, resumed: 10 more.
		if err := f.svc.GrantVault(ctx, f.handler, c.ID, f.handler.AccountID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ConfirmWorkingCopy(ctx, f.handler, c.ID, casework.Redaction{}); err != nil {
			t.Fatal(err)
		}
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoAccept, Number: "10/TB-UBND", Complex: true, Remote: true}); err != nil {
			t.Fatal(err)
		}
		if c.Clock != "complaint.first" || c.Due.String() != "2026-10-09" {
			t.Fatalf("accepted complex and remote: %s %s", c.Clock, c.Due)
		}
		due := c.Due
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoSuspend, Number: "11/QĐ-UBND", Reason: "Chờ kết quả giám định"}); err != nil || c.Clock != "" {
			t.Fatalf("suspended: %+v, %v", c, err)
		}
		f.now = f.now.AddDate(0, 0, 10)
		_, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoResume, Number: "12/QĐ-UBND"})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Cần nêu lý do")
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoResume, Number: "12/QĐ-UBND", Reason: "Đã có kết quả giám định"}); err != nil {
			t.Fatal(err)
		}
		if c.PausedDays != 10 || c.Due.Before(due.AddDays(10)) || due.AddDays(12).Before(c.Due) {
			t.Fatalf("resumed: paused %d, due %s (was %s)", c.PausedDays, c.Due, due)
		}
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoDecide, Number: "15/QĐ-UBND"}); err != nil || c.Clock != "complaint.send" {
			t.Fatalf("decided: %+v, %v", c, err)
		}
		if c, err = f.svc.Act(ctx, f.handler, c.ID, casework.StepDraft{Step: casework.DoSend}); err != nil || c.Status != casework.Sent {
			t.Fatalf("sent: %+v, %v", c, err)
		}
		// A second complaint, at the province, names the first by its code.
		second := base
		second.UnitID, second.FirstCode, second.KnownOn = f.phuXuan.ID, c.Code, today
		_, err = f.svc.Lodge(ctx, f.citizen, second, nil, db.Idem{})
		apperrtest.Want(t, err, apperr.CodeInvalid, "cấp trên")
		second.UnitID = f.hue.ID
		_, err = f.svc.Lodge(ctx, f.stranger, second, nil, db.Idem{})
		apperrtest.Want(t, err, apperr.CodeInvalid, "Không tìm thấy đơn khiếu nại lần đầu")
		s2, err := f.svc.Lodge(ctx, f.citizen, second, nil, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		if s2.Instance != 2 || s2.FirstID != c.ID || s2.Clock != "complaint.second.accept" {
			t.Fatalf("second complaint: %+v", s2)
		}
		if err := f.svc.GrantVault(ctx, f.province, s2.ID, f.province.AccountID); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.ConfirmWorkingCopy(ctx, f.province, s2.ID, casework.Redaction{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoAccept, Number: "20/TB-UBND"}); err != nil {
			t.Fatal(err)
		}
		// From 01/07/2026 the second instance holds a dialogue before its decision.
		_, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoDecide, Number: "21/QĐ-UBND"})
		apperrtest.Want(t, err, apperr.CodeConflict, "đối thoại")
		// A dialogue needs its notice, at least 5 days before the day it gives.
		_, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoDialogue})
		apperrtest.Want(t, err, apperr.CodeConflict, "thông báo đối thoại")
		today = legal.Today(f.now)
		for _, bad := range []struct {
			planned legal.Date
			key     string
		}{
			{legal.Date{}, "casework.err.planned_required"},
			{today, "casework.err.planned_after"},
			{today.AddDays(3), "casework.err.notice_late"},
			{today.AddDays(400), "casework.err.planned_far"},
		} {
			_, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoNotice, Planned: bad.planned})
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.FieldMsgs["planned"].Key != bad.key {
				t.Errorf("a notice for %s: %v, want %s on planned", bad.planned, err, bad.key)
			}
		}
		if _, err := f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoNotice, Planned: today.AddDays(6), Reason: "Tại Văn phòng UBND thành phố"}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoDialogue})
		var early *apperr.Error
		if !errors.As(err, &early) || early.FieldMsgs["on"].Key != "casework.err.dialogue_early" {
			t.Errorf("a dialogue before its day: %v", err)
		}
		f.now = f.now.AddDate(0, 0, 6)
		if _, err := f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoDialogue}); err != nil {
			t.Fatal(err)
		}
		if s2, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoDecide, Number: "21/QĐ-UBND"}); err != nil || s2.Status != casework.Decided {
			t.Fatalf("second decision: %+v, %v", s2, err)
		}
		// The second instance's decision is sent, then published for at least 15 days; a first instance's is not published.
		if s2, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoSend}); err != nil || s2.Status != casework.Sent {
			t.Fatalf("sent: %+v, %v", s2, err)
		}
		if s2, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoPublish, Reason: "Giữ nguyên quyết định giải quyết lần đầu."}); err != nil || s2.Status != casework.Sent {
			t.Fatalf("published: %+v, %v", s2, err)
		}
		ps, err := f.svc.Publications(ctx, f.hue, 0, 10)
		if err != nil || len(ps) != 1 || ps[0].Kind != casework.Complaint || ps[0].Number != "21/QĐ-UBND" || ps[0].Until != ps[0].PublishedOn.AddDays(15) {
			t.Fatalf("the second decision's publication: %+v %v", ps, err)
		}
		_, err = f.svc.Act(ctx, f.province, s2.ID, casework.StepDraft{Step: casework.DoPublish, Reason: "Lần nữa."})
		apperrtest.Want(t, err, apperr.CodeConflict, "")
		// A commune official does not reach the province's case.
		_, err = f.svc.Get(ctx, f.handler, s2.ID)
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
	})
}

func TestIntakeRefusals(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := setup(t, d)
		count := func() int {
			var n int
			if err := d.QueryRowContext(ctx, "select count(*) from cases").Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		good := casework.Draft{Kind: casework.Denunciation, UnitID: f.danDien.ID, Subject: "Tố cáo", Body: "Nội dung", Identity: denouncer}
		cases := []struct {
			name string
			a    *auth.Actor
			d    func(casework.Draft) casework.Draft
			ups  []files.Upload
			code apperr.Code
			text string
		}{
			{"NotWhatItClaims", f.citizen, nil, []files.Upload{{Name: "don.pdf", R: strings.NewReader("<html>not a pdf</html>")}}, apperr.CodeInvalid, "don.pdf"},
			{"CutPDF", f.citizen, nil, []files.Upload{{Name: "don.pdf", R: bytes.NewReader(filestest.PDF("đơn")[:200])}}, apperr.CodeInvalid, "don.pdf"},
			{"NoName", f.citizen, func(d casework.Draft) casework.Draft { d.Identity.Name = ""; return d }, nil, apperr.CodeInvalid, "chưa đủ"},
			{"Anonymous", f.citizen, func(d casework.Draft) casework.Draft { d.Kind = casework.Information; return d }, nil, apperr.CodeInvalid, "khiếu nại hoặc tố cáo"},
			{"Village", f.citizen, func(d casework.Draft) casework.Draft { d.UnitID = 0; return d }, nil, apperr.CodeInvalid, "không giải quyết đơn"},
			{"BadPhone", f.citizen, func(d casework.Draft) casework.Draft { d.Identity.Phone = "gọi tôi"; return d }, nil, apperr.CodeInvalid, "chưa đủ"},
			{"OfficialLodges", f.handler, nil, nil, apperr.CodeForbidden, "công dân"},
			{"TooManyFiles", f.citizen, nil, make([]files.Upload, casework.MaxFiles+1), apperr.CodeInvalid, "Tối đa 10"},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				d := good
				if tc.d != nil {
					d = tc.d(d)
				}
				_, err := f.svc.Lodge(ctx, tc.a, d, tc.ups, db.Idem{})
				apperrtest.Want(t, err, tc.code, tc.text)
			})
		}
		if n := count(); n != 0 {
			t.Fatalf("%d cases stored from refused forms", n)
		}
		// An official enters an anonymous letter: information, no identity kept.
		info := good
		info.Anonymous, info.Channel = true, casework.ByPost
		c, err := f.svc.Enter(ctx, f.handler, info, nil, db.Idem{})
		if err != nil {
			t.Fatal(err)
		}
		if c.Kind != casework.Information || !strings.HasPrefix(c.Code, "TT-") {
			t.Fatalf("anonymous letter: %+v", c)
		}
		if err := f.svc.GrantVault(ctx, f.handler, c.ID, f.handler.AccountID); err != nil {
			t.Fatal(err)
		}
		o, err := f.svc.ReadVault(ctx, f.handler, c.ID, "Kiểm tra")
		if err != nil || o.Identity != (casework.Identity{}) {
			t.Fatalf("information's vault: %+v, %v", o, err)
		}
		// Entering for another commune is refused as not found.
		info.UnitID = f.phuXuan.ID
		_, err = f.svc.Enter(ctx, f.handler, info, nil, db.Idem{})
		apperrtest.Want(t, err, apperr.CodeNotFound, "")
		// The same form sent twice is stored once.
		key := db.Idem{Key: "form-1"}
		a, err := f.svc.Lodge(ctx, f.citizen, good, nil, key)
		if err != nil {
			t.Fatal(err)
		}
		b, err := f.svc.Lodge(ctx, f.citizen, good, nil, key)
		if err != nil || a.ID != b.ID {
			t.Fatalf("sent twice: %d and %d, %v", a.ID, b.ID, err)
		}
	})
}

func TestWithoutVault(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		f.svc.SetVault(nil)
		_, err := f.svc.Lodge(context.Background(), f.citizen, casework.Draft{Kind: casework.Denunciation}, nil, db.Idem{})
		apperrtest.Want(t, err, apperr.CodeUnavailable, "--vault-key")
		_, err = f.svc.Mine(context.Background(), f.citizen, 10)
		apperrtest.Want(t, err, apperr.CodeUnavailable, "--vault-key")
	})
}

// The steps that are documents, by kind, and what the document says: the
// issuer, the number line, the trích yếu, from the working copy.
func TestStepDocument(t *testing.T) {
	u := org.Unit{ID: 7, Name: "Xã Đan Điền"}
	for _, tt := range []struct {
		kind, step string
		instance   int
		ok         bool
		want       string // the trích yếu
	}{
		{casework.Denunciation, casework.DoAccept, 0, true, "Về việc thụ lý tố cáo"},
		{casework.Denunciation, casework.DoExtend, 0, true, "Về việc gia hạn giải quyết tố cáo"},
		{casework.Denunciation, casework.DoConclude, 0, true, "Nội dung tố cáo"},
		{casework.Complaint, casework.DoDecide, 1, true, "Về việc giải quyết khiếu nại (lần đầu)"},
		{casework.Complaint, casework.DoDecide, 2, true, "Về việc giải quyết khiếu nại (lần hai)"},
		{casework.Complaint, casework.DoExtend, 1, false, ""},
		{casework.Denunciation, casework.DoDecide, 0, false, ""},
		{casework.Information, casework.DoCheck, 0, false, ""},
		{casework.Denunciation, "received", 0, false, ""},
	} {
		c := casework.Case{ID: 3, Code: "TC-AAAA-BBBB", Kind: tt.kind, Instance: tt.instance, Subject: "Thu tiền không biên lai", Received: legal.DateOf(2026, 9, 1)}
		st := casework.Step{ID: 9, CaseID: 3, Step: tt.step, On: legal.DateOf(2026, 9, 3), Number: "01/TB-UBND", Reason: "Lý do"}
		if got := casework.HasDocument(tt.kind, tt.step); got != tt.ok {
			t.Errorf("HasDocument(%s, %s) = %v", tt.kind, tt.step, got)
		}
		d, ok := casework.StepDocument(c, st, u)
		if ok != tt.ok || d.Summary != tt.want {
			t.Errorf("%s %s: %v %q", tt.kind, tt.step, ok, d.Summary)
			continue
		}
		if ok && (d.Issuer != "ỦY BAN NHÂN DÂN XÃ ĐAN ĐIỀN" || d.Place != "Đan Điền" || d.Number != "01/TB-UBND" || !strings.Contains(d.Body[0].Text, "Thu tiền không biên lai")) {
			t.Errorf("%s %s: %+v", tt.kind, tt.step, d)
		}
	}
	// A step of another case is no document of this one.
	if _, ok := casework.StepDocument(casework.Case{ID: 4, Kind: casework.Denunciation}, casework.Step{CaseID: 3, Step: casework.DoAccept}, u); ok {
		t.Error("another case's step made a document")
	}
}

// What a text meant for the public may not hold, however it is written.
func TestReveals(t *testing.T) {
	id := casework.Identity{Name: "Nguyễn Văn An", IDNumber: "001085012345", Address: "số 9 kiệt Bí Mật", Phone: "0912 000 103", Email: "an.nguyen@example.vn"}
	c := casework.Case{Code: "TC-7K3Q-9MXD", Channel: casework.ByFeedback, Source: "Phản ánh, kiến nghị PA-ABCD-EFGH"}
	nfd := norm.NFD.String("Ông Nguyễn Văn An tố cáo")
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Ông Nguyễn Văn An tố cáo đúng.", true},
		{"ONG NGUYEN VAN AN TO CAO", true},
		{"Ông Nguyễn  Văn\u00a0An\ntố cáo", true},
		{nfd, true},
		{"CCCD 001 085 012 345", true},
		{"gọi 0912000103", true},
		{"gọi 0912.000.103", true},
		{"gọi +84 912 000 103", true},
		{"AN.NGUYEN@EXAMPLE.VN", true},
		{"ở Số 9 Kiệt Bí Mật", true},
		{"hồ sơ tc-7k3q-9mxd", true},
		{"từ phản ánh PA-ABCD-EFGH", true},
		{"Nội dung tố cáo đúng một phần; đảm bảo an toàn cho Nhân dân.", false},
		{"Ông Nguyễn Văn Anh không liên quan", false},
		{"Quyết định số 15/QĐ-UBND ngày 12/01/2026, thu 500.000 đồng của 42 hộ.", false},
	} {
		if got := casework.Reveals(tt.text, id, c); got != tt.want {
			t.Errorf("Reveals(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// The working copy hides a mark however the text writes it, and nothing else.
func TestRedact(t *testing.T) {
	marks := []string{"Nguyễn Văn An", "ngõ Kín"}
	for _, tt := range []struct{ text, want string }{
		{"Tôi là Nguyễn Văn An, ở ngõ Kín.", "Tôi là [đã che], ở [đã che]."},
		{"TÔI LÀ NGUYEN VAN AN", "TÔI LÀ [đã che]"},
		{"Nguyễn  Văn\u00a0An\nký", "[đã che]\nký"},
		{norm.NFD.String("ông Nguyễn Văn An ký"), norm.NFD.String("ông ") + "[đã che]" + norm.NFD.String(" ký")},
		{"Ông Nguyễn Văn Anh", "Ông [đã che]h"}, // a mark is hidden wherever it stands, even inside a word
		{"Không có tên", "Không có tên"},
	} {
		if got := casework.Redact(tt.text, marks); got != tt.want {
			t.Errorf("Redact(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	if got := casework.Redact("a b", []string{"a", " "}); got != "a b" {
		t.Errorf("one-letter marks: %q", got)
	}
}
