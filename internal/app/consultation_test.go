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
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/sheet"
	"danchu/internal/sheet/sheettest"
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

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// xlsxRowOf finds the first row of a worksheet holding a cell equal to text
// and returns the name of a column's cell on that row ("C" → "C7").
func xlsxRowOf(t *testing.T, b, sheet, text string) func(col string) string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if slices.Contains(r, text) {
			return func(col string) string { return col + strconv.Itoa(i+1) }
		}
	}
	t.Fatalf("sheet %s has no cell %q", sheet, text)
	return nil
}

// xlsxText reads every row of every sheet, cells joined by tabs.
func xlsxText(t *testing.T, b string) string {
	t.Helper()
	f, err := excelize.OpenReader(strings.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out strings.Builder
	for _, name := range f.GetSheetList() {
		rows, err := f.GetRows(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows {
			out.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	return out.String()
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
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		closes := time.Now().AddDate(0, 0, 40).Format("2006-01-02")
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế dân chủ xã Đan Điền"},
			"parts": {"## Chương I\nQuy định chung\n## Chương II\nCông khai\n## Chương III\nGiám sát"}, "forms": {"online"}, "closes_on": {closes}})
		if code != http.StatusSeeOther {
			t.Fatalf("open: %d", code)
		}
		office := hd.Get("Location")
		id := strings.TrimPrefix(office, "/quan-tri/lay-y-kien/")
		public := "/lay-y-kien/" + id
		// An official reading the public page is told how opinions reach the consultation, not asked to sign in.
		if _, page, _ := official.Get(public); strings.Contains(page, "Đăng nhập để góp ý") || !strings.Contains(page, "tài khoản cán bộ") {
			t.Errorf("a signed-in official is asked to sign in to comment: %s", mainOf(page))
		}
		// A citizen signs in with the code written to the log and comments on part 2.
		cit := citizen(t, a, srv, logs, "0912 000 111")
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
		// The citizen sees their own comment and may correct it for 15 minutes; nobody else may.
		edit := regexp.MustCompile(`href="(/lay-y-kien/\d+/y-kien/\d+/sua)"`).FindStringSubmatch(page)
		if !strings.Contains(page, "Ý kiến của bạn") || edit == nil {
			t.Fatal("the citizen's own comment has no edit link")
		}
		if code, page, _ := cit.Get(edit[1]); code != 200 || !strings.Contains(page, "Đề nghị công khai cả") {
			t.Errorf("edit form: %d", code)
		}
		if code, _, _ := webtest.New(t, srv.URL).Get(edit[1]); code != http.StatusNotFound {
			t.Errorf("a stranger opens the edit form: %d", code)
		}
		code, page, _ = cit.Post(edit[1], edit[1], url.Values{"stance": {"suggest"}, "body": {""}})
		if code != http.StatusBadRequest || !strings.Contains(page, "Hãy viết ý kiến") {
			t.Errorf("empty edit: %d", code)
		}
		if _, page, _ := cit.Get(public); !strings.Contains(page, "Đề nghị công khai cả &lt;script&gt;") {
			t.Errorf("a refused edit changed the comment")
		}
		if code, _, _ := cit.Post(edit[1], edit[1], url.Values{"stance": {"suggest"}, "body": {"Đề nghị công khai cả trên loa phát thanh"}}); code != http.StatusSeeOther {
			t.Errorf("edit: %d", code)
		}
		if _, page, _ := cit.Get(public); !strings.Contains(page, "Đề nghị công khai cả trên loa phát thanh") {
			t.Errorf("the edit is not shown")
		}
		// The public report waits for the synthesis.
		if code, _, _ := cit.Get(public + "/tong-hop.xlsx"); code != http.StatusNotFound {
			t.Errorf("public report before the synthesis: %d", code)
		}
		// Opinions from a village meeting are entered by the official, one per line.
		code, page, _ = official.Follow(official.Post(office, office+"/truc-tiep", url.Values{"source": {"meeting"}, "note": {"Biên bản hội nghị thôn 1"},
			"part": {"3"}, "stance": {"agree"}, "bodies": {"Đồng ý Chương III\n\nĐề nghị giữ nguyên Chương III\n"}}))
		if code != 200 || !strings.Contains(page, "Đã nhập 2 ý kiến") || !strings.Contains(page, "0/3") {
			t.Errorf("offline entry: %d", code)
		}
		if code, _, _ := official.Post(office, office+"/truc-tiep", url.Values{"source": {"pigeon"}, "bodies": {"x"}}); code != http.StatusBadRequest {
			t.Errorf("offline entry with an unknown source: %d", code)
		}
		// The province administrator is above the commune but has no consultation role: 403.
		if code, _, _ := signIn(t, srv, "tinh@danchu.demo", demo.Password).Get(office); code != http.StatusForbidden {
			t.Errorf("province admin on the office page: %d", code)
		}
		// The official answers it as an explanation; the citizen sees it.
		_, page, _ = official.Get(office)
		cids := regexp.MustCompile(`name="comment" value="(\d+)"`).FindAllStringSubmatch(page, -1)
		if len(cids) != 3 {
			t.Fatalf("%d unanswered comments on the office page, want 3", len(cids))
		}
		code, page, _ = official.Follow(official.Post(office, office+"/tra-loi", url.Values{"comment": {cids[0][1]}, "kind": {"explained"}, "body": {"Loa phát thanh đã phát 3 ngày."}}))
		if code != 200 || !strings.Contains(page, "Đã trả lời 1 ý kiến") {
			t.Fatalf("answer: %d", code)
		}
		_, page, _ = cit.Get(public)
		if !strings.Contains(page, "Giải trình</strong>: Loa phát thanh đã phát 3 ngày.") || !strings.Contains(page, "1/3") {
			t.Errorf("the answer is not on the public page")
		}
		// The citizen is told by SMS (here: the development sender's log line).
		if sent, _, err := a.Outbox.Deliver(ctx, 10); sent != 1 || err != nil {
			t.Errorf("outbox: sent %d, %v", sent, err)
		}
		if !strings.Contains(logs.String(), "Ý kiến của bạn về «Dự thảo quy chế dân chủ xã Đan Điền» đã được trả lời: Giải trình.") {
			t.Errorf("no notification for the citizen")
		}
		if code, _, _ := official.Follow(official.Post(office, office+"/an", url.Values{"comment": {cids[2][1]}, "reason": {"duplicate"}})); code != 200 {
			t.Errorf("hide: %d", code)
		}
		if code, _, _ := official.Follow(official.Post(office, office+"/tra-loi", url.Values{"comment": {cids[1][1], cids[2][1]}, "kind": {"accepted"}})); code != 200 {
			t.Errorf("answer two at once: %d", code)
		}
		// After the window (sessions have expired by then: sign in again) the synthesis is published.
		d.Now = func() time.Time { return time.Now().AddDate(0, 0, 42) }
		if _, page, _ := webtest.New(t, srv.URL).Get(public); !strings.Contains(page, "Không trong thời gian nhận ý kiến") {
			t.Errorf("the closed consultation still offers the form")
		}
		official = signIn(t, srv, "xa@danchu.demo", demo.Password)
		code, _, _ = official.Post(office, office+"/tong-hop", url.Values{"decision": {"Thông qua quy chế"}, "adopted": {"1"}, "confirm": {"1"}})
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
		// The report: the public copy shows the hidden opinion by its reason only; the officials' copy has it all.
		for _, tt := range []struct {
			who         *webtest.Browser
			url         string
			hidden, not string
		}{
			{webtest.New(t, srv.URL), public + "/tong-hop.xlsx", "(Đã ẩn: Trùng lặp)", "Đề nghị giữ nguyên Chương III"},
			{official, office + "/tong-hop.xlsx", "Đề nghị giữ nguyên Chương III", "(Đã ẩn"},
		} {
			code, body, hd := tt.who.Get(tt.url)
			if code != 200 || hd.Get("Content-Type") != sheet.ContentType {
				t.Fatalf("%s: %d %s", tt.url, code, hd.Get("Content-Type"))
			}
			cells := xlsxText(t, body)
			if !strings.Contains(cells, tt.hidden) || strings.Contains(cells, tt.not) || !strings.Contains(cells, "Thông qua quy chế") ||
				!strings.Contains(cells, "Chương III\t2\t0\t0\t2") {
				t.Errorf("%s:\n%s", tt.url, cells)
			}
			// A comment's time is a date-time cell (Vietnam's clock), its number a number.
			c := sheettest.Cells(t, []byte(body), "Ý kiến", "A5", "G5")
			if c[0].Stored != "1" || c[0].Text || c[1].Text || c[1].Format != sheet.TimeFormat ||
				!regexp.MustCompile(`^\d\d/\d\d/\d{4} \d\d:\d\d$`).MatchString(c[1].Shown) {
				t.Errorf("%s: the first comment's number and time are %+v", tt.url, c)
			}
		}
	})
}
