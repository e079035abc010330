package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

// inLanguage signs in and chooses the language of the pages (the lang cookie).
func inLanguage(t *testing.T, b *webtest.Browser, lang string) *webtest.Browser {
	t.Helper()
	if code, _, _ := b.Get("/ngon-ngu?lang=" + lang + "&next=/"); code != http.StatusSeeOther {
		t.Fatalf("language switch: %d", code)
	}
	return b
}

// A refused form shows the service's message in the language of the page: an
// English page in English, a Vietnamese page in Vietnamese, with what was typed.
func TestErrorsInRequestLanguage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		village, err := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		if err != nil {
			t.Fatal(err)
		}
		matters := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		consult := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		disclose := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		for _, tt := range []struct {
			name, email, lang string
			post              func(b *webtest.Browser) (int, string, http.Header)
			status            int
			want              []string // message, field message, a typed value
		}{
			{"decision en", "truongthon@danchu.demo", "en", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(matters, matters, url.Values{"subject": {"6"}, "title": {""}, "body": {"Typed body 1"}})
			}, http.StatusBadRequest, []string{"Write what is to be decided (at most 300 characters).", "Typed body 1"}},
			{"decision vi", "truongthon@danchu.demo", "vi", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(matters, matters, url.Values{"subject": {"6"}, "title": {""}, "body": {"Typed body 1"}})
			}, http.StatusBadRequest, []string{"Hãy ghi nội dung cần quyết định (tối đa 300 ký tự).", "Typed body 1"}},
			{"consultation en", "xa@danchu.demo", "en", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(consult, consult, url.Values{"subject": {"6"}, "title": {""}, "parts": {"Typed part one"}, "forms": {"online"}})
			}, http.StatusBadRequest, []string{"The consultation details are not right; correct the marked fields.", "A title is required, at most 300 characters.", "Typed part one"}},
			{"consultation vi", "xa@danchu.demo", "vi", func(b *webtest.Browser) (int, string, http.Header) {
				return b.Post(consult, consult, url.Values{"subject": {"6"}, "title": {""}, "parts": {"Typed part one"}, "forms": {"online"}})
			}, http.StatusBadRequest, []string{"Thông tin lấy ý kiến chưa đúng; hãy sửa các ô được đánh dấu.", "Tiêu đề phải có, tối đa 300 ký tự.", "Typed part one"}},
			{"disclosure en", "xa@danchu.demo", "en", func(b *webtest.Browser) (int, string, http.Header) {
				return b.PostMultipart(disclose, disclose, url.Values{"category": {"4"}, "title": {"Typed title 2"}})
			}, http.StatusBadRequest, []string{"The disclosure details are not right; correct the marked fields.", "Enter the date the disclosed decision or document was issued.", "Typed title 2"}},
			{"disclosure vi", "xa@danchu.demo", "vi", func(b *webtest.Browser) (int, string, http.Header) {
				return b.PostMultipart(disclose, disclose, url.Values{"category": {"4"}, "title": {"Typed title 2"}})
			}, http.StatusBadRequest, []string{"Thông tin công khai chưa đúng; hãy sửa các ô được đánh dấu.", "Hãy nhập ngày ban hành quyết định, văn bản được công khai.", "Typed title 2"}},
			// A conflict keeps the form filled in: the day already has an adjustment.
			{"calendar conflict en", "quantri@danchu.demo", "en", func(b *webtest.Browser) (int, string, http.Header) {
				day := url.Values{"day": {"2026-11-24"}, "kind": {"off"}, "name": {"Typed day off"}}
				if code, _, _ := b.Post("/quan-tri/lich?nam=2026", "/quan-tri/lich?nam=2026", day); code != http.StatusSeeOther {
					t.Fatalf("first adjustment: %d", code)
				}
				return b.Post("/quan-tri/lich?nam=2026", "/quan-tri/lich?nam=2026", day)
			}, http.StatusConflict, []string{"There is already an adjustment for 24/11/2026; delete the old adjustment first. No line was saved.", `value="Typed day off"`}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				b := inLanguage(t, signIn(t, srv, tt.email, demo.Password), tt.lang)
				code, page, _ := tt.post(b)
				if code != tt.status {
					t.Errorf("status %d, want %d", code, tt.status)
				}
				for _, w := range tt.want {
					if !strings.Contains(page, w) {
						t.Errorf("page lacks %q:\n%s", w, mainOf(page))
					}
				}
			})
		}
	})
}

// mainOf is the main element of a page, for failure messages.
func mainOf(page string) string {
	if i, j := strings.Index(page, "<main"), strings.Index(page, "</main>"); i >= 0 && j > i {
		return page[i : j+7]
	}
	return page
}
