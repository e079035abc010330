package auth_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
)

// TestAuthSpeaksTheRequestLanguage: identity's refusals are shown in the
// language the person chose — a wrong password (then the wait after the third)
// and a locked account on the sign-in form, a wrong code on the citizen's code page, and the whole country
// as the officials page names it.
func TestAuthSpeaksTheRequestLanguage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "xa@x.vn", auth.CommuneOfficial, f.danDien)
		locked := f.official(t, "khoa@x.vn", auth.Viewer, f.danDien)
		f.official(t, "root@x.vn", auth.SysAdmin, org.Unit{})
		if _, err := f.svc.SetLocked(ctx, f.actor(t, f.signIn(t, "root@x.vn")), locked.ID, true); err != nil {
			t.Fatal(err)
		}
		srv, _ := f.site(t)
		for i, tt := range []struct {
			lang                               string
			wrong, slow, locked, code, country string
			other                              []string // the other language's texts, which must not show
		}{
			{"vi", "Sai địa chỉ thư điện tử hoặc mật khẩu.",
				"Sai địa chỉ thư điện tử hoặc mật khẩu. Bạn đã nhập sai mật khẩu nhiều lần. Để bảo vệ tài khoản, hãy đợi 1 giây rồi thử lại.",
				"Tài khoản đã bị quản trị viên khóa. Hãy liên hệ quản trị viên của đơn vị.",
				"Mã không đúng. Còn 4 lần thử.", "Toàn quốc",
				[]string{"Wrong e-mail or password", "wait 1 s", "has been locked", "Wrong code", "Whole country"}},
			{"en", "Wrong e-mail or password.",
				"Wrong e-mail or password. You have typed a wrong password several times. To protect the account, wait 1 s, then try again.",
				"This account has been locked by an administrator. Contact your unit&#39;s administrator.",
				"Wrong code. Tries left: 4.", "Whole country",
				[]string{"Sai địa chỉ", "đợi", "giây", "bị quản trị viên khóa", "Mã không đúng", "Toàn quốc"}},
		} {
			t.Run(tt.lang, func(t *testing.T) {
				lang := func(b *browser) {
					if code, _, _ := b.get("/ngon-ngu?lang=" + tt.lang + "&next=/"); code != http.StatusSeeOther {
						t.Fatalf("language switch: %d", code)
					}
				}
				shows := func(what, body, want string) {
					t.Helper()
					if !strings.Contains(body, want) {
						t.Errorf("%s: the page does not say %q\n%.3000s", what, want, body)
					}
					for _, o := range tt.other {
						if strings.Contains(body, o) {
							t.Errorf("%s: the %s page says %q", what, tt.lang, o)
						}
					}
				}
				b := newBrowser(t, srv)
				lang(b)
				code, body, _ := b.post("/dang-nhap", "/dang-nhap", url.Values{"email": {"xa@x.vn"}, "password": {"sai mật khẩu rồi nhé"}})
				if code != http.StatusBadRequest || !strings.Contains(body, `action="/dang-nhap"`) {
					t.Errorf("wrong password: %d, want 400 on the sign-in form", code)
				}
				shows("wrong password", body, tt.wrong)
				// The third wrong password in a row must wait: a message built from pieces.
				slow := url.Values{"email": {"chua-co-" + tt.lang + "@x.vn"}, "password": {"sai mật khẩu rồi nhé"}}
				for range 2 {
					b.post("/dang-nhap", "/dang-nhap", slow)
				}
				code, body, _ = b.post("/dang-nhap", "/dang-nhap", slow)
				if code != http.StatusBadRequest || !strings.Contains(body, `action="/dang-nhap"`) {
					t.Errorf("third wrong password: %d, want 400 on the sign-in form", code)
				}
				shows("third wrong password", body, tt.slow)
				code, body, _ = b.post("/dang-nhap", "/dang-nhap", url.Values{"email": {"khoa@x.vn"}, "password": {goodPassword}})
				if code != http.StatusForbidden || !strings.Contains(body, `action="/dang-nhap"`) {
					t.Errorf("locked account: %d, want 403 on the sign-in form", code)
				}
				shows("locked account", body, tt.locked)

				c := newBrowser(t, srv)
				lang(c)
				if code, _, _ := c.post("/cong-dan/dang-nhap", "/cong-dan/dang-nhap", url.Values{"address": {fmt.Sprintf("0912 345 67%d", i)}}); code != http.StatusSeeOther {
					t.Fatalf("send code: %d", code)
				}
				code, body, _ = c.post("/cong-dan/dang-nhap/ma", "/cong-dan/dang-nhap/ma", url.Values{"code": {"12"}})
				if code != http.StatusBadRequest || !strings.Contains(body, `action="/cong-dan/dang-nhap/ma"`) {
					t.Errorf("wrong code: %d, want 400 on the code page", code)
				}
				shows("wrong code", body, tt.code)

				root := newBrowser(t, srv)
				lang(root)
				root.signIn("root@x.vn")
				code, body, _ = root.get("/quan-tri/don-vi/0/can-bo")
				if code != http.StatusOK {
					t.Fatalf("officials of the whole country: %d", code)
				}
				shows("officials of the whole country", body, "— "+tt.country)
			})
		}
	})
}
