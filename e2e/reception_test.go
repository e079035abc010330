//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/demo"
	"danchu/internal/legal"

	"github.com/chromedp/chromedp"
)

// TestReceptionJourney: on a phone, the commune official puts the chair on
// the reception schedule, describes the office and plans a session (flagged
// short of the weekly minimum); a citizen finds it on the commune's public
// schedule, books a slot and gets a code; a stranger's guessed code cancels
// nothing; on the session's day the official receives the citizen from the
// booking, records the visit as a complaint in the book and sends the answer,
// which opens the complaint case; the citizen looks the code up and sees the
// outcome. The schedule's calendar is read by ical.js. Screenshots of every
// page at 360 px and on a desktop.
func TestReceptionJourney(t *testing.T) {
	dir, _ := filepath.Abs("ical")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js", "dist", "ical.js")); err != nil {
		t.Fatalf("ical.js is not installed: run (cd e2e/ical && npm install) — .ci/run does: %v", err)
	}
	logs := &syncBuffer{}
	a := startCaseApp(t, logs, "")
	base := a.URL()
	ctx := context.Background()
	office := base + "/quan-tri/don-vi/" + demo.CommuneCode + "/tiep-cong-dan"
	day, err := a.Receive.WorkingDay(ctx, legal.Today(time.Now()).AddDays(1))
	if err != nil {
		t.Fatal(err)
	}
	// The journey happens on the session's day, from 7 o'clock: the server's
	// clock runs from there (TOTP codes follow the real one).
	shift := time.Until(time.Date(day.Year, day.Month, day.Day, 7, 0, 0, 0, time.FixedZone("ICT", 7*3600)))
	a.DB.Now = func() time.Time { return time.Now().Add(shift) }

	xa := browserFor(t, 5*time.Minute)
	officialSignInAt(t, xa, base, "xa@danchu.demo", a.DB.Now)
	step(t, xa, "reception page", chromedp.Navigate(office), chromedp.WaitVisible(chromedp.CSS(`select[name="role"]`)))
	step(t, xa, "add the chair", choose(`select[name="role"]`, "Chủ tịch UBND cấp xã"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/lanh-dao"] input[name="name"]`), "Hoàng Văn Chủ"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/lanh-dao"] input[name="title"]`), "Chủ tịch UBND xã Đan Điền"),
		submitAndWait(`form[action$="/lanh-dao"] input[name="title"]`, `p.flash.ok`))
	step(t, xa, "the office", chromedp.SetValue(chromedp.CSS(`input[name="address"]`), "Trụ sở UBND xã Đan Điền, thôn Thuận Hòa"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="hours"]`), "Sáng thứ Hai đến thứ Sáu, 7 giờ 30 đến 11 giờ"),
		submitAndWait(`textarea[name="hours"]`, `p.flash.ok`))
	step(t, xa, "plan a session", choose(`select[name="leader"]`, "Hoàng Văn Chủ — Chủ tịch UBND xã Đan Điền"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/buoi"] input[name="day"]`), day.String()),
		chromedp.SetValue(chromedp.CSS(`form[action$="/buoi"] input[name="starts"]`), "09:00"),
		chromedp.SetValue(chromedp.CSS(`form[action$="/buoi"] input[name="slots"]`), "3"),
		submitAndWait(`form[action$="/buoi"] input[name="slots"]`, `p.flash.ok`))
	if text := must(chromedp.Run(xa, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, "Lưu ý: tháng này mới có") || !strings.Contains(text, "ngày tiếp công dân") {
		t.Errorf("the short month is not flagged on saving: %.800q", text)
	}
	shots(t, xa, "reception-leader-month", `main h1`, true)
	step(t, xa, "back to the schedule", chromedp.Navigate(office), chromedp.WaitVisible(chromedp.CSS(`ul.units`)))
	shots(t, xa, "reception-office", `ul.units`, true)

	// The citizen, on a phone, not signed in: the schedule, the booking, the code.
	cit := browserFor(t, 5*time.Minute)
	public := base + "/xa/" + demo.CommuneCode + "/tiep-cong-dan"
	// The browser starts on its own context, not on a step's (which ends with the step).
	if err := chromedp.Do(cit, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	step(t, cit, "public schedule", chromedp.Navigate(public), chromedp.WaitVisible(chromedp.CSS(`a.button[href^="/tiep-cong-dan/dat-lich/"]`)))
	shots(t, cit, "reception-public", `a.button`, true)
	step(t, cit, "booking form", chromedp.Click(chromedp.CSS(`a.button[href^="/tiep-cong-dan/dat-lich/"]`)), chromedp.WaitVisible(chromedp.CSS(`textarea[name="topic"]`)))
	// A wrong phone: the form comes back with what was typed.
	fill := func(phone string) chromedp.Action[chromedp.Void] {
		return chromedp.Steps(chromedp.SetValue(chromedp.CSS(`input[name="name"]`), "Lê Văn Dân"),
			chromedp.SetValue(chromedp.CSS(`input[name="phone"]`), phone),
			chromedp.SetValue(chromedp.CSS(`textarea[name="topic"]`), "Khiếu nại quyết định thu hồi đất vườn"))
	}
	step(t, cit, "book with a wrong phone", fill("12345"), submitAndWait(`textarea[name="topic"]`, `p.flash.err`))
	if v := must(chromedp.Run(cit, chromedp.Evaluate[string](`document.querySelector('textarea[name="topic"]').value`)))(t); v != "Khiếu nại quyết định thu hồi đất vườn" {
		t.Errorf("the form shown again lost the topic: %q", v)
	}
	shots(t, cit, "reception-booking-error", `p.flash.err`, false)
	step(t, cit, "book", fill("0912 345 678"), submitAndWait(`textarea[name="topic"]`, `p.code`))
	bookingCode := strings.TrimSpace(must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`p.code`))))(t))
	if !regexp.MustCompile(`^LH-[0-9A-Z]{4}-[0-9A-Z]{4}$`).MatchString(bookingCode) {
		t.Fatalf("booking code %q", bookingCode)
	}
	shots(t, cit, "reception-booked", `p.code`, false)

	// A stranger tries a guessed code: refused, nothing said about the code.
	stranger := browserFor(t, 2*time.Minute)
	if err := chromedp.Do(stranger, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	step(t, stranger, "guess", chromedp.Navigate(base+"/tiep-cong-dan/tra-cuu"),
		chromedp.SetValue(chromedp.CSS(`form[action="/tiep-cong-dan/huy"] input[name="code"]`), "LH-7K3Q-9MXD"),
		submitAndWait(`form[action="/tiep-cong-dan/huy"] input[name="code"]`, `p.flash.err`))
	if text := must(chromedp.Run(stranger, chromedp.Text(chromedp.CSS(`p.flash.err`))))(t); !strings.Contains(text, "Không hủy được") {
		t.Errorf("the guess was told %q", text)
	}

	// The official receives the citizen from the booking.
	xa2 := xa
	var sessionURL string
	step(t, xa2, "session", chromedp.Navigate(office), chromedp.WaitVisible(chromedp.CSS(`ul.units a`)))
	sessionURL = must(chromedp.Run(xa2, chromedp.Evaluate[string](`document.querySelector("ul.units a").href`)))(t)
	step(t, xa2, "open the session", chromedp.Navigate(sessionURL), chromedp.WaitVisible(chromedp.CSS(`a[href*="ma=`+bookingCode+`"]`)))
	shots(t, xa2, "reception-session", `table.list`, true)
	step(t, xa2, "entry form", chromedp.Click(chromedp.CSS(`a[href*="ma=`+bookingCode+`"]`)), chromedp.WaitVisible(chromedp.CSS(`textarea[name="request"]`)))
	if v := must(chromedp.Run(xa2, chromedp.Evaluate[string](`document.querySelector('input[name="name"]').value`)))(t); v != "Lê Văn Dân" {
		t.Errorf("the entry form is not filled from the booking: %q", v)
	}
	step(t, xa2, "record the visit", choose(`select[name="kind"]`, "Khiếu nại"),
		chromedp.SetValue(chromedp.CSS(`input[name="address"]`), "Thôn Thuận Hòa, xã Đan Điền"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="request"]`), "Xem xét lại diện tích thu hồi"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="done"]`), "Nhận đơn, hướng dẫn bổ sung biên bản kiểm đếm"),
		submitAndWait(`textarea[name="request"]`, `p.flash.ok`))
	if text := must(chromedp.Run(xa2, chromedp.Text(chromedp.CSS(`main`))))(t); !strings.Contains(text, bookingCode) || !strings.Contains(text, "10 ngày làm việc") {
		t.Errorf("the entry page: %.800q", text)
	}
	shots(t, xa2, "reception-visit", `input[name="outcome"]`, true)
	step(t, xa2, "answer", chromedp.Click(chromedp.CSS(`input[name="outcome"][value="accepted"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="known_on"]`), day.AddDays(-12).String()),
		chromedp.SetValue(chromedp.CSS(`textarea[name="note"]`), "UBND xã thụ lý giải quyết khiếu nại lần đầu."),
		submitAndWait(`textarea[name="note"]`, `p.flash.ok`))
	answered := must(chromedp.Run(xa2, chromedp.Text(chromedp.CSS(`main`))))(t)
	caseCode := regexp.MustCompile(`KNA-[0-9A-Z]{4}-[0-9A-Z]{4}`).FindString(answered)
	if caseCode == "" || !strings.Contains(answered, "Thụ lý") {
		t.Fatalf("the answered entry: %.800q", answered)
	}
	step(t, xa2, "the book", chromedp.Navigate(office+"/so?tat-ca=1"), chromedp.WaitVisible(chromedp.CSS(`table.list`)))
	shots(t, xa2, "reception-book", `table.list`, true)

	// The citizen looks the code up: the outcome and the case's code, no name.
	step(t, cit, "look up", chromedp.Navigate(base+"/tiep-cong-dan/tra-cuu?ma="+strings.ToLower(bookingCode)), chromedp.WaitVisible(chromedp.CSS(`section.body`)))
	seen := must(chromedp.Run(cit, chromedp.Text(chromedp.CSS(`main`))))(t)
	if !strings.Contains(seen, "Thụ lý") || !strings.Contains(seen, caseCode) || strings.Contains(seen, "Lê Văn Dân") {
		t.Errorf("the citizen's look-up: %.800q", seen)
	}
	shots(t, cit, "reception-answer", `section.body`, true)
	// The SMS the answer sent, as the log shows it in development.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(string(logs.bytes()), caseCode) {
		if time.Now().After(deadline) {
			t.Errorf("no text to the citizen names the case %s", caseCode)
			break
		}
		time.Sleep(100 * time.Millisecond)
	}

	// The commune's dialogue with the people, held the same day; its minutes as PDF.
	meetings := office + "/doi-thoai"
	step(t, xa2, "meetings", chromedp.Navigate(meetings), chromedp.WaitVisible(chromedp.CSS(`textarea[name="topics"]`)))
	step(t, xa2, "plan the dialogue", chromedp.Click(chromedp.CSS(`input[name="kind"][value="dialogue"]`)),
		chromedp.SetValue(chromedp.CSS(`input[name="day"]`), day.String()),
		chromedp.SetValue(chromedp.CSS(`input[name="place"]`), "Hội trường UBND xã Đan Điền"),
		chromedp.SetValue(chromedp.CSS(`input[name="chair"]`), "Hoàng Văn Chủ, Chủ tịch UBND xã"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="topics"]`), "Đối thoại về giải phóng mặt bằng đường liên thôn"),
		chromedp.SetValue(chromedp.CSS(`input[name="noticed_on"]`), day.AddDays(-7).String()),
		chromedp.SetValue(chromedp.CSS(`input[name="channels"]`), "loa truyền thanh, bảng tin các thôn"),
		submitAndWait(`textarea[name="topics"]`, `p.flash.ok`))
	step(t, xa2, "dialogue held", chromedp.SetValue(chromedp.CSS(`input[name="convened"]`), "150"),
		chromedp.SetValue(chromedp.CSS(`input[name="attended"]`), "132"),
		chromedp.SetValue(chromedp.CSS(`textarea[name="result"]`), "Nhân dân thống nhất phương án giải phóng mặt bằng."),
		submitAndWait(`textarea[name="result"]`, `p.flash.ok`))
	step(t, xa2, "a commitment", chromedp.Click(chromedp.CSS(`input[name="item_kind"][value="commitment"]`)),
		chromedp.SetValue(chromedp.CSS(`textarea[name="text"]`), "Lắp đèn chiếu sáng đường từ chợ về trường"),
		chromedp.SetValue(chromedp.CSS(`input[name="owner"]`), "UBND xã"),
		chromedp.SetValue(chromedp.CSS(`input[name="due"]`), day.AddDays(30).String()),
		submitAndWait(`textarea[name="text"]`, `p.flash.ok`))
	shots(t, xa2, "reception-dialogue", `a[href$="bien-ban.pdf"]`, true)
	minutesURL := must(chromedp.Run(xa2, chromedp.Evaluate[string](`document.querySelector('a[href$="bien-ban.pdf"]').getAttribute("href")`)))(t)
	pdfPath := filepath.Join(t.TempDir(), "bien-ban.pdf")
	if err := os.WriteFile(pdfPath, fetchBytes(t, xa2, minutesURL), 0o600); err != nil {
		t.Fatal(err)
	}
	text, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	for _, want := range []string{"BIÊN BẢN", "Có mặt 132/150", "Lắp đèn chiếu sáng", "Nhân dân thống nhất phương án"} {
		if !strings.Contains(strings.Join(strings.Fields(string(text)), " "), want) {
			t.Errorf("the minutes (pdftotext) lack %q:\n%s", want, text)
		}
	}
	step(t, xa2, "meetings list", chromedp.Navigate(meetings), chromedp.WaitVisible(chromedp.CSS(`ul.units`)))
	shots(t, xa2, "reception-meetings", `ul.units`, true)

	// The schedule's calendar, read by ical.js.
	cmd := exec.Command("node", filepath.Join(dir, "parse.mjs"), public+"/lich.ics")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("ical.js: %v\n%s", err, stderr)
	}
	var got struct {
		ContentType, Name string
		Events            []icalEvent
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("parser output: %v\n%s", err, out)
	}
	start := time.Date(day.Year, day.Month, day.Day, 2, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	end := time.Date(day.Year, day.Month, day.Day, 4, 0, 0, 0, time.UTC).Format("2006-01-02T15:04:05.000Z")
	if got.ContentType != "text/calendar; charset=utf-8" || got.Name != "Lịch tiếp công dân Xã Đan Điền" || len(got.Events) != 1 {
		t.Fatalf("calendar as ical.js read it: %+v", got)
	}
	if e := got.Events[0]; e.AllDay || e.Start != start || e.End != end || e.Summary != "Tiếp công dân: Hoàng Văn Chủ" || e.Status != "CONFIRMED" ||
		e.Transp != "OPAQUE" || e.Location != "Trụ sở UBND xã Đan Điền, thôn Thuận Hòa" || e.URL != public || !strings.Contains(e.Description, "còn 2") {
		t.Errorf("the session as ical.js read it: %+v (want %s–%s)", e, start, end)
	}
}
