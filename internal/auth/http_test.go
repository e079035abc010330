package auth_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/web"
	"danchu/internal/web/webtest"

	"github.com/pquerna/otp/totp"
	"github.com/prometheus/client_golang/prometheus"
)

// site serves identity's pages on the fixture, with the back office (the
// pages signing in leads to) as app wires it.
func (f *fixture) site(t *testing.T) (*httptest.Server, *auth.Handlers) {
	t.Helper()
	s, err := web.NewServer(discard, prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	h, err := auth.RegisterRoutes(s, f.svc, f.units)
	if err != nil {
		t.Fatal(err)
	}
	if err := office.RegisterRoutes(s, h, f.svc, f.units, f.audit); err != nil {
		t.Fatal(err)
	}
	// Tests post many forms from one address; the limit tests set their own.
	h.SignInLimit, h.WriteLimit = web.NewLimiter(100000, 100000), web.NewLimiter(100000, 100000)
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv, h
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
	if code != http.StatusSeeOther {
		b.T.Fatalf("sign in %s: %d %s", email, code, body)
	}
	if loc := h.Get("Location"); loc != "/quan-tri" {
		b.T.Fatalf("sign in %s went to %s", email, loc)
	}
}

func TestFormsNeedTheCSRFToken(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		f.official(t, "v@x.vn", auth.Viewer, f.danDien)
		srv, _ := f.site(t)
		b := newBrowser(t, srv)
		// No token, a wrong token: refused, and nothing happens.
		for _, tok := range []string{"", "AAAA", strings.Repeat("A", 52)} {
			code, body, _ := b.post("", "/dang-nhap", url.Values{"email": {"v@x.vn"}, "password": {goodPassword}, "csrf": {tok}})
			if code != http.StatusForbidden || !strings.Contains(body, "Biểu mẫu đã hết hạn") {
				t.Fatalf("token %q: %d", tok, code)
			}
		}
		if n := db.Count(t, d, "select count(*) from sessions"); n != 0 {
			t.Fatalf("%d sessions after refused posts", n)
		}
		b.signIn("v@x.vn")
		// Signed in, the session's token is needed; the visitor token no longer works.
		code, body, _ := b.post("", "/dang-xuat", url.Values{})
		if code != http.StatusForbidden || !strings.Contains(body, "Biểu mẫu đã hết hạn") {
			t.Errorf("sign-out without token: %d", code)
		}
		if code, _, _ := b.get("/quan-tri"); code != http.StatusOK {
			t.Errorf("still signed in after the refused sign-out: %d", code)
		}
		code, _, _ = b.post("/quan-tri", "/dang-xuat", url.Values{})
		if code != http.StatusSeeOther {
			t.Errorf("sign-out with token: %d", code)
		}
		if code, _, h := b.get("/quan-tri"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/dang-nhap?next=") {
			t.Errorf("back office after sign-out: %d %s", code, h.Get("Location"))
		}
		// A cross-site post is refused by the origin check before anything else.
		req, _ := http.NewRequest("POST", srv.URL+"/dang-nhap", strings.NewReader("email=v@x.vn"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("cross-site post: %d", resp.StatusCode)
		}
	})
}

func TestSignInJourneyWithSecondFactor(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		f.official(t, "xa@x.vn", auth.CommuneOfficial, f.danDien)
		srv, _ := f.site(t)
		b := newBrowser(t, srv)
		code, _, h := b.post("/dang-nhap", "/dang-nhap", url.Values{"email": {"xa@x.vn"}, "password": {goodPassword}, "next": {"/quan-tri/don-vi/0/nhat-ky"}})
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/dang-nhap/bao-mat") {
			t.Fatalf("sign in: %d → %s", code, h.Get("Location"))
		}
		// Half signed in: the back office sends back to enrolment.
		if code, _, h := b.get("/quan-tri"); code != http.StatusSeeOther || h.Get("Location") != "/dang-nhap/bao-mat" {
			t.Fatalf("back office before enrolment: %d %s", code, h.Get("Location"))
		}
		code, page, _ := b.get("/dang-nhap/bao-mat")
		secret := regexp.MustCompile(`<code class="hash">([A-Z2-7]+)</code>`).FindStringSubmatch(page)
		if code != 200 || secret == nil || !strings.Contains(page, `src="data:image/png;base64,`) {
			t.Fatalf("enrol page: %d", code)
		}
		// The page holds the second factor's secret beside the next address
		// of the query: it is never compressed, so its length says nothing of
		// the secret (BREACH).
		req, _ := http.NewRequest("GET", srv.URL+"/dang-nhap/bao-mat?next=/quan-tri/"+secret[1][:4], nil)
		req.Header.Set("Accept-Encoding", "gzip, br")
		resp, err := b.C.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Encoding") != "" || !strings.Contains(string(raw), secret[1]) {
			t.Errorf("enrol page asked for gzip: %d, Content-Encoding %q", resp.StatusCode, resp.Header.Get("Content-Encoding"))
		}
		c, _ := totp.GenerateCode(secret[1], f.clock())
		code, page, _ = b.post("/dang-nhap/bao-mat", "/dang-nhap/bao-mat", url.Values{"code": {c}, "next": {"/quan-tri"}})
		if code != 200 || len(regexp.MustCompile(`<li>[2-9A-Z]{5}-[2-9A-Z]{5}</li>`).FindAllString(page, -1)) != 10 {
			t.Fatalf("recovery codes page: %d\n%s", code, page)
		}
		code, page, _ = b.get("/quan-tri")
		if code != 200 || !strings.Contains(page, "Cán bộ UBND xã") || !strings.Contains(page, "Xã Đan Điền") || !strings.Contains(page, "Đăng xuất") {
			t.Fatalf("back office: %d", code)
		}
		// Open redirects are refused: next must stay on this site.
		b2 := newBrowser(t, srv)
		f.official(t, "v2@x.vn", auth.Viewer, f.v1)
		_, _, h = b2.post("/dang-nhap", "/dang-nhap", url.Values{"email": {"v2@x.vn"}, "password": {goodPassword}, "next": {"//evil.example/x"}})
		if h.Get("Location") != "/quan-tri" {
			t.Errorf("next=//evil.example went to %q", h.Get("Location"))
		}
	})
}

func TestSignInRateLimitPerIP(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		srv, h := f.site(t)
		h.SignInLimit = web.NewLimiter(1, 3)
		b := newBrowser(t, srv)
		var last int
		var hdr http.Header
		var body string
		for i := range 4 {
			last, body, hdr = b.post("/dang-nhap", "/dang-nhap", url.Values{"email": {fmt.Sprintf("u%d@x.vn", i)}, "password": {"sai mật khẩu rồi"}})
		}
		if last != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" || !strings.Contains(body, "Có quá nhiều lần thử đăng nhập") {
			t.Fatalf("fourth attempt: %d, Retry-After %q", last, hdr.Get("Retry-After"))
		}
	})
}

func TestWriteRateLimit(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		srv, h := f.site(t)
		h.WriteLimit = web.NewLimiter(1, 2)
		b := newBrowser(t, srv)
		var code int
		var body string
		var hdr http.Header
		for range 3 {
			code, body, hdr = b.post("/quen-mat-khau", "/quen-mat-khau", url.Values{"email": {"a@x.vn"}})
		}
		if code != http.StatusTooManyRequests || hdr.Get("Retry-After") == "" || !strings.Contains(body, "Bạn gửi quá nhiều yêu cầu") {
			t.Fatalf("third post: %d Retry-After %q", code, hdr.Get("Retry-After"))
		}
		// Reading is not limited.
		if code, _, _ := b.get("/quen-mat-khau"); code != http.StatusOK {
			t.Errorf("get after the limit: %d", code)
		}
	})
}

func TestCitizenJourney(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		for _, v := range []org.Unit{f.v1, f.v2} {
			if err := f.units.AddHouseholds(ctx, v.ID, []org.Household{{Code: "H01", HeadName: "Chủ hộ " + v.Name, Address: v.Name, Members: 3, RepresentativeName: "Người đại diện", Active: true}}); err != nil {
				t.Fatal(err)
			}
		}
		h1, _ := f.units.Households(ctx, f.v1.ID)
		h2, _ := f.units.Households(ctx, f.v2.ID)
		f.official(t, "head@x.vn", auth.VillageHead, f.v1)
		srv, _ := f.site(t)

		// The village head hands out a claim code from the register page.
		head := newBrowser(t, srv)
		head.signIn("head@x.vn")
		reg := fmt.Sprintf("/quan-tri/don-vi/%s/ho-gia-dinh", f.v1.OfficeKey())
		code, page, _ := head.get(reg)
		if code != 200 || !strings.Contains(page, "Chủ hộ Thôn Đông Phước") {
			t.Fatalf("register page: %d", code)
		}
		code, page, _ = head.post(reg, fmt.Sprintf("%s/%d/ma-nhan", reg, h1[0].ID), url.Values{})
		claim := regexp.MustCompile(`<b class="claim">([2-9A-Z]{4}-[2-9A-Z]{4})</b>`).FindStringSubmatch(page)
		if code != 200 || claim == nil {
			t.Fatalf("issue claim: %d", code)
		}
		// A household of another village through this village's URL: not found.
		if code, _, _ := head.post(reg, fmt.Sprintf("%s/%d/ma-nhan", reg, h2[0].ID), url.Values{}); code != http.StatusNotFound {
			t.Errorf("other village's household: %d", code)
		}
		if claims := db.Count(t, d, "select count(*) from household_claims where household_id = $1", h2[0].ID); claims != 0 {
			t.Errorf("other village's household: %d claim codes issued after the refusal", claims)
		}
		if code, _, _ := head.get(fmt.Sprintf("/quan-tri/don-vi/%s/ho-gia-dinh", f.v2.OfficeKey())); code != http.StatusNotFound {
			t.Errorf("other village's register: %d", code)
		}

		// The citizen signs in with a code and claims the household.
		c := newBrowser(t, srv)
		code, _, h := c.post("/cong-dan/dang-nhap", "/cong-dan/dang-nhap", url.Values{"address": {"0912 345 678"}})
		if code != http.StatusSeeOther || h.Get("Location") != "/cong-dan/dang-nhap/ma" {
			t.Fatalf("send code: %d %s", code, h.Get("Location"))
		}
		_, page, _ = c.get("/cong-dan/dang-nhap/ma")
		if !strings.Contains(page, "0912 ••• 678") {
			t.Errorf("code page does not show the masked number")
		}
		code, page, _ = c.post("/cong-dan/dang-nhap/ma", "/cong-dan/dang-nhap/ma", url.Values{"code": {"12"}})
		if code != http.StatusBadRequest || !strings.Contains(page, "Còn 4 lần") {
			t.Errorf("wrong code: %d", code)
		}
		deliver(t, f)
		otp := sixDigits.FindString(f.sms.last().Text)
		code, _, h = c.post("/cong-dan/dang-nhap/ma", "/cong-dan/dang-nhap/ma", url.Values{"code": {otp}})
		if code != http.StatusSeeOther || h.Get("Location") != "/cong-dan" {
			t.Fatalf("sign in with code: %d %s", code, h.Get("Location"))
		}
		code, page, _ = c.post("/cong-dan", "/cong-dan/ten", url.Values{"full_name": {"<script>x</script> Lê Văn Dân"}})
		if code != http.StatusSeeOther {
			t.Fatalf("set name: %d %s", code, page)
		}
		code, page, _ = c.post("/cong-dan", "/cong-dan/nhan-ho", url.Values{"code": {claim[1]}})
		if code != 200 || !strings.Contains(page, "Bạn đã là người đại diện của hộ H01") || strings.Contains(page, "<script>x") {
			t.Fatalf("claim: %d\n%s", code, page)
		}
		// Citizens have no back office, and the register shows the new representative.
		if code, _, h := c.get("/quan-tri"); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/dang-nhap") {
			t.Errorf("citizen in the back office: %d %s", code, h.Get("Location"))
		}
		_, page, _ = head.get(reg)
		if !strings.Contains(page, "&lt;script&gt;x&lt;/script&gt; Lê Văn Dân 0912 ••• 678") {
			t.Errorf("register does not show the representative")
		}
	})
}
