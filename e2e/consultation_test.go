//go:build e2e

package e2e_test

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/demo"

	"github.com/chromedp/chromedp"
)

// syncBuffer is the server's log, where the development SMS sender writes codes.
type syncBuffer struct {
	mu   sync.Mutex
	b    bytes.Buffer
	used int           // codes already handed out by code
	news chan struct{} // a write happened
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.news == nil {
		s.news = make(chan struct{}, 1)
	}
	select {
	case s.news <- struct{}{}:
	default:
	}
	return s.b.Write(p)
}

// code returns the newest sign-in code not handed out yet, waiting up to 10 s
// for the outbox worker to deliver it ("" after that).
func (s *syncBuffer) code() string {
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		if s.news == nil {
			s.news = make(chan struct{}, 1)
		}
		news := s.news
		m := regexp.MustCompile(`của bạn: (\d{6})`).FindAllStringSubmatch(s.b.String(), -1)
		if len(m) > s.used {
			s.used = len(m)
			s.mu.Unlock()
			return m[len(m)-1][1]
		}
		s.mu.Unlock()
		select {
		case <-news:
		case <-deadline:
			return ""
		}
	}
}

// TestConsultationJourney: an official opens a consultation with a three-part
// draft; a citizen on a phone comments on part 2; the official answers it as an
// explanation; the citizen sees the answer; after the window the official
// publishes the synthesis and the public page shows it.
func TestConsultationJourney(t *testing.T) {
	logs := &syncBuffer{}
	a, _ := startApp(t, logs)
	base := a.URL()
	off := browser(t)
	officialSignIn(t, off, base)
	recovery := strings.Fields(must(chromedp.Run(off, chromedp.Text(chromedp.CSS(`ol.codes`))))(t))
	closes := time.Now().AddDate(0, 0, 30).Format("2006-01-02")
	err := chromedp.Do(off,
		chromedp.Click(chromedp.CSS(`a.button`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Click(chromedp.CSS(`a[href$="/lay-y-kien"]`)),
		chromedp.WaitVisible(chromedp.CSS(`select[name="subject"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="subject"]`), "6"),
		chromedp.SendKeys(chromedp.CSS(`input[name="title"]`), "Dự thảo quy chế dân chủ xã Đan Điền"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="parts"]`), "## Chương I. Quy định chung\nPhạm vi\n## Chương II. Công khai\nNội dung công khai\n## Chương III. Giám sát\nBan thanh tra"),
		chromedp.SetValue(chromedp.CSS(`input[name="closes_on"]`), closes),
		chromedp.Submit(chromedp.CSS(`input[name="title"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/tong-hop"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	office := must(chromedp.Run(off, chromedp.Location()))(t)
	public := strings.Replace(office, "/quan-tri/lay-y-kien/", "/lay-y-kien/", 1)

	cit := browser(t)
	err = chromedp.Do(cit,
		chromedp.EmulateViewport(360, 740),
		chromedp.Navigate(base+"/cong-dan/dang-nhap"),
		chromedp.SendKeys(chromedp.CSS(`input[name="address"]`), "0912 345 678"),
		chromedp.Submit(chromedp.CSS(`input[name="address"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cit,
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), logs.code()),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="full_name"]`)),
		chromedp.Navigate(public),
		chromedp.WaitVisible(chromedp.CSS(`textarea[name="body"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="part"]`), "2"),
		chromedp.Click(chromedp.CSS(`input[value="suggest"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="body"]`), "Đề nghị công khai thêm trên loa phát thanh"),
		submitAndWait(`textarea[name="body"]`, `ol.record li`),
	)
	if err != nil {
		t.Fatal(err)
	}
	accessible(t, cit, "consultation page (citizen)")

	err = chromedp.Do(off,
		chromedp.Navigate(office),
		chromedp.Click(chromedp.CSS(`input[name="comment"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="kind"]`), "explained"),
		chromedp.SendKeys(chromedp.CSS(`form[action$="/tra-loi"] textarea[name="body"]`), "Loa phát thanh đã phát nội dung 3 ngày liên tục."),
		submitAndWait(`form[action$="/tra-loi"] textarea[name="body"]`, `p.flash.ok`),
	)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Do(cit, chromedp.Navigate(public), chromedp.WaitVisible(chromedp.CSS(`ol.record li`)))
	if err != nil {
		t.Fatal(err)
	}
	answer := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`ol.record li`))))(t)
	if !strings.Contains(answer, "Giải trình") || !strings.Contains(answer, "3 ngày liên tục") {
		t.Errorf("the citizen does not see the answer: %q", answer)
	}

	// After the window the sessions have expired: the official signs in again with a
	// recovery code (a TOTP code would follow the real clock, not the moved one) and publishes.
	later := time.Now().AddDate(0, 0, 31)
	a.DB.Now = func() time.Time { return later }
	off2 := browser(t)
	err = chromedp.Do(off2,
		chromedp.Navigate(base+"/dang-nhap"),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "xa@danchu.demo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name="code"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="code"]`), recovery[0]),
		chromedp.Submit(chromedp.CSS(`input[name="code"]`)),
		chromedp.WaitVisible(chromedp.CSS(`ul.units`)),
		chromedp.Navigate(office),
		chromedp.WaitVisible(chromedp.CSS(`form[action$="/tong-hop"]`)),
		chromedp.SendKeys(chromedp.CSS(`textarea[name="decision"]`), "Thông qua quy chế, bổ sung Chương II"),
		chromedp.Click(chromedp.CSS(`form[action$="/tong-hop"] input[name="confirm"]`)),
		chromedp.Submit(chromedp.CSS(`textarea[name="decision"]`)),
		chromedp.WaitVisible(chromedp.CSS(`section.body h2`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	cit2 := browser(t)
	err = chromedp.Do(cit2, chromedp.EmulateViewport(360, 740), chromedp.Navigate(public), chromedp.WaitVisible(chromedp.CSS(`section.body`)))
	if err != nil {
		t.Fatal(err)
	}
	synthesis := must(chromedp.Run(cit2, chromedp.Text(chromedp.CSS(`section.body`))))(t)
	if !strings.Contains(synthesis, "Kết quả tổng hợp") || !strings.Contains(synthesis, "Thông qua quy chế") {
		t.Errorf("synthesis = %q", synthesis)
	}
	accessible(t, cit2, "consultation synthesis")
	saveShot(t, "consultation-360x740.png", must(chromedp.Run(cit2, chromedp.FullScreenshot(100)))(t))
}
