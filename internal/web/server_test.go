package web_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

func TestErrorsPanicsAndCrossOrigin(t *testing.T) {
	var logs bytes.Buffer
	s, err := web.NewServer(slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	s.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	s.HandleFunc("GET /conflict", func(w http.ResponseWriter, r *http.Request) {
		s.Error(w, r, apperr.Conflict("Mã đã được dùng."))
	})
	s.HandleFunc("POST /save", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("saved")) })
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	tests := []struct {
		name, method, path string
		header             map[string]string
		status             int
		want, notWant      string
	}{
		{"PanicBecomes500", "GET", "/boom", nil, 500, "Hệ thống đang gặp sự cố", "secret detail"},
		{"CodedError", "GET", "/conflict", nil, 409, "Mã đã được dùng.", ""},
		{"CrossSitePostRefused", "POST", "/save", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403, "", "saved"},
		{"SameOriginPostAllowed", "POST", "/save", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200, "saved", ""},
		{"StaticAsset", "GET", "/static/x/app.css", nil, 200, "box-sizing", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, nil)
			for k, v := range tt.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) || (tt.notWant != "" && strings.Contains(string(b), tt.notWant)) {
				t.Fatalf("%s %s = %d %.300s", tt.method, tt.path, resp.StatusCode, b)
			}
		})
	}
	if !strings.Contains(logs.String(), "secret detail") {
		t.Error("the panic is not in the log")
	}
}
