package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"testing/fstest"

	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// TestDoneNoticeShownOnce: a successful post answers 303; the page it sends
// the browser to says what happened, in role="status", once; a reload does
// not repeat it; a forged cookie shows only a notice of the catalog, never
// its own text, nor a number the server never writes (a sign, a leading zero).
func TestDoneNoticeShownOnce(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	fsys := fstest.MapFS{
		"locales/vi.json": {Data: []byte(`{"test.done.saved": "Đã lưu %d mục", "test.other": "không phải thông báo"}`)},
		"locales/en.json": {Data: []byte(`{"test.done.saved": "Saved %d items", "test.other": "not a notice"}`)},
		"p.html":          {Data: []byte(`{{define "content"}}<h1>trang</h1>{{end}}`)},
	}
	if err := s.AddCatalog(fsys); err != nil {
		t.Fatal(err)
	}
	page, err := s.Page(fsys, "p.html")
	if err != nil {
		t.Fatal(err)
	}
	s.HandleFunc("GET /p", func(w http.ResponseWriter, r *http.Request) { s.Render(w, r, page, "p", nil) })
	s.HandleFunc("POST /save", func(w http.ResponseWriter, r *http.Request) { s.Done(w, r, "/p", "test.done.saved", 3) })
	s.HandleFunc("POST /away", func(w http.ResponseWriter, r *http.Request) { s.Done(w, r, "//evil.example/p", "test.done.saved", 1) })
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(t *testing.T) string {
		t.Helper()
		resp, err := c.Get(srv.URL + "/p")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	const shown = `<p class="flash ok" role="status">Đã lưu 3 mục</p>`

	resp, err := c.PostForm(srv.URL+"/save", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/p" {
		t.Fatalf("post = %d to %q, want 303 to /p", resp.StatusCode, resp.Header.Get("Location"))
	}
	if b := get(t); !strings.Contains(b, shown) {
		t.Fatalf("the page after the post does not say what happened: %.600s", b)
	}
	if b := get(t); strings.Contains(b, "Đã lưu") {
		t.Fatalf("a reload shows the notice again: %.600s", b)
	}

	resp, err = c.PostForm(srv.URL+"/away", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); loc != "/" {
		t.Fatalf("a notice redirect to another site went to %q", loc)
	}
	get(t) // takes the notice

	u, _ := url.Parse(srv.URL)
	for _, forged := range []string{"test.other", "<script>", "test.done.saved.1.2.3.4", "test.done.saved.x", "test.done.saved", "test.done.missing",
		"test.done.saved.-5", "test.done.saved.+5", "test.done.saved.05"} {
		jar.SetCookies(u, []*http.Cookie{{Name: "danchu_notice", Value: forged, Path: "/"}})
		if b := get(t); strings.Contains(b, `role="status"`) {
			t.Fatalf("forged notice %q shown: %.600s", forged, b)
		}
	}
}
