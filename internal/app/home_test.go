package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/auth"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/home"
	"danchu/internal/search"
	"danchu/internal/web/webtest"
)

// TestCitizenPage: "Trang của tôi" lists a citizen's own comments with their
// answers, feedback with its status and tracking link, the household's online
// votes with what was chosen and the receipt to check, and what is open now in
// the commune. Another citizen's comment, feedback and receipt never appear;
// a visitor who is not signed in is sent to sign in and back.
func TestCitizenPage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		const mine = "/cong-dan/cua-toi"
		if code, _, h := webtest.New(t, srv.URL).Get(mine); code != http.StatusSeeOther || h.Get("Location") != "/cong-dan/dang-nhap?next=%2Fcong-dan%2Fcua-toi" {
			t.Errorf("not signed in: %d to %q, want 303 to sign in with next=", code, h.Get("Location"))
		}
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		an, binh := citizen(t, a, srv, logs, "0912 000 111"), citizen(t, a, srv, logs, "0912 000 333")
		// Each represents one household of the village.
		for i, phone := range []string{"+84912000111", "+84912000333"} {
			if _, err := d.Raw().ExecContext(ctx, `update households set representative_account_id = (select id from accounts where phone = $1)
				where id = (select id from households where village_id = $2 and active order by id limit 1 offset $3)`, phone, village.ID, i); err != nil {
				t.Fatal(err)
			}
		}
		// A consultation open in the commune; each citizen comments.
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế chợ Đan Điền"},
			"parts": {"## Chương I\nQuy định chung"}, "forms": {"online"}, "closes_on": {time.Now().AddDate(0, 0, 40).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("open consultation: %d", code)
		}
		consultation := "/lay-y-kien/" + strings.TrimPrefix(hd.Get("Location"), "/quan-tri/lay-y-kien/")
		comment := func(b *webtest.Browser, body string) {
			_, page, _ := b.Get(consultation)
			key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(page)
			if key == nil {
				t.Fatal("no comment form")
			}
			if code, _, _ := b.Post(consultation, consultation+"/gop-y", url.Values{"part": {"1"}, "stance": {"suggest"}, "body": {body}, "key": {key[1]}}); code != http.StatusSeeOther {
				t.Fatalf("comment: %d", code)
			}
		}
		comment(an, "Ý kiến của An về giờ họp chợ")
		comment(binh, "Ý kiến của Bình về bãi xe")
		// The official answers An's comment.
		office := strings.Replace(consultation, "/lay-y-kien/", "/quan-tri/lay-y-kien/", 1)
		_, page, _ := official.Get(office)
		ids := regexp.MustCompile(`name="comment" value="(\d+)"`).FindAllStringSubmatch(page, -1)
		var anComment string
		d.QueryRowContext(ctx, `select cast(c.id as text) from consultation_comments c join accounts a on a.id = c.author_id where a.phone = '+84912000111'`).Scan(&anComment)
		if len(ids) == 0 || anComment == "" {
			t.Fatalf("no comment to answer on the office page (%d boxes, An's %q)", len(ids), anComment)
		}
		if code, body, _ := official.Post(office, office+"/tra-loi", url.Values{"comment": {anComment}, "kind": {"accepted"}, "body": {"Xã tiếp thu: chợ họp từ 5 giờ"}}); code != http.StatusSeeOther && code != http.StatusOK {
			t.Fatalf("answer: %d %s", code, mainOf(body))
		}
		// Each sends feedback while signed in.
		feedback := "/xa/" + demo.CommuneCode + "/phan-anh"
		send := func(b *webtest.Browser, desc string) string {
			v := url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "place": {fmt.Sprint(village.ID)}, "description": {desc}, "key": {desc}}
			code, _, hd := b.PostMultipart(feedback, feedback, v)
			m := codeInURL.FindStringSubmatch(hd.Get("Location"))
			if code != http.StatusSeeOther || m == nil {
				t.Fatalf("feedback: %d %s", code, hd.Get("Location"))
			}
			return m[1]
		}
		anCode, binhCode := send(an, "Đèn đường hỏng ở xóm Đông"), send(binh, "Cống tắc ở xóm Tây")
		// An online vote in the village; both vote.
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		matters := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		code, _, hd = head.Post(matters, matters, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa thôn"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		matter := hd.Get("Location")
		var n int
		d.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&n)
		if code, body, _ := head.Post(matter, matter+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"online"},
			"held_on": {time.Now().AddDate(0, 0, 5).Format("2006-01-02")}, "opted_in": {fmt.Sprint(n/2 + 1)}, "team": {"Nguyễn A\nTrần B\nLê C"}}); code != http.StatusSeeOther {
			t.Fatalf("notice: %d %s", code, mainOf(body))
		}
		public := strings.Replace(matter, "/quan-tri/quyet-dinh/", "/quyet-dinh/", 1)
		vote := func(b *webtest.Browser, choice string) string {
			_, page, _ := b.Get(public)
			v := regexp.MustCompile(`action="/bieu-quyet/(\d+)"`).FindStringSubmatch(page)
			if v == nil {
				t.Fatal("no ballot")
			}
			_, page, _ = b.Follow(b.Post(public, "/bieu-quyet/"+v[1], url.Values{"choice": {choice}}))
			m := regexp.MustCompile(`<p class="receipt">[^<]*<b>([0-9A-Z]{4}-[0-9A-Z]{4})</b>`).FindStringSubmatch(page)
			if m == nil {
				t.Fatalf("no receipt on the page after the ballot: %s", mainOf(page))
			}
			return m[1]
		}
		anReceipt, binhReceipt := vote(an, "agree"), vote(binh, "disagree")

		code, page, _ = an.Get(mine)
		if code != http.StatusOK {
			t.Fatalf("An's page: %d", code)
		}
		for _, want := range []string{"Trang của tôi", "Ý kiến của An về giờ họp chợ", "Xã tiếp thu: chợ họp từ 5 giờ", anCode, "/phan-anh/" + anCode,
			"Giờ mở cửa nhà văn hóa thôn", "Đồng ý", anReceipt, "Dự thảo quy chế chợ Đan Điền", "Biểu quyết đang mở ở xã của tôi"} {
			if !strings.Contains(page, want) {
				t.Errorf("An's page lacks %q\n%s", want, mainOf(page))
			}
		}
		for _, never := range []string{"Ý kiến của Bình", binhCode, binhReceipt, "Không đồng ý"} {
			if strings.Contains(page, never) {
				t.Errorf("An's page shows another citizen's %q", never)
			}
		}
		_, page, _ = binh.Get(mine)
		for _, never := range []string{"Ý kiến của An", "Xã tiếp thu", anCode, anReceipt} {
			if strings.Contains(page, never) {
				t.Errorf("Bình's page shows An's %q", never)
			}
		}
		if !strings.Contains(page, binhReceipt) || !strings.Contains(page, binhCode) {
			t.Errorf("Bình's page lacks Bình's own receipt or feedback")
		}
		// One list whole ("xem tất cả"); a list that does not exist is not found.
		if code, page, _ := an.Get(mine + "?xem=feedback.mine.title"); code != http.StatusOK || !strings.Contains(page, anCode) || strings.Contains(page, anReceipt) {
			t.Errorf("An's whole feedback list: %d, with the code %v, without the vote %v", code, strings.Contains(page, anCode), !strings.Contains(page, anReceipt))
		}
		if code, _, _ := an.Get(mine + "?xem=khong-co"); code != http.StatusNotFound {
			t.Errorf("a list that does not exist: %d", code)
		}
		// The header of a signed-in citizen links to the page.
		if !strings.Contains(page, `href="/cong-dan/cua-toi"`) {
			t.Error("no header link to the citizen's page")
		}
		// An official is not a citizen: sent to the citizens' sign-in.
		if code, _, _ := official.Get(mine); code != http.StatusSeeOther {
			t.Errorf("an official on the citizen's page: %d", code)
		}
	})
}

// TestVillageHeadPage: the village head's page of their village shows the
// board of what reaches households through the village head (the commune's
// and the village's disclosures with that channel, not the others), the
// consultations and votes open, the village's matters, and the household
// register with each representative, searched folded ("nguyen" finds
// "Nguyễn"). The back-office home links to it; another village's head and a
// commune code get "not found".
func TestVillageHeadPage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		page := "/quan-tri/don-vi/" + village.Code + "/trang-thon"
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		if _, home, _ := head.Get("/quan-tri"); !strings.Contains(home, `href="`+page+`"`) {
			t.Errorf("the back-office home does not link to %s", page)
		}
		// Two disclosures of the commune: one passed on by the village head, one only posted.
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		today := time.Now().Format("2006-01-02")
		for _, f := range []url.Values{
			{"category": {"1"}, "title": {"Kế hoạch tiêm phòng cho đàn gia súc"}, "body": {"Lịch tiêm."}, "decision_date": {today},
				"ch_posting": {"1"}, "ch_posting_start": {today}, "ch_village_head": {"1"}, "ch_village_head_start": {today}},
			{"category": {"1"}, "title": {"Thông báo chỉ niêm yết"}, "body": {"Niêm yết."}, "decision_date": {today},
				"ch_posting": {"1"}, "ch_posting_start": {today}},
		} {
			if code, body, _ := official.PostMultipart(manage, manage, f); code != http.StatusSeeOther {
				t.Fatalf("publish: %d %s", code, mainOf(body))
			}
		}
		matters := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		if code, _, _ := head.Post(matters, matters, url.Values{"subject": {"6"}, "title": {"Làm đường bê tông xóm Đông"}}); code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		hs, err := a.Units.Households(ctx, village.ID)
		if err != nil || len(hs) < 2 {
			t.Fatalf("households: %d, %v", len(hs), err)
		}
		code, body, _ := head.Get(page)
		if code != http.StatusOK {
			t.Fatalf("village page: %d", code)
		}
		for _, want := range []string{village.Name, "Bảng tin của thôn", "Kế hoạch tiêm phòng cho đàn gia súc", "Làm đường bê tông xóm Đông",
			hs[0].Code, hs[0].HeadName, hs[0].RepresentativeName, hs[min(len(hs), home.HouseholdPage)-1].Code} {
			if !strings.Contains(body, want) {
				t.Errorf("village page lacks %q", want)
			}
		}
		if strings.Contains(body, "Thông báo chỉ niêm yết") {
			t.Error("a disclosure not passed on by the village head is on the village board")
		}
		// A page of households at a time; the last is on the last page.
		if len(hs) > home.HouseholdPage {
			last := (len(hs)-1)/home.HouseholdPage + 1
			if !strings.Contains(body, `href="/quan-tri/don-vi/`+village.Code+`/trang-thon?trang=2"`) || strings.Contains(body, "<td>"+hs[home.HouseholdPage].Code+"</td>") {
				t.Errorf("the first page of %d households has no link to the second, or shows the %dth", len(hs), home.HouseholdPage+1)
			}
			if _, body, _ := head.Get(fmt.Sprintf("%s?trang=%d", page, last)); !strings.Contains(body, "<td>"+hs[len(hs)-1].Code+"</td>") {
				t.Errorf("page %d lacks the last household %s", last, hs[len(hs)-1].Code)
			}
		}
		// Search, folded: the first word of a head's name without its marks.
		name := hs[0].HeadName
		word := strings.ToLower(strings.Fields(search.Fold(name))[0])
		_, body, _ = head.Get(page + "?q=" + url.QueryEscape(word))
		if !strings.Contains(body, hs[0].Code) {
			t.Errorf("search %q does not find %s (%s)", word, hs[0].Code, name)
		}
		for _, hh := range hs {
			if !strings.Contains(search.Fold(hh.HeadName+" "+hh.Address+" "+hh.RepresentativeName+" "+hh.Code), word) && strings.Contains(body, "<td>"+hh.Code+"</td>") {
				t.Errorf("search %q lists %s (%s), which does not match", word, hh.Code, hh.HeadName)
			}
		}
		_, body, _ = head.Get(page + "?q=" + url.QueryEscape(hs[1].Code))
		if !strings.Contains(body, "<td>"+hs[1].Code+"</td>") || strings.Contains(body, "<td>"+hs[0].Code+"</td>") && hs[0].Code != hs[1].Code {
			t.Errorf("search by code %s", hs[1].Code)
		}
		// Another village's head, and a commune code.
		other, err := a.Auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Trưởng thôn Tây Hòa", Email: "thon2@x.vn", Role: auth.VillageHead, UnitCode: demo.CommuneCode + "-02"})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.Activate(ctx, other.ActivationLink[strings.LastIndex(other.ActivationLink, "/")+1:], demo.Password); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			b    *webtest.Browser
			path string
		}{{signIn(t, srv, "thon2@x.vn", demo.Password), page}, {head, "/quan-tri/don-vi/" + commune.Code + "/trang-thon"}} {
			code, body, _ := c.b.Get(c.path)
			if code != http.StatusNotFound || strings.Contains(body, hs[0].HeadName) {
				t.Errorf("%s: %d, want 404 revealing no household", c.path, code)
			}
		}
	})
}
