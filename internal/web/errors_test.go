package web_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
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
		"too_large": apperr.New(apperr.CodeTooLarge, "t.err.used", "X6"),
		// The database or the disk: coded at the db layer, or a raw full disk.
		"unavailable": fmt.Errorf("save: %w", apperr.Unavailable(errors.New("secret detail"), 0)),
		"disk_full":   fmt.Errorf("store upload: %w", &os.PathError{Op: "write", Path: "/secret detail", Err: syscall.ENOSPC}),
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
		{"too_large", "vi", 413, "FORM Mã X6 đã được dùng.", ""},
		{"unavailable", "vi", 503, "FORM Máy chủ tạm thời không đọc được dữ liệu. Dữ liệu đã lưu vẫn an toàn.", "30"},
		{"unavailable", "en", 503, "FORM The server cannot read its data right now. The data already saved is safe.", "30"},
		{"disk_full", "vi", 503, "FORM Máy chủ tạm thời không đọc được dữ liệu.", "30"},
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

// TestUnavailable: a database or disk that cannot take the request is a 503
// with Retry-After everywhere: the error page says, after a write, that what
// was saved is safe and what was just sent may not have been (and to send it
// again in a few minutes), after a read to reload; the JSON API answers its
// own format with the code "unavailable"; the cause is logged as a warning,
// never shown.
func TestUnavailable(t *testing.T) {
	var logs strings.Builder
	s, err := web.NewServer(slog.New(slog.NewTextHandler(&logs, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	cause := apperr.Unavailable(errors.New("dial tcp 10.0.0.5:5432: connection refused"), 0)
	s.HandleFunc("GET /page", func(w http.ResponseWriter, r *http.Request) { s.Error(w, r, cause) })
	s.HandleFunc("POST /page", func(w http.ResponseWriter, r *http.Request) { s.Error(w, r, cause) })
	s.HandleFunc("GET /api/v1/x", func(w http.ResponseWriter, r *http.Request) { s.APIError(w, r, cause) })
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	for _, tt := range []struct {
		method, path, lang, want string
	}{
		{"GET", "/page", "vi", "Máy chủ tạm thời không đọc được dữ liệu. Dữ liệu đã lưu vẫn an toàn. Hãy đợi vài phút rồi tải lại trang."},
		{"POST", "/page", "vi", "Những gì đã lưu trước đây vẫn an toàn, nhưng nội dung bạn vừa gửi có thể chưa được lưu. Hãy đợi vài phút rồi gửi lại"},
		{"POST", "/page", "en", "What was saved before is safe, but what you just sent may not have been saved. Wait a few minutes and send it again"},
		{"GET", "/api/v1/x", "vi", `"code":"unavailable","message":"Máy chủ tạm thời không đọc được dữ liệu.`},
	} {
		t.Run(tt.method+tt.path+"/"+tt.lang, func(t *testing.T) {
			var body io.Reader
			if tt.method == "POST" {
				body = strings.NewReader(url.Values{"a": {"b"}}.Encode())
			}
			req, _ := http.NewRequest(tt.method, srv.URL+tt.path, body)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "lang", Value: tt.lang})
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "30" || !strings.Contains(string(b), tt.want) {
				t.Errorf("%d Retry-After %q %.600s; want 503, 30, %q", resp.StatusCode, resp.Header.Get("Retry-After"), b, tt.want)
			}
			if strings.Contains(string(b), "10.0.0.5") {
				t.Error("the cause is shown")
			}
		})
	}
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "10.0.0.5") || strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("the cause is logged as a warning:\n%s", logs.String())
	}
}
