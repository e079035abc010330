//go:build e2e

package e2e_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/demo"
	"danchu/internal/files/filestest"
	"danchu/internal/org"
	"danchu/internal/planimport"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// TestPlanJourney: the province official pastes seed 002 into the import
// form, corrects a heading in the preview and saves the plan; assigns its
// first task to every commune of the province; downloads the plan as PDF. The
// commune official of Đan Điền finds the task on the back-office home, opens
// it, reports progress with an evidence PDF and reads the plan it comes from
// (read only); the province's plan dashboard shows the report. The preview, the dashboard and the commune's task page pass axe
// and fit a phone; their screenshots, and the PDF's first page, are kept.
func TestPlanJourney(t *testing.T) {
	a, _ := startApp(t, io.Discard)
	base := a.URL()
	ctx := context.Background()
	province, err := a.Units.UnitByCode(ctx, demo.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := a.Units.Tree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	communes := 0
	for _, u := range tree.Descendants(province.ID) {
		if u.Type.Level() == org.CommuneLevel {
			communes++
		}
	}
	seed, err := planimport.Seed(2)
	if err != nil {
		t.Fatal(err)
	}

	// The province official imports seed 002 and corrects one heading.
	tinh := browserFor(t, 4*time.Minute)
	officialSignInAs(t, tinh, base, "tinh@danchu.demo")
	heading := `input[value="MỤC ĐÍCH, YÊU CẦU"]`
	err = chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`a.button`)), // past the recovery codes
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Navigate(base+"/quan-tri/don-vi/"+province.OfficeKey()+"/ke-hoach"),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="text"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	shots(t, tinh, "plan-import-form", `input[name="file"]`, true) // a file or the pasted text
	err = chromedp.Do(tinh,
		chromedp.SetValue(chromedp.CSS(`textarea[name="text"]`), seed), // as pasted
		chromedp.Submit(chromedp.CSS(`textarea[name="text"]`)),
		chromedp.WaitVisible(chromedp.CSS(heading)),
	)
	if err != nil {
		t.Fatal(err)
	}
	intro := must(chromedp.Run(tinh, chromedp.Text(chromedp.CSS(`main p`))))(t)
	if !regexp.MustCompile(`\d+ .*\d+ .*\d+`).MatchString(intro) {
		t.Errorf("the preview's summary: %q", intro)
	}
	tasks := must(chromedp.Run(tinh, chromedp.Evaluate[int](`document.querySelectorAll("table.list tbody tr").length`)))(t)
	if tasks == 0 {
		t.Fatal("the preview lists no task")
	}
	shots(t, tinh, "plan-import-preview", heading, false)
	err = chromedp.Do(tinh,
		chromedp.SetValue(chromedp.CSS(heading), "MỤC ĐÍCH VÀ YÊU CẦU"),
		submitAndWait(`form[action$="/ke-hoach"] button[type="submit"]`, `p.flash.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	planURL := must(chromedp.Run(tinh, chromedp.Location()))(t)
	if !regexp.MustCompile(`/quan-tri/ke-hoach/\d+$`).MatchString(planURL) {
		t.Fatalf("saved to %s", planURL)
	}
	content := must(chromedp.Run(tinh, chromedp.Text(chromedp.CSS(`main`))))(t)
	for _, want := range []string{"MỤC ĐÍCH VÀ YÊU CẦU", "Thực hiện công tác Dân chủ ở cơ sở, Dân vận chính quyền năm 2024", "Đã lưu kế hoạch."} {
		if !strings.Contains(content, want) {
			t.Errorf("the plan page lacks %q", want)
		}
	}
	if strings.Contains(content, "MỤC ĐÍCH, YÊU CẦU") {
		t.Error("the plan page still has the heading as read")
	}

	// Its first task to every commune of the province.
	err = chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`details summary`)),
		chromedp.Click(chromedp.CSS(`details input[name="all"]`)),
		submitAndWait(`details input[name="all"]`, `p.flash.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	flash := must(chromedp.Run(tinh, chromedp.Text(chromedp.CSS(`p.flash.ok`))))(t)
	if want := fmt.Sprintf("Đã giao nhiệm vụ cho %d đơn vị.", communes); flash != want {
		t.Errorf("assigned: %q, want %q", flash, want)
	}

	// The PDF, fetched with the official's session.
	b64 := must(chromedp.Run(tinh, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.ok ? r.arrayBuffer() : Promise.reject(r.status)).then(b => {
		let s = ""; const u = new Uint8Array(b); for (let i = 0; i < u.length; i += 8192) s += String.fromCharCode(...u.subarray(i, i + 8192)); return btoa(s) })`, planURL+".pdf"),
		awaitPromise)))(t)
	pdfBytes, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(string(pdfBytes), "%PDF") {
		t.Fatalf("the download is not a PDF: %q", pdfBytes[:min(20, len(pdfBytes))])
	}
	pdfPath := filepath.Join(t.TempDir(), "ke-hoach.pdf")
	if err := os.WriteFile(pdfPath, pdfBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{"KẾ HOẠCH", "MỤC ĐÍCH VÀ YÊU CẦU"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("the PDF's text lacks %q", want)
		}
	}
	if err := os.MkdirAll("screenshots", 0o755); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", pdfPath, filepath.Join("screenshots", "plan-pdf-page1")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	t.Logf("PDF: %d bytes, first page in screenshots/plan-pdf-page1.png", len(pdfBytes))

	// The commune official finds the task on the home and reports progress with evidence.
	evidence := filepath.Join(t.TempDir(), "ke-hoach-xa-dan-dien.pdf")
	if err := os.WriteFile(evidence, filestest.PDF("Kế hoạch của xã Đan Điền"), 0o600); err != nil {
		t.Fatal(err)
	}
	xa := browserFor(t, 3*time.Minute)
	officialSignIn(t, xa, base)
	err = chromedp.Do(xa,
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.work a[href$="/nhiem-vu"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	work := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`ul.work`))))(t)
	if !strings.Contains(work, "nhiệm vụ được giao chưa hoàn thành") {
		t.Errorf("the home's work lacks the task: %q", work)
	}
	step(t, xa, "open the tasks", chromedp.Click(chromedp.CSS(`ul.work a[href$="/nhiem-vu"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units a[href^="/quan-tri/nhiem-vu/"]`)))
	step(t, xa, "open the task", chromedp.Click(chromedp.CSS(`ul.units a[href^="/quan-tri/nhiem-vu/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="status"][value="in-progress"]`)))
	step(t, xa, "fill the report", chromedp.Click(chromedp.CSS(`input[name="status"][value="in-progress"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="percent"]`), "60"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="text"]`), "Đã xây dựng dự thảo kế hoạch của xã, đang lấy ý kiến."),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="files"]`), []string{evidence}))
	step(t, xa, "send the report", submitAndWait(`textarea[name="text"]`, `p.flash.ok`))
	history := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`ol.record`))))(t)
	for _, want := range []string{"Đang thực hiện · 60%", "đang lấy ý kiến", "ke-hoach-xa-dan-dien.pdf"} {
		if !strings.Contains(history, want) {
			t.Errorf("the task's history lacks %q: %q", want, history)
		}
	}
	shots(t, xa, "plan-commune-task", `ol.record`, true)
	// From its task, the commune reads the plan it comes from: no assigning, the downloads, the way back to its task.
	step(t, xa, "open the task's plan", chromedp.Click(chromedp.CSS(`main p a[href^="/quan-tri/ke-hoach/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`a[href$=".pdf"]`)))
	read := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`main`))))(t)
	forms := must(chromedp.Run(xa, chromedp.Evaluate[int64](`document.querySelectorAll('form[action$="/giao"]').length`)))(t)
	if !strings.Contains(read, "bạn xem và tải văn bản") || !strings.Contains(read, "Nhiệm vụ của đơn vị bạn") || forms != 0 {
		t.Errorf("the commune's view of the plan (%d assign forms): %.300q", forms, read)
	}
	shots(t, xa, "plan-commune-read", `ol.record`, true)

	// The province's dashboard shows the commune's progress.
	err = chromedp.Do(tinh,
		chromedp.Navigate(planURL),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	row := must(chromedp.Run(tinh, chromedp.Evaluate[[]string](`[...document.querySelector("table.list tbody tr").cells].map(c => c.textContent.trim())`)))(t)
	// task, deadline, assigned, done, in progress, late, mean %
	if len(row) != 7 || row[2] != fmt.Sprint(communes) || row[3] != "0" || row[4] != "1" || row[6] != fmt.Sprint(60/communes) {
		t.Errorf("the dashboard's first task: %q (%d communes)", row, communes)
	}
	shots(t, tinh, "plan-dashboard", `table.list`, true)
	err = chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`table.list tbody tr a`)),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	assignees := must(chromedp.Run(tinh, chromedp.Text(chromedp.CSS(`table.list`))))(t)
	if !regexp.MustCompile(`Xã Đan Điền\s*Đang thực hiện\s*60`).MatchString(assignees) {
		t.Errorf("the task's assignees do not show Đan Điền's progress: %q", assignees)
	}

	// A visitor, not signed in, reads the province's public plans (the demo's
	// 05/KH-UBND is public once issued) and one of them, with its progress.
	visitor := browserFor(t, 2*time.Minute)
	if err := chromedp.Do(visitor, chromedp.Navigate(base+"/tinh/"+demo.ProvinceCode+"/ke-hoach"), chromedp.WaitVisible(chromedp.CSS(`ul.units a`))); err != nil {
		t.Fatal(err) // the first action on a browser's own context starts it (not step's shorter one)
	}
	shots(t, visitor, "plan-public-list", `ul.units`, true)
	step(t, visitor, "public plan", chromedp.Click(chromedp.CSS(`ul.units a`)), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	shots(t, visitor, "plan-public", `table.list`, true)
	if text := must(chromedp.Run(visitor, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "lượt giao việc") || strings.Contains(text, "du-thao") {
		t.Errorf("the public plan page: %q", text)
	}
}

// shots checks the current page at 360×740 and 1280×800: no sideways scroll,
// axe, a screenshot. reload reads the page again at each size (a GET page);
// a page answering a post (the preview) is taken as it is.
func shots(t *testing.T, ctx context.Context, name, ready string, reload bool) {
	t.Helper()
	for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
		steps := []chromedp.Action[chromedp.Void]{chromedp.EmulateViewport(size[0], size[1])}
		if reload {
			steps = append(steps, chromedp.Reload())
		}
		steps = append(steps, chromedp.WaitVisible(chromedp.CSS(ready)))
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
		width := must(chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)))(t)
		if width > size[0] {
			wide := must(chromedp.Run(ctx, chromedp.Evaluate[[]string](fmt.Sprintf(`[...document.querySelectorAll("main *")].filter(e => e.getBoundingClientRect().right > %d)
				.map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right)).slice(0, 6)`, size[0]))))(t)
			t.Errorf("%s is %d px wide in a %d px window: %q", name, width, size[0], wide)
		}
		accessible(t, ctx, fmt.Sprintf("%s at %dx%d", name, size[0], size[1]))
		saveShot(t, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]), must(chromedp.Run(ctx, chromedp.FullScreenshot(100)))(t))
	}
}

// awaitPromise makes Evaluate wait for the promise the script returns.
func awaitPromise(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }

// step runs one step of the journey within 30 s; on failure it keeps a
// screenshot and the page's text.
func step(t *testing.T, ctx context.Context, name string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, actions...); err != nil {
		file := "failed-" + strings.ReplaceAll(name, " ", "-")
		if png, e := chromedp.Run(ctx, chromedp.FullScreenshot(80)); e == nil {
			saveShot(t, file+".png", png)
		}
		if text, e := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(`body`))); e == nil {
			t.Logf("page: %.1500s", text)
		}
		t.Fatalf("%s: %v", name, err)
	}
}
