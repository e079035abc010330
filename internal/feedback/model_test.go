package feedback

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web/webtest"
)

func TestStatusMachine(t *testing.T) {
	for _, tt := range []struct {
		from, to string
		ok       bool
	}{
		{Received, Accepted, true}, {Received, Refused, true}, {Received, Answered, false},
		{Accepted, InProgress, true}, {Accepted, Answered, true}, {InProgress, Answered, true},
		{Answered, Closed, true}, {Answered, Reopened, true}, {Reopened, InProgress, true},
		{Closed, Reopened, true}, {Refused, Accepted, false}, {Closed, Answered, false},
	} {
		if got := CanMove(tt.from, tt.to); got != tt.ok {
			t.Errorf("%s → %s: %v", tt.from, tt.to, got)
		}
	}
	if err := CheckMove(Refused, Accepted); err == nil || !strings.Contains(webtest.Vietnamese(t, err), "không (đã kết thúc)") {
		t.Errorf("a refused item: %v", err)
	}
	if err := CheckMove(Received, Closed); err == nil || !strings.Contains(webtest.Vietnamese(t, err), "“Đã thụ lý”, “Không thụ lý”") {
		t.Errorf("message lists the next statuses: %v", err)
	}
}

func TestInputLimits(t *testing.T) {
	for _, tt := range []struct {
		text, want string
	}{{"", "Hãy mô tả"}, {"   ", "Hãy mô tả"}, {strings.Repeat("đ", 10_000), "10000 ký tự, quá giới hạn 5000"}, {"Đèn đường thôn 2 hỏng", ""}} {
		err := CheckDescription(tt.text)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(webtest.Vietnamese(t, err), tt.want)) {
			t.Errorf("%.20q: %v", tt.text, err)
		}
	}
	for _, tt := range []struct {
		name     string
		lat, lon float64
		ok       bool
	}{
		{"Huế", 16.4637, 107.5909, true}, {"Hà Nội", 21.0285, 105.8542, true}, {"Cà Mau", 8.9, 105.1, true},
		{"Hoàng Sa", 16.5, 111.6, true}, {"Trường Sa", 8.65, 111.92, true},
		{"Bangkok", 13.7563, 100.5018, false}, {"Paris", 48.85, 2.35, false}, {"zero", 0, 0, false},
	} {
		if err := CheckPlace(tt.lat, tt.lon); (err == nil) != tt.ok || (err != nil && apperr.CodeOf(err) != apperr.CodeInvalid) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
}

func TestReopenAndRating(t *testing.T) {
	answered := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name   string
		status string
		after  time.Duration
		before bool
		want   string
	}{
		{"within 7 days", Answered, 6 * 24 * time.Hour, false, ""},
		{"after 7 days", Answered, 8 * 24 * time.Hour, false, "7 ngày"},
		{"twice", Closed, time.Hour, true, "một lần"},
		{"not answered", InProgress, time.Hour, false, "đã có câu trả lời"},
	} {
		err := CheckReopen(tt.status, answered, answered.Add(tt.after), tt.before)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(webtest.Vietnamese(t, err), tt.want)) {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	for _, tt := range []struct {
		stars  int
		status string
		before bool
		want   string
	}{{5, Answered, false, ""}, {0, Answered, false, "1 đến 5"}, {6, Closed, false, "1 đến 5"}, {3, Received, false, "sau khi có câu trả lời"}, {4, Answered, true, "đã đánh giá"}} {
		err := CheckRating(tt.stars, tt.status, tt.before)
		if (tt.want == "") != (err == nil) || (err != nil && !strings.Contains(webtest.Vietnamese(t, err), tt.want)) {
			t.Errorf("%d stars on %s: %v", tt.stars, tt.status, err)
		}
	}
}

func TestMedian(t *testing.T) {
	for _, tt := range []struct {
		hist [][2]int
		want int
	}{
		{nil, -1},
		{[][2]int{{3, 1}}, 3},
		{[][2]int{{1, 1}, {2, 1}, {9, 1}}, 2},
		{[][2]int{{1, 2}, {4, 2}}, 1},   // four answers: the lower middle
		{[][2]int{{0, 1}, {5, 10}}, 5},  // most took five days
		{[][2]int{{2, 10}, {30, 9}}, 2}, // a long tail does not move it
	} {
		if got := Median(tt.hist); got != tt.want {
			t.Errorf("Median(%v) = %d, want %d", tt.hist, got, tt.want)
		}
	}
}

func TestRouting(t *testing.T) {
	const commune, village, district, police, env = 10, 11, 1, 90, 91
	routes := []Route{{Category: "an-ninh", UnitID: commune, To: police}, {Category: "", UnitID: district, To: 80}, {Category: "moi-truong", UnitID: village, To: env}}
	chain := []int64{village, commune, district}
	for _, tt := range []struct {
		category string
		want     int64
	}{{"an-ninh", police}, {"moi-truong", env}, {"dat-dai", 80}} {
		if got := RouteFor(routes, tt.category, chain, commune); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.category, got, tt.want)
		}
	}
	if got := RouteFor(nil, "dat-dai", chain, commune); got != commune {
		t.Errorf("no table: %d", got)
	}
	if Prefix(Petition) != "KN" || Prefix(Feedback) != "PA" {
		t.Error("prefixes")
	}
}

func TestParseCategories(t *testing.T) {
	good := "# Tỉnh Thừa Thiên Huế\nmoi-truong | Môi trường | 10\nngap-lut | Ngập lụt, sạt lở | 3 | moi-truong\n\ndat-dai | Đất đai | 15\n"
	cs, err := ParseCategories(good)
	if err != nil || len(cs) != 3 || cs[1] != (Category{Code: "ngap-lut", Name: "Ngập lụt, sạt lở", Parent: "moi-truong", Days: 3}) {
		t.Fatalf("%+v %v", cs, err)
	}
	if again, _ := ParseCategories(FormatCategories(cs)); len(again) != 3 || again[1] != cs[1] {
		t.Errorf("FormatCategories does not read back: %+v", again)
	}
	for _, tt := range []struct{ name, text, want string }{
		{"empty", "\n# nothing\n", "ít nhất một"},
		{"two fields", "a | A", "dòng 1"},
		{"upper case code", "Dat-Dai | Đất đai | 15", "chữ thường không dấu"},
		{"duplicate", "a | A | 1\na | B | 2", "dòng 2: mã \"a\" bị trùng"},
		{"zero days", "a | A | 0", "từ 1 đến 90"},
		{"days not a number", "a | A | mười", "từ 1 đến 90"},
		{"days with a sign", "a | A | +5", "từ 1 đến 90"},
		{"unknown parent", "a | A | 5 | b", "chưa có"},
		{"three levels", "a | A | 5\nb | B | 5 | a\nc | C | 5 | b", "hai cấp"},
		{"no name", "a |  | 5", "tên lĩnh vực"},
	} {
		_, err := ParseCategories(tt.text)
		if err == nil || !strings.Contains(webtest.Vietnamese(t, err), tt.want) {
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}

func TestCheckContact(t *testing.T) {
	for _, ok := range []string{"", "dan@example.vn", "0912 345 678", "+84 912.345.678", "024-3825-1234"} {
		if err := CheckContact(ok, "Thôn Đông Phước"); err != nil {
			t.Errorf("%q refused: %v", ok, err)
		}
	}
	for _, bad := range []string{"abc", "dan@", "09123", "0912345678901234567", "12+34567890", "a@b@c"} {
		if err := CheckContact(bad, ""); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("%q: %v, want invalid", bad, err)
		}
	}
}

// EventKind errs towards private: only an exact system text or the answer and
// refusal count as public.
func TestEventKindPublicText(t *testing.T) {
	for _, tt := range []struct {
		status, note string
		actor        int64
		kind         string
		public       bool
	}{
		{Answered, "Đã sửa đèn", 7, EvAnswer, true},
		{Refused, "Không thuộc thẩm quyền", 7, EvRefuse, true},
		{Accepted, "gọi 0905 111 222", 7, EvAccept, false},
		{InProgress, "ghi chú", 7, EvStart, false},
		{Reopened, "Người gửi chưa hài lòng: gọi 0912 345 678", 9, EvReopen, false},
		{Received, "Chuyển đến Sở Xây dựng: lý do nội bộ", 7, EvTransfer, true}, // the unit only: TestPublicNoteOfTransfer
		{Closed, "Gộp vào PA-AAAA-BBBB: ghi chú", 7, EvMerge, false},
		{Accepted, "Gộp thêm PA-AAAA-BBBB (cùng nội dung)", 7, EvMergedIn, false},
		{Answered, "Người gửi đánh giá 4/5", 9, EvRate, true},
		{Closed, "Người gửi đánh giá 4/5 — gọi 0905 111 222", 7, EvClose, false},
		{Closed, autoCloseNote, 0, EvAutoClose, true},
		{Closed, autoCloseNote + " 0905", 0, EvClose, false},
		{Closed, "Đã xong, ghi chú nội bộ", 7, EvClose, false},
	} {
		kind := EventKind(tt.status, tt.note, tt.actor)
		if kind != tt.kind || (PublicNote(kind, tt.note) != "") != tt.public {
			t.Errorf("%s %q: kind %q public %v, want %q %v", tt.status, tt.note, kind, PublicNote(kind, tt.note) != "", tt.kind, tt.public)
		}
	}
}

func TestPublicNoteOfTransfer(t *testing.T) {
	for note, want := range map[string]string{
		"Chuyển đến Phường Phú Xuân: gọi ông Ba 0905 111 222":                                        "Chuyển đến Phường Phú Xuân",
		"Chuyển đến Phường Phú Xuân: lý do (chuyển muộn: hạn chuyển là 27/11/2026)":                  "Chuyển đến Phường Phú Xuân (chuyển muộn: hạn chuyển là 27/11/2026)",
		"Chuyển đến Phường Phú Xuân: 0905 (chuyển muộn: hạn chuyển là 0905 111 222 33) (chuyển muộn": "Chuyển đến Phường Phú Xuân",
	} {
		if got := PublicNote(EvTransfer, note); got != want {
			t.Errorf("%q: %q, want %q", note, got, want)
		}
	}
}

// The status table holds every status once, closed to its own constants, and
// the SQL lists the store reads are the table's (the literals they replace).
func TestStatusTable(t *testing.T) {
	all := []string{Received, Accepted, Refused, InProgress, Answered, Closed, Reopened}
	if len(Statuses) != len(all) {
		t.Fatalf("table has %d statuses, want %d", len(Statuses), len(all))
	}
	name := regexp.MustCompile(`^[a-z_]+$`)
	for _, st := range all {
		n := 0
		for _, r := range Statuses {
			if r.Name == st {
				n++
				if r.Label == "" || StatusNames[st] != r.Label {
					t.Errorf("%s: label %q, StatusNames %q", st, r.Label, StatusNames[st])
				}
				if r.Final != (len(r.Next) == 0) {
					t.Errorf("%s: final %v but moves to %v", st, r.Final, r.Next)
				}
				if r.Answered && r.Open {
					t.Errorf("%s: answered and open", st)
				}
				for _, to := range r.Next {
					if StatusNames[to] == "" {
						t.Errorf("%s moves to %q, not in the table", st, to)
					}
				}
			}
		}
		if n != 1 || !name.MatchString(st) {
			t.Errorf("%q: %d rows in the table", st, n)
		}
		if OpenStatuses.Has(st) == ClosedStatuses.Has(st) {
			t.Errorf("%s: open %v, closed %v: exactly one", st, OpenStatuses.Has(st), ClosedStatuses.Has(st))
		}
		if (Item{Status: st}).Open() != OpenStatuses.Has(st) {
			t.Errorf("%s: Item.Open disagrees with the table", st)
		}
	}
	for _, tt := range []struct {
		list StatusList
		want string
	}{
		{OpenStatuses, "('received', 'accepted', 'in_progress', 'reopened')"},
		{ClosedStatuses, "('answered', 'refused', 'closed')"},
		{AnsweredStatuses, "('answered', 'closed')"},
	} {
		if got := tt.list.SQL(); got != tt.want {
			t.Errorf("SQL list %v: %s, want %s", tt.list, got, tt.want)
		}
	}
}

// AllowedSteps (the item page's buttons) are exactly the official's steps the
// status machine lets through.
func TestAllowedStepsMatchCheckMove(t *testing.T) {
	for _, tt := range []struct {
		status string
		steps  []string
	}{
		{Received, []string{DoAccept, DoRefuse}},
		{Accepted, []string{DoStart, DoAnswer}},
		{InProgress, []string{DoAnswer}},
		{Reopened, []string{DoStart, DoAnswer}},
		{Answered, []string{DoClose}},
		{Refused, nil},
		{Closed, nil},
	} {
		if got := AllowedSteps(tt.status); !slices.Equal(got, tt.steps) {
			t.Errorf("AllowedSteps(%s) = %v, want %v", tt.status, got, tt.steps)
		}
		for step, to := range stepTo {
			allowed := slices.Contains(AllowedSteps(tt.status), step)
			err := CheckMove(tt.status, to)
			if allowed != (err == nil) {
				t.Errorf("%s, step %s: allowed %v, CheckMove(%s, %s) = %v", tt.status, step, allowed, tt.status, to, err)
			}
			if err != nil && apperr.CodeOf(err) != apperr.CodeConflict {
				t.Errorf("%s → %s refused with %v, want a conflict", tt.status, to, apperr.CodeOf(err))
			}
		}
	}
}

// The reporter's forms are offered exactly when the service would take them
// (CheckRating, CheckReopen), and never on an item merged into another.
func TestCanRateCanReopen(t *testing.T) {
	answered := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		name         string
		it           Item
		after        time.Duration
		rate, reopen bool
	}{
		{"answered", Item{Status: Answered}, time.Hour, true, true},
		{"closed after the answer", Item{Status: Closed}, 6 * 24 * time.Hour, true, true},
		{"at the end of the window", Item{Status: Answered}, ReopenWindow, true, true},
		{"after the window", Item{Status: Closed}, ReopenWindow + time.Millisecond, true, false},
		{"rated", Item{Status: Answered, Rating: 4}, time.Hour, false, true},
		{"reopened before", Item{Status: Answered, Reopened: true}, time.Hour, true, false},
		{"merged", Item{Status: Closed, MergedInto: 7}, time.Hour, false, false},
		{"in progress", Item{Status: InProgress}, time.Hour, false, false},
		{"refused", Item{Status: Refused}, time.Hour, false, false},
	} {
		tt.it.AnsweredAt = answered.UnixMilli()
		now := answered.Add(tt.after)
		if got := tt.it.CanRate(); got != tt.rate {
			t.Errorf("%s: CanRate %v, want %v", tt.name, got, tt.rate)
		}
		if got := tt.it.CanReopen(now); got != tt.reopen {
			t.Errorf("%s: CanReopen %v, want %v", tt.name, got, tt.reopen)
		}
		if tt.it.MergedInto != 0 {
			if err := tt.it.CheckReopen(now); apperr.CodeOf(err) != apperr.CodeConflict {
				t.Errorf("%s: reopening refused with %v, want a conflict", tt.name, err)
			}
			continue
		}
		if ok := CheckRating(5, tt.it.Status, tt.it.Rating > 0) == nil; ok != tt.rate {
			t.Errorf("%s: CheckRating takes it: %v, form offered: %v", tt.name, ok, tt.rate)
		}
		if ok := CheckReopen(tt.it.Status, answered, now, tt.it.Reopened) == nil; ok != tt.reopen {
			t.Errorf("%s: CheckReopen takes it: %v, form offered: %v", tt.name, ok, tt.reopen)
		}
	}
	for stars, want := range map[int]bool{1: false, 3: false, 4: true, 5: true} {
		if Satisfied(stars) != want {
			t.Errorf("Satisfied(%d) = %v", stars, !want)
		}
	}
}

// Only a province sets the categories and the hot-spot rule.
func TestSetsSettings(t *testing.T) {
	for typ, want := range map[org.Type]bool{org.Province: true, org.City: true, org.Commune: false, org.Ward: false, org.Village: false} {
		if got := SetsSettings(org.Unit{Type: typ}); got != want {
			t.Errorf("%s: %v, want %v", typ, got, want)
		}
	}
}

// TestReminderText: a reminder whose earliest item is already past its
// deadline says so instead of "due in the next two working days".
func TestReminderText(t *testing.T) {
	today := legal.Date{Year: 2026, Month: 12, Day: 2}
	for _, c := range []struct {
		first         legal.Date
		subject, text string
	}{
		{legal.Date{Year: 2026, Month: 12, Day: 4}, "3 phản ánh, kiến nghị sắp đến hạn trả lời", "(sớm nhất: 04/12/2026)"},
		{today, "3 phản ánh, kiến nghị sắp đến hạn trả lời", "(sớm nhất: 02/12/2026)"},
		{legal.Date{Year: 2026, Month: 11, Day: 27}, "3 phản ánh, kiến nghị quá hạn hoặc sắp đến hạn trả lời", "hạn sớm nhất 27/11/2026 đã qua"},
	} {
		subject, text := ReminderText(3, c.first, today)
		if subject != c.subject || !strings.Contains(text, c.text) {
			t.Errorf("first %s: %q / %q, want %q and %q", c.first.VN(), subject, text, c.subject, c.text)
		}
	}
}
