package web

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// MetricsHandler is the Prometheus handler of the server's registry, for a
// listener of its own (--metrics-addr): the public address does not serve it.
func (s *Server) MetricsHandler() http.Handler { return s.metrics }

// ServeMetricsWithToken serves /metrics on the public address to a scraper that
// sends "Authorization: Bearer <token>"; to anyone else /metrics is the 404
// page, as when it is not served at all (nothing tells that it exists).
func (s *Server) ServeMetricsWithToken(token string) {
	want := []byte("Bearer " + token)
	s.mux.HandleFunc("GET /metrics", func(w http.ResponseWriter, r *http.Request) {
		got := []byte(strings.TrimSpace(r.Header.Get("Authorization")))
		if token == "" || subtle.ConstantTimeCompare(got, want) != 1 {
			s.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s.metrics.ServeHTTP(w, r)
	})
}
