package web

import (
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
)

// Compression levels, chosen by measuring the commune page and a disclosure
// page (BenchmarkCompression in internal/app; ARCHITECTURE "caching and
// compression" has the numbers): the smallest bodies for a few tens of
// microseconds per page. Levels above these buy a few per cent for several
// times the time.
const (
	GzipLevel      = 5
	BrotliQuality  = 5
	MinCompressLen = 1024 // a smaller body is sent as it is: a header and a frame would eat what is saved
)

// Encodings answered: brotli and gzip (identity always).
const (
	encBrotli = "br"
	encGzip   = "gzip"
)

var (
	gzipPool = sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(io.Discard, GzipLevel); return w }}
	brPool   = sync.Pool{New: func() any { return brotli.NewWriterLevel(io.Discard, BrotliQuality) }}
)

// Compressible reports whether a Content-Type is text worth compressing:
// HTML, CSS, JavaScript, SVG, JSON, XML and Atom, CSV, iCalendar, plain
// text. Images, PDF, XLSX, DOCX and ZIP are compressed already.
func Compressible(contentType string) bool {
	if contentType == "text/html; charset=utf-8" { // every page: no parse
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case strings.HasPrefix(mt, "text/"):
		return true
	case strings.HasSuffix(mt, "+json"), strings.HasSuffix(mt, "+xml"):
		return true
	}
	switch mt {
	case "application/json", "application/xml", "application/javascript", "application/geo+json":
		return true
	}
	return false
}

// negotiate picks the coding of an Accept-Encoding header: brotli if the
// client takes it at least as gladly as gzip, then gzip, else none (""). A
// coding with q=0 is refused; "*" stands for the codings not named.
func negotiate(accept string) string {
	if accept == "" {
		return ""
	}
	q := map[string]float64{}
	star := -1.0
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		v := 1.0
		for _, p := range strings.Split(params, ";") {
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				v = f
			}
		}
		if name == "x-gzip" {
			name = encGzip
		}
		if name == "*" {
			star = v
			continue
		}
		if old, ok := q[name]; !ok || v > old {
			q[name] = v
		}
	}
	weight := func(name string) float64 {
		if v, ok := q[name]; ok {
			return v
		}
		return max(star, 0)
	}
	br, gz := weight(encBrotli), weight(encGzip)
	switch {
	case br > 0 && br >= gz:
		return encBrotli
	case gz > 0:
		return encGzip
	}
	return ""
}

// tagSuffix is what a compressed representation's ETag carries inside its
// quotes: "abc" sent as gzip is "abc-gz".
func tagSuffix(enc string) string {
	if enc == encBrotli {
		return "-br"
	}
	return "-gz"
}

// withSuffix puts the suffix of enc inside the quotes of an entity tag.
func withSuffix(tag, enc string) string {
	if !strings.HasSuffix(tag, `"`) || len(tag) < 2 {
		return tag
	}
	return tag[:len(tag)-1] + tagSuffix(enc) + `"`
}

// baseTag is tag without an encoding's suffix (and whether it had one).
func baseTag(tag string) (string, bool) {
	for _, s := range []string{`-gz"`, `-br"`} {
		if strings.HasSuffix(tag, s) {
			return tag[:len(tag)-len(s)] + `"`, true
		}
	}
	return tag, false
}

// compress answers text in brotli or gzip as Accept-Encoding allows: only
// bodies of a Compressible type of at least MinCompressLen bytes, never an
// answer that is compressed already, partial (206) or to a Range request
// (http.ServeContent's ranges count identity bytes), always with Vary:
// Accept-Encoding. The ETag of a compressed body carries the coding's suffix
// ("…-gz", "…-br"); an If-None-Match naming either form is matched against
// the representation's own tag (its suffix is taken off before the handler
// sees it), and a 304 answers with the form the client named.
func (s *Server) compress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var named map[string]string // base tag -> the form the client sent
		if inm := ifNoneMatch(r); inm != "" {
			// Each suffixed tag is kept and its base added: a tag whose own
			// bytes end in "-gz" (base64url has dashes) still matches itself.
			tags := strings.Split(inm, ",")
			named = map[string]string{}
			for _, t := range tags {
				t = strings.TrimSpace(t)
				base, ok := baseTag(t)
				if !ok {
					continue
				}
				if _, seen := named[strings.TrimPrefix(base, "W/")]; !seen {
					named[strings.TrimPrefix(base, "W/")] = strings.TrimPrefix(t, "W/")
				}
				tags = append(tags, " "+base)
			}
			if len(named) > 0 {
				r.Header.Set("If-None-Match", strings.Join(tags, ","))
			}
		}
		c := &compressWriter{ResponseWriter: w, r: r, named: named}
		if r.Header.Get("Range") == "" {
			c.enc = negotiate(r.Header.Get("Accept-Encoding"))
		}
		next.ServeHTTP(c, r)
		c.finish() // not on a panic: the recoverer writes the error page instead of what is held
	})
}

type compressWriter struct {
	http.ResponseWriter
	r        *http.Request
	named    map[string]string
	enc      string // the coding the client takes ("" none)
	status   int
	held     []byte         // the start of a body of unknown length, until it is known to be long enough
	deciding bool           // headers held back until the body's length is known
	out      io.WriteCloser // the compressor, once compressing
}

func (c *compressWriter) WriteHeader(code int) {
	if code < 200 {
		c.ResponseWriter.WriteHeader(code)
		return
	}
	if c.status != 0 {
		return
	}
	c.status = code
	h := c.Header()
	if code == http.StatusNotModified {
		// A 304 refreshes the stored answer: only what guides caches is sent
		// (RFC 9110 §15.4.5); the rest stays as the cache stored it.
		for k := range h {
			switch k {
			case "Cache-Control", "Etag", "Vary", "Date", "Expires", "Content-Location", "Last-Modified", "X-Request-Id":
			default:
				delete(h, k)
			}
		}
		if tag := h.Get("ETag"); tag != "" {
			weak := strings.HasPrefix(tag, "W/")
			if form, ok := c.named[strings.TrimPrefix(tag, "W/")]; ok {
				if weak {
					form = "W/" + form
				}
				h.Set("ETag", form)
			}
			addVary(h, "Accept-Encoding")
		}
		c.ResponseWriter.WriteHeader(code)
		return
	}
	if !Compressible(h.Get("Content-Type")) || h.Get("Content-Encoding") != "" {
		c.ResponseWriter.WriteHeader(code)
		return
	}
	addVary(h, "Accept-Encoding")
	if c.enc == "" || code == http.StatusNoContent || code == http.StatusPartialContent || h.Get("Content-Range") != "" {
		c.ResponseWriter.WriteHeader(code)
		return
	}
	if cl := h.Get("Content-Length"); cl != "" {
		if n, err := strconv.ParseInt(cl, 10, 64); err == nil && n < MinCompressLen {
			c.ResponseWriter.WriteHeader(code)
			return
		}
		c.start()
		return
	}
	c.deciding = true
}

// start sends the headers of a compressed body and makes the compressor (a
// HEAD has no body to compress).
func (c *compressWriter) start() {
	h := c.Header()
	h.Del("Content-Length")
	h.Set("Content-Encoding", c.enc)
	if tag := h.Get("ETag"); tag != "" {
		h.Set("ETag", withSuffix(tag, c.enc))
	}
	c.ResponseWriter.WriteHeader(c.status)
	if c.r.Method == http.MethodHead {
		c.out = discard{}
		return
	}
	c.out = encoder(c.enc, c.ResponseWriter)
}

// encoder is a pooled compressor of enc (brotli or gzip) writing to w; its
// Close ends the stream and gives the compressor back to its pool.
func encoder(enc string, w io.Writer) io.WriteCloser {
	if enc == encBrotli {
		bw := brPool.Get().(*brotli.Writer)
		bw.Reset(w)
		return pooled{bw, func() { bw.Reset(io.Discard); brPool.Put(bw) }}
	}
	gw := gzipPool.Get().(*gzip.Writer)
	gw.Reset(w)
	return pooled{gw, func() { gw.Reset(io.Discard); gzipPool.Put(gw) }}
}

func (c *compressWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if c.deciding {
		c.held = append(c.held, b...)
		if len(c.held) < MinCompressLen {
			return len(b), nil
		}
		c.deciding = false
		c.start()
		held := c.held
		c.held = nil
		if _, err := c.out.Write(held); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	if c.out != nil {
		return c.out.Write(b)
	}
	return c.ResponseWriter.Write(b)
}

// Flush sends what is compressed so far (a body still short is sent as it is).
func (c *compressWriter) Flush() {
	if c.status == 0 {
		c.WriteHeader(http.StatusOK)
	}
	if c.deciding {
		c.deciding = false
		c.start()
		c.out.Write(c.held)
		c.held = nil
	}
	if f, ok := c.out.(interface{ Flush() error }); ok {
		f.Flush()
	}
	http.NewResponseController(c.ResponseWriter).Flush()
}

func (c *compressWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// finish closes the compressor, or sends a body that stayed short as it is.
func (c *compressWriter) finish() {
	if c.deciding {
		c.deciding = false
		c.Header().Set("Content-Length", strconv.Itoa(len(c.held)))
		c.ResponseWriter.WriteHeader(c.status)
		c.ResponseWriter.Write(c.held)
		return
	}
	if c.out != nil {
		c.out.Close()
		c.out = nil
	}
}

type pooled struct {
	io.WriteCloser
	release func()
}

func (p pooled) Close() error {
	err := p.WriteCloser.Close()
	p.release()
	return err
}

func (p pooled) Flush() error {
	if f, ok := p.WriteCloser.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }
func (discard) Close() error                { return nil }

// Uncompressed sends the answer w is about to write as it is, whatever the
// client accepts: for a page that shows a secret (a second factor's key,
// recovery codes) beside what the request put in it (a next address), whose
// compressed length would tell an attacker who measures it about the secret
// (BREACH). Call it before the answer is written.
func Uncompressed(w http.ResponseWriter) {
	for w != nil {
		if c, ok := w.(*compressWriter); ok {
			c.enc = ""
			return
		}
		u, ok := w.(interface{ Unwrap() http.ResponseWriter })
		if !ok {
			return
		}
		w = u.Unwrap()
	}
}
