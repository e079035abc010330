package app_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/audit"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
)

// newSite returns a test server over the demo data on d.
func newSite(t *testing.T, d *db.DB) *httptest.Server {
	t.Helper()
	a := app.New(&config.Config{}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(a.Consult.Close)
	if _, err := demo.Load(context.Background(), a.Units); err != nil {
		t.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, url string) (*http.Response, string) {
	t.Helper()
	resp, err := c.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestPublicPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		srv := newSite(t, d)
		c := srv.Client()
		tests := []struct {
			name, path string
			status     int
			want       []string
			notWant    []string
		}{
			{"Home", "/", 200, []string{"Thành phố Huế", "Thành phố Hà Nội", `action="/tim-kiem"`, `lang="vi"`}, nil},
			{"Province", "/tinh/46", 200, []string{"Xã Đan Điền", "Phường Phú Xuân", "Xã, phường, đặc khu"}, nil},
			{"Commune", "/xa/19885", 200, []string{"Thôn Đông Phước", "Thôn Tây Hòa", "Thôn Nam Thanh", `href="/tinh/46"`}, nil},
			{"Village", "/thon/19885-02", 200, []string{"Thôn Tây Hòa", "Số hộ đang cư trú"}, []string{"Số 1,"}},
			{"SearchWithoutAccents", "/tim-kiem?q=dan+dien", 200, []string{`href="/xa/19885"`, "Thành phố Huế"}, nil},
			{"SearchNothing", "/tim-kiem?q=zzzz", 200, []string{"Không tìm thấy đơn vị nào"}, nil},
			{"SearchEscapesHTML", "/tim-kiem?q=%3Cscript%3Ealert(1)%3C/script%3E", 200, []string{"&lt;script&gt;"}, []string{"<script>"}},
			{"SearchTooLong", "/tim-kiem?q=" + strings.Repeat("a", 101), 400, []string{"dài quá 100 ký tự"}, nil},
			{"UnknownCommune", "/xa/99999", 404, []string{"Không tìm thấy đơn vị"}, nil},
			{"UnknownPath", "/khong-co", 404, []string{"Không tìm thấy trang", "Về trang chủ"}, nil},
			{"Healthz", "/healthz", 200, []string{"ok"}, nil},
			{"Readyz", "/readyz", 200, []string{"ok"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp, body := get(t, c, srv.URL+tt.path)
				if resp.StatusCode != tt.status {
					t.Fatalf("status %d, want %d; body %.300s", resp.StatusCode, tt.status, body)
				}
				for _, w := range tt.want {
					if !strings.Contains(body, w) {
						t.Errorf("body lacks %q", w)
					}
				}
				for _, w := range tt.notWant {
					if strings.Contains(body, w) {
						t.Errorf("body has %q", w)
					}
				}
				if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && len(body) > 60<<10 {
					t.Errorf("page is %d bytes, over the 60 KB budget", len(body))
				}
			})
		}
	})
}

func TestSecurityHeadersAndRedirects(t *testing.T) {
	srv := newSite(t, db.OpenTest(t, db.SQLite))
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, _ := get(t, noFollow, srv.URL+"/")
	for h, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "same-origin",
	} {
		if got := resp.Header.Get(h); !strings.Contains(got, want) {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline code: %s", csp)
	}
	// A commune code under the province prefix goes to the commune page.
	resp, _ = get(t, noFollow, srv.URL+"/tinh/19885")
	if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "/xa/19885" {
		t.Errorf("/tinh/19885 → %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The language switch stays on the site.
	for next, want := range map[string]string{"/xa/19885": "/xa/19885", "//evil.example": "/", "https://evil.example": "/"} {
		resp, _ = get(t, noFollow, srv.URL+"/ngon-ngu?lang=en&next="+next)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != want {
			t.Errorf("switch next=%s → %d %q, want %q", next, resp.StatusCode, resp.Header.Get("Location"), want)
		}
	}
}

func TestEnglish(t *testing.T) {
	srv := newSite(t, db.OpenTest(t, db.SQLite))
	req, _ := http.NewRequest("GET", srv.URL+"/xa/19885", nil)
	req.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if body := string(b); !strings.Contains(body, "Villages and residential groups") || !strings.Contains(body, `lang="en"`) {
		t.Errorf("English page lacks English text: %.500s", body)
	}
}

// /metrics is not on the public address unless a scraper brings the token;
// --metrics-addr serves it on an address of its own.
func TestMetrics(t *testing.T) {
	d := db.OpenTest(t, db.SQLite)
	srv := newSite(t, d)
	if resp, _ := get(t, srv.Client(), srv.URL+"/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address without configuration: %d, want 404", resp.StatusCode)
	}
	const token = "0123456789abcdef0123456789abcdef"
	_, tsrv := siteWith(t, db.OpenTest(t, db.SQLite), &config.Config{DataDir: t.TempDir(), MetricsToken: token}, io.Discard)
	get(t, tsrv.Client(), tsrv.URL+"/xa/19885")
	get(t, tsrv.Client(), tsrv.URL+"/khong-co")
	scrape := func(auth string) (int, string) {
		req, _ := http.NewRequest("GET", tsrv.URL+"/metrics", nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		resp, err := tsrv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for _, h := range []string{"", "Bearer wrong", "Bearer " + token[:31], "Basic " + token, token} {
		if code, body := scrape(h); code != http.StatusNotFound || strings.Contains(body, "danchu_http") {
			t.Errorf("/metrics with %q: %d, want 404", h, code)
		}
	}
	code, body := scrape("Bearer " + token)
	for _, want := range []string{
		`danchu_http_requests_total{code="200",method="GET",route="GET /xa/{code}"} 1`,
		`danchu_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`danchu_http_request_duration_seconds_bucket{route="GET /xa/{code}"`,
		`go_sql_open_connections{db_name="sqlite"}`,
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("metrics (%d) lack %q", code, want)
		}
	}

	// A separate address: /metrics there, 404 on the public one.
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, &config.Config{Addr: "127.0.0.1:0", MetricsAddr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(dir, "x.db"), DataDir: dir, LogFormat: "text"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	defer func() { cancel(); <-done }()
	if resp, body := get(t, http.DefaultClient, a.MetricsURL()); resp.StatusCode != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("metrics address: %d", resp.StatusCode)
	}
	if resp, _ := get(t, http.DefaultClient, a.URL()+"/metrics"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("/metrics on the public address with --metrics-addr: %d, want 404", resp.StatusCode)
	}
}

func TestReadyzFailsWithoutDatabase(t *testing.T) {
	d := db.OpenTest(t, db.SQLite)
	srv := newSite(t, d)
	d.Close()
	resp, _ := get(t, srv.Client(), srv.URL+"/readyz")
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with closed database = %d", resp.StatusCode)
	}
}

func run(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := app.Main(ctx, args, &out, &errb, func(string) string { return "" })
	return code, out.String(), errb.String()
}

func TestCommandLine(t *testing.T) {
	dir := t.TempDir()
	dbFlag := "--db=sqlite:" + filepath.Join(dir, "x.db")
	ctx := context.Background()
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("code,name,type,parent_code\n01,Tỉnh A,tinh,\n02,,tinh,\n"), 0o600)
	hh := filepath.Join(dir, "hh.csv")
	os.WriteFile(hh, []byte("code,head_name,address,members,representative_name\nH1,Lê Văn A,Số 1,3,Lê Văn A\n"), 0o600)
	tests := []struct {
		name      string
		args      []string
		code      int
		stdout    string
		stderr    string
		oneLineEr bool
	}{
		{"NoCommand", nil, 2, "", "Cách dùng", false},
		{"UnknownCommand", []string{"fly"}, 2, "", "unknown command", false},
		{"Version", []string{"version"}, 0, "danchu ", "", false},
		{"Help", []string{"serve", "-h"}, 0, "", "-addr", false},
		{"BadTrustProxy", []string{"serve", dbFlag, "--data-dir=" + dir, "--trust-proxy=10.0.0.0/8, proxy.local"}, 2, "", "-trust-proxy: \"proxy.local\" không phải địa chỉ IP", false},
		{"UnknownScheme", []string{"migrate", "--db=mysql://x"}, 2, "", "for flag -db: dùng sqlite:ĐƯỜNG_DẪN", false},
		{"UnreachablePostgres", []string{"migrate", "--db=postgres://u@127.0.0.1:1/x?sslmode=disable"}, 2, "", "cannot reach PostgreSQL", true},
		{"UnwritableDataDir", []string{"migrate", dbFlag, "--data-dir=" + filepath.Join(bad, "sub")}, 2, "", "cannot write to data folder", true},
		{"Migrate", []string{"migrate", dbFlag, "--data-dir=" + dir}, 0, "schema up to date", "", false},
		{"ImportBadFile", []string{"import", "units", bad, dbFlag, "--data-dir=" + dir}, 1, "", "dòng 3: name:", false},
		{"ImportMissingFile", []string{"import", "units", filepath.Join(dir, "none.csv"), dbFlag}, 2, "", "cannot open file", true},
		{"ImportUsage", []string{"import", "villages", bad}, 2, "", "usage", false},
		{"Seed", []string{"seed", "--demo", dbFlag, "--data-dir=" + dir}, 0, "3370 đơn vị", "", false},
		{"SeedAgainLoadsNothing", []string{"seed", "--demo", dbFlag, "--data-dir=" + dir}, 0, "không nạp thêm", "", false},
		{"ImportHouseholds", []string{"import", "households", "19885-01", hh, dbFlag, "--data-dir=" + dir}, 0, "imported 1 hộ", "", false},
		{"ImportHouseholdsUnknownVillage", []string{"import", "households", "nope", hh, dbFlag, "--data-dir=" + dir}, 1, "", "mã nope", false},
		{"UserAdd", []string{"user", "add", "--unit", "19885-02", "--role", "village_head", "--email", "Thon2@X.vn", "--name", "Lê Văn Hai", dbFlag, "--data-dir=" + dir, "--base-url=https://danchu.hue.gov.vn"}, 0, "https://danchu.hue.gov.vn/kich-hoat/", "", false},
		{"UserAddSecondRole", []string{"user", "add", "--unit", "19885", "--role", "viewer", "--email", "thon2@x.vn", dbFlag, "--data-dir=" + dir}, 0, "role granted: viewer (Chỉ xem) → thon2@x.vn", "", false},
		{"UserAddBadRole", []string{"user", "add", "--unit", "19885", "--role", "mayor", "--email", "a@x.vn", dbFlag, "--data-dir=" + dir}, 1, "", "Không có vai trò", false},
		{"UserAddWrongLevel", []string{"user", "add", "--unit", "19885", "--role", "village_head", "--email", "a@x.vn", dbFlag, "--data-dir=" + dir}, 1, "", "không gắn với xã", false},
		{"UserUsage", []string{"user", dbFlag}, 2, "", "usage", false},
		{"BadBaseURL", []string{"migrate", dbFlag, "--data-dir=" + dir, "--base-url=ftp://x"}, 2, "", "for flag -base-url: dùng dạng https://", false},
		{"ShortMetricsToken", []string{"migrate", dbFlag, "--data-dir=" + dir, "--metrics-token=secret"}, 2, "", "is too short: at least 32 characters", false},
		{"BadSMTP", []string{"migrate", dbFlag, "--data-dir=" + dir, "--smtp=mail.example.vn"}, 2, "", "invalid --smtp (DANCHU_SMTP)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, ctx, tt.args...)
			if code != tt.code || !strings.Contains(out, tt.stdout) || !strings.Contains(errs, tt.stderr) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if tt.oneLineEr {
				if lines := strings.Split(strings.TrimSpace(errs), "\n"); len(lines) != 1 || !strings.Contains(errs, " / ") {
					t.Errorf("want one Vietnamese / English line, got %q", errs)
				}
			}
		})
	}
	// The bad import wrote nothing, so a good import of the official list still works.
	code, out, errs := run(t, ctx, "import", "units", filepath.Join("..", "org", "data", "units-2025.csv"), "--db=sqlite:"+filepath.Join(dir, "fresh.db"), "--data-dir="+dir)
	if code != 0 || !strings.Contains(out, "provinces: 34; xã, phường, đặc khu / communes: 3321") {
		t.Fatalf("official import: exit %d\n%s\n%s", code, out, errs)
	}
}

func TestServeStopsGracefully(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, &config.Config{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(dir, "x.db"), DataDir: dir, LogFormat: "text"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	resp, body := get(t, http.DefaultClient, a.URL()+"/healthz")
	if resp.StatusCode != 200 || body != "ok\n" {
		t.Fatalf("healthz = %d %q", resp.StatusCode, body)
	}
	// A second server on the same port is refused with a clear message.
	code, _, errs := run(t, context.Background(), "serve", "--addr="+strings.TrimPrefix(a.URL(), "http://"), "--db=sqlite:"+filepath.Join(dir, "y.db"), "--data-dir="+dir)
	if code != 2 || !strings.Contains(errs, "already in use") {
		t.Errorf("port in use: exit %d, %q", code, errs)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("server did not stop")
	}
	if _, err := http.Get(a.URL() + "/healthz"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("after shutdown: %v, want the connection refused", err)
	}
	a.Close()
}

// `danchu verify` on both engines: OK on an intact chain; after tampering,
// exit 1 naming every broken entry (not only the first), the rows an entry
// vouches for (a disclosure version that is not there), and bytes that are not
// UTF-8 as such.
func TestVerifyCommand(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := audit.NewService(d)
		for i := range 5 {
			if _, err := s.AppendOne(ctx, audit.Record{Kind: "disclosure.posted", ObjectType: "disclosure", ObjectID: fmt.Sprint(i), Summary: "Đăng công khai"}); err != nil {
				t.Fatal(err)
			}
		}
		args := []string{"verify", "--db=" + d.DSN(), "--data-dir=" + t.TempDir()}
		code, out, errs := run(t, ctx, args...)
		if code != 0 || !strings.Contains(out, "public record OK: 5 mục") {
			t.Fatalf("verify intact: exit %d\n%s%s", code, out, errs)
		}
		// Entry 6 says it vouches for version 1 of a disclosure that was never stored.
		if _, err := s.AppendOne(ctx, audit.Record{Kind: "disclosure.posted", ObjectType: "disclosure", ObjectID: "77", Summary: "Đăng công khai",
			Data: json.RawMessage(`{"id":77,"version":1,"title":"Dự toán","body_sha256":"` + audit.Sum("Nội dung") + `"}`)}); err != nil {
			t.Fatal(err)
		}
		qs := []string{"drop trigger public_record_no_update"}
		if d.Dialect == db.Postgres {
			qs = []string{"alter table public_record disable trigger user"}
		}
		qs = append(qs, "update public_record set content = replace(content, 'Đăng', 'Gỡ') where seq = 2",
			"update public_record set content = replace(content, 'Đăng', 'Gỡ') where seq = 4")
		want := map[string]string{"entry 2:": "content was altered", "entry 4:": "content was altered", "entry 6:": "disclosure 77 version 1 is missing"}
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			for _, q := range qs {
				if _, err := tx.ExecContext(ctx, q); err != nil {
					return fmt.Errorf("%s: %w", q, err)
				}
			}
			if d.Dialect == db.SQLite { // PostgreSQL refuses such text in any column
				want["entry 5:"] = "not UTF-8"
				_, err := tx.ExecContext(ctx, "update public_record set summary = $1 where seq = 5", "\xff\xfeĐăng")
				return err
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		code, out, errs = run(t, ctx, args...)
		if code != 1 {
			t.Fatalf("verify tampered: exit %d, want 1\n%s%s", code, out, errs)
		}
		lines := strings.Split(strings.TrimSpace(errs), "\n")
		for entry, why := range want {
			found := false
			for _, l := range lines {
				found = found || (strings.Contains(l, entry) && strings.Contains(l, why))
			}
			if !found {
				t.Errorf("no line says %s … %s", entry, why)
			}
		}
		if !strings.Contains(errs, fmt.Sprintf("%d broken entries", len(want))) {
			t.Errorf("want the count of %d broken entries", len(want))
		}
		t.Logf("danchu verify after tampering:\n%s", strings.TrimSpace(errs))
	})
}

func TestPublicRecordPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		srv := newSite(t, d)
		s := audit.NewService(d)
		ctx := context.Background()
		for i, sum := range []string{"Đăng công khai dự toán 2026", "<script>alert(1)</script>", "Trả lời 12 góp ý"} {
			if _, err := s.AppendOne(ctx, audit.Record{Kind: "test.kind", ObjectType: "x", ObjectID: fmt.Sprint(i), Summary: sum}); err != nil {
				t.Fatal(err)
			}
		}
		_, head, _ := s.Head(ctx)
		c := srv.Client()
		for _, tt := range []struct {
			path    string
			status  int
			want    []string
			notWant []string
		}{
			{"/minh-bach", 200, []string{"Sổ công khai minh bạch", head, "Trả lời 12 góp ý", `href="/minh-bach/1"`, "&lt;script&gt;"}, []string{"<script>"}},
			{"/minh-bach/2", 200, []string{"Mục 2 của sổ công khai", `href="/minh-bach/1"`, "Mã băm mục trước"}, []string{"<script>"}},
			{"/minh-bach/99", 404, []string{"không có mục số 99"}, nil},
			{"/minh-bach/abc", 404, []string{"Không tìm thấy trang"}, nil},
			{"/minh-bach?truoc=abc", 400, []string{"truoc phải là số nguyên dương"}, nil},
			{"/minh-bach.json?so=-1", 400, []string{"so phải là số nguyên dương"}, nil},
		} {
			resp, body := get(t, c, srv.URL+tt.path)
			if resp.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("%s: no %q", tt.path, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(body, w) {
					t.Errorf("%s: has %q", tt.path, w)
				}
			}
		}
		// Anyone can recompute the chain from the export.
		resp, body := get(t, c, srv.URL+"/minh-bach.json?tu=1&so=2")
		var page struct {
			Entries []struct {
				Content     string `json:"content"`
				ContentHash string `json:"content_hash"`
				PrevHash    string `json:"prev_hash"`
				Hash        string `json:"hash"`
			} `json:"entries"`
			Next int64 `json:"next"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil || resp.StatusCode != 200 || len(page.Entries) != 2 || page.Next != 3 {
			t.Fatalf("export page: %d %v %s", resp.StatusCode, err, body)
		}
		prev := audit.GenesisHash
		for _, e := range page.Entries {
			if e.PrevHash != prev || audit.Sum(e.Content) != e.ContentHash || audit.ChainHash(prev, e.ContentHash) != e.Hash {
				t.Fatalf("exported entry does not check out: %+v", e)
			}
			prev = e.Hash
		}
	})
}

// The date commands are a contract: the last line of deadline is only the date;
// bad input is one line and exit status 2.
func TestLegalCommands(t *testing.T) {
	ctx := context.Background()
	cal := filepath.Join(t.TempDir(), "cal.csv")
	os.WriteFile(cal, []byte("date,kind,name\n2026-11-24,off,Ngày Văn hóa Việt Nam\n2026-11-28,work,Làm bù\n"), 0o600)
	badCal := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(badCal, []byte("2026-13-01,off,x\n"), 0o600)
	for _, tt := range []struct {
		name     string
		args     []string
		code     int
		lastLine string
		contains string
	}{
		{"AcrossTet", []string{"deadline", "--rule", "denunciation.accept", "--from", "2026-02-12"}, 0, "2026-03-02", "Bỏ qua ngày nghỉ Thứ Hai 16/02/2026: Tết Nguyên đán"},
		{"Flags", []string{"deadline", "--rule", "complaint.second", "--from", "2026-03-02", "--complex", "--remote"}, 0, "2026-05-11", "70 ngày"},
		{"Backward", []string{"deadline", "--rule", "meeting.notice", "--from", "2026-03-15"}, 0, "2026-03-13", "Chậm nhất"},
		{"CalendarFile", []string{"deadline", "--rule", "disclosure.publish", "--from", "2026-11-20", "--calendar", cal}, 0, "2026-11-28", "Ngày Văn hóa Việt Nam"},
		{"List", []string{"deadline", "--list"}, 0, "", "huong-uoc.posting"},
		{"UnknownRule", []string{"deadline", "--rule", "nope", "--from", "2026-01-01"}, 2, "", "không có quy tắc"},
		{"BadDate", []string{"deadline", "--rule", "complaint.file", "--from", "2026-02-30"}, 2, "", "không hợp lệ"},
		{"FlagNotForRule", []string{"deadline", "--rule", "complaint.file", "--from", "2026-01-01", "--remote"}, 2, "", "--remote không áp dụng"},
		{"MissingFrom", []string{"deadline", "--rule", "complaint.file"}, 2, "", "cần --rule và --from"},
		{"BadCalendarFile", []string{"deadline", "--rule", "complaint.file", "--from", "2026-01-01", "--calendar", badCal}, 2, "", "dòng 1"},
		{"Holidays", []string{"holidays", "--year", "2024"}, 0, "2024-09-03\tNghỉ bù Quốc khánh (ngày liền kề)", "2024-02-14\tNghỉ bù"},
		{"HolidaysWithFile", []string{"holidays", "--year", "2026", "--calendar", cal}, 0, "2026-11-24\tNgày Văn hóa Việt Nam", "2026-09-02\tQuốc khánh"},
		{"HolidaysBadYear", []string{"holidays", "--year", "1800"}, 2, "", "--year"},
		{"Lunar", []string{"lunar", "2026-02-17"}, 0, "01/01/2026", ""},
		{"LunarLeap", []string{"lunar", "2023-03-22"}, 0, "01/02/2023 nhuận", ""},
		{"ToSolar", []string{"lunar", "--to-solar", "10/03/2025"}, 0, "2025-04-07", ""},
		{"ToSolarLeap", []string{"lunar", "--to-solar", "01/06/2025", "--leap"}, 0, "2025-07-25", ""},
		{"ToSolarNoSuchLeap", []string{"lunar", "--to-solar", "01/03/2024", "--leap"}, 2, "", "không có tháng 3 nhuận"},
		{"ToSolarDay30", []string{"lunar", "--to-solar", "30/12/2025"}, 2, "", "chỉ có 29 ngày"},
		{"LunarOutOfRange", []string{"lunar", "2300-01-01"}, 2, "", "ngoài khoảng"},
		{"LunarBadFormat", []string{"lunar", "--to-solar", "2025-03-10"}, 2, "", "DD/MM/YYYY"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, ctx, tt.args...)
			lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
			if code != tt.code || (tt.lastLine != "" && lines[len(lines)-1] != tt.lastLine) || !strings.Contains(out+errs, tt.contains) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if code == 2 && strings.Count(strings.TrimSpace(errs), "\n") != 0 {
				t.Errorf("error is not one line: %q", errs)
			}
		})
	}
}

func TestCalendarPage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		root := signIn(t, srv, "quantri@danchu.demo", demo.Password)
		code, page, _ := root.Get("/quan-tri/lich?nam=2026")
		if code != 200 || !strings.Contains(page, "Nghỉ bù Giỗ Tổ Hùng Vương") || !strings.Contains(page, "Lịch ngày nghỉ năm 2026") {
			t.Fatalf("calendar page: %d", code)
		}
		code, page, _ = root.Follow(root.Post("/quan-tri/lich?nam=2026", "/quan-tri/lich?nam=2026", url.Values{"day": {"2026-11-24"}, "kind": {"off"}, "name": {"Ngày Văn hóa <b>Việt Nam</b>"}}))
		if code != 200 || !strings.Contains(page, "Đã lưu 1 điều chỉnh") || !strings.Contains(page, "Ngày Văn hóa &lt;b&gt;Việt Nam&lt;/b&gt;") {
			t.Fatalf("add: %d", code)
		}
		code, page, _ = root.Post("/quan-tri/lich?nam=2026", "/quan-tri/lich?nam=2026", url.Values{"day": {"2026-11-25"}, "kind": {"off"}, "name": {""}})
		if code != 400 || !strings.Contains(page, "cần có tên") {
			t.Errorf("day off without a name: %d", code)
		}
		if code, _, _ := root.Post("", "/quan-tri/lich?nam=2026", url.Values{"day": {"2026-12-01"}, "kind": {"off"}, "name": {"x"}}); code != http.StatusForbidden {
			t.Errorf("post without CSRF token: %d", code)
		}
		if n := countRows(t, d, "calendar_overrides"); n != 1 {
			t.Errorf("%d calendar overrides after two refused posts, want the 1 added", n)
		}
		if code, _, _ := root.Get("/quan-tri/lich?nam=abc"); code != 400 {
			t.Errorf("bad year: %d", code)
		}
		// A viewer of one commune: the national calendar does not exist for them.
		if code, _, _ := signIn(t, srv, "xem@danchu.demo", demo.Password).Get("/quan-tri/lich"); code != http.StatusNotFound {
			t.Errorf("viewer: %d", code)
		}
		cal, err := a.Calendar.Calendar(ctx)
		if err != nil || cal.IsWorkingDay(legal.DateOf(2026, 11, 24)) {
			t.Errorf("the added day off is not in the server's calendar (%v)", err)
		}
	})
}
