package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// Every page links the SVG favicon, which is served as image/svg+xml; the
// style sheet prints pages without navigation, forms or buttons, black on white,
// with the address of outside links written out.
func TestFaviconAndPrintStyles(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(path string) (*http.Response, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	_, page := get("/no-such-page") // the 404 page is drawn on the base layout
	icon := regexp.MustCompile(`<link rel="icon" type="image/svg\+xml" href="(/static/[0-9a-f]+/favicon\.svg)">`).FindStringSubmatch(page)
	if icon == nil {
		t.Fatalf("the base layout links no SVG favicon:\n%.600s", page)
	}
	resp, body := get(icon[1])
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/svg+xml" || !strings.HasPrefix(body, "<svg") {
		t.Errorf("favicon: %d %q %.40q", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	css := regexp.MustCompile(`href="(/static/[0-9a-f]+/app\.css)"`).FindStringSubmatch(page)
	if css == nil {
		t.Fatal("no style sheet")
	}
	_, sheet := get(css[1])
	print := regexp.MustCompile(`(?s)@media print\{(.*?)\n\}`).FindStringSubmatch(sheet)
	if print == nil {
		t.Fatal("no print styles")
	}
	for _, want := range []string{"nav", "form", "button", "display:none", "background:#fff", "color:#000", `attr(href)`} {
		if !strings.Contains(print[1], want) {
			t.Errorf("print styles lack %q", want)
		}
	}
}
