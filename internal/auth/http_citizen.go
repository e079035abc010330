package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/org"
	"danchu/internal/web"
)

const otpCookie = "danchu_otp" // the token of a pending sign-in by code (never the address)

// Mask shows enough of a phone number or e-mail for its owner to recognise it.
func Mask(address string) string {
	if at := strings.LastIndex(address, "@"); at > 0 {
		return address[:1] + "•••" + address[at:]
	}
	if strings.HasPrefix(address, "+84") && len(address) == 12 {
		return "0" + address[3:6] + " ••• " + address[9:]
	}
	return "•••"
}

func (h *Handlers) registerCitizen(s *web.Server) {
	s.HandleFunc("GET /cong-dan/dang-nhap", h.citizenForm)
	s.HandleFunc("POST /cong-dan/dang-nhap", h.citizenSend)
	s.HandleFunc("GET /cong-dan/dang-nhap/ma", h.citizenCodeForm)
	s.HandleFunc("POST /cong-dan/dang-nhap/ma", h.citizenCode)
	s.HandleFunc("GET /cong-dan/oidc", h.oidcStart)
	s.HandleFunc("GET /cong-dan/oidc/ve", h.oidcCallback)
	s.HandleFunc("GET /cong-dan", h.citizen(h.citizenHome))
	s.HandleFunc("POST /cong-dan/ten", h.citizen(h.citizenName))
	s.HandleFunc("POST /cong-dan/nhan-ho", h.citizen(h.citizenClaim))
}

// Citizen wraps another room's page for signed-in citizens the same way as identity's own.
func (h *Handlers) Citizen(fn func(w http.ResponseWriter, r *http.Request, a *Actor)) http.HandlerFunc {
	return h.citizen(fn)
}

// citizen wraps a page for signed-in citizens: anyone else is sent to sign in,
// with the page to come back to (next=).
func (h *Handlers) citizen(fn func(w http.ResponseWriter, r *http.Request, a *Actor)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := ActorOf(r)
		if a == nil || a.Kind != Citizen {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/cong-dan/dang-nhap?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			h.web.Error(w, r, apperr.New(apperr.CodeForbidden, "auth.err.citizens_sign_in"))
			return
		}
		fn(w, r, a)
	}
}

func (h *Handlers) citizenForm(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, "citizen_signin", "auth.citizen.title", http.StatusOK, form{Extra: h.oidcName(), Next: citizenNext(r.URL.Query().Get("next"))})
}

// citizenNext is where a citizen goes after signing in: the page that sent
// them to sign in (next=, a path on this site: web.SafeNext), else their own
// page. It is carried through every step: the address, the code, the
// identity provider.
func citizenNext(next string) string {
	if n := web.SafeNext(next); n != "/" || next == "/" {
		return n
	}
	return "/cong-dan"
}

// withNext is path with the step's next= (when it is not the default).
func withNext(path, next string) string {
	if next == "/cong-dan" || next == "" {
		return path
	}
	return path + "?next=" + url.QueryEscape(next)
}

func (h *Handlers) oidcName() string {
	if h.OIDC == nil {
		return ""
	}
	return h.OIDC.Name()
}

const oidcCookie = "danchu_oidc"

// nextCookie keeps a citizen's next= across the identity provider's round trip.
const nextCookie = "danchu_next"

func (h *Handlers) oidcStart(w http.ResponseWriter, r *http.Request) {
	if h.OIDC == nil {
		h.web.NotFound(w, r)
		return
	}
	u, pending, err := h.OIDC.Start(r.Context())
	if err != nil {
		h.web.Error(w, r, fmt.Errorf("%w: %w", apperr.New(apperr.CodeInvalid, "auth.err.oidc_unavailable"), err))
		return
	}
	http.SetCookie(w, h.cookie(oidcCookie, pending.String(), 600))
	http.SetCookie(w, h.cookie(nextCookie, url.QueryEscape(citizenNext(r.URL.Query().Get("next"))), 600))
	http.Redirect(w, r, u, http.StatusSeeOther)
}

func (h *Handlers) oidcCallback(w http.ResponseWriter, r *http.Request) {
	if h.OIDC == nil {
		h.web.NotFound(w, r)
		return
	}
	c, err := r.Cookie(oidcCookie)
	var pending OIDCPending
	ok := err == nil
	if ok {
		pending, ok = ParsePending(c.Value)
	}
	if !ok {
		h.web.Error(w, r, errOIDC)
		return
	}
	http.SetCookie(w, h.cookie(oidcCookie, "", -1))
	q := r.URL.Query()
	token, err := h.OIDC.Finish(r.Context(), pending, q.Get("state"), q.Get("code"), web.ClientIP(r.Context()), r.UserAgent())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	http.SetCookie(w, h.cookie(SessionCookie, token, 0))
	next := "/cong-dan"
	if c, err := r.Cookie(nextCookie); err == nil {
		if v, err := url.QueryUnescape(c.Value); err == nil {
			next = citizenNext(v)
		}
		http.SetCookie(w, h.cookie(nextCookie, "", -1))
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handlers) citizenSend(w http.ResponseWriter, r *http.Request) {
	next := citizenNext(r.PostFormValue("next"))
	f := form{Values: map[string]string{"address": r.PostFormValue("address")}, Next: next, Extra: h.oidcName()}
	if h.limited(w, r, "citizen_signin", "auth.citizen.title", f) {
		return
	}
	p, err := h.svc.SendCode(r.Context(), r.PostFormValue("address"), web.ClientIP(r.Context()))
	if err != nil {
		h.fail(w, r, "citizen_signin", "auth.citizen.title", err, f)
		return
	}
	c := h.cookie(otpCookie, p.Token, int((10 * time.Minute).Seconds()))
	http.SetCookie(w, c)
	http.Redirect(w, r, withNext("/cong-dan/dang-nhap/ma", next), http.StatusSeeOther)
}

// otpPending returns the pending sign-in token of the browser and where its
// code went ("": none, or a token the server does not know).
func (h *Handlers) otpPending(w http.ResponseWriter, r *http.Request) (token, addr string, ok bool) {
	c, err := r.Cookie(otpCookie)
	if err != nil {
		return "", "", true
	}
	addr, err = h.svc.PendingAddress(r.Context(), c.Value)
	if err != nil {
		h.web.Error(w, r, err)
		return "", "", false
	}
	return c.Value, addr, true
}

func (h *Handlers) citizenCodeForm(w http.ResponseWriter, r *http.Request) {
	_, addr, ok := h.otpPending(w, r)
	if !ok {
		return
	}
	next := citizenNext(r.URL.Query().Get("next"))
	if addr == "" {
		http.Redirect(w, r, withNext("/cong-dan/dang-nhap", next), http.StatusSeeOther)
		return
	}
	h.render(w, r, "citizen_code", "auth.citizen.code_title", http.StatusOK, form{Extra: Mask(addr), Next: next})
}

func (h *Handlers) citizenCode(w http.ResponseWriter, r *http.Request) {
	token, addr, ok := h.otpPending(w, r)
	if !ok {
		return
	}
	next := citizenNext(r.PostFormValue("next"))
	if addr == "" {
		http.Redirect(w, r, withNext("/cong-dan/dang-nhap", next), http.StatusSeeOther)
		return
	}
	f := form{Extra: Mask(addr), Next: next}
	if h.limited(w, r, "citizen_code", "auth.citizen.code_title", f) {
		return
	}
	session, err := h.svc.SignInWithCode(r.Context(), token, r.PostFormValue("code"), web.ClientIP(r.Context()), r.UserAgent())
	if err != nil {
		h.fail(w, r, "citizen_code", "auth.citizen.code_title", err, f)
		return
	}
	http.SetCookie(w, h.cookie(otpCookie, "", -1))
	http.SetCookie(w, h.cookie(SessionCookie, session, 0))
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// citizenPage is the data of a citizen's own page.
type citizenPage struct {
	Account    Account
	Contact    string
	Households []householdRow
}

type householdRow struct {
	Household org.Household
	Village   string
}

func (h *Handlers) citizenHome(w http.ResponseWriter, r *http.Request, a *Actor) {
	h.citizenPage(w, r, a, http.StatusOK, form{})
}

func (h *Handlers) citizenPage(w http.ResponseWriter, r *http.Request, a *Actor, status int, f form) {
	acc, err := h.svc.Account(r.Context(), a.AccountID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	hs, err := h.units.HouseholdsRepresentedBy(r.Context(), a.AccountID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := citizenPage{Account: acc, Contact: acc.Email}
	if p.Contact == "" {
		p.Contact = Mask(acc.Phone)
	}
	for _, hh := range hs {
		v, _ := t.Unit(hh.VillageID)
		p.Households = append(p.Households, householdRow{hh, v.Name})
	}
	f.Extra = p
	h.render(w, r, "citizen", "auth.citizen.home_title", status, f)
}

func (h *Handlers) citizenName(w http.ResponseWriter, r *http.Request, a *Actor) {
	if err := h.svc.SetName(r.Context(), a, r.PostFormValue("full_name")); err != nil {
		if ff, ok := h.web.FailForm(w, r, err); ok {
			h.citizenPage(w, r, a, ff.Status, form{Error: ff.Message, Fields: ff.Fields})
		}
		return
	}
	http.Redirect(w, r, "/cong-dan", http.StatusSeeOther)
}

func (h *Handlers) citizenClaim(w http.ResponseWriter, r *http.Request, a *Actor) {
	var hh org.Household
	var err error
	if ok, wait := h.SignInLimit.Allow(web.ClientIP(r.Context())); !ok {
		err = apperr.New(apperr.CodeTooMany, "auth.err.claim_rate", web.RetrySeconds(wait)).After(wait)
	} else {
		hh, err = h.svc.Claim(r.Context(), a, r.PostFormValue("code"))
	}
	if err != nil {
		if ff, ok := h.failForm(w, r, err, apperr.CodeNotFound); ok {
			h.citizenPage(w, r, a, ff.Status, form{Error: ff.Message, Fields: ff.Fields, Values: map[string]string{"code": r.PostFormValue("code")}})
		}
		return
	}
	h.citizenPage(w, r, a, http.StatusOK, form{Values: map[string]string{"done": h.web.T(r, "auth.citizen.claimed", hh.Code, hh.HeadName)}})
}
