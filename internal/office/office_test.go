package office_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/notify"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/web"
	"danchu/internal/web/webtest"

	"github.com/prometheus/client_golang/prometheus"
)

// fixture is a small country: Huế with two communes (one with two villages, an
// agency and an enterprise) and Hà Nội with one ward, identity on top, and the
// back office served by the same pieces as in app.
type fixture struct {
	d     *db.DB
	units *org.Service
	audit *audit.Service
	svc   *auth.Service

	hue, danDien, v1, v2, phuXuan, agency, enterprise, hanoi, baDinh org.Unit
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

const goodPassword = "mùa lúa chín vàng 2026"

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

// setup builds the fixture; officials sign in with a password only (the second
// factor is identity's to test).
func setup(t *testing.T, d *db.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return now }
	f := &fixture{d: d, units: org.NewService(d), audit: audit.NewService(d)}
	if _, err := f.units.ImportUnits(ctx, strings.NewReader(unitsCSV), nil); err != nil {
		t.Fatal(err)
	}
	for code, u := range map[string]*org.Unit{"46": &f.hue, "19885": &f.danDien, "19885-01": &f.v1, "19885-02": &f.v2, "19753": &f.phuXuan,
		"01": &f.hanoi, "00004": &f.baDinh} {
		var err error
		if *u, err = f.units.UnitByCode(ctx, code); err != nil {
			t.Fatal(err)
		}
	}
	for _, n := range []struct {
		u    *org.Unit
		name string
		typ  org.Type
	}{{&f.agency, "Trường Tiểu học Đan Điền", org.Agency}, {&f.enterprise, "Công ty Nông sản Đan Điền", org.Enterprise}} {
		var err error
		if *n.u, err = f.units.CreateUnit(ctx, org.Unit{Name: n.name, Type: n.typ}, f.danDien.ID); err != nil {
			t.Fatal(err)
		}
	}
	p := auth.DefaultPolicy()
	p.Require2FA = false
	log := notify.LogSender{Log: discard}
	f.svc = auth.NewService(d, f.units, f.audit, p, log, log)
	return f
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

// official creates and activates an official with one role.
func (f *fixture) official(t *testing.T, email string, role auth.Role, unit org.Unit) auth.Account {
	t.Helper()
	ctx := context.Background()
	res, err := f.svc.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ " + email, Email: email, Role: role, UnitID: unit.ID})
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	if res.ActivationLink != "" {
		if err := f.svc.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], goodPassword); err != nil {
			t.Fatalf("activate %s: %v", email, err)
		}
	}
	return res.Account
}

// signIn signs in through the service and returns the session token.
func (f *fixture) signIn(t *testing.T, email string) string {
	t.Helper()
	res, err := f.svc.SignIn(context.Background(), email, goodPassword, "10.0.0.1", "test")
	if err != nil || res.Stage != auth.StageFull {
		t.Fatalf("sign in %s: stage %q, %v", email, res.Stage, err)
	}
	return res.Token
}

func (f *fixture) actor(t *testing.T, token string) *auth.Actor {
	t.Helper()
	_, a, err := f.svc.Session(context.Background(), token)
	if err != nil || a == nil {
		t.Fatalf("actor: %v", err)
	}
	return a
}

// site serves identity's pages and the back office on the fixture, as app does.
func (f *fixture) site(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := web.NewServer(discard, prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	ah, err := auth.RegisterRoutes(s, f.svc, f.units)
	if err != nil {
		t.Fatal(err)
	}
	// Tests post many forms from one address.
	ah.SignInLimit, ah.WriteLimit = web.NewLimiter(100000, 100000), web.NewLimiter(100000, 100000)
	if err := office.RegisterRoutes(s, ah, f.svc, f.units, f.audit); err != nil {
		t.Fatal(err)
	}
	// The unit register's messages (the bodies page shows org's refusals).
	if err := org.RegisterRoutes(s, f.units); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// browser is webtest's browser with the officials' sign-in.
type browser struct{ *webtest.Browser }

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	return &browser{webtest.New(t, srv.URL)}
}

func (b *browser) get(path string) (int, string, http.Header) { b.T.Helper(); return b.Get(path) }

func (b *browser) post(formPath, path string, v url.Values) (int, string, http.Header) {
	b.T.Helper()
	return b.Post(formPath, path, v)
}

func (b *browser) signIn(email string) {
	b.T.Helper()
	code, body, h := b.post("/dang-nhap", "/dang-nhap", url.Values{"email": {email}, "password": {goodPassword}})
	if code != http.StatusSeeOther || h.Get("Location") != "/quan-tri" {
		b.T.Fatalf("sign in %s: %d to %q\n%.300s", email, code, h.Get("Location"), body)
	}
}

// key is how back-office URLs name the unit with id (0: the whole country).
func (f *fixture) key(t *testing.T, id int64) string {
	t.Helper()
	tree, err := f.units.Tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := tree.Unit(id)
	return u.OfficeKey()
}

// roleCount is how many roles in force the account holds.
func roleCount(t *testing.T, d *db.DB, account int64) int {
	t.Helper()
	return db.Count(t, d, "select count(*) from roles where account_id = $1 and revoked_at is null", account)
}
