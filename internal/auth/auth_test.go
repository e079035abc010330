package auth_test

import (
	"context"
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
	"danchu/internal/notify"
	"danchu/internal/notify/mailtest"
	"danchu/internal/org"

	"github.com/pquerna/otp/totp"
)

// fixture is a small country: Huế with two communes (one with two villages, one
// with an agency) and Hà Nội with one commune, identity on top, mail to a real
// SMTP server, and a clock the test moves.
type fixture struct {
	d     *db.DB
	units *org.Service
	audit *audit.Service
	svc   *auth.Service
	mail  *mailtest.Server
	sms   *smsBox

	mu     sync.Mutex
	now    time.Time
	ticked time.Time // when the session jobs last ran (see advance)

	hue, danDien, v1, v2, phuXuan, agency, enterprise, hanoi, baDinh org.Unit
}

// places gives, for each role, the unit it is bound to, a unit below it (the
// same unit where nothing lies below) and a unit outside it.
func (f *fixture) places() map[auth.Role][3]org.Unit {
	return map[auth.Role][3]org.Unit{
		auth.SysAdmin:        {{}, f.danDien, {}},
		auth.ProvinceAdmin:   {f.hue, f.danDien, f.hanoi},
		auth.CommuneOfficial: {f.danDien, f.v1, f.phuXuan},
		auth.VillageHead:     {f.v1, f.v1, f.v2},
		auth.FrontOfficer:    {f.danDien, f.v2, f.baDinh},
		auth.Supervisor:      {f.danDien, f.agency, f.phuXuan},
		auth.AgencyHead:      {f.agency, f.agency, f.danDien},
		auth.EnterpriseRep:   {f.enterprise, f.enterprise, f.agency},
		auth.Viewer:          {f.hue, f.v2, f.baDinh},
	}
}

type smsBox struct {
	mu  sync.Mutex
	got []notify.Message
}

func (b *smsBox) SendSMS(_ context.Context, m notify.Message) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.got = append(b.got, m)
	return nil
}

func (b *smsBox) last() notify.Message {
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.got) == 0 {
		return notify.Message{}
	}
	return b.got[len(b.got)-1]
}

const unitsCSV = `code,name,type,parent_code
46,Thành phố Huế,thanh-pho,
19885,Xã Đan Điền,xa,46
19885-01,Thôn Đông Phước,thon,19885
19885-02,Thôn Tây Hòa,thon,19885
19753,Phường Phú Xuân,phuong,46
01,Thành phố Hà Nội,thanh-pho,
00004,Phường Ba Đình,phuong,01
`

func setup(t testing.TB, d *db.DB, edit func(*auth.Policy)) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{d: d, now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	d.Now = f.clock
	f.units = org.NewService(d)
	if _, err := f.units.ImportUnits(ctx, strings.NewReader(unitsCSV), nil); err != nil {
		t.Fatal(err)
	}
	get := func(code string) org.Unit {
		u, err := f.units.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	f.hue, f.danDien, f.v1, f.v2, f.phuXuan, f.hanoi, f.baDinh = get("46"), get("19885"), get("19885-01"), get("19885-02"), get("19753"), get("01"), get("00004")
	var err error
	if f.agency, err = f.units.CreateUnit(ctx, org.Unit{Name: "Trường Tiểu học Đan Điền", Type: org.Agency}, f.danDien.ID); err != nil {
		t.Fatal(err)
	}
	if f.enterprise, err = f.units.CreateUnit(ctx, org.Unit{Name: "Công ty Nông sản Đan Điền", Type: org.Enterprise}, f.danDien.ID); err != nil {
		t.Fatal(err)
	}
	f.audit = audit.NewService(d)
	f.mail = mailtest.Start(t)
	f.sms = &smsBox{}
	p := auth.DefaultPolicy()
	if edit != nil {
		edit(&p)
	}
	f.svc = auth.NewService(d, f.units, f.audit, p, f.mail.Sender(), f.sms)
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

// advance moves the clock on by d. The session jobs, which a server runs every
// auth.PollSessionsEvery, take their turn at the end of it when one is due.
func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.now = f.now.Add(d)
	due := f.now.Sub(f.ticked) >= auth.PollSessionsEvery
	if due {
		f.ticked = f.now
	}
	f.mu.Unlock()
	if due {
		f.tick()
	}
}

// tick runs the session jobs once, as the server's job runner does.
func (f *fixture) tick() {
	ctx := context.Background()
	for _, job := range []func(context.Context) error{f.svc.PollSessionChanges, f.svc.WriteSeen, f.svc.PruneSessionChanges} {
		if err := job(ctx); err != nil {
			panic(err) // a test database that fails a plain read or write
		}
	}
}

const goodPassword = "mùa lúa chín vàng 2026"

// official creates and activates an official with one role.
func (f *fixture) official(t testing.TB, email string, role auth.Role, unit org.Unit) auth.Account {
	t.Helper()
	ctx := context.Background()
	res, err := f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ " + email, Email: email, Role: role, UnitCode: unit.Code})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	if res.ActivationLink != "" {
		token := res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:]
		if err := f.svc.Activate(ctx, token, goodPassword); err != nil {
			t.Fatalf("activate %s: %v", email, err)
		}
	}
	return res.Account
}

// signIn signs in fully (enrolling or giving a TOTP code as needed) and returns the session token.
func (f *fixture) signIn(t *testing.T, email string) string {
	t.Helper()
	ctx := context.Background()
	res, err := f.svc.SignIn(ctx, email, goodPassword, "10.0.0.1", "test")
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	ss, _, err := f.svc.Session(ctx, res.Token)
	if err != nil || ss == nil {
		t.Fatalf("session after sign-in: %v", err)
	}
	switch res.Stage {
	case auth.StageFull:
		return res.Token
	case auth.StageEnrol:
		e, err := f.svc.BeginEnrolment(ctx, ss)
		if err != nil {
			t.Fatal(err)
		}
		code, _ := totp.GenerateCode(e.Secret, f.clock())
		_, token, err := f.svc.ConfirmEnrolment(ctx, ss, code, "10.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	t.Fatalf("sign in %s: stage %s needs a code the fixture does not have", email, res.Stage)
	return ""
}

func (f *fixture) actor(t *testing.T, token string) *auth.Actor {
	t.Helper()
	_, a, err := f.svc.Session(context.Background(), token)
	if err != nil || a == nil {
		t.Fatalf("actor: %v", err)
	}
	return a
}

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

func wantCode(t *testing.T, err error, code apperr.Code, text string) {
	t.Helper()
	apperrtest.Want(t, err, code, text)
}

// deliver sends what waits in the outbox to the fixture's mail and SMS boxes.
func deliver(t *testing.T, f *fixture) {
	t.Helper()
	if _, _, err := notify.NewOutbox(f.d, f.mail.Sender(), f.sms, f.svc.Policy().BaseURL, discard).Deliver(context.Background(), 1000); err != nil {
		t.Fatal(err)
	}
}
