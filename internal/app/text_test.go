package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// Text that is not UTF-8 is refused at the boundary with 400 and a reason, in
// every kind of form (a decision matter's title, a disclosure's title in a
// multipart form, a feedback description sent anonymously), and nothing is
// stored: not the object, not its audit or public record entry. A title typed
// in decomposed form (NFD) is stored composed (NFC).
func TestTextAtTheBoundary(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		tables := []string{"matters", "disclosures", "disclosure_versions", "feedback_items", "public_record", "audit_log"}
		counts := func() map[string]int {
			m := map[string]int{}
			for _, tb := range tables {
				m[tb] = countRows(t, d, tb)
			}
			return m
		}
		bad := "Họp thôn \xff\xfe bàn đường"
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		visitor := webtest.New(t, srv.URL)
		matters := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		boards := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		feedback := "/xa/" + demo.CommuneCode + "/phan-anh"
		today := legal.Today(time.Now())
		disclosure := func(title string) url.Values {
			return url.Values{"category": {"4"}, "title": {title}, "body": {"Điều 1. Phạm vi"}, "decision_date": {today.AddDays(-2).String()},
				"ch_posting": {"1"}, "ch_posting_start": {today.String()}}
		}
		before := counts()
		for _, tc := range []struct {
			name string
			send func() (int, string)
		}{
			{"DecisionTitle", func() (int, string) {
				code, page, _ := head.Post(matters, matters, url.Values{"subject": {"6"}, "title": {bad}})
				return code, page
			}},
			{"DisclosureTitle", func() (int, string) {
				code, page, _ := official.PostMultipart(boards, boards, disclosure(bad))
				return code, page
			}},
			{"FeedbackDescription", func() (int, string) {
				code, page, _ := visitor.PostMultipart(feedback, feedback, url.Values{"kind": {"feedback"}, "category": {"moi-truong"},
					"place": {fmt.Sprint(village.ID)}, "description": {"Rác thải " + bad}, "key": {"k1"}})
				return code, page
			}},
			{"ControlCharacter", func() (int, string) {
				code, page, _ := head.Post(matters, matters, url.Values{"subject": {"6"}, "title": {"Họp thôn\x00 bàn đường"}})
				return code, page
			}},
			{"ControlInFieldName", func() (int, string) {
				v := disclosure("Quyết toán năm 2026")
				v["x\x01y"] = []string{"1"}
				code, page, _ := official.PostMultipart(boards, boards, v)
				return code, page
			}},
			{"ControlInFileName", func() (int, string) {
				code, page, _ := official.PostMultipart(boards, boards, disclosure("Quyết toán năm 2026"),
					webtest.File{Field: "files", Name: "a\x1b\x07.png", Content: []byte("%PDF-1.4")})
				return code, page
			}},
			{"ControlInFeedbackFileName", func() (int, string) {
				code, page, _ := visitor.PostMultipart(feedback, feedback, url.Values{"kind": {"feedback"}, "category": {"moi-truong"},
					"place": {fmt.Sprint(village.ID)}, "description": {"Rác thải ven đường"}, "key": {"k2"}},
					webtest.File{Field: "photos", Name: "a\x1b\x07.png", Content: []byte("\x89PNG")})
				return code, page
			}},
			{"ControlInDecisionFieldName", func() (int, string) {
				code, page, _ := head.PostMultipart(matters, matters, url.Values{"subject": {"6"}, "title": {"Họp thôn bàn đường"}, "x\x01y": {"1"}})
				return code, page
			}},
			{"Query", func() (int, string) {
				code, page, _ := visitor.Get("/cong-khai/tim?q=%FF%FE")
				return code, page
			}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				code, page := tc.send()
				if code != http.StatusBadRequest || !(strings.Contains(page, "không phải UTF-8") || strings.Contains(page, "ký tự điều khiển")) {
					t.Errorf("status %d, want 400 saying what is wrong: %.200s", code, page[max(strings.Index(page, "<main"), 0):])
				}
				if got := counts(); fmt.Sprint(got) != fmt.Sprint(before) {
					t.Errorf("rows after a refusal %v, before %v", got, before)
				}
			})
		}
		// A decomposed title is kept composed.
		title := "Quy chế dân chủ ở cơ sở thôn Đông năm 2026"
		if code, page, _ := official.PostMultipart(boards, boards, disclosure(norm.NFD.String(title))); code != http.StatusSeeOther {
			t.Fatalf("post: %d\n%s", code, page)
		}
		var stored string
		if err := d.QueryRow("select title from disclosures order by id desc limit 1").Scan(&stored); err != nil {
			t.Fatal(err)
		}
		if stored != title || !norm.NFC.IsNormalString(stored) {
			t.Errorf("stored %q (NFC: %v), want %q", stored, norm.NFC.IsNormalString(stored), title)
		}
	})
}
