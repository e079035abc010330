package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// TestKeysetPages: a list longer than a page says on each cut page that it
// goes on and links to the rest, which is followed to the end; a list of
// exactly two pages has no link to an empty third (the old rule, "a full page
// means more", gave one); the link keeps the other parameters.
func TestKeysetPages(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.DiscardHandler), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	page, err := s.Page(fstest.MapFS{"list.html": {Data: []byte(`{{define "content"}}<ul>{{range .Data.Rows}}<li>{{.}}</li>{{end}}</ul>{{template "pager" .Data.Pager}}{{end}}`)}}, "list.html")
	if err != nil {
		t.Fatal(err)
	}
	s.HandleFunc("GET /list", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.URL.Query().Get("n"))
		rows, pager, err := web.KeysetPage(r, "truoc", 3, func(before int64, limit int) ([]int64, error) {
			var out []int64 // n, n-1, …, 1: newest first
			for i := int64(n); i > 0 && len(out) < limit; i-- {
				if before == 0 || i < before {
					out = append(out, i)
				}
			}
			return out, nil
		}, func(i int64) int64 { return i })
		if err != nil {
			s.Error(w, r, err)
			return
		}
		s.Render(w, r, page, "list", struct {
			Rows  []int64
			Pager web.Pager
		}{rows, pager})
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	get := func(path string) (int, string) {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	next := regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
	item := regexp.MustCompile(`<li>(\d+)</li>`)
	for _, tt := range []struct {
		n     int
		pages []string // the rows of each page
	}{
		{7, []string{"7 6 5", "4 3 2", "1"}},
		{6, []string{"6 5 4", "3 2 1"}},
		{3, []string{"3 2 1"}},
		{0, []string{""}},
	} {
		path := "/list?n=" + strconv.Itoa(tt.n)
		for i, want := range tt.pages {
			code, body := get(path)
			var got []string
			for _, m := range item.FindAllStringSubmatch(body, -1) {
				got = append(got, m[1])
			}
			m := next.FindStringSubmatch(body)
			last := i == len(tt.pages)-1
			cut := strings.Contains(body, "danh sách còn nữa")
			if code != 200 || strings.Join(got, " ") != want || (m == nil) != last || cut == last || (i > 0) != strings.Contains(body, "Về trang đầu") {
				t.Fatalf("n=%d page %d (%s): %d rows %v, next %v, says cut %v; want %q", tt.n, i+1, path, code, got, m, cut, want)
			}
			if !last {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
				if !strings.Contains(path, "n="+strconv.Itoa(tt.n)) {
					t.Fatalf("next link %s lost the other parameters", path)
				}
			}
		}
	}
	if code, _ := get("/list?n=3&truoc=x"); code != http.StatusBadRequest {
		t.Errorf("bad cursor: %d, want 400", code)
	}
}
