//go:build e2e

package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLockOfficialJourney: the province administrator opens the officials page
// on a phone and locks the commune official's account; the official, signed in
// on another phone, is sent back to signing in at the next page. Both pages of
// the administrator pass axe.
func TestLockOfficialJourney(t *testing.T) {
	a, _ := startApp(t, &syncBuffer{})
	base := a.URL()
	ctx := context.Background()
	hue, err := a.Units.UnitByCode(ctx, "46")
	if err != nil {
		t.Fatal(err)
	}
	off := browser(t)
	officialSignIn(t, off, base) // xa@danchu.demo
	admin := browser(t)
	officialSignInAs(t, admin, base, "tinh@danchu.demo")
	page := fmt.Sprintf("%s/quan-tri/don-vi/%s/can-bo", base, hue.OfficeKey())
	err = chromedp.Do(admin,
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`table.list`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, admin, "officials page")
	// The lock form on the commune official's row.
	action := must(chromedp.Run(admin, chromedp.Evaluate[string](`(() => {
		for (const r of document.querySelectorAll("table.list tbody tr")) {
			if (r.textContent.includes("xa@danchu.demo")) { const f = r.querySelector('form[action$="/khoa"]'); return f ? f.getAttribute("action") : ""; }
		}
		return ""; })()`)))(t)
	if action == "" {
		t.Fatal("no lock form on the commune official's row")
	}
	err = chromedp.Do(admin,
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`form[action=%q] input[name="confirm"]`, action))),
		chromedp.Submit(chromedp.CSS(fmt.Sprintf(`form[action=%q] button`, action))),
		chromedp.WaitVisible(chromedp.CSS(`p.flash.ok`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	flash := must(chromedp.Run(admin, chromedp.Text(chromedp.CSS(`p.flash.ok`))))(t)
	if !strings.Contains(flash, "Đã khóa tài khoản: mọi phiên đăng nhập đã kết thúc.") {
		t.Errorf("after locking: %q", flash)
	}
	accessible(t, admin, "officials page after locking")
	if !must(chromedp.Run(admin, chromedp.Evaluate[bool](`document.querySelector('table.list form[action$="/mo-khoa"]') !== null`)))(t) {
		t.Error("the locked account should be offered for unlocking")
	}
	err = chromedp.Do(off,
		chromedp.Navigate(base+"/quan-tri"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
	)
	if err != nil {
		t.Fatalf("the locked official still reaches the back office: %v", err)
	}
}
