//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// longWord is a title part with no place to break: a pasted file name or URL.
var longWord = strings.Repeat("Quyếtđịnhphêduyệt", 6)

// seeded are the pages of a commune with one of everything, each titled with longWord.
type seeded struct {
	commune, village                 int64
	disclosure, consultation, matter string   // public paths
	feedback                         string   // the tracking code
	feedbackID                       string   // the back-office item
	steering                         []string // the commune's steering committee: its pages (back office)
	plans                            []string // the commune's plan: its list, the plan, its task, the assignment, the Front's tasks (back office)
	publicPlan                       string   // the same plan's public page
}

// seedLongTitles fills the demo commune through its own forms: a disclosure, a
// consultation, a village matter counted and minuted (rejected), a feedback item.
func seedLongTitles(t *testing.T, a *app.App) seeded {
	t.Helper()
	ctx := context.Background()
	base := a.URL()
	commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
	village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
	s := seeded{commune: commune.ID, village: village.ID}
	title := "Kế hoạch " + longWord + " năm 2027"
	off := signInHTTP(t, base, "xa@danchu.demo")
	today := legal.Today(time.Now())

	manage := commune.OfficeURL("cong-khai")
	code, _, h := off.PostMultipart(manage, manage, url.Values{"category": {"4"}, "title": {title},
		"body": {"Điều 1. " + longWord + "\n\nXem https://example.vn/" + longWord}, "decision_date": {today.AddDays(-1).String()},
		"ch_posting": {"1"}, "ch_posting_start": {today.String()}})
	if code != http.StatusSeeOther {
		t.Fatalf("publish: %d", code)
	}
	s.disclosure = h.Get("Location")

	manage = commune.OfficeURL("lay-y-kien")
	code, _, h = off.Post(manage, manage, url.Values{"subject": {"6"}, "title": {title},
		"parts": {"## Chương I\n" + longWord + "\n## Chương II\nCông khai"}, "forms": {"online"}, "closes_on": {today.AddDays(40).String()}})
	if code != http.StatusSeeOther {
		t.Fatalf("consultation: %d", code)
	}
	s.consultation = strings.Replace(h.Get("Location"), "/quan-tri", "", 1)

	page := "/xa/" + demo.CommuneCode + "/phan-anh"
	code, _, h = webtest.New(t, base).PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"moi-truong"},
		"place": {fmt.Sprint(village.ID)}, "description": {"Rác " + longWord}, "key": {"layout-1"}})
	m := regexp.MustCompile(`/phan-anh/((?:PA|KN)-[0-9A-Z-]+)`).FindStringSubmatch(h.Get("Location"))
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("feedback: %d %s", code, h.Get("Location"))
	}
	s.feedback = m[1]
	a.DB.QueryRowContext(ctx, "select id from feedback_items where code = $1", s.feedback).Scan(&s.feedbackID)

	head := signInHTTP(t, base, "truongthon@danchu.demo")
	manage = village.OfficeURL("quyet-dinh")
	code, _, h = head.Post(manage, manage, url.Values{"subject": {"6"}, "title": {title}})
	if code != http.StatusSeeOther {
		t.Fatalf("propose: %d", code)
	}
	office := h.Get("Location")
	s.matter = strings.Replace(office, "/quan-tri", "", 1)
	day := time.Now().AddDate(0, 0, 10)
	code, body, _ := head.Follow(head.Post(office, office+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"meeting"},
		"held_on": {day.Format("2006-01-02")}, "team": {"Nguyễn A\nTrần B\nLê C"}, "secretary": {"Lê Thư Ký"}}))
	vote := regexp.MustCompile(`/quan-tri/bieu-quyet/(\d+)/ket-qua`).FindStringSubmatch(body)
	if code != http.StatusOK || vote == nil {
		t.Fatalf("notice: %d", code)
	}
	a.DB.Now = func() time.Time { return day.Add(2 * time.Hour) }
	head = signInHTTP(t, base, "truongthon@danchu.demo")
	var n int
	a.DB.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&n)
	if code, body, _ := head.Follow(head.Post(office, "/quan-tri/bieu-quyet/"+vote[1]+"/ket-qua", url.Values{"present": {fmt.Sprint(n)}, "agree": {"10"},
		"disagree": {fmt.Sprint(n - 10)}, "other": {"0"}, "committee": {"A\nB\nC"}, "secretary": {"D"}})); code != http.StatusOK {
		t.Fatalf("count: %d %s", code, body)
	}
	if code, _, _ := head.Follow(head.Post(office, office+"/gui", url.Values{"head": {"Trần Văn Thôn"}, "front": {"Phạm Thị Mặt Trận"},
		"rep1": {"Hộ H001"}, "rep2": {"Hộ H002"}, "confirm": {"1"}})); code != http.StatusOK {
		t.Fatalf("minutes: %d", code)
	}

	// The commune's steering committee: a member and a meeting titled with longWord.
	off = signInHTTP(t, base, "xa@danchu.demo") // the clock moved on: a new session
	sc := commune.OfficeURL("ban-chi-dao")
	if code, _, _ := off.Post(sc, sc, url.Values{}); code != http.StatusSeeOther {
		t.Fatalf("steering committee: %d", code)
	}
	if code, body, _ := off.Post(sc, sc+"/thanh-vien", url.Values{"position": {"head"}, "name": {"Nguyễn " + longWord}, "office": {"Bí thư Đảng ủy " + longWord},
		"area": {longWord}, "units": {demo.CommuneCode + "-01"}, "decision_number": {"12-QĐ/ĐU"}, "decision_date": {today.AddDays(-3).String()}}); code != http.StatusSeeOther {
		t.Fatalf("steering member: %d %s", code, body)
	}
	code, _, h = off.PostMultipart(sc+"/hop", sc+"/hop", url.Values{"held_on": {today.AddDays(-1).String()}, "place": {"Hội trường " + longWord},
		"chair": {"Nguyễn " + longWord}, "attendees": {longWord + "\n" + longWord}, "content": {longWord}, "conclusions": {longWord}})
	if code != http.StatusSeeOther {
		t.Fatalf("steering meeting: %d", code)
	}
	s.steering = []string{sc, sc + "/lich-su", sc + "/quy-che", sc + "/hop", h.Get("Location")}

	// The commune's plan, imported through its form, its task given to the
	// commune's Front (a village head reports no tasks: plans.Assign refuses it).
	front, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-MTTQ")
	pl := commune.OfficeURL("ke-hoach")
	text := "ỦY BAN NHÂN DÂN\nXÃ ĐAN ĐIỀN\nSố: 30/KH-UBND\nĐan Điền, ngày 05 tháng 01 năm 2027\n\nKẾ HOẠCH\n" + title + "\n\n" +
		"I. MỤC ĐÍCH, YÊU CẦU " + longWord + "\nBảo đảm " + longWord + ".\n\nII. NHIỆM VỤ\n1. Thôn Đông Phước tổ chức hội nghị " + longWord + " trước ngày 30/6/2027.\n\n" +
		"Nơi nhận:\n- " + longWord + ";\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nCHỦ TỊCH\n\nNguyễn " + longWord + "\n"
	if code, body, _ := off.Post(pl, pl+"/doc", url.Values{"text": {text}}); code != http.StatusOK || !strings.Contains(body, "30/KH-UBND") {
		t.Fatalf("plan preview: %d %s", code, body)
	}
	code, body, h = off.Post(pl, pl, url.Values{"text": {text}, "kind": {"ke-hoach"}, "number": {"30/KH-UBND"}, "style": {"state"}, "date": {"2027-01-05"},
		"place": {"Đan Điền"}, "summary": {title}, "bases": {longWord}})
	if code != http.StatusSeeOther {
		t.Fatalf("plan save: %d %s", code, body)
	}
	plan := h.Get("Location")
	_, page, _ = off.Get(plan)
	task := regexp.MustCompile(`/quan-tri/ke-hoach/\d+/nhiem-vu/\d+`).FindString(page)
	if task == "" {
		t.Fatalf("the plan has no task: %s", page)
	}
	if code, body, _ := off.Post(plan, task+"/giao", url.Values{"units": {fmt.Sprint(front.ID)}}); code != http.StatusSeeOther {
		t.Fatalf("assign: %d %s", code, body)
	}
	_, page, _ = off.Get(task)
	assignment := regexp.MustCompile(`/quan-tri/nhiem-vu/\d+`).FindString(page)
	if assignment == "" {
		t.Fatalf("the task has no assignee: %s", page)
	}
	s.plans = []string{pl, plan, task, assignment, front.OfficeURL("nhiem-vu")}
	// A people's committee's plan is public once saved: its public page.
	s.publicPlan = "/xa/" + demo.CommuneCode + "/ke-hoach/" + strings.TrimPrefix(plan, "/quan-tri/ke-hoach/")
	return s
}

// signInHTTP signs an official in (no second factor asked by the site under test).
func signInHTTP(t *testing.T, base, email string) *webtest.Browser {
	t.Helper()
	b := webtest.New(t, base)
	if code, body, _ := b.Post("/dang-nhap", "/dang-nhap", url.Values{"email": {email}, "password": {demo.Password}}); code != http.StatusSeeOther {
		t.Fatalf("sign in %s: %d %s", email, code, body)
	}
	return b
}

// layoutProbe measures the page: its width, and each radio button or checkbox
// whose label's first text does not sit on the input's line.
const layoutProbe = `(() => {
  const bad = [];
  for (const el of document.querySelectorAll('input[type=radio], input[type=checkbox]')) {
    const label = el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]'));
    if (!label) { bad.push((el.name || '?') + ': no label'); continue; }
    const walk = document.createTreeWalker(label, NodeFilter.SHOW_TEXT, {acceptNode: n => n.textContent.trim() ? NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_SKIP});
    const text = walk.nextNode();
    if (!text) { bad.push(el.name + ': empty label'); continue; }
    const r = document.createRange(); r.selectNodeContents(text);
    const line = r.getClientRects()[0], box = el.getBoundingClientRect();
    const mid = box.top + box.height / 2;
    if (!line || mid < line.top || mid > line.bottom || line.left < box.left) {
      bad.push(el.name + '=' + el.value + ' at ' + Math.round(box.left) + ',' + Math.round(box.top) + ' ' + Math.round(box.width) + 'x' + Math.round(box.height) +
        ', its label "' + text.textContent.trim().slice(0, 30) + '" at ' + (line ? Math.round(line.left) + ',' + Math.round(line.top) : 'nowhere'));
    }
  }
  return JSON.stringify({width: document.documentElement.scrollWidth, bad: bad});
})()`

// TestPagesFitAPhone: on a 360×740 phone no page scrolls sideways, even with a
// title that has no place to break, and every radio button and checkbox sits
// on the line of its label.
func TestPagesFitAPhone(t *testing.T) {
	a, _ := startAppWith(t, io.Discard, func(c *config.Config) { c.Require2FA = false })
	s := seedLongTitles(t, a)
	base := a.URL()
	ctx := browser(t)
	pages := []string{
		"/", "/xa/" + demo.CommuneCode, "/thon/" + demo.CommuneCode + "-01", "/tim-kiem?q=" + url.QueryEscape(longWord[:20]),
		s.disclosure, "/xa/" + demo.CommuneCode + "/cong-khai", s.consultation, "/xa/" + demo.CommuneCode + "/lay-y-kien",
		s.matter, s.matter + "/bien-ban", "/xa/" + demo.CommuneCode + "/quyet-dinh", "/minh-bach",
		"/phan-anh/" + s.feedback, "/xa/" + demo.CommuneCode + "/phan-anh", "/xa/" + demo.CommuneCode + "/phan-anh/thong-ke",
		"/du-lieu-mo", "/du-lieu-mo?xa=" + demo.CommuneCode, "/xa/" + demo.CommuneCode + "/ke-hoach", s.publicPlan,
	}
	office := []string{
		"/quan-tri", fmt.Sprintf("/quan-tri/don-vi/%d/nhat-ky", s.commune), fmt.Sprintf("/quan-tri/don-vi/%d/so-cong-khai", s.commune),
		fmt.Sprintf("/quan-tri/don-vi/%d/cong-khai", s.commune), fmt.Sprintf("/quan-tri/don-vi/%d/lay-y-kien", s.commune),
		"/quan-tri" + s.consultation, "/quan-tri" + s.matter, "/quan-tri/phan-anh/" + s.feedbackID,
		fmt.Sprintf("/quan-tri/don-vi/%d/quyet-dinh", s.village), fmt.Sprintf("/quan-tri/don-vi/%d/ho-gia-dinh", s.village),
		"/quan-tri" + s.disclosure,
	}
	office = append(office, s.steering...)
	office = append(office, s.plans...)
	visit := func(path string) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Navigate(base+path), chromedp.WaitReady("body")); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		// The page measured is the page asked for, not an error or refusal page
		// of the same width (the Navigation Timing entry's HTTP status).
		status, err := chromedp.Run(ctx, chromedp.Evaluate[int](`performance.getEntriesByType('navigation')[0].responseStatus`))
		if err != nil || status != 200 {
			t.Fatalf("%s answered %d (%v), want 200: the layout check would measure the wrong page", path, status, err)
		}
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](layoutProbe))
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		var got struct {
			Width int
			Bad   []string
		}
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.Width > 360 {
			t.Errorf("%s is %d px wide on a 360 px phone", path, got.Width)
		}
		for _, b := range got.Bad {
			t.Errorf("%s: input off its label's line: %s", path, b)
		}
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	for _, p := range pages {
		visit(p)
	}
	err := chromedp.Do(ctx,
		chromedp.Navigate(base+"/dang-nhap"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), "xa@danchu.demo"),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), demo.Password),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/dang-xuat"]`)),
	)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range office {
		visit(p)
	}
	// Printed, the minutes are the document alone: no header, navigation, forms or buttons, black on white.
	if err := chromedp.Do(ctx, chromedp.Navigate(base+s.matter+"/bien-ban"), chromedp.WaitReady("body"),
		chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
			_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
			return err
		})); err != nil {
		t.Fatal(err)
	}
	shown := must(chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
	  const out = [...document.querySelectorAll('header.site, footer.site, nav, form, button, .crumbs')].filter(e => e.checkVisibility()).map(e => e.tagName + '.' + e.className);
	  const body = getComputedStyle(document.body).backgroundColor, text = getComputedStyle(document.querySelector('pre.minutes')).color;
	  if (body !== 'rgb(255, 255, 255)') out.push('background ' + body);
	  if (text !== 'rgb(0, 0, 0)') out.push('text ' + text);
	  return JSON.stringify(out);
	})()`)))(t)
	if shown != "[]" {
		t.Errorf("printed minutes still show %s", shown)
	}
	if err := chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error {
		_, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		return err
	})); err != nil {
		t.Fatal(err)
	}
	// Three pages that were broken, at 360×740 and 1280×800, checked by axe.
	for _, shot := range []struct{ name, path string }{
		{"feedback-form", "/xa/" + demo.CommuneCode + "/phan-anh"}, {"minutes", s.matter + "/bien-ban"}, {"matters", "/xa/" + demo.CommuneCode + "/quyet-dinh"},
	} {
		for _, size := range [][2]int64{{360, 740}, {1280, 800}} {
			if err := chromedp.Do(ctx, chromedp.EmulateViewport(size[0], size[1]), chromedp.Navigate(base+shot.path), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			saveShot(t, fmt.Sprintf("%s-%dx%d.png", shot.name, size[0], size[1]), must(chromedp.Run(ctx, chromedp.FullScreenshot(100)))(t))
		}
		accessible(t, ctx, shot.path)
	}
}
