package calendar_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/calendar"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/web/webtest"
)

// actors returns a system administrator and a commune official, signed in.
func actors(t *testing.T, d *db.DB) (*auth.Service, *auth.Actor, *auth.Actor) {
	t.Helper()
	ctx := context.Background()
	units := org.NewService(d)
	if _, err := units.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code\n46,Thành phố Huế,thanh-pho,\n19885,Xã Đan Điền,xa,46\n"), nil); err != nil {
		t.Fatal(err)
	}
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	svc := auth.NewService(d, units, audit.NewService(d), p, log, log)
	const pw = "lịch nghỉ lễ năm nay 2026"
	actor := func(email string, role auth.Role, unit string) *auth.Actor {
		res, err := svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ", Email: email, Role: role, UnitCode: unit})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], pw); err != nil {
			t.Fatal(err)
		}
		in, err := svc.SignIn(ctx, email, pw, "ip", "ua")
		if err != nil {
			t.Fatal(err)
		}
		_, a, err := svc.Session(ctx, in.Token)
		if err != nil || a == nil {
			t.Fatal(err)
		}
		return a
	}
	return svc, actor("root@x.vn", auth.SysAdmin, ""), actor("xa@x.vn", auth.CommuneOfficial, "19885")
}

func TestStoredCalendar(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		authSvc, root, official := actors(t, d)
		s := calendar.NewService(d, authSvc.Guard())
		day := legal.DateOf(2026, 11, 24)
		cal, err := s.Calendar(ctx)
		if err != nil || !cal.IsWorkingDay(day) {
			t.Fatalf("24/11/2026 before any decision: working=%v, %v", cal.IsWorkingDay(day), err)
		}
		// A commune official cannot touch the national calendar: not found, and audited.
		_, err = s.Import(ctx, official, strings.NewReader("2026-11-24,off,Ngày Văn hóa Việt Nam\n"))
		if apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Fatalf("commune official import: %v", err)
		}
		// A file with one bad line stores nothing.
		_, err = s.Import(ctx, root, strings.NewReader("2026-11-24,off,Ngày Văn hóa Việt Nam\n2026-11-31,off,x\n"))
		if apperr.CodeOf(err) != apperr.CodeInvalid || !strings.Contains(webtest.Vietnamese(t, err), "dòng 2") {
			t.Fatalf("bad file: %v", err)
		}
		if got, err := s.Overrides(ctx); err != nil || len(got) != 0 {
			t.Fatalf("%d overrides stored after a refused file (%v)", len(got), err)
		}
		n, err := s.Import(ctx, root, strings.NewReader("date,kind,name\n2026-11-24,off,Ngày Văn hóa Việt Nam\n2026-11-28,work,Làm bù\n"))
		if err != nil || n != 2 {
			t.Fatalf("import: %d, %v", n, err)
		}
		cal, _ = s.Calendar(ctx)
		if cal.IsWorkingDay(day) || !cal.IsWorkingDay(legal.DateOf(2026, 11, 28)) {
			t.Error("the stored decision is not in the calendar")
		}
		// The same date twice is refused whole.
		_, err = s.Import(ctx, root, strings.NewReader("2026-12-31,off,Cuối năm\n2026-11-24,not-off,\n"))
		if apperr.CodeOf(err) != apperr.CodeConflict || !strings.Contains(webtest.Vietnamese(t, err), "24/11/2026") {
			t.Fatalf("duplicate date: %v", err)
		}
		// A second process reads the stored decisions too.
		other := calendar.NewService(d, authSvc.Guard())
		oc, err := other.Calendar(ctx)
		if err != nil || oc.IsWorkingDay(day) {
			t.Errorf("a second process does not see the stored day off (%v)", err)
		}
		stored, err := s.Overrides(ctx)
		if err != nil || len(stored) != 2 {
			t.Fatalf("overrides = %+v, %v", stored, err)
		}
		if err := s.Delete(ctx, official, stored[0].ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("commune official delete: %v", err)
		}
		if err := s.Delete(ctx, root, stored[0].ID); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(ctx, root, stored[0].ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("second delete: %v", err)
		}
		cal, _ = s.Calendar(ctx)
		if !cal.IsWorkingDay(day) {
			t.Error("the deleted day off is still in the calendar")
		}
		var ok, denied int
		d.QueryRow("select count(*) from audit_log where action = 'calendar.manage' and outcome = 'ok'").Scan(&ok)
		d.QueryRow("select count(*) from audit_log where action = 'calendar.manage' and outcome = 'denied'").Scan(&denied)
		if ok != 2 || denied != 2 {
			t.Errorf("audit: %d ok, %d denied; want 2 and 2", ok, denied)
		}
	})
}
