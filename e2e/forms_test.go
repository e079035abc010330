//go:build e2e

package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
)

// TestFailedFormKeepsEverything: on a phone, an official opens a
// consultation whose window is short without a legal basis. The form is
// shown again with everything typed (text, text area, date, the boxes ticked
// as they were), the field that needs a value marked, required fields say
// so in words; the rule is explained next to the field before submitting.
func TestFailedFormKeepsEverything(t *testing.T) {
	a, _ := startApp(t, &syncBuffer{})
	base := a.URL()
	commune, err := a.Units.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	off := browser(t)
	officialSignIn(t, off, base)
	closes := time.Now().AddDate(0, 0, 5).Format("2006-01-02")
	err = chromedp.Do(off,
		chromedp.Navigate(fmt.Sprintf("%s/quan-tri/don-vi/%s/lay-y-kien", base, commune.OfficeKey())),
		chromedp.WaitVisible(chromedp.CSS(`select[name="subject"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	if help := must(chromedp.Run(off, chromedp.Text(chromedp.CSS(`input[name="closes_on"] + span.muted`))))(t); !strings.Contains(help, "căn cứ pháp lý") {
		t.Errorf("the window's rule is not explained before submitting: %q", help)
	}
	err = chromedp.Do(off,
		chromedp.SetValue(chromedp.CSS(`select[name="subject"]`), "6"),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Dự thảo quy chế chợ"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="parts"]`), "## Chương I\nChung"),
		chromedp.Click(chromedp.CSS(`input[name="forms"][value="online"]`)), // untick the default
		chromedp.Click(chromedp.CSS(`input[name="forms"][value="meeting"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="closes_on"]`), closes),
		chromedp.Submit(chromedp.CSS(`input[name="title"]`)),
		chromedp.WaitVisible(chromedp.CSS(`p.flash.err`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	title := must(chromedp.Run(off, chromedp.Value(chromedp.CSS(`input[name="title"]`))))(t)
	parts := must(chromedp.Run(off, chromedp.Value(chromedp.CSS(`textarea[name="parts"]`))))(t)
	date := must(chromedp.Run(off, chromedp.Value(chromedp.CSS(`input[name="closes_on"]`))))(t)
	online := must(chromedp.Run(off, chromedp.Evaluate[bool](`document.querySelector('input[name="forms"][value="online"]').checked`)))(t)
	meeting := must(chromedp.Run(off, chromedp.Evaluate[bool](`document.querySelector('input[name="forms"][value="meeting"]').checked`)))(t)
	marker := must(chromedp.Run(off, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('input[name="title"]').closest('label'), '::after').content`)))(t)
	fieldErr := must(chromedp.Run(off, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.field-err')].map(e => e.closest('label').querySelector('input,textarea,select').name)`)))(t)
	if title != "Dự thảo quy chế chợ" || !strings.Contains(parts, "Chương I") || date != closes || online || !meeting {
		t.Errorf("the form shown again lost what was typed: title %q, parts %q, closes %q, online %v, meeting %v", title, parts, date, online, meeting)
	}
	if !strings.Contains(marker, "bắt buộc") {
		t.Errorf("a required field is not marked in words: ::after %q", marker)
	}
	if len(fieldErr) != 1 || fieldErr[0] != "short_basis" {
		t.Errorf("fields marked: %v, want short_basis", fieldErr)
	}
	accessible(t, off, "consultation form shown again")
	saveShot(t, "form-kept-360x740.png", must(chromedp.Run(off, chromedp.FullScreenshot(100)))(t))
}
