package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web"
	"danchu/internal/web/webtest"

	"github.com/andybalholm/brotli"
)

// rawGet fetches path as a cookie-less client that follows nothing and
// decodes nothing, with the request headers given.
func rawGet(t *testing.T, srv *httptest.Server, method, path string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "identity") // unless the test says otherwise
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// publicSite is the demo site with one posted disclosure carrying a PDF: its
// detail page and its file's address.
func publicSite(t *testing.T, d *db.DB, maxAge time.Duration) (*httptest.Server, *webtest.Browser, string, string) {
	t.Helper()
	logs := &logBuffer{}
	a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), PublicMaxAge: maxAge}, logs)
	commune, err := a.Units.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	official := signIn(t, srv, "xa@danchu.demo", demo.Password)
	today := legal.Today(time.Now())
	manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
	form := map[string][]string{"category": {"4"}, "title": {"Quy chế dân chủ ở cơ sở"}, "body": {strings.Repeat("Điều 1. Công khai **đầy đủ** mọi khoản thu.\n", 40)},
		"decision_date": {today.AddDays(-2).String()}, "ch_posting": {"1"}, "ch_posting_start": {today.String()}}
	code, _, h := official.PostMultipart(manage, manage, form, webtest.File{Field: "files", Name: "quy-che.pdf", Content: pdfBytes})
	if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/cong-khai/") {
		t.Fatalf("publish: %d %s", code, h.Get("Location"))
	}
	detail := h.Get("Location")
	_, page, _ := webtest.New(t, srv.URL).Get(detail)
	link := regexp.MustCompile(`href="(/cong-khai/\d+/tep/1/1)"`).FindStringSubmatch(page)
	if link == nil {
		t.Fatal("no download link")
	}
	return srv, official, detail, link[1]
}

// TestPublicPagesCookieFreeAndCacheable walks what the public sees
// (ARCHITECTURE "What the public sees") as a visitor without cookies: a page
// without a form sets no cookie and is public for --public-max-age with an
// ETag that a repeat visit turns into a 304; a page with a form sets the form
// token's cookie and is private. A signed-in viewer gets no-store on the same
// addresses, and the back office is no-store.
func TestPublicPagesCookieFreeAndCacheable(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		srv, official, detail, file := publicSite(t, d, 30*time.Second)
		public := "public, max-age=30, stale-while-revalidate=300"
		xa, tinh := "/xa/"+demo.CommuneCode, "/tinh/46"
		pages := []string{"/", "/tim-kiem?q=Đan", tinh, xa, "/thon/" + demo.CommuneCode + "-01",
			xa + "/phan-anh/thong-ke", tinh + "/phan-anh/thong-ke", "/phan-anh",
			"/minh-bach", "/minh-bach/1", xa + "/lay-y-kien", xa + "/quyet-dinh", xa + "/cong-khai", xa + "/cong-khai/luu-tru",
			"/thon/" + demo.CommuneCode + "-01/cong-khai", detail, "/cong-khai/tim?q=quy"}
		other := []string{xa + "/cong-khai.atom", "/minh-bach.json", "/open311/v2/discovery.json", "/open311/v2/services.json",
			xa + "/phan-anh/thong-ke.xlsx", tinh + "/phan-anh/thong-ke.xlsx"}
		withForm := []string{xa + "/phan-anh"}
		postForm := regexp.MustCompile(`(?i)<form[^>]*method="post"`)
		for _, p := range append(append(pages, other...), withForm...) {
			resp, body := rawGet(t, srv, "GET", p, nil)
			h := resp.Header
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d", p, resp.StatusCode)
				continue
			}
			hasForm := postForm.Match(body)
			if want := slices.Contains(withForm, p); hasForm != want {
				t.Errorf("%s: a post form on the page: %v, want %v", p, hasForm, want)
			}
			cookies := h.Values("Set-Cookie")
			if hasForm {
				if len(cookies) != 1 || !strings.HasPrefix(cookies[0], "danchu_csrf=") || h.Get("Cache-Control") != "private, no-cache" {
					t.Errorf("%s (a form): Set-Cookie %q, Cache-Control %q", p, cookies, h.Get("Cache-Control"))
				}
				// The token is made when the form is drawn (web.Viewer.LazyCSRF): the
				// form carries the cookie's own value, masked (web.MaskToken), as
				// the double submit checks.
				m := csrfField.FindSubmatch(body)
				if len(cookies) == 1 {
					value, _, _ := strings.Cut(strings.TrimPrefix(cookies[0], "danchu_csrf="), ";")
					if m == nil || !web.TokenMatches(string(m[1]), value) || string(m[1]) == value {
						t.Errorf("%s (a form): form token %q, cookie %q", p, m, cookies[0])
					}
				}
				continue
			}
			if len(cookies) != 0 || h.Get("Cache-Control") != public || !strings.Contains(strings.Join(h.Values("Vary"), ","), "Cookie") || h.Get("ETag") == "" {
				t.Errorf("%s: Set-Cookie %q, Cache-Control %q, Vary %q, ETag %q", p, cookies, h.Get("Cache-Control"), h.Values("Vary"), h.Get("ETag"))
				continue
			}
			again, b := rawGet(t, srv, "GET", p, http.Header{"If-None-Match": {h.Get("ETag")}})
			if strings.HasSuffix(p, ".xlsx") {
				continue // rebuilt each time: its bytes, and so its tag, may change
			}
			if again.StatusCode != http.StatusNotModified || len(b) != 0 || again.Header.Get("ETag") != h.Get("ETag") || again.Header.Get("Cache-Control") != public {
				t.Errorf("%s again with its tag: %d, %d bytes, ETag %q, Cache-Control %q", p, again.StatusCode, len(b), again.Header.Get("ETag"), again.Header.Get("Cache-Control"))
			}
		}
		// The file: revalidated each time, tagged by its hash; the tag and the date give 304s.
		resp, body := rawGet(t, srv, "GET", file, nil)
		if resp.StatusCode != 200 || string(body) != string(pdfBytes) || resp.Header.Get("Cache-Control") != "public, no-cache" ||
			!regexp.MustCompile(`^"[0-9a-f]{64}"$`).MatchString(resp.Header.Get("ETag")) || len(resp.Header.Values("Set-Cookie")) != 0 {
			t.Fatalf("file: %d %q %q %q", resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"), resp.Header.Values("Set-Cookie"))
		}
		for _, h := range []http.Header{{"If-None-Match": {resp.Header.Get("ETag")}}, {"If-Modified-Since": {resp.Header.Get("Last-Modified")}}} {
			if again, b := rawGet(t, srv, "GET", file, h); again.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("file with %v: %d, %d bytes", h, again.StatusCode, len(b))
			}
		}
		if part, b := rawGet(t, srv, "GET", file, http.Header{"Range": {"bytes=0-3"}}); part.StatusCode != http.StatusPartialContent || string(b) != "%PDF" {
			t.Errorf("file range: %d %q", part.StatusCode, b)
		}
		// A signed-in viewer: no-store and no tag on the same pages; the back office too.
		for _, p := range append(append([]string{}, pages...), withForm[0], "/quan-tri", fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", demo.CommuneCode)) {
			code, _, h := official.Get(p)
			if code != 200 || h.Get("Cache-Control") != "no-store" || h.Get("ETag") != "" || strings.Contains(strings.Join(h.Values("Set-Cookie"), ";"), "danchu_csrf") {
				t.Errorf("signed in, %s: %d, Cache-Control %q, ETag %q, Set-Cookie %q", p, code, h.Get("Cache-Control"), h.Get("ETag"), h.Values("Set-Cookie"))
			}
		}
		// Errors and redirects are never kept.
		for _, p := range []string{"/xa/00000", "/cong-khai/999999999", "/khong-co"} {
			if resp, _ := rawGet(t, srv, "GET", p, nil); resp.StatusCode != 404 || resp.Header.Get("Cache-Control") != "no-store" || len(resp.Header.Values("Set-Cookie")) != 0 {
				t.Errorf("%s: %d, Cache-Control %q, Set-Cookie %q", p, resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Values("Set-Cookie"))
			}
		}
		// A visitor whose form token cookie came from the feedback form still gets
		// cookie-free public pages (the token is not sent again).
		visitor := webtest.New(t, srv.URL)
		if _, _, h := visitor.Get(xa + "/phan-anh"); len(h.Values("Set-Cookie")) != 1 {
			t.Fatalf("feedback form: Set-Cookie %q", h.Values("Set-Cookie"))
		}
		if _, _, h := visitor.Get(xa); len(h.Values("Set-Cookie")) != 0 || h.Get("Cache-Control") != public {
			t.Errorf("the commune page after the form: Set-Cookie %q, Cache-Control %q", h.Values("Set-Cookie"), h.Get("Cache-Control"))
		}
		if _, _, h := visitor.Get(xa + "/phan-anh"); len(h.Values("Set-Cookie")) != 0 || h.Get("Cache-Control") != "private, no-cache" {
			t.Errorf("the form again: Set-Cookie %q, Cache-Control %q", h.Values("Set-Cookie"), h.Get("Cache-Control"))
		}
	})
}

// TestPublicAnswersCompressed: with a browser's Accept-Encoding, the public
// pages, the feed and the JSON come compressed (brotli, or gzip for a client
// that only takes gzip), decode to the identity bytes, and revalidate per
// coding; XLSX and PDF come as they are.
func TestPublicAnswersCompressed(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		srv, _, detail, file := publicSite(t, d, time.Minute)
		xa := "/xa/" + demo.CommuneCode
		for _, p := range []string{xa, detail, xa + "/cong-khai", xa + "/cong-khai.atom", "/minh-bach.json", "/minh-bach", "/open311/v2/services.json",
			xa + "/phan-anh/thong-ke.xlsx", file} {
			plain, identity := rawGet(t, srv, "GET", p, nil)
			if plain.StatusCode != 200 {
				t.Fatalf("%s: %d", p, plain.StatusCode)
			}
			compressible := !strings.Contains(p, ".xlsx") && p != file
			if (p == xa || p == detail) && len(identity) < 1024 {
				t.Fatalf("%s is %d bytes: too short to test compression", p, len(identity))
			}
			for _, tt := range []struct{ accept, enc string }{{"gzip, deflate, br, zstd", "br"}, {"gzip", "gzip"}, {"gzip;q=0, br;q=0", ""}} {
				want := tt.enc
				if !compressible || len(identity) < 1024 {
					want = ""
				}
				resp, body := rawGet(t, srv, "GET", p, http.Header{"Accept-Encoding": {tt.accept}})
				if got := resp.Header.Get("Content-Encoding"); got != want {
					t.Errorf("%s with %q: Content-Encoding %q, want %q (%d bytes)", p, tt.accept, got, want, len(identity))
					continue
				}
				if compressible && !strings.Contains(strings.Join(resp.Header.Values("Vary"), ","), "Accept-Encoding") {
					t.Errorf("%s: Vary %q", p, resp.Header.Values("Vary"))
				}
				if strings.Contains(p, ".xlsx") {
					continue // rebuilt each time: its bytes may differ
				}
				if got := decodeBody(t, want, body); string(got) != string(identity) {
					t.Errorf("%s in %s does not decode to the identity bytes", p, want)
				}
				tag := resp.Header.Get("ETag")
				if want != "" && tag != strings.TrimSuffix(plain.Header.Get("ETag"), `"`)+map[string]string{"br": "-br", "gzip": "-gz"}[want]+`"` {
					t.Errorf("%s in %s: ETag %q, identity %q", p, want, tag, plain.Header.Get("ETag"))
				}
				again, b := rawGet(t, srv, "GET", p, http.Header{"Accept-Encoding": {tt.accept}, "If-None-Match": {tag}})
				if again.StatusCode != http.StatusNotModified || len(b) != 0 || again.Header.Get("ETag") != tag {
					t.Errorf("%s in %q again: %d, %d bytes, ETag %q want %q", p, want, again.StatusCode, len(b), again.Header.Get("ETag"), tag)
				}
			}
		}
	})
}

// decodeBody undoes a Content-Encoding.
func decodeBody(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var r io.Reader = bytes.NewReader(body)
	switch enc {
	case "":
		return body
	case "gzip":
		gr, err := gzip.NewReader(r)
		if err != nil {
			t.Fatal(err)
		}
		r = gr
	case "br":
		r = brotli.NewReader(r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s: %v", enc, err)
	}
	return b
}
