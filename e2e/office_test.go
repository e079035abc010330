//go:build e2e

package e2e_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// seedOffice writes some waiting work and figures into the demo communes, dated
// from today: Đan Điền has disclosures past their window, comments to answer,
// minutes to send, matters to recognise and feedback (some overdue); Phú Xuân a
// little feedback and nothing else.
func seedOffice(t *testing.T, a *app.App) (province, danDien org.Unit) {
	t.Helper()
	ctx := context.Background()
	unit := func(code string) org.Unit {
		u, err := a.Units.UnitByCode(ctx, code)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	province, danDien = unit("46"), unit(demo.CommuneCode)
	village, phuXuan := unit(demo.CommuneCode+"-01"), unit("19753")
	today := legal.Today(time.Now())
	day := func(n int) string { return today.AddDays(n).String() }
	var stmts []string
	for i := range 3 {
		stmts = append(stmts, fmt.Sprintf(`insert into disclosures (id, unit_id, board_id, staff_only, category, status, version, title, body,
			decision_date, due_date, posting_start, min_end, late, search_text, published_at, updated_at, withdraw_reason, created_by)
			values (%d, %d, %d, false, 1, 'posted', 1, 'Công khai %d', '', '%s', '%s', '%s', '%s', %v, 'cong khai', 1, 1, '', 0)`,
			800+i, danDien.ID, danDien.ID, i, day(-40), day(-35), day(-35+i), day(-5+i), i == 0))
	}
	stmts = append(stmts,
		fmt.Sprintf(`insert into consultations (id, unit_id, board_id, staff_only, subject, title, intro, forms, opens_on, closes_on, short_basis,
			status, comments, answered, hidden, decision, adopted, against_reason, created_by, created_at, updated_at)
			values (810, %d, %d, false, 1, 'Dự thảo quy chế', '', 'online', '%s', '%s', '', 'open', 3, 0, 0, '', false, '', 0, 1, 1)`,
			danDien.ID, danDien.ID, day(-25), day(-2)))
	for i := range 3 {
		stmts = append(stmts, fmt.Sprintf(`insert into consultation_comments (id, consultation_id, part, author_id, show_name, display_name, stance,
			body, source, source_note, idem_key, hidden_reason, created_at, edited_at) values (%d, 810, 0, 0, false, '', 'agree', 'Ý kiến', 'meeting', '', 'e%d', '', 1, 0)`, 811+i, i))
	}
	matter := func(id int, decided, submitted string) string {
		return fmt.Sprintf(`insert into matters (id, unit_id, commune_id, scope, subject, title, body, proposer, backers, status, decided_on,
			created_by, created_at, updated_at, submitted_on) values (%d, %d, %d, 'village', 6, 'Việc %d', '', 'head', 0, 'passed', '%s', 0, 1, 1, '%s')`,
			id, village.ID, danDien.ID, id, decided, submitted)
	}
	stmts = append(stmts, matter(820, day(-20), ""), matter(821, day(-1), ""), matter(822, day(-3), day(-2)))
	for i, h := range []int64{danDien.ID, danDien.ID, danDien.ID, phuXuan.ID} {
		stmts = append(stmts, fmt.Sprintf(`insert into feedback_items (id, code, kind, category, unit_id, handler_id, description, address, author_id,
			contact, status, due_on, answer, rating, rating_note, reopened, idem_key, created_at, updated_at)
			values (%d, 'PA-E%d', 'feedback', 'moi-truong', %d, %d, 'Mô tả', '', 0, '', 'received', '%s', '', 0, '', false, 'e%d', 1, 1)`,
			830+i, i, h, h, day(3*i-4), i))
	}
	stmts = append(stmts, fmt.Sprintf("insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied) values (%d, 12, 9, 7, 5, 4)", danDien.ID))
	for _, s := range stmts {
		if _, err := a.DB.Raw().Exec(s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
	return province, danDien
}

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
	a, _ := startApp(t, io.Discard)
	base := a.URL()
	province, danDien := seedOffice(t, a)

	xa := browser(t)
	officialSignInAs(t, xa, base, "xa@danchu.demo")
	if err := chromedp.Do(xa, chromedp.Click(chromedp.CSS(`a.button`)), chromedp.WaitVisible(chromedp.CSS(`ul.work`))); err != nil {
		t.Fatal(err)
	}
	work := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`ul.work`))))(t)
	for _, s := range []string{"ý kiến góp ý chưa được trả lời", "chờ gửi biên bản", "phản ánh, kiến nghị đang chờ xử lý", "việc quá hạn", "hạn sớm nhất"} {
		if !strings.Contains(work, s) {
			t.Errorf("home's work lacks %q: %q", s, work)
		}
	}
	both(t, xa, "office-home", `ul.work`)

	tinh := browser(t)
	officialSignInAs(t, tinh, base, "tinh@danchu.demo")
	err := chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Click(chromedp.CSS(`a[href="`+office.UnitURL(province, "")+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`table.figures`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	both(t, tinh, "province", `table.figures`)
	// Sorting by the answered share, most first, puts the only commune with a figure on top.
	err = chromedp.Do(tinh,
		chromedp.Click(chromedp.CSS(`th a[href*="sort=hai-long"]`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="ascending"]`)),
		chromedp.Click(chromedp.CSS(`th[aria-sort="ascending"] a`)),
		chromedp.WaitVisible(chromedp.CSS(`th[aria-sort="descending"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	top := must(chromedp.Run(tinh, chromedp.Text(chromedp.CSS(`table.figures tbody tr th`))))(t)
	if top != danDien.Name {
		t.Errorf("first commune by satisfaction, most first: %q, want %s", top, danDien.Name)
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
