//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/files/filestest"
	"danchu/internal/legal"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axePath is axe-core's script: DANCHU_AXE, or where .ci/run installs it.
func axePath(t *testing.T) string {
	p := os.Getenv("DANCHU_AXE")
	if p == "" {
		p = filepath.Join(".axe", "node_modules", "axe-core", "axe.min.js")
	}
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("axe-core not found at %s (.ci/run installs it with npm; or set DANCHU_AXE): %v", p, err)
	}
	return p
}

// accessible runs axe-core (WCAG 2.1 A and AA rules) on the current page and
// fails on any serious or critical violation.
func accessible(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	src, err := os.ReadFile(axePath(t))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(src))); err != nil {
		t.Fatalf("load axe-core on %s: %v", page, err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length, help: v.help}))))`,
		func(p *runtime.EvaluateParams) { yes := true; p.AwaitPromise = &yes }))
	if err != nil {
		t.Fatalf("axe on %s: %v", page, err)
	}
	var vs []struct {
		ID, Impact, Help string
		Nodes            int
	}
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatalf("axe result on %s: %v", page, err)
	}
	for _, v := range vs {
		if v.Impact == "serious" || v.Impact == "critical" {
			t.Errorf("%s: accessibility violation %s (%s, %d elements): %s", page, v.ID, v.Impact, v.Nodes, v.Help)
		}
	}
	t.Logf("axe on %s: %d violations, none serious or critical expected", page, len(vs))
}

// TestDisclosureJourney: an official publishes a disclosure with a PDF; a citizen
// finds it by searching without diacritics, opens it and downloads the PDF; the
// official amends it; the citizen sees the amendment note. Every page passes axe.
func TestDisclosureJourney(t *testing.T) {
	base := startSite(t)
	off := browser(t)
	officialSignIn(t, off, base)
	pdf := filepath.Join(t.TempDir(), "quy-che-dan-chu.pdf")
	os.WriteFile(pdf, filestest.PDF("Quy chế dân chủ ở cơ sở"), 0o600)
	decided := legal.Today(time.Now()).AddDays(-1).String()
	err := chromedp.Do(off,
		chromedp.Click(chromedp.CSS(`a.button`)), // past the recovery codes
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Click(chromedp.CSS(`a[href$="/cong-khai"]`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name="category"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "4"),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Quy chế dân chủ ở cơ sở xã Đan Điền"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "Điều 1. Phạm vi điều chỉnh"),
		chromedp.SetValue(chromedp.CSS(`input[name="decision_date"]`), decided),
		chromedp.SetUploadFiles(chromedp.CSS(`input[type="file"]`), []string{pdf}),
		chromedp.Submit(chromedp.CSS(`input[name="title"]`)),
		chromedp.WaitVisible(chromedp.CSS(`div.body`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, off, "disclosure detail (official)")
	detailURL := must(chromedp.Run(off, chromedp.Location()))(t)

	cit := browser(t)
	dl := t.TempDir()
	err = chromedp.Do(cit,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/xa/19885"),
		chromedp.Click(chromedp.CSS(`a[href="/xa/19885/cong-khai"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="q"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, cit, "commune board")
	err = chromedp.Do(cit,
		chromedp.SendKeys(chromedp.CSS(`input[name="q"]`), "quy che dan chu"),
		chromedp.Submit(chromedp.CSS(`input[name="q"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ol.results a`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	hit := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`ol.results`))))(t)
	if !strings.Contains(hit, "Quy chế dân chủ ở cơ sở xã Đan Điền") {
		t.Fatalf("search without diacritics did not find it: %q", hit)
	}
	accessible(t, cit, "search results")
	// Chromium says when the download has completed (or failed): the test waits
	// for that event, with a deadline, instead of polling the folder.
	downloaded := make(chan cdpbrowser.DownloadProgressState, 1)
	if err := chromedp.Listen(cit, func(ev any) {
		if p, ok := ev.(*cdpbrowser.EventDownloadProgress); ok && p.State != cdpbrowser.DownloadProgressStateInProgress {
			select {
			case downloaded <- p.State:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cit,
		chromedp.Click(chromedp.CSS(`ol.results a`)),
		chromedp.WaitVisible(chromedp.CSS(`a[download]`)),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			events := true
			_, err := chromedp.Call(ctx, cdpbrowser.SetDownloadBehavior, cdpbrowser.SetDownloadBehaviorParams{
				Behavior: cdpbrowser.SetDownloadBehaviorBehaviorAllow, DownloadPath: dl, EventsEnabled: &events})
			return err
		}),
		chromedp.Click(chromedp.CSS(`a[download]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case st := <-downloaded:
		if st != cdpbrowser.DownloadProgressStateCompleted {
			t.Fatalf("the download ended %s", st)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the download did not complete within 10 s")
	}
	got, err := os.ReadFile(filepath.Join(dl, "quy-che-dan-chu.pdf"))
	if !strings.HasPrefix(string(got), "%PDF-") {
		entries, _ := os.ReadDir(dl)
		t.Fatalf("the PDF was not downloaded (%v; folder has %v)", err, entries)
	}

	// The official amends it; the citizen sees why.
	err = chromedp.Do(off,
		chromedp.Click(chromedp.CSS(`a.button[href^="/quan-tri/cong-khai/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="reason"]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name="body"]`), "Điều 1. Phạm vi điều chỉnh\nĐiều 2. Đối tượng áp dụng"),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/sua"] input[name="reason"]`), "Bổ sung Điều 2"),
		chromedp.Submit(chromedp.CSS(`form[action$="/sua"] input[name="reason"]`)),
		chromedp.WaitVisible(chromedp.CSS(`div.body`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cit, chromedp.Navigate(detailURL), chromedp.WaitVisible(chromedp.CSS(`p.flash.ok`)))
	if err != nil {
		t.Fatal(err)
	}
	note := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`p.flash.ok`))))(t)
	if !strings.Contains(note, "Đã sửa đổi") || !strings.Contains(note, "Bổ sung Điều 2") {
		t.Errorf("amendment note = %q", note)
	}
	accessible(t, cit, "amended disclosure")
	shot := must(chromedp.Run(cit, chromedp.FullScreenshot(100)))(t)
	saveShot(t, "disclosure-360x740.png", shot)
}
