package app_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

// logBuffer keeps what the development SMS sender writes, to read codes from.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) lastCode() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	m := regexp.MustCompile(`của bạn: (\d{6})`).FindAllStringSubmatch(l.b.String(), -1)
	if len(m) == 0 {
		return ""
	}
	return m[len(m)-1][1]
}

func TestConsultationPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(logs, nil)))
		t.Cleanup(a.Consult.Close)
		if _, err := demo.Load(ctx, a.Units); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
			t.Fatal(err)
		}
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%d/lay-y-kien", commune.ID)
		closes := time.Now().AddDate(0, 0, 40).Format("2006-01-02")
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế dân chủ xã Đan Điền"},
			"parts": {"## Chương I\nQuy định chung\n## Chương II\nCông khai\n## Chương III\nGiám sát"}, "forms": {"online"}, "closes_on": {closes}})
		if code != http.StatusSeeOther {
			t.Fatalf("open: %d", code)
		}
		office := hd.Get("Location")
		id := strings.TrimPrefix(office, "/quan-tri/lay-y-kien/")
		public := "/lay-y-kien/" + id
		// A citizen signs in with the code written to the log and comments on part 2.
		cit := webtest.New(t, srv.URL)
		if code, _, _ := cit.Post("/cong-dan/dang-nhap", "/cong-dan/dang-nhap", url.Values{"address": {"0912 000 111"}}); code != http.StatusSeeOther {
			t.Fatalf("send code: %d", code)
		}
		if code, _, _ := cit.Post("/cong-dan/dang-nhap/ma", "/cong-dan/dang-nhap/ma", url.Values{"code": {logs.lastCode()}}); code != http.StatusSeeOther {
			t.Fatalf("sign in: %d", code)
		}
		_, page, _ := cit.Get(public)
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(page)
		if key == nil {
			t.Fatalf("no comment form for a signed-in citizen")
		}
		form := url.Values{"part": {"2"}, "stance": {"suggest"}, "body": {"Đề nghị công khai cả <script>alert(1)</script> trên loa"}, "key": {key[1]}}
		for range 2 { // the same form twice: one comment
			if code, _, _ := cit.Post(public, public+"/gop-y", cloneValues(form)); code != http.StatusSeeOther {
				t.Fatalf("comment: %d", code)
			}
		}
		code, page, _ = cit.Post(public, public+"/gop-y", url.Values{"part": {"1"}, "stance": {"agree"}, "body": {""}, "key": {"x"}})
		if code != http.StatusBadRequest || !strings.Contains(page, "Hãy viết ý kiến") {
			t.Errorf("empty comment: %d", code)
		}
		_, page, _ = cit.Get(public)
		if !strings.Contains(page, "0/1") || strings.Contains(page, "<script>alert") || !strings.Contains(page, "&lt;script&gt;") {
			t.Errorf("public page after the comment")
		}
		// The province administrator is above the commune but has no consultation role: 403.
		if code, _, _ := signIn(t, srv, "tinh@danchu.demo", demo.Password).Get(office); code != http.StatusForbidden {
			t.Errorf("province admin on the office page: %d", code)
		}
		// The official answers it as an explanation; the citizen sees it.
		_, page, _ = official.Get(office)
		cid := regexp.MustCompile(`name="comment" value="(\d+)"`).FindStringSubmatch(page)
		if cid == nil {
			t.Fatal("no unanswered comment on the office page")
		}
		code, page, _ = official.Post(office, office+"/tra-loi", url.Values{"comment": {cid[1]}, "kind": {"explained"}, "body": {"Loa phát thanh đã phát 3 ngày."}})
		if code != 200 || !strings.Contains(page, "Đã trả lời 1 ý kiến") {
			t.Fatalf("answer: %d", code)
		}
		_, page, _ = cit.Get(public)
		if !strings.Contains(page, "Giải trình</strong>: Loa phát thanh đã phát 3 ngày.") || !strings.Contains(page, "1/1") {
			t.Errorf("the answer is not on the public page")
		}
		// After the window (sessions have expired by then: sign in again) the synthesis is published.
		d.Now = func() time.Time { return time.Now().AddDate(0, 0, 42) }
		if _, page, _ := webtest.New(t, srv.URL).Get(public); !strings.Contains(page, "Không trong thời gian nhận ý kiến") {
			t.Errorf("the closed consultation still offers the form")
		}
		official = signIn(t, srv, "xa@danchu.demo", demo.Password)
		code, _, _ = official.Post(office, office+"/tong-hop", url.Values{"decision": {"Thông qua quy chế"}, "adopted": {"1"}})
		if code != http.StatusSeeOther {
			t.Fatalf("synthesis: %d", code)
		}
		_, page, _ = webtest.New(t, srv.URL).Get(public)
		if !strings.Contains(page, "Kết quả tổng hợp") || !strings.Contains(page, "Thông qua quy chế") ||
			!strings.Contains(page, "<li>Chương II: 0 đồng ý, 0 không đồng ý, 1 góp ý</li>") {
			t.Errorf("synthesis not on the public page")
		}
		if _, page, _ := webtest.New(t, srv.URL).Get("/xa/" + demo.CommuneCode + "/lay-y-kien"); !strings.Contains(page, public) {
			t.Errorf("the commune's list lacks the consultation")
		}
	})
}
