package web

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// Message is the message of err in the request's language: the coded error's key
// rendered through the catalog, or the generic text of an internal error (whose
// detail is only logged).
func (s *Server) Message(r *http.Request, err error) string {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code == apperr.CodeInternal || e.Msg.Key == "" {
		return s.T(r, "error.500.body")
	}
	return s.T(r, e.Msg.Key, e.Msg.Args...)
}

// FieldMessages is what is wrong with each form field of err, in the request's
// language; a field that is only marked maps to "" (nil when err names no field).
func (s *Server) FieldMessages(r *http.Request, err error) map[string]string {
	var e *apperr.Error
	if !errors.As(err, &e) || len(e.FieldMsgs) == 0 {
		return nil
	}
	out := make(map[string]string, len(e.FieldMsgs))
	for k, m := range e.FieldMsgs {
		if m.Key == "" {
			out[k] = ""
			continue
		}
		out[k] = s.T(r, m.Key, m.Args...)
	}
	return out
}

// FormFailure is what a form shown again needs from a failed submission.
type FormFailure struct {
	Status  int               // 400, 409 or 429
	Message string            // in the request's language
	Fields  map[string]string // field name -> message ("" only marks it)
	// Values is what was typed, field name -> first value (passwords and the
	// form token left out); Lists every value of a field sent more than once
	// or a checkbox group (see Typed).
	Values map[string]string
	Lists  map[string][]string
}

// Typed is what the person sent in the form of r, to show it again: each
// field's first value (Values) and every value of each field (Lists, for
// checkbox groups and multiple selects; the template asks "in"). A password
// or the form token is never sent back.
func Typed(r *http.Request) (map[string]string, map[string][]string) {
	vals, lists := map[string]string{}, map[string][]string{}
	for k, vs := range r.PostForm {
		if k == "csrf" || strings.Contains(k, "password") || len(vs) == 0 {
			continue
		}
		vals[k], lists[k] = vs[0], vs
	}
	return vals, lists
}

// FailForm is the one rule for a form whose submission failed. An error the
// person can fix on the form — invalid input (400), a conflict with what is
// stored (409), or too many attempts (429, with Retry-After set) — is shown on
// the form again: FailForm returns its status, message and field messages and
// true, and the caller renders the form with what was typed. Anything else — not
// found, forbidden, internal — is answered with the error page (Server.Error)
// and FailForm returns false: the form has nothing to offer there.
//
//	if f, ok := h.web.FailForm(w, r, err); ok {
//		h.managePage(w, r, u, f.Status, managePage{Error: f.Message, Fields: f.Fields, Values: typed})
//	}
//	return
func (s *Server) FailForm(w http.ResponseWriter, r *http.Request, err error) (FormFailure, bool) {
	switch apperr.CodeOf(err) {
	case apperr.CodeInvalid, apperr.CodeConflict, apperr.CodeTooMany:
		setRetryAfter(w, err)
		if db.IsKeyReused(err) && r.PostForm != nil {
			r.PostForm.Del(IdemField) // the form shown again gets a new key: this one is spent
		}
		f := FormFailure{Status: StatusOf(err), Message: s.Message(r, err), Fields: s.FieldMessages(r, err)}
		f.Values, f.Lists = Typed(r)
		return f, true
	}
	s.Error(w, r, err)
	return FormFailure{}, false
}

// setRetryAfter sets Retry-After for a CodeTooMany error that says how long.
func setRetryAfter(w http.ResponseWriter, err error) {
	if d := apperr.RetryAfterOf(err); d > 0 {
		SetRetryAfter(w, d)
	}
}

// RetrySeconds is a wait in whole seconds as a person or a client is told it:
// rounded up, at least 1 (told "0 seconds", they would retry at once and be
// refused again).
func RetrySeconds(d time.Duration) int {
	return max(int((d+time.Second-1)/time.Second), 1)
}

// SetRetryAfter sets the Retry-After header of a 429 to the wait d
// (RetrySeconds): the one rounding for pages, forms and APIs.
func SetRetryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(RetrySeconds(d)))
}

// in reports whether v is among list (a checkbox of a group typed before).
func in(list []string, v any) bool { return slices.Contains(list, fmt.Sprint(v)) }
