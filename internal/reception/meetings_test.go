package reception_test

import (
	"context"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/document"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/reception"
)

func TestDialoguesAndConferences(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.now = ict(2026, 12, 1, 9, 0)
		// Nothing held yet this year: the commune lacks its dialogue and both villages their conference.
		items, err := f.svc.Due(ctx, []org.Unit{f.danDien})
		if err != nil {
			t.Fatal(err)
		}
		if kinds := kindsOf(items); kinds["reception.work.dialogue"] != 1 || kinds["reception.work.conference"] != 2 {
			t.Fatalf("work before anything: %+v", items)
		}
		// The province's home counts its communes: Đan Điền and Phú Xuân lack a dialogue.
		items, _ = f.svc.Due(ctx, []org.Unit{f.hue})
		if kinds := kindsOf(items); kinds["reception.work.dialogue"] != 2 || kinds["reception.work.conference"] != 3 {
			t.Fatalf("province work: %+v", items)
		}
		f.now = ict(2026, 12, 17, 9, 0)
		conf := reception.MeetingDraft{Kind: reception.Conference, UnitID: f.v1.ID, Day: dec(20), Starts: "19:30", Place: "Nhà văn hóa thôn Đông Phước",
			Topics: "Tổng kết năm", Chair: "Trần Văn Thôn", NoticedOn: dec(16), Channels: "loa truyền thanh", PlanSent: []string{"commune", "front"}}
		// Told 4 days before: refused (at least 5 days, ND 59 Art 10); the day it had to be told is named.
		_, err = f.svc.PlanMeeting(ctx, f.commune, f.danDien.ID, conf)
		wantField(t, err, "noticed_on", "15/12/2026")
		bad := []struct {
			name  string
			edit  func(*reception.MeetingDraft)
			field string
		}{
			{"FutureNotice", func(m *reception.MeetingDraft) { m.NoticedOn = dec(18) }, "noticed_on"},
			{"NoPlace", func(m *reception.MeetingDraft) { m.Place = "" }, "place"},
			{"Recipient", func(m *reception.MeetingDraft) { m.PlanSent = []string{"mayor"} }, "plan_sent"},
			{"Kind", func(m *reception.MeetingDraft) { m.Kind = "party" }, "kind"},
			{"NoticeWithoutChannel", func(m *reception.MeetingDraft) { m.NoticedOn, m.Channels = dec(1), "" }, "channels"},
			{"NoticeAfterTheDay", func(m *reception.MeetingDraft) { m.Kind, m.Day, m.NoticedOn = reception.Dialogue, dec(10), dec(12) }, "noticed_on"},
			{"CommuneAsVillage", func(m *reception.MeetingDraft) { m.UnitID = f.danDien.ID }, "unit"},
		}
		for _, c := range bad {
			t.Run(c.name, func(t *testing.T) {
				m := conf
				m.NoticedOn = dec(1)
				c.edit(&m)
				_, err := f.svc.PlanMeeting(ctx, f.commune, f.danDien.ID, m)
				wantField(t, err, c.field, "")
			})
		}
		// Another commune's village, through Đan Điền's address or by its own official: refused.
		other := conf
		other.UnitID, other.NoticedOn = f.pxVillage.ID, dec(1)
		_, err = f.svc.PlanMeeting(ctx, f.commune, f.danDien.ID, other)
		want(t, err, apperr.CodeNotFound, "")
		_, err = f.svc.PlanMeeting(ctx, f.otherCommune, f.danDien.ID, other)
		want(t, err, apperr.CodeNotFound, "")
		conf.NoticedOn = dec(1)
		m, err := f.svc.PlanMeeting(ctx, f.commune, f.danDien.ID, conf)
		if err != nil {
			t.Fatal(err)
		}
		// No question before it is held; not held before its day.
		_, err = f.svc.AddItem(ctx, f.commune, f.danDien.ID, m.ID, reception.ItemDraft{Kind: reception.Question, Text: "x", Owner: "y", Due: dec(31)})
		want(t, err, apperr.CodeConflict, "ghi kết quả trước")
		f.now = ict(2026, 12, 19, 9, 0)
		_, err = f.svc.Held(ctx, f.commune, f.danDien.ID, m.ID, reception.HeldDraft{Convened: 120, Attended: 96, HeadReport: "Báo cáo", Result: "Kết luận", Version: m.Version})
		wantField(t, err, "attended", "Chưa đến ngày")
		f.now = ict(2026, 12, 20, 22, 0)
		_, err = f.svc.Held(ctx, f.commune, f.danDien.ID, m.ID, reception.HeldDraft{Convened: 120, Attended: 96, Result: "Kết luận", Version: m.Version})
		wantField(t, err, "head_report", "")
		_, err = f.svc.Held(ctx, f.commune, f.danDien.ID, m.ID, reception.HeldDraft{Convened: 120, Attended: 130, HeadReport: "Báo cáo", Result: "Kết luận", Version: m.Version})
		wantField(t, err, "attended", "")
		// Another commune's official cannot record it, even by its ID.
		_, err = f.svc.Held(ctx, f.otherCommune, f.phuXuan.ID, m.ID, reception.HeldDraft{Convened: 1, Attended: 1, HeadReport: "x", Result: "x", Version: m.Version})
		want(t, err, apperr.CodeNotFound, "")
		held, err := f.svc.Held(ctx, f.commune, f.danDien.ID, m.ID, reception.HeldDraft{Convened: 120, Attended: 96,
			HeadReport: "Trưởng thôn báo cáo kết quả năm.", FrontReport: "Ban công tác Mặt trận báo cáo.", Result: "Thống nhất kế hoạch năm sau.",
			ResultSent: dec(20), Version: m.Version})
		if err != nil || held.Status != reception.Held || held.Attended != 96 {
			t.Fatalf("held = %+v, %v", held, err)
		}
		// A stale version is refused.
		_, err = f.svc.Held(ctx, f.commune, f.danDien.ID, m.ID, reception.HeldDraft{Convened: 120, Attended: 90, HeadReport: "x", Result: "x", Version: m.Version})
		want(t, err, apperr.CodeConflict, "tải lại trang")
		// A question and a commitment, followed up.
		q, err := f.svc.AddItem(ctx, f.commune, f.danDien.ID, m.ID, reception.ItemDraft{Kind: reception.Question, Text: "Khi nào sửa đường?", Owner: "Chủ tịch UBND xã", Due: dec(31)})
		if err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.AddItem(ctx, f.commune, f.danDien.ID, m.ID, reception.ItemDraft{Kind: reception.Commitment, Text: "Lắp đèn đường", Owner: "Trưởng thôn", Due: dec(19)})
		wantField(t, err, "due", "")
		if _, err := f.svc.AddItem(ctx, f.commune, f.danDien.ID, m.ID, reception.ItemDraft{Kind: reception.Commitment, Text: "Lắp đèn đường", Owner: "Trưởng thôn", Due: dec(28)}); err != nil {
			t.Fatal(err)
		}
		f.now = ict(2026, 12, 29, 9, 0)
		items, _ = f.svc.Due(ctx, []org.Unit{f.danDien})
		kinds := kindsOf(items)
		if kinds["reception.work.conference"] != 1 || kinds["reception.work.items"] != 2 || overdue(items, "reception.work.items") != 1 {
			t.Fatalf("work after the conference: %+v", items)
		}
		wantField(t, f.svc.DoneItem(ctx, f.commune, f.danDien.ID, m.ID, q.ID, " "), "outcome", "")
		if err := f.svc.DoneItem(ctx, f.commune, f.danDien.ID, m.ID, q.ID, "Đã trả lời tại hội nghị tiếp xúc cử tri."); err != nil {
			t.Fatal(err)
		}
		want(t, f.svc.DoneItem(ctx, f.commune, f.danDien.ID, m.ID, q.ID, "lần nữa"), apperr.CodeConflict, "đã được ghi là xong")
		want(t, f.svc.DoneItem(ctx, f.commune, f.danDien.ID, m.ID, 12345, "x"), apperr.CodeNotFound, "")
		// The dialogue of the commune, then the minutes of the conference.
		dl, err := f.svc.PlanMeeting(ctx, f.commune, f.danDien.ID, reception.MeetingDraft{Kind: reception.Dialogue, Day: dec(29), Place: "Hội trường UBND xã",
			Topics: "Đối thoại về giải phóng mặt bằng", Chair: "Nguyễn Văn Chủ Tịch"})
		if err != nil || dl.UnitID != f.danDien.ID {
			t.Fatalf("dialogue = %+v, %v", dl, err)
		}
		if _, err := f.svc.Held(ctx, f.commune, f.danDien.ID, dl.ID, reception.HeldDraft{Convened: 80, Attended: 75, Result: "Nhân dân đồng thuận phương án.", Version: dl.Version}); err != nil {
			t.Fatal(err)
		}
		items, _ = f.svc.Due(ctx, []org.Unit{f.danDien})
		if kinds := kindsOf(items); kinds["reception.work.dialogue"] != 0 {
			t.Errorf("the dialogue held still missing: %+v", items)
		}
		doc, err := f.svc.MinutesDoc(ctx, f.commune, f.danDien.ID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		text := docText(doc)
		for _, want := range []string{"BIÊN BẢN", "Hội nghị định kỳ của cộng đồng dân cư Thôn Đông Phước năm 2026", "Có mặt 96/120", "Khi nào sửa đường?",
			"Trưởng thôn báo cáo kết quả năm.", "Thống nhất kế hoạch năm sau."} {
			if !strings.Contains(text, want) {
				t.Errorf("minutes lack %q:\n%s", want, text)
			}
		}
		if doc.Issuer != "THÔN ĐÔNG PHƯỚC" || doc.Parent != "XÃ ĐAN ĐIỀN" || doc.Date != dec(20) {
			t.Errorf("minutes header: %q / %q / %s", doc.Parent, doc.Issuer, doc.Date)
		}
		_, err = f.svc.MinutesDoc(ctx, f.otherCommune, f.phuXuan.ID, m.ID)
		want(t, err, apperr.CodeNotFound, "")
		ms, missing, err := f.svc.Meetings(ctx, f.commune, f.danDien.ID, 2026)
		if err != nil || len(ms) != 2 || len(missing) != 1 || missing[0].ID != f.v2.ID {
			t.Fatalf("meetings = %d, missing %+v, %v", len(ms), missing, err)
		}
	})
}

func kindsOf(items []office.Item) map[string]int {
	out := map[string]int{}
	for _, it := range items {
		out[it.Kind] += it.Count
	}
	return out
}

func overdue(items []office.Item, kind string) int {
	n := 0
	for _, it := range items {
		if it.Kind == kind {
			n += it.Overdue
		}
	}
	return n
}

func docText(d document.Doc) string {
	var b strings.Builder
	b.WriteString(d.Kind + "\n" + d.Summary + "\n")
	for _, x := range d.Body {
		b.WriteString(x.Text + "\n")
	}
	return b.String()
}
