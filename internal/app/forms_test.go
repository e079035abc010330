package app_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"danchu/internal/config"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// TestFormsAgreeWithServer walks the forms of the pages and compares each
// bounded field with the rule the server applies (the model's constant, or
// the first value its check accepts): a form never refuses what the server
// accepts, nor hides that the server requires a field.
func TestFormsAgreeWithServer(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, logs)
		ctx := t.Context()
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		today := legal.Today(d.Now())
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		consultations := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		code, _, hd := official.Post(consultations, consultations, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế"}, "parts": {"## Chương I\nChung"},
			"forms": {"online"}, "closes_on": {today.AddDays(40).String()}})
		if code != http.StatusSeeOther {
			t.Fatalf("open a consultation: %d", code)
		}
		public := "/lay-y-kien/" + strings.TrimPrefix(hd.Get("Location"), "/quan-tri/lay-y-kien/")
		cit := citizen(t, a, srv, logs, "0912 000 501")
		anyone := webtest.New(t, srv.URL)

		n := strconv.Itoa
		tests := []struct {
			who          *webtest.Browser
			page, action string // action "": the page's own address
			field, attr  string
			want         string // "" with attr "required": the attribute is there
		}{
			// Art 28(2): 20 days, or shorter with another law's basis: the first day any window may end is tomorrow.
			{official, consultations, "", "closes_on", "min", today.AddDays(1).String()},
			{official, consultations, "", "closes_on", "required", ""},
			{official, consultations, "", "title", "maxlength", n(consultation.MaxTitle)},
			{cit, public, public + "/gop-y", "body", "maxlength", n(consultation.MaxComment)},
			{official, fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey()), "", "title", "maxlength", n(disclosure.MaxTitle)},
			{official, fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey()), "", "decision_date", "required", ""},
			{official, fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey()), "", "decision_date", "min", fmt.Sprintf("%04d-01-01", legal.FirstYear+1)},
			{official, fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey()), "", "decision_date", "max", today.String()},
			{head, fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey()), "", "title", "maxlength", n(decision.MaxTitle)},
			{anyone, "/xa/" + demo.CommuneCode + "/phan-anh", "/xa/" + demo.CommuneCode + "/phan-anh", "description", "maxlength", n(feedback.MaxDescription)},
			{anyone, "/xa/" + demo.CommuneCode + "/phan-anh", "/xa/" + demo.CommuneCode + "/phan-anh", "address", "maxlength", n(feedback.MaxAddress)},
			{cit, "/xa/" + demo.CommuneCode + "/phan-anh", "/xa/" + demo.CommuneCode + "/phan-anh", "contact", "maxlength", n(feedback.MaxContact)},
		}
		for _, tt := range tests {
			t.Run(tt.page+" "+tt.field+" "+tt.attr, func(t *testing.T) {
				code, page, _ := tt.who.Get(tt.page)
				if code != http.StatusOK {
					t.Fatalf("%s: %d", tt.page, code)
				}
				var form webtest.Form
				found := false
				for _, f := range webtest.Forms(page) {
					if _, ok := f.Field(tt.field); ok && (f.Action == tt.action || tt.action == "" && f.Action == "") {
						form, found = f, true
						break
					}
				}
				if !found {
					t.Fatalf("no form with %s posting to %q on %s", tt.field, tt.action, tt.page)
				}
				f, _ := form.Field(tt.field)
				got, has := f.Attrs[tt.attr]
				switch {
				case tt.want == "" && !has:
					t.Errorf("%s has no %s attribute: the server requires it", tt.field, tt.attr)
				case tt.want != "" && got != tt.want:
					t.Errorf("%s %s=%q, the server's rule is %q", tt.field, tt.attr, got, tt.want)
				}
			})
		}

		// The conditional rule itself: the form's first day is accepted with a
		// legal basis, the day before it refused.
		form := url.Values{"subject": {"6"}, "title": {"Dự thảo ngắn"}, "parts": {"## I\nA"}, "forms": {"online"}, "short_basis": {"Luật Ngân sách nhà nước"}}
		form.Set("closes_on", today.AddDays(1).String())
		if code, page, _ := official.Post(consultations, consultations, cloneValues(form)); code != http.StatusSeeOther {
			t.Errorf("a window to the form's first day with a basis: %d %s", code, mainOf(page))
		}
		form.Set("closes_on", today.String())
		if code, _, _ := official.Post(consultations, consultations, form); code != http.StatusBadRequest {
			t.Errorf("a window ending the day it opens: %d, want 400", code)
		}
	})
}
