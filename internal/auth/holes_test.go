package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/notify"
	"danchu/internal/web/webtest"

	"github.com/pquerna/otp/totp"
)

// linkToken is the token at the end of an activation or reset link.
func linkToken(link string) string { return link[strings.LastIndex(link, "/")+1:] }

// roleCount is how many roles in force the account holds.
func roleCount(t *testing.T, d *db.DB, account int64) int {
	t.Helper()
	var n int
	if err := d.QueryRow("select count(*) from roles where account_id = $1 and revoked_at is null", account).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// An administrator of another province who types the e-mail of a pending account
// neither adds a role to it nor sees an activation link: the account stays its owner's.
func TestAddRoleOutsideScopeTakesNothing(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "hue.admin@x.vn", auth.ProvinceAdmin, f.hue)
		f.official(t, "hn.admin@x.vn", auth.ProvinceAdmin, f.hanoi)
		hue := f.actor(t, f.signIn(t, "hue.admin@x.vn"))
		hanoi := f.actor(t, f.signIn(t, "hn.admin@x.vn"))
		first, err := f.svc.CreateOfficial(ctx, hue, auth.NewOfficial{FullName: "Lê Thị Xã", Email: "xa.pending@x.vn", Role: auth.CommuneOfficial, UnitID: f.danDien.ID})
		if err != nil || first.ActivationLink == "" {
			t.Fatalf("create: %+v %v", first, err)
		}
		res, err := f.svc.CreateOfficial(ctx, hanoi, auth.NewOfficial{FullName: "Kẻ lạ", Email: "xa.pending@x.vn", Role: auth.CommuneOfficial, UnitID: f.baDinh.ID})
		if err != nil {
			t.Fatalf("the other province's addition: %v", err)
		}
		if res.ActivationLink != "" {
			t.Errorf("another province's administrator was shown an activation link: %s", res.ActivationLink)
		}
		if n := roleCount(t, d, first.Account.ID); n != 1 {
			t.Errorf("the account holds %d roles after another province's addition, want 1 (an invitation, not a role)", n)
		}
		if res.Invitation == 0 || res.Mailed {
			t.Fatalf("the other province's addition = %+v, want an invitation and no link", res)
		}
		// Offering the same role twice is refused, and nothing more is stored.
		_, err = f.svc.CreateOfficial(ctx, hanoi, auth.NewOfficial{FullName: "Kẻ lạ", Email: "xa.pending@x.vn", Role: auth.CommuneOfficial, UnitID: f.baDinh.ID})
		wantCode(t, err, apperr.CodeConflict, "đã được mời")
		var offers int
		d.QueryRow("select count(*) from role_invitations where account_id = $1", first.Account.ID).Scan(&offers)
		if offers != 1 {
			t.Errorf("%d invitations stored, want 1", offers)
		}
		// The owner's first link still works: the stranger killed nothing.
		if err := f.svc.Activate(ctx, linkToken(first.ActivationLink), goodPassword); err != nil {
			t.Fatalf("the owner's own link after the stranger's addition: %v", err)
		}
		owner := f.actor(t, f.signIn(t, "xa.pending@x.vn"))
		// Nobody else answers the invitation: not the inviter, not another official.
		for _, who := range []*auth.Actor{hanoi, hue} {
			_, err := f.svc.AnswerInvitation(ctx, who, res.Invitation, true)
			wantCode(t, err, apperr.CodeNotFound, "Không có lời mời này")
		}
		inv, err := f.svc.Invitations(ctx, owner)
		if err != nil || len(inv) != 1 || inv[0].Role != auth.CommuneOfficial || inv[0].UnitName != f.baDinh.Name || inv[0].InvitedBy != "Cán bộ hn.admin@x.vn" {
			t.Fatalf("the owner's invitations = %+v, %v", inv, err)
		}
		var changes int
		d.QueryRow("select count(*) from session_changes where account_id = $1", first.Account.ID).Scan(&changes)
		if _, err := f.svc.AnswerInvitation(ctx, owner, res.Invitation, true); err != nil {
			t.Fatal(err)
		}
		var after int
		d.QueryRow("select count(*) from session_changes where account_id = $1", first.Account.ID).Scan(&after)
		if after != changes+1 {
			t.Errorf("accepting wrote %d session changes, want 1", after-changes)
		}
		if n := roleCount(t, d, first.Account.ID); n != 2 {
			t.Errorf("after accepting, %d roles, want 2", n)
		}
		_, err = f.svc.AnswerInvitation(ctx, owner, res.Invitation, false)
		wantCode(t, err, apperr.CodeNotFound, "đã được trả lời")
		// The invitation, its answer, and the mail that told the owner.
		for _, action := range []string{string(auth.ManageUsers), "auth.invitation_accepted"} {
			var n int
			d.QueryRow("select count(*) from audit_log where action = $1 and object_type = 'role_invitation' and object_id = $2", action, fmt.Sprint(res.Invitation)).Scan(&n)
			if n != 1 {
				t.Errorf("%d audit entries %s for the invitation, want 1", n, action)
			}
		}
		var mailed int
		d.QueryRow("select count(*) from outbox where kind = 'auth.invitation' and address = 'xa.pending@x.vn'").Scan(&mailed)
		if mailed != 1 {
			t.Errorf("%d invitation mails queued, want 1", mailed)
		}
		// A declined invitation gives nothing.
		res2, err := f.svc.CreateOfficial(ctx, hanoi, auth.NewOfficial{FullName: "Kẻ lạ", Email: "xa.pending@x.vn", Role: auth.Viewer, UnitID: f.baDinh.ID})
		if err != nil || res2.Invitation == 0 {
			t.Fatalf("second invitation: %+v %v", res2, err)
		}
		if _, err := f.svc.AnswerInvitation(ctx, f.actor(t, f.signIn(t, "xa.pending@x.vn")), res2.Invitation, false); err != nil {
			t.Fatal(err)
		}
		if n := roleCount(t, d, first.Account.ID); n != 2 {
			t.Errorf("after declining, %d roles, want 2", n)
		}
	})
}

// An administrator whose scope covers the account adds the role; a pending
// account's new activation link goes to its owner's mailbox, never to the
// screen, and kills the older one.
func TestAddRoleInScopeMailsTheNewLink(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "hue.admin@x.vn", auth.ProvinceAdmin, f.hue)
		hue := f.actor(t, f.signIn(t, "hue.admin@x.vn"))
		first, err := f.svc.CreateOfficial(ctx, hue, auth.NewOfficial{FullName: "Lê Thị Xã", Email: "xa@x.vn", Role: auth.CommuneOfficial, UnitID: f.danDien.ID})
		if err != nil || first.ActivationLink == "" || !first.Mailed {
			t.Fatalf("create: %+v %v", first, err)
		}
		res, err := f.svc.CreateOfficial(ctx, hue, auth.NewOfficial{FullName: "Lê Thị Xã", Email: "xa@x.vn", Role: auth.Viewer, UnitID: f.phuXuan.ID})
		if err != nil || res.ActivationLink != "" || !res.Mailed || res.Invitation != 0 {
			t.Fatalf("add a role in scope: %+v %v", res, err)
		}
		if n := roleCount(t, d, first.Account.ID); n != 2 {
			t.Errorf("%d roles, want 2", n)
		}
		wantCode(t, f.svc.Activate(ctx, linkToken(first.ActivationLink), goodPassword), apperr.CodeNotFound, "mới hơn")
		deliver(t, f)
		mails := f.mail.Wait(t, 2)
		if mails[1].To != "xa@x.vn" || !strings.Contains(mails[1].Text, "/kich-hoat/") {
			t.Fatalf("second mail = %+v", mails[1])
		}
		if err := f.svc.Activate(ctx, linkToken(strings.Fields(mails[1].Text[strings.Index(mails[1].Text, "/kich-hoat/"):])[0]), goodPassword); err != nil {
			t.Fatalf("the mailed link: %v", err)
		}
	})
}

// Only the newest reset link works; using one kills the others.
func TestNewerLinkKillsOlder(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		f.official(t, "reset@x.vn", auth.Viewer, f.v1)
		for range 2 {
			if err := f.svc.RequestReset(ctx, "reset@x.vn"); err != nil {
				t.Fatal(err)
			}
		}
		deliver(t, f)
		mails := f.mail.Wait(t, 2)
		tok := func(m int) string {
			text := mails[m].Text
			return linkToken(strings.Fields(text[strings.Index(text, "/dat-lai-mat-khau/"):])[0])
		}
		wantCode(t, f.svc.ResetPassword(ctx, tok(0), "bầu trời xanh thẳm 77"), apperr.CodeNotFound, "mới hơn")
		if err := f.svc.ResetPassword(ctx, tok(1), "bầu trời xanh thẳm 77"); err != nil {
			t.Fatal(err)
		}
		var left int
		d.QueryRow("select count(*) from tokens t join accounts a on a.id = t.account_id where a.email = 'reset@x.vn' and t.used_at is null").Scan(&left)
		if left != 0 {
			t.Errorf("%d unused links left after a password was set, want 0", left)
		}
	})
}

// A tab, a backslash, a scheme or an encoded slash in next= never sends anyone
// off the site: after sign-in nor from the language switch. A raw control
// character other than tab, CR and LF never reaches them: the text boundary
// refuses the request (400) before any handler runs.
func TestRedirectTargetsStayOnSite(t *testing.T) {
	hostile := []string{"/\t/evil.com", "//evil.com", "/\\evil.com", "\\\\evil.com", "javascript:alert(1)", "https://evil.com",
		"/%2F/evil.com", "/%2f%2fevil.com", "%2F%2Fevil.com", "/%5Cevil.com", "/%09/evil.com", "/%0D%0ALocation:%20https://evil.com",
		"/\r\nLocation: https://evil.com", "evil.com", "", " //evil.com", "/\n/evil.com", "/%252F%252Fevil.com", "http:/\\evil.com", "/\x00/evil.com"}
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		f.official(t, "v@x.vn", auth.Viewer, f.danDien)
		srv, _ := f.site(t)
		for _, next := range hostile {
			b := newBrowser(t, srv)
			if next == "/\x00/evil.com" {
				if code, _, h := b.get("/ngon-ngu?lang=en&next=" + url.QueryEscape(next)); code != http.StatusBadRequest || h.Get("Location") != "" {
					t.Errorf("language switch next=%q: %d to %q, want 400 from the text boundary", next, code, h.Get("Location"))
				}
				continue
			}
			code, _, h := b.get("/ngon-ngu?lang=en&next=" + url.QueryEscape(next))
			if loc := h.Get("Location"); code != http.StatusSeeOther || loc != "/" {
				t.Errorf("language switch next=%q: %d to %q, want 303 to /", next, code, loc)
			}
			code, _, h = b.post("/dang-nhap", "/dang-nhap", url.Values{"email": {"v@x.vn"}, "password": {goodPassword}, "next": {next}})
			if loc := h.Get("Location"); code != http.StatusSeeOther || loc != "/quan-tri" {
				t.Errorf("sign-in next=%q: %d to %q, want 303 to /quan-tri", next, code, loc)
			}
		}
	})
}

// A second factor's wrong codes are counted on their own: signing in again with
// the right password does not reset them, and they lock like passwords do.
func TestSecondFactorAttemptsLock(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.SlowAfter, p.LockAfter = 3, 6 })
		ctx := context.Background()
		acc := f.official(t, "xa@x.vn", auth.CommuneOfficial, f.danDien)
		res, _ := f.svc.SignIn(ctx, "xa@x.vn", goodPassword, "10.0.0.1", "ua")
		ss, _, _ := f.svc.Session(ctx, res.Token)
		e, _ := f.svc.BeginEnrolment(ctx, ss)
		code, _ := totp.GenerateCode(e.Secret, f.clock())
		recovery, _, err := f.svc.ConfirmEnrolment(ctx, ss, code, "10.0.0.1", "ua")
		if err != nil {
			t.Fatal(err)
		}
		signIn := func(ip string) *auth.Session {
			t.Helper()
			res, err := f.svc.SignIn(ctx, "xa@x.vn", goodPassword, ip, "ua")
			if err != nil || res.Stage != auth.StageSecondFactor {
				t.Fatalf("sign in with the right password: %+v %v", res, err)
			}
			ss, _, _ := f.svc.Session(ctx, res.Token)
			return ss
		}
		// Six wrong codes (TOTP and recovery alike), each after a fresh sign-in with
		// the right password, from six addresses.
		for i := range 6 {
			f.advance(time.Minute)
			ss := signIn(fmt.Sprintf("10.0.1.%d", i))
			wrong := "000000"
			if i%2 == 1 {
				wrong = "AAAAA-AAAAA"
			}
			if _, err := f.svc.SecondFactor(ctx, ss, wrong, fmt.Sprintf("10.0.1.%d", i), "ua"); apperr.CodeOf(err) != apperr.CodeInvalid && apperr.CodeOf(err) != apperr.CodeTooMany {
				t.Fatalf("wrong code %d: %v", i+1, err)
			}
		}
		f.advance(time.Minute)
		ss = signIn("10.0.0.1")
		f.advance(30 * time.Second)
		right, _ := totp.GenerateCode(e.Secret, f.clock())
		_, err = f.svc.SecondFactor(ctx, ss, right, "10.0.0.1", "ua")
		wantCode(t, err, apperr.CodeTooMany, "tạm khóa")
		if _, err := f.svc.SecondFactor(ctx, ss, recovery[0], "10.0.0.1", "ua"); apperr.CodeOf(err) != apperr.CodeTooMany {
			t.Errorf("a recovery code during the lock: %v, want too many", err)
		}
		var unused int
		d.QueryRow("select count(*) from recovery_codes where account_id = $1 and used_at is null", acc.ID).Scan(&unused)
		if unused != 10 {
			t.Errorf("%d recovery codes left unused, want 10 (none spent while locked)", unused)
		}
	})
}

// Ten wrong passwords from somewhere else do not keep the owner out.
func TestLockoutIsPerSource(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "v@x.vn", auth.Viewer, f.danDien)
		var last error
		for i := range 10 {
			f.advance(10 * time.Minute) // past every slow-down
			_, last = f.svc.SignIn(ctx, "v@x.vn", fmt.Sprintf("sai mật khẩu %d", i), "203.0.113.9", "ua")
		}
		wantCode(t, last, apperr.CodeTooMany, "tạm khóa")
		if _, err := f.svc.SignIn(ctx, "v@x.vn", goodPassword, "10.0.0.1", "ua"); err != nil {
			t.Fatalf("the owner from their own address after a stranger's ten failures: %v", err)
		}
		// The stranger's address stays locked, even with the right password.
		_, err := f.svc.SignIn(ctx, "v@x.vn", goodPassword, "203.0.113.9", "ua")
		wantCode(t, err, apperr.CodeTooMany, "tạm khóa")
		// The owner who proves their mailbox is let in from there too.
		if err := f.svc.RequestReset(ctx, "v@x.vn"); err != nil {
			t.Fatal(err)
		}
		deliver(t, f)
		text := f.mail.Wait(t, 1)[0].Text
		if err := f.svc.ResetPassword(ctx, linkToken(strings.Fields(text[strings.Index(text, "/dat-lai-mat-khau/"):])[0]), "bầu trời xanh thẳm 77"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.SignIn(ctx, "v@x.vn", "bầu trời xanh thẳm 77", "203.0.113.9", "ua"); err != nil {
			t.Errorf("after a reset, from the locked address: %v", err)
		}
	})
}

// A real and an unknown account get the same answers, step by step.
func TestUnknownAccountAnswersAlike(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false; p.SlowAfter, p.LockAfter = 3, 6 })
		ctx := context.Background()
		f.official(t, "real@x.vn", auth.Viewer, f.danDien)
		f.official(t, "other@x.vn", auth.Viewer, f.danDien)
		// The answer: code, message key with its arguments and fields, the text
		// shown, and the wait.
		answer := func(err error) string {
			if err == nil {
				return "no error"
			}
			return fmt.Sprintf("%s %q %q %v", apperr.CodeOf(err), err.Error(), webtest.Vietnamese(t, err), apperr.RetryAfterOf(err))
		}
		for i := range 8 {
			_, real := f.svc.SignIn(ctx, "real@x.vn", "sai mật khẩu rồi", "10.0.0.7", "ua")
			_, unknown := f.svc.SignIn(ctx, "nobody@x.vn", "sai mật khẩu rồi", "10.0.0.7", "ua")
			if answer(real) != answer(unknown) || real == nil {
				t.Fatalf("attempt %d: real account %s; unknown %s", i+1, answer(real), answer(unknown))
			}
			f.advance(time.Duration(i+1) * 10 * time.Second)
		}
		// Structurally: each goes through one password hash and one counter row
		// (per e-mail and source), and both are audited.
		for _, email := range []string{"other@x.vn", "nobody2@x.vn"} {
			before := auth.HashRuns()
			f.svc.SignIn(ctx, email, "sai mật khẩu rồi", "10.0.0.8", "ua")
			if n := auth.HashRuns() - before; n != 1 {
				t.Errorf("%s: %d password hashes, want 1", email, n)
			}
			var failures int
			d.QueryRow("select failures from signin_failures where subject = $1 and factor = 'password' and source = '10.0.0.8'", auth.SubjectOf(email)).Scan(&failures)
			if failures != 1 {
				t.Errorf("%s: counted %d failures, want 1", email, failures)
			}
		}
		var real, unknown int
		d.QueryRow("select count(*) from audit_log where action = 'auth.sign_in_failed' and object_id <> '0'").Scan(&real)
		d.QueryRow("select count(*) from audit_log where action = 'auth.sign_in_failed' and object_id = '0'").Scan(&unknown)
		if real == 0 || real != unknown {
			t.Errorf("failed sign-ins audited: %d for real accounts, %d for unknown ones; want the same, not 0", real, unknown)
		}
	})
}

// With the mail server down, "forgot password" answers the same for a real
// account as for an unknown one: the link waits in the outbox.
func TestForgotPasswordWithDeadMail(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		f.official(t, "reset@x.vn", auth.Viewer, f.v1)
		dead, err := notify.ParseSMTP("smtp://127.0.0.1:18109?from=danchu@x.vn")
		if err != nil {
			t.Fatal(err)
		}
		svc := auth.NewService(d, f.units, f.audit, f.svc.Policy(), dead, f.sms)
		errUnknown := svc.RequestReset(ctx, "nobody@x.vn")
		errReal := svc.RequestReset(ctx, "reset@x.vn")
		if errReal != nil || errUnknown != nil {
			t.Fatalf("forgot password with the mail server down: real %v, unknown %v; want both nil", errReal, errUnknown)
		}
		var queued int
		d.QueryRow("select count(*) from outbox where address = 'reset@x.vn' and status = 'pending'").Scan(&queued)
		if queued != 1 {
			t.Errorf("%d reset mails wait in the outbox, want 1", queued)
		}
		// The same through the form: 200 both ways, the same page.
		f.svc = svc
		srv, _ := f.site(t)
		b := newBrowser(t, srv)
		codeReal, pageReal, _ := b.post("/quen-mat-khau", "/quen-mat-khau", url.Values{"email": {"reset@x.vn"}})
		codeUnknown, pageUnknown, _ := b.post("/quen-mat-khau", "/quen-mat-khau", url.Values{"email": {"nobody@x.vn"}})
		strip := func(s string) string { return csrfValue.ReplaceAllString(s, "") }
		if codeReal != http.StatusOK || codeUnknown != http.StatusOK || strip(pageReal) != strip(pageUnknown) {
			t.Errorf("forgot password form: real %d, unknown %d (pages equal: %v)", codeReal, codeUnknown, strip(pageReal) == strip(pageUnknown))
		}
	})
}

var csrfValue = regexp.MustCompile(`value="[A-Z2-7]{52}"|data-request-id="[^"]*"|[0-9a-f]{16,}`)

// The one-time code is bound to the browser that asked for it: a cookie set to
// a victim's number does not let a stranger spend the victim's attempts.
func TestCitizenCodeCookieCannotBurnVictim(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		srv, _ := f.site(t)
		victim := newBrowser(t, srv)
		if code, _, _ := victim.post("/cong-dan/dang-nhap", "/cong-dan/dang-nhap", url.Values{"address": {"0912 345 678"}}); code != http.StatusSeeOther {
			t.Fatalf("send code: %d", code)
		}
		deliver(t, f)
		otp := sixDigits.FindString(f.sms.last().Text)
		wrong := "000000"
		if otp == wrong {
			wrong = "111111"
		}
		attacker := newBrowser(t, srv)
		u, _ := url.Parse(srv.URL)
		attacker.C.Jar.SetCookies(u, []*http.Cookie{{Name: "danchu_otp_to", Value: "+84912345678", Path: "/"}, {Name: "danchu_otp", Value: "+84912345678", Path: "/"}})
		attacker.get("/cong-dan/dang-nhap") // a CSRF cookie
		for range 6 {
			attacker.post("/cong-dan/dang-nhap", "/cong-dan/dang-nhap/ma", url.Values{"code": {wrong}})
		}
		var attempts int
		d.QueryRow("select coalesce(max(attempts), 0) from otp_codes where address = '+84912345678'").Scan(&attempts)
		if attempts != 0 {
			t.Errorf("a stranger's cookie spent %d of the victim's attempts", attempts)
		}
		code, _, h := victim.post("/cong-dan/dang-nhap/ma", "/cong-dan/dang-nhap/ma", url.Values{"code": {otp}})
		if code != http.StatusSeeOther || h.Get("Location") != "/cong-dan" {
			t.Fatalf("the victim's own code after the stranger's tries: %d %s", code, h.Get("Location"))
		}
	})
}

// BenchmarkWrongPassword compares a wrong password for a real account with one
// for an address that has no account: both run one argon2id hash, one counter
// upsert and one audit entry, so their times should be close.
func BenchmarkWrongPassword(b *testing.B) {
	d := db.OpenTest(b, db.SQLite)
	f := setup(b, d, func(p *auth.Policy) { p.Require2FA = false })
	f.official(b, "real@x.vn", auth.Viewer, f.danDien)
	ctx := context.Background()
	for _, email := range []string{"real@x.vn", "nobody@x.vn"} {
		b.Run(strings.Split(email, "@")[0], func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				_, err := f.svc.SignIn(ctx, email, "sai mật khẩu rồi", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255), "ua")
				if apperr.CodeOf(err) != apperr.CodeInvalid {
					b.Fatal(err)
				}
			}
		})
	}
}

// codesTo is how many codes to address are stored and how many wait in the outbox.
func codesTo(t *testing.T, d *db.DB, address, ip string) (stored, queued int) {
	t.Helper()
	stored = db.Count(t, d, "select count(*) from otp_codes where address = $1 and ip = $2", address, ip)
	queued = db.Count(t, d, "select count(*) from outbox where address = $1 and status = 'pending'", address)
	return stored, queued
}

// A stranger asking for codes to someone's number from his own IP spends his
// own quota, not the owner's; the same source's fourth is refused.
func TestStrangerCannotSpendOwnersCodes(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		for _, v := range []string{"0912345678", "0912 345 678", "+84912345678"} {
			if _, err := f.svc.SendCode(ctx, v, "203.0.113.5"); err != nil {
				t.Fatalf("stranger's %q: %v", v, err)
			}
		}
		_, err := f.svc.SendCode(ctx, "0912-345-678", "203.0.113.5")
		wantCode(t, err, apperr.CodeTooMany, "Đã gửi 3 mã tới +84912345678")
		if apperr.RetryAfterOf(err) <= 0 {
			t.Error("no Retry-After for the same source's fourth code")
		}
		if stored, _ := codesTo(t, d, "+84912345678", "203.0.113.5"); stored != 3 {
			t.Errorf("the refused fourth was stored: %d codes from the stranger, want 3", stored)
		}
		p, err := f.svc.SendCode(ctx, "0912345678", "198.51.100.7")
		if err != nil || p.Token == "" {
			t.Fatalf("the owner's code after a stranger's three: %v", err)
		}
		if stored, queued := codesTo(t, d, "+84912345678", "198.51.100.7"); stored != 1 || queued != 4 {
			t.Errorf("owner: %d codes stored, %d messages queued; want 1 and 4", stored, queued)
		}
	})
}

// Across every source, one number gets at most 15 codes an hour.
func TestCodesPerAddressCeiling(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		for i := range 15 {
			if _, err := f.svc.SendCode(ctx, "0912345678", fmt.Sprintf("203.0.113.%d", i+1)); err != nil {
				t.Fatalf("code %d from its own IP: %v", i+1, err)
			}
			f.advance(3 * time.Minute)
		}
		_, err := f.svc.SendCode(ctx, "0912345678", "203.0.113.16")
		wantCode(t, err, apperr.CodeTooMany, "Đã gửi 15 mã tới +84912345678 trong 60 phút qua")
		if wait := apperr.RetryAfterOf(err); wait <= 0 || wait > 15*time.Minute {
			t.Errorf("Retry-After %v, want until the oldest code is an hour old (15 min)", wait)
		}
		if stored, _ := codesTo(t, d, "+84912345678", "203.0.113.16"); stored != 0 {
			t.Errorf("the refused 16th was stored")
		}
		// Other numbers are not affected; the ceiling slides.
		if _, err := f.svc.SendCode(ctx, "0912000001", "203.0.113.16"); err != nil {
			t.Errorf("another number: %v", err)
		}
		f.advance(15 * time.Minute)
		if _, err := f.svc.SendCode(ctx, "0912345678", "203.0.113.16"); err != nil {
			t.Errorf("once the oldest is an hour old: %v", err)
		}
	})
}

// One stranger who asks again every 15 minutes for an hour, from one IP, does
// not reach the ceiling: the owner still gets a code.
func TestPatientStrangerCannotReachCeiling(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		sent := 0
		for q := range 4 { // at 0, 15, 30 and 45 minutes
			if q > 0 {
				f.advance(15 * time.Minute)
			}
			for range 4 { // the fourth of each quarter is refused
				if _, err := f.svc.SendCode(ctx, "0912345678", "203.0.113.5"); err == nil {
					sent++
				}
			}
		}
		if sent != 12 {
			t.Errorf("the stranger got %d codes, want 3 a quarter: 12", sent)
		}
		if _, err := f.svc.SendCode(ctx, "0912345678", "198.51.100.7"); err != nil {
			t.Fatalf("the owner after a stranger's hour: %v", err)
		}
		if stored, _ := codesTo(t, d, "+84912345678", "198.51.100.7"); stored != 1 {
			t.Errorf("owner: %d codes stored, want 1", stored)
		}
	})
}
