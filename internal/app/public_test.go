package app_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/auth"
	"danchu/internal/config"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/org"
	"danchu/internal/plans"
	"danchu/internal/web/webtest"
)

// The public tracking page and Open311 show the steps of an item and the
// public answer, never a reporter's reopen reason nor an official's note.
func TestPublicTrackingShowsNoPrivateText(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		page := "/xa/" + demo.CommuneCode + "/phan-anh"
		reporter := citizen(t, a, srv, logs, "0912000111")
		code, _, hd := reporter.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"moi-truong"},
			"place": {fmt.Sprint(village.ID)}, "description": {"Rác thải cạnh cầu"}, "key": {"k1"}}, nil...)
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("send: %d %s", code, hd.Get("Location"))
		}
		track := "/phan-anh/" + m[1]
		official := officialActor(t, a, "xa@danchu.demo")
		it, err := a.Feedback.ByCode(ctx, official, m[1])
		if err != nil {
			t.Fatal(err)
		}
		const note, answer, reason = "Ghi chú nội bộ: hỏi ông Ba tổ 3", "Đã thu gom rác ngày 20/11/2026.", "Vẫn còn rác, gọi tôi 0987 654 321"
		for _, st := range []feedback.Step{{Action: feedback.DoAccept, Note: note}, {Action: feedback.DoAnswer, Note: answer}} {
			if _, err := a.Feedback.Act(ctx, official, it.ID, st); err != nil {
				t.Fatalf("%s: %v", st.Action, err)
			}
		}
		if code, _, _ := reporter.Post(track, track+"/mo-lai", url.Values{"reason": {reason}}); code != http.StatusSeeOther {
			t.Fatalf("reopen: %d", code)
		}
		// The handling official still sees every text.
		det, err := a.Feedback.Get(ctx, official, it.ID)
		var all strings.Builder
		for _, e := range det.Events {
			all.WriteString(e.Note + "\n")
		}
		if err != nil || !strings.Contains(all.String(), note) || !strings.Contains(all.String(), reason) {
			t.Fatalf("official's record: %v\n%s", err, all.String())
		}

		visitor := webtest.New(t, srv.URL)
		code, body, _ := visitor.Get(track)
		if code != 200 || !strings.Contains(body, answer) || !strings.Contains(body, "Người gửi mở lại") {
			t.Errorf("tracking page: %d, answer and steps shown: %v", code, strings.Contains(body, answer))
		}
		api := "/open311/v2/requests."
		for _, u := range []string{track, api + "json?service_request_id=" + m[1], api + "xml?service_request_id=" + m[1],
			api + "json?jurisdiction_id=" + demo.CommuneCode, api + "xml?jurisdiction_id=" + demo.CommuneCode} {
			code, body, _ := visitor.Get(u)
			if code != 200 || !strings.Contains(body, m[1]) {
				t.Errorf("%s: %d, lists the item: %v", u, code, strings.Contains(body, m[1]))
			}
			for _, secret := range []string{"0987 654 321", "Vẫn còn rác", "Ghi chú nội bộ", "ông Ba"} {
				if strings.Contains(body, secret) {
					t.Errorf("%s shows %q", u, secret)
				}
			}
		}
	})
}

// A number out of range in a page, cursor or ID parameter, or a bad escape in
// a path, is the visitor's mistake: 400 or 404, never 500.
func TestOverflowingParameters(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := demoSite(t, d)
		_ = a
		const big = "99999999999999999999"
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		commune, _ := a.Units.UnitByCode(context.Background(), demo.CommuneCode)
		for _, tt := range []struct {
			path string
			want int
			who  *webtest.Browser
		}{
			{"/cong-khai/tim?q=a&trang=" + big, 400, nil},
			{"/cong-khai/tim?q=a&trang=-1", 400, nil},
			{"/cong-khai/tim?q=a&trang=abc", 400, nil},
			{"/cong-khai/tim?q=a&trang=2", 200, nil},
			{"/static/x/%25zz", 404, nil},
			{"/static/x/index.html", 404, nil},
			{"/static/x/%2e", 404, nil},
			{"/static/%25zz/x", 404, nil},
			{"/static/x/%2e%2e", 404, nil},
			{"/static/x/..%2f..%2fgo.mod", 404, nil},
			{"/static/x/%00", 404, nil},
			{"/static/x/a%5cb", 404, nil},
			{"/minh-bach?truoc=" + big, 400, nil},
			{"/minh-bach/" + big, 404, nil},
			{"/cong-khai/" + big, 404, nil},
			{"/cong-khai/1/tep/" + big + "/" + big, 404, nil},
			{"/lay-y-kien/" + big, 404, nil},
			{"/lay-y-kien/1?sau=" + big, 404, nil},
			{"/quyet-dinh/" + big, 404, nil},
			{"/phan-anh/" + big, 404, nil},
			{"/quan-tri/phan-anh/" + big, 404, official},
			{"/quan-tri/phan-anh/1/anh/" + big, 404, official},
			{"/quan-tri/lich?nam=" + big, 400, official},
			{fmt.Sprintf("/quan-tri/don-vi/%s/nhat-ky?truoc=%s", commune.OfficeKey(), big), 400, official},
			{fmt.Sprintf("/quan-tri/don-vi/%s/so-cong-khai?nam=%s", commune.OfficeKey(), big), 400, official},
			{"/quan-tri/don-vi/" + big + "/phan-anh", 404, official},
		} {
			b := tt.who
			if b == nil {
				b = webtest.New(t, srv.URL)
			}
			if code, body, _ := b.Get(tt.path); code != tt.want {
				t.Errorf("%s: %d, want %d\n%.300s", tt.path, code, tt.want, body)
			}
		}
		if _, body, _ := webtest.New(t, srv.URL).Get("/cong-khai/tim?q=a&trang=" + big); !strings.Contains(body, "từ 1 đến 10000") {
			t.Errorf("the overflowing page number is not explained")
		}
		// Sent as typed (a client library would re-encode them).
		for _, p := range []string{"/static/%zz/x", "/static/x/%zz", "/static/x/%ff", "/static/x/%c0%ae"} {
			if code := rawStatus(t, srv.URL, p); code != 400 && code != 404 {
				t.Errorf("%s as typed: %d, want 400 or 404", p, code)
			}
		}
	})
}

// rawStatus sends GET path to the server at base exactly as written and
// returns the status of the answer.
func rawStatus(t *testing.T, base, path string) int {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	f := strings.Fields(line)
	if err != nil || len(f) < 2 {
		t.Fatalf("%s: %q %v", path, line, err)
	}
	n, _ := strconv.Atoi(f[1])
	return n
}

// Back-office, sign-in and account pages, and every page shown to a signed-in
// person, are never stored; public pages to a visitor may be. HSTS only when
// the public address is https.
func TestNoStoreAndHSTS(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), BaseURL: "https://danchu.hue.gov.vn"}, logs)
		visitor := webtest.New(t, srv.URL)
		_, home, hd := visitor.Get("/")
		if got := hd.Get("Strict-Transport-Security"); got != "max-age=63072000; includeSubDomains" {
			t.Errorf("HSTS with an https base URL: %q", got)
		}
		static := regexp.MustCompile(`/static/[^/"]+/app\.css`).FindString(home)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		person := citizen(t, a, srv, logs, "0912000222")
		for _, tt := range []struct {
			who     *webtest.Browser
			path    string
			noStore bool
		}{
			{visitor, "/xa/" + demo.CommuneCode, false},
			{visitor, "/cong-khai/tim?q=a", false},
			{visitor, "/dang-nhap", true},
			{visitor, "/cong-dan/dang-nhap", true},
			{visitor, "/quen-mat-khau", true},
			{visitor, "/quan-tri", true},
			{visitor, "/kich-hoat/x", true},
			{official, "/quan-tri", true},
			{official, "/xa/" + demo.CommuneCode, true},
			{official, "/khong-co", true},
			{person, "/cong-dan", true},
			{person, "/xa/" + demo.CommuneCode + "/phan-anh", true},
			{official, static, false},
		} {
			_, _, hd := tt.who.Get(tt.path)
			if got := hd.Get("Cache-Control") == "no-store"; got != tt.noStore {
				t.Errorf("%s: Cache-Control %q, want no-store: %v", tt.path, hd.Get("Cache-Control"), tt.noStore)
			}
		}
		_, plain := siteWith(t, db.OpenTest(t, db.SQLite), &config.Config{DataDir: t.TempDir()}, io.Discard)
		if _, _, hd := webtest.New(t, plain.URL).Get("/"); hd.Get("Strict-Transport-Security") != "" {
			t.Errorf("HSTS without an https base URL: %q", hd.Get("Strict-Transport-Security"))
		}
	})
}

// The activity log shows IP addresses only to the roles that investigate abuse
// (system and province administrators), not to a read-only viewer.
func TestAuditLogIPOnlyForAdministrators(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := demoSite(t, d)
		commune := mustUnit(t, a, demo.CommuneCode)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		// Something in the commune's log, done from 127.0.0.1.
		if code, _, _ := official.Post("/quan-tri/don-vi/"+demo.CommuneCode+"/phan-anh/linh-vuc", fmt.Sprintf("/quan-tri/don-vi/%d/phan-anh/linh-vuc", commune),
			url.Values{"categories": {"khac | Khác | 10"}, "hot_n": {"5"}, "hot_days": {"7"}}); code >= 500 {
			t.Fatalf("settings: %d", code)
		}
		page := "/quan-tri/don-vi/" + demo.CommuneCode + "/nhat-ky"
		for _, tt := range []struct {
			email  string
			showIP bool
		}{{"xem@danchu.demo", false}, {"xa@danchu.demo", false}, {"quantri@danchu.demo", true}} {
			code, body, _ := signIn(t, srv, tt.email, demo.Password).Get(page)
			if code != 200 || !strings.Contains(body, "<tbody>") {
				t.Fatalf("%s: activity log %d", tt.email, code)
			}
			if got := strings.Contains(body, "127.0.0.1"); got != tt.showIP {
				t.Errorf("%s sees IP addresses: %v, want %v", tt.email, got, tt.showIP)
			}
		}
	})
}

// Open311: at most 100 tracking codes per request, beyond is the spec's error.
func TestOpen311RequestIDsBound(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := demoSite(t, d)
		ids := func(n int) string {
			s := make([]string, n)
			for i := range s {
				s[i] = fmt.Sprintf("PA-%04d-0000", i)
			}
			return strings.Join(s, ",")
		}
		api := srv.URL + "/open311/v2/requests."
		if r := call(t, "GET", api+"json?service_request_id="+ids(feedback.MaxRequestIDs), nil); r.status != 200 || strings.TrimSpace(r.body) != "[]" {
			t.Errorf("100 codes: %d %.200s", r.status, r.body)
		}
		for _, f := range []string{"json", "xml"} {
			specError(t, call(t, "GET", api+f+"?service_request_id="+ids(feedback.MaxRequestIDs+1), nil), 400, f, "Tối đa 100 mã")
		}
	})
}

// Every page and export anyone may read without signing in, after a citizen
// who did not show their name commented and sent feedback with contact details,
// and officials wrote notes: none shows the citizen's name, phone, address,
// description, rating comment or reopen reason, an official's note or e-mail,
// an IP address or an account ID.
// staffOnly opens an agency under commune (a school: its board is staff-only,
// Art 46) and posts a disclosure and opens a consultation there; it returns
// their titles, which no public page or API may show.
func staffOnly(t *testing.T, a *app.App, commune org.Unit) (string, string) {
	t.Helper()
	ctx := context.Background()
	school, err := a.Units.CreateUnit(ctx, org.Unit{Name: "Trường Tiểu học Đan Điền", Type: org.Agency}, commune.ID)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.Auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Hiệu trưởng", Email: "hieutruong@dandien.vn", Role: auth.AgencyHead, UnitID: school.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Auth.Activate(ctx, res.ActivationLink[strings.LastIndex(res.ActivationLink, "/")+1:], demo.Password); err != nil {
		t.Fatal(err)
	}
	head := officialActor(t, a, "hieutruong@dandien.vn")
	const dTitle, cTitle = "Quy chế chi tiêu nội bộ của nhà trường", "Dự thảo nội quy cơ quan nhà trường"
	if _, err := a.Disclose.Publish(ctx, head, disclosure.Draft{UnitID: school.ID, Category: 9, Title: dTitle, Body: "Nội dung nội bộ",
		DecisionDate: a.Disclose.Now().Format("2006-01-02")}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Consult.Open(ctx, head, consultation.Draft{UnitID: school.ID, Subject: 6, Title: cTitle,
		Parts: []consultation.Part{{Heading: "Chương I", Body: "Quy định chung"}}, Forms: []string{"online"},
		ClosesOn: a.Consult.Now().AddDate(0, 0, 40).Format("2006-01-02")}); err != nil {
		t.Fatal(err)
	}
	return dTitle, cTitle
}

func TestPublicPagesRevealNoPersonalData(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		offActor := officialActor(t, a, "xa@danchu.demo")

		// A consultation, with the comment of a citizen who keeps their name to themselves.
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế"},
			"parts": {"## Chương I\nQuy định chung"}, "forms": {"online"}, "closes_on": {time.Now().AddDate(0, 0, 40).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("open a consultation: %d", code)
		}
		consultation := "/lay-y-kien/" + strings.TrimPrefix(hd.Get("Location"), "/quan-tri/lay-y-kien/")
		person := citizen(t, a, srv, logs, "0912000333")
		if code, _, _ := person.Post("/cong-dan", "/cong-dan/ten", url.Values{"full_name": {"Trần Văn Kín"}}); code != http.StatusSeeOther {
			t.Fatalf("set name: %d", code)
		}
		_, page, _ := person.Get(consultation)
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(page)
		if key == nil {
			t.Fatal("no comment form")
		}
		if code, _, _ := person.Post(consultation, consultation+"/gop-y", url.Values{"part": {"1"}, "stance": {"suggest"},
			"body": {"Góp ý công khai về chương I"}, "key": {key[1]}}); code != http.StatusSeeOther {
			t.Fatalf("comment: %d", code)
		}

		// Feedback with contact details, handled with notes, rated and reopened.
		fb := "/xa/" + demo.CommuneCode + "/phan-anh"
		code, _, hd = person.PostMultipart(fb, fb, url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "place": {fmt.Sprint(village.ID)},
			"description": {"Mô tả riêng tư của người gửi"}, "contact": {"0911 222 333"}, "address": {"số 7 ngõ Kín Đáo"}, "key": {"p1"}}, nil...)
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("send feedback: %d", code)
		}
		it, err := a.Feedback.ByCode(ctx, offActor, m[1])
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range []feedback.Step{{Action: feedback.DoAccept, Note: "Ghi chú nội bộ khi thụ lý"}, {Action: feedback.DoStart, Note: "Ghi chú nội bộ khi xử lý"},
			{Action: feedback.DoAnswer, Note: "Đã thu gom rác."}} {
			if _, err := a.Feedback.Act(ctx, offActor, it.ID, st); err != nil {
				t.Fatalf("%s: %v", st.Action, err)
			}
		}
		track := "/phan-anh/" + m[1]
		if code, _, _ := person.Post(track, track+"/danh-gia", url.Values{"stars": {"2"}, "note": {"Nhận xét riêng của người gửi"}}); code != http.StatusSeeOther {
			t.Fatalf("rate: %d", code)
		}
		if code, _, _ := person.Post(track, track+"/mo-lai", url.Values{"reason": {"Lý do riêng, gọi 0987 654 321"}}); code != http.StatusSeeOther {
			t.Fatalf("reopen: %d", code)
		}

		// The commune's plan (public once saved), its task given to the Front, reported with an internal note and evidence.
		draft, _ := fakeImporter{}.Parse("07/KH-UBND\n")
		plan, err := a.Plans.Create(ctx, offActor, plans.Draft{UnitID: commune.ID, Plan: plans.NewFromDraft(commune.ID, draft)})
		if err != nil || !plan.Public() {
			t.Fatalf("the commune's plan: %v", err)
		}
		front, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-MTTQ")
		if _, err := a.Plans.Assign(ctx, offActor, plan.Tasks[0].ID, plans.Targeting{Units: []int64{front.ID}}); err != nil {
			t.Fatal(err)
		}
		given, err := a.Plans.UnitAssignments(ctx, front.ID, 0, 1)
		if err != nil || len(given) != 1 {
			t.Fatalf("the Front's assignment: %v", err)
		}
		if _, err := a.Plans.Report(ctx, offActor, given[0].ID, plans.Report{Status: plans.InProgress, Percent: 30, Text: "Ghi chú nội bộ trong báo cáo"},
			[]plans.Upload{{Name: "bang-chung-rieng.pdf", R: bytes.NewReader(pdfBytes)}}); err != nil {
			t.Fatal(err)
		}
		units, err := a.Units.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		publicPlan := plans.PublicURL(units, commune.ID, plan.ID)

		// A staff-only board (an agency's, Art 46) with a disclosure and a consultation.
		staffDisclosure, staffConsultation := staffOnly(t, a, commune)

		secrets := []string{"Trần Văn Kín", "0912000333", "0912 000 333", "0911 222 333", "Kín Đáo", "Mô tả riêng tư", "Nhận xét riêng",
			"Lý do riêng", "0987 654 321", "Ghi chú nội bộ", "xa@danchu.demo", "127.0.0.1", "bang-chung-rieng",
			fmt.Sprint(it.AuthorID), fmt.Sprint(offActor.AccountID), staffDisclosure, staffConsultation}
		visitor := webtest.New(t, srv.URL)
		xa, tinh := "/xa/"+demo.CommuneCode, "/tinh/46"
		o311 := "/open311/v2/requests."
		pages := []string{"/", "/tim-kiem?q=Đan", tinh, xa, "/thon/" + demo.CommuneCode + "-01",
			xa + "/phan-anh", xa + "/phan-anh/thong-ke", tinh + "/phan-anh/thong-ke", "/phan-anh", track,
			o311 + "json?service_request_id=" + m[1], o311 + "xml?service_request_id=" + m[1],
			o311 + "json?jurisdiction_id=" + demo.CommuneCode, o311 + "xml?jurisdiction_id=" + demo.CommuneCode,
			"/open311/v2/discovery.json", "/open311/v2/services.json",
			"/minh-bach", "/minh-bach.json", "/minh-bach/1",
			xa + "/lay-y-kien", consultation, xa + "/quyet-dinh", xa + "/cong-khai", xa + "/cong-khai.atom", xa + "/cong-khai/luu-tru", xa + "/lich.ics",
			"/cong-khai/tim?q=quy", "/healthz", "/readyz", "/du-lieu-mo", "/du-lieu-mo?xa=" + demo.CommuneCode, "/du-lieu-mo?tinh=46",
			xa + "/ke-hoach", tinh + "/ke-hoach", publicPlan}
		// Every list of the JSON API, as JSON and as CSV (internal/app/api_test.go checks them against the document).
		api := "/api/v1/units/"
		for _, l := range []string{api + demo.CommuneCode + "/disclosures", api + demo.CommuneCode + "/disclosures?status=archived",
			api + demo.CommuneCode + "-01/disclosures", api + demo.CommuneCode + "/disclosure-register", api + demo.CommuneCode + "/consultations",
			api + demo.CommuneCode + "/decisions", api + demo.CommuneCode + "/feedback-stats", api + "46/feedback-stats", api + demo.CommuneCode + "/feedback-hotspots",
			api + demo.CommuneCode + "/datasets", api + "46/datasets", api + demo.CommuneCode + "/plans", api + "46/plans"} {
			pages = append(pages, l, withQuery(l, "format=csv"))
		}
		pages = append(pages, "/api/openapi.json")
		sheets := []string{xa + "/phan-anh/thong-ke.xlsx", tinh + "/phan-anh/thong-ke.xlsx"}
		for _, p := range append(pages, sheets...) {
			code, body, _ := visitor.Get(p)
			if code != 200 {
				t.Errorf("%s: %d", p, code)
				continue
			}
			if strings.HasSuffix(p, ".xlsx") {
				body = xlsxText(t, body)
			}
			// Feeds, Open311, the calendar (its links and UIDs) and the commune page's calendar links name the site by its (test) address.
			body = strings.ReplaceAll(body, strings.TrimPrefix(srv.URL, "http://"), "")
			for _, s := range secrets {
				if strings.Contains(body, s) {
					t.Errorf("%s shows %q", p, s)
				}
			}
		}
		// The API has the comment's consultation and its count, not the staff board's.
		if _, body, _ := visitor.Get(api + demo.CommuneCode + "/consultations"); !strings.Contains(body, "Dự thảo quy chế") || !strings.Contains(body, `"suggest": 1`) {
			t.Errorf("the API does not list the consultation with its comment: %s", body)
		}
		// The comment is there, under the neutral name.
		if _, body, _ := visitor.Get(consultation); !strings.Contains(body, "Góp ý công khai về chương I") || !strings.Contains(body, "Người dân") {
			t.Errorf("the comment is not shown under a neutral name")
		}
	})
}
