package app_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
)

// TestSupervisionPages goes through supervision by the people over HTTP on
// the living demo, as its users would and as an attacker: the inspection
// board's members are the villages' elected (real votes in the decisions
// capability); the Front's list groups every recommendation by state; the
// recommendation past its 15 days shows on the commune's home and is raised
// to the province's; another commune's official finds neither the
// recommendation nor its answer form (404) and changes nothing; an inspection
// plan sent too late comes back with the date marked and what was typed
// kept; the commune answers on day 16 and the public page and the open data
// say "late".
func TestSupervisionPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := livingDemo(t, d)
		mt := signIn(t, srv, "mattran@danchu.demo", demo.Password)
		base := "/quan-tri/don-vi/" + demo.CommuneCode + "/giam-sat"
		code, body, _ := mt.Get(base)
		if code != http.StatusOK || !strings.Contains(body, "Ban Thanh tra nhân dân xã Đan Điền") || !strings.Contains(body, "Quá hạn chưa trả lời (1)") ||
			!strings.Contains(body, "Trả lời đúng hạn (1)") {
			t.Fatalf("the Front's page: %d %.2000s", code, mainOf(body))
		}
		// The board's members came from the villages' elections.
		public := "/xa/" + demo.CommuneCode + "/giam-sat"
		code, body, _ = mt.Get(public)
		if code != http.StatusOK || !strings.Contains(body, "Ban Giám sát đầu tư của cộng đồng — đường thôn Tây Hòa") {
			t.Fatalf("public page: %d %.1500s", code, mainOf(body))
		}
		var boardID, roadID, lateID int64
		if err := d.QueryRow("select id from sup_boards where kind = 'inspection'").Scan(&boardID); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow("select id from sup_boards where kind = 'investment'").Scan(&roadID); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow("select id from sup_recommendations where answered_on = '' and board_id = $1", boardID).Scan(&lateID); err != nil {
			t.Fatal(err)
		}
		code, body, _ = mt.Get(public + "/" + strconv.FormatInt(boardID, 10))
		for _, name := range []string{"Lê Văn Thanh", "Nguyễn Thị Hòa", "Phan Thị Minh", "Hồ Văn Sáu", "Võ Văn Kiên"} {
			if !strings.Contains(body, name) {
				t.Fatalf("board page lacks the elected %s: %d %.2000s", name, code, mainOf(body))
			}
		}
		if strings.Contains(body, "Trần Văn Lộc") {
			t.Error("a candidate who was not elected is on the board")
		}
		// Late on the commune's home, raised to the province's.
		xa := signIn(t, srv, "xa@danchu.demo", demo.Password)
		if _, body, _ = xa.Get("/quan-tri/don-vi/" + demo.CommuneCode + "/tong-quan"); !strings.Contains(body, "Kiến nghị giám sát cần trả lời") {
			t.Errorf("commune home: %.2000s", mainOf(body))
		}
		tinh := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		if _, body, _ = tinh.Get("/quan-tri/don-vi/" + demo.ProvinceCode + "/giam-sat/tre-han"); !strings.Contains(body, "Trả lời phản ánh về đèn chiếu sáng") {
			t.Errorf("province's late list: %.2000s", mainOf(body))
		}
		// Another commune's official: 404 on the page and on the answer; nothing changes.
		qd := signIn(t, srv, "quangdien@danchu.demo", demo.Password)
		answer := "/quan-tri/don-vi/" + demo.CommuneCode + "/kien-nghi-giam-sat/" + strconv.FormatInt(lateID, 10)
		own := "/quan-tri/don-vi/" + demo.SecondCode + "/kien-nghi-giam-sat/" + strconv.FormatInt(lateID, 10)
		for _, path := range []string{answer, own} {
			if code, _, _ := qd.Get(path); code != http.StatusNotFound {
				t.Errorf("GET %s as another commune: %d", path, code)
			}
			if code, _, _ := qd.Post("/quan-tri", path, url.Values{"answer": {"Đã xử lý."}}); code != http.StatusNotFound {
				t.Errorf("POST %s as another commune: %d", path, code)
			}
		}
		// The board member files a plan sent too late: the field is marked, the title kept.
		tt := signIn(t, srv, "thanhtra@danchu.demo", demo.Password)
		danDien, err := a.Units.UnitByCode(t.Context(), demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		board := base + "/ban/" + strconv.FormatInt(boardID, 10)
		today := a.Oversee.Now()
		start, err := a.Oversee.AddWorkingDays(t.Context(), legal.Today(today), 2)
		if err != nil {
			t.Fatal(err)
		}
		code, body, _ = tt.Post(board, board+"/ke-hoach", url.Values{"period": {"inspection"}, "title": {"Kiểm tra việc cấp giấy phép xây dựng"},
			"body": {"Kiểm tra hồ sơ cấp phép năm nay."}, "subject": {"Bộ phận một cửa UBND xã"}, "starts_on": {start.String()},
			"sent_on": {legal.Today(today).String()}, "key": {"plan-late-1"}})
		if code != http.StatusBadRequest || !strings.Contains(body, "05 ngày làm việc") || !strings.Contains(body, `value="Kiểm tra việc cấp giấy phép xây dựng"`) {
			t.Fatalf("late plan: %d %.2500s", code, mainOf(body))
		}
		if n := db.Count(t, d, "select count(*) from sup_plans where title = 'Kiểm tra việc cấp giấy phép xây dựng'"); n != 0 {
			t.Errorf("a refused plan was stored: %d", n)
		}
		// A suspension proposed on the inspection board is refused; on the road's board it shows as one.
		if code, body, _ := tt.Post(board, board+"/kien-nghi", url.Values{"kind": {"suspend"}, "addressee": {strconv.FormatInt(danDien.ID, 10)},
			"subject": {"Tạm dừng"}, "body": {"…"}, "key": {"rec-bad-1"}}); code != http.StatusBadRequest || !strings.Contains(body, "chỉ Ban Giám sát đầu tư") {
			t.Errorf("suspension by the inspection board: %d %.1500s", code, mainOf(body))
		}
		// The commune answers, on day 16 of the recommendation: late, on the public page and in the open data.
		code, body, hd := xa.Post(answer, answer, url.Values{"answer": {"UBND xã đã thay 12 bóng đèn hỏng và trả lời 3 công dân phản ánh."}})
		if code != http.StatusSeeOther {
			t.Fatalf("answer: %d %.1500s", code, mainOf(body))
		}
		if _, body, _ = xa.Follow(code, body, hd); !strings.Contains(body, "Trả lời trễ hạn") {
			t.Errorf("answer page after answering: %.1500s", mainOf(body))
		}
		if code, _, _ := xa.Post(answer, answer, url.Values{"answer": {"Lần hai"}}); code != http.StatusConflict {
			t.Errorf("second answer: %d", code)
		}
		if _, body, _ = mt.Get(public); !strings.Contains(body, "UBND xã đã thay 12 bóng đèn hỏng") {
			t.Errorf("public page lacks the answer: %.2000s", mainOf(body))
		}
		code, body, _ = mt.Get("/api/v1/units/" + demo.CommuneCode + "/supervision-recommendations")
		var list struct {
			Items []struct {
				ID, State, Kind, Subject string
			} `json:"items"`
		}
		if err := json.Unmarshal([]byte(body), &list); code != http.StatusOK || err != nil {
			t.Fatalf("open data: %d %v %.300s", code, err, body)
		}
		states := map[string]string{}
		for _, it := range list.Items {
			states[it.ID] = it.State + "/" + it.Kind
		}
		if states[strconv.FormatInt(lateID, 10)] != "late/recommendation" || len(list.Items) != 4 {
			t.Errorf("open data: %+v", list.Items)
		}
		if _, body, _ = mt.Get(public + "/" + strconv.FormatInt(roadID, 10)); !strings.Contains(body, "Đề nghị tạm dừng, đình chỉ thi công") ||
			!strings.Contains(body, "Xi măng tại công trình không đúng mác thiết kế") {
			t.Errorf("the road board's page: %.2500s", mainOf(body))
		}
	})
}
