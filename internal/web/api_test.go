package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

type apiRow struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	N     int     `json:"n"`
	OK    bool    `json:"ok"`
	Pct   *int    `json:"pct,omitempty"`
	When  *string `json:"when,omitempty"`
	inner int
}

func apiServer(t *testing.T, rows []apiRow) *httptest.Server {
	t.Helper()
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// Keyed by position+1, read newest first as the rooms read IDs.
	s.HandleFunc("GET /api/v1/rows", func(w http.ResponseWriter, r *http.Request) {
		l, err := web.KeysetList(r, func(after int64, n int) ([]apiRow, error) {
			var out []apiRow
			for i := len(rows) - 1; i >= 0 && len(out) < n; i-- {
				if after == 0 || int64(i+1) < after {
					out = append(out, rows[i])
				}
			}
			return out, nil
		}, func(x apiRow) int64 { return int64(x.inner) })
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		web.WriteList(s, w, r, "rows", l)
	})
	s.HandleFunc("GET /api/v1/slice", func(w http.ResponseWriter, r *http.Request) {
		l, err := web.SliceList(r, rows)
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		web.WriteList(s, w, r, "slice", l)
	})
	s.HandleFunc("GET /api/v1/boom", func(http.ResponseWriter, *http.Request) { panic("secret detail") })
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(srv.Close)
	return srv
}

func apiGet(t *testing.T, url string, header ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	req.Header.Set("Accept-Encoding", "identity") // unless the test says otherwise
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// A list read page after page through next_cursor gives every row once, in
// order, with either kind of cursor; the Link header names the same page.
func TestAPIListsPageByCursor(t *testing.T) {
	var rows []apiRow
	for i := range 7 {
		rows = append(rows, apiRow{ID: fmt.Sprint(i + 1), Name: fmt.Sprint("dòng ", i+1), N: i, inner: i + 1})
	}
	srv := apiServer(t, rows)
	for _, path := range []string{"/api/v1/rows", "/api/v1/slice"} {
		var got []string
		next, pages := "", 0
		for {
			u := srv.URL + path + "?limit=3"
			if next != "" {
				u += "&cursor=" + next
			}
			resp, b := apiGet(t, u)
			var l struct {
				Items      []apiRow `json:"items"`
				NextCursor string   `json:"next_cursor"`
			}
			if resp.StatusCode != 200 || json.Unmarshal(b, &l) != nil {
				t.Fatalf("%s: %d %s", u, resp.StatusCode, b)
			}
			pages++
			for _, x := range l.Items {
				got = append(got, x.ID)
			}
			link := resp.Header.Get("Link")
			if (l.NextCursor == "") != (link == "") || (link != "" && !strings.Contains(link, "cursor="+l.NextCursor)) {
				t.Errorf("%s: next_cursor %q, Link %q", u, l.NextCursor, link)
			}
			if l.NextCursor == "" {
				break
			}
			next = l.NextCursor
		}
		want := "7 6 5 4 3 2 1"
		if path == "/api/v1/slice" {
			want = "1 2 3 4 5 6 7"
		}
		if strings.Join(got, " ") != want || pages != 3 {
			t.Errorf("%s: %d pages of %v, want 3 of %s", path, pages, got, want)
		}
	}
}

// Bad paging parameters, a bad format and an unknown address under /api/ are
// JSON errors with a stable code and the parameter at fault.
func TestAPIErrors(t *testing.T) {
	srv := apiServer(t, nil)
	for _, c := range []struct {
		path   string
		status int
		code   string
		field  string
	}{
		{"/api/v1/rows?cursor=123", 400, "invalid", "cursor"},
		{"/api/v1/rows?cursor=" + strings.Repeat("Y", 100), 400, "invalid", "cursor"},
		{"/api/v1/rows?cursor=" + web.EncodeCursor(5) + "x", 400, "invalid", "cursor"},
		{"/api/v1/slice?limit=0", 400, "invalid", "limit"},
		{"/api/v1/slice?limit=1001", 400, "invalid", "limit"},
		{"/api/v1/slice?limit=99999999999999999999", 400, "invalid", "limit"},
		{"/api/v1/slice?format=xml", 400, "invalid", "format"},
		{"/api/v1/slice?q=%FF", 400, "invalid", "q"},
		{"/api/v2/nothing", 404, "not_found", ""},
		{"/api/v1/boom", 500, "internal", ""},
	} {
		resp, b := apiGet(t, srv.URL+c.path)
		var e web.APIErrorBody
		if err := json.Unmarshal(b, &e); err != nil || resp.StatusCode != c.status || e.Error.Code != c.code || e.Error.Message == "" || e.Error.RequestID == "" {
			t.Errorf("%s: %d %s", c.path, resp.StatusCode, b)
			continue
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || strings.Contains(string(b), "secret") {
			t.Errorf("%s: Content-Type %q", c.path, ct)
		}
		if c.field != "" && (len(e.Error.Fields) != 1 || e.Error.Fields[0] != c.field) {
			t.Errorf("%s: fields %v, want [%s]", c.path, e.Error.Fields, c.field)
		}
	}
}

// Every answer has a strong ETag of its bytes; sending it back (alone, in a
// list, weak or as *) gets 304 with no body; another tag gets the body.
func TestAPIETag(t *testing.T) {
	pct := 37
	srv := apiServer(t, []apiRow{{ID: "1", Name: "Đan Điền", Pct: &pct, inner: 1}})
	for _, path := range []string{"/api/v1/slice", "/api/v1/slice?format=csv", "/api/openapi.json"} {
		resp, body := apiGet(t, srv.URL+path)
		if resp.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(resp.Header.Get("Access-Control-Expose-Headers"), "ETag") {
			t.Errorf("%s: not readable by other sites' pages: %v", path, resp.Header)
		}
		tag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || tag != web.ETagOf(body) || strings.HasPrefix(tag, "W/") {
			t.Fatalf("%s: %d ETag %q, want %q", path, resp.StatusCode, tag, web.ETagOf(body))
		}
		for _, inm := range []string{tag, `"x", ` + tag, "W/" + tag, "*"} {
			resp, b := apiGet(t, srv.URL+path, "If-None-Match", inm)
			if resp.StatusCode != http.StatusNotModified || len(b) != 0 || resp.Header.Get("ETag") != tag {
				t.Errorf("%s If-None-Match %s: %d, %d bytes", path, inm, resp.StatusCode, len(b))
			}
		}
		if resp, b := apiGet(t, srv.URL+path, "If-None-Match", `"other"`); resp.StatusCode != 200 || !bytes.Equal(b, body) {
			t.Errorf("%s with another tag: %d", path, resp.StatusCode)
		}
		// Through the shell's compression the tag names the coding, and it
		// revalidates as such.
		if resp, _ := apiGet(t, srv.URL+path, "Accept-Encoding", "gzip"); resp.Header.Get("Content-Encoding") == "gzip" {
			gz := resp.Header.Get("ETag")
			if gz != strings.TrimSuffix(tag, `"`)+`-gz"` {
				t.Errorf("%s gzip: ETag %q, want the identity tag with -gz", path, gz)
			}
			if resp, b := apiGet(t, srv.URL+path, "Accept-Encoding", "gzip", "If-None-Match", gz); resp.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Errorf("%s gzip If-None-Match %s: %d, %d bytes", path, gz, resp.StatusCode, len(b))
			}
		} else if len(body) >= 1024 {
			t.Errorf("%s: %d bytes not compressed for gzip", path, len(body))
		}
		head, err := http.Head(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		hb, _ := io.ReadAll(head.Body)
		head.Body.Close()
		if head.StatusCode != 200 || len(hb) != 0 || head.Header.Get("ETag") != tag || head.Header.Get("Content-Length") != fmt.Sprint(len(body)) {
			t.Errorf("HEAD %s: %d, %d bytes, ETag %q, length %s", path, head.StatusCode, len(hb), head.Header.Get("ETag"), head.Header.Get("Content-Length"))
		}
	}
}

// The CSV form: a UTF-8 byte order mark, the JSON names as header, the same
// values as the JSON (an absent optional value an empty cell), and a text a
// spreadsheet would run as a formula defused.
func TestAPICSV(t *testing.T) {
	pct, when := 37, "2026-11-20T09:15:00+07:00"
	rows := []apiRow{{ID: "1", Name: "Xã Đan Điền, \"Quảng Điền\"", N: 3, OK: true, Pct: &pct, When: &when, inner: 1},
		{ID: "2", Name: "=HYPERLINK(\"http://x\")", N: 0, inner: 2}}
	srv := apiServer(t, rows)
	resp, b := apiGet(t, srv.URL+"/api/v1/slice?format=csv")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(resp.Header.Get("Content-Disposition"), `filename="slice.csv"`) {
		t.Fatalf("%d %v", resp.StatusCode, resp.Header)
	}
	if !bytes.HasPrefix(b, []byte("\uFEFF")) || !bytes.Contains(b, []byte("\r\n")) {
		t.Fatalf("no byte order mark or CRLF: %q", b)
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{web.Columns[apiRow](), {"1", "Xã Đan Điền, \"Quảng Điền\"", "3", "true", "37", when}, {"2", "'=HYPERLINK(\"http://x\")", "0", "false", "", ""}}
	if fmt.Sprint(recs) != fmt.Sprint(want) {
		t.Errorf("csv\n%v\nwant\n%v", recs, want)
	}
	if got := strings.Join(web.Columns[apiRow](), ","); got != "id,name,n,ok,pct,when" {
		t.Errorf("columns %s", got)
	}
}

// Fragments merge into one document; a path or schema two rooms define, or a
// section a room may not write, stops the start.
func TestOpenAPIMerge(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	fs := fstest.MapFS{
		"a.json":    {Data: []byte(`{"paths": {"/api/v1/a": {}}, "components": {"schemas": {"A": {"type": "object"}}}}`)},
		"b.json":    {Data: []byte(`{"paths": {"/api/v1/b": {}}, "components": {"schemas": {"A": {"type": "string"}}}}`)},
		"c.json":    {Data: []byte(`{"paths": {"/api/v1/a": {}}}`)},
		"info.json": {Data: []byte(`{"info": {"title": "x"}}`)},
		"bad.json":  {Data: []byte(`{"paths": [`)},
	}
	if err := s.AddOpenAPI(fs, "a.json"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"b.json", "c.json", "info.json", "bad.json", "missing.json"} {
		if err := s.AddOpenAPI(fs, name); err == nil {
			t.Errorf("%s merged", name)
		}
	}
	b, err := s.OpenAPI()
	var doc struct {
		OpenAPI string `json:"openapi"`
		Info    struct {
			License struct{ Name, Identifier string }
		}
		Paths      map[string]any
		Components struct{ Schemas map[string]any }
	}
	if err != nil || json.Unmarshal(b, &doc) != nil {
		t.Fatal(err)
	}
	if doc.OpenAPI != "3.1.0" || doc.Paths["/api/v1/a"] == nil || doc.Paths["/api/openapi.json"] == nil || doc.Components.Schemas["A"] == nil ||
		doc.Components.Schemas["Error"] == nil || doc.Paths["/api/v1/b"] != nil {
		t.Errorf("merged document: %s", b)
	}
	// The licence the document states is the one the open data page states.
	if doc.Info.License.Name != web.DataLicenceName || doc.Info.License.Identifier != web.DataLicenceSPDX {
		t.Errorf("licence %+v, want %s (%s)", doc.Info.License, web.DataLicenceName, web.DataLicenceSPDX)
	}
	if err := s.AddOpenAPI(fs, "c.json"); err == nil || !strings.Contains(err.Error(), "after") {
		t.Errorf("a fragment added after serving: %v", err)
	}
}

// A page of another site may ask (preflight) to send If-None-Match.
func TestAPIPreflight(t *testing.T) {
	srv := apiServer(t, nil)
	req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/api/v1/slice", nil)
	req.Header.Set("Origin", "https://example.org")
	req.Header.Set("Access-Control-Request-Method", "GET")
	req.Header.Set("Access-Control-Request-Headers", "if-none-match")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Headers"), "If-None-Match") ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "GET") {
		t.Errorf("preflight: %d %v", resp.StatusCode, h)
	}
}
