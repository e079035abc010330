package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// Every creating form posted twice with the key its page gave (the answer to
// the first was lost): the second answers as the first did (the same
// redirect), and one row is stored.
func TestCreatingFormsRetried(t *testing.T) {
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

		// twice posts v with the key of formPage twice and checks both answers.
		twice := func(t *testing.T, b *webtest.Browser, formPage, action string, v url.Values, table string, added int, files ...webtest.File) string {
			t.Helper()
			_, page, _ := b.Get(formPage)
			v.Set("key", formKey(t, page))
			before := db.Count(t, d, "select count(*) from "+table)
			var locs [2]string
			for i := range locs {
				var code int
				var hd http.Header
				if files != nil {
					code, _, hd = b.PostMultipart(formPage, action, v, files...)
				} else {
					code, _, hd = b.Post(formPage, action, v)
				}
				if code != http.StatusSeeOther {
					t.Fatalf("post %d to %s: %d, want 303", i+1, action, code)
				}
				locs[i] = hd.Get("Location")
			}
			if locs[1] != locs[0] {
				t.Errorf("the retry went to %s, the first post to %s", locs[1], locs[0])
			}
			if n := db.Count(t, d, "select count(*) from "+table) - before; n != added {
				t.Errorf("%s: %d rows added, want %d", table, n, added)
			}
			return locs[0]
		}
		var back string
		t.Run("decision propose", func(t *testing.T) {
			manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
			twice(t, head, manage, manage, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa"}}, "matters", 1)
		})
		t.Run("consultation open", func(t *testing.T) {
			manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
			back = twice(t, official, manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế"}, "parts": {"## I\nA"},
				"forms": {"online"}, "closes_on": {today.AddDays(40).String()}}, "consultations", 1)
		})
		t.Run("consultation offline opinions", func(t *testing.T) {
			twice(t, official, back, back+"/truc-tiep", url.Values{"source": {"meeting"}, "part": {"0"}, "stance": {"agree"}, "bodies": {"A\nB"}}, "consultation_comments", 2)
		})
		t.Run("consultation answer", func(t *testing.T) {
			id := db.Count(t, d, "select min(id) from consultation_comments")
			twice(t, official, back, back+"/tra-loi", url.Values{"comment": {fmt.Sprint(id)}, "kind": {"accepted"}}, "consultation_answers", 1)
		})
		t.Run("disclosure amend", func(t *testing.T) {
			manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
			form := url.Values{"category": {"4"}, "title": {"Quy chế dân chủ"}, "body": {"Điều 1"}, "decision_date": {today.AddDays(-2).String()},
				"ch_posting": {"1"}, "ch_posting_start": {today.String()}}
			pdf := webtest.File{Field: "files", Name: "quy-che.pdf", Content: pdfBytes}
			detail := twice(t, official, manage, manage, form, "disclosures", 1, pdf)
			edit := strings.Replace(detail, "/cong-khai/", "/quan-tri/cong-khai/", 1)
			form.Set("body", "Điều 1, sửa")
			form.Set("reason", "Sửa lỗi chính tả")
			twice(t, official, edit, edit+"/sua", form, "disclosure_versions", 1)
		})
		t.Run("calendar add", func(t *testing.T) {
			twice(t, root, "/quan-tri/lich?nam=2026", "/quan-tri/lich?nam=2026", url.Values{"day": {"2026-11-24"}, "kind": {"off"}, "name": {"Ngày Văn hóa"}}, "calendar_overrides", 1)
		})
		t.Run("Open311 key issue", func(t *testing.T) {
			keys := commune.OfficeURL("open311")
			_, page, _ := official.Get(keys)
			v := url.Values{"name": {"Ứng dụng thử"}, "key": {formKey(t, page)}}
			before := db.Count(t, d, "select count(*) from open311_keys")
			code, page, _ := official.Post(keys, keys, v)
			if code != http.StatusOK || !strings.Contains(page, "dc311_") {
				t.Fatalf("issue: %d", code)
			}
			if formKey(t, page) == v.Get("key") {
				t.Errorf("the page showing the new key offers its form again with the spent key")
			}
			code, body, hd := official.Post(keys, keys, v)
			if code != http.StatusSeeOther {
				t.Fatalf("the retried issue: %d, want 303", code)
			}
			if _, page, _ := official.Follow(code, body, hd); !strings.Contains(page, "chỉ hiện một lần") || strings.Contains(page, "dc311_") {
				t.Errorf("the retried issue's page does not say the key was shown once (or shows a key)")
			}
			if n := db.Count(t, d, "select count(*) from open311_keys") - before; n != 1 {
				t.Errorf("%d keys issued, want 1", n)
			}
		})
	})
}
