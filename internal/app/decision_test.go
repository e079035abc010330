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

// A village head puts a matter to an online vote; a household's representative
// votes from the public page; the head closes the vote; the result and the
// receipt list appear.
func TestDecisionPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(logs, nil)))
		t.Cleanup(func() { a.Consult.Close(); a.Decide.Close() })
		if _, err := demo.Load(ctx, a.Units); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
			t.Fatal(err)
		}
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		code, page, _ := head.Post(manage, manage, url.Values{"subject": {"6"}, "title": {""}})
		if code != http.StatusBadRequest || !strings.Contains(page, "Hãy ghi nội dung cần quyết định") {
			t.Errorf("empty title: %d", code)
		}
		if n := countRows(t, d, "matters"); n != 0 {
			t.Errorf("a refused proposal stored %d matters", n)
		}
		code, _, hd := head.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa thôn <b>mùa hè</b>"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		office := hd.Get("Location")
		id := strings.TrimPrefix(office, "/quan-tri/quyet-dinh/")
		public := "/quyet-dinh/" + id
		// The commune official of another commune does not see it.
		if code, _, _ := signIn(t, srv, "tinh@danchu.demo", demo.Password).Get(office); code != http.StatusForbidden && code != http.StatusNotFound {
			t.Errorf("province admin (no decision role) on the office page: %d", code)
		}
		var n int // active households of the village (the demo has some inactive ones)
		d.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&n)
		needed := n/2 + 1
		last := time.Now().AddDate(0, 0, 5).Format("2006-01-02")
		vals := url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"online"}, "held_on": {last}, "opted_in": {fmt.Sprint(needed - 1)},
			"team": {"Nguyễn A\nTrần B\nLê C"}}
		code, page, _ = head.Post(office, office+"/thong-bao", vals)
		if code != http.StatusBadRequest || !strings.Contains(page, fmt.Sprintf("mới có %d/%d hộ đồng ý, cần ít nhất %d", needed-1, n, needed)) {
			t.Errorf("online with too few opted in: %d %s", code, regexp.MustCompile(`(?s)<main.*</main>`).FindString(page))
		}
		if n := countRows(t, d, "votes"); n != 0 {
			t.Errorf("a refused notice stored %d votes", n)
		}
		vals.Set("opted_in", fmt.Sprint(needed))
		if code, page, _ := head.Follow(head.Post(office, office+"/thong-bao", vals)); code != 200 || !strings.Contains(page, fmt.Sprintf("%d hộ gia đình", n)) {
			t.Fatalf("notice: %d", code)
		}
		// A citizen signs in and is bound as the representative of the village's first household.
		cit := citizen(t, a, srv, logs, "0912 000 222")
		_, page, _ = cit.Get(public)
		if strings.Contains(page, `name="choice"`) {
			t.Error("a citizen who represents no household is offered the ballot")
		}
		if _, err := d.Raw().ExecContext(ctx, `update households set representative_account_id = (select id from accounts where phone = '+84912000222')
			where id = (select min(id) from households where village_id = $1 and active)`, village.ID); err != nil {
			t.Fatal(err)
		}
		_, page, _ = cit.Get(public)
		vote := regexp.MustCompile(`action="/bieu-quyet/(\d+)"`).FindStringSubmatch(page)
		if vote == nil || strings.Contains(page, "<b>mùa hè</b>") {
			t.Fatal("no ballot for the representative, or the title not escaped")
		}
		code, _, hd = cit.Post(public, "/bieu-quyet/"+vote[1], url.Values{"choice": {"agree"}})
		if code != http.StatusSeeOther {
			t.Fatalf("vote: %d", code)
		}
		_, page, _ = cit.Follow(code, "", hd)
		receipt := regexp.MustCompile(`<b>([0-9A-Z]{4}-[0-9A-Z]{4})</b>`).FindStringSubmatch(page)
		if receipt == nil || !strings.Contains(page, "Đã ghi nhận phiếu của hộ bạn") {
			t.Fatalf("no receipt or notice after voting: %s", mainOf(page))
		}
		code, page, _ = cit.Post(public, "/bieu-quyet/"+vote[1], url.Values{"choice": {"disagree"}})
		if code != http.StatusConflict || !strings.Contains(page, "mỗi hộ chỉ có một phiếu") {
			t.Errorf("second vote: %d", code)
		}
		if _, page, _ := webtest.New(t, srv.URL).Get(public); !strings.Contains(page, "Kết quả được công bố khi kết thúc biểu quyết") || strings.Contains(page, receipt[1]) {
			t.Error("results or receipts shown before the close")
		}
		if code, _, _ := webtest.New(t, srv.URL).Get("/bieu-quyet/" + vote[1] + "/ma-phieu.txt"); code != http.StatusConflict {
			t.Errorf("receipt list before the close: %d", code)
		}
		// The vote runs to the end of its last day; the head closes it the day after.
		d.Now = func() time.Time { return time.Now().AddDate(0, 0, 6) }
		head = signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		if code, _, _ := head.Follow(head.Post(office, "/quan-tri/bieu-quyet/"+vote[1]+"/ket-thuc", url.Values{"confirm": {"1"}})); code != 200 {
			t.Fatalf("close: %d", code)
		}
		_, page, _ = webtest.New(t, srv.URL).Get(public)
		if !strings.Contains(page, fmt.Sprintf("1/%d hộ đồng ý (cần %d)", n, needed)) || !strings.Contains(page, "Không thông qua") ||
			!strings.Contains(page, "1 phiếu đã được tính") {
			t.Errorf("public page after the close lacks the tally")
		}
		for code, want := range map[string]string{receipt[1]: "có trong danh sách phiếu đã được tính", "ZZZZ-ZZZZ": "không có trong danh sách"} {
			_, page, _ := webtest.New(t, srv.URL).Get(public + "?phieu=" + vote[1] + "&kiem-tra=" + code)
			if !strings.Contains(page, code+" "+want) {
				t.Errorf("checking %s: the page lacks %q", code, want)
			}
		}
		if code, body, hd := webtest.New(t, srv.URL).Get("/bieu-quyet/" + vote[1] + "/ma-phieu.txt"); code != 200 || strings.TrimSpace(body) != receipt[1] ||
			!strings.HasPrefix(hd.Get("Content-Type"), "text/plain") {
			t.Errorf("receipt list: %d %q", code, body)
		}
		if _, page, _ := webtest.New(t, srv.URL).Get("/xa/" + demo.CommuneCode + "/quyet-dinh"); !strings.Contains(page, public) {
			t.Error("the commune's list lacks the matter")
		}
		// The village's dashboard shows the minutes' deadline (5 working days, Art 20(3)).
		if _, page, _ := head.Get(manage); !strings.Contains(page, "Thời hạn đang chờ") || !strings.Contains(page, "Gửi biên bản đến UBND xã") {
			t.Error("the dashboard does not show the minutes' deadline")
		}
		// The head writes the minutes and sends them; the commune answers.
		code, page, _ = head.Post(office, office+"/gui", url.Values{"head": {"Trần Văn Thôn"}, "front": {"Phạm Thị Mặt Trận"}, "rep1": {"Hộ H001"}, "confirm": {"1"}})
		if code != http.StatusBadRequest || !strings.Contains(page, "bốn họ tên") {
			t.Errorf("minutes without every signatory: %d", code)
		}
		code, page, _ = head.Follow(head.Post(office, office+"/gui", url.Values{"head": {"Trần Văn Thôn"}, "front": {"Phạm Thị Mặt Trận"}, "rep1": {"Hộ H001"}, "rep2": {"Hộ H002"},
			"confirm": {"1"}}))
		if code != 200 || !strings.Contains(page, "Đã lập biên bản") {
			t.Fatalf("submit: %d", code)
		}
		if code, page, _ := webtest.New(t, srv.URL).Get(public + "/bien-ban"); code != 200 || !strings.Contains(page, fmt.Sprintf("Tổng số hộ gia đình: %d", n)) ||
			!strings.Contains(page, "Quyết định: KHÔNG THÔNG QUA") {
			t.Errorf("minutes page: %d", code)
		}
		if code, _, _ := head.Post(office, office+"/cong-nhan", url.Values{"recognized": {"1"}}); code != http.StatusNotFound {
			t.Errorf("the village head recognising: %d", code)
		}
		if _, page, _ := webtest.New(t, srv.URL).Get(public); strings.Contains(page, "Đã được công nhận ngày") {
			t.Error("the village head's refused recognition is on the public page")
		}
		commune := signIn(t, srv, "xa@danchu.demo", demo.Password)
		if code, page, _ := commune.Post(office, office+"/cong-nhan", url.Values{"recognized": {"0"}, "confirm": {"1"}}); code != http.StatusBadRequest || !strings.Contains(page, "lý do") {
			t.Errorf("refusal without reasons: %d", code)
		}
		if code, _, _ := commune.Follow(commune.Post(office, office+"/cong-nhan", url.Values{"recognized": {"1"}, "confirm": {"1"}})); code != 200 {
			t.Errorf("recognise: %d", code)
		}
		if _, page, _ := webtest.New(t, srv.URL).Get(public); !strings.Contains(page, "Đã gửi biên bản") || !strings.Contains(page, "Đã được công nhận ngày") {
			t.Error("the public page lacks the submission or the recognition")
		}
	})
}

// Electing a village head through the officials' pages.
func TestElectionPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(&logBuffer{}, nil)))
		t.Cleanup(func() { a.Consult.Close(); a.Decide.Close() })
		if _, err := demo.Load(ctx, a.Units); err != nil {
			t.Fatal(err)
		}
		if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
			t.Fatal(err)
		}
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		var n int
		d.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&n)
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		code, _, hd := head.Post(manage, manage, url.Values{"subject": {"4"}, "title": {"Bầu trưởng thôn nhiệm kỳ 2027–2032"},
			"candidates": {"Nguyễn Văn An\nTrần Thị Bình"}, "seats": {"1"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		office := hd.Get("Location")
		day := time.Now().AddDate(0, 0, 21)
		code, page, _ := head.Post(office, office+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"meeting"},
			"held_on": {time.Now().AddDate(0, 0, 5).Format("2006-01-02")}})
		if code != http.StatusBadRequest || !strings.Contains(page, "ngày bầu sớm nhất là") {
			t.Errorf("an election 5 days after the plan: %d", code)
		}
		code, page, _ = head.Follow(head.Post(office, office+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"meeting"},
			"held_on": {day.Format("2006-01-02")}}))
		if code != 200 || !strings.Contains(page, "Các bước trước ngày bầu") {
			t.Fatalf("notice: %d", code)
		}
		vote := regexp.MustCompile(`/quan-tri/bieu-quyet/(\d+)/ket-qua`).FindStringSubmatch(page)
		if vote == nil {
			t.Fatal("no count form")
		}
		d.Now = func() time.Time { return day.Add(time.Hour) }
		head = signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		count := "/quan-tri/bieu-quyet/" + vote[1] + "/ket-qua"
		win := n/2 + 1
		form := url.Values{"present": {fmt.Sprint(n)}, "cand": {fmt.Sprint(win), "abc"}, "committee": {"A\nB\nC"}, "secretary": {"D"}}
		if code, page, _ := head.Post(office, count, form); code != http.StatusBadRequest || !strings.Contains(page, "“abc” không phải một số nguyên") {
			t.Errorf("a count that is not a number: %d", code)
		}
		form["cand"] = []string{fmt.Sprint(win), fmt.Sprint(n - win)}
		if code, _, _ := head.Follow(head.Post(office, count, form)); code != 200 {
			t.Fatalf("count: %d", code)
		}
		_, page, _ = webtest.New(t, srv.URL).Get(strings.Replace(office, "/quan-tri", "", 1))
		if !strings.Contains(page, fmt.Sprintf("Nguyễn Văn An: %d — <strong>trúng cử</strong>", win)) || strings.Contains(page, "Trần Thị Bình: "+fmt.Sprint(n-win)+" — ") {
			t.Errorf("public page lacks the election result")
		}
	})
}

// A commune-wide matter (item 1) is voted village by village: each village head
// opens it, sees only their own village in the notice form and notices their
// village's meeting; another village's is refused.
func TestCommuneMatterVillageHead(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		own, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		other, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-02")
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", commune.OfficeKey())
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"1"}, "title": {"Mức đóng góp làm đường liên thôn 2027"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose a commune-wide matter: %d", code)
		}
		office := hd.Get("Location")
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		code, page, _ := head.Get(office)
		if code != 200 || !strings.Contains(page, fmt.Sprintf(`value="%d"`, own.ID)) || strings.Contains(page, fmt.Sprintf(`value="%d"`, other.ID)) {
			t.Fatalf("the village head's view of the commune matter: %d", code)
		}
		held := time.Now().AddDate(0, 0, 10).Format("2006-01-02")
		vals := func(v int64) url.Values {
			return url.Values{"village": {fmt.Sprint(v)}, "method": {"meeting"}, "held_on": {held}, "team": {"Nguyễn A\nTrần B\nLê C"}, "secretary": {"Lê Thư Ký"}}
		}
		if code, _, _ := head.Post(office, office+"/thong-bao", vals(other.ID)); code != http.StatusNotFound {
			t.Errorf("the head notices another village's meeting: %d", code)
		}
		if refused := db.Count(t, d, "select count(*) from votes where village_id = $1", other.ID); refused != 0 {
			t.Errorf("%d votes noticed in another village after the refusal", refused)
		}
		if code, page, _ := head.Follow(head.Post(office, office+"/thong-bao", vals(own.ID))); code != 200 || !strings.Contains(page, own.Name) {
			t.Errorf("the head notices their village's meeting: %d", code)
		}
		var n int
		d.QueryRowContext(ctx, "select count(*) from votes where village_id = $1", own.ID).Scan(&n)
		if n != 1 {
			t.Errorf("%d votes noticed in the head's village", n)
		}
	})
}
