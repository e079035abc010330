package app_test

import (
	"context"
	"database/sql"
	"encoding/xml"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/auth"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/files/filestest"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// demoSite is the whole application with the demo data and accounts.
func demoSite(t *testing.T, d *db.DB) (*app.App, *httptest.Server) {
	t.Helper()
	return siteWith(t, d, &config.Config{DataDir: t.TempDir()}, io.Discard)
}

// siteWith is demoSite with a configuration and a log of the test's own.
func siteWith(t *testing.T, d *db.DB, cfg *config.Config, logs io.Writer) (*app.App, *httptest.Server) {
	t.Helper()
	ctx := context.Background()
	a := app.New(cfg, d, slog.New(slog.NewTextHandler(logs, nil)))
	t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
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
	t.Cleanup(srv.Close)
	return a, srv
}

func signIn(t *testing.T, srv *httptest.Server, email, password string) *webtest.Browser {
	t.Helper()
	b := webtest.New(t, srv.URL)
	if code, body, _ := b.Post("/dang-nhap", "/dang-nhap", url.Values{"email": {email}, "password": {password}}); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %s", email, code, body)
	}
	return b
}

// citizen signs a citizen in by phone with the code the development SMS sender logged.
func citizen(t *testing.T, a *app.App, srv *httptest.Server, logs *logBuffer, phone string) *webtest.Browser {
	t.Helper()
	b := webtest.New(t, srv.URL)
	if code, _, _ := b.Post("/cong-dan/dang-nhap", "/cong-dan/dang-nhap", url.Values{"address": {phone}}); code != http.StatusSeeOther {
		t.Fatalf("send code: %d", code)
	}
	// The code goes through the outbox (the server's worker delivers it; here the test does).
	if _, _, err := a.Outbox.Deliver(context.Background(), 100); err != nil {
		t.Fatal(err)
	}
	if code, _, _ := b.Post("/cong-dan/dang-nhap/ma", "/cong-dan/dang-nhap/ma", url.Values{"code": {logs.lastCode()}}); code != http.StatusSeeOther {
		t.Fatalf("sign in: %d", code)
	}
	return b
}

// otherOfficial signs in an official of Phường Phú Xuân, a commune other than the demo one.
func otherOfficial(t *testing.T, a *app.App, srv *httptest.Server) *webtest.Browser {
	t.Helper()
	ctx := context.Background()
	other, err := a.Auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ Phú Xuân", Email: "px@x.vn", Role: auth.CommuneOfficial, UnitCode: "19753"})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Auth.Activate(ctx, other.ActivationLink[strings.LastIndex(other.ActivationLink, "/")+1:], demo.Password); err != nil {
		t.Fatal(err)
	}
	return signIn(t, srv, "px@x.vn", demo.Password)
}

// pdfBytes is a whole PDF (files.Blobs.Put refuses one cut short).
var pdfBytes = filestest.PDF("Quy chế dân chủ ở cơ sở")

func TestDisclosurePages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		today := legal.Today(time.Now())
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		form := url.Values{"category": {"4"}, "title": {`Quy chế dân chủ ở cơ sở <script>alert("t")</script>`},
			"body": {"Điều 1. Phạm vi\n- Công khai **đầy đủ**\n<img src=x onerror=alert(1)>"}, "decision_date": {today.AddDays(-2).String()},
			"ch_posting": {"1"}, "ch_posting_start": {today.String()}}
		// An HTML page named .pdf is refused and nothing is saved.
		code, page, _ := official.PostMultipart(manage, manage, cloneValues(form), webtest.File{Field: "files", Name: "quy-che.pdf", Content: []byte("<html><script>x</script></html>")})
		if code != http.StatusBadRequest || !strings.Contains(page, "không phải PDF, DOCX") {
			t.Fatalf("html as pdf: %d", code)
		}
		noDate := cloneValues(form)
		noDate.Del("decision_date")
		code, page, _ = official.PostMultipart(manage, manage, noDate)
		if code != http.StatusBadRequest || !strings.Contains(page, "Hãy nhập ngày ban hành") {
			t.Fatalf("no decision date: %d", code)
		}
		if n := db.Count(t, d, "select count(*) from disclosures"); n != 0 {
			t.Fatalf("%d disclosures saved by refused forms", n)
		}
		code, _, h := official.PostMultipart(manage, manage, cloneValues(form), webtest.File{Field: "files", Name: "../../quy chế.pdf", Content: pdfBytes},
			webtest.File{Field: "files", Name: `<script>alert(1)</script><img src=x onerror=alert(2)>.pdf`, Content: pdfBytes})
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/cong-khai/") {
			t.Fatalf("publish: %d %s", code, h.Get("Location"))
		}
		detail := h.Get("Location")
		citizen := webtest.New(t, srv.URL)
		code, page, _ = citizen.Get(detail)
		if code != 200 || strings.Contains(page, "<script>alert") || strings.Contains(page, "<img src=x") ||
			!strings.Contains(page, "&lt;script&gt;") || !strings.Contains(page, "<strong>đầy đủ</strong>") || !strings.Contains(page, "Công khai thường xuyên") {
			t.Fatalf("detail page: %d\n%s", code, page)
		}
		if len(page) > 60<<10 {
			t.Errorf("detail page is %d bytes, over 60 KB", len(page))
		}
		// The name loses what looks like folders ("</" ends one) and the rest is shown as text.
		if !strings.Contains(page, "script&gt;&lt;img src=x onerror=alert(2)&gt;.pdf") {
			t.Errorf("a file name with markup is not shown escaped")
		}
		link := regexp.MustCompile(`href="(/cong-khai/\d+/tep/1/1)"`).FindStringSubmatch(page)
		if link == nil {
			t.Fatal("no download link")
		}
		resp, err := http.Get(srv.URL + link[1])
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.Header.Get("Content-Type") != "application/pdf" || string(body) != string(pdfBytes) ||
			resp.Header.Get("Content-Disposition") != `attachment; filename*=utf-8''quy%20ch%E1%BA%BF.pdf` {
			t.Errorf("download: %s / %s", resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		// A cache may keep the file but asks again before using it: once withdrawn
		// (a wrong file, personal data in it) nobody gets it from a proxy either.
		if cc := resp.Header.Get("Cache-Control"); cc != "public, no-cache" || resp.Header.Get("Last-Modified") == "" {
			t.Errorf("download Cache-Control %q, Last-Modified %q; want public, no-cache with a date to revalidate", cc, resp.Header.Get("Last-Modified"))
		}
		// The board, the village board, the feed, the search.
		code, page, _ = citizen.Get("/xa/" + demo.CommuneCode + "/cong-khai")
		if code != 200 || !strings.Contains(page, "4. Quy chế thực hiện dân chủ") || !strings.Contains(page, detail) {
			t.Errorf("board: %d", code)
		}
		if len(page) > 60<<10 {
			t.Errorf("board page is %d bytes", len(page))
		}
		code, page, _ = citizen.Get("/xa/" + demo.CommuneCode + "/cong-khai.atom")
		var feed struct {
			Entries []struct {
				Title string `xml:"title"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal([]byte(page), &feed); err != nil || code != 200 || len(feed.Entries) != 1 {
			t.Errorf("atom feed: %d %v %s", code, err, page)
		}
		code, page, _ = citizen.Get("/cong-khai/tim?q=quy+che+dan+chu")
		if code != 200 || !strings.Contains(page, "<mark>chế</mark>") || !strings.Contains(page, detail) {
			t.Errorf("search: %d", code)
		}
		if code, _, _ := citizen.Get("/cong-khai/tim?q=" + strings.Repeat("x", 201)); code != 400 {
			t.Errorf("long query: %d", code)
		}
		// The quarterly register, printable and as XLSX.
		q := disclosure.QuarterOf(today)
		reg := fmt.Sprintf("/quan-tri/don-vi/%s/so-cong-khai?nam=%d&quy=%d", commune.OfficeKey(), today.Year, q)
		if code, page, _ := official.Get(reg); code != 200 || !strings.Contains(page, fmt.Sprintf("Sổ theo dõi công khai — quý %d năm %d", q, today.Year)) || !strings.Contains(page, "Niêm yết tại trụ sở") {
			t.Errorf("register page: %d", code)
		}
		code, page, h = official.Get(strings.Replace(reg, "so-cong-khai", "so-cong-khai.xlsx", 1))
		if code != 200 || h.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" || !strings.HasPrefix(page, "PK") {
			t.Errorf("register xlsx: %d %s", code, h.Get("Content-Type"))
		}
		// Another commune's official: not found.
		px := otherOfficial(t, a, srv)
		id := strings.TrimPrefix(detail, "/cong-khai/")
		if code, _, _ := px.Get("/quan-tri/cong-khai/" + id); code != http.StatusNotFound {
			t.Errorf("other commune's edit page: %d", code)
		}
		// Amend; the public page shows the note and the change.
		edit := "/quan-tri/cong-khai/" + id
		if code, page, _ := official.Get(edit); code != 200 {
			t.Fatalf("edit page: %d\n%s", code, page)
		}
		am := cloneValues(form)
		am.Set("body", "Điều 1. Phạm vi\n- Công khai đầy đủ, kịp thời")
		am.Set("reason", "Bổ sung yêu cầu kịp thời")
		code, _, _ = official.PostMultipart(edit, edit+"/sua", am)
		if code != http.StatusSeeOther {
			t.Fatalf("amend: %d", code)
		}
		_, page, _ = citizen.Get(detail)
		if !strings.Contains(page, "Bổ sung yêu cầu kịp thời") || !strings.Contains(page, "<ins>+ • Công khai đầy đủ, kịp thời</ins>") {
			t.Errorf("amended page lacks the note or the diff")
		}
		// The comparison was made once, at amendment, and stored; the page reads
		// the stored one (a changed script shows on the page), and a correction
		// made before comparisons were stored (NULL) is compared on view.
		var script string
		if err := d.QueryRow("select diff from disclosure_versions where disclosure_id = $1 and version = 2", id).Scan(&script); err != nil || script != "=1 -2 +1" {
			t.Fatalf("stored diff = %q, %v; want =1 -2 +1", script, err)
		}
		setDiff := func(v any) {
			t.Helper()
			if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, "update disclosure_versions set diff = $1 where disclosure_id = $2 and version = 2", v, id); err != nil {
					return err
				}
				// As every write of a disclosure does: the page cache's signature moves.
				_, err := tx.ExecContext(ctx, "update disclosures set updated_at = updated_at + 1 where id = $1", id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
		setDiff("-3 +2")
		if _, page, _ = citizen.Get(detail); !strings.Contains(page, "<del>- Điều 1. Phạm vi</del>") {
			t.Errorf("the page does not show the stored comparison")
		}
		setDiff(nil)
		if _, page, _ = citizen.Get(detail); !strings.Contains(page, "diff\">  Điều 1. Phạm vi\n<del>- • Công khai <strong>đầy đủ</strong></del>") ||
			!strings.Contains(page, "<ins>+ • Công khai đầy đủ, kịp thời</ins>") {
			t.Errorf("a version without a stored comparison is not compared on view")
		}
		var stillNull bool
		if err := d.QueryRow("select diff is null from disclosure_versions where disclosure_id = $1 and version = 2", id).Scan(&stillNull); err != nil || !stillNull {
			t.Errorf("a page view wrote the comparison (%v)", err)
		}
		// A permanent item cannot be archived; withdrawing leaves a tombstone and no file.
		if code, page, _ := official.Post(edit, edit+"/go", url.Values{"confirm": {"1"}}); code != http.StatusConflict || !strings.Contains(page, "thường xuyên") {
			t.Errorf("take down a permanent item: %d", code)
		}
		var status string
		d.QueryRow("select status from disclosures where id = $1", id).Scan(&status)
		if status != disclosure.Posted {
			t.Errorf("after a refused take-down the disclosure is %q, want %q", status, disclosure.Posted)
		}
		if code, _, _ := official.Post(edit, edit+"/rut", url.Values{"reason": {"Đăng nhầm bản dự thảo"}, "confirm": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", code)
		}
		_, page, _ = citizen.Get(detail)
		if !strings.Contains(page, "Đăng nhầm bản dự thảo") || strings.Contains(page, "Phạm vi") {
			t.Errorf("tombstone shows the content or lacks the reason")
		}
		if code, _, _ := citizen.Get(link[1]); code != http.StatusNotFound {
			t.Errorf("file of a withdrawn disclosure: %d", code)
		}
		rec, err := a.Audit.Records(ctx, 0, 10)
		if err != nil || len(rec) != 3 || rec[0].Kind != "disclosure.withdrawn" {
			t.Errorf("public record: %d entries (%v)", len(rec), err)
		}
	})
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
