package web

import (
	"net/http"
	"testing"
)

// A visitor's lazily made token is made once, by the first form that asks
// for it, and only then is there a cookie to set and a token the page cache
// must look for; a page without a form makes none.
func TestLazyCSRF(t *testing.T) {
	made := 0
	v := Viewer{}.LazyCSRF(func() (string, *http.Cookie) {
		made++
		return "TOKEN", &http.Cookie{Name: "danchu_csrf", Value: "TOKEN"}
	})
	if v.issuedToken() != "" || v.formCookie() != nil || made != 0 {
		t.Fatalf("before a form: token %q, cookie %v, made %d; want none", v.issuedToken(), v.formCookie(), made)
	}
	copied := v // the viewer travels by value (ViewerOf): every copy sees the one token
	if a, b := v.FormToken(), copied.FormToken(); a != "TOKEN" || b != "TOKEN" || made != 1 {
		t.Fatalf("FormToken %q, %q, made %d times; want TOKEN once", a, b, made)
	}
	if c := copied.formCookie(); c == nil || c.Value != "TOKEN" || v.issuedToken() != "TOKEN" {
		t.Fatalf("after a form: cookie %v, issued %q", c, v.issuedToken())
	}
	known := Viewer{CSRF: "SESSION"}
	if known.FormToken() != "SESSION" || known.issuedToken() != "SESSION" || known.formCookie() != nil {
		t.Fatalf("a known token: %q, %q, %v", known.FormToken(), known.issuedToken(), known.formCookie())
	}
}
