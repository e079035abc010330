package web

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Viewer is who is looking at a page, as the layout needs it: set by the identity
// middleware, read by every template through View.
type Viewer struct {
	Name     string
	SignedIn bool
	Official bool
	CSRF     string // the token every form must send back as the field "csrf"
	// CSRFCookie, for a visitor who has no token cookie yet, is the cookie
	// that gives them CSRF: set only by a page that carries a form (render.go).
	CSRFCookie *http.Cookie
	// lazy makes a visitor's token and cookie when a form first asks for
	// them (LazyCSRF): a page without a form draws no random token.
	lazy *lazyToken
}

type lazyToken struct {
	make   func() (string, *http.Cookie)
	token  string
	cookie *http.Cookie
}

// LazyCSRF returns v whose form token (and the cookie that gives it to the
// visitor) mk makes the first time a form asks for it (FormToken), once per
// request: the identity middleware's choice for a visitor who has no token
// cookie yet, so that the many pages without a form cost no random read.
func (v Viewer) LazyCSRF(mk func() (string, *http.Cookie)) Viewer {
	v.lazy = &lazyToken{make: mk}
	return v
}

// FormToken is the token a form sends back as the field "csrf": CSRF, or the
// visitor's token made now if it is made lazily (LazyCSRF).
func (v Viewer) FormToken() string {
	if v.CSRF != "" || v.lazy == nil {
		return v.CSRF
	}
	if v.lazy.token == "" {
		v.lazy.token, v.lazy.cookie = v.lazy.make()
	}
	return v.lazy.token
}

// formCookie is the cookie that gives the visitor their token, if this
// request made it (or the middleware did).
func (v Viewer) formCookie() *http.Cookie {
	if v.lazy != nil && v.lazy.cookie != nil {
		return v.lazy.cookie
	}
	return v.CSRFCookie
}

// issuedToken is the viewer's token if it exists by now (known from a
// session or cookie, or made for a form of this request): "" when no form
// asked for a token that was to be made lazily.
func (v Viewer) issuedToken() string {
	if v.CSRF == "" && v.lazy != nil {
		return v.lazy.token
	}
	return v.CSRF
}

const viewerKey ctxKey = 100

// WithViewer returns r carrying v.
func WithViewer(r *http.Request, v Viewer) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), viewerKey, v))
}

// ViewerOf returns the viewer of a request (zero when the middleware did not run).
func ViewerOf(r *http.Request) Viewer { v, _ := r.Context().Value(viewerKey).(Viewer); return v }

// Use adds a middleware between the shell's own (logging, recovery, headers,
// cross-origin protection) and the routes. Call it before Handler.
func (s *Server) Use(mw func(http.Handler) http.Handler) { s.middleware = append(s.middleware, mw) }

// Limiter is a token bucket per key (an IP address, an account, a phone number),
// in this process. Keys not seen for ten minutes are forgotten.
type Limiter struct {
	rate  rate.Limit
	burst int
	mu    sync.Mutex
	keys  map[string]*limited
	swept time.Time
}

type limited struct {
	l    *rate.Limiter
	seen time.Time
}

// NewLimiter allows perMinute events per key and minute, in bursts of up to burst.
func NewLimiter(perMinute, burst int) *Limiter {
	return &Limiter{rate: rate.Limit(float64(perMinute) / 60), burst: burst, keys: map[string]*limited{}, swept: time.Now()}
}

// Allow takes one event for key, or says how long to wait for one.
func (l *Limiter) Allow(key string) (bool, time.Duration) {
	if l == nil || l.rate <= 0 {
		return true, 0
	}
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, v := range l.keys {
			if now.Sub(v.seen) > 10*time.Minute {
				delete(l.keys, k)
			}
		}
		l.swept = now
	}
	e := l.keys[key]
	if e == nil {
		e = &limited{l: rate.NewLimiter(l.rate, l.burst)}
		l.keys[key] = e
	}
	e.seen = now
	r := e.l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}
