//go:build e2e

package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"danchu/internal/office"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// both takes the page's screenshot and runs axe at 360×740 and 1280×800,
// checking that the page itself is never wider than the window.
func both(t *testing.T, ctx context.Context, name, ready string) {
	t.Helper()
	for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
		err := chromedp.Do(ctx,
			chromedp.EmulateViewport(size[0], size[1]),
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS(ready)),
		)
		if err != nil {
			t.Fatal(err)
		}
		width := must(chromedp.Run(ctx, chromedp.Evaluate[int64](`document.documentElement.scrollWidth`)))(t)
		if width > size[0] {
			t.Errorf("%s is %d px wide in a %d px window", name, width, size[0])
		}
		accessible(t, ctx, fmt.Sprintf("%s at %dx%d", name, size[0], size[1]))
		saveShot(t, fmt.Sprintf("%s-%dx%d.png", name, size[0], size[1]), must(chromedp.Run(ctx, chromedp.FullScreenshot(100)))(t))
	}
}

// TestOfficeHomeAndProvinceTable: the commune official's home lists the waiting
// work with overdue counts in words; the province administrator's table lists
// the communes, sorts by a heading's link without JavaScript, and scrolls in its
// own box on a phone. Every page passes axe at both sizes.
func TestOfficeHomeAndProvinceTable(t *testing.T) {
	a, _ := startDemo(t)
	base := a.URL()
	ctx := context.Background()
	province, err := a.Units.UnitByCode(ctx, "46")
	if err != nil {
		t.Fatal(err)
	}

	xa := browser(t)
	officialSignInAs(t, xa, base, "xa@danchu.demo")
	if err := chromedp.Do(xa, chromedp.Click(chromedp.CSS(`a.button`)), chromedp.WaitVisible(chromedp.CSS(`ul.work`))); err != nil {
		t.Fatal(err)
	}
	work := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`ul.work`))))(t)
	for _, s := range []string{"ý kiến góp ý chưa được trả lời", "chờ công nhận", "phản ánh, kiến nghị đang chờ xử lý", "việc quá hạn", "hạn sớm nhất"} {
		if !strings.Contains(work, s) {
			t.Errorf("home's work lacks %q: %q", s, work)
		}
	}
	both(t, xa, "office-home", `ul.work`)

	tinh := browser(t)
	officialSignInAs(t, tinh, base, "tinh@danchu.demo")
	err = chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Click(chromedp.CSS(`a[href="`+office.UnitURL(province, "")+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.figures`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	both(t, tinh, "province", `table.figures`)
	err = chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`th a[href*="sort=hai-long"]`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`)),
		chromedp.Click(chromedp.CSS(`th[aria-sort="ascending"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="descending"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	// Satisfaction, found by its heading (the plans' column follows it): most first, and the communes without ratings ("—") at the end.
	col := must(chromedp.Run(tinh, chromedp.Evaluate[[]string](`(() => {
		const i = [...document.querySelectorAll("table.figures thead th")].findIndex(th => th.querySelector('a[href*="sort=hai-long"]'));
		return [...document.querySelectorAll("table.figures tbody tr")].map(r => r.children[i].textContent);
	})()`)))(t)
	if len(col) < 2 || col[0] == "—" || col[len(col)-1] != "—" {
		t.Errorf("satisfaction, most first: %q", col)
	}
	// Printed, the table is not cut at the box's edge and the site's header is left out.
	if _, err := chromedp.Call(tinh, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	printed := must(chromedp.Run(tinh, chromedp.Evaluate[string](`getComputedStyle(document.querySelector(".scroll")).overflowX + " " + getComputedStyle(document.querySelector("header.site")).display`)))(t)
	if printed != "visible none" {
		t.Errorf("printed table box overflow and header display: %q, want \"visible none\"", printed)
	}
}
