package web_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
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
		s.Error(w, r, apperr.New(apperr.CodeConflict, "web.err.text_encoding"))
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
		{"CodedError", "GET", "/conflict", nil, 409, "có ký tự không đọc được", ""},
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

// Behind a trusted proxy the client is the forwarded address; from anywhere
// else, X-Forwarded-For is ignored (a client cannot pick its own address).
func TestClientIPThroughTrustedProxies(t *testing.T) {
	for _, tt := range []struct {
		name, peer, xff, want string
		trust                 []string
	}{
		{"NoProxyTrusted", "203.0.113.7:5000", "1.2.3.4", "203.0.113.7", nil},
		{"TrustedProxy", "127.0.0.1:5000", "198.51.100.9", "198.51.100.9", []string{"127.0.0.1/32"}},
		{"SpoofedLeftmostIgnored", "127.0.0.1:5000", "6.6.6.6, 198.51.100.9", "198.51.100.9", []string{"127.0.0.0/8"}},
		{"ChainOfProxies", "10.0.0.2:5000", "198.51.100.9, 10.0.0.5", "198.51.100.9", []string{"10.0.0.0/8"}},
		{"UntrustedPeerWithHeader", "192.0.2.1:5000", "198.51.100.9", "192.0.2.1", []string{"10.0.0.0/8"}},
		{"GarbledHop", "127.0.0.1:5000", "198.51.100.9, not-an-ip", "127.0.0.1", []string{"127.0.0.1/32"}},
		{"IPv6Client", "[::1]:5000", "2001:db8::7", "2001:db8::7", []string{"::1/128"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
			if err != nil {
				t.Fatal(err)
			}
			var ps []netip.Prefix
			for _, p := range tt.trust {
				ps = append(ps, netip.MustParsePrefix(p))
			}
			s.TrustProxies(ps)
			var got string
			s.HandleFunc("GET /ip", func(w http.ResponseWriter, r *http.Request) { got = web.ClientIP(r.Context()) })
			req := httptest.NewRequest(http.MethodGet, "/ip", nil)
			req.RemoteAddr = tt.peer
			if tt.xff != "" {
				req.Header.Set("X-Forwarded-For", tt.xff)
			}
			s.Handler().ServeHTTP(httptest.NewRecorder(), req)
			if got != tt.want {
				t.Errorf("client %q, want %q", got, tt.want)
			}
		})
	}
}

// The request log never writes a secret path segment: a wildcard named token
// is logged as {token} (before, msg=request path=/kich-hoat/<the token>), also
// on the error line of a failed request; other path values stay in the log.
func TestRequestLogRedactsTokens(t *testing.T) {
	var logs bytes.Buffer
	s, err := web.NewServer(slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	ok := func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) }
	s.HandleFunc("GET /kich-hoat/{token}", ok)
	s.HandleFunc("GET /dat-lai-mat-khau/{token}", func(w http.ResponseWriter, r *http.Request) { s.Error(w, r, errors.New("store down")) })
	s.HandleFunc("GET /xa/{code}", ok)
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, p := range []string{"/kich-hoat/SECRET", "/dat-lai-mat-khau/SECRET", "/xa/19885"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	out := logs.String()
	if strings.Contains(out, "SECRET") || !strings.Contains(out, "path=/kich-hoat/{token}") || !strings.Contains(out, "path=/dat-lai-mat-khau/{token}") ||
		!strings.Contains(out, "path=/xa/19885") || !strings.Contains(out, "store down") {
		t.Errorf("log:\n%s", out)
	}
}
