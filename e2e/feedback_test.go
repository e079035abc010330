//go:build e2e

package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
)

// TestFeedbackJourney: a citizen on a phone sends feedback with a photo and gets
// a tracking code; the official finds it in the queue and answers it; the
// citizen opens the code's page, sees the answer and rates it; the commune's
// public statistics change.
func TestFeedbackJourney(t *testing.T) {
	logs := &syncBuffer{}
	a, _ := startApp(t, logs)
	base := a.URL()
	commune, err := a.Units.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	// A phone photo: 1200×900 JPEG.
	img := image.NewRGBA(image.Rect(0, 0, 1200, 900))
	for y := range 900 {
		for x := range 1200 {
			img.Set(x, y, color.RGBA{uint8(x / 5), uint8(y / 4), 90, 255})
		}
	}
	var photo bytes.Buffer
	jpeg.Encode(&photo, img, nil)
	photoPath := filepath.Join(t.TempDir(), "rac-thai.jpg")
	if err := os.WriteFile(photoPath, photo.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	cit := browser(t)
	err = chromedp.Do(cit,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/cong-dan/dang-nhap"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "0912 345 600"),
		chromedp.Submit(chromedp.CSS(`input[name="address"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	page := base + "/xa/" + demo.CommuneCode + "/phan-anh"
	err = chromedp.Do(cit,
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), logs.code()),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="full_name"]`)),
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="description"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, cit, "feedback form (citizen)")
	width := must(chromedp.Run(cit, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t)
	if width > 360 {
		t.Errorf("the feedback form is %d px wide on a 360 px phone", width)
	}
	err = chromedp.Do(cit,
		chromedp.SetValue(chromedp.CSS(`select[name="category"]`), "moi-truong"),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="description"]`), "Rác thải đổ trộm cạnh cầu thôn Đông Phước, bốc mùi."),
		chromedp.SetUploadFiles(chromedp.CSS(`input[name="photos"]`), []string{photoPath}),
		chromedp.Submit(chromedp.CSS(`textarea[name="description"]`)),
		chromedp.WaitVisible(chromedp.CSS(`.code-big b`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	code := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`.code-big b`))))(t)
	if !regexp.MustCompile(`^PA-[0-9A-Z]{4}-[0-9A-Z]{4}$`).MatchString(code) {
		t.Fatalf("tracking code shown: %q", code)
	}
	accessible(t, cit, "tracking page (new)")
	saveShot(t, "feedback-code-360x740.png", must(chromedp.Run(cit, chromedp.FullScreenshot(100)))(t))

	off := browser(t)
	officialSignIn(t, off, base)
	queue := fmt.Sprintf("%s/quan-tri/don-vi/%s/phan-anh", base, commune.OfficeKey())
	link := fmt.Sprintf(`//a[text()=%q]`, code)
	err = chromedp.Do(off,
		chromedp.Navigate(queue),
		chromedp.WaitVisible(link),
		chromedp.Click(link),
		chromedp.WaitVisible(chromedp.CSS(`.photos img`)),
		chromedp.Click(chromedp.CSS(`input[value="accept"]`)),
		submitAndWait(`input[value="accept"]`, `p.flash.ok`),
		chromedp.Click(chromedp.CSS(`input[value="answer"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="note"]`), "Đã thu gom rác ngày 23/11, đặt biển cấm đổ rác."),
		submitAndWait(`textarea[name="note"]`, `p.flash.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, off, "feedback item (official)")
	photoLoaded := must(chromedp.Run(off, chromedp.Evaluate[int](`document.querySelector('.photos img').naturalWidth`)))(t)
	if photoLoaded != 1200 {
		t.Errorf("the official's photo is %d px wide, want the 1200 px sent", photoLoaded)
	}

	err = chromedp.Do(cit,
		chromedp.Navigate(base+"/phan-anh/"+code),
		chromedp.WaitVisible(chromedp.CSS(`#tra-loi`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	answer := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`#tra-loi`))))(t)
	if !strings.Contains(answer, "Đã thu gom rác ngày 23/11") {
		t.Errorf("the citizen sees %q", answer)
	}
	accessible(t, cit, "tracking page (answered)")
	err = chromedp.Do(cit,
		chromedp.Click(chromedp.CSS(`input[name="stars"][value="5"]`)),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/danh-gia"] textarea[name="note"]`), "Xử lý nhanh"),
		submitAndWait(`form[action$="/danh-gia"] textarea[name="note"]`, `p.flash.ok`),
		chromedp.Navigate(page+"/thong-ke"),
		chromedp.WaitVisible(chromedp.CSS(`.stats`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	stats := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`.stats`))))(t)
	for _, want := range []string{"Đã tiếp nhận1", "Đã xử lý1 (100%)", "Trả lời đúng hạn100%", "Hài lòng100%"} {
		if !strings.Contains(strings.ReplaceAll(stats, "\n", ""), want) {
			t.Errorf("statistics %q lack %q", stats, want)
		}
	}
	accessible(t, cit, "feedback statistics")
	saveShot(t, "feedback-stats-360x740.png", must(chromedp.Run(cit, chromedp.FullScreenshot(100)))(t))

	// The sender rates the officials who answered (LDC Art 35(2)(a)): three
	// criteria, once; the commune's page counts it, its scores unpublished
	// until the quarter is over.
	rate := `a[href="/danh-gia/phan-anh/` + code + `"]`
	err = chromedp.Do(cit,
		chromedp.Navigate(base+"/phan-anh/"+code),
		chromedp.WaitVisible(chromedp.CSS(rate)),
		chromedp.Click(chromedp.CSS(rate)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="attitude"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, cit, "rating the officials")
	if width := must(chromedp.Run(cit, chromedp.Evaluate[int](`document.documentElement.scrollWidth`)))(t); width > 360 {
		t.Errorf("the rating form is %d px wide on a 360 px phone", width)
	}
	saveShot(t, "rate-officials-360x740.png", must(chromedp.Run(cit, chromedp.FullScreenshot(100)))(t))
	err = chromedp.Do(cit,
		chromedp.Click(chromedp.CSS(`input[name="attitude"][value="5"]`)),
		chromedp.Click(chromedp.CSS(`input[name="timeliness"][value="4"]`)),
		chromedp.Click(chromedp.CSS(`input[name="result"][value="5"]`)),
		submitAndWait(`input[name="result"][value="5"]`, `p.flash.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	if done := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(done, "đã được đánh giá") ||
		must(chromedp.Run(cit, chromedp.Evaluate[int](`document.querySelectorAll('input[name="attitude"]').length`)))(t) != 0 {
		t.Errorf("after rating: %.600s", done)
	}
	err = chromedp.Do(cit,
		chromedp.Navigate(base+"/xa/"+demo.CommuneCode+"/khao-sat"),
		chromedp.WaitVisible(chromedp.CSS(`section.ratings`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	count := must(chromedp.Run(cit, chromedp.Evaluate[string](`document.querySelector('section.ratings tbody tr td').textContent`)))(t)
	if row := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`section.ratings tbody tr`))))(t); count != "1" || !strings.Contains(row, "Đang diễn ra") {
		t.Errorf("one rating in the running quarter on the commune's page: count %q, row %q", count, row)
	}
}
