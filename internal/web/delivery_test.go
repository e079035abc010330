package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// testFiles are the files of deliveryServer's /tep/{name}, served as
// disclosure files are (http.ServeContent, their own ETag).
var testFiles = map[string]struct {
	contentType, tag string
	body             []byte
}{
	"a.pdf": {"application/pdf", `"abc123"`, []byte("%PDF-1.7 nội dung tệp " + strings.Repeat("x", 3000))},
	"b.txt": {"text/plain; charset=utf-8", `"txt456"`, []byte(strings.Repeat("Biên bản họp thôn. ", 300))},
	"d.pdf": {"application/pdf", `"dash-gz"`, []byte("%PDF-1.7 a tag that ends as a coding's suffix does")},
	"c.png": {"image/png", `"png789"`, append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 4000)...)},
}

// deliveryServer is a shell with the routes of each kind of answer, and a
// stand-in for the identity middleware: the cookie "session" signs in, a
// visitor without the "danchu_csrf" cookie is offered one.
func deliveryServer(t *testing.T, maxAge time.Duration) *httptest.Server {
	t.Helper()
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	s.SetPublicMaxAge(maxAge)
	fsys := fstest.MapFS{
		"templates/plain.html": {Data: []byte(`{{define "content"}}<h1>Xã Hương Long</h1><p>` + strings.Repeat("Thông tin công khai. ", 200) + `</p>{{end}}`)},
		"templates/form.html":  {Data: []byte(`{{define "content"}}<form method="post" action="/gui">{{template "csrf" $}}<button>Gửi</button></form>{{end}}`)},
	}
	plain, err := s.Page(fsys, "templates/plain.html")
	if err != nil {
		t.Fatal(err)
	}
	form, err := s.Page(fsys, "templates/form.html")
	if err != nil {
		t.Fatal(err)
	}
	s.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := web.Viewer{CSRF: "visitor-token"}
			if _, err := r.Cookie("session"); err == nil {
				v = web.Viewer{Name: "Lê Văn Hai", SignedIn: true, CSRF: "session-token"}
			} else if c, err := r.Cookie("danchu_csrf"); err == nil {
				v.CSRF = c.Value
			} else {
				v.CSRFCookie = &http.Cookie{Name: "danchu_csrf", Value: "visitor-token", Path: "/", HttpOnly: true}
			}
			next.ServeHTTP(w, web.WithViewer(r, v))
		})
	})
	s.HandleFunc("GET /xa/{code}", func(w http.ResponseWriter, r *http.Request) { s.Render(w, r, plain, "Xã", nil) })
	s.HandleFunc("GET /xa/{code}/phan-anh", func(w http.ResponseWriter, r *http.Request) { s.Render(w, r, form, "Phản ánh", nil) })
	s.HandleFunc("GET /quan-tri/don-vi/{code}", func(w http.ResponseWriter, r *http.Request) { s.Render(w, r, plain, "Quản trị", nil) })
	s.HandleFunc("GET /xa/{code}/cong-khai.atom", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Write([]byte(`<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"></feed>`))
	})
	s.HandleFunc("GET /tep/{name}", func(w http.ResponseWriter, r *http.Request) {
		f, ok := testFiles[r.PathValue("name")]
		if !ok {
			s.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", f.contentType)
		w.Header().Set("Cache-Control", "public, no-cache")
		w.Header().Set("ETag", f.tag)
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	})
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, srv *httptest.Server, method, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, nil)
	req.Header.Set("Accept-Encoding", "identity") // unless the test says otherwise
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no redirects followed, no transparent gzip
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestCachingHeadersPerKind: each kind of answer carries the Cache-Control of
// the contract (ARCHITECTURE "Web conventions: caching and compression"), an
// anonymous page without a form sets no cookie, a page with one sets the
// visitor's token and is private.
func TestCachingHeadersPerKind(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	public := "public, max-age=60, stale-while-revalidate=600"
	tests := []struct {
		name, method, path string
		header             map[string]string
		status             int
		cacheControl       string
		cookie             bool   // a Set-Cookie is expected
		vary               string // a Vary value expected ("" : none of Cookie)
		etag               bool
	}{
		{"AnonymousPage", "GET", "/xa/19885", nil, 200, public, false, "Cookie", true},
		{"AnonymousPageHead", "HEAD", "/xa/19885", nil, 200, public, false, "Cookie", true},
		{"FormPageSetsTokenPrivate", "GET", "/xa/19885/phan-anh", nil, 200, "private, no-cache", true, "", true},
		{"FormPageWithTokenStillPrivate", "GET", "/xa/19885/phan-anh", map[string]string{"Cookie": "danchu_csrf=visitor-token"}, 200, "private, no-cache", false, "", true},
		{"SignedInNoStore", "GET", "/xa/19885", map[string]string{"Cookie": "session=x"}, 200, "no-store", false, "", false},
		{"SignedInFormNoStore", "GET", "/xa/19885/phan-anh", map[string]string{"Cookie": "session=x"}, 200, "no-store", false, "", false},
		{"BackOfficeNoStore", "GET", "/quan-tri/don-vi/19885", nil, 200, "no-store", false, "", false},
		{"NotFoundNoStore", "GET", "/khong-co", nil, 404, "no-store", false, "", false},
		{"RedirectWithCookiePrivate", "GET", "/ngon-ngu?lang=en&next=/xa/19885", nil, 303, "private, no-cache", true, "", false},
		{"Feed", "GET", "/xa/19885/cong-khai.atom", nil, 200, public, false, "Cookie", true},
		{"FileKeepsItsOwnRule", "GET", "/tep/a.pdf", nil, 200, "public, no-cache", false, "", true},
		{"PostNotTouched", "POST", "/xa/19885", map[string]string{"Sec-Fetch-Site": "same-origin"}, 404, "", false, "", false},
		{"Probe", "GET", "/readyz", nil, 200, "no-store", false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := get(t, srv, tt.method, tt.path, tt.header)
			h := resp.Header
			if resp.StatusCode != tt.status || h.Get("Cache-Control") != tt.cacheControl {
				t.Fatalf("%s %s = %d, Cache-Control %q; want %d, %q", tt.method, tt.path, resp.StatusCode, h.Get("Cache-Control"), tt.status, tt.cacheControl)
			}
			if got := len(h.Values("Set-Cookie")) > 0; got != tt.cookie {
				t.Errorf("Set-Cookie %q, want one: %v", h.Values("Set-Cookie"), tt.cookie)
			}
			if vary := strings.Join(h.Values("Vary"), ","); (tt.vary != "") != strings.Contains(vary, "Cookie") {
				t.Errorf("Vary %q, want Cookie: %v", vary, tt.vary != "")
			}
			if got := h.Get("ETag") != ""; got != tt.etag {
				t.Errorf("ETag %q, want one: %v", h.Get("ETag"), tt.etag)
			}
			if tt.method == "HEAD" && body != "" {
				t.Errorf("HEAD has a body of %d bytes", len(body))
			}
			if m := formToken.FindStringSubmatch(body); tt.name == "FormPageSetsTokenPrivate" && (m == nil || !web.TokenMatches(m[1], "visitor-token")) {
				t.Errorf("the form lacks the token of the cookie: %.300s", body)
			}
		})
	}
	// GET and HEAD agree on the tag and the length.
	g, gb := get(t, srv, "GET", "/xa/19885", nil)
	hd, _ := get(t, srv, "HEAD", "/xa/19885", nil)
	if g.Header.Get("ETag") != hd.Header.Get("ETag") || hd.Header.Get("Content-Length") != g.Header.Get("Content-Length") || g.ContentLength != int64(len(gb)) {
		t.Errorf("GET %q %q (%d bytes), HEAD %q %q", g.Header.Get("ETag"), g.Header.Get("Content-Length"), len(gb), hd.Header.Get("ETag"), hd.Header.Get("Content-Length"))
	}
}

// TestPublicMaxAgeSetting: the flag's value is max-age, stale-while-revalidate
// ten times it (at most a day), 0 makes caches ask every time.
func TestPublicMaxAgeSetting(t *testing.T) {
	for _, tt := range []struct {
		age  time.Duration
		want string
	}{
		{0, "public, no-cache"},
		{2 * time.Second, "public, max-age=2, stale-while-revalidate=20"},
		{web.DefaultPublicMaxAge, "public, max-age=60, stale-while-revalidate=600"},
		{6 * time.Hour, "public, max-age=21600, stale-while-revalidate=86400"},
	} {
		srv := deliveryServer(t, tt.age)
		resp, _ := get(t, srv, "GET", "/xa/19885", nil)
		if got := resp.Header.Get("Cache-Control"); got != tt.want {
			t.Errorf("max age %s: Cache-Control %q, want %q", tt.age, got, tt.want)
		}
	}
}

// TestNotModified: a repeat visit with the tag it was given is a 304 without a
// body and with the caching headers; another tag, a weak form of the same tag,
// a list and * behave as RFC 9110 says.
func TestNotModified(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	first, body := get(t, srv, "GET", "/xa/19885", nil)
	tag := first.Header.Get("ETag")
	if !regexp.MustCompile(`^"[A-Za-z0-9_-]{16}"$`).MatchString(tag) || len(body) < 1000 {
		t.Fatalf("ETag %q, body %d bytes", tag, len(body))
	}
	if again, _ := get(t, srv, "GET", "/xa/19885", nil); again.Header.Get("ETag") != tag {
		t.Fatalf("the same page has another tag: %q, %q", again.Header.Get("ETag"), tag)
	}
	if web.ETagOf([]byte(body)) != tag {
		t.Fatalf("the tag %q is not of the bytes (%q)", tag, web.ETagOf([]byte(body)))
	}
	tests := []struct {
		name, method, path, inm string
		status                  int
	}{
		{"SameTag", "GET", "/xa/19885", tag, 304},
		{"SameTagHead", "HEAD", "/xa/19885", tag, 304},
		{"WeakForm", "GET", "/xa/19885", "W/" + tag, 304},
		{"InAList", "GET", "/xa/19885", `"nope", ` + tag, 304},
		{"Star", "GET", "/xa/19885", "*", 304},
		{"OtherTag", "GET", "/xa/19885", `"nope"`, 200},
		{"FileByItsTag", "GET", "/tep/a.pdf", `"abc123"`, 304},
		{"FileOtherTag", "GET", "/tep/a.pdf", `"abc124"`, 200},
		{"TagEndingLikeASuffix", "GET", "/tep/d.pdf", `"dash-gz"`, 304},
		{"TagEndingLikeASuffixGzip", "GET", "/tep/d.pdf", `W/"dash-gz", "x"`, 304},
		{"SignedInNeverRevalidated", "GET", "/xa/19885", tag, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"If-None-Match": tt.inm}
			if tt.name == "SignedInNeverRevalidated" {
				h["Cookie"] = "session=x"
			}
			resp, b := get(t, srv, tt.method, tt.path, h)
			if resp.StatusCode != tt.status {
				t.Fatalf("If-None-Match %s: %d, want %d", tt.inm, resp.StatusCode, tt.status)
			}
			if tt.status == 304 {
				if b != "" || resp.Header.Get("ETag") == "" || resp.Header.Get("Cache-Control") == "" {
					t.Errorf("304 with %d bytes, ETag %q, Cache-Control %q", len(b), resp.Header.Get("ETag"), resp.Header.Get("Cache-Control"))
				}
			} else if b == "" && tt.method == "GET" {
				t.Error("200 without a body")
			}
		})
	}
}

// TestNoticeClearedOnlyWhenCarried: a page clears the notice cookie only for
// the request that brought one (and is then no-store); otherwise it sets none.
func TestNoticeClearedOnlyWhenCarried(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	resp, _ := get(t, srv, "GET", "/xa/19885", map[string]string{"Cookie": "danchu_notice=web.done.test"})
	if c := strings.Join(resp.Header.Values("Set-Cookie"), ";"); !strings.Contains(c, "danchu_notice=;") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Errorf("with a notice: Set-Cookie %q, Cache-Control %q", c, resp.Header.Get("Cache-Control"))
	}
	resp, _ = get(t, srv, "GET", "/xa/19885", nil)
	if c := resp.Header.Values("Set-Cookie"); len(c) != 0 {
		t.Errorf("without a notice: Set-Cookie %q", c)
	}
}

// TestStaticUnderItsHash: an asset is served, immutable, only under the hash
// of its bytes; under another hash it is a redirect no cache keeps.
func TestStaticUnderItsHash(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	_, page := get(t, srv, "GET", "/xa/19885", nil)
	m := regexp.MustCompile(`href="(/static/([0-9a-f]+)/app\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no style sheet link")
	}
	resp, css := get(t, srv, "GET", m[1], nil)
	if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "public, max-age=31536000, immutable" || resp.Header.Get("ETag") != `"`+m[2]+`"` {
		t.Fatalf("%s: %d %q %q", m[1], resp.StatusCode, resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
	}
	if web.AssetHash([]byte(css)) != m[2] {
		t.Errorf("the hash in the name %s is not of the bytes served", m[2])
	}
	for _, bad := range []string{"/static/000000000000/app.css", "/static/x/app.css"} {
		resp, _ := get(t, srv, "GET", bad, nil)
		if resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != m[1] || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("%s: %d to %q, Cache-Control %q", bad, resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Cache-Control"))
		}
	}
	if resp, _ := get(t, srv, "GET", "/static/"+m[2]+"/nothing.css", nil); resp.StatusCode != 404 {
		t.Errorf("a missing asset: %d", resp.StatusCode)
	}
}

// A client may send its tags over several If-None-Match lines: every line
// counts, on a page as on the API (one implementation, delivery.go).
func TestNotModifiedOverSeveralLines(t *testing.T) {
	srv := deliveryServer(t, time.Minute)
	for _, path := range []string{"/xa/19885", "/xa/19885/cong-khai.atom"} {
		first, _ := get(t, srv, "GET", path, nil)
		tag := first.Header.Get("ETag")
		if tag == "" {
			t.Fatalf("%s: no ETag", path)
		}
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		req.Header.Add("If-None-Match", `"nope"`)
		req.Header.Add("If-None-Match", tag)
		resp, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotModified {
			t.Errorf("%s with its tag on the second line: %d, want 304", path, resp.StatusCode)
		}
	}
}
