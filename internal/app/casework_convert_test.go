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

	"danchu/internal/apperr"
	"danchu/internal/casework"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// A feedback item that is really a denunciation becomes a case: the official
// handling it opens the entry form from the item, completes it and the case
// is received on the item's day; the item closes with its history kept and a
// last event that does not say which procedure; what may name the reporter
// leaves the feedback tables; the citizen who sent it signed in follows the
// case on their own page. Another commune's official, a forged item and a
// second conversion change nothing.
func TestCaseworkConvertFeedback(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		logs := &logBuffer{}
		a, srv := caseSite(t, d, logs, true)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		cit := citizen(t, a, srv, logs, "0912 000 444")
		page := "/xa/" + demo.CommuneCode + "/phan-anh"
		_, body, _ := cit.Get(page)
		key := regexp.MustCompile(`name="key" value="([0-9a-f]+)"`).FindStringSubmatch(body)
		if key == nil {
			t.Fatal("the signed-in citizen's feedback form has no key")
		}
		const said = "Ông trưởng thôn Mỏ Neo thu tiền làm đường không có biên lai"
		code, _, hd := cit.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"giao-thong"}, "place": {fmt.Sprint(commune.ID)},
			"description": {said}, "address": {"xóm Giếng Cạn"}, "key": {key[1]}}, webtest.File{Field: "photos", Name: "anh.png", Content: smallPNG(t)})
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("feedback: %d %s", code, hd.Get("Location"))
		}
		fbCode := m[1]
		me := officialActor(t, a, "xa@danchu.demo")
		it, err := a.Feedback.ByCode(ctx, me, fbCode)
		if err != nil {
			t.Fatal(err)
		}
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		item := feedback.ItemURL(it.ID)
		form := fmt.Sprintf("/quan-tri/don-vi/%s/don-thu/nhap?phan-anh=%d", commune.OfficeKey(), it.ID)
		if code, body, _ := official.Get(item); code != http.StatusOK || !strings.Contains(body, strings.ReplaceAll(form, "&", "&amp;")) {
			t.Fatalf("the item's page has no conversion link: %d", code)
		}
		code, body, _ = official.Get(form)
		if code != http.StatusOK || !strings.Contains(body, said) || !strings.Contains(body, "Chuyển từ phản ánh, kiến nghị "+fbCode) {
			t.Fatalf("the conversion form: %d %.400s", code, body)
		}
		// Another commune's official does not find the item, on the form or posting it.
		other := signIn(t, srv, "quangdien@danchu.demo", demo.Password)
		otherForm := fmt.Sprintf("/quan-tri/don-vi/%s/don-thu/nhap", demo.SecondCode)
		if code, _, _ := other.Get(fmt.Sprintf("%s?phan-anh=%d", otherForm, it.ID)); code != http.StatusNotFound {
			t.Errorf("another commune's conversion form: %d", code)
		}
		v := url.Values{"feedback": {fmt.Sprint(it.ID)}, "kind": {casework.Denunciation}, "unit": {commune.OfficeKey()}, "subject": {"Tố cáo thu tiền không biên lai"},
			"body": {said}, "name": {"Đỗ Thị Kín Tiếng"}, "address": {"xóm Giếng Cạn"}, "phone": {"0912 000 444"}, "people": {"1"}}
		v2 := url.Values{}
		for k, x := range v {
			v2[k] = x
		}
		v2.Set("unit", demo.SecondCode)
		v2.Set("key", "convert-other")
		if code, _, _ := other.PostMultipart(otherForm, otherForm, v2); code != http.StatusNotFound {
			t.Errorf("another commune's official converting the item: %d", code)
		}
		// A forged item id: not found, nothing entered.
		forged := url.Values{}
		for k, x := range v {
			forged[k] = x
		}
		forged.Set("feedback", "987654321")
		forged.Set("key", "convert-forged")
		enter := fmt.Sprintf("/quan-tri/don-vi/%s/don-thu/nhap", commune.OfficeKey())
		if code, _, _ := official.PostMultipart(enter, enter, forged); code != http.StatusNotFound {
			t.Errorf("a forged item: %d", code)
		}
		if n := countRows(t, d, "cases"); n != 0 {
			t.Fatalf("%d cases after refused conversions", n)
		}
		if n := countRows(t, d, "feedback_photos"); n != 1 {
			t.Fatalf("%d photos before the conversion", n)
		}
		v.Set("key", "convert-1")
		code, _, hd = official.PostMultipart(enter, enter, v)
		if code != http.StatusSeeOther || !strings.Contains(hd.Get("Location"), "/don-thu/") {
			t.Fatalf("convert: %d %v", code, hd)
		}
		casePage := hd.Get("Location")
		code, body, _ = official.Get(casePage)
		if code != http.StatusOK || !strings.Contains(body, "Chuyển từ phản ánh, kiến nghị "+fbCode) || !strings.Contains(body, feedback.ConvertNote) ||
			strings.Contains(body, "Kín Tiếng") {
			t.Fatalf("the case page: %d %.600s", code, body)
		}
		var c casework.Case
		cs, err := a.Cases.List(ctx, me, commune, casework.Filter{})
		if err != nil || len(cs) != 1 {
			t.Fatalf("cases: %v %v", cs, err)
		}
		c = cs[0]
		if c.FeedbackID != it.ID || c.Channel != casework.ByFeedback || c.Received != legal.Today(time.UnixMilli(it.CreatedAt)) {
			t.Errorf("the case: feedback %d channel %q received %s", c.FeedbackID, c.Channel, c.Received)
		}
		// The item: closed, its history kept, nothing left that may name the reporter.
		got, err := a.Feedback.Get(ctx, me, it.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != feedback.Refused || got.Answer != feedback.ConvertNote || got.Contact != "" || strings.Contains(got.Description, "trưởng thôn") ||
			got.Address != "" || len(got.Events) < 2 {
			t.Errorf("the converted item: %+v", got)
		}
		var n int
		if err := d.QueryRowContext(ctx, "select count(*) from feedback_items where description like '%trưởng thôn%' or address like '%Giếng%' or contact <> ''").Scan(&n); err != nil || n != 0 {
			t.Errorf("the feedback table still holds the reporter's words (%d rows, %v)", n, err)
		}
		// Its photo is the case's first attachment (sealed), and left the item.
		if n := countRows(t, d, "case_files"); n != 1 || len(got.Photos) != 0 || got.Item.Photos != 0 || countRows(t, d, "feedback_photos") != 0 {
			t.Errorf("the photo: %d case files, the item holds %d photos (%d rows)", n, got.Item.Photos, countRows(t, d, "feedback_photos"))
		}
		// Its reporter was told in a sealed note (the address not readable in the outbox).
		if err := d.QueryRowContext(ctx, "select count(*) from outbox where kind = 'feedback.converted' and address = '' and account_id = 0").Scan(&n); err != nil || n != 1 {
			t.Errorf("%d sealed notes of the conversion (%v)", n, err)
		}
		// Its public page says where it went, not which procedure nor the case.
		if code, body, _ := cit.Get("/phan-anh/" + fbCode); code != http.StatusOK || !strings.Contains(body, "thủ tục giải quyết khiếu nại, tố cáo") || strings.Contains(body, c.Code) {
			t.Errorf("the item's public page: %d", code)
		}
		// The citizen who sent it signed in follows the case.
		if code, body, _ := cit.Get("/cong-dan/don-thu"); code != http.StatusOK || !strings.Contains(body, c.Code) {
			t.Errorf("the citizen's cases: %d", code)
		}
		// A second conversion of the same item: refused, nothing entered.
		_, err = a.Cases.Enter(ctx, me, casework.Draft{FeedbackID: it.ID, Kind: casework.Complaint, UnitID: commune.ID, Subject: "Lần hai", Body: "x",
			Identity: casework.Identity{Name: "A", Address: "B"}}, nil, db.Idem{})
		if apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("a second conversion: %v", err)
		}
		if n := countRows(t, d, "cases"); n != 1 {
			t.Errorf("%d cases after a second conversion", n)
		}
	})
}
