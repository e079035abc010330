package auth_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/auth"
	"danchu/internal/db"

	"github.com/pquerna/otp/totp"
)

func TestCheckPassword(t *testing.T) {
	for _, tt := range []struct {
		pw, name, email, want string
	}{
		{"ngắn quá", "", "", "short"},
		{"123456789012", "", "", "common"},
		{"Matkhau@12345", "", "", "common"},
		{"aaaaaaaaaaaa", "", "", "repetitive"},
		{"12121212121212", "", "", "repetitive"},
		{"lan.nguyen2026!", "Nguyễn Thị Lan", "lan.nguyen2026@xa.gov.vn", "email"},
		{"nguyenthilan1", "Nguyễn Thị Lan", "x@y.vn", "name"},
		{"314159265358979", "", "", "digits"},
		{"abcdefghijkl", "", "", "weak"},
		{"qwertyuiopasdf", "", "", "weak"},
		{strings.Repeat("ab", 65), "", "", "long"},
		{goodPassword, "Nguyễn Thị Lan", "lan@xa.gov.vn", ""},
		{"đồng lúa xanh mướt", "Trần Văn Hùng", "hung@xa.gov.vn", ""},
	} {
		err := auth.CheckPassword(tt.pw, tt.name, tt.email)
		want := ""
		if tt.want != "" {
			want = "auth.err.password_" + tt.want
		}
		var e *apperr.Error
		marked := false
		if errors.As(err, &e) && e.Code == apperr.CodeInvalid {
			_, marked = e.FieldMsgs["password"]
		}
		if apperr.KeyOf(err) != want || marked != (want != "") {
			t.Errorf("CheckPassword(%q) = %v, want %q on the password field", tt.pw, err, want)
		}
	}
}

func TestPasswordHash(t *testing.T) {
	h := auth.HashPassword(goodPassword)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string", h)
	}
	if h == auth.HashPassword(goodPassword) {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, tt := range []struct {
		phc, pw string
		want    bool
	}{
		{h, goodPassword, true},
		{h, goodPassword + " ", false},
		{strings.Replace(h, "t=2", "t=3", 1), goodPassword, false},
		{"$argon2id$v=19$m=99999999,t=2,p=1$AAAA$AAAA", goodPassword, false},
		{"plain", "plain", false},
		{"", "", false},
	} {
		if got := auth.PasswordMatches(tt.phc, tt.pw); got != tt.want {
			t.Errorf("PasswordMatches(%.30q, %q) = %v", tt.phc, tt.pw, got)
		}
	}
}

func TestCreateAndActivate(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		for _, tt := range []struct {
			name string
			in   auth.NewOfficial
			code apperr.Code
			text string
		}{
			{"BadEmail", auth.NewOfficial{FullName: "A", Email: "not-an-email", Role: auth.CommuneOfficial, UnitCode: "19885"}, apperr.CodeInvalid, "thư điện tử"},
			{"BadPhone", auth.NewOfficial{FullName: "A", Email: "a@x.vn", Phone: "12345", Role: auth.CommuneOfficial, UnitCode: "19885"}, apperr.CodeInvalid, "điện thoại"},
			{"NoName", auth.NewOfficial{FullName: "  ", Email: "a@x.vn", Role: auth.CommuneOfficial, UnitCode: "19885"}, apperr.CodeInvalid, "Họ và tên"},
			{"UnknownRole", auth.NewOfficial{FullName: "A", Email: "a@x.vn", Role: "mayor", UnitCode: "19885"}, apperr.CodeInvalid, "Không có vai trò"},
			{"UnknownUnit", auth.NewOfficial{FullName: "A", Email: "a@x.vn", Role: auth.CommuneOfficial, UnitCode: "99999"}, apperr.CodeNotFound, "99999"},
			{"RoleOnWrongLevel", auth.NewOfficial{FullName: "A", Email: "a@x.vn", Role: auth.VillageHead, UnitCode: "19885"}, apperr.CodeInvalid, "không gắn với xã"},
			{"SysAdminOnAUnit", auth.NewOfficial{FullName: "A", Email: "a@x.vn", Role: auth.SysAdmin, UnitCode: "46"}, apperr.CodeInvalid, "không gắn với thành phố"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, err := f.svc.CreateOfficial(ctx, nil, tt.in)
				wantCode(t, err, tt.code, tt.text)
			})
		}
		if n := db.Count(t, d, "select count(*) from accounts"); n != 0 {
			t.Fatalf("%d accounts after refused creations", n)
		}
		res, err := f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: " Lê  Thị Hoa ", Email: "Hoa@DanDien.gov.vn", Phone: "0912 345 678",
			Role: auth.CommuneOfficial, UnitCode: "19885"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Account.Email != "hoa@dandien.gov.vn" || res.Account.Phone != "+84912345678" || res.Account.FullName != "Lê Thị Hoa" {
			t.Errorf("account = %+v", res.Account)
		}
		m := regexp.MustCompile(`^http://127\.0\.0\.1:8080/kich-hoat/([A-Z2-7]{52})$`).FindStringSubmatch(res.ActivationLink)
		if m == nil {
			t.Fatalf("activation link %q", res.ActivationLink)
		}
		// Not yet active: no password signs in.
		_, err = f.svc.SignIn(ctx, "hoa@dandien.gov.vn", goodPassword, "ip", "ua")
		wantCode(t, err, apperr.CodeInvalid, "Sai địa chỉ thư điện tử hoặc mật khẩu")
		// A weak password is refused and the link still works.
		wantCode(t, f.svc.Activate(ctx, m[1], "123456789012"), apperr.CodeInvalid, "bị lộ")
		if err := f.svc.Activate(ctx, m[1], goodPassword); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.Activate(ctx, m[1], goodPassword), apperr.CodeConflict, "đã được dùng")
		wantCode(t, f.svc.Activate(ctx, "NOPE", goodPassword), apperr.CodeNotFound, "không đúng")
		// The same person gets a second role: no new link, one account.
		res2, err := f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Lê Thị Hoa", Email: "hoa@dandien.gov.vn", Role: auth.Viewer, UnitCode: "46"})
		if err != nil || res2.ActivationLink != "" || res2.Account.ID != res.Account.ID {
			t.Fatalf("second role: %+v, %v", res2, err)
		}
		_, err = f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Lê Thị Hoa", Email: "hoa@dandien.gov.vn", Role: auth.Viewer, UnitCode: "46"})
		wantCode(t, err, apperr.CodeConflict, "đã có vai trò")
		// An activation link expires.
		late, err := f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Trần Văn Nam", Email: "nam@dandien.gov.vn", Role: auth.Viewer, UnitCode: "19885"})
		if err != nil {
			t.Fatal(err)
		}
		f.advance(73 * time.Hour)
		wantCode(t, f.svc.Activate(ctx, late.ActivationLink[strings.LastIndex(late.ActivationLink, "/")+1:], goodPassword), apperr.CodeConflict, "hết hạn")
	})
}

func TestSignInSlowsDownThenLocks(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.SlowAfter, p.LockAfter, p.LockFor = 3, 6, 15*time.Minute })
		ctx := context.Background()
		f.official(t, "viewer@x.vn", auth.Viewer, f.danDien)
		try := func(pw string) error {
			_, err := f.svc.SignIn(ctx, "viewer@x.vn", pw, "10.0.0.1", "ua")
			return err
		}
		wantCode(t, try("wrong password 1"), apperr.CodeInvalid, "Sai địa chỉ")
		wantCode(t, try("wrong password 2"), apperr.CodeInvalid, "Sai địa chỉ")
		// The third failure makes the next attempt wait one second …
		wantCode(t, try("wrong password 3"), apperr.CodeInvalid, "đợi 1 giây")
		err := try(goodPassword)
		wantCode(t, err, apperr.CodeTooMany, "đợi 1 giây")
		if apperr.RetryAfterOf(err) != time.Second {
			t.Errorf("retry after %v, want 1s", apperr.RetryAfterOf(err))
		}
		// … then two, four; the sixth locks for 15 minutes, even with the right password.
		f.advance(time.Second)
		wantCode(t, try("wrong password 4"), apperr.CodeInvalid, "đợi 2 giây")
		f.advance(2 * time.Second)
		wantCode(t, try("wrong password 5"), apperr.CodeInvalid, "đợi 4 giây")
		f.advance(4 * time.Second)
		err = try("wrong password 6")
		wantCode(t, err, apperr.CodeTooMany, "tạm khóa")
		f.advance(14 * time.Minute)
		err = try(goodPassword)
		wantCode(t, err, apperr.CodeTooMany, "sau 1 phút")
		f.advance(time.Minute)
		if err := try(goodPassword); err != nil {
			t.Fatalf("after the lock: %v", err)
		}
		// Success clears the count.
		wantCode(t, try("wrong again"), apperr.CodeInvalid, "Sai địa chỉ")
		var failures int
		d.QueryRow("select count(*) from audit_log where action = 'auth.sign_in_failed' and outcome = 'denied'").Scan(&failures)
		if failures != 7 {
			t.Errorf("%d failed sign-ins audited, want 7", failures)
		}
		// An unknown address gets the same answer as a wrong password.
		_, err = f.svc.SignIn(ctx, "nobody@x.vn", goodPassword, "10.0.0.1", "ua")
		wantCode(t, err, apperr.CodeInvalid, "Sai địa chỉ thư điện tử hoặc mật khẩu.")
	})
}

func TestSecondFactor(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		f.official(t, "xa@x.vn", auth.CommuneOfficial, f.danDien)
		res, err := f.svc.SignIn(ctx, "xa@x.vn", goodPassword, "10.0.0.1", "ua")
		if err != nil || res.Stage != auth.StageEnrol {
			t.Fatalf("a commune official must enrol: %+v, %v", res, err)
		}
		ss, actor, _ := f.svc.Session(ctx, res.Token)
		if len(actor.Grants) != 0 {
			t.Errorf("a session still enrolling carries roles: %v", actor.Grants)
		}
		e, err := f.svc.BeginEnrolment(ctx, ss)
		if err != nil || !strings.HasPrefix(string(e.QR), "data:image/png;base64,") || !strings.Contains(e.URL, "otpauth://totp/danchu:xa@x.vn") {
			t.Fatalf("enrolment = %.80v, %v", e, err)
		}
		if _, _, err := f.svc.ConfirmEnrolment(ctx, ss, "000000", "ip", "ua"); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Fatalf("wrong first code: %v", err)
		}
		code, _ := totp.GenerateCode(e.Secret, f.clock())
		recovery, full, err := f.svc.ConfirmEnrolment(ctx, ss, code, "ip", "ua")
		if err != nil || len(recovery) != 10 || !regexp.MustCompile(`^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$`).MatchString(recovery[0]) {
			t.Fatalf("confirm: %v %v", recovery, err)
		}
		if old, _, err := f.svc.Session(ctx, res.Token); old != nil || err != nil {
			t.Errorf("the enrolling session survived the step up (%v)", err)
		}
		if a := f.actor(t, full); len(a.Grants) != 1 || a.Grants[0].Role != auth.CommuneOfficial {
			t.Errorf("full session grants = %v", a.Grants)
		}
		// Next sign-in asks for a code; the code just used does not work twice.
		next := func() (*auth.Session, string) {
			res, err := f.svc.SignIn(ctx, "xa@x.vn", goodPassword, "10.0.0.1", "ua")
			if err != nil || res.Stage != auth.StageSecondFactor {
				t.Fatalf("sign in: %+v %v", res, err)
			}
			ss, _, _ := f.svc.Session(ctx, res.Token)
			return ss, res.Token
		}
		ss2, _ := next()
		if _, err := f.svc.SecondFactor(ctx, ss2, code, "ip", "ua"); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Fatalf("replayed code: %v", err)
		}
		f.advance(30 * time.Second)
		code2, _ := totp.GenerateCode(e.Secret, f.clock())
		tok, err := f.svc.SecondFactor(ctx, ss2, code2, "ip", "ua")
		if err != nil || len(f.actor(t, tok).Grants) != 1 {
			t.Fatalf("second factor: %v", err)
		}
		// A recovery code works once, with or without its dash, in any case.
		ss3, _ := next()
		if _, err := f.svc.SecondFactor(ctx, ss3, strings.ToLower(strings.ReplaceAll(recovery[3], "-", "")), "ip", "ua"); err != nil {
			t.Fatalf("recovery code: %v", err)
		}
		ss4, _ := next()
		if _, err := f.svc.SecondFactor(ctx, ss4, recovery[3], "ip", "ua"); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Fatalf("recovery code used twice: %v", err)
		}
	})
}

func TestSessionsExpire(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.OfficialIdle, p.OfficialMax = 30*time.Minute, 2*time.Hour })
		ctx := context.Background()
		acc := f.official(t, "v@x.vn", auth.Viewer, f.v1)
		a := f.signIn(t, "v@x.vn")
		b := f.signIn(t, "v@x.vn")
		// Used every 20 minutes it lives until the absolute limit.
		for range 5 {
			f.advance(20 * time.Minute)
			if ss, _, _ := f.svc.Session(ctx, a); ss == nil {
				t.Fatal("session ended while in use")
			}
		}
		// Its use reached the database (written with the others of its second):
		// another process, which never cached it, finds it alive.
		other := auth.NewService(d, f.units, f.audit, f.svc.Policy(), f.mail.Sender(), f.sms)
		if ss, _, err := other.Session(ctx, a); ss == nil || err != nil {
			t.Fatalf("another process: session in use for 100 minutes ended (%v)", err)
		}
		f.advance(25 * time.Minute) // 125 min since sign-in
		if ss, _, err := f.svc.Session(ctx, a); ss != nil || err != nil {
			t.Errorf("session outlived its absolute limit (%v)", err)
		}
		if ss, _, err := f.svc.Session(ctx, b); ss != nil || err != nil {
			t.Errorf("session outlived its idle limit (%v)", err)
		}
		c := f.signIn(t, "v@x.vn")
		e := f.signIn(t, "v@x.vn")
		if err := f.svc.SignOut(ctx, c); err != nil {
			t.Fatal(err)
		}
		if ss, _, err := f.svc.Session(ctx, c); ss != nil || err != nil {
			t.Errorf("signed-out session still works (%v)", err)
		}
		if ss, _, _ := f.svc.Session(ctx, e); ss == nil {
			t.Error("signing out one session ended another")
		}
		if err := f.svc.SignOutEverywhere(ctx, acc.ID); err != nil {
			t.Fatal(err)
		}
		if ss, _, err := f.svc.Session(ctx, e); ss != nil || err != nil {
			t.Errorf("session survived sign-out everywhere (%v)", err)
		}
		// The change log keeps an hour.
		var logged int
		d.QueryRow("select count(*) from session_changes").Scan(&logged)
		f.advance(2 * time.Hour)
		f.svc.Session(ctx, e)
		var left int
		d.QueryRow("select count(*) from session_changes").Scan(&left)
		if logged == 0 || left != 0 {
			t.Errorf("change log: %d rows after the sign-outs, %d two hours later; want some, then none", logged, left)
		}
	})
}

func TestPasswordResetBySMTP(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		f.official(t, "reset@x.vn", auth.Viewer, f.v1)
		old := f.signIn(t, "reset@x.vn")
		if err := f.svc.RequestReset(ctx, "nobody@x.vn"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.RequestReset(ctx, "Reset@X.vn"); err != nil {
			t.Fatal(err)
		}
		deliver(t, f)
		got := f.mail.Wait(t, 1)
		if len(got) != 1 || got[0].To != "reset@x.vn" || got[0].Subject != "Đặt lại mật khẩu danchu" {
			t.Fatalf("mail = %+v", got)
		}
		m := regexp.MustCompile(`/dat-lai-mat-khau/([A-Z2-7]+)`).FindStringSubmatch(got[0].Text)
		if m == nil || !strings.Contains(got[0].Text, "trong 60 phút") {
			t.Fatalf("no link in %q", got[0].Text)
		}
		const newPassword = "bầu trời xanh thẳm 77"
		if err := f.svc.ResetPassword(ctx, m[1], newPassword); err != nil {
			t.Fatal(err)
		}
		if ss, _, err := f.svc.Session(ctx, old); ss != nil || err != nil {
			t.Errorf("a session from before the reset still works (%v)", err)
		}
		if _, err := f.svc.SignIn(ctx, "reset@x.vn", newPassword, "ip", "ua"); err != nil {
			t.Errorf("new password: %v", err)
		}
		wantCode(t, f.svc.ResetPassword(ctx, m[1], newPassword), apperr.CodeConflict, "đã được dùng")
		// A link older than an hour is refused.
		if err := f.svc.RequestReset(ctx, "reset@x.vn"); err != nil {
			t.Fatal(err)
		}
		deliver(t, f)
		late := regexp.MustCompile(`/dat-lai-mat-khau/([A-Z2-7]+)`).FindStringSubmatch(f.mail.Wait(t, 2)[1].Text)
		f.advance(61 * time.Minute)
		wantCode(t, f.svc.ResetPassword(ctx, late[1], "một mật khẩu khác hẳn 9"), apperr.CodeConflict, "hết hạn")
	})
}

// A process trusts a session it has read until the change log names its account:
// a sign-out, a new role or a new name in the same process takes effect at once,
// in another process within SessionMaxAge; with no change logged, the session is
// served from memory (a change made behind the service's back is not seen).
func TestSessionCacheAcrossProcesses(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "xa@dd.vn", auth.CommuneOfficial, f.danDien)
		other := auth.NewService(d, f.units, f.audit, auth.DefaultPolicy(), f.mail.Sender(), f.sms)
		for _, tt := range []struct {
			name    string
			signOut *auth.Service
			wait    time.Duration
			still   bool
		}{
			{"same process", f.svc, 0, false},
			{"other process, within the max age", other, 0, true},
			{"other process, after the max age", other, auth.SessionMaxAge, false},
		} {
			f.advance(time.Millisecond) // a read in the same instant as a change is never trusted
			token := f.signIn(t, "xa@dd.vn")
			if a := f.actor(t, token); a.Name == "" {
				t.Fatal("no actor")
			}
			if err := tt.signOut.SignOut(ctx, token); err != nil {
				t.Fatal(err)
			}
			f.advance(tt.wait)
			ss, _, err := f.svc.Session(ctx, token)
			if err != nil || (ss != nil) != tt.still {
				t.Errorf("%s: session still valid = %v, want %v (%v)", tt.name, ss != nil, tt.still, err)
			}
		}

		f.advance(time.Minute)
		token := f.signIn(t, "xa@dd.vn")
		name := f.actor(t, token).Name
		if _, err := d.Raw().ExecContext(ctx, "update accounts set full_name = 'Tên sửa thẳng' where email = 'xa@dd.vn'"); err != nil {
			t.Fatal(err)
		}
		f.advance(20 * time.Second) // many reads of the change log later
		if got := f.actor(t, token).Name; got != name {
			t.Errorf("with no change logged the cached name should stay %q, got %q", name, got)
		}
		// A role given in another process reaches this one's actor within the max age.
		if _, err := other.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: name, Email: "xa@dd.vn", Role: auth.VillageHead,
			UnitCode: f.v1.Code}); err != nil {
			t.Fatal(err)
		}
		if n := len(f.actor(t, token).Grants); n != 1 {
			t.Errorf("before the change log is read: %d roles, want the cached 1", n)
		}
		f.advance(auth.SessionMaxAge)
		a := f.actor(t, token)
		if len(a.Grants) != 2 || a.Name != "Tên sửa thẳng" {
			t.Errorf("after the max age: %d roles, name %q; want 2 roles and the name from the database", len(a.Grants), a.Name)
		}
		// A sign-out everywhere in this process ends the cached session at once.
		if err := f.svc.SignOutEverywhere(ctx, a.AccountID); err != nil {
			t.Fatal(err)
		}
		if ss, _, err := f.svc.Session(ctx, token); ss != nil || err != nil {
			t.Errorf("after signing out everywhere: session %v, err %v", ss != nil, err)
		}
	})
}

// Requests neither read the change log nor write the sessions' use: the
// program's jobs do. A process that runs no jobs (a command, another test)
// therefore never serves a session from its cache, and a session's use reaches
// the database only when WriteSeen runs.
func TestSessionWorkIsTheJobs(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "xa@dd.vn", auth.CommuneOfficial, f.danDien)
		token := f.signIn(t, "xa@dd.vn")
		seen := func() int64 {
			var at int64
			if err := d.QueryRow("select seen_at from sessions where hash = $1", auth.HashToken(token)).Scan(&at); err != nil {
				t.Fatal(err)
			}
			return at
		}
		before := seen()
		// Two minutes later (more than touchEvery), with no job run: requests
		// spread over seconds queue the use and write nothing.
		f.mu.Lock()
		f.now = f.now.Add(2 * time.Minute)
		f.mu.Unlock()
		for range 3 {
			f.mu.Lock()
			f.now = f.now.Add(1500 * time.Millisecond)
			f.mu.Unlock()
			if ss, _, err := f.svc.Session(ctx, token); ss == nil || err != nil {
				t.Fatalf("session: %v, %v", ss, err)
			}
		}
		if got := seen(); got != before {
			t.Errorf("a request wrote seen_at (%d → %d); only the job may", before, got)
		}
		if err := f.svc.WriteSeen(ctx); err != nil {
			t.Fatal(err)
		}
		if got, want := seen(), f.clock().UnixMilli(); got != want {
			t.Errorf("after WriteSeen: seen_at %d, want %d", got, want)
		}
		// No job has read the change log: a sign-out in another process is
		// seen by the very next request.
		other := auth.NewService(d, f.units, f.audit, f.svc.Policy(), f.mail.Sender(), f.sms)
		if err := other.SignOut(ctx, token); err != nil {
			t.Fatal(err)
		}
		if ss, _, err := f.svc.Session(ctx, token); ss != nil || err != nil {
			t.Errorf("without the change-log job the cache served a session signed out elsewhere (%v)", err)
		}
	})
}

// A link is used once even when several requests carry it at the same moment:
// the use is conditional (used_at is null) and the losers get a conflict,
// never a second password.
func TestLinkUsedOnceUnderConcurrency(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		res, err := f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Lê Thị Hoa", Email: "hoa@dd.vn", Role: auth.CommuneOfficial, UnitCode: "19885"})
		if err != nil {
			t.Fatal(err)
		}
		token := res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:]
		const n = 6
		ok := apperrtest.AtOnce(t, n, func(i int) error {
			return f.svc.Activate(ctx, token, fmt.Sprintf("mật khẩu riêng số %d của Hoa", i))
		})
		if ok != 1 {
			t.Errorf("%d of %d concurrent uses of one link set a password, want 1", ok, n)
		}
	})
}
