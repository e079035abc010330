package app_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/sheet/sheettest"
	"danchu/internal/web/webtest"
)

// TestReceptionPages goes through citizen reception over HTTP as its users
// would, and as an attacker: the official plans a leader's session (flagged
// short of the weekly minimum), a citizen books the last slot and gets a
// code, a second booking is refused with the next free session, a stranger's
// guessed code cancels nothing and is told exactly what a used code is told,
// another commune's official finds neither the book nor the session, the
// official records the visit as a complaint and answers it, which opens the
// complaint in casework, and the citizen's look-up shows the outcome; the
// public page, its calendar, the statistics and their XLSX hold no name,
// phone or topic.
func TestReceptionPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := caseSite(t, d, logs, true)
		ctx := context.Background()
		xa := signIn(t, srv, "xa@danchu.demo", demo.Password)
		base := "/quan-tri/don-vi/" + demo.CommuneCode + "/tiep-cong-dan"
		if code, body, _ := xa.Get(base); code != http.StatusOK || !strings.Contains(body, "Thêm lãnh đạo tiếp công dân") {
			t.Fatalf("reception page: %d %.300s", code, body)
		}
		// A leader, then a session on the next working day: one day of the four December-like weeks.
		if code, body, _ := xa.Post(base, base+"/lanh-dao", url.Values{"role": {"chair.commune"}, "name": {"Hoàng Văn Chủ"}, "title": {"Chủ tịch UBND xã"},
			"key": {"leader-k1"}}); code != http.StatusSeeOther {
			t.Fatalf("add leader: %d %.500s", code, body)
		}
		var leaderID int64
		if err := d.QueryRow("select id from reception_leaders").Scan(&leaderID); err != nil {
			t.Fatal(err)
		}
		day, err := a.Receive.WorkingDay(ctx, legal.Today(time.Now()).AddDays(1))
		if err != nil {
			t.Fatal(err)
		}
		session := url.Values{"leader": {strconv.FormatInt(leaderID, 10)}, "day": {day.String()}, "starts": {"07:30"}, "ends": {"11:00"},
			"place": {"Trụ sở UBND xã"}, "slots": {"1"}, "key": {"session-k1"}}
		// A bad form comes back with what was typed and the field marked.
		bad := url.Values{}
		for k, v := range session {
			bad[k] = v
		}
		bad.Set("ends", "07:00")
		bad.Set("key", "session-k0")
		code, body, _ := xa.Post(base, base+"/buoi", bad)
		if code != http.StatusBadRequest || !strings.Contains(body, "Giờ kết thúc phải sau giờ bắt đầu") || !strings.Contains(body, `value="Trụ sở UBND xã"`) {
			t.Fatalf("bad session: %d %.800s", code, body)
		}
		code, body, hd := xa.Post(base, base+"/buoi", session)
		if code != http.StatusSeeOther {
			t.Fatalf("add session: %d %.500s", code, body)
		}
		if _, body, _ = xa.Follow(code, body, hd); !strings.Contains(body, "Lưu ý: tháng này mới có") {
			t.Errorf("a short month is not flagged on saving: %.1500s", mainOf(body))
		}
		var sessionID int64
		if err := d.QueryRow("select id from reception_sessions").Scan(&sessionID); err != nil {
			t.Fatal(err)
		}
		// A later session with room, for the refusal to point to.
		later, err := a.Receive.WorkingDay(ctx, day.AddDays(1))
		if err != nil {
			t.Fatal(err)
		}
		session.Set("day", later.String())
		session.Set("slots", "5")
		session.Set("key", "session-k2")
		if code, body, _ := xa.Post(base, base+"/buoi", session); code != http.StatusSeeOther {
			t.Fatalf("add second session: %d %.500s", code, body)
		}

		// The public page lists the session with a booking link; the citizen books.
		pub := "/xa/" + demo.CommuneCode + "/tiep-cong-dan"
		anon := webtest.New(t, srv.URL)
		if code, body, _ := anon.Get(pub); code != http.StatusOK || !strings.Contains(body, "Hoàng Văn Chủ") || !strings.Contains(body, "/tiep-cong-dan/dat-lich/"+strconv.FormatInt(sessionID, 10)) {
			t.Fatalf("public schedule: %d %.1500s", code, mainOf(body))
		}
		form := "/tiep-cong-dan/dat-lich/" + strconv.FormatInt(sessionID, 10)
		if code, body, _ := anon.Get(form); code != http.StatusOK || !strings.Contains(body, `name="csrf" value="`) {
			t.Fatalf("booking form: %d %.3000s", code, body)
		}
		booking := url.Values{"name": {"Lê Văn Dân"}, "phone": {"0912 345 678"}, "topic": {"Khiếu nại quyết định thu hồi đất"}, "people": {"1"}, "key": {"book-k1"}}
		code, body, hd = anon.Post(form, form, booking)
		if code != http.StatusSeeOther {
			t.Fatalf("book: %d %.800s", code, body)
		}
		m := regexp.MustCompile(`ma=(LH-[0-9A-Z]{4}-[0-9A-Z]{4})`).FindStringSubmatch(hd.Get("Location"))
		if m == nil {
			t.Fatalf("booked to %q", hd.Get("Location"))
		}
		bookingCode := m[1]
		if _, body, _ = anon.Follow(code, body, hd); !strings.Contains(body, bookingCode) || !strings.Contains(body, "Hủy lịch hẹn") {
			t.Errorf("the track page after booking: %.1500s", mainOf(body))
		}
		// The session is full: its page offers no form, and a form opened before the
		// last slot went is refused with the next free session, what was typed kept.
		other := webtest.New(t, srv.URL)
		if _, body, _ := other.Get(form); strings.Contains(body, `<form method="post" class="stack">`) || !strings.Contains(body, "không còn nhận đặt lịch") {
			t.Errorf("a full session's page: %.800s", mainOf(body))
		}
		booking.Set("key", "book-k2")
		booking.Set("name", "Trần Thị Khác")
		code, body, _ = other.Post("/tiep-cong-dan/tra-cuu", form, booking)
		if code != http.StatusConflict || !strings.Contains(body, later.VN()) || !strings.Contains(body, `value="Trần Thị Khác"`) ||
			!strings.Contains(body, `action="/tiep-cong-dan/dat-lich/`) {
			t.Fatalf("full session: %d %.1500s", code, mainOf(body))
		}
		// A stranger's guess cancels nothing and is told what a used code is told.
		code, guessed, _ := other.Post("/tiep-cong-dan/tra-cuu", "/tiep-cong-dan/huy", url.Values{"code": {"LH-7K3Q-9MXD"}})
		if code != http.StatusBadRequest || !strings.Contains(guessed, "Không hủy được") {
			t.Fatalf("guessed cancel: %d %.800s", code, mainOf(guessed))
		}
		if code, body, _ := other.Post("/tiep-cong-dan/tra-cuu", "/tiep-cong-dan/huy", url.Values{"code": {"\xff\xfe"}}); code != http.StatusBadRequest || !strings.Contains(body, "không đọc được") {
			t.Errorf("cancel with invalid UTF-8: %d %.300s", code, mainOf(body))
		}
		for _, typed := range []string{strings.Repeat("L", 5000), "TD-0000-0000", bookingCode + "X"} {
			if code, body, _ := other.Post("/tiep-cong-dan/tra-cuu", "/tiep-cong-dan/huy", url.Values{"code": {typed}}); code != http.StatusBadRequest || !strings.Contains(body, "Không hủy được") {
				t.Errorf("cancel %.20q: %d %.300s", typed, code, mainOf(body))
			}
		}
		if n := db.Count(t, d, "select count(*) from reception_bookings where status = 'booked'"); n != 1 {
			t.Fatalf("%d bookings after the refusals", n)
		}
		if code, body, _ := other.Get("/tiep-cong-dan/tra-cuu?ma=LH-7K3Q-9MXD"); code != http.StatusNotFound || strings.Contains(body, "Lê Văn Dân") {
			t.Errorf("look-up of a guess: %d", code)
		}

		// Another commune's official: neither the book, the session nor the entry form.
		qd := signIn(t, srv, "quangdien@danchu.demo", demo.Password)
		for _, p := range []string{base, base + "/so", base + "/buoi/" + strconv.FormatInt(sessionID, 10), base + "/so/moi?ma=" + bookingCode} {
			if code, body, _ := qd.Get(p); code != http.StatusNotFound || strings.Contains(body, "Lê Văn Dân") {
				t.Errorf("%s for another commune: %d", p, code)
			}
		}
		qdBase := "/quan-tri/don-vi/" + demo.SecondCode + "/tiep-cong-dan"
		if code, _, _ := qd.Get(qdBase + "/buoi/" + strconv.FormatInt(sessionID, 10)); code != http.StatusNotFound {
			t.Errorf("Đan Điền's session under Quảng Điền's address: %d", code)
		}

		// On the session's day the official receives the citizen from their booking.
		dayStart := time.Date(day.Year, day.Month, day.Day, 8, 0, 0, 0, time.FixedZone("ICT", 7*3600))
		d.Now = func() time.Time { return dayStart }
		xa = signIn(t, srv, "xa@danchu.demo", demo.Password)
		enter := base + "/so/moi?buoi=" + strconv.FormatInt(sessionID, 10) + "&ma=" + bookingCode
		if code, body, _ := xa.Get(enter); code != http.StatusOK || !strings.Contains(body, `value="Lê Văn Dân"`) {
			t.Fatalf("entry form from the booking: %d %.1500s", code, mainOf(body))
		}
		visit := url.Values{"session": {strconv.FormatInt(sessionID, 10)}, "booking": {bookingCode}, "day": {day.String()}, "name": {"Lê Văn Dân"},
			"address": {"Thôn 1, xã Đan Điền"}, "phone": {"0912 345 678"}, "people": {"1"}, "kind": {"complaint"},
			"content": {"Khiếu nại quyết định thu hồi đất số 12/QĐ-UBND"}, "request": {"Hủy quyết định"}, "done": {"Hướng dẫn"}, "key": {"visit-k1"}}
		code, body, hd = xa.Post(enter, base+"/so", visit)
		if code != http.StatusSeeOther {
			t.Fatalf("record visit: %d %.1500s", code, mainOf(body))
		}
		visitPage := hd.Get("Location")
		if i := strings.IndexByte(visitPage, '?'); i >= 0 {
			visitPage = visitPage[:i]
		}
		_, body, _ = xa.Get(visitPage)
		if !strings.Contains(body, bookingCode) || !strings.Contains(body, "10 ngày làm việc") {
			t.Fatalf("visit page: %.1500s", mainOf(body))
		}
		// Answering: a complaint taken up needs the day it was known; then it opens the case.
		code, body, _ = xa.Post(visitPage, visitPage, url.Values{"outcome": {"accepted"}, "version": {"1"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "Nhập ngày công dân biết quyết định") {
			t.Fatalf("answer without known_on: %d %.800s", code, mainOf(body))
		}
		if code, body, _ := xa.Post(visitPage, visitPage, url.Values{"outcome": {"accepted"}, "version": {"1"}, "known_on": {day.AddDays(-10).String()}}); code != http.StatusSeeOther {
			t.Fatalf("answer: %d %.1500s", code, mainOf(body))
		}
		var caseCode string
		if err := d.QueryRow("select case_code from reception_visits").Scan(&caseCode); err != nil || !strings.HasPrefix(caseCode, "KNA-") {
			t.Fatalf("the answer opened %q (%v)", caseCode, err)
		}
		if n := db.Count(t, d, "select count(*) from cases where code = $1 and channel = 'desk' and kind = 'complaint'", caseCode); n != 1 {
			t.Errorf("no complaint case %s in casework", caseCode)
		}
		// The book as Excel: the entry in the columns of Art 25(2); another commune's official gets none.
		_, book, _ := xa.Get(base + "/so.xlsx?nam=" + strconv.Itoa(day.Year))
		if c := sheettest.Cells(t, []byte(book), "Sổ tiếp công dân", "A5", "B5", "C5", "L5", "O5"); c[0].Shown != "1" || c[1].Format != "dd/mm/yyyy" ||
			c[2].Shown != "Lê Văn Dân" || c[3].Shown != "Thụ lý" || c[4].Shown != caseCode {
			t.Errorf("book sheet: %+v", c)
		}
		qd = signIn(t, srv, "quangdien@danchu.demo", demo.Password) // the clock moved: a new session
		if code, _, _ := qd.Get(base + "/so.xlsx"); code != http.StatusNotFound {
			t.Errorf("another commune's book sheet: %d", code)
		}
		// The citizen sees the outcome by the code; no name.
		if code, body, _ := anon.Get("/tiep-cong-dan/tra-cuu?ma=" + bookingCode); code != http.StatusOK || !strings.Contains(body, "Thụ lý") || !strings.Contains(body, caseCode) || strings.Contains(body, "Lê Văn Dân") {
			t.Errorf("track after the answer: %d %.1500s", code, mainOf(body))
		}

		// What the public sees holds no name, phone or topic.
		for _, p := range []string{pub, pub + "/lich.ics", pub + "/thong-ke", "/tinh/46/tiep-cong-dan/thong-ke", "/api/v1/units/" + demo.CommuneCode + "/reception-sessions",
			"/api/v1/units/46/reception-stats?format=csv", form} {
			code, body, hd := anon.Get(p)
			if code != http.StatusOK {
				t.Errorf("%s: %d", p, code)
			}
			for _, secret := range []string{"Lê Văn Dân", "0912 345 678", "+84912345678", "345678", "thu hồi đất"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s shows %q", p, secret)
				}
			}
			if strings.HasSuffix(p, ".ics") && (hd.Get("Content-Type") != "text/calendar; charset=utf-8" || !strings.Contains(body, "SUMMARY;LANGUAGE=vi:Tiếp công dân: Hoàng Văn Chủ")) {
				t.Errorf("calendar: %s %.500s", hd.Get("Content-Type"), body)
			}
		}
		_, xlsx, _ := anon.Get(pub + "/thong-ke.xlsx")
		if lc := sheettest.Cells(t, []byte(xlsx), "Theo lãnh đạo", "A5", "E5"); lc[0].Shown != "Hoàng Văn Chủ" || lc[1].Shown != "0" {
			t.Errorf("leaders' sheet: %+v", lc)
		}
		cells := sheettest.Cells(t, []byte(xlsx), "Tiếp công dân", "A5", "G5", "A6", "G6")
		if cells[0].Shown != "Xã Đan Điền" || cells[1].Shown != "1" || cells[1].Text || cells[2].Shown != "Tổng cộng" || cells[3].Shown != "1" {
			t.Errorf("statistics sheet: %+v", cells)
		}
		// Another commune's statistics address under a village: not found.
		if code, _, _ := anon.Get("/xa/" + demo.CommuneCode + "-01/tiep-cong-dan"); code != http.StatusNotFound {
			t.Errorf("a village's schedule: %d", code)
		}
	})
}

// TestReceptionMeetingsPages: the commune plans a village's conference (told
// too late: refused with the day it had to be told), records it held with a
// commitment, and downloads its minutes as Word and PDF; another commune's
// official finds neither the meeting nor its minutes.
func TestReceptionMeetingsPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := caseSite(t, d, logs, true)
		ctx := context.Background()
		xa := signIn(t, srv, "xa@danchu.demo", demo.Password)
		base := "/quan-tri/don-vi/" + demo.CommuneCode + "/tiep-cong-dan/doi-thoai"
		village, err := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		if err != nil {
			t.Fatal(err)
		}
		today := legal.Today(time.Now())
		plan := url.Values{"kind": {"conference"}, "village": {strconv.FormatInt(village.ID, 10)}, "day": {today.String()}, "starts": {"19:30"},
			"place": {"Nhà văn hóa thôn"}, "chair": {"Trưởng thôn"}, "topics": {"Tổng kết năm"}, "noticed_on": {today.AddDays(-2).String()},
			"channels": {"loa của thôn"}, "plan_sent": {"commune", "front"}, "key": {"meeting-k1"}}
		code, body, _ := xa.Post(base, base, plan)
		if code != http.StatusBadRequest || !strings.Contains(body, today.AddDays(-5).VN()) || !strings.Contains(body, `value="Nhà văn hóa thôn"`) {
			t.Fatalf("late notice: %d %.1500s", code, mainOf(body))
		}
		plan.Set("noticed_on", today.AddDays(-6).String())
		plan.Set("key", "meeting-k2")
		code, body, hd := xa.Post(base, base, plan)
		if code != http.StatusSeeOther {
			t.Fatalf("plan: %d %.1500s", code, mainOf(body))
		}
		page := hd.Get("Location")
		if i := strings.IndexByte(page, '?'); i >= 0 {
			page = page[:i]
		}
		if code, body, _ := xa.Post(page, page, url.Values{"convened": {"97"}, "attended": {"80"}, "head_report": {"Trưởng thôn báo cáo."},
			"result": {"Hội nghị thống nhất kế hoạch năm sau."}, "version": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("held: %d %.1500s", code, mainOf(body))
		}
		if code, body, _ := xa.Post(page, page+"/viec", url.Values{"item_kind": {"commitment"}, "text": {"Lắp đèn đường"}, "owner": {"Trưởng thôn"},
			"due": {today.AddDays(30).String()}, "key": {"item-k1"}}); code != http.StatusSeeOther {
			t.Fatalf("item: %d %.1500s", code, mainOf(body))
		}
		_, docx, _ := xa.Get(page + "/bien-ban.docx")
		if text := docxText(t, []byte(docx)); !strings.Contains(text, "BIÊN BẢN") || !strings.Contains(text, "Có mặt 80/97") || !strings.Contains(text, "Lắp đèn đường") {
			t.Errorf("minutes (Word): %.800s", text)
		}
		if _, pdf, hd := xa.Get(page + "/bien-ban.pdf"); !strings.HasPrefix(pdf, "%PDF-") || hd.Get("Content-Type") != "application/pdf" {
			t.Errorf("minutes (PDF): %s %.20q", hd.Get("Content-Type"), pdf)
		}
		qd := signIn(t, srv, "quangdien@danchu.demo", demo.Password)
		id := page[strings.LastIndexByte(page, '/')+1:]
		for _, p := range []string{page, page + "/bien-ban.docx", "/quan-tri/don-vi/" + demo.SecondCode + "/tiep-cong-dan/doi-thoai/" + id,
			"/quan-tri/don-vi/" + demo.SecondCode + "/tiep-cong-dan/doi-thoai/" + id + "/bien-ban.pdf"} {
			if code, body, _ := qd.Get(p); code != http.StatusNotFound || strings.Contains(body, "Trưởng thôn báo cáo") {
				t.Errorf("%s for another commune: %d", p, code)
			}
		}
		// The public schedule lists this year's conference.
		if _, body, _ := webtest.New(t, srv.URL).Get("/xa/" + demo.CommuneCode + "/tiep-cong-dan"); !strings.Contains(body, "Hội nghị định kỳ của thôn") {
			t.Errorf("the public page lacks the conference: %.1500s", mainOf(body))
		}
	})
}
