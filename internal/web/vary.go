package web

import (
	"net/http"
	"strings"
)

// addVary adds field to the answer's Vary, keeping Vary one header line:
// nginx before 1.23 (Debian 12 ships 1.22) keeps only the last of several Vary
// lines when it caches, so "Vary: Cookie" then "Vary: Accept-Encoding" would
// let it give one visitor's page to another whose cookies differ (see
// docs/OPERATIONS.md; internal/app/nginx_test.go runs it).
func addVary(h http.Header, field string) {
	var fields []string
	for _, v := range h.Values("Vary") {
		for _, f := range strings.Split(v, ",") {
			if f = strings.TrimSpace(f); f != "" {
				fields = append(fields, f)
			}
		}
	}
	for _, f := range fields {
		if strings.EqualFold(f, field) || f == "*" {
			h.Set("Vary", strings.Join(fields, ", "))
			return
		}
	}
	h.Set("Vary", strings.Join(append(fields, field), ", "))
}
