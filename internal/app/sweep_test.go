package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
)

// livingDemo is the whole application over the demo as `serve --demo` loads
// it (demo.Seed: 60 days of activity in two communes).
func livingDemo(t *testing.T, d *db.DB) (*app.App, *httptest.Server) {
	t.Helper()
	a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
	if _, err := demo.Seed(context.Background(), demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose,
		Consult: a.Consult, Decide: a.Decide, Feedback: a.Feedback}); err != nil {
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
