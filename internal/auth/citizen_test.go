package auth_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
)

var sixDigits = regexp.MustCompile(`\b(\d{6})\b`)

func TestCitizenSignInByCode(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		ctx := context.Background()
		p, err := f.svc.SendCode(ctx, "0912 345 678", "10.0.0.1")
		if err != nil || p.Channel != auth.ChannelSMS || p.Address != "+84912345678" || p.Token == "" {
			t.Fatalf("send: %+v %v", p, err)
		}
		// The code waits in the outbox until the worker delivers it.
		if got := f.sms.last(); got.To != "" {
			t.Fatalf("an SMS went out before delivery: %+v", got)
		}
		deliver(t, f)
		sms := f.sms.last()
		code := sixDigits.FindString(sms.Text)
		if sms.To != "+84912345678" || code == "" || !strings.Contains(sms.Text, "5 phút") {
			t.Fatalf("sms = %+v", sms)
		}
		var stored int
		d.QueryRow("select count(*) from otp_codes where pending_hash = $1", auth.HashToken(p.Token)).Scan(&stored)
		if stored != 1 {
			t.Fatalf("the pending token is not stored hashed (%d rows)", stored)
		}
		wrong := "000000"
		if code == wrong {
			wrong = "111111"
		}
		for _, want := range []string{"Còn 4 lần", "Còn 3 lần", "Còn 2 lần", "Còn 1 lần", "Đã nhập sai 5 lần"} {
			_, err := f.svc.SignInWithCode(ctx, p.Token, wrong, "10.0.0.1", "ua")
			wantCode(t, err, apperr.CodeInvalid, want)
		}
		// After five wrong tries even the right code is refused.
		_, err = f.svc.SignInWithCode(ctx, p.Token, code, "10.0.0.1", "ua")
		wantCode(t, err, apperr.CodeInvalid, "Đã nhập sai 5 lần")
		// A new code works, once, and only with its own pending token.
		p2, _ := f.svc.SendCode(ctx, "0912345678", "10.0.0.1")
		deliver(t, f)
		code = sixDigits.FindString(f.sms.last().Text)
		for _, bad := range []string{"", "+84912345678", "0912345678", p.Token + "X"} {
			_, err := f.svc.SignInWithCode(ctx, bad, code, "10.0.0.1", "ua")
			wantCode(t, err, apperr.CodeInvalid, "Chưa có mã nào")
		}
		token, err := f.svc.SignInWithCode(ctx, p2.Token, code, "10.0.0.1", "ua")
		if err != nil {
			t.Fatal(err)
		}
		a := f.actor(t, token)
		if a.Kind != auth.Citizen || len(a.Grants) != 0 {
			t.Errorf("citizen actor = %+v", a)
		}
		_, err = f.svc.SignInWithCode(ctx, p2.Token, code, "10.0.0.1", "ua")
		wantCode(t, err, apperr.CodeInvalid, "đã được dùng")
		// A citizen cannot do officials' work.
		wantCode(t, f.svc.Guard().Can(ctx, a, auth.ReadAudit, f.danDien.ID), apperr.CodeForbidden, "cán bộ")
		// The third code to one number from one source in 15 minutes is the last.
		if _, err := f.svc.SendCode(ctx, "0912345678", "10.0.0.1"); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.SendCode(ctx, "0912345678", "10.0.0.1")
		wantCode(t, err, apperr.CodeTooMany, "Đã gửi 3 mã tới +84912345678")
		if apperr.RetryAfterOf(err) <= 0 {
			t.Error("no Retry-After for too many codes")
		}
		// Codes expire after five minutes; e-mail codes come through SMTP.
		pe, err := f.svc.SendCode(ctx, "Dan@Lang.vn", "10.0.0.4")
		if err != nil {
			t.Fatal(err)
		}
		deliver(t, f)
		mail := f.mail.Wait(t, 1)[0]
		ecode := sixDigits.FindString(mail.Subject)
		if mail.To != "dan@lang.vn" || ecode == "" || !strings.Contains(mail.Text, ecode) {
			t.Fatalf("mail = %+v", mail)
		}
		f.advance(5*time.Minute + time.Second)
		_, err = f.svc.SignInWithCode(ctx, pe.Token, ecode, "10.0.0.4", "ua")
		wantCode(t, err, apperr.CodeInvalid, "hết hạn")
		// The same person signing in again gets the same account.
		f.advance(15 * time.Minute)
		p3, _ := f.svc.SendCode(ctx, "0912345678", "10.0.0.1")
		deliver(t, f)
		again, err := f.svc.SignInWithCode(ctx, p3.Token, sixDigits.FindString(f.sms.last().Text), "10.0.0.1", "ua")
		if err != nil || f.actor(t, again).AccountID != a.AccountID {
			t.Fatalf("second sign-in: %v", err)
		}
		_, err = f.svc.SendCode(ctx, "12345", "10.0.0.1")
		wantCode(t, err, apperr.CodeInvalid, "số điện thoại di động")
	})
}

func TestCodesPerIPAreLimited(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		f.svc.SetCodeLimits(auth.CodeLimits{PerSource: 3, PerIP: 2, Window: 10 * time.Minute, PerAddress: 10, AddressWindow: time.Hour})
		ctx := context.Background()
		for _, phone := range []string{"0912000001", "0912000002"} {
			if _, err := f.svc.SendCode(ctx, phone, "10.9.9.9"); err != nil {
				t.Fatal(err)
			}
		}
		_, err := f.svc.SendCode(ctx, "0912000003", "10.9.9.9")
		wantCode(t, err, apperr.CodeTooMany, "địa chỉ mạng")
		if _, err := f.svc.SendCode(ctx, "0912000003", "10.9.9.8"); err != nil {
			t.Errorf("another IP: %v", err)
		}
		f.advance(10 * time.Minute)
		if _, err := f.svc.SendCode(ctx, "0912000004", "10.9.9.9"); err != nil {
			t.Errorf("after the window: %v", err)
		}
	})
}

// citizen signs a citizen in by phone and returns the actor.
func (f *fixture) citizen(t *testing.T, phone string) *auth.Actor {
	t.Helper()
	ctx := context.Background()
	p, err := f.svc.SendCode(ctx, phone, "10.1."+phone[len(phone)-3:])
	if err != nil {
		t.Fatal(err)
	}
	deliver(t, f)
	token, err := f.svc.SignInWithCode(ctx, p.Token, sixDigits.FindString(f.sms.last().Text), "ip", "ua")
	if err != nil {
		t.Fatal(err)
	}
	return f.actor(t, token)
}

func TestHouseholdRepresentative(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		if err := f.units.AddHouseholds(ctx, f.v1.ID, []org.Household{{Code: "H01", HeadName: "Nguyễn Văn An", Address: "Thôn Đông Phước", Members: 4, RepresentativeName: "Nguyễn Văn An", Active: true}}); err != nil {
			t.Fatal(err)
		}
		hs, _ := f.units.Households(ctx, f.v1.ID)
		hh := hs[0]
		f.official(t, "head1@x.vn", auth.VillageHead, f.v1)
		f.official(t, "head2@x.vn", auth.VillageHead, f.v2)
		head1 := f.actor(t, f.signIn(t, "head1@x.vn"))
		head2 := f.actor(t, f.signIn(t, "head2@x.vn"))
		an := f.citizen(t, "0912111111")
		binh := f.citizen(t, "0912222222")

		// The head of another village cannot hand out codes for this household.
		_, err := f.svc.IssueClaim(ctx, head2, hh.ID)
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		code, err := f.svc.IssueClaim(ctx, head1, hh.ID)
		if err != nil || !regexp.MustCompile(`^[2-9A-HJKMNP-Z]{4}-[2-9A-HJKMNP-Z]{4}$`).MatchString(code) {
			t.Fatalf("claim code %q, %v", code, err)
		}
		if _, err := f.svc.Claim(ctx, head1, code); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Errorf("an official claiming: %v", err)
		}
		got, err := f.svc.Claim(ctx, an, strings.ToLower(code))
		if err != nil || got.RepresentativeAccountID != an.AccountID {
			t.Fatalf("claim: %+v %v", got, err)
		}
		_, err = f.svc.Claim(ctx, binh, code)
		wantCode(t, err, apperr.CodeConflict, "đã được dùng")
		_, err = f.svc.Claim(ctx, binh, "ZZZZ-ZZZZ")
		wantCode(t, err, apperr.CodeNotFound, "không đúng")
		// A new code moves the household to its new representative: one at a time.
		code2, _ := f.svc.IssueClaim(ctx, head1, hh.ID)
		if _, err := f.svc.Claim(ctx, binh, code2); err != nil {
			t.Fatal(err)
		}
		now, _ := f.units.HouseholdByID(ctx, hh.ID)
		if now.RepresentativeAccountID != binh.AccountID {
			t.Errorf("representative = %d, want %d", now.RepresentativeAccountID, binh.AccountID)
		}
		if mine, err := f.units.HouseholdsRepresentedBy(ctx, an.AccountID); err != nil || len(mine) != 0 {
			t.Errorf("the former representative still has %d households (%v)", len(mine), err)
		}
		// The village head confirms by phone number; unknown numbers are refused.
		wantCode(t, f.svc.ConfirmRepresentative(ctx, head1, hh.ID, "0912999999"), apperr.CodeNotFound, "Chưa có người dân nào")
		if err := f.svc.ConfirmRepresentative(ctx, head1, hh.ID, "0912 111 111"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, f.svc.ConfirmRepresentative(ctx, head2, hh.ID, "0912222222"), apperr.CodeNotFound, "Không tìm thấy")
		if err := f.svc.ConfirmRepresentative(ctx, head1, hh.ID, ""); err != nil {
			t.Fatal(err)
		}
		if now, err := f.units.HouseholdByID(ctx, hh.ID); err != nil || now.RepresentativeAccountID != 0 {
			t.Errorf("representative after removal = %d (%v)", now.RepresentativeAccountID, err)
		}
		// Codes expire.
		code3, _ := f.svc.IssueClaim(ctx, head1, hh.ID)
		f.advance(auth.ClaimTTL + time.Minute)
		an = f.citizen(t, "0912111111")
		_, err = f.svc.Claim(ctx, an, code3)
		wantCode(t, err, apperr.CodeConflict, "hết hạn")
		// Every change is in the audit log with the representative before and after.
		var changes int
		d.QueryRow(`select count(*) from audit_log where object_type = 'household' and outcome = 'ok' and before_hash <> after_hash`).Scan(&changes)
		if changes != 4 { // claimed by An, claimed by Bình, confirmed for An, removed
			t.Errorf("%d representative changes audited, want 4", changes)
		}
	})
}
