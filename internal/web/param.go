package web

import (
	"net/http"
	"strconv"

	"danchu/internal/apperr"
)

// MaxPage is the highest page number a list answers (a page beyond the last
// one is empty; beyond MaxPage it is refused).
const MaxPage = 10_000

// PageParam reads the page number of query parameter name (e.g. "trang"): 1
// when absent or empty; an invalid error (400) when it is not a whole number
// from 1 to MaxPage — never a number that overflows an offset.
func PageParam(r *http.Request, name string) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 1, nil
	}
	n, ok := ParseID(v)
	if !ok || n > MaxPage {
		return 0, apperr.New(apperr.CodeInvalid, "web.err.page", clip(v), MaxPage).Mark(name)
	}
	return int(n), nil
}

// CursorParam reads an optional ID of query parameter name (e.g. "truoc",
// "sau": the last row of the previous page): 0 when absent or empty; an
// invalid error (400) when it is not a positive whole number that fits.
func CursorParam(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, ok := ParseID(v)
	if !ok {
		return 0, apperr.New(apperr.CodeInvalid, "web.err.cursor", name, clip(v)).Mark(name)
	}
	return n, nil
}

// clip shortens a typed value for a message.
func clip(v string) string {
	if r := []rune(v); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return v
}

// ParseID reads a positive ID written in decimal digits only (no sign, no
// spaces); false for anything else, including a number that does not fit.
func ParseID(s string) (int64, bool) {
	if s == "" || len(s) > 19 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false // not the clamped value strconv gives for one that does not fit
	}
	return n, true
}
