package web

import (
	"net/http"
	"strings"
)

// privatePrefixes are the addresses whose pages are never stored by a browser
// or a proxy, signed in or not: the back office, and the sign-in, activation
// and password pages (a shared computer at the commune office must not show
// the next person what the last one saw, with the Back button or from cache).
var privatePrefixes = []string{"/quan-tri", "/dang-nhap", "/dang-xuat", "/kich-hoat", "/quen-mat-khau", "/dat-lai-mat-khau", "/cong-dan"}

// IsPrivatePath reports whether path is under one of privatePrefixes.
func IsPrivatePath(path string) bool {
	for _, p := range privatePrefixes {
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}

// transportHeaders asks browsers to keep to HTTPS for two years when the site's
// public address is https (not on plain HTTP, where it would be ignored and
// would lock out a test site), and marks the private addresses no-store.
func (s *Server) transportHeaders(next http.Handler) http.Handler {
	hsts := strings.HasPrefix(s.Public, "https://")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hsts {
			w.Header().Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
		}
		if IsPrivatePath(r.URL.Path) {
			w.Header().Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// noStoreSignedIn marks every answer to a signed-in viewer no-store: it may
// carry their name, their form token, their own feedback (runs inside the
// identity middleware, which sets the viewer; a handler may still choose
// otherwise, e.g. static files).
func noStoreSignedIn(w http.ResponseWriter, r *http.Request) {
	if ViewerOf(r).SignedIn {
		w.Header().Set("Cache-Control", "no-store")
	}
}
