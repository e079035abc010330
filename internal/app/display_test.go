package app_test

import (
	"context"
	"fmt"
	"html"
	"io"
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
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

var (
	isoDate = regexp.MustCompile(`\b20\d\d-[01]\d-[0-3]\d\b`)
	tag     = regexp.MustCompile(`(?s)<[^>]*>`)
)

// textOf is what a person reads of a page's main part: no tags, no attributes.
func textOf(page string) string {
	return strings.Join(strings.Fields(html.UnescapeString(tag.ReplaceAllString(mainOf(page), " "))), " ")
}

// What people read is written for them: dates as dd/mm/yyyy, Markdown rendered
// in snippets and in the comparison of versions, an empty statistic as "—",
// the activity log in words (what happened, the outcome and its reason, units
// by name), a rejected matter never "in force", a vote's receipt with the choice.
func TestPagesSpeakToPeople(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		visitor := webtest.New(t, srv.URL)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		today := legal.Today(time.Now())

		// Two disclosures: one amended (Markdown in both versions), one withdrawn.
		manage := commune.OfficeURL("cong-khai")
		form := url.Values{"category": {"4"}, "title": {"Quy chế chi tiêu nội bộ"}, "body": {"## Điều 1\n- Chi **đúng mục đích**\n- Công khai"},
			"decision_date": {today.AddDays(-1).String()}, "ch_posting": {"1"}, "ch_posting_start": {today.String()}}
		code, _, hd := official.PostMultipart(manage, manage, cloneValues(form))
		if code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}
		amended := hd.Get("Location")
		edit := strings.Replace(amended, "/cong-khai/", "/quan-tri/cong-khai/", 1)
		am := cloneValues(form)
		am.Set("body", "## Điều 1\n- Chi **đúng mục đích, tiết kiệm**\n- Công khai")
		am.Set("reason", "Bổ sung yêu cầu tiết kiệm")
		if code, _, _ := official.PostMultipart(edit, edit+"/sua", am); code != http.StatusSeeOther {
			t.Fatalf("amend: %d", code)
		}
		form.Set("title", "Kế hoạch sử dụng đất")
		code, _, hd = official.PostMultipart(manage, manage, form)
		if code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}
		withdrawn := strings.Replace(hd.Get("Location"), "/cong-khai/", "/quan-tri/cong-khai/", 1)
		if code, _, _ := official.Post(withdrawn, withdrawn+"/rut", url.Values{"reason": {"Đăng nhầm bản dự thảo"}, "confirm": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("withdraw: %d", code)
		}
		// A consultation without comments yet: its answered count is "—", not 0/0.
		cm := commune.OfficeURL("lay-y-kien")
		code, _, hd = official.Post(cm, cm, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế dân chủ xã"},
			"parts": {"## Chương I\nQuy định chung"}, "forms": {"online"}, "closes_on": {today.AddDays(40).String()}})
		if code != http.StatusSeeOther {
			t.Fatalf("open a consultation: %d", code)
		}
		consultation := strings.Replace(hd.Get("Location"), "/quan-tri", "", 1)
		// The village head asks for a page of the commune's that the role does not open: a refusal in the log.
		if code, _, _ := head.Get(manage); code != http.StatusForbidden && code != http.StatusNotFound {
			t.Fatalf("the village head on the commune's disclosures: %d", code)
		}

		// An online vote: a representative votes, the vote ends, the matter fails.
		cit := citizen(t, a, srv, logs, "0912 000 333")
		if _, err := d.Raw().ExecContext(ctx, `update households set representative_account_id = (select id from accounts where phone = '+84912000333')
			where id = (select min(id) from households where village_id = $1 and active)`, village.ID); err != nil {
			t.Fatal(err)
		}
		var n int
		d.QueryRowContext(ctx, "select count(*) from households where village_id = $1 and active", village.ID).Scan(&n)
		vm := village.OfficeURL("quyet-dinh")
		code, _, hd = head.Post(vm, vm, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa thôn"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		office := hd.Get("Location")
		public := strings.Replace(office, "/quan-tri", "", 1)
		_, page, _ := head.Get(office)
		if text := textOf(page); isoDate.MatchString(text) {
			t.Errorf("the notice form shows a date as %q", isoDate.FindString(text))
		}
		end := time.Now().AddDate(0, 0, 5)
		if code, _, _ := head.Post(office, office+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"online"},
			"held_on": {end.Format("2006-01-02")}, "opted_in": {fmt.Sprint(n/2 + 1)}, "team": {"Nguyễn A\nTrần B\nLê C"}}); code != http.StatusSeeOther {
			t.Fatalf("notice: %d", code)
		}
		_, page, _ = cit.Get(public)
		vote := regexp.MustCompile(`action="/bieu-quyet/(\d+)"`).FindStringSubmatch(page)
		if vote == nil {
			t.Fatal("no ballot for the representative")
		}
		code, _, hd = cit.Post(public, "/bieu-quyet/"+vote[1], url.Values{"choice": {"disagree"}})
		if code != http.StatusSeeOther {
			t.Fatalf("vote: %d", code)
		}
		_, page, _ = cit.Get(hd.Get("Location"))
		if receipt := regexp.MustCompile(`(?s)<p class="flash ok"[^>]*>.*?</p>`).FindString(page); !strings.Contains(receipt, "Không đồng ý") {
			t.Errorf("the receipt does not say what was chosen: %s", receipt)
		}
		if !strings.Contains(textOf(page), "Hộ bạn đã chọn: Không đồng ý") {
			t.Error("the household's vote on the page does not say what was chosen")
		}
		d.Now = func() time.Time { return end.AddDate(0, 0, 1) }
		head = signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		if code, _, _ := head.Post(office, "/quan-tri/bieu-quyet/"+vote[1]+"/ket-thuc", url.Values{"confirm": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("close: %d", code)
		}
		_, page, _ = visitor.Get(public)
		if text := textOf(page); !strings.Contains(text, "Không thông qua") || strings.Contains(text, "Có hiệu lực") || strings.Contains(text, "có hiệu lực từ") {
			t.Errorf("the failed matter's page speaks of it taking effect:\n%s", text)
		}
		official = signIn(t, srv, "xa@danchu.demo", demo.Password)

		// Dates: every page that shows one writes dd/mm/yyyy.
		pages := map[string]*webtest.Browser{
			"/cong-khai/tim?q=" + url.QueryEscape("quy chế"): visitor, amended: visitor, "/xa/" + demo.CommuneCode + "/cong-khai": visitor,
			commune.OfficeURL("so-cong-khai"): official, commune.OfficeURL("lay-y-kien"): official,
			public: visitor, "/minh-bach": visitor, commune.OfficeURL("nhat-ky"): official,
			"/xa/" + demo.CommuneCode + "/phan-anh": visitor, "/xa/" + demo.CommuneCode + "/phan-anh/thong-ke": visitor,
			office: head, withdrawn: official, edit: official, "/quan-tri/lich": signIn(t, srv, "quantri@danchu.demo", demo.Password), "/quan-tri": official, "/cong-dan": cit,
			commune.OfficeURL("quyet-dinh"): official, commune.OfficeURL("phan-anh"): official,
			"/xa/" + demo.CommuneCode + "/quyet-dinh": visitor, "/xa/" + demo.CommuneCode + "/lay-y-kien": visitor, "/tinh/46/phan-anh/thong-ke": visitor,
		}
		texts := map[string]string{}
		for path, b := range pages {
			code, page, _ := b.Get(path)
			if code != http.StatusOK {
				t.Errorf("%s: %d", path, code)
			}
			texts[path] = textOf(page)
			if m := isoDate.FindString(texts[path]); m != "" {
				t.Errorf("%s shows the date %s, not dd/mm/yyyy", path, m)
			}
		}
		// Markdown: rendered in the search snippet and in the comparison of versions.
		if text := texts["/cong-khai/tim?q="+url.QueryEscape("quy chế")]; strings.Contains(text, "**") || strings.Contains(text, "## ") {
			t.Errorf("the search result shows Markdown raw:\n%s", text)
		}
		_, page, _ = visitor.Get(amended)
		diff := regexp.MustCompile(`(?s)<pre class="diff">.*?</pre>`).FindString(page)
		if strings.Contains(diff, "**") || strings.Contains(diff, "## ") || !strings.Contains(diff, "<strong>đúng mục đích, tiết kiệm</strong>") {
			t.Errorf("the comparison of versions shows Markdown raw:\n%s", diff)
		}
		// An empty statistic is "—", not 0% or 0/0.
		for path, b := range map[string]*webtest.Browser{consultation: visitor, "/xa/" + demo.CommuneCode + "/lay-y-kien": visitor, cm: official, "/quan-tri" + consultation: official} {
			if _, page, _ := b.Get(path); strings.Contains(textOf(page), "0/0") {
				t.Errorf("%s shows 0/0 answered", path)
			}
		}
		for _, path := range []string{"/xa/" + demo.CommuneCode + "/phan-anh", "/xa/" + demo.CommuneCode + "/phan-anh/thong-ke"} {
			if text := texts[path]; strings.Contains(text, "0%") {
				t.Errorf("%s shows 0%% of nothing:\n%s", path, text)
			}
		}
		// The activity log in words.
		log := texts[commune.OfficeURL("nhat-ky")]
		for _, want := range []string{"Đăng công khai", "Sửa đổi công khai", "Rút nội dung công khai", "Bị từ chối", "ngoài đơn vị được giao", "Thành công",
			"Đăng nhập", commune.Name, "Cán bộ UBND xã"} {
			if !strings.Contains(log, want) {
				t.Errorf("the activity log lacks %q", want)
			}
		}
		for _, raw := range []string{"disclosure.publish", "role_lacks_action", "out_of_scope", "denied", "auth.sign_in", "unit " + fmt.Sprint(commune.ID), "commune_official"} {
			if strings.Contains(log, raw) {
				t.Errorf("the activity log shows %q", raw)
			}
		}
		if strings.Contains(texts["/minh-bach"], "audit.kind") {
			t.Error("the public record shows a raw key")
		}
	})
}

// One number of households everywhere: the resident (active) ones, which a vote
// counts — on the commune's list of villages, the village page, the back-office
// register (which says how many of its lines are resident) and the demo's summary.
func TestHouseholdCountsAgree(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
		sum, err := demo.Load(ctx, a.Units)
		if err != nil {
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
		t.Cleanup(srv.Close)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		active := db.Count(t, d, "select count(*) from households where active and village_id = "+fmt.Sprint(village.ID))
		all := db.Count(t, d, "select count(*) from households where village_id = "+fmt.Sprint(village.ID))
		if active == all {
			t.Fatal("the demo village has no household that moved away: the test shows nothing")
		}
		if resident := db.Count(t, d, "select count(*) from households where active"); sum.Active != resident {
			t.Errorf("the demo says %d active households, the pages count %d resident ones", sum.Active, resident)
		}
		_, page, _ := webtest.New(t, srv.URL).Get("/xa/" + demo.CommuneCode)
		if text := textOf(page); !strings.Contains(text, fmt.Sprintf("%s %d hộ đang cư trú", village.Name, active)) {
			t.Errorf("the commune page does not give %s %d resident households:\n%s", village.Name, active, text)
		}
		_, page, _ = webtest.New(t, srv.URL).Get("/thon/" + village.Code)
		if text := textOf(page); !strings.Contains(text, fmt.Sprintf("Số hộ đang cư trú %d", active)) {
			t.Errorf("the village page does not give %d resident households:\n%s", active, text)
		}
		_, page, _ = signIn(t, srv, "truongthon@danchu.demo", demo.Password).Get(village.OfficeURL("ho-gia-dinh"))
		if text := textOf(page); !strings.Contains(text, fmt.Sprintf("Sổ có %d hộ, trong đó %d hộ đang cư trú", all, active)) || strings.Count(text, "không còn cư trú") != all-active {
			t.Errorf("the register does not tell its %d lines from its %d resident households", all, active)
		}
	})
}
