package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/app"
	"danchu/internal/auth"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
	"danchu/internal/sheet/sheettest"
	"danchu/internal/web/webtest"
)

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 64, 48))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func countRows(t *testing.T, d *db.DB, table string) int {
	t.Helper()
	var n int
	if err := d.QueryRow("select count(*) from " + table).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// itemState returns the status and rating stored for the item with code.
func itemState(t *testing.T, d *db.DB, code string) (status string, rating int) {
	t.Helper()
	if err := d.QueryRow("select status, rating from feedback_items where code = $1", code).Scan(&status, &rating); err != nil {
		t.Fatal(err)
	}
	return status, rating
}

var codeInURL = regexp.MustCompile(`/phan-anh/((?:PA|KN)-[0-9A-Z]{4}-[0-9A-Z]{4})`)

func TestFeedbackPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		page := "/xa/" + demo.CommuneCode + "/phan-anh"

		// A visitor who is not signed in sends anonymously, with a photo.
		visitor := webtest.New(t, srv.URL)
		code, body, _ := visitor.Get(page)
		if code != 200 || !strings.Contains(body, "gửi ẩn danh") || !strings.Contains(body, `enctype="multipart/form-data"`) {
			t.Fatalf("feedback page: %d", code)
		}
		form := func(desc string) url.Values {
			return url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "place": {fmt.Sprint(village.ID)}, "description": {desc},
				"key": {fmt.Sprint(len(desc), len(strings.Fields(desc)))}}
		}
		photo := webtest.File{Field: "photos", Name: "rac.png", Content: pngBytes(t)}
		// Bad input first: nothing is stored.
		for _, tt := range []struct {
			name  string
			v     url.Values
			files []webtest.File
			want  string
		}{
			{"NotAnImage", form("Rác thải đổ bên đường"), []webtest.File{{Field: "photos", Name: "anh.jpg", Content: []byte("%PDF-1.4\n1 0 obj <<>> endobj\n")}}, "không phải ảnh JPEG hay PNG"},
			{"ThirtyMB", form("Rác thải đổ bên đường"), []webtest.File{{Field: "photos", Name: "to.png", Content: append(pngBytes(t), make([]byte, 30<<20)...)}}, "lớn quá 10 MB"},
			{"Empty", form(" "), nil, "Hãy mô tả"},
			{"TenThousand", form(strings.Repeat("x", 10_000)), nil, "quá giới hạn 5000"},
			{"OutsideVietnam", func() url.Values { v := form("Rác thải"); v.Set("lat", "48.85"); v.Set("lon", "2.35"); return v }(), nil, "ngoài lãnh thổ Việt Nam"},
			{"NotANumber", func() url.Values { v := form("Rác thải"); v.Set("lat", "abc"); v.Set("lon", "1"); return v }(), nil, "“abc” không phải một số"},
			{"AnotherCommunesVillage", func() url.Values { v := form("Rác thải"); v.Set("place", "1"); return v }(), nil, "nơi xảy ra"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				code, body, _ := visitor.PostMultipart(page, page, tt.v, tt.files...)
				if code != http.StatusBadRequest || !strings.Contains(body, tt.want) {
					t.Errorf("%d, want 400 with %q", code, tt.want)
				}
			})
		}
		if n := countRows(t, d, "feedback_items"); n != 0 {
			t.Fatalf("refused submissions stored %d items", n)
		}
		v := form("Rác thải đổ trộm <script>alert(1)</script> cạnh cầu")
		v.Set("lat", "16,4637")
		v.Set("lon", "107.5909")
		code, _, hd := visitor.PostMultipart(page, page, v, photo)
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("send: %d %s\n%s", code, hd.Get("Location"), logs.String())
		}
		anonCode := m[1]
		code, body, _ = visitor.Get(hd.Get("Location"))
		if code != 200 || !strings.Contains(body, anonCode) || !strings.Contains(body, "ghi lại mã này") || strings.Contains(body, "Rác thải đổ trộm") {
			t.Errorf("tracking page after sending: %d", code)
		}
		// The code typed in lower case without dashes finds the same page.
		if code, _, hd := visitor.Get("/phan-anh?ma=" + url.QueryEscape(strings.ToLower(strings.ReplaceAll(anonCode, "-", " ")))); code != http.StatusSeeOther || hd.Get("Location") != "/phan-anh/"+anonCode {
			t.Errorf("look-up: %d %s", code, hd.Get("Location"))
		}
		if code, body, _ := visitor.Get("/phan-anh?ma=PA-0000-0000"); code != 404 || !strings.Contains(body, "Không tìm thấy") {
			t.Errorf("unknown code: %d", code)
		}

		// The official's queue, the item, its photo; the answer goes public.
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		queue := fmt.Sprintf("/quan-tri/don-vi/%s/phan-anh", commune.OfficeKey())
		code, body, _ = official.Get(queue)
		item := regexp.MustCompile(`href="(/quan-tri/phan-anh/\d+)">` + anonCode).FindStringSubmatch(body)
		if code != 200 || item == nil {
			t.Fatalf("queue: %d, item link found: %v", code, item != nil)
		}
		code, body, _ = official.Get(item[1])
		if code != 200 || !strings.Contains(body, "&lt;script&gt;alert(1)") || strings.Contains(body, "<script>alert") || !strings.Contains(body, "/anh/1") {
			t.Errorf("item page: %d", code)
		}
		code, img, ihd := official.Get(item[1] + "/anh/1")
		if code != 200 || ihd.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(img, "\xff\xd8") {
			t.Errorf("photo: %d %s", code, ihd.Get("Content-Type"))
		}
		if code, _, _ := visitor.Get(item[1] + "/anh/1"); code != http.StatusSeeOther {
			t.Errorf("photo for a visitor: %d, want a redirect to sign in", code)
		}
		if code, body, _ := official.Post(item[1], item[1], url.Values{"action": {"answer"}, "note": {""}}); code != http.StatusBadRequest || !strings.Contains(body, "Hãy ghi nội dung trả lời") {
			t.Errorf("empty answer: %d", code)
		}
		// Another commune's official: the item does not exist for them.
		px := otherOfficial(t, a, srv)
		if code, _, _ := px.Get(item[1]); code != http.StatusNotFound {
			t.Errorf("other commune reads the item: %d", code)
		}
		pxQueue := queue // px's own queue page carries a CSRF token to borrow
		if code, _, _ := px.Post("/quan-tri/don-vi/19753/phan-anh", item[1], url.Values{"action": {"answer"}, "note": {"Đã xử lý"}}); code != http.StatusNotFound {
			t.Errorf("other commune answers the item: %d", code)
		}
		if st, _ := itemState(t, d, anonCode); st != feedback.Received {
			t.Errorf("after another commune's refused answer the item is %s, want %s", st, feedback.Received)
		}
		if code, _, _ := px.Get(pxQueue); code != http.StatusNotFound {
			t.Errorf("other commune's queue: %d", code)
		}
		for _, step := range []url.Values{{"action": {"accept"}}, {"action": {"answer"}, "note": {"Đã thu gom rác, lắp biển cấm đổ rác."}}} {
			if code, body, _ := official.Post(item[1], item[1], step); code != http.StatusSeeOther {
				t.Fatalf("%s: %d %s", step.Get("action"), code, body)
			}
		}
		_, body, _ = visitor.Get("/phan-anh/" + anonCode)
		if !strings.Contains(body, "Đã thu gom rác") || !strings.Contains(body, "Đã trả lời") {
			t.Errorf("the public page does not show the answer")
		}
		if code, body, _ := visitor.Post(page, "/phan-anh/"+anonCode+"/danh-gia", url.Values{"stars": {"5"}}); code != http.StatusForbidden || !strings.Contains(body, "Hãy đăng nhập bằng tài khoản đã gửi") {
			t.Errorf("a visitor rates an anonymous item: %d", code)
		}
		if _, r := itemState(t, d, anonCode); r != 0 {
			t.Errorf("a visitor's refused rating was stored: %d stars", r)
		}

		// A signed-in citizen sends, gets the code by SMS, is answered and rates once.
		cit := citizen(t, a, srv, logs, "0912 000 222")
		_, body, _ = cit.Get(page)
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(body)
		if key == nil || strings.Contains(body, "gửi ẩn danh: không nhận") {
			t.Fatal("the signed-in citizen's form")
		}
		pv := url.Values{"kind": {"petition"}, "category": {"giao-thong"}, "place": {fmt.Sprint(commune.ID)}, "description": {"Đề nghị lắp đèn đường liên thôn"}, "key": {key[1]}}
		code, _, hd = cit.PostMultipart(page, page, pv)
		m = codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil || !strings.HasPrefix(m[1], "KN-") {
			t.Fatalf("petition: %d %s", code, hd.Get("Location"))
		}
		mine := "/phan-anh/" + m[1]
		if code, body, _ := cit.Post(mine, mine+"/danh-gia", url.Values{"stars": {"5"}}); code != http.StatusConflict || !strings.Contains(body, "sau khi có câu trả lời") {
			t.Errorf("rating before the answer: %d", code)
		}
		it, err := a.Feedback.ByCode(ctx, officialActor(t, a, "xa@danchu.demo"), m[1])
		if err != nil {
			t.Fatal(err)
		}
		office := fmt.Sprintf("/quan-tri/phan-anh/%d", it.ID)
		if code, body, _ := official.Post(office, office, url.Values{"action": {"accept"}}); code != http.StatusSeeOther {
			t.Fatalf("accept: %d %s", code, body)
		}
		if code, _, _ := official.Post(office, office, url.Values{"action": {"answer"}, "note": {"Đã đưa vào kế hoạch quý I/2027."}}); code != http.StatusSeeOther {
			t.Fatalf("answer: %d", code)
		}
		_, body, _ = cit.Get(mine)
		if !strings.Contains(body, `action="/phan-anh/`+m[1]+`/danh-gia"`) || !strings.Contains(body, `action="/phan-anh/`+m[1]+`/mo-lai"`) {
			t.Fatal("the sender sees no rating or reopening form after the answer")
		}
		if code, _, _ := cit.Post(mine, mine+"/danh-gia", url.Values{"stars": {"5"}, "note": {"Cảm ơn"}}); code != http.StatusSeeOther {
			t.Fatalf("rate: %d", code)
		}
		if code, body, _ := cit.Post(page, mine+"/danh-gia", url.Values{"stars": {"1"}}); code != http.StatusConflict || !strings.Contains(body, "đã đánh giá") {
			t.Errorf("second rating: %d", code)
		}
		if _, r := itemState(t, d, m[1]); r != 5 {
			t.Errorf("after a refused second rating the item has %d stars, want 5", r)
		}
		if _, _, err := a.Outbox.Deliver(ctx, 100); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(logs.String(), "Mã theo dõi: "+m[1]) || !strings.Contains(logs.String(), "quý I/2027") {
			t.Error("the tracking code and the answer were not sent by SMS")
		}

		// Public statistics, from the counters, and as XLSX.
		code, body, _ = visitor.Get(page + "/thong-ke")
		if code != 200 || !regexp.MustCompile(`Đã tiếp nhận</span><b>2</b>`).MatchString(body) || !strings.Contains(body, "<b>100%</b>") {
			t.Errorf("commune statistics: %d", code)
		}
		code, x, xh := visitor.Get(page + "/thong-ke.xlsx")
		if code != 200 || xh.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.Contains(xlsxText(t, x), "Xã Đan Điền\t19885\t2\t2\t2\t0\t0\t100\t0\t1\t100") {
			t.Errorf("statistics xlsx: %d\n%s", code, xlsxText(t, x))
		}
		// The province's sheet: a commune with nothing answered has numbers, and empty cells for its shares and median.
		if code, x, _ = visitor.Get("/tinh/46/phan-anh/thong-ke.xlsx"); code != 200 {
			t.Fatalf("province statistics xlsx: %d", code)
		}
		row := xlsxRowOf(t, x, "Thống kê", "Phường Phú Xuân")
		cells := sheettest.Cells(t, []byte(x), "Thống kê", row("C"), row("H"), row("I"), row("K"))
		for i, want := range []string{"0", "", "", ""} {
			if c := cells[i]; c.Stored != want || c.Text {
				t.Errorf("province statistics xlsx: Phú Xuân's cell %d is %+v, want %q as a number or an empty cell", i, c, want)
			}
		}
		code, body, _ = visitor.Get("/tinh/46/phan-anh/thong-ke")
		if code != 200 || !strings.Contains(body, `href="/xa/19885/phan-anh/thong-ke"`) || !strings.Contains(body, "Phường Phú Xuân") {
			t.Errorf("province statistics: %d", code)
		}
		if code, _, _ := visitor.Get("/xa/46/phan-anh/thong-ke"); code != 404 {
			t.Errorf("a province as a commune: %d", code)
		}

		// The province sets its categories; the commune's form lists them at once.
		settings := "/quan-tri/don-vi/46/phan-anh/linh-vuc"
		if code, _, _ := official.Get(settings); code != http.StatusNotFound {
			t.Errorf("a commune official opens the province's settings: %d", code)
		}
		admin := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		code, body, _ = admin.Get(settings)
		if code != 200 || !strings.Contains(body, "dat-dai | Đất đai | 15") {
			t.Fatalf("settings page: %d", code)
		}
		if code, body, _ := admin.Post(settings, settings, url.Values{"categories": {"moi-truong | Môi trường | 10\nngap | Ngập | 3 | khong-co"}, "hot_n": {"5"}, "hot_days": {"7"}}); code != http.StatusBadRequest || !strings.Contains(body, "dòng 2") {
			t.Errorf("a bad list: %d", code)
		}
		if _, body, _ := visitor.Get(page); !strings.Contains(body, ">Đất đai<") {
			t.Error("a refused list changed the commune's form")
		}
		if code, _, _ := admin.Post(settings, settings, url.Values{"categories": {"moi-truong | Môi trường | 10\nngap-lut | Ngập lụt | 3 | moi-truong"}, "hot_n": {"4"}, "hot_days": {"3"}}); code != http.StatusSeeOther {
			t.Fatalf("save settings: %d", code)
		}
		if _, body, _ := visitor.Get(page); !strings.Contains(body, "Môi trường › Ngập lụt") || strings.Contains(body, ">Đất đai<") {
			t.Error("the commune's form does not list the province's categories")
		}
	})
}

// officeKey is how back-office URLs name the unit with id.
func officeKey(t *testing.T, a *app.App, id int64) string {
	t.Helper()
	tree, err := a.Units.Tree(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := tree.Unit(id)
	return u.OfficeKey()
}

func mustUnit(t *testing.T, a *app.App, code string) int64 {
	t.Helper()
	u, err := a.Units.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// officialActor signs an official in through the service and returns the actor.
func officialActor(t testing.TB, a *app.App, email string) *auth.Actor {
	t.Helper()
	ctx := context.Background()
	in, err := a.Auth.SignIn(ctx, email, demo.Password, "127.0.0.1", "test")
	if err != nil {
		t.Fatal(err)
	}
	_, actor, err := a.Auth.Session(ctx, in.Token)
	if err != nil || actor == nil {
		t.Fatalf("session of %s: %v", email, err)
	}
	return actor
}

// A flood of posts from one address is refused with 429 and a wait.
func TestFeedbackFlood(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), LimitWrites: 5}, io.Discard)
		b := webtest.New(t, srv.URL)
		page := "/xa/" + demo.CommuneCode + "/phan-anh"
		var last, accepted int
		var hd http.Header
		for i := range 8 {
			last, _, hd = b.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"khac"}, "description": {fmt.Sprint("Phản ánh số ", i)}, "key": {fmt.Sprint(i)}})
			if last == http.StatusSeeOther {
				accepted++
			}
		}
		if accepted == 0 || last != http.StatusTooManyRequests || hd.Get("Retry-After") == "" {
			t.Errorf("8 posts in a minute: %d accepted, last %d, Retry-After %q", accepted, last, hd.Get("Retry-After"))
		}
		if n := countRows(t, d, "feedback_items"); n != accepted {
			t.Errorf("%d items stored, %d accepted", n, accepted)
		}
	})
}
