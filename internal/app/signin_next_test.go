package app_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

var citizenSignInLink = regexp.MustCompile(`class="button" href="(/cong-dan/dang-nhap[^"]*)"`)

// citizenThrough signs a citizen in from the sign-in link link, through the
// address and the code steps as a browser does (each step's hidden next= as
// the page wrote it), and returns the browser and where the last step sent it.
func citizenThrough(t *testing.T, a *app.App, srv string, logs *logBuffer, phone, link string) (*webtest.Browser, string) {
	t.Helper()
	b := webtest.New(t, srv)
	_, page, _ := b.Get(link)
	f, ok := webtest.FormTo(page, "/cong-dan/dang-nhap")
	if !ok {
		t.Fatalf("no sign-in form on %s", link)
	}
	v := f.Values()
	v.Set("address", phone)
	code, _, hd := b.Post(link, "/cong-dan/dang-nhap", v)
	if code != http.StatusSeeOther {
		t.Fatalf("send code: %d", code)
	}
	if _, _, err := a.Outbox.Deliver(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	step := hd.Get("Location")
	_, page, _ = b.Get(step)
	f, ok = webtest.FormTo(page, "/cong-dan/dang-nhap/ma")
	if !ok {
		t.Fatalf("no code form on %s", step)
	}
	v = f.Values()
	v.Set("code", logs.lastCode())
	code, _, hd = b.Post(step, "/cong-dan/dang-nhap/ma", v)
	if code != http.StatusSeeOther {
		t.Fatalf("sign in with the code: %d", code)
	}
	return b, hd.Get("Location")
}

// TestSignInReturnsToPage: the "sign in to comment" and "sign in to vote"
// links carry the page, and the citizen's sign-in (address, then code)
// brings the citizen back to it, where the form now is.
func TestSignInReturnsToPage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế"}, "parts": {"## Chương I\nChung"},
			"forms": {"online"}, "closes_on": {time.Now().AddDate(0, 0, 40).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("open: %d", code)
		}
		consultation := "/lay-y-kien/" + strings.TrimPrefix(hd.Get("Location"), "/quan-tri/lay-y-kien/")

		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		matters := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		code, _, hd = head.Post(matters, matters, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		office := hd.Get("Location")
		households := db.Count(t, d, "select count(*) from households where village_id = $1 and active", village.ID)
		if code, _, _ := head.Post(office, office+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"online"},
			"held_on": {time.Now().AddDate(0, 0, 5).Format("2006-01-02")}, "opted_in": {fmt.Sprint(households)}, "team": {"A\nB\nC"}}); code != http.StatusSeeOther {
			t.Fatalf("notice an online vote: %d", code)
		}
		matter := strings.Replace(office, "/quan-tri", "", 1)
		if _, err := d.Raw().ExecContext(ctx, `update households set representative_account_id = null`); err != nil {
			t.Fatal(err)
		}

		for i, tt := range []struct{ name, page, form string }{
			{"comment", consultation, `action="` + consultation + `/gop-y"`},
			{"vote", matter, `action="/bieu-quyet/`},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, page, _ := webtest.New(t, srv.URL).Get(tt.page)
				m := citizenSignInLink.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("no sign-in link on %s", tt.page)
				}
				link := html.UnescapeString(m[1])
				u, _ := url.Parse(link)
				if next := u.Query().Get("next"); !strings.HasPrefix(next, tt.page) {
					t.Fatalf("the sign-in link %q does not carry the page %s", link, tt.page)
				}
				phone := fmt.Sprintf("0912 000 3%02d", i)
				b, back := citizenThrough(t, a, srv.URL, logs, phone, link)
				if !strings.HasPrefix(back, tt.page) {
					t.Fatalf("after signing in the citizen is sent to %q, not back to %s", back, tt.page)
				}
				if tt.name == "vote" { // the citizen represents a household: the ballot is there
					if _, err := d.Raw().ExecContext(ctx, `update households set representative_account_id = (select id from accounts where phone = $1)
						where id = (select min(id) from households where village_id = $2 and active)`, "+849120003"+fmt.Sprintf("%02d", i), village.ID); err != nil {
						t.Fatal(err)
					}
				}
				if _, page, _ := b.Get(back); !strings.Contains(page, tt.form) {
					t.Errorf("back on %s the form is not offered", back)
				}
			})
		}
	})
}

// TestSignInRefusesOtherSites: next= that names another site is dropped at
// every step: the citizen lands on their own page, the official on the back
// office.
func TestSignInRefusesOtherSites(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		for i, next := range []string{"//evil.example", "https://evil.example/x", "/\\evil.example", "javascript:alert(1)"} {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				if i < 2 { // a citizen's sign-ins from one address are limited: two of them
					_, back := citizenThrough(t, a, srv.URL, logs, fmt.Sprintf("0912 000 4%02d", i), "/cong-dan/dang-nhap?next="+url.QueryEscape(next))
					if back != "/cong-dan" {
						t.Errorf("citizen with next=%q sent to %q", next, back)
					}
				}
				b := webtest.New(t, srv.URL)
				signin := "/dang-nhap?next=" + url.QueryEscape(next)
				_, page, _ := b.Get(signin)
				f, _ := webtest.FormTo(page, "/dang-nhap")
				v := f.Values()
				v.Set("email", "xa@danchu.demo")
				v.Set("password", demo.Password)
				if code, _, hd := b.Post(signin, "/dang-nhap", v); code != http.StatusSeeOther || hd.Get("Location") != "/quan-tri" {
					t.Errorf("official with next=%q: %d to %q", next, code, hd.Get("Location"))
				}
			})
		}
	})
}
