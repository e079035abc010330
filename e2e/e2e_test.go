//go:build e2e

package e2e_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
)

// startSite runs the real server with demo data on a free port.
func startSite(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, &config.Config{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(dir, "e2e.db"), DataDir: dir, LogFormat: "text"},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, a.Units); err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
		a.Close()
	})
	return a.URL()
}

// browser starts headless Chromium with a phone-sized window.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := os.Getenv("DANCHU_CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("Chromium not found at %s (install Debian's chromium package or set DANCHU_CHROMIUM): %v", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.WindowSize(360, 740),
	)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	return ctx
}

// TestFindCommuneOnPhone: a citizen opens the home page on a phone, searches for
// their commune without typing accents, opens it and sees its villages.
func TestFindCommuneOnPhone(t *testing.T) {
	base := startSite(t)
	ctx := browser(t)
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="q"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "dan dien"),
		chromedp.Submit(chromedp.CSS(`input[name="q"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href="/xa/19885"]`)),
		chromedp.Click(chromedp.CSS(`a[href="/xa/19885"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	heading := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`h1`))))(t)
	villages := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`ul.units`))))(t)
	scrollWidth := must(chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t)
	shot := must(chromedp.Run(ctx, chromedp.FullScreenshot(100)))(t)
	if heading != "Xã Đan Điền" {
		t.Errorf("heading = %q", heading)
	}
	for _, v := range []string{"Thôn Đông Phước", "Thôn Tây Hòa", "Thôn Nam Thanh"} {
		if !strings.Contains(villages, v) {
			t.Errorf("commune page lacks %s: %q", v, villages)
		}
	}
	if scrollWidth > 360 {
		t.Errorf("page is %d px wide on a 360 px phone: it scrolls sideways", scrollWidth)
	}
	dir := filepath.Join("screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "commune-360x740.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(out)
	t.Logf("screenshot: %s", abs)
}

// must turns a value and error into the value, failing the test on error.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
