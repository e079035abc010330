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
	"sync"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
)

// startSite runs the real server with demo data on a free port.
func startSite(t *testing.T) string {
	t.Helper()
	a, _ := startApp(t, io.Discard)
	return a.URL()
}

// startApp runs the real server with demo data, its log written to logs.
func startApp(t *testing.T, logs io.Writer) (*app.App, func()) {
	t.Helper()
	return startAppWith(t, logs, func(*config.Config) {})
}

// startAppWith is startApp with the configuration changed by set first. It
// returns the server and stop, which ends Serve, waits for it and closes the
// app (once; the test's cleanup calls it too): after stop nothing the server
// wrote is still buffered.
func startAppWith(t *testing.T, logs io.Writer, set func(*config.Config)) (*app.App, func()) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	cfg := &config.Config{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(dir, "e2e.db"), DataDir: dir, LogFormat: "text", Require2FA: true}
	set(cfg)
	a, err := app.Open(ctx, cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, a.Units); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			a.Close()
		})
	}
	t.Cleanup(stop)
	return a, stop
}

// browser starts headless Chromium with a phone-sized window, for 90 s.
func browser(t *testing.T) context.Context {
	t.Helper()
	return browserFor(t, 90*time.Second)
}

// browserFor is browser for a journey that needs longer than 90 s.
func browserFor(t *testing.T, limit time.Duration) context.Context {
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
	ctx, cancelT := context.WithTimeout(ctx, limit)
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
	saveShot(t, "commune-360x740.png", shot)
}

// TestOfficialSignsInWithSecondFactor: a commune official signs in on a phone,
// sets up two-step verification from the page's key, keeps the recovery codes,
// reaches the back office and finds the enrolment in the activity log.
func TestOfficialSignsInWithSecondFactor(t *testing.T) {
	base := startSite(t)
	ctx := browser(t)
	officialSignIn(t, ctx, base)
	codes := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`ol.codes`))))(t)
	if n := len(strings.Fields(codes)); n != 10 {
		t.Errorf("%d recovery codes shown: %q", n, codes)
	}
	err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	roles := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`ul.units`))))(t)
	shot := must(chromedp.Run(ctx, chromedp.FullScreenshot(100)))(t)
	if !strings.Contains(roles, "Cán bộ UBND xã") || !strings.Contains(roles, "Xã Đan Điền") {
		t.Errorf("back office roles = %q", roles)
	}
	err = chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`ul.units a`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	log := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`table.list`))))(t)
	if !strings.Contains(log, "Bật xác thực hai bước") {
		t.Errorf("activity log lacks the enrolment: %q", log)
	}
	saveShot(t, "backoffice-360x740.png", shot)
}

func saveShot(t *testing.T, name string, png []byte) {
	t.Helper()
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join("screenshots", name)
	if err := os.WriteFile(out, png, 0o644); err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(out)
	t.Logf("screenshot: %s", abs)
}

// officialSignIn signs the demo commune official in on a phone and sets up the
// second factor from the key shown on the page; it stops on the recovery codes.
func officialSignIn(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	officialSignInAs(t, ctx, base, "xa@danchu.demo")
}

// officialSignInAs signs a demo official in, enrolling the second factor.
func officialSignInAs(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	officialSignInAt(t, ctx, base, email, time.Now)
}

// officialSignInAt is officialSignInAs on a server whose clock is now (the
// second factor's code is checked against the server's clock).
func officialSignInAt(t *testing.T, ctx context.Context, base, email string, now func() time.Time) {
	t.Helper()
	err := chromedp.Do(ctx,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/dang-nhap"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`img.qr`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	secret := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`code.hash`))))(t)
	code, err := totp.GenerateCode(strings.TrimSpace(secret), now())
	if err != nil {
		t.Fatalf("secret %q: %v", secret, err)
	}
	err = chromedp.Do(ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), code),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.codes`)),
	)
	if err != nil {
		t.Fatal(err)
	}
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

// submitAndWait submits the form holding sel and waits for wait on the page
// that answers it. The page being left is marked first, so a flash still on
// it (the previous action's) cannot satisfy the wait while the browser is
// still navigating.
func submitAndWait(sel, wait string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Evaluate[chromedp.Void](`document.documentElement.dataset.e2eLeft = "1"`),
		chromedp.Submit(chromedp.CSS(sel)),
		chromedp.WaitVisible(chromedp.CSS(`html:not([data-e2e-left]) `+wait)),
	)
}
