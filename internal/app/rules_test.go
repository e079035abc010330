package app_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

// decisionRoom is the demo on a server whose clock the test moves, with a
// village head signed in and a matter put to a vote in the first village.
type decisionRoom struct {
	a               *app.App
	d               *db.DB
	srv             *httptest.Server
	now             time.Time
	head            *webtest.Browser
	office, vote    string // the matter's office page, the vote's ID
	households      int
	villageID       int64
	logs            *logBuffer
	heldOn          time.Time
	countURL, close string
}

func (r *decisionRoom) at(t *testing.T, now time.Time) {
	t.Helper()
	r.now = now
	r.head = signIn(t, r.srv, "truongthon@danchu.demo", demo.Password) // an official's session lasts 30 minutes
}

// newDecisionRoom proposes a matter (item 6) in the demo's first village and
// notices a vote of method held in 5 days (online: its last day).
func newDecisionRoom(t *testing.T, d *db.DB, method string) *decisionRoom {
	t.Helper()
	ctx := context.Background()
	r := &decisionRoom{d: d, now: time.Date(2026, time.March, 2, 9, 0, 0, 0, time.UTC), logs: &logBuffer{}}
	d.Now = func() time.Time { return r.now }
	r.a = app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(r.logs, nil)))
	t.Cleanup(func() { r.a.Consult.Close(); r.a.Decide.Close() })
	if _, err := demo.Load(ctx, r.a.Units); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadAccounts(ctx, r.a.Auth); err != nil {
		t.Fatal(err)
	}
	h, err := r.a.Handler()
	if err != nil {
		t.Fatal(err)
	}
	r.srv = httptest.NewServer(h)
	t.Cleanup(r.srv.Close)
	village, _ := r.a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
	r.villageID = village.ID
	d.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&r.households)
	r.at(t, r.now)
	manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
	code, _, hd := r.head.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa thôn"}})
	if code != http.StatusSeeOther {
		t.Fatalf("propose: %d", code)
	}
	r.office = hd.Get("Location")
	r.heldOn = r.now.AddDate(0, 0, 5)
	vals := url.Values{"village": {fmt.Sprint(village.ID)}, "method": {method}, "held_on": {r.heldOn.Format("2006-01-02")},
		"opted_in": {fmt.Sprint(r.households)}, "team": {"Nguyễn A\nTrần B\nLê C"}}
	code, page, _ := r.head.Follow(r.head.Post(r.office, r.office+"/thong-bao", vals))
	vote := regexp.MustCompile(`/quan-tri/bieu-quyet/(\d+)/`).FindStringSubmatch(page)
	if code != http.StatusOK || vote == nil {
		t.Fatalf("notice: %d %s", code, mainOf(page))
	}
	r.vote = vote[1]
	r.countURL, r.close = "/quan-tri/bieu-quyet/"+r.vote+"/ket-qua", "/quan-tri/bieu-quyet/"+r.vote+"/ket-thuc"
	return r
}

// A typed number never silently becomes zero: "70 hộ" in a paper-ballot count
// is refused with a message naming the field, and nothing is stored.
func TestCountNumbersAreStrict(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		r := newDecisionRoom(t, d, "ballot")
		r.at(t, r.heldOn.Add(10*time.Hour))
		for _, c := range []struct{ agree, want string }{
			{"70 hộ", "“70 hộ” không phải một số nguyên"},
			{"-3", "“-3” không phải một số nguyên"},
			{"7 0", "“7 0” không phải một số nguyên"},
			{"", "chưa có số"},
			{"99999999999999999999", "lớn quá"},
		} {
			code, page, _ := r.head.Post(r.office, r.countURL, url.Values{"agree": {c.agree}, "disagree": {"3"}, "other": {"0"}})
			if code != http.StatusBadRequest || !strings.Contains(page, c.want) || !strings.Contains(page, "Số hộ đồng ý") {
				t.Errorf("agree %q: %d, want 400 with %q naming the field: %s", c.agree, code, c.want, mainOf(page))
			}
			if !strings.Contains(page, fmt.Sprintf(`value="%s"`, c.agree)) {
				t.Errorf("agree %q: the form lost what was typed", c.agree)
			}
			var status string
			var agree int
			d.QueryRowContext(context.Background(), "select status, agree from votes where id = $1", r.vote).Scan(&status, &agree)
			if status != "open" || agree != 0 {
				t.Errorf("agree %q stored: vote %s, agree %d", c.agree, status, agree)
			}
		}
		// Entered wrong (0 in favour), then corrected with its reason from the office page.
		n := r.households
		if code, page, _ := r.head.Follow(r.head.Post(r.office, r.countURL, url.Values{"agree": {"0"}, "disagree": {"1"}, "other": {"0"}})); code != 200 ||
			!strings.Contains(page, "Không thông qua") {
			t.Fatalf("count: %d %s", code, mainOf(page))
		}
		correct := "/quan-tri/bieu-quyet/" + r.vote + "/sua-ket-qua"
		if code, page, _ := r.head.Post(r.office, correct, url.Values{"agree": {fmt.Sprint(n-1) + " hộ"}, "disagree": {"1"}, "other": {"0"}, "reason": {"Gõ nhầm"}}); code != http.StatusBadRequest ||
			!strings.Contains(page, "không phải một số nguyên") {
			t.Errorf("correction with a unit: %d", code)
		}
		if code, page, _ := r.head.Follow(r.head.Post(r.office, correct, url.Values{"agree": {fmt.Sprint(n - 1)}, "disagree": {"1"}, "other": {"0"}, "reason": {"Gõ nhầm số hộ đồng ý"}})); code != 200 ||
			!strings.Contains(page, "Đã sửa kết quả") {
			t.Fatalf("correction: %d %s", code, mainOf(page))
		}
		_, page, _ := webtest.New(t, r.srv.URL).Get(strings.Replace(r.office, "/quan-tri", "", 1))
		if !strings.Contains(page, fmt.Sprintf("đồng ý 0 → %d", n-1)) || !strings.Contains(page, "Lý do: Gõ nhầm số hộ đồng ý") || !strings.Contains(page, "Thông qua") {
			t.Errorf("the public page lacks the correction: %s", mainOf(page))
		}
		// The same post again (a replay, a second click): refused on the form, nothing recorded twice.
		if code, page, _ := r.head.Post(r.office, correct, url.Values{"agree": {fmt.Sprint(n - 1)}, "disagree": {"1"}, "other": {"0"}, "reason": {"Gõ nhầm số hộ đồng ý"}}); code != http.StatusConflict ||
			!strings.Contains(page, "không có gì để sửa") {
			t.Errorf("the same correction again: %d %s", code, mainOf(page))
		}
		if c := db.Count(t, d, "select count(*) from vote_corrections where vote_id = $1", r.vote); c != 1 {
			t.Errorf("corrections after a replay: %d, want 1", c)
		}
	})
}

// An online vote announced to end on a day cannot be closed before that day
// is over (the server says from when it can), and its minutes carry the time
// it really closed, not the announced day.
func TestOnlineVoteClosesOnlyAfterItsLastDay(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		r := newDecisionRoom(t, d, "online")
		last := r.heldOn.Format("02/01/2006")
		next := r.heldOn.AddDate(0, 0, 1).Format("02/01/2006")
		for _, at := range []time.Time{r.now.Add(time.Hour), r.heldOn.Add(6 * time.Hour)} { // today; 22:00 on the last day (Vietnam)
			r.at(t, at)
			code, page, _ := r.head.Post(r.office, r.close, url.Values{"confirm": {"1"}})
			if code != http.StatusConflict || !strings.Contains(page, "đến hết ngày "+last) || !strings.Contains(page, "Từ ngày "+next) {
				t.Errorf("closing at %s: %d, want 409 saying from %s: %s", at, code, next, mainOf(page))
			}
			var status string
			d.QueryRowContext(context.Background(), "select status from votes where id = $1", r.vote).Scan(&status)
			if status != "open" {
				t.Fatalf("closing at %s: the vote is %s", at, status)
			}
		}
		closedAt := r.heldOn.AddDate(0, 0, 2).Add(3 * time.Hour) // 12:00 in Vietnam, two days after the last day
		r.at(t, closedAt)
		// Irreversible: without the box ticked the server refuses and nothing changes.
		if code, page, _ := r.head.Post(r.office, r.close, url.Values{}); code != http.StatusBadRequest || !strings.Contains(page, "Tôi xác nhận") {
			t.Errorf("closing without confirming: %d %s", code, mainOf(page))
		}
		var status string
		d.QueryRowContext(context.Background(), "select status from votes where id = $1", r.vote).Scan(&status)
		if status != "open" {
			t.Fatalf("closing without confirming: the vote is %s", status)
		}
		if code, page, _ := r.head.Follow(r.head.Post(r.office, r.close, url.Values{"confirm": {"1"}})); code != 200 {
			t.Fatalf("close after the last day: %d %s", code, mainOf(page))
		}
		code, page, _ := r.head.Post(r.office, r.office+"/gui", url.Values{"head": {"A"}, "front": {"B"}, "rep1": {"C"}, "rep2": {"D"}})
		if code != http.StatusBadRequest || !strings.Contains(page, `value="A"`) {
			t.Errorf("minutes without confirming: %d (or what was typed is lost)", code)
		}
		if n := db.Count(t, d, "select count(*) from matters where submitted_on <> ''"); n != 0 {
			t.Errorf("minutes sent without confirming: %d", n)
		}
		code, page, _ = r.head.Follow(r.head.Post(r.office, r.office+"/gui", url.Values{"head": {"A"}, "front": {"B"}, "rep1": {"C"}, "rep2": {"D"}, "confirm": {"1"}}))
		if code != 200 {
			t.Fatalf("submit: %d %s", code, mainOf(page))
		}
		_, minutes, _ := webtest.New(t, r.srv.URL).Get(strings.Replace(r.office, "/quan-tri", "", 1) + "/bien-ban")
		when := closedAt.In(time.FixedZone("ICT", 7*3600)).Format("15:04 02/01/2006")
		if !strings.Contains(minutes, "kết thúc lúc "+when) {
			t.Errorf("the minutes do not carry the real close %s: %s", when, mainOf(minutes))
		}
		var decided string
		d.QueryRowContext(context.Background(), "select decided_on from matters where id = (select matter_id from votes where id = $1)", r.vote).Scan(&decided)
		if decided != closedAt.Format("2006-01-02") {
			t.Errorf("decided on %s, want the close day %s", decided, closedAt.Format("2006-01-02"))
		}
	})
}
