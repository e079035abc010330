package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultPublicMaxAge is how long a shared cache or a browser may keep an
// anonymous public page without asking again (--public-max-age).
const DefaultPublicMaxAge = 60 * time.Second

// maxStale bounds stale-while-revalidate: ten times max-age, at most a day.
const maxStale = 24 * time.Hour

// maxTaggedBody is the largest answer the shell holds to give it an ETag; a
// longer one (a big export) is streamed without one.
const maxTaggedBody = 8 << 20

// publicCacheControl is the Cache-Control of an anonymous public page:
// max-age from maxAge, stale-while-revalidate ten times that (capped); 0
// asks every cache to revalidate each time (the ETag keeps that cheap).
func publicCacheControl(maxAge time.Duration) string {
	n := int64(maxAge / time.Second)
	if n <= 0 {
		return "public, no-cache"
	}
	stale := min(10*maxAge, maxStale)
	return "public, max-age=" + strconv.FormatInt(n, 10) + ", stale-while-revalidate=" + strconv.FormatInt(int64(stale/time.Second), 10)
}

// cachePolicy writes the caching headers of an answer to GET or HEAD that its
// handler left without a Cache-Control (the one rule, see ARCHITECTURE "Web
// conventions: caching and compression"):
//   - an answer that sets a cookie is private (whatever the handler said);
//   - a 200 is public for max-age, Vary: Cookie (the language and the
//     session are cookies: a shared cache keeps the anonymous page per
//     language and never gives it to a signed-in viewer);
//   - anything else (an error page, a redirect) is no-store.
//
// The private addresses and every answer to a signed-in viewer already carry
// no-store (headers.go) and are left alone.
func (s *Server) cachePolicy(h http.Header, r *http.Request, status int) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return
	}
	cc := h.Get("Cache-Control")
	if len(h.Values("Set-Cookie")) > 0 {
		if !strings.Contains(cc, "no-store") {
			h.Set("Cache-Control", "private, no-cache")
		}
		return
	}
	if cc != "" {
		return
	}
	if status != http.StatusOK && status != http.StatusNotModified {
		h.Set("Cache-Control", "no-store")
		return
	}
	h.Set("Cache-Control", s.publicCC)
	addVary(h, "Cookie")
}

// addVary adds token to the answer's one Vary line (nginx before 1.23 reads
// only one of several).
func addVary(h http.Header, token string) {
	vs := h["Vary"]
	if len(vs) == 0 {
		h["Vary"] = []string{token}
		return
	}
	if len(vs) == 1 && !strings.Contains(vs[0], ",") && strings.EqualFold(strings.TrimSpace(vs[0]), token) {
		return
	}
	var all []string
	for _, v := range h.Values("Vary") {
		for _, t := range strings.Split(v, ",") {
			if t = strings.TrimSpace(t); t != "" {
				if strings.EqualFold(t, token) {
					return
				}
				all = append(all, t)
			}
		}
	}
	h.Set("Vary", strings.Join(append(all, token), ", "))
}

// SetPublicMaxAge sets how long anonymous public pages may be kept by caches
// (--public-max-age; 0: no-cache, revalidated every time).
func (s *Server) SetPublicMaxAge(d time.Duration) { s.publicCC = publicCacheControl(d) }

// ETagOf is the strong entity tag of a representation: a hash of its bytes.
func ETagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:12]) + `"`
}

// ifNoneMatch is the request's If-None-Match, its lines joined (a client may
// send the list over several).
func ifNoneMatch(r *http.Request) string { return strings.Join(r.Header.Values("If-None-Match"), ",") }

// NoneMatch reports whether an If-None-Match header lists tag (or is "*"),
// comparing weakly as RFC 9110 §13.1.2 asks.
func NoneMatch(header, tag string) bool {
	tag = strings.TrimPrefix(tag, "W/")
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == tag {
			return true
		}
	}
	return false
}

var bufPool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putBuf returns a buffer to the pool unless a big export grew it: the pool
// keeps page-sized buffers, not megabytes for each idle one.
func putBuf(b *bytes.Buffer) {
	if b.Cap() <= 1<<20 {
		bufPool.Put(b)
	}
}

// deliver applies cachePolicy to every answer, and gives a cacheable 200 to
// GET or HEAD that has no ETag of its own (pages, feeds, exports) a strong
// ETag from its bytes, answering If-None-Match with 304 and no body. A
// handler that sets its ETag (files: http.ServeContent) answers conditional
// requests itself.
func (s *Server) deliver(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := &deliverWriter{ResponseWriter: w, r: r, s: s}
		next.ServeHTTP(d, r)
		d.finish()
	})
}

type deliverWriter struct {
	http.ResponseWriter
	r      *http.Request
	s      *Server
	status int
	buf    *bytes.Buffer // the body held for its ETag
}

func (d *deliverWriter) WriteHeader(code int) {
	if code < 200 {
		d.ResponseWriter.WriteHeader(code)
		return
	}
	if d.status != 0 {
		return
	}
	d.status = code
	h := d.Header()
	d.s.cachePolicy(h, d.r, code)
	if (d.r.Method == http.MethodGet || d.r.Method == http.MethodHead) && code == http.StatusOK && h.Get("ETag") == "" &&
		!strings.Contains(h.Get("Cache-Control"), "no-store") && h.Get("Content-Encoding") == "" && h.Get("Content-Range") == "" {
		d.buf = bufPool.Get().(*bytes.Buffer)
		d.buf.Reset()
		return
	}
	d.ResponseWriter.WriteHeader(code)
}

func (d *deliverWriter) Write(b []byte) (int, error) {
	if d.status == 0 {
		d.WriteHeader(http.StatusOK)
	}
	if d.buf != nil {
		if d.buf.Len()+len(b) <= maxTaggedBody {
			return d.buf.Write(b)
		}
		d.release() // too long to hold: stream it, untagged
	}
	return d.ResponseWriter.Write(b)
}

// release sends what is held and stops holding.
func (d *deliverWriter) release() {
	buf := d.buf
	d.buf = nil
	d.ResponseWriter.WriteHeader(d.status)
	d.ResponseWriter.Write(buf.Bytes())
	putBuf(buf)
}

// Flush sends what is held (a streaming handler gives up its ETag).
func (d *deliverWriter) Flush() {
	if d.status == 0 {
		d.WriteHeader(http.StatusOK)
	}
	if d.buf != nil {
		d.release()
	}
	http.NewResponseController(d.ResponseWriter).Flush()
}

func (d *deliverWriter) Unwrap() http.ResponseWriter { return d.ResponseWriter }

func (d *deliverWriter) finish() {
	if d.buf == nil {
		return
	}
	buf := d.buf
	d.buf = nil
	defer putBuf(buf)
	h := d.Header()
	tag := ETagOf(buf.Bytes())
	h.Set("ETag", tag)
	if inm := ifNoneMatch(d.r); inm != "" && NoneMatch(inm, tag) {
		h.Del("Content-Type")
		h.Del("Content-Length")
		d.ResponseWriter.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	d.ResponseWriter.WriteHeader(d.status)
	d.ResponseWriter.Write(buf.Bytes())
}
