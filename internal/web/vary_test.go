package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// A public page's Vary is one line naming Cookie and Accept-Encoding, in a
// 200 of each coding and in a 304: nginx 1.22 would read only the last of two.
func TestPublicPageVaryIsOneLine(t *testing.T) {
	srv := deliveryServer(t, 60*time.Second)
	_, _ = get(t, srv, "GET", "/xa/19885", nil)
	first, _ := get(t, srv, "GET", "/xa/19885", map[string]string{"Accept-Encoding": "gzip"})
	for _, tt := range []struct {
		name   string
		header map[string]string
		status int
	}{
		{"Identity", nil, http.StatusOK},
		{"Gzip", map[string]string{"Accept-Encoding": "gzip"}, http.StatusOK},
		{"Brotli", map[string]string{"Accept-Encoding": "br"}, http.StatusOK},
		{"NotModified", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": first.Header.Get("ETag")}, http.StatusNotModified},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := get(t, srv, "GET", "/xa/19885", tt.header)
			vary := resp.Header.Values("Vary")
			if resp.StatusCode != tt.status || len(vary) != 1 || !strings.Contains(vary[0], "Cookie") || !strings.Contains(vary[0], "Accept-Encoding") {
				t.Errorf("%d, Vary %q; want %d and one line with Cookie and Accept-Encoding", resp.StatusCode, vary, tt.status)
			}
		})
	}
}
