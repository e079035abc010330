//go:build e2e

package e2e_test

import (
	"context"
	"danchu/internal/vault"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
)

// startDemo runs the real server over the whole demo (demo.Seed), as
// `danchu serve --demo` does.
func startDemo(t *testing.T) (*app.App, demo.Seeded) {
	t.Helper()
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, &config.Config{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(dir, "e2e.db"), DataDir: dir, LogFormat: "text",
		Require2FA: true}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := vault.Parse([]byte(vault.KeyLine(1)))
	if err != nil {
		t.Fatal(err)
	}
	a.SetVault(keys)
	sum, err := demo.Seed(ctx, demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose, Consult: a.Consult,
		Decide: a.Decide, Feedback: a.Feedback, Steer: a.Steer, Plans: a.Plans, Cases: a.Cases, Receive: a.Receive, Oversee: a.Oversee, Surveys: a.Surveys})
	if err != nil {
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
	return a, sum
}

// TestDemoPages: what a newcomer opens first in the demo shows the product at
// work, on a phone and on a desktop: no page scrolls sideways on the phone,
// none has a serious accessibility violation; the screenshots are kept.
func TestDemoPages(t *testing.T) {
	a, sum := startDemo(t)
	base := a.URL()
	x := "/xa/" + demo.CommuneCode
	var surveyID int64
	if err := a.DB.QueryRowContext(context.Background(), "select id from surveys").Scan(&surveyID); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path, want string }{
		{"commune", x, "Thôn Đông Phước"},
		{"board", x + "/cong-khai", "trễ hạn"},
		{"archive", x + "/cong-khai/luu-tru", "mưa lũ"},
		{"consultations", x + "/lay-y-kien", "Dự thảo kế hoạch phát triển"},
		{"consultation-open", fmt.Sprintf("/lay-y-kien/%d", sum.OpenConsultation), "Dự thảo kế hoạch phát triển"},
		{"consultation-synthesis", fmt.Sprintf("/lay-y-kien/%d", sum.ClosedConsultation), "hương ước"},
		{"decisions", x + "/quyet-dinh", "Hương ước thôn Đông Phước"},
		{"feedback-stats", x + "/phan-anh/thong-ke", "Hài lòng"},
		{"province", "/tinh/46", "Xã Quảng Điền"},
		{"public-record", "/minh-bach", "Công nhận kết quả"},
		{"supervision", x + "/giam-sat", "Quá hạn chưa trả lời"},
		{"surveys", x + "/khao-sat", "hài lòng"},
		{"survey-results", fmt.Sprintf("/khao-sat/%d/ket-qua", surveyID), "Rất hài lòng"},
	}
	ctx := browser(t)
	for _, p := range pages {
		for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
			err := chromedp.Do(ctx,
				chromedp.EmulateViewport(size[0], size[1]),
				chromedp.Navigate(base+p.path),
				chromedp.WaitVisible(chromedp.CSS(`main`)),
			)
			if err != nil {
				t.Fatalf("%s: %v", p.path, err)
			}
			text := must(chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`main`))))(t)
			if !strings.Contains(text, p.want) {
				t.Errorf("%s lacks %q", p.path, p.want)
			}
			if size[0] == 360 {
				if w := must(chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t); w > 360 {
					t.Errorf("%s is %d px wide on a 360 px phone", p.path, w)
				}
				accessible(t, ctx, p.path)
			}
			shot := must(chromedp.Run(ctx, chromedp.FullScreenshot(100)))(t)
			saveShot(t, fmt.Sprintf("demo-%s-%dx%d.png", p.name, size[0], size[1]), shot)
		}
	}

	// Signed in: the province's plans and the dashboard of its plan given to
	// every commune; Đan Điền's tasks and the one it has done, with its evidence.
	bg := context.Background()
	province, err := a.Units.UnitByCode(bg, demo.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	commune, err := a.Units.UnitByCode(bg, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	bcs, err := a.Units.UnitByCode(bg, demo.ProvinceCode+"-BCS")
	if err != nil {
		t.Fatal(err)
	}
	issued, err := a.Plans.UnitPlans(bg, province.ID, 0, 10)
	if err != nil || len(issued) != 1 {
		t.Fatalf("the province's plans: %v %v", issued, err)
	}
	mine, err := a.Plans.UnitAssignments(bg, commune.ID, 0, 10)
	if err != nil || len(mine) != 1 {
		t.Fatalf("Đan Điền's tasks: %v %v", mine, err)
	}
	for _, who := range []struct {
		email string
		pages []struct{ name, path, want string }
	}{
		{"tinh@danchu.demo", []struct{ name, path, want string }{
			{"plans", province.OfficeURL("ke-hoach"), "05/KH-UBND"},
			{"plans-party-body", bcs.OfficeURL("ke-hoach"), "162-KH/BCS"},
			{"plan-dashboard", fmt.Sprintf("/quan-tri/ke-hoach/%d", issued[0].ID), "1 trên 40"},
		}},
		{"xa@danchu.demo", []struct{ name, path, want string }{
			{"commune-tasks", commune.OfficeURL("nhiem-vu"), "Đã hoàn thành"},
			{"commune-task", fmt.Sprintf("/quan-tri/nhiem-vu/%d", mine[0].ID), "ke-hoach-12-KH-UBND"},
		}},
	} {
		off := browserFor(t, 2*time.Minute)
		officialSignInAs(t, off, base, who.email)
		for _, p := range who.pages {
			for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
				err := chromedp.Do(off,
					chromedp.EmulateViewport(size[0], size[1]),
					chromedp.Navigate(base+p.path),
					chromedp.WaitVisible(chromedp.CSS(`main`)),
				)
				if err != nil {
					t.Fatalf("%s: %v", p.path, err)
				}
				text := must(chromedp.Run(off, chromedp.Text(chromedp.CSS(`main`))))(t)
				if !strings.Contains(text, p.want) {
					t.Errorf("%s lacks %q", p.path, p.want)
				}
				if size[0] == 360 {
					if w := must(chromedp.Run(off, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t); w > 360 {
						t.Errorf("%s is %d px wide on a 360 px phone", p.path, w)
					}
					accessible(t, off, p.path)
				}
				saveShot(t, fmt.Sprintf("demo-%s-%dx%d.png", p.name, size[0], size[1]), must(chromedp.Run(off, chromedp.FullScreenshot(100)))(t))
			}
		}
	}
}
