package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// One rule for a failed form: invalid, conflict and too-many show the form again
// with the message and field messages in the page's language; not found,
// forbidden and internal errors become the error page.
func TestFailForm(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := s.AddCatalog(fstest.MapFS{
		"locales/vi.json": {Data: []byte(`{"t.err.used": "Mã %s đã được dùng.", "t.err.f.code": "Mã phải có %d ký tự."}`)},
		"locales/en.json": {Data: []byte(`{"t.err.used": "Code %s is already used.", "t.err.f.code": "The code must have %d characters."}`)},
	}); err != nil {
		t.Fatal(err)
	}
	errs := map[string]error{
		"invalid":   apperr.New(apperr.CodeInvalid, "t.err.used", "X1").Field("code", apperr.M("t.err.f.code", 4)).Mark("name"),
		"conflict":  fmt.Errorf("save: %w", apperr.New(apperr.CodeConflict, "t.err.used", "X2")),
		"too_many":  apperr.New(apperr.CodeTooMany, "t.err.used", "X3").After(2500 * time.Millisecond),
		"not_found": apperr.New(apperr.CodeNotFound, "t.err.used", "X4"),
		"forbidden": apperr.New(apperr.CodeForbidden, "t.err.used", "X5"),
		"internal":  errors.New("secret detail"),
	}
	s.HandleFunc("GET /form", func(w http.ResponseWriter, r *http.Request) {
		if f, ok := s.FailForm(w, r, errs[r.URL.Query().Get("e")]); ok {
			w.WriteHeader(f.Status)
			fmt.Fprintf(w, "FORM %s | code=%s | name=%q", f.Message, f.Fields["code"], f.Fields["name"])
		}
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, tt := range []struct {
		e, lang    string
		status     int
		want       string
		retryAfter string
	}{
		{"invalid", "vi", 400, `FORM Mã X1 đã được dùng. | code=Mã phải có 4 ký tự. | name=""`, ""},
		{"invalid", "en", 400, `FORM Code X1 is already used. | code=The code must have 4 characters. | name=""`, ""},
		{"conflict", "en", 409, "FORM Code X2 is already used.", ""},
		{"too_many", "vi", 429, "FORM Mã X3 đã được dùng.", "3"},
		{"not_found", "en", 404, "Code X4 is already used.", ""},
		{"forbidden", "vi", 403, "Mã X5 đã được dùng.", ""},
		{"internal", "vi", 500, "Hệ thống đang gặp sự cố", ""},
	} {
		t.Run(tt.e+"/"+tt.lang, func(t *testing.T) {
			req, _ := http.NewRequest("GET", srv.URL+"/form?e="+tt.e, nil)
			req.AddCookie(&http.Cookie{Name: "lang", Value: tt.lang})
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			page := string(b)
			form := strings.HasPrefix(page, "FORM ")
			if resp.StatusCode != tt.status || !strings.Contains(page, tt.want) || form != strings.HasPrefix(tt.want, "FORM ") {
				t.Errorf("%d %.400s, want %d %q", resp.StatusCode, page, tt.status, tt.want)
			}
			if got := resp.Header.Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if strings.Contains(page, "secret detail") {
				t.Error("an internal error's detail is shown")
			}
		})
	}
}

// TestSetRetryAfter: the one rounding of a wait: whole seconds rounded up, at
// least 1 (before, the write limit said int(wait)+1 — 2 s for a wait of
// exactly 1 s — while pages rounded up, and a zero wait could say 0).
func TestSetRetryAfter(t *testing.T) {
	for _, tt := range []struct {
		d    time.Duration
		want string
	}{
		{-time.Second, "1"}, {0, "1"}, {time.Nanosecond, "1"}, {999 * time.Millisecond, "1"}, {time.Second, "1"},
		{time.Second + time.Nanosecond, "2"}, {1500 * time.Millisecond, "2"}, {time.Minute, "60"}, {15*time.Minute - time.Millisecond, "900"},
	} {
		w := httptest.NewRecorder()
		web.SetRetryAfter(w, tt.d)
		if got := w.Header().Get("Retry-After"); got != tt.want || strconv.Itoa(web.RetrySeconds(tt.d)) != tt.want {
			t.Errorf("%v: Retry-After %q, RetrySeconds %d, want %s", tt.d, got, web.RetrySeconds(tt.d), tt.want)
		}
	}
}
