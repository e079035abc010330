package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"

	"github.com/andybalholm/brotli"
)

// benchSite is the demo site on SQLite with one posted disclosure (a body of
// 40 lines and a PDF): the commune page's and the disclosure page's paths.
func benchSite(b *testing.B) (*httptest.Server, string, string) {
	b.Helper()
	ctx := context.Background()
	a := app.New(&config.Config{DataDir: b.TempDir(), PublicMaxAge: time.Minute}, db.OpenTest(b, db.SQLite), slog.New(slog.NewTextHandler(io.Discard, nil)))
	b.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
	if _, err := demo.Load(ctx, a.Units); err != nil {
		b.Fatal(err)
	}
	if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
		b.Fatal(err)
	}
	h, err := a.Handler()
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	official := webtest.New(b, srv.URL)
	if code, _, _ := official.Post("/dang-nhap", "/dang-nhap", url.Values{"email": {"xa@danchu.demo"}, "password": {demo.Password}}); code != http.StatusSeeOther {
		b.Fatalf("sign in: %d", code)
	}
	commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
	today := legal.Today(time.Now())
	manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
	code, _, hd := official.PostMultipart(manage, manage, url.Values{"category": {"4"}, "title": {"Quy chế dân chủ ở cơ sở"},
		"body":          {disclosureBody()},
		"decision_date": {today.AddDays(-2).String()}, "ch_posting": {"1"}, "ch_posting_start": {today.String()}},
		webtest.File{Field: "files", Name: "quy-che.pdf", Content: pdfBytes})
	if code != http.StatusSeeOther {
		b.Fatalf("publish: %d", code)
	}
	return srv, "/xa/" + demo.CommuneCode, hd.Get("Location")
}

// disclosureBody is a disclosure of some 4 KB whose lines differ as a
// real one's do (items, sums, months, villages), not one line repeated.
func disclosureBody() string {
	items := []string{"Quỹ phòng, chống thiên tai", "Quỹ đền ơn đáp nghĩa", "Đóng góp xây dựng đường giao thông nông thôn",
		"Kinh phí sửa chữa nhà văn hóa", "Quỹ khuyến học", "Phí vệ sinh môi trường", "Hỗ trợ hộ nghèo đón Tết"}
	var sb strings.Builder
	sb.WriteString("## Công khai các khoản thu, chi năm 2026\n\nCăn cứ Luật Thực hiện dân chủ ở cơ sở năm 2022, Ủy ban nhân dân xã công khai:\n\n")
	for i := range 40 {
		fmt.Fprintf(&sb, "- Thôn %d, %s: %d.%03d đồng, thu trong tháng %02d/2026, đã nộp %d%%.\n", 1+i%9, items[(i*3)%len(items)], 15+i*7, (i*137)%1000, 1+i%12, 40+(i*13)%60)
	}
	sb.WriteString("\nMọi ý kiến xin gửi về bộ phận một cửa của xã trong 30 ngày kể từ ngày niêm yết.\n")
	return sb.String()
}

// wire is the bytes an answer takes on the wire after the status line's
// request: status line, headers and body as sent (not decoded).
func wire(b *testing.B, srv *httptest.Server, path string, h http.Header) (int, *http.Response) {
	b.Helper()
	req, _ := http.NewRequest("GET", srv.URL+path, nil)
	req.Header = h
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.Fatal(err)
	}
	dump, err := httputil.DumpResponse(resp, true)
	resp.Body.Close()
	if err != nil {
		b.Fatal(err)
	}
	return len(dump), resp
}

// BenchmarkCommunePageTransfer measures what the commune page /xa/{code}
// costs on the wire: a first visit (with a browser's Accept-Encoding, and
// without one) and a repeat visit with the ETag of the first (a 304).
//
//	go test ./internal/app/ -run '^$' -bench CommunePageTransfer -benchtime 50x
func BenchmarkCommunePageTransfer(b *testing.B) {
	srv, commune, disclosure := benchSite(b)
	for _, page := range []struct{ name, path string }{{"commune", commune}, {"disclosure", disclosure}} {
		for _, client := range []struct{ name, accept string }{{"identity", "identity"}, {"browser", "gzip, deflate, br, zstd"}} {
			path, accept := page.path, client.accept
			b.Run(page.name+"/"+client.name, func(b *testing.B) {
				var first, repeat int
				for b.Loop() {
					n, resp := wire(b, srv, path, http.Header{"Accept-Encoding": {accept}})
					if resp.StatusCode != 200 {
						b.Fatalf("%s: %d", path, resp.StatusCode)
					}
					first = n
					h := http.Header{"Accept-Encoding": {accept}}
					if tag := resp.Header.Get("ETag"); tag != "" {
						h.Set("If-None-Match", tag)
					}
					repeat, resp = wire(b, srv, path, h)
					if tag := h.Get("If-None-Match"); tag != "" && resp.StatusCode != http.StatusNotModified {
						b.Fatalf("repeat visit: %d", resp.StatusCode)
					}
				}
				b.ReportMetric(float64(first), "first-B")
				b.ReportMetric(float64(repeat), "repeat-B")
			})
		}
	}
}

// BenchmarkCompression measures each gzip level and brotli quality on the
// commune page and a disclosure page: the bytes sent (B/resp) and the time
// to compress one answer (ns/op), to choose web.GzipLevel and
// web.BrotliQuality.
//
//	go test ./internal/app/ -run '^$' -bench Compression -benchtime 300x
func BenchmarkCompression(b *testing.B) {
	srv, commune, disclosure := benchSite(b)
	for _, path := range []string{commune, disclosure} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		r, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			b.Fatal(err)
		}
		page, _ := io.ReadAll(r.Body)
		r.Body.Close()
		kind := "commune"
		if path == disclosure {
			kind = "disclosure"
		}
		b.Run(kind+"/identity", func(b *testing.B) {
			for b.Loop() {
			}
			b.ReportMetric(float64(len(page)), "B/resp")
		})
		for _, level := range []int{1, 4, 5, 6, 9} {
			b.Run(fmt.Sprintf("%s/gzip-%d", kind, level), func(b *testing.B) {
				var out bytes.Buffer
				w, _ := gzip.NewWriterLevel(&out, level)
				for b.Loop() {
					out.Reset()
					w.Reset(&out)
					w.Write(page)
					w.Close()
				}
				b.ReportMetric(float64(out.Len()), "B/resp")
			})
		}
		for _, q := range []int{1, 3, 4, 5, 6, 9, 11} {
			b.Run(fmt.Sprintf("%s/brotli-%d", kind, q), func(b *testing.B) {
				var out bytes.Buffer
				w := brotli.NewWriterLevel(&out, q)
				for b.Loop() {
					out.Reset()
					w.Reset(&out)
					w.Write(page)
					w.Close()
				}
				b.ReportMetric(float64(out.Len()), "B/resp")
			})
		}
	}
}
