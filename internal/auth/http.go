package auth

import (
	"context"
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/random"
	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

// Cookie names.
const (
	SessionCookie = "danchu_session"
	csrfCookie    = "danchu_csrf" // the form token of a visitor who is not signed in
)

type ctxKey int

const (
	actorKey ctxKey = iota
	sessionKey
)

// ActorOf returns the signed-in person of a request (nil: nobody, or a sign-in
// not finished yet).
func ActorOf(r *http.Request) *Actor {
	a, _ := r.Context().Value(actorKey).(*Actor)
	return a
}

// SessionOf returns the session of a request (nil: none).
func SessionOf(r *http.Request) *Session {
	s, _ := r.Context().Value(sessionKey).(*Session)
	return s
}

// Handlers are the sign-in, account and back-office pages.
type Handlers struct {
	svc   *Service
	web   *web.Server
	units *org.Service
	pages map[string]*web.Page
	// SignInLimit bounds sign-in attempts per IP address (all forms that check a
	// password or code), whatever the account.
	SignInLimit *web.Limiter
	// WriteLimit bounds every unsafe request (form posts) per IP address and,
	// when signed in, per account.
	WriteLimit *web.Limiter
	// OIDC, when set, offers sign-in through an OpenID Connect provider to citizens.
	OIDC *OIDC
	// apis are the path prefixes of APIs that authenticate each request by key:
	// no session, no CSRF check and no form-post limit there (the API applies
	// its own limit and answers errors in its own format).
	apis []string
}

// API marks the paths under prefix as a keyed API (see Handlers.apis).
func (h *Handlers) API(prefix string) { h.apis = append(h.apis, prefix) }

func (h *Handlers) isAPI(path string) bool {
	for _, p := range h.apis {
		if strings.HasPrefix(path, p) {
			return true
		}
	}
	return false
}

// RegisterRoutes adds identity's middleware and pages to s.
func RegisterRoutes(s *web.Server, svc *Service, units *org.Service) (*Handlers, error) {
	if err := s.AddCatalog(files); err != nil {
		return nil, fmt.Errorf("auth catalog: %w", err)
	}
	h := &Handlers{svc: svc, web: s, units: units,
		SignInLimit: web.NewLimiter(svc.policy.SignInPerMinute, max(svc.policy.SignInPerMinute/2, 1)),
		WriteLimit:  web.NewLimiter(svc.policy.WritesPerMinute, max(svc.policy.WritesPerMinute/2, 1))}
	var err error
	if h.pages, err = s.Pages(files, []string{"signin", "code", "enrol", "recovery", "password", "forgot",
		"message", "citizen_signin", "citizen_code", "citizen"}, "templates/form.tmpl"); err != nil {
		return nil, err
	}
	s.Use(h.middleware)
	s.HandleFunc("GET /dang-nhap", h.signInForm)
	s.HandleFunc("POST /dang-nhap", h.signIn)
	s.HandleFunc("GET /dang-nhap/ma", h.codeForm)
	s.HandleFunc("POST /dang-nhap/ma", h.code)
	s.HandleFunc("GET /dang-nhap/bao-mat", h.enrolForm)
	s.HandleFunc("POST /dang-nhap/bao-mat", h.enrol)
	s.HandleFunc("POST /dang-xuat", h.signOut)
	s.HandleFunc("POST /dang-xuat/moi-noi", h.signOutEverywhere)
	s.HandleFunc("GET /kich-hoat/{token}", h.passwordForm("activate"))
	s.HandleFunc("POST /kich-hoat/{token}", h.setPassword("activate"))
	s.HandleFunc("GET /quen-mat-khau", h.forgotForm)
	s.HandleFunc("POST /quen-mat-khau", h.forgot)
	s.HandleFunc("GET /dat-lai-mat-khau/{token}", h.passwordForm("reset"))
	s.HandleFunc("POST /dat-lai-mat-khau/{token}", h.setPassword("reset"))
	h.registerCitizen(s)
	return h, nil
}

func (h *Handlers) cookie(name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: h.svc.policy.SecureCookies}
}

// pageRequest tells pages (which may hold forms) from static files, feeds and
// the operators' endpoints, which must not set cookies (they are cached or polled).
func pageRequest(path string) bool {
	for _, p := range []string{"/static/", "/healthz", "/readyz", "/metrics", "/minh-bach.json"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return !strings.HasSuffix(path, ".atom") && !strings.HasSuffix(path, ".xlsx") && !strings.HasSuffix(path, ".ics")
}

// visitorToken makes a visitor's CSRF token and the cookie that gives it to
// them (double submit), when a page first draws a form for them.
func (h *Handlers) visitorToken() (string, *http.Cookie) {
	token := random.Secret()
	return token, h.cookie(csrfCookie, token, 0)
}

func unsafeMethod(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

// middleware loads the session, sets the viewer, and checks the CSRF token of
// every unsafe request: the session's token, or for a visitor not signed in the
// token of their csrf cookie (double submit).
func (h *Handlers) middleware(next http.Handler) http.Handler {
	visitorToken := h.visitorToken // one method value, not one a request
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.isAPI(r.URL.Path) { // the body is bounded by the shell (web.MaxFormBytes, or the route's HandleUpload bound)
			next.ServeHTTP(w, r)
			return
		}
		ctx := r.Context()
		var ss *Session
		var actor *Actor
		if c, err := r.Cookie(SessionCookie); err == nil {
			ss, actor, err = h.svc.Session(ctx, c.Value)
			if err != nil {
				h.web.Error(w, r, err)
				return
			}
			if ss == nil {
				http.SetCookie(w, h.cookie(SessionCookie, "", -1))
			}
		}
		token := ""
		lazy := false // a visitor's token and cookie, made only by a page that carries a form (web: render.go)
		if ss != nil {
			token = ss.CSRF
		} else if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) == random.SecretLen {
			token = c.Value
		} else if !unsafeMethod(r.Method) && pageRequest(r.URL.Path) {
			lazy = true
		}
		// The shell has read the body by its route's limit (web.HandleUpload);
		// an upload it could not read goes to its handler, which shows the
		// form again with why (too large) and does nothing else: the token
		// is checked on every body that was read.
		if unsafeMethod(r.Method) && web.FormError(r) == nil {
			got := r.Header.Get("X-CSRF-Token")
			if got == "" {
				got = r.PostFormValue("csrf")
			}
			if !web.TokenMatches(got, token) { // a form's token is masked (web/csrf.go)
				h.web.Error(w, r, apperr.New(apperr.CodeForbidden, "auth.err.csrf"))
				return
			}
		}
		if unsafeMethod(r.Method) {
			keys := []string{"ip:" + web.ClientIP(ctx)}
			if ss != nil {
				keys = append(keys, fmt.Sprintf("account:%d", ss.AccountID))
			}
			for _, k := range keys {
				if ok, wait := h.WriteLimit.Allow(k); !ok {
					h.web.Error(w, r, apperr.New(apperr.CodeTooMany, "auth.err.write_rate", web.RetrySeconds(wait)).After(wait))
					return
				}
			}
		}
		if ss != nil {
			ctx = context.WithValue(ctx, sessionKey, ss)
			if ss.Stage == StageFull {
				ctx = context.WithValue(ctx, actorKey, actor)
			}
		}
		r = r.WithContext(ctx)
		v := web.Viewer{CSRF: token}
		if lazy {
			v = v.LazyCSRF(visitorToken)
		}
		if ss != nil && ss.Stage == StageFull {
			v.Name, v.SignedIn, v.Official = actor.Name, true, actor.Kind == Official
		}
		next.ServeHTTP(w, web.WithViewer(r, v))
	})
}

// Official wraps a capability's back-office handler the same way as identity's own.
func (h *Handlers) Official(fn func(w http.ResponseWriter, r *http.Request, a *Actor)) http.HandlerFunc {
	return h.official(fn)
}

// official wraps a back-office handler: only officials whose sign-in is complete
// get in; others are sent to sign in (and brought back afterwards).
func (h *Handlers) official(fn func(w http.ResponseWriter, r *http.Request, a *Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := ActorOf(r)
		if a == nil || a.Kind != Official {
			if ss := SessionOf(r); ss != nil && ss.Stage != StageFull {
				http.Redirect(w, r, stagePage(ss.Stage), http.StatusSeeOther)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/dang-nhap?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.web.Error(w, r, apperr.New(apperr.CodeForbidden, "auth.err.officials_sign_in"))
			return
		}
		fn(w, r, a)
	}
}

func stagePage(stage string) string {
	switch stage {
	case StageSecondFactor:
		return "/dang-nhap/ma"
	case StageEnrol:
		return "/dang-nhap/bao-mat"
	}
	return "/quan-tri"
}

// form is the data of a form page: an error to show, the fields in error, and
// what the person typed (never a password).
type form struct {
	Error  string
	Fields map[string]string
	Values map[string]string
	Next   string
	Extra  any
}

func (h *Handlers) render(w http.ResponseWriter, r *http.Request, page, titleKey string, status int, data any) {
	if secretPages[page] {
		web.Uncompressed(w)
	}
	h.web.RenderStatus(w, r, h.pages[page], status, h.web.T(r, titleKey), data)
}

// secretPages show a secret of the account (the second factor's key, the
// recovery codes) beside the request's next address: never compressed
// (web.Uncompressed).
var secretPages = map[string]bool{"enrol": true, "recovery": true}

// fail shows form f again with the error, in the request's language, or answers
// with the error page, by web.FailForm's rule; see failForm.
func (h *Handlers) fail(w http.ResponseWriter, r *http.Request, page, titleKey string, err error, f form) {
	if ff, ok := h.failForm(w, r, err, apperr.CodeForbidden); ok {
		f.Error, f.Fields = ff.Message, ff.Fields
		h.render(w, r, page, titleKey, ff.Status, f)
	}
}

// failForm is web.FailForm with the codes of onForm shown on the form too. On the
// sign-in and account forms (fail) a refusal only ever says that the account is
// locked (SignIn, SignInWithCode, the password link of a locked account): the
// form, with its way to a new password or to another sign-in, is where to say
// it, not an error page. On the citizen's page a claim code that matches nothing
// (not found) is a typo the person fixes on the form.
func (h *Handlers) failForm(w http.ResponseWriter, r *http.Request, err error, onForm ...apperr.Code) (web.FormFailure, bool) {
	if slices.Contains(onForm, apperr.CodeOf(err)) {
		return web.FormFailure{Status: web.StatusOf(err), Message: h.web.Message(r, err), Fields: h.web.FieldMessages(r, err)}, true
	}
	return h.web.FailForm(w, r, err)
}

// limited answers 429 when the client's IP has used up its sign-in attempts.
func (h *Handlers) limited(w http.ResponseWriter, r *http.Request, page, titleKey string, f form) bool {
	ok, wait := h.SignInLimit.Allow(web.ClientIP(r.Context()))
	if ok {
		return false
	}
	h.fail(w, r, page, titleKey, apperr.New(apperr.CodeTooMany, "auth.err.signin_rate", web.RetrySeconds(wait)).After(wait), f)
	return true
}

// safeNext is where to go after signing in: next= when web.SafeNext keeps it
// (a path on this site), the back office otherwise.
func safeNext(next string) string {
	if n := web.SafeNext(next); n != "/" || next == "/" {
		return n
	}
	return "/quan-tri"
}

func (h *Handlers) signInForm(w http.ResponseWriter, r *http.Request) {
	if a := ActorOf(r); a != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return
	}
	h.render(w, r, "signin", "auth.signin.title", http.StatusOK, form{Next: r.URL.Query().Get("next")})
}

func (h *Handlers) signIn(w http.ResponseWriter, r *http.Request) {
	f := form{Values: map[string]string{"email": r.PostFormValue("email")}, Next: r.PostFormValue("next")}
	if h.limited(w, r, "signin", "auth.signin.title", f) {
		return
	}
	res, err := h.svc.SignIn(r.Context(), r.PostFormValue("email"), r.PostFormValue("password"), web.ClientIP(r.Context()), r.UserAgent())
	if err != nil {
		h.fail(w, r, "signin", "auth.signin.title", err, f)
		return
	}
	http.SetCookie(w, h.cookie(SessionCookie, res.Token, 0))
	target := safeNext(f.Next)
	if res.Stage != StageFull {
		target = stagePage(res.Stage) + "?next=" + url.QueryEscape(target)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// pending returns the session of a sign-in waiting at stage, or sends the person
// where they belong.
func (h *Handlers) pending(w http.ResponseWriter, r *http.Request, stage string) *Session {
	ss := SessionOf(r)
	if ss == nil {
		http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
		return nil
	}
	if ss.Stage != stage {
		http.Redirect(w, r, stagePage(ss.Stage), http.StatusSeeOther)
		return nil
	}
	return ss
}

func (h *Handlers) codeForm(w http.ResponseWriter, r *http.Request) {
	if h.pending(w, r, StageSecondFactor) != nil {
		h.render(w, r, "code", "auth.code.title", http.StatusOK, form{Next: r.URL.Query().Get("next")})
	}
}

func (h *Handlers) code(w http.ResponseWriter, r *http.Request) {
	ss := h.pending(w, r, StageSecondFactor)
	if ss == nil {
		return
	}
	f := form{Next: r.PostFormValue("next")}
	if h.limited(w, r, "code", "auth.code.title", f) {
		return
	}
	token, err := h.svc.SecondFactor(r.Context(), ss, r.PostFormValue("code"), web.ClientIP(r.Context()), r.UserAgent())
	if err != nil {
		h.fail(w, r, "code", "auth.code.title", err, f)
		return
	}
	http.SetCookie(w, h.cookie(SessionCookie, token, 0))
	http.Redirect(w, r, safeNext(f.Next), http.StatusSeeOther)
}

func (h *Handlers) enrolForm(w http.ResponseWriter, r *http.Request) {
	ss := h.pending(w, r, StageEnrol)
	if ss == nil {
		return
	}
	e, ok, err := h.svc.PendingEnrolment(r.Context(), ss)
	if err == nil && !ok {
		e, err = h.svc.BeginEnrolment(r.Context(), ss)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.render(w, r, "enrol", "auth.enrol.title", http.StatusOK, form{Next: r.URL.Query().Get("next"), Extra: e})
}

func (h *Handlers) enrol(w http.ResponseWriter, r *http.Request) {
	ss := h.pending(w, r, StageEnrol)
	if ss == nil {
		return
	}
	f := form{Next: r.PostFormValue("next")}
	if e, ok, err := h.svc.PendingEnrolment(r.Context(), ss); err == nil && ok {
		f.Extra = e
	}
	if h.limited(w, r, "enrol", "auth.enrol.title", f) {
		return
	}
	codes, token, err := h.svc.ConfirmEnrolment(r.Context(), ss, r.PostFormValue("code"), web.ClientIP(r.Context()), r.UserAgent())
	if err != nil {
		h.fail(w, r, "enrol", "auth.enrol.title", err, f)
		return
	}
	http.SetCookie(w, h.cookie(SessionCookie, token, 0))
	h.render(w, r, "recovery", "auth.recovery.title", http.StatusOK, form{Next: safeNext(f.Next), Extra: codes})
}

func (h *Handlers) signOut(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := h.svc.SignOut(r.Context(), c.Value); err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	http.SetCookie(w, h.cookie(SessionCookie, "", -1))
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func (h *Handlers) signOutEverywhere(w http.ResponseWriter, r *http.Request) {
	ss := SessionOf(r)
	if ss == nil || ss.Stage != StageFull {
		http.Redirect(w, r, "/dang-nhap", http.StatusSeeOther)
		return
	}
	if err := h.svc.SignOutEverywhere(r.Context(), ss.AccountID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	http.SetCookie(w, h.cookie(SessionCookie, "", -1))
	h.render(w, r, "message", "auth.everywhere.title", http.StatusOK, form{Extra: "auth.everywhere.done"})
}

func (h *Handlers) passwordForm(purpose string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		h.render(w, r, "password", "auth."+purpose+".title", http.StatusOK, form{Extra: purpose})
	}
}

func (h *Handlers) setPassword(purpose string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f := form{Extra: purpose}
		if h.limited(w, r, "password", "auth."+purpose+".title", f) {
			return
		}
		pw := r.PostFormValue("password")
		if pw != r.PostFormValue("password2") {
			h.fail(w, r, "password", "auth."+purpose+".title", apperr.New(apperr.CodeInvalid, "auth.err.password_differs").Mark("password2"), f)
			return
		}
		var err error
		if purpose == "activate" {
			err = h.svc.Activate(r.Context(), r.PathValue("token"), pw)
		} else {
			err = h.svc.ResetPassword(r.Context(), r.PathValue("token"), pw)
		}
		if err != nil {
			h.fail(w, r, "password", "auth."+purpose+".title", err, f)
			return
		}
		http.SetCookie(w, h.cookie(SessionCookie, "", -1))
		h.render(w, r, "message", "auth."+purpose+".title", http.StatusOK, form{Extra: "auth.password.done"})
	}
}

func (h *Handlers) forgotForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "forgot", "auth.forgot.title", http.StatusOK, form{})
}

func (h *Handlers) forgot(w http.ResponseWriter, r *http.Request) {
	f := form{Values: map[string]string{"email": r.PostFormValue("email")}}
	if h.limited(w, r, "forgot", "auth.forgot.title", f) {
		return
	}
	if err := h.svc.RequestReset(r.Context(), r.PostFormValue("email")); err != nil {
		h.fail(w, r, "forgot", "auth.forgot.title", err, f)
		return
	}
	h.render(w, r, "message", "auth.forgot.title", http.StatusOK, form{Extra: "auth.forgot.sent"})
}

// Unit reads the {unit} of a capability's back-office URL (a unit, never the
// whole country) and checks action on it; otherwise it answers the request
// (not found, forbidden) and reports false.
func (h *Handlers) Unit(w http.ResponseWriter, r *http.Request, a *Actor, action Action) (org.Unit, bool) {
	if r.PathValue("unit") == "0" {
		h.web.NotFound(w, r)
		return org.Unit{}, false
	}
	return h.Scope(w, r, a, action)
}

// Scope reads the {unit} of a back-office URL and checks action on it. The
// segment is the unit's official code (org.Unit.OfficeKey: 19885, 46,
// 19885-01); the whole country is 0. A unit outside the actor's scopes is "not
// found", however it is named. An internal ID still works: once the guard has
// let the actor in (so the answer reveals nothing to anyone else), a GET is sent
// for good (301) to the same path under the code; other methods are served
// where they were posted, so a form open in an old page still goes through.
func (h *Handlers) Scope(w http.ResponseWriter, r *http.Request, a *Actor, action Action) (org.Unit, bool) {
	seg := r.PathValue("unit")
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return org.Unit{}, false
	}
	u, byCode := t.ByCode(seg)
	id := u.ID
	if !byCode && seg != "0" {
		var ok bool
		if id, ok = web.ParseID(seg); !ok {
			h.web.NotFound(w, r)
			return org.Unit{}, false
		}
	}
	if err := h.svc.guard.Can(r.Context(), a, action, id); err != nil {
		h.web.Error(w, r, err)
		return org.Unit{}, false
	}
	if id == 0 {
		return org.Unit{Name: h.web.T(r, "auth.country")}, true
	}
	if !byCode {
		var found bool
		if u, found = t.Unit(id); !found { // a number that names no unit (a whole-country role passes the guard)
			h.web.NotFound(w, r)
			return org.Unit{}, false
		}
		if key := u.OfficeKey(); key != seg && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			prefix := "/quan-tri/don-vi/" + seg
			if rest, ok := strings.CutPrefix(r.URL.Path, prefix); ok {
				target := u.OfficeURL() + rest
				if r.URL.RawQuery != "" {
					target += "?" + r.URL.RawQuery
				}
				http.Redirect(w, r, target, http.StatusMovedPermanently)
				return org.Unit{}, false
			}
		}
	}
	return u, true
}
