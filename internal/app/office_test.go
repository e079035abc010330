package app_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/sheet/sheettest"
)

// workDay is the fake today of the work and figures tests: Friday 20/11/2026
// (10:00 in Vietnam), in the quarter 01/10–31/12.
var workDay = time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)

// workUnits are the demo units the seeded work lives in.
type workUnits struct {
	province, danDien, village, phuXuan, otherVillage org.Unit
}

func demoUnit(t *testing.T, a *app.App, code string) org.Unit {
	t.Helper()
	u, err := a.Units.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// exec runs set-up statements (a test's own rows, outside any room).
func exec(t *testing.T, d *db.DB, stmts ...string) {
	t.Helper()
	for _, s := range stmts {
		if _, err := d.Raw().Exec(s); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	}
}

// seedWork writes rows of every room with dates around workDay and sets the
// database's clock to it. What each room should count is in the comments.
func seedWork(t *testing.T, a *app.App, d *db.DB) workUnits {
	t.Helper()
	d.Now = func() time.Time { return workDay }
	w := workUnits{province: demoUnit(t, a, "46"), danDien: demoUnit(t, a, demo.CommuneCode), village: demoUnit(t, a, demo.CommuneCode+"-01"),
		phuXuan: demoUnit(t, a, "19753"), otherVillage: demoUnit(t, a, demo.CommuneCode+"-02")}
	dd, v, px := w.danDien.ID, w.village.ID, w.phuXuan.ID
	disclosure := func(id, unit, board int64, status, posting, minEnd string, late bool) string {
		return fmt.Sprintf(`insert into disclosures (id, unit_id, board_id, staff_only, category, status, version, title, body, decision_date, due_date,
			posting_start, min_end, late, search_text, published_at, updated_at, withdraw_reason, created_by)
			values (%d, %d, %d, false, 1, '%s', 1, 'Tiêu đề %d', '', '%s', '%s', '%s', '%s', %v, 'tieu de', 1, 1, '', 0)`,
			id, unit, board, status, id, posting, posting, posting, minEnd, late)
	}
	consultation := func(id, board int64, opens, closes string, comments, answered, hidden int) string {
		return fmt.Sprintf(`insert into consultations (id, unit_id, board_id, staff_only, subject, title, intro, forms, opens_on, closes_on, short_basis,
			status, comments, answered, hidden, decision, adopted, against_reason, created_by, created_at, updated_at)
			values (%d, %d, %d, false, 1, 'Dự thảo %d', '', 'online', '%s', '%s', '', 'open', %d, %d, %d, '', false, '', 0, 1, 1)`,
			id, board, board, id, opens, closes, comments, answered, hidden)
	}
	comment := func(id, consultation int64, hidden string, answer string) string {
		return fmt.Sprintf(`insert into consultation_comments (id, consultation_id, part, author_id, show_name, display_name, stance, body, source,
			source_note, idem_key, hidden_reason, answer_id, created_at, edited_at)
			values (%d, %d, 0, 0, false, '', 'agree', 'Ý kiến', 'meeting', '', 'k%d', '%s', %s, 1, 0)`, id, consultation, id, hidden, answer)
	}
	matter := func(id, village, commune int64, decided, submitted, recognized, annulled string) string {
		return fmt.Sprintf(`insert into matters (id, unit_id, commune_id, scope, subject, title, body, proposer, backers, status, decided_on,
			created_by, created_at, updated_at, submitted_on, recognized_on, annulled_on, recognition)
			values (%d, %d, %d, 'village', 6, 'Việc %d', '', 'head', 0, 'passed', '%s', 0, 1, 1, '%s', '%s', '%s', '%s')`,
			id, village, commune, id, decided, submitted, recognized, annulled, map[bool]string{true: "recognized"}[recognized != ""])
	}
	feedback := func(id, handler int64, status, due string) string {
		return fmt.Sprintf(`insert into feedback_items (id, code, kind, category, unit_id, handler_id, description, address, author_id, contact, status,
			due_on, answer, rating, rating_note, reopened, idem_key, created_at, updated_at)
			values (%d, 'PA-%d', 'feedback', 'moi-truong', %d, %d, 'Mô tả', '', 0, '', '%s', '%s', '', 0, '', false, 'f%d', 1, 1)`,
			id, id, handler, handler, status, due, id)
	}
	exec(t, d,
		// Disclosures of Đan Điền's board: 901, 903 and 905 are past their window (903 is the village's own);
		// 901–903 began this quarter (902 late); 904 is withdrawn; 905 began last quarter.
		disclosure(901, dd, dd, "posted", "2026-10-05", "2026-11-15", false),
		disclosure(902, dd, dd, "posted", "2026-11-10", "2026-12-10", true),
		disclosure(903, v, dd, "posted", "2026-10-10", "2026-11-19", false),
		disclosure(904, dd, dd, "withdrawn", "2026-11-01", "2026-12-01", false),
		disclosure(905, dd, dd, "posted", "2026-09-20", "2026-10-20", false),
		disclosure(906, px, px, "archived", "2026-10-20", "2026-11-19", false),
		// Consultations of Đan Điền: 911 takes comments until 25/11 (one answered, one hidden, one waiting);
		// 912 closed on 10/11 with two comments unanswered.
		consultation(911, dd, "2026-11-01", "2026-11-25", 3, 1, 1),
		consultation(912, dd, "2026-10-20", "2026-11-10", 2, 0, 0),
		`insert into consultation_answers (id, consultation_id, kind, body, created_by, created_at) values (919, 911, 'accepted', 'Tiếp thu', 0, 1)`,
		comment(9111, 911, "", "919"), comment(9112, 911, "abuse", "null"), comment(9113, 911, "", "null"),
		comment(9121, 912, "", "null"), comment(9122, 912, "", "null"),
		// Matters of Thôn Đông Phước: 921 decided 02/11, minutes late (due 09/11); 922 decided 18/11, minutes due 25/11;
		// 923 sent 05/11, recognition late (due 12/11); 924 recognised; 925 annulled.
		matter(921, v, dd, "2026-11-02", "", "", ""),
		matter(922, v, dd, "2026-11-18", "", "", ""),
		matter(923, v, dd, "2026-11-03", "2026-11-05", "", ""),
		matter(924, v, dd, "2026-11-03", "2026-11-05", "2026-11-06", ""),
		matter(925, v, dd, "2026-11-03", "", "", "2026-11-04"),
		// Feedback: two open in Đan Điền's queue (931 overdue), one answered; one open in Phú Xuân's.
		feedback(931, dd, "accepted", "2026-11-18"),
		feedback(932, dd, "received", "2026-11-30"),
		feedback(933, dd, "answered", "2026-11-10"),
		feedback(934, px, "received", "2026-11-01"),
		// Counters: Đan Điền and its village answered 5, 4 on time; 2 rated, 1 satisfied. Phú Xuân: none.
		fmt.Sprintf("insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied) values (%d, 6, 4, 3, 2, 1)", dd),
		fmt.Sprintf("insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied) values (%d, 1, 1, 1, 0, 0)", v),
	)
	return w
}

// item finds the work of kind in unit.
func item(items []office.Item, kind string, unit int64) (office.Item, bool) {
	for _, it := range items {
		if it.Kind == kind && it.UnitID == unit {
			return it, true
		}
	}
	return office.Item{}, false
}

// Every room counts its own waiting work for several units in one call, with
// deadlines from the fake clock, and its figures for all communes of a province.
func TestRoomsWorkAndFigures(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _ := demoSite(t, d)
		w := seedWork(t, a, d)
		units := []org.Unit{w.danDien, w.village, w.phuXuan, w.otherVillage}
		date := func(s string) legal.Date { x, _ := legal.ParseDate(s); return x }
		tests := []struct {
			room           office.Room
			kind           string
			unit           org.Unit
			count, overdue int
			earliest       string
			action         auth.Action
			page           string
		}{
			{a.Disclose, "disclosure.work.window_over", w.danDien, 3, 0, "", auth.Publish, "cong-khai"},
			{a.Disclose, "disclosure.work.window_over", w.village, 1, 0, "", auth.Publish, "cong-khai"},
			{a.Consult, "consultation.work.unanswered", w.danDien, 3, 2, "2026-11-10", auth.Consult, "lay-y-kien"},
			{a.Decide, "decision.work.submit", w.village, 2, 1, "2026-11-09", auth.DecideMatters, "quyet-dinh"},
			{a.Decide, "decision.work.submit", w.danDien, 2, 1, "2026-11-09", auth.DecideMatters, "quyet-dinh"},
			{a.Decide, "decision.work.recognize", w.danDien, 1, 1, "2026-11-12", auth.RecognizeCommune, "quyet-dinh"},
			{a.Feedback, "feedback.work.open", w.danDien, 2, 1, "2026-11-18", auth.HandleFeedback, "phan-anh"},
			{a.Feedback, "feedback.work.open", w.phuXuan, 1, 1, "2026-11-01", auth.HandleFeedback, "phan-anh"},
		}
		got := map[office.Room][]office.Item{}
		for _, room := range []office.Room{a.Disclose, a.Consult, a.Decide, a.Feedback} {
			items, err := room.Due(ctx, units)
			if err != nil {
				t.Fatal(err)
			}
			got[room] = items
			for _, it := range items {
				if it.UnitID == w.otherVillage.ID {
					t.Errorf("work counted in a village that has none: %+v", it)
				}
			}
		}
		for _, tt := range tests {
			it, ok := item(got[tt.room], tt.kind, tt.unit.ID)
			if !ok {
				t.Errorf("%s in %s: none; got %+v", tt.kind, tt.unit.Name, got[tt.room])
				continue
			}
			want := office.Item{Kind: tt.kind, UnitID: tt.unit.ID, Action: tt.action, Page: tt.page, Count: tt.count, Overdue: tt.overdue, Earliest: date(tt.earliest)}
			if it != want {
				t.Errorf("%s in %s:\n got %+v\nwant %+v", tt.kind, tt.unit.Name, it, want)
			}
		}
		if it, ok := item(got[a.Consult], "consultation.work.unanswered", w.phuXuan.ID); ok {
			t.Errorf("Phú Xuân has no consultation: %+v", it)
		}

		// Figures of the province's communes, each room in one query.
		tree, err := a.Units.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		communes := []org.Unit{w.danDien, w.phuXuan}
		per := office.PeriodOf(legal.Today(workDay))
		figures := []struct {
			room      office.Room
			dd, px    []office.Figure
			pxMissing bool
		}{
			{a.Disclose, []office.Figure{{N: 3}, {N: 1}}, []office.Figure{{N: 1}, {N: 0}}, false},
			{a.Consult, []office.Figure{{N: 1}, {N: 1, Of: 4}}, nil, true},
			{a.Decide, []office.Figure{{N: 1}}, []office.Figure{{N: 0}}, false},
			{a.Feedback, []office.Figure{{N: 4, Of: 5}, {N: 1, Of: 2}}, nil, true},
		}
		for _, f := range figures {
			m, err := f.room.Figures(ctx, tree, w.province, communes, per)
			if err != nil {
				t.Fatal(err)
			}
			if len(f.room.Columns()) != len(f.dd) {
				t.Errorf("%T: %d columns, %d figures", f.room, len(f.room.Columns()), len(f.dd))
			}
			if fmt.Sprint(m[w.danDien.ID]) != fmt.Sprint(f.dd) {
				t.Errorf("%T Đan Điền: %v, want %v", f.room, m[w.danDien.ID], f.dd)
			}
			px, ok := m[w.phuXuan.ID]
			if f.pxMissing && ok || !f.pxMissing && fmt.Sprint(px) != fmt.Sprint(f.px) {
				t.Errorf("%T Phú Xuân: %v (present %v), want %v", f.room, px, ok, f.px)
			}
		}
	})
}

// rowOf is the table row of a commune on the province page.
func rowOf(t *testing.T, body, name string) string {
	t.Helper()
	m := regexp.MustCompile(`<tr><th scope="row"><a href="[^"]*">` + regexp.QuoteMeta(name) + `</a></th>(.*?)</tr>`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no row for %s in\n%.2000s", name, body)
	}
	return regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[1], " ")
}

// The back office's home and overview, role by role.
func TestOfficeHomes(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := demoSite(t, d)
		w := seedWork(t, a, d)
		url := func(u org.Unit, page string) string { return office.UnitURL(u, page) }

		// A commune official: every room's work of the commune, earliest deadline first, overdue said in words.
		xa := signIn(t, srv, "xa@danchu.demo", demo.Password)
		code, body, _ := xa.Get("/quan-tri")
		if code != http.StatusOK {
			t.Fatalf("home: %d", code)
		}
		order := []string{
			`href="` + url(w.danDien, "quyet-dinh") + `"><span class="count">2</span> việc Nhân dân đã quyết định chờ gửi biên bản`,
			`href="` + url(w.danDien, "lay-y-kien") + `"><span class="count">3</span> ý kiến góp ý chưa được trả lời`,
			`href="` + url(w.danDien, "quyet-dinh") + `"><span class="count">1</span> việc Nhân dân đã quyết định chờ công nhận`,
			`href="` + url(w.danDien, "phan-anh") + `"><span class="count">2</span> phản ánh, kiến nghị đang chờ xử lý`,
			`href="` + url(w.danDien, "cong-khai") + `"><span class="count">3</span> nội dung công khai`,
			`Vai trò của bạn`,
		}
		at := 0
		for _, s := range order {
			i := strings.Index(body[at:], s)
			if i < 0 {
				t.Fatalf("commune official's home: %q missing or out of order\n%s", s, mainOf(body))
			}
			at += i
		}
		for _, s := range []string{`<strong class="late">2 việc quá hạn</strong>`, "hạn sớm nhất 10/11/2026", "hạn sớm nhất 18/11/2026"} {
			if !strings.Contains(body, s) {
				t.Errorf("commune official's home lacks %q", s)
			}
		}
		if strings.Contains(body, url(w.phuXuan, "phan-anh")) || strings.Contains(body, "chỉ xem") {
			t.Errorf("commune official's home shows another commune's work or read-only links\n%s", mainOf(body))
		}

		// A viewer of the commune: the same counts, every link to the read-only overview.
		xem := signIn(t, srv, "xem@danchu.demo", demo.Password)
		_, body, _ = xem.Get("/quan-tri")
		if !strings.Contains(body, `href="`+url(w.danDien, "tong-quan")+`"><span class="count">2</span> phản ánh, kiến nghị đang chờ xử lý`) || !strings.Contains(body, "chỉ xem") {
			t.Errorf("viewer's home: no read-only count\n%s", mainOf(body))
		}
		for _, page := range []string{"phan-anh", "lay-y-kien", "quyet-dinh", "cong-khai"} {
			if strings.Contains(body, url(w.danDien, page)) {
				t.Errorf("viewer's home links to %s", page)
			}
		}
		if code, body, _ := xem.Get(url(w.danDien, "tong-quan")); code != http.StatusOK || !strings.Contains(body, "Số liệu quý này") {
			t.Errorf("viewer's overview of the commune: %d\n%s", code, mainOf(body))
		}
		if code, _, _ := xem.Get(url(w.phuXuan, "tong-quan")); code != http.StatusNotFound {
			t.Errorf("viewer's overview of another commune: %d, want 404", code)
		}

		// The village head: the village's minutes to send; recognition is the commune's, read only.
		thon := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		_, body, _ = thon.Get("/quan-tri")
		if !strings.Contains(body, `href="`+url(w.village, "quyet-dinh")+`"><span class="count">2</span> việc Nhân dân đã quyết định chờ gửi biên bản`) ||
			!strings.Contains(body, `href="`+url(w.village, "tong-quan")+`"><span class="count">1</span> việc Nhân dân đã quyết định chờ công nhận`) {
			t.Errorf("village head's home:\n%s", mainOf(body))
		}
		if strings.Contains(body, "ý kiến góp ý") || strings.Contains(body, url(w.danDien, "")) {
			t.Errorf("village head's home shows the commune's work\n%s", mainOf(body))
		}

		// The province administrator: the table of communes, sortable, with "—" where nothing is counted
		// (cases settled on time and reception sessions held have nothing yet in this world; no dialogue
		// was held, and none of Đan Điền's villages has held its conference: 0%; Phú Xuân has no village).
		tinh := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		_, body, _ = tinh.Get("/quan-tri")
		if !strings.Contains(body, `href="`+url(w.province, "tong-quan")+`">Bảng các xã, phường</a>`) {
			t.Errorf("province admin's home has no link to the table\n%s", mainOf(body))
		}
		code, body, _ = tinh.Get(url(w.province, "tong-quan"))
		if code != http.StatusOK {
			t.Fatalf("province table: %d\n%s", code, body)
		}
		if got, want := strings.Fields(rowOf(t, body, w.danDien.Name)), []string{"3", "1", "1", "25%", "1", "80%", "50%", "—", "—", "—", "0", "0%", "0%", "—", "—", "—"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Đan Điền's row: %v, want %v", got, want)
		}
		if got, want := strings.Fields(rowOf(t, body, w.phuXuan.Name)), []string{"1", "0", "0", "—", "0", "—", "—", "—", "—", "—", "0", "—", "0%", "—", "—", "—"}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("Phú Xuân's row: %v, want %v", got, want)
		}
		if !strings.Contains(body, `<a href="`+url(w.danDien, "tong-quan")+`">`+w.danDien.Name+`</a>`) {
			t.Error("the commune is no link into its back office")
		}
		first := func(body string) string {
			m := regexp.MustCompile(`<tr><th scope="row"><a href="[^"]*">([^<]*)</a>`).FindStringSubmatch(body)
			if m == nil {
				t.Fatal("no rows")
			}
			return m[1]
		}
		sorts := []struct{ sort, first, aria string }{
			{"-cong-khai", w.danDien.Name, `aria-sort="descending"`},
			{"da-tra-loi", w.danDien.Name, `aria-sort="ascending"`}, // the only figure; "—" last either way
			{"-da-tra-loi", w.danDien.Name, `aria-sort="descending"`},
			{"-ten", "", `aria-sort="descending"`},
			{"x'; drop table units; --", "", `aria-sort="ascending"`}, // not in the whitelist: by name
		}
		for _, s := range sorts {
			code, body, _ := tinh.Get(url(w.province, "tong-quan") + "?sort=" + strings.ReplaceAll(s.sort, " ", "+"))
			if code != http.StatusOK || !strings.Contains(body, s.aria) {
				t.Errorf("sort %q: %d, no %s", s.sort, code, s.aria)
				continue
			}
			if s.first != "" && first(body) != s.first {
				t.Errorf("sort %q: first %s, want %s", s.sort, first(body), s.first)
			}
		}
		// The province admin reads a commune's overview: feedback they may handle, the rest read only.
		_, body, _ = tinh.Get(url(w.danDien, "tong-quan"))
		if !strings.Contains(body, `href="`+url(w.danDien, "phan-anh")+`"><span class="count">2</span>`) || !strings.Contains(body, `href="`+url(w.danDien, "tong-quan")+`"><span class="count">3</span> ý kiến`) {
			t.Errorf("province admin's overview of Đan Điền:\n%s", mainOf(body))
		}
		// The export.
		code, xlsx, h := tinh.Get(url(w.province, "tong-quan.xlsx") + "?sort=-hai-long")
		if code != http.StatusOK || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
			t.Errorf("export: %d %s", code, h.Get("Content-Type"))
		} else if text := xlsxText(t, xlsx); !strings.Contains(text, w.danDien.Name) || !strings.Contains(text, "80") || strings.Contains(text, "\t—") {
			t.Errorf("export lacks the figures (or writes a dash for no value): %.500s", text)
		} else {
			// Phú Xuân's figures are numbers, and where the page shows "—" the cell is empty.
			row := xlsxRowOf(t, xlsx, "Tổng quan", w.phuXuan.Name)
			cells := sheettest.Cells(t, []byte(xlsx), "Tổng quan", row("C"), row("D"), row("E"), row("F"), row("G"), row("H"), row("I"))
			for i, want := range []string{"1", "0", "0", "", "0", "", ""} {
				if c := cells[i]; c.Stored != want || c.Text {
					t.Errorf("export: Phú Xuân's figure %d is %+v, want the number %q (empty: no value)", i, c, want)
				}
			}
		}

		// Another province's administrator: this province's table does not exist for them.
		ctx := context.Background()
		res, err := a.Auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Quản trị Hà Nội", Email: "hn@x.vn", Role: auth.ProvinceAdmin, UnitCode: "01"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], demo.Password); err != nil {
			t.Fatal(err)
		}
		hn := signIn(t, srv, "hn@x.vn", demo.Password)
		for _, path := range []string{url(w.province, "tong-quan"), url(w.province, "tong-quan.xlsx"), url(w.danDien, "tong-quan")} {
			if code, body, _ := hn.Get(path); code != http.StatusNotFound || strings.Contains(body, w.danDien.Name) {
				t.Errorf("%s as another province's admin: %d, want 404 without the table", path, code)
			}
		}
		if code, _, _ := hn.Get(url(demoUnit(t, a, "01"), "tong-quan")); code != http.StatusOK {
			t.Errorf("own province's table: %d", code)
		}
	})
}
