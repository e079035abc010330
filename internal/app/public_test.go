package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
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
		reporter := citizen(t, srv, logs, "0912000111")
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
