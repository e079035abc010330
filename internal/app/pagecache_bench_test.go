package app_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/legal"
)

// The disclosure page answered by the whole application (request log,
// metrics, security and caching headers, identity, cross-origin check, the
// route) to an anonymous reader without cookies, as `danchu bench` sends it:
// rendered every time (the cache off), from the page cache reading the
// signature on each request (--page-cache-check 0), and within the check
// time (the default, 1s); and to a browser taking brotli, compressed on
// every answer or once for the kept page.
//
//	go test ./internal/app/ -run '^$' -bench CachedDisclosurePage -benchmem
func BenchmarkCachedDisclosurePage(b *testing.B) {
	for _, bc := range []struct {
		name                 string
		cache, check, accept string
	}{
		{"rendered", "0", "0s", ""},
		{"cached, signature read", "32MB", "0s", ""},
		{"cached, within the check", "32MB", "1s", ""},
		{"rendered, brotli", "0", "0s", "gzip, deflate, br"},
		{"cached, brotli", "32MB", "1s", "gzip, deflate, br"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			d := db.OpenTest(b, db.SQLite)
			ctx := context.Background()
			check, _ := time.ParseDuration(bc.check)
			a := app.New(&config.Config{DataDir: b.TempDir(), PageCache: bc.cache, PageCacheCheck: check}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
			b.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
			if _, err := demo.Load(ctx, a.Units); err != nil {
				b.Fatal(err)
			}
			if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
				b.Fatal(err)
			}
			commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
			if err != nil {
				b.Fatal(err)
			}
			x, err := a.Disclose.Publish(ctx, officialActor(b, a, "xa@danchu.demo"), disclosure.Draft{UnitID: commune.ID, Category: 4,
				Title: "Kế hoạch phát triển kinh tế - xã hội năm 2026", Body: "Ủy ban nhân dân xã thông báo để Nhân dân biết, theo dõi và giám sát.\n",
				DecisionDate: legal.Today(time.Now()).AddDays(-2).String()}, nil)
			if err != nil {
				b.Fatal(err)
			}
			h, err := a.Handler()
			if err != nil {
				b.Fatal(err)
			}
			r := httptest.NewRequest("GET", disclosure.URL(x.ID), nil)
			if bc.accept != "" {
				r.Header.Set("Accept-Encoding", bc.accept)
			}
			w := &nullWriter{h: http.Header{}}
			h.ServeHTTP(w, r)
			if w.status != 200 {
				b.Fatalf("status %d", w.status)
			}
			b.ReportAllocs()
			for b.Loop() {
				clear(w.h)
				h.ServeHTTP(w, r)
			}
		})
	}
}

type nullWriter struct {
	h      http.Header
	status int
}

func (n *nullWriter) Header() http.Header         { return n.h }
func (n *nullWriter) Write(b []byte) (int, error) { return len(b), nil }
func (n *nullWriter) WriteHeader(s int)           { n.status = s }
