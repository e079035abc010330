package web

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/random"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Server is the HTTP shell: capabilities register their routes on it and render
// their pages with its Renderer.
type Server struct {
	*Renderer
	mux        *http.ServeMux
	log        *slog.Logger
	ready      func(context.Context) error
	errPage    *Page
	requests   *prometheus.CounterVec
	middleware []func(http.Handler) http.Handler
	latency    *prometheus.HistogramVec
	metrics    http.Handler
	crossSite  []string // patterns that other sites' pages may post to
	proxies    []netip.Prefix
	apiErrors  []apiErrorWriter
	uploads    map[string]int64 // route pattern -> largest body (HandleUpload)
	pages      *PageCache       // rendered public pages (CachedPage)
	publicCC   string           // Cache-Control of anonymous public pages (delivery.go)
	openapi    openapiDoc       // the JSON API's document (openapi.go)
	series     sync.Map         // routeKey -> routeSeries (observe)
	// Public is the site's public address (--base-url), for absolute links in
	// feeds and APIs; "" falls back to the request's own host.
	Public string
}

// BaseURL is the absolute address links in feeds and APIs start with: the
// configured public address, else the scheme and host the request came to.
func (s *Server) BaseURL(r *http.Request) string {
	if s.Public != "" {
		return strings.TrimRight(s.Public, "/")
	}
	if r.TLS != nil {
		return "https://" + r.Host
	}
	return "http://" + r.Host
}

// TrustProxies makes the client address of a request that comes through one of
// these reverse proxies the one its X-Forwarded-For names (the right-most
// address that is not itself a trusted proxy); from anywhere else the header
// is ignored, so a client cannot choose its own address (and rate limit).
func (s *Server) TrustProxies(p []netip.Prefix) { s.proxies = p }

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.proxies {
		if p.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// AllowCrossSite lets other sites' pages send unsafe requests to pattern (a
// keyed API without cookies, such as Open311): cross-origin protection would
// refuse them.
func (s *Server) AllowCrossSite(pattern string) { s.crossSite = append(s.crossSite, pattern) }

// NewServer returns a server logging to log, with /readyz answered by ready and
// /metrics served from reg (the application's own registry).
func NewServer(log *slog.Logger, reg *prometheus.Registry, ready func(context.Context) error) (*Server, error) {
	r, err := newRenderer()
	if err != nil {
		return nil, err
	}
	s := &Server{Renderer: r, mux: http.NewServeMux(), log: log, ready: ready, uploads: map[string]int64{},
		publicCC: publicCacheControl(DefaultPublicMaxAge)}
	s.errPage, err = r.Page(shellFS, "templates/error.page")
	if err != nil {
		return nil, err
	}
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "danchu_http_requests_total", Help: "HTTP requests by route pattern, method and status code.",
	}, []string{"route", "method", "code"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "danchu_http_request_duration_seconds", Help: "HTTP request latency by route pattern.",
		Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
	}, []string{"route"})
	reg.MustRegister(s.requests, s.latency)
	s.pages = newPageCache(reg)

	static, _ := fs.Sub(shellFS, "static")
	s.mux.HandleFunc("GET /static/{hash}/{file}", s.serveStatic(static))
	s.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store") // a probe asks the process itself, never a cache
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write([]byte("ok\n"))
	})
	s.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := s.ready(ctx); err != nil {
			s.log.Warn("not ready", "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte("database unavailable\n"))
			return
		}
		w.Write([]byte("ok\n"))
	})
	s.metrics = promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}) // not on the public address: metrics.go
	s.mux.HandleFunc("GET /ngon-ngu", switchLang)
	// The JSON API (api.go, openapi.go): its document, JSON errors under /api/.
	s.mux.HandleFunc("GET /api/openapi.json", s.serveOpenAPI)
	s.mux.HandleFunc("/api/", s.APINotFound)
	s.APIErrors("/api/", s.APIError)
	s.mux.HandleFunc("/", s.NotFound)
	return s, nil
}

// HandleFunc registers a handler for a ServeMux pattern such as "GET /xa/{code}".
func (s *Server) HandleFunc(pattern string, h http.HandlerFunc) { s.mux.HandleFunc(pattern, h) }

// Handler returns the mux wrapped in the middleware, outermost first: request log
// and metrics, panic recovery, security headers, cross-origin protection, the
// form reader (form.go), the middleware added with Use, the text boundary;
// around the security headers, caching and ETags (delivery.go), around those
// compression (compress.go).
func (s *Server) Handler() http.Handler {
	// The mux records the matched pattern on the request it is given; middleware
	// may have replaced that request, so hand the pattern back to observe.
	var h http.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noStoreSignedIn(w, r) // headers.go
		s.mux.ServeHTTP(w, r)
		if r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions {
			s.pages.Changed() // whatever it wrote shows on the next read of a cached page (pagecache.go)
		}
		if rc := requestCtxOf(r.Context()); rc != nil {
			rc.route = r.Pattern
		}
	})
	// Text is checked last, once whatever middleware reads the body has read it,
	// and before any handler: the one place for what enters (see TextOfRequest).
	h = s.textBoundary(h)
	for i := len(s.middleware) - 1; i >= 0; i-- {
		h = s.middleware[i](h)
	}
	h = s.readForm(h) // the body is read once, by its route's limit, before any middleware looks at a field
	cop := http.NewCrossOriginProtection()
	for _, p := range s.crossSite {
		cop.AddInsecureBypassPattern(p)
	}
	h = cop.Handler(h)
	h = securityHeaders(h)
	h = s.deliver(h)          // delivery.go: Cache-Control, ETag, 304
	h = s.compress(h)         // compress.go: brotli, gzip
	h = s.transportHeaders(h) // headers.go: HSTS, no-store
	h = s.recoverer(h)
	return s.observe(h)
}

// Render writes a page with status 200.
func (s *Server) Render(w http.ResponseWriter, r *http.Request, p *Page, title string, data any) {
	s.RenderStatus(w, r, p, http.StatusOK, title, data)
}

// RenderStatus writes a page with the given status.
func (s *Server) RenderStatus(w http.ResponseWriter, r *http.Request, p *Page, status int, title string, data any) {
	v := View{Lang: requestLang(r), Path: r.URL.RequestURI(), RequestID: requestID(r), Title: title, Data: data, Viewer: ViewerOf(r),
		Notice: s.takeNotice(w, r)}
	if status >= 400 { // a form shown again after an error keeps its key; a page answering a success gets new ones
		v.postedKey = postedKey(r)
	}
	if err := p.execute(w, status, v); err != nil {
		s.log.Error("render page", "err", err, "path", logPath(r.URL.Path, r.Pattern), "request_id", v.RequestID)
		http.Error(w, "500 internal error", http.StatusInternalServerError)
	}
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Heading string
	Message string
}

// Error answers with the status that err's code maps to and a safe message; the
// detail of an internal error goes to the log only.
func (s *Server) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	setRetryAfter(w, err)
	ev := errorView{Status: status, Message: s.Message(r, err)}
	switch status {
	case http.StatusNotFound:
		ev.Heading = s.T(r, "error.404.title")
	case http.StatusInternalServerError:
		s.log.Error("request failed", "err", err, "path", logPath(r.URL.Path, r.Pattern), "request_id", requestID(r))
		ev.Heading, ev.Message = s.T(r, "error.500.title"), s.T(r, "error.500.body")
	default:
		ev.Heading = s.T(r, "error."+strconv.Itoa(status)+".title")
	}
	s.RenderStatus(w, r, s.errPage, status, ev.Heading, ev)
}

// StatusOf maps a coded error to its HTTP status.
func StatusOf(err error) int {
	switch apperr.CodeOf(err) {
	case apperr.CodeInvalid:
		return http.StatusBadRequest
	case apperr.CodeNotFound:
		return http.StatusNotFound
	case apperr.CodeForbidden:
		return http.StatusForbidden
	case apperr.CodeConflict:
		return http.StatusConflict
	case apperr.CodeTooMany:
		return http.StatusTooManyRequests
	}
	return http.StatusInternalServerError
}

// NotFound renders the friendly 404 page.
func (s *Server) NotFound(w http.ResponseWriter, r *http.Request) {
	s.Error(w, r, apperr.New(apperr.CodeNotFound, "error.404.body"))
}

type ctxKey int

const requestIDKey ctxKey = 0 // a *requestCtx

// RequestID is the ID of the request ctx belongs to ("" outside a request).
func RequestID(ctx context.Context) string {
	if rc := requestCtxOf(ctx); rc != nil {
		return rc.id
	}
	return ""
}

// ClientIP is the address of the client of the request ctx belongs to: the peer
// address, or behind a trusted reverse proxy the address it forwarded
// (Server.TrustProxies).
func ClientIP(ctx context.Context) string {
	if rc := requestCtxOf(ctx); rc != nil {
		return rc.ip
	}
	return ""
}

func (s *Server) remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(peer) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: what lies left of it cannot be believed
		}
		if !s.trusted(a) {
			return a.Unmap().String()
		}
		host = a.Unmap().String()
	}
	return host
}

func requestID(r *http.Request) string { return RequestID(r.Context()) }

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// observe gives each request an ID, logs it and counts it by route pattern.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rc := &requestCtx{id: newRequestID(), ip: s.remoteIP(r)}
		w.Header()["X-Request-Id"] = []string{rc.id}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, rc)) // one value: ID, address, pattern
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		route := rc.route
		if route == "" || route == "/" {
			route = "unmatched"
		}
		d := time.Since(start)
		m := s.routeMetrics(route, r.Method, sw.status)
		m.requests.Inc()
		m.latency.Observe(d.Seconds())
		level := slog.LevelInfo
		if sw.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request", slog.String("method", r.Method), slog.String("path", logPath(r.URL.Path, route)),
			slog.String("route", route), slog.Int("status", sw.status), slog.Duration("duration", d), slog.String("request_id", rc.id))
	})
}

// requestCtx is what the shell keeps of a request in its context: its ID, the
// client's address and, once the mux has matched, the route pattern.
type requestCtx struct {
	id, ip, route string
}

func requestCtxOf(ctx context.Context) *requestCtx {
	rc, _ := ctx.Value(requestIDKey).(*requestCtx)
	return rc
}

// Request IDs are a random prefix drawn once per process and a counter: as
// unique as random.Key's 96 bits across processes (48 random bits, 2^48
// requests each) and the same 24 hex digits, without a read of the system's
// random source on every request.
var (
	requestPrefix = random.Key()[:12]
	requestSeq    atomic.Uint64
)

func newRequestID() string {
	var b [24]byte
	copy(b[:], requestPrefix)
	n := requestSeq.Add(1)
	const digits = "0123456789abcdef"
	for i := 23; i >= 12; i-- {
		b[i] = digits[n&15]
		n >>= 4
	}
	return string(b[:])
}

// routeKey names one series of the request metrics.
type routeKey struct {
	route, method string
	status        int
}

// routeSeries are the request counter and latency histogram of one route,
// method and status, looked up once: WithLabelValues hashes its labels on
// every call.
type routeSeries struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

func (s *Server) routeMetrics(route, method string, status int) routeSeries {
	k := routeKey{route, method, status}
	if m, ok := s.series.Load(k); ok {
		return m.(routeSeries)
	}
	m := routeSeries{s.requests.WithLabelValues(route, method, strconv.Itoa(status)), s.latency.WithLabelValues(route)}
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodOptions:
	default:
		return m // a made-up method is counted but not remembered: the map stays small
	}
	s.series.Store(k, m)
	return m
}

// logPath is the path the log writes: the one rule for secrets in paths is
// that a wildcard of the matched route pattern named token ({token}, as the
// activation and reset links are) is written as its name, never its value,
// so the log holds no link that signs someone in.
func logPath(path, pattern string) string {
	_, pat, _ := strings.Cut(pattern, " ") // "GET /kich-hoat/{token}"
	if pat == "" {
		pat = pattern
	}
	slash := strings.Index(pat, "/")
	if slash < 0 || !strings.Contains(pat, "{token") {
		return path
	}
	ps, segs := strings.Split(pat[slash:], "/"), strings.Split(path, "/")
	for i, p := range ps {
		if i >= len(segs) || !strings.HasPrefix(p, "{token") {
			continue
		}
		if strings.HasSuffix(p, "...}") {
			segs = append(segs[:i], "{token}")
			break
		}
		segs[i] = "{token}"
	}
	return strings.Join(segs, "/")
}

// recoverer turns a panic into the 500 page and a log line with the stack.
func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "value", v, "stack", string(debug.Stack()), "request_id", requestID(r))
				s.refuse(w, r, errors.New("panic")) // under an API prefix, in the API's format
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// securityHeaders allows no inline script, no framing, and no outside resources.
// The values are shared slices of one element (a handler that changes one
// replaces it with Set, as http.Header does; append copies: cap is len).
func securityHeaders(next http.Handler) http.Handler {
	one := func(v string) []string { return []string{v}[:1:1] }
	csp := one("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
	nosniff, referrer, deny, perms := one("nosniff"), one("same-origin"), one("DENY"), one("camera=(), microphone=(), geolocation=(self)")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Security-Policy"] = csp
		h["X-Content-Type-Options"] = nosniff
		h["Referrer-Policy"] = referrer
		h["X-Frame-Options"] = deny
		h["Permissions-Policy"] = perms
		next.ServeHTTP(w, r)
	})
}

// PathID reads a positive integer ID from the route's {name} ("": not one).
func PathID(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return id, err == nil && id > 0
}
