package app_test

import (
	"context"
	"danchu/internal/vault"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// livingDemo is the whole application over the demo as `serve --demo` loads
// it (demo.Seed: 60 days of activity in two communes).
func livingDemo(t *testing.T, d *db.DB) (*app.App, *httptest.Server) {
	t.Helper()
	a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
	keys, err := vault.Parse([]byte(vault.KeyLine(1)))
	if err != nil {
		t.Fatal(err)
	}
	a.SetVault(keys)
	if _, err := demo.Seed(context.Background(), demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose,
		Consult: a.Consult, Decide: a.Decide, Feedback: a.Feedback, Plans: a.Plans, Cases: a.Cases, Receive: a.Receive, Oversee: a.Oversee, Surveys: a.Surveys}); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return a, srv
}

// TestOfficeListsOpenForTheirReader: each official's list of matters links
// only to matters that official may open (a village head's list named the
// other villages' matters, each answering 404), and a village head still sees
// the commune-wide matters voted in the village.
func TestOfficeListsOpenForTheirReader(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := livingDemo(t, d)
		link := regexp.MustCompile(`href="(/quan-tri/quyet-dinh/\d+)"`)
		for _, c := range []struct{ email, list string }{
			{"truongthon@danchu.demo", "/quan-tri/don-vi/" + demo.CommuneCode + "-01/quyet-dinh"},
			{"xa@danchu.demo", "/quan-tri/don-vi/" + demo.CommuneCode + "/quyet-dinh"},
		} {
			b := signIn(t, srv, c.email, demo.Password)
			code, page, _ := b.Get(c.list)
			if code != http.StatusOK {
				t.Fatalf("%s %s: %d", c.email, c.list, code)
			}
			links := link.FindAllStringSubmatch(page, -1)
			if len(links) == 0 {
				t.Errorf("%s: %s lists no matter", c.email, c.list)
			}
			for _, m := range links {
				if code, _, _ := b.Get(m[1]); code != http.StatusOK {
					t.Errorf("%s: %s links to %s, which answers %d", c.email, c.list, m[1], code)
				}
			}
		}
	})
}

// TestDraftPartsNumberedOnce: a part whose heading numbers itself ("1. Nông
// nghiệp", "Điều 2.", "Chương III") is not numbered a second time on the
// consultation's page and in its comment form; an unnumbered one is numbered.
func TestDraftPartsNumberedOnce(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := demoSite(t, d)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := "/quan-tri/don-vi/" + demo.CommuneCode + "/lay-y-kien"
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo kế hoạch năm 2027"},
			"parts": {"## 1. Nông nghiệp\nRau màu\n## Hạ tầng\nĐường xóm\nĐiều 3. Thi hành\nTừ ngày ký\n## Chương IV\nKhác"}, "forms": {"online"},
			"closes_on": {time.Now().AddDate(0, 0, 40).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("open a consultation: %d", code)
		}
		_, page, _ := webtest.New(t, srv.URL).Get(strings.Replace(hd.Get("Location"), "/quan-tri", "", 1))
		for _, want := range []string{"<h3>1. Nông nghiệp</h3>", "<h3>2. Hạ tầng</h3>", "<h3>Điều 3. Thi hành</h3>", "<h3>Chương IV</h3>"} {
			if !strings.Contains(page, want) {
				t.Errorf("the consultation page lacks %s", want)
			}
		}
		for _, bad := range []string{"1. 1. Nông nghiệp", "3. Điều 3", "4. Chương IV"} {
			if strings.Contains(page, bad) {
				t.Errorf("the consultation page numbers a part twice: %q", bad)
			}
		}
	})
}
