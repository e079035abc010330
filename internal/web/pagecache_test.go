package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// cacheSite is a server with cached pages whose signature and output the test
// sets, and which counts how often each handler really ran.
type cacheSite struct {
	s        *web.Server
	reg      *prometheus.Registry
	sig      atomic.Value // string
	rendered atomic.Int64
	sigReads atomic.Int64
	h        http.Handler
}

func newCacheSite(t testing.TB, budget int64) *cacheSite {
	t.Helper()
	c := &cacheSite{reg: prometheus.NewRegistry()}
	s, err := web.NewServer(slog.New(slog.DiscardHandler), c.reg, func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	c.s = s
	s.SetPageCacheBytes(budget)
	s.SetPageCacheCheck(0) // the signature read on every request (TestPageCacheTrustsASignatureForAWhile: the default)
	c.sig.Store("v1")
	// What the identity middleware of auth does: a signed-in viewer, a form token.
	s.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v := web.Viewer{SignedIn: r.Header.Get("X-Test-Signed-In") != "", CSRF: r.Header.Get("X-Test-Token")}
			next.ServeHTTP(w, web.WithViewer(r, v))
		})
	})
	sig := func(r *http.Request) (string, error) {
		c.sigReads.Add(1)
		switch v := c.sig.Load().(string); v {
		case "error":
			return "", errors.New("database gone")
		default:
			return v, nil
		}
	}
	page := func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<p>%s %s %s %s</p>", r.URL.RequestURI(), c.sig.Load(), web.ViewerOf(r).CSRF, strings.Repeat("x", 100))
	}
	s.CachedPage("GET /trang/{n}", sig, page, "a", "truoc")
	s.CachedPage("GET /quan-tri/trang", sig, page)
	s.CachedPage("POST /trang/{n}", sig, page)
	s.CachedPage("GET /form", sig, func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		fmt.Fprintf(w, `<form><input type="hidden" name="csrf" value="%s"></form>`, web.ViewerOf(r).CSRF)
	})
	s.CachedPage("GET /cookie", sig, func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		http.SetCookie(w, &http.Cookie{Name: "x", Value: "1"})
		w.Write([]byte("set"))
	})
	s.CachedPage("GET /private", sig, func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		w.Header().Set("Cache-Control", "private, no-cache")
		w.Write([]byte("mine"))
	})
	s.CachedPage("GET /missing", sig, func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		s.NotFound(w, r)
	})
	s.CachedPage("GET /long", sig, func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<p>%s</p>", strings.Repeat("Công khai ngân sách xã. ", 200))
	})
	s.CachedPage("GET /big", sig, func(w http.ResponseWriter, r *http.Request) {
		c.rendered.Add(1)
		w.Write([]byte(strings.Repeat("b", 64<<10)))
	})
	c.h = s.Handler()
	return c
}

// get serves one request in process and returns the response.
func (c *cacheSite) get(method, path string, header ...string) *http.Response {
	r := httptest.NewRequest(method, path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Add(header[i], header[i+1])
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, r)
	return w.Result()
}

func (c *cacheSite) metric(t testing.TB, name string) float64 {
	t.Helper()
	mfs, err := c.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		m := mf.GetMetric()[0]
		if m.Counter != nil {
			return m.Counter.GetValue()
		}
		return m.Gauge.GetValue()
	}
	t.Fatalf("no metric %s", name)
	return 0
}

func body(t testing.TB, resp *http.Response) string {
	t.Helper()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestPageCacheServesWhatTheHandlerWrote(t *testing.T) {
	c := newCacheSite(t, 1<<20)
	first := c.get("GET", "/trang/1?a=b")
	want := body(t, first)
	again := c.get("GET", "/trang/1?a=b")
	if got := body(t, again); got != want || again.StatusCode != 200 {
		t.Fatalf("from the cache: %d %q, want %q", again.StatusCode, got, want)
	}
	if n := c.rendered.Load(); n != 1 {
		t.Fatalf("rendered %d times, want 1", n)
	}
	for _, h := range []string{"Content-Type", "Content-Security-Policy", "X-Request-ID"} {
		if again.Header.Get(h) == "" {
			t.Errorf("a cached answer lacks %s", h)
		}
	}
	if again.Header.Get("X-Request-ID") == first.Header.Get("X-Request-ID") {
		t.Error("a cached answer repeats the request ID of the one it was rendered for")
	}
	if got := again.Header.Get("Content-Length"); got != fmt.Sprint(len(want)) {
		t.Errorf("Content-Length %q, want %d", got, len(want))
	}
	head := c.get("HEAD", "/trang/1?a=b")
	if head.StatusCode != 200 || head.Header.Get("Content-Length") != fmt.Sprint(len(want)) || c.rendered.Load() != 1 {
		t.Errorf("HEAD: %d, length %q, rendered %d", head.StatusCode, head.Header.Get("Content-Length"), c.rendered.Load())
	}
	// The shell's caching contract holds for a cached answer: its ETag (of
	// these bytes, made once), its Cache-Control, and 304 to If-None-Match.
	tag := again.Header.Get("ETag")
	if tag != web.ETagOf([]byte(want)) || first.Header.Get("ETag") != tag {
		t.Errorf("ETag %q then %q, want %q", first.Header.Get("ETag"), tag, web.ETagOf([]byte(want)))
	}
	if cc := again.Header.Get("Cache-Control"); cc != first.Header.Get("Cache-Control") || !strings.HasPrefix(cc, "public") {
		t.Errorf("Cache-Control %q from the cache, %q rendered", cc, first.Header.Get("Cache-Control"))
	}
	for _, inm := range []string{tag, `"other", ` + tag, "W/" + tag, "*"} {
		resp := c.get("GET", "/trang/1?a=b", "If-None-Match", inm)
		if got := body(t, resp); resp.StatusCode != http.StatusNotModified || got != "" || resp.Header.Get("ETag") != tag {
			t.Errorf("If-None-Match %s: %d %q, ETag %q", inm, resp.StatusCode, got, resp.Header.Get("ETag"))
		}
	}
	if resp := c.get("GET", "/trang/1?a=b", "If-None-Match", `"other"`); resp.StatusCode != 200 || body(t, resp) != want {
		t.Errorf("another ETag: %d", resp.StatusCode)
	}
	if n := c.rendered.Load(); n != 1 {
		t.Fatalf("rendered %d times, want 1", n)
	}
	if h, m := c.metric(t, "danchu_page_cache_hits_total"), c.metric(t, "danchu_page_cache_misses_total"); h != 7 || m != 1 {
		t.Errorf("hits %v misses %v, want 7 and 1", h, m)
	}
	if b := c.metric(t, "danchu_page_cache_bytes"); b < float64(len(want)) {
		t.Errorf("bytes %v, less than the body (%d)", b, len(want))
	}
}

// A client that takes brotli or gzip gets the kept page compressed once, with
// the compression middleware's tags, and revalidates it.
func TestPageCacheKeepsCompressedCopies(t *testing.T) {
	c := newCacheSite(t, 1<<20)
	plain := c.get("GET", "/long")
	want, tag := body(t, plain), plain.Header.Get("ETag")
	for _, tt := range []struct{ accept, enc, suffix string }{
		{"gzip, deflate, br", "br", "-br"},
		{"gzip;q=1, br;q=0.5", "gzip", "-gz"},
	} {
		var bytesAfterFirst float64
		for i := range 2 {
			resp := c.get("GET", "/long", "Accept-Encoding", tt.accept)
			if vary := resp.Header.Values("Vary"); resp.Header.Get("Content-Encoding") != tt.enc || len(vary) != 1 || !strings.Contains(vary[0], "Accept-Encoding") || !strings.Contains(vary[0], "Cookie") {
				t.Fatalf("%s: Content-Encoding %q, Vary %q", tt.accept, resp.Header.Get("Content-Encoding"), resp.Header.Values("Vary"))
			}
			if got := decode(t, tt.enc, body(t, resp)); got != want {
				t.Fatalf("%s: decodes to %d bytes, not the page's %d", tt.accept, len(got), len(want))
			}
			if got := resp.Header.Get("ETag"); got != strings.TrimSuffix(tag, `"`)+tt.suffix+`"` {
				t.Errorf("%s: ETag %q (identity %q)", tt.accept, got, tag)
			}
			if n, _ := strconv.Atoi(resp.Header.Get("Content-Length")); n == 0 || n >= len(want) {
				t.Errorf("%s: Content-Length %q of a %d-byte page", tt.accept, resp.Header.Get("Content-Length"), len(want))
			}
			if i == 0 {
				bytesAfterFirst = c.metric(t, "danchu_page_cache_bytes")
			} else if b := c.metric(t, "danchu_page_cache_bytes"); b != bytesAfterFirst {
				t.Errorf("%s: the second request compressed again (%v bytes, then %v)", tt.accept, bytesAfterFirst, b)
			}
		}
		resp := c.get("GET", "/long", "Accept-Encoding", tt.accept, "If-None-Match", strings.TrimSuffix(tag, `"`)+tt.suffix+`"`)
		if resp.StatusCode != http.StatusNotModified || resp.Header.Get("ETag") != strings.TrimSuffix(tag, `"`)+tt.suffix+`"` {
			t.Errorf("%s: revalidated %d with ETag %q", tt.accept, resp.StatusCode, resp.Header.Get("ETag"))
		}
	}
	if resp := c.get("GET", "/long"); resp.Header.Get("Content-Encoding") != "" || body(t, resp) != want {
		t.Errorf("identity asked, %q sent", resp.Header.Get("Content-Encoding"))
	}
	if resp := c.get("HEAD", "/long", "Accept-Encoding", "br"); resp.Header.Get("Content-Encoding") != "br" || body(t, resp) != "" {
		t.Errorf("HEAD: %q", resp.Header.Get("Content-Encoding"))
	}
	if n := c.rendered.Load(); n != 1 {
		t.Errorf("rendered %d times, want 1", n)
	}
}

// Every part of the key and the signature gives its own page.
func TestPageCacheKey(t *testing.T) {
	c := newCacheSite(t, 1<<20)
	tests := []struct {
		name   string
		path   string
		header []string
		sig    string
		render bool // a new rendering, not the cached one
	}{
		{"first", "/trang/1", nil, "v1", true},
		{"same", "/trang/1", nil, "v1", false},
		{"other path", "/trang/2", nil, "v1", true},
		{"other query", "/trang/1?truoc=5", nil, "v1", true},
		{"both parameters", "/trang/1?truoc=5&a=b", nil, "v1", true},
		{"english", "/trang/1", []string{"Cookie", "lang=en"}, "v1", true},
		{"english again", "/trang/1", []string{"Cookie", "lang=en"}, "v1", false},
		{"signature moved", "/trang/1", nil, "v2", true},
		{"moved, again", "/trang/1", nil, "v2", false},
		{"query of the old signature", "/trang/1?truoc=5", nil, "v2", true},
	}
	for _, tt := range tests {
		c.sig.Store(tt.sig)
		before := c.rendered.Load()
		got := body(t, c.get("GET", tt.path, tt.header...))
		if rendered := c.rendered.Load() > before; rendered != tt.render {
			t.Errorf("%s: rendered %v, want %v", tt.name, rendered, tt.render)
		}
		if !strings.Contains(got, tt.sig) {
			t.Errorf("%s: %q is not the page of signature %s", tt.name, got, tt.sig)
		}
	}
	if n := c.metric(t, "danchu_page_cache_entries"); n != 5 {
		t.Errorf("%v entries, want 5 (an entry replaced by its new signature)", n)
	}
}

// What is never kept: every request of these renders again.
func TestPageCacheRefuses(t *testing.T) {
	tests := []struct {
		name, method, path string
		header             []string
		sig                string
		budget             int64
		status             int
	}{
		{"signed-in viewer", "GET", "/trang/1", []string{"X-Test-Signed-In", "1"}, "v1", 1 << 20, 200},
		{"back office", "GET", "/quan-tri/trang", nil, "v1", 1 << 20, 200},
		{"post", "POST", "/trang/1", nil, "v1", 1 << 20, 200},
		{"page with the viewer's form token", "GET", "/form", []string{"X-Test-Token", "TOKEN123"}, "v1", 1 << 20, 200},
		{"page that sets a cookie", "GET", "/cookie", nil, "v1", 1 << 20, 200},
		{"page its handler calls private", "GET", "/private", nil, "v1", 1 << 20, 200},
		{"notice to show once", "GET", "/trang/1", []string{"Cookie", "danchu_notice=web.done.x"}, "v1", 1 << 20, 200},
		{"not found", "GET", "/missing", nil, "v1", 1 << 20, 404},
		{"room says no", "GET", "/trang/1", nil, "", 1 << 20, 200},
		{"signature failed", "GET", "/trang/1", nil, "error", 1 << 20, 200},
		{"cache off", "GET", "/trang/1", nil, "v1", 0, 200},
		{"larger than an eighth of the budget", "GET", "/big", nil, "v1", 256 << 10, 200},
		{"a query parameter the page does not read", "GET", "/trang/1?a=b&utm=x", nil, "v1", 1 << 20, 200},
		{"a parameter twice", "GET", "/trang/1?truoc=5&truoc=6", nil, "v1", 1 << 20, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newCacheSite(t, tt.budget)
			c.sig.Store(tt.sig)
			for i := range 3 {
				resp := c.get(tt.method, tt.path, tt.header...)
				if resp.StatusCode != tt.status {
					t.Fatalf("request %d: status %d, want %d", i, resp.StatusCode, tt.status)
				}
			}
			if n := c.rendered.Load(); n != 3 {
				t.Errorf("rendered %d times, want 3 (never from the cache)", n)
			}
			if n := c.metric(t, "danchu_page_cache_entries"); n != 0 {
				t.Errorf("%v entries kept", n)
			}
		})
	}
}

// The budget holds: pages are evicted by bytes, and a page read since the
// clock's hand last passed outlives one that was not.
func TestPageCacheEvictsByBytes(t *testing.T) {
	c := newCacheSite(t, 0)
	one := c.get("GET", "/trang/0") // the size of one entry, with the cache off
	size := len(body(t, one))
	budget := int64(8 * (size + 1024)) // room for a few pages, whatever the overhead
	c.s.SetPageCacheBytes(budget)
	c.get("GET", "/trang/hot")
	for i := range 40 {
		c.get("GET", "/trang/hot") // read between every new page: marked each time
		c.get("GET", fmt.Sprintf("/trang/%d", i))
		if b := c.metric(t, "danchu_page_cache_bytes"); b > float64(budget) {
			t.Fatalf("after %d pages: %v bytes over the budget of %d", i, b, budget)
		}
	}
	if c.metric(t, "danchu_page_cache_evictions_total") == 0 {
		t.Fatal("40 pages in a budget of a few, and none evicted")
	}
	before := c.rendered.Load()
	c.get("GET", "/trang/hot")
	if c.rendered.Load() != before {
		t.Error("the page read all along was evicted")
	}
	c.get("GET", "/trang/0")
	if c.rendered.Load() == before {
		t.Error("the oldest page never read again is still kept")
	}
	c.s.SetPageCacheBytes(0)
	if b, n := c.metric(t, "danchu_page_cache_bytes"), c.metric(t, "danchu_page_cache_entries"); b != 0 || n != 0 {
		t.Errorf("turned off: %v bytes in %v entries kept", b, n)
	}
}

// With a check time, a page is served without reading its signature until
// the time is over or this process handled an unsafe request.
func TestPageCacheTrustsASignatureForAWhile(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c := newCacheSite(t, 1<<20)
		c.s.SetPageCacheCheck(time.Second)
		page := func() string { return body(t, c.get("GET", "/trang/1")) }
		if got := page(); !strings.Contains(got, "v1") {
			t.Fatalf("first: %q", got)
		}
		reads := c.sigReads.Load()
		c.sig.Store("v2") // another process wrote
		time.Sleep(time.Second - time.Millisecond)
		if got := page(); !strings.Contains(got, "v1") || c.sigReads.Load() != reads {
			t.Errorf("within the check time: %q after %d more signature reads, want v1 without any", got, c.sigReads.Load()-reads)
		}
		time.Sleep(time.Millisecond)
		if got := page(); !strings.Contains(got, "v2") {
			t.Errorf("after the check time: %q, want v2", got)
		}
		c.sig.Store("v3") // this process writes: any unsafe request
		if resp := c.get("POST", "/trang/9"); resp.StatusCode != 200 {
			t.Fatalf("post: %d", resp.StatusCode)
		}
		if got := page(); !strings.Contains(got, "v3") {
			t.Errorf("after this process's post: %q, want v3 at once", got)
		}
		reads = c.sigReads.Load()
		if got := page(); !strings.Contains(got, "v3") || c.sigReads.Load() != reads || c.rendered.Load() != 4 {
			t.Errorf("again: %q, %d signature reads, rendered %d times (want v3, none, 4: three versions and the post)", got, c.sigReads.Load()-reads, c.rendered.Load())
		}
	})
}

// A stampede on a page not in the cache renders it once.
func TestPageCacheRendersOnceForAStampede(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		reg := prometheus.NewRegistry()
		s, err := web.NewServer(slog.New(slog.DiscardHandler), reg, func(context.Context) error { return nil })
		if err != nil {
			t.Fatal(err)
		}
		release := make(chan struct{})
		var rendered atomic.Int64
		s.CachedPage("GET /trang", func(*http.Request) (string, error) { return "v1", nil }, func(w http.ResponseWriter, r *http.Request) {
			rendered.Add(1)
			<-release
			w.Write([]byte("the page"))
		})
		h := s.Handler()
		const n = 20
		bodies := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest("GET", "/trang", nil))
				bodies[i] = w.Body.String()
			})
		}
		synctest.Wait() // one request renders, the others wait for it
		close(release)
		wg.Wait()
		if got := rendered.Load(); got != 1 {
			t.Errorf("rendered %d times for %d requests, want 1", got, n)
		}
		for i, b := range bodies {
			if b != "the page" {
				t.Errorf("request %d got %q", i, b)
			}
		}
	})
}

// Many readers and writers at once (go test -race).
func TestPageCacheConcurrent(t *testing.T) {
	c := newCacheSite(t, 64<<10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				path := fmt.Sprintf("/trang/%d", (g*7+i)%30)
				resp := c.get("GET", path)
				if got := body(t, resp); resp.StatusCode != 200 || !strings.Contains(got, path) {
					t.Errorf("%s: %d %q", path, resp.StatusCode, got)
					return
				}
				enc := []string{"br", "gzip", ""}[(g+i)%3] // compressed copies made and read at once
				long := c.get("GET", "/long", "Accept-Encoding", enc)
				if got := decode(t, long.Header.Get("Content-Encoding"), body(t, long)); long.StatusCode != 200 || !strings.HasPrefix(got, "<p>Công khai") {
					t.Errorf("/long in %q: %d, %d bytes", enc, long.StatusCode, len(got))
					return
				}
				if i%50 == 0 {
					c.sig.Store(fmt.Sprintf("v%d", i))
				}
			}
		})
	}
	wg.Wait()
	if b := c.metric(t, "danchu_page_cache_bytes"); b > 64<<10 {
		t.Errorf("%v bytes over the budget", b)
	}
}

// BenchmarkPageCacheHit is the whole shell (request ID, log, metrics,
// headers) answering a page from the cache: with its signature read on the
// request (a room's read costs what it costs on top) and within the check
// time (none read).
func BenchmarkPageCacheHit(b *testing.B) {
	for _, bc := range []struct {
		name  string
		check time.Duration
	}{{"signature", 0}, {"trusted", time.Hour}} {
		b.Run(bc.name, func(b *testing.B) {
			c := newCacheSite(b, 1<<20)
			c.s.SetPageCacheCheck(bc.check)
			c.get("GET", "/trang/1")
			r := httptest.NewRequest("GET", "/trang/1", nil)
			w := &discardWriter{h: http.Header{}}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				c.h.ServeHTTP(w, r)
			}
			if c.rendered.Load() != 1 {
				b.Fatal("not from the cache")
			}
		})
	}
}

type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// A page may carry links to the host it was asked for (Server.BaseURL when
// --base-url is not set): a request with a made-up Host must not leave its
// copy for everyone else. With a public address set, the host plays no part.
func TestPageCacheKeyHost(t *testing.T) {
	for _, public := range []string{"", "https://danchu.example"} {
		c := newCacheSite(t, 1<<20)
		c.s.Public = public
		get := func(host string) bool {
			r := httptest.NewRequest("GET", "/trang/1", nil)
			r.Host = host
			before := c.rendered.Load()
			c.h.ServeHTTP(httptest.NewRecorder(), r)
			return c.rendered.Load() > before
		}
		if !get("danchu.example") {
			t.Fatalf("public %q: the first request was not rendered", public)
		}
		if rendered := get("evil.example"); rendered != (public == "") {
			t.Errorf("public %q: another host rendered %v, want %v", public, rendered, public == "")
		}
		if get("danchu.example") {
			t.Errorf("public %q: the first host's page was not kept", public)
		}
	}
}

// A HEAD on an empty cache renders the page whole: the GET after it gets the
// body from the cache, not the empty answer the HEAD was sent.
func TestPageCacheHeadFirst(t *testing.T) {
	c := newCacheSite(t, 1<<20)
	head := c.get("HEAD", "/trang/9")
	if head.StatusCode != 200 || body(t, head) != "" {
		t.Fatalf("HEAD: %d with a body", head.StatusCode)
	}
	got := c.get("GET", "/trang/9")
	b := body(t, got)
	if got.StatusCode != 200 || !strings.Contains(b, "/trang/9 v1") || got.Header.Get("Content-Length") != strconv.Itoa(len(b)) {
		t.Errorf("GET after HEAD: %d %q (Content-Length %s)", got.StatusCode, b, got.Header.Get("Content-Length"))
	}
	if n := c.rendered.Load(); n != 1 {
		t.Errorf("rendered %d times, want 1 (the HEAD's rendering kept)", n)
	}
}
