package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/apperr"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

// pgProxy is a real TCP proxy between danchu and the test PostgreSQL that a
// test cuts: Down closes the connections it carries and stops listening (a
// new connection is refused, as to a stopped server), Up listens again on the
// same address.
type pgProxy struct {
	t      *testing.T
	addr   string // the proxy's own
	target string // PostgreSQL's

	mu    sync.Mutex
	ln    net.Listener
	conns map[net.Conn]bool
}

func newPGProxy(t *testing.T, target string) *pgProxy {
	p := &pgProxy{t: t, target: target, conns: map[net.Conn]bool{}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = ln.Addr().String()
	p.serve(ln)
	t.Cleanup(p.Down)
	return p
}

func (p *pgProxy) serve(ln net.Listener) {
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			if p.ln != ln { // cut meanwhile
				p.mu.Unlock()
				c.Close()
				s.Close()
				return
			}
			p.conns[c], p.conns[s] = true, true
			p.mu.Unlock()
			pipe := func(dst, src net.Conn) {
				io.Copy(dst, src)
				dst.Close()
				src.Close()
			}
			go pipe(s, c)
			go pipe(c, s)
		}
	}()
}

// Down stops PostgreSQL as danchu sees it.
func (p *pgProxy) Down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// Up brings it back on the same address, danchu not restarted.
func (p *pgProxy) Up() {
	var ln net.Listener
	var err error
	for range 50 { // the port was ours a moment ago; the kernel may take a moment to free it
		if ln, err = net.Listen("tcp", p.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		p.t.Fatalf("listen again on %s: %v", p.addr, err)
	}
	p.serve(ln)
}

// through is dsn with its host replaced by addr.
func through(t *testing.T, dsn, addr string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = addr
	return u.String()
}

// answerOf is what the test reads of a response: status line, headers, body.
type answerOf struct {
	status string
	code   int
	header http.Header
	body   string
}

func send(t *testing.T, c *http.Client, req *http.Request) answerOf {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answerOf{status: resp.Proto + " " + resp.Status, code: resp.StatusCode, header: resp.Header, body: string(b)}
}

// said is what an answer says: a JSON body whole, a page's error message.
func said(body string) string {
	if strings.HasPrefix(body, "{") || strings.HasPrefix(body, "[") {
		return strings.TrimSpace(body)
	}
	if _, p, ok := strings.Cut(body, `<section class="error">`); ok {
		p, _, _ = strings.Cut(p, "</section>")
		return strings.Join(strings.Fields(p), " ")
	}
	return fmt.Sprintf("%.200s", body)
}

// show is the status line and the headers a client relies on, for the log.
func (a answerOf) show() string {
	var b strings.Builder
	b.WriteString(a.status)
	for _, h := range []string{"Retry-After", "Content-Type", "Cache-Control"} {
		if v := a.header.Get(h); v != "" {
			fmt.Fprintf(&b, "\n\t%s: %s", h, v)
		}
	}
	return b.String()
}

// TestPostgresDown: while PostgreSQL cannot be reached (a real TCP proxy
// between danchu and the server, cut: connections closed, new ones refused),
// a form post, an Open311 post, a page and a JSON API read answer 503 with
// Retry-After and say, in the request's language, that what was saved is safe
// and to try again (the form shown again with what was typed, the APIs in
// their own formats); /readyz fails and /healthz does not. Once the server is
// back, without restarting danchu, /readyz and the same writes succeed.
func TestPostgresDown(t *testing.T) {
	admin := db.OpenTest(t, db.Postgres) // a fresh migrated database of its own on the test server
	u, err := url.Parse(admin.DSN())
	if err != nil {
		t.Fatal(err)
	}
	proxy := newPGProxy(t, u.Host)
	d, err := db.Open(t.Context(), through(t, admin.DSN(), proxy.addr), db.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	ctx := context.Background()
	logs := &logBuffer{}
	a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
	commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	key, err := a.Feedback.IssueKey(ctx, officialActor(t, a, "xa@danchu.demo"), commune.ID, "Ứng dụng thử mất kết nối")
	if err != nil {
		t.Fatal(err)
	}
	page := "/xa/" + demo.CommuneCode + "/phan-anh"
	visitor := webtest.New(t, srv.URL)
	_, form, _ := visitor.Get(page)
	token := csrfOf.FindStringSubmatch(form)
	if token == nil {
		t.Fatal("no form token on the feedback page")
	}
	c := visitor.C
	feedback := func(desc string) *http.Request {
		v := url.Values{"csrf": {token[1]}, "kind": {"feedback"}, "category": {"moi-truong"}, "description": {desc}, "key": {desc}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+page, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	open311 := func(desc string) *http.Request {
		v := url.Values{"api_key": {key}, "jurisdiction_id": {demo.CommuneCode}, "service_code": {"moi-truong"}, "description": {desc},
			"address_string": {"Cạnh cầu"}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/open311/v2/requests.json", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return req
	}
	get := func(path, lang string) *http.Request {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if lang != "" {
			req.AddCookie(&http.Cookie{Name: "lang", Value: lang})
		}
		return req
	}
	ready := func() answerOf { return send(t, http.DefaultClient, get("/readyz", "")) }
	if r := ready(); r.code != http.StatusOK {
		t.Fatalf("readyz before the cut: %s %s", r.status, r.body)
	}

	proxy.Down()
	t.Log("PostgreSQL cut")

	unavailable := func(name string, r answerOf, want ...string) {
		t.Helper()
		t.Logf("%s:\n\t%s\n\t%s", name, r.show(), said(r.body))
		if r.code != http.StatusServiceUnavailable || r.header.Get("Retry-After") != fmt.Sprint(int(apperr.UnavailableRetry/time.Second)) {
			t.Errorf("%s: %s, Retry-After %q; want 503 with Retry-After 30:\n%.2000s", name, r.status, r.header.Get("Retry-After"), r.body)
		}
		for _, w := range want {
			if !strings.Contains(r.body, w) {
				t.Errorf("%s: the answer does not say %q:\n%.3000s", name, w, r.body)
			}
		}
	}
	unavailable("feedback form post", send(t, c, feedback("Rác đổ trộm khi mất điện")),
		"Những gì đã lưu trước đây vẫn an toàn", "có thể chưa được lưu", "đợi vài phút")
	unavailable("Open311 post", send(t, http.DefaultClient, open311("Đèn đường hỏng khi mất điện")),
		`"code":503`, "vẫn an toàn")
	unavailable("commune page", send(t, http.DefaultClient, get("/xa/"+demo.CommuneCode, "")),
		"Dữ liệu đã lưu vẫn an toàn", "tải lại trang")
	unavailable("commune page in English", send(t, http.DefaultClient, get("/xa/"+demo.CommuneCode+"?q=en", "en")),
		"The data already saved is safe", "reload the page")
	api := send(t, http.DefaultClient, get("/api/v1/units/"+demo.CommuneCode+"/decisions", ""))
	unavailable("JSON API", api)
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(api.body), &body); err != nil || body.Error.Code != string(apperr.CodeUnavailable) {
		t.Errorf("JSON API error %v: %s", err, api.body)
	}
	// The probe's last result stands for app.ReadyProbeEvery (3 s): a flood
	// of /readyz is one write per interval.
	deadline := time.Now().Add(app.ReadyProbeEvery + 10*time.Second)
	r := ready()
	for ; r.code == http.StatusOK && time.Now().Before(deadline); r = ready() {
		time.Sleep(100 * time.Millisecond)
	}
	t.Logf("readyz:\n\t%s\n\t%q", r.show(), r.body)
	if r.code != http.StatusServiceUnavailable || r.body != "database unavailable\n" {
		t.Errorf("readyz while PostgreSQL is cut: %s %q", r.status, r.body)
	}
	if r := send(t, http.DefaultClient, get("/healthz", "")); r.code != http.StatusOK {
		t.Errorf("healthz (liveness) while PostgreSQL is cut: %s", r.status)
	}
	if strings.Contains(logs.String(), "level=ERROR") {
		t.Errorf("an outage is logged as warnings (the operator's cue), not as errors:\n%s", logs.String())
	}

	proxy.Up()
	t.Log("PostgreSQL back")
	deadline = time.Now().Add(30 * time.Second)
	for r = ready(); r.code != http.StatusOK && time.Now().Before(deadline); r = ready() {
		time.Sleep(200 * time.Millisecond)
	}
	if r.code != http.StatusOK {
		t.Fatalf("readyz once PostgreSQL is back: %s %q", r.status, r.body)
	}
	if r := send(t, c, feedback("Rác đổ trộm sau khi có điện")); r.code != http.StatusSeeOther {
		t.Errorf("feedback form once PostgreSQL is back: %s\n%.2000s", r.status, r.body)
	}
	if r := send(t, http.DefaultClient, open311("Đèn đường hỏng sau khi có điện")); r.code != http.StatusOK && r.code != http.StatusCreated {
		t.Errorf("Open311 once PostgreSQL is back: %s %s", r.status, r.body)
	}
	if n := db.Count(t, admin, "select count(*) from feedback_items where description like '%khi mất điện'"); n != 0 {
		t.Errorf("%d items stored while the database was cut", n)
	}
	if n := db.Count(t, admin, "select count(*) from feedback_items where description like '%sau khi có điện'"); n != 2 {
		t.Errorf("%d items stored once the database was back, want 2", n)
	}
}

// limitPages sets SQLite's max_page_count on every connection of d's pool (the
// pragma is per connection): the database cannot grow past pages, and a
// write that needs a new page fails with SQLITE_FULL, as on a full disk.
func limitPages(t *testing.T, d *db.DB, pages int) {
	t.Helper()
	ctx := t.Context()
	n := d.Stats().MaxOpenConnections
	conns := make([]*sql.Conn, 0, n)
	for range n { // held together: n distinct connections, every one of the pool
		c, err := d.Raw().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		if _, err := c.ExecContext(ctx, fmt.Sprintf("pragma max_page_count = %d", pages)); err != nil {
			t.Fatal(err)
		}
		c.Close()
	}
}

// TestSQLiteDiskFull: with the SQLite file unable to grow (SQLITE_FULL for
// real, through max_page_count on every pooled connection), a feedback post
// answers 503 with Retry-After, the form shown again with what was typed and
// the message that what was saved is safe; nothing is stored. Once the file
// may grow again, the same post is stored, danchu not restarted.
func TestSQLiteDiskFull(t *testing.T) {
	d := db.OpenTest(t, db.SQLite)
	logs := &logBuffer{}
	_, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
	defer func() {
		if t.Failed() {
			t.Log(logs.String())
		}
	}()
	page := "/xa/" + demo.CommuneCode + "/phan-anh"
	visitor := webtest.New(t, srv.URL)
	var pages int
	if err := d.QueryRow("pragma page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	limitPages(t, d, pages)
	desc := "Cống thoát nước bị tắc " + strings.Repeat("sau mưa lớn, ", 300) // a row that needs new pages
	post := url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "description": {desc}, "key": {"dia-day-1"}}
	code, body, hd := visitor.Post(page, page, post)
	t.Logf("feedback post on a full SQLite file: %d, Retry-After %q", code, hd.Get("Retry-After"))
	if code != http.StatusServiceUnavailable || hd.Get("Retry-After") != "30" || !strings.Contains(body, "có thể chưa được lưu") ||
		!strings.Contains(body, "Cống thoát nước bị tắc sau mưa lớn") || !strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Errorf("%d, Retry-After %q; want 503, Retry-After 30, the message and the form with what was typed:\n%.3000s", code, hd.Get("Retry-After"), body)
	}
	if n := db.Count(t, d, "select count(*) from feedback_items"); n != 0 {
		t.Errorf("%d items stored on a full file", n)
	}
	limitPages(t, d, 1<<30)
	if code, body, _ := visitor.Post(page, page, post); code != http.StatusSeeOther {
		t.Errorf("once the file may grow: %d\n%.2000s", code, body)
	}
	if n := db.Count(t, d, "select count(*) from feedback_items"); n != 1 {
		t.Errorf("%d items stored once the file may grow, want 1", n)
	}
}

// TestReadyzDisk: /readyz fails, saying "disk", while the data folder does not
// take a file (here: the folder replaced by a file), and recovers once it does;
// /healthz stays liveness only.
func TestReadyzDisk(t *testing.T) {
	d := db.OpenTest(t, db.SQLite)
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	_, srv := siteWith(t, d, &config.Config{DataDir: dir}, io.Discard)
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	until := func(status int) (int, string) {
		deadline := time.Now().Add(app.ReadyProbeEvery + 10*time.Second)
		code, body := get("/readyz")
		for ; code != status && time.Now().Before(deadline); code, body = get("/readyz") {
			time.Sleep(100 * time.Millisecond)
		}
		return code, body
	}
	if code, body := get("/readyz"); code != http.StatusOK {
		t.Fatalf("readyz: %d %q", code, body)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dir, []byte("not a folder"), 0o640); err != nil {
		t.Fatal(err)
	}
	if code, body := until(http.StatusServiceUnavailable); code != http.StatusServiceUnavailable || body != "disk unavailable\n" {
		t.Errorf("readyz with the data folder unwritable: %d %q", code, body)
	}
	if code, _ := get("/healthz"); code != http.StatusOK {
		t.Errorf("healthz: %d", code)
	}
	if err := os.Remove(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(dir, 0o750); err != nil {
		t.Fatal(err)
	}
	if code, body := until(http.StatusOK); code != http.StatusOK {
		t.Errorf("readyz once the folder is back: %d %q", code, body)
	}
}
