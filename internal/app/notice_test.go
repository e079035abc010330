package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// TestPostsRedirectAndSayWhatHappened: a successful post of each room
// answers 303 (a reload of what follows does not post again), the page it
// leads to says what happened in role="status", and a reload of that page
// does not say it again.
func TestPostsRedirectAndSayWhatHappened(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		ctx := t.Context()
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		today := legal.Today(d.Now())
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		root := signIn(t, srv, "quantri@danchu.demo", demo.Password)
		cit := citizen(t, a, srv, logs, "0912 000 601")

		post := func(t *testing.T, b *webtest.Browser, formPage, action string, v url.Values, notice string, files ...webtest.File) string {
			t.Helper()
			var code int
			var hd http.Header
			if files != nil {
				code, _, hd = b.PostMultipart(formPage, action, v, files...)
			} else {
				code, _, hd = b.Post(formPage, action, v)
			}
			if code != http.StatusSeeOther {
				t.Fatalf("post %s: %d, want 303", action, code)
			}
			target := hd.Get("Location")
			if _, page, _ := b.Get(target); !strings.Contains(page, `<p class="flash ok" role="status">`+notice) {
				t.Fatalf("the page after %s does not say %q: %s", action, notice, mainOf(page))
			}
			if _, page, _ := b.Get(target); strings.Contains(page, notice) {
				t.Errorf("a reload of %s says %q again", target, notice)
			}
			return target
		}

		var office, consultation string
		t.Run("decision", func(t *testing.T) {
			manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
			office = post(t, head, manage, manage, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa"}}, "Đã tạo nội dung cần Nhân dân quyết định")
			post(t, head, office, office+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"meeting"},
				"held_on": {time.Now().AddDate(0, 0, 5).Format("2006-01-02")}}, "Đã thông báo; danh sách hộ đã được chốt.")
		})
		t.Run("consultation", func(t *testing.T) {
			manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
			back := post(t, official, manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế"}, "parts": {"## I\nA"},
				"forms": {"online"}, "closes_on": {today.AddDays(40).String()}}, "Đã mở lấy ý kiến")
			consultation = strings.Replace(back, "/quan-tri", "", 1)
			_, page, _ := cit.Get(consultation)
			f, _ := webtest.FormTo(page, consultation+"/gop-y")
			v := f.Values()
			v.Set("stance", "agree")
			v.Set("body", "Đồng ý")
			post(t, cit, consultation, consultation+"/gop-y", v, "Đã gửi ý kiến của bạn")
			post(t, official, back, back+"/truc-tiep", url.Values{"source": {"meeting"}, "part": {"0"}, "stance": {"agree"}, "bodies": {"A\nB"}}, "Đã nhập 2 ý kiến.")
		})
		t.Run("disclosure", func(t *testing.T) {
			manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
			post(t, official, manage, manage, url.Values{"category": {"4"}, "title": {"Quy chế dân chủ"}, "decision_date": {today.AddDays(-2).String()},
				"ch_posting": {"1"}, "ch_posting_start": {today.String()}}, "Đã công bố.", webtest.File{Field: "files", Name: "quy-che.pdf", Content: pdfBytes})
		})
		t.Run("feedback", func(t *testing.T) {
			queue := fmt.Sprintf("/quan-tri/don-vi/%s/phan-anh", commune.OfficeKey())
			post(t, official, queue, queue+"/dieu-phoi", url.Values{"category": {"moi-truong"}, "to": {""}}, "Đã lưu bảng điều phối.")
		})
		t.Run("calendar", func(t *testing.T) {
			post(t, root, "/quan-tri/lich?nam=2026", "/quan-tri/lich?nam=2026", url.Values{"day": {"2026-11-24"}, "kind": {"off"}, "name": {"Ngày Văn hóa"}}, "Đã lưu 1 điều chỉnh.")
		})
	})
}
