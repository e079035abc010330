package feedback_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/jpeg"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/feedback"
	"danchu/internal/notify/mailtest"
	"danchu/internal/org"
	"danchu/internal/web/webtest"
)

func (f *fixture) submit(t *testing.T, a *auth.Actor, category, key string, edit ...func(*feedback.Submission)) feedback.Item {
	t.Helper()
	ctx := context.Background()
	s := feedback.Submission{Kind: feedback.Feedback, Category: category, UnitID: f.village.ID, Description: "Đèn đường thôn Đông Phước hỏng 2 tuần",
		Contact: "dan@example.vn", IdemKey: key}
	for _, e := range edit {
		e(&s)
	}
	c, err := f.svc.Submit(ctx, a, s)
	if err != nil {
		t.Fatal(err)
	}
	p, _ := f.svc.Track(ctx, c)
	it, err := f.svc.ByCode(ctx, f.official, p.Code)
	if apperr.CodeOf(err) == apperr.CodeNotFound {
		it, err = f.svc.ByCode(ctx, f.stranger, p.Code)
	}
	if err != nil {
		t.Fatal(err)
	}
	return it
}

// mailTo returns the subjects and texts of the messages received for address.
// Outbox.Deliver returns only after the SMTP server has accepted each message,
// so there is nothing to wait for: what has not arrived was not sent.
func mailTo(t *testing.T, m *mailtest.Server, address string) []string {
	t.Helper()
	var out []string
	for _, x := range m.Wait(t, 0) {
		if strings.Contains(x.To, address) {
			out = append(out, x.Subject+" | "+x.Text)
		}
	}
	return out
}

func TestAnswerRateReopen(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		var jpg bytes.Buffer
		jpeg.Encode(&jpg, image.NewGray(image.Rect(0, 0, 40, 30)), nil)
		it := f.submit(t, f.citizen, "dien-nuoc", "a", func(s *feedback.Submission) {
			s.Photos = []feedback.Upload{{Name: "den.jpg", R: &jpg}}
		})
		if it.Photos != 1 || it.HandlerID != f.commune.ID || it.Status != feedback.Received {
			t.Fatalf("stored item: %+v", it)
		}
		det, err := f.svc.Get(ctx, f.official, it.ID)
		if err != nil || len(det.Photos) != 1 || det.Description == "" || det.Contact != "dan@example.vn" {
			t.Fatalf("official's view: %+v %v", det, err)
		}
		// Another commune's official: the item does not exist for them.
		if _, err := f.svc.Get(ctx, f.stranger, it.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("other commune reads: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.stranger, it.ID, feedback.Step{Action: feedback.DoAnswer, Note: "x"}); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("other commune answers: %v", err)
		}
		// The citizen cannot rate or reopen before the answer.
		if err := f.svc.Rate(ctx, f.citizen, it.Code, 5, ""); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("rating an unanswered item: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.official, it.ID, feedback.Step{Action: feedback.DoAnswer, Note: "  "}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("empty answer: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.official, it.ID, feedback.Step{Action: feedback.DoClose}); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("closing a received item: %v", err)
		}
		for _, st := range []feedback.Step{{Action: feedback.DoAccept}, {Action: feedback.DoStart},
			{Action: feedback.DoAnswer, Note: "Điện lực đã thay bóng đèn ngày 21/11/2026."}} {
			if _, err := f.svc.Act(ctx, f.official, it.ID, st); err != nil {
				t.Fatalf("%s: %v", st.Action, err)
			}
		}
		p, _ := f.svc.Track(ctx, it.Code)
		if p.Status != feedback.Answered || !strings.Contains(p.Answer, "thay bóng đèn") || len(p.Events) != 4 {
			t.Errorf("public page after the answer: %+v", p)
		}
		if _, _, err := f.out.Deliver(ctx, 100); err != nil {
			t.Fatal(err)
		}
		// The sender got the code on receipt, then the answer, each with the link to the code's page.
		got := mailTo(t, f.mail, "dan@example.vn")
		if len(got) != 2 || !strings.Contains(got[0], "Mã theo dõi: "+it.Code+". Hạn trả lời: 01/12/2026") ||
			!strings.Contains(got[1], "thay bóng đèn") || !strings.Contains(got[1], "https://danchu.test/phan-anh/"+it.Code) {
			t.Errorf("the reporter's mail: %q", got)
		}
		// Ratings: someone else, out of range, then once.
		if err := f.svc.Rate(ctx, &auth.Actor{AccountID: 999, Kind: auth.Citizen}, it.Code, 5, ""); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Errorf("a stranger rates: %v", err)
		}
		if err := f.svc.Rate(ctx, f.citizen, it.Code, 0, ""); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("0 stars: %v", err)
		}
		if err := f.svc.Rate(ctx, f.citizen, it.Code, 4, "Nhanh"); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Rate(ctx, f.citizen, it.Code, 1, ""); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("a second rating: %v", err)
		}
		st, _ := f.svc.Stats(ctx, f.commune.ID)
		if st.Received != 1 || st.Answered != 1 || st.OnTime != 1 || st.Rated != 1 || st.Satisfied != 1 || st.MedianDays != 0 || st.SatisfiedPct() != 100 {
			t.Errorf("stats: %+v", st)
		}
		// Reopen: once, within 7 days; the answer again does not count twice.
		f.now = f.now.Add(3 * 24 * time.Hour)
		if err := f.svc.Reopen(ctx, f.citizen, it.Code, ""); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("reopen without a reason: %v", err)
		}
		if err := f.svc.Reopen(ctx, f.citizen, it.Code, "Đèn lại hỏng sau 2 ngày"); err != nil {
			t.Fatal(err)
		}
		q, _, _ := f.svc.Queue(ctx, f.official, f.commune.ID, "")
		if len(q) != 1 || q[0].Status != feedback.Reopened {
			t.Fatalf("queue after reopening: %+v", q)
		}
		if _, err := f.svc.Act(ctx, f.official, it.ID, feedback.Step{Action: feedback.DoAnswer, Note: "Đã thay cả bộ đèn."}); err != nil {
			t.Fatal(err)
		}
		if err := f.svc.Reopen(ctx, f.citizen, it.Code, "Vẫn chưa được"); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("second reopening: %v", err)
		}
		if st, _ := f.svc.Stats(ctx, f.commune.ID); st.Answered != 1 {
			t.Errorf("answered twice counted: %+v", st)
		}
		// Eight days later, the sweep closes it.
		f.now = f.now.Add(8 * 24 * time.Hour)
		if _, closed, err := f.svc.Sweep(ctx); err != nil || closed != 1 {
			t.Errorf("sweep closed %d: %v", closed, err)
		}
		if p, _ := f.svc.Track(ctx, it.Code); p.Status != feedback.Closed {
			t.Errorf("after the sweep: %s", p.Status)
		}
	})
}

func TestReopenTooLate(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		it := f.submit(t, f.citizen, "moi-truong", "late")
		f.svc.Act(ctx, f.official, it.ID, feedback.Step{Action: feedback.DoAccept})
		if _, err := f.svc.Act(ctx, f.official, it.ID, feedback.Step{Action: feedback.DoAnswer, Note: "Đã thu gom."}); err != nil {
			t.Fatal(err)
		}
		f.now = f.now.Add(8 * 24 * time.Hour)
		if err := f.svc.Reopen(ctx, f.citizen, it.Code, "Chưa thu gom hết"); apperr.CodeOf(err) != apperr.CodeConflict || !strings.Contains(webtest.Vietnamese(t, err), "7 ngày") {
			t.Errorf("reopen after 8 days: %v", err)
		}
	})
}

func TestRefuseTransferMerge(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		a := f.submit(t, f.citizen, "giao-thong", "a")
		if _, err := f.svc.Act(ctx, f.official, a.ID, feedback.Step{Action: feedback.DoRefuse}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("refusal without a reason: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.official, a.ID, feedback.Step{Action: feedback.DoRefuse, Note: "Nội dung đã được trả lời ở PA trước"}); err != nil {
			t.Fatal(err)
		}
		// Transfer, late: received Friday 20/11, five working days end Friday 27/11.
		b := f.submit(t, f.citizen, "dat-dai", "b")
		f.now = time.Date(2026, 11, 30, 2, 0, 0, 0, time.UTC)
		if _, err := f.svc.Act(ctx, f.official, b.ID, feedback.Step{Action: feedback.DoTransfer, ToUnit: f.village.ID, Note: "x"}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("transfer to a village: %v", err)
		}
		moved, err := f.svc.Act(ctx, f.official, b.ID, feedback.Step{Action: feedback.DoTransfer, ToUnit: f.other.ID, Note: "Đất thuộc địa bàn phường Phú Xuân"})
		if err != nil || moved.HandlerID != f.other.ID || moved.Status != feedback.Received {
			t.Fatalf("transfer: %+v %v", moved, err)
		}
		p, _ := f.svc.Track(ctx, b.Code)
		if last := p.Events[len(p.Events)-1].Note; !strings.Contains(last, "Phường Phú Xuân") || !strings.Contains(last, "chuyển muộn: hạn chuyển là 27/11/2026") || strings.Contains(last, "Đất thuộc địa bàn") {
			t.Errorf("transfer event: %q", last)
		}
		if _, err := f.svc.Act(ctx, f.official, b.ID, feedback.Step{Action: feedback.DoAccept}); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("the old unit still acts after the transfer: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.stranger, b.ID, feedback.Step{Action: feedback.DoAccept}); err != nil {
			t.Errorf("the new unit accepts: %v", err)
		}
		stDD, _ := f.svc.Stats(ctx, f.commune.ID)
		stPX, _ := f.svc.Stats(ctx, f.other.ID)
		if stDD.Received != 1 || stDD.Refused != 1 || stPX.Received != 1 {
			t.Errorf("counters after refusal and transfer: %+v %+v", stDD, stPX)
		}
		// Merge two reports of the same pothole; the answer reaches both reporters.
		second := &auth.Actor{AccountID: 502, Kind: auth.Citizen}
		kept := f.submit(t, f.citizen, "giao-thong", "c")
		dup := f.submit(t, second, "giao-thong", "d", func(s *feedback.Submission) { s.Contact = "hang@example.vn" })
		if _, err := f.svc.Act(ctx, f.official, dup.ID, feedback.Step{Action: feedback.DoMerge, Into: dup.Code}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("merge into itself: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.official, dup.ID, feedback.Step{Action: feedback.DoMerge, Into: b.Code}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("merge into another unit's item: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.official, dup.ID, feedback.Step{Action: feedback.DoMerge, Into: strings.ToLower(kept.Code)}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Act(ctx, f.official, dup.ID, feedback.Step{Action: feedback.DoAccept}); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("acting on a merged item: %v", err)
		}
		if _, err := f.svc.Act(ctx, f.official, kept.ID, feedback.Step{Action: feedback.DoAccept}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Act(ctx, f.official, kept.ID, feedback.Step{Action: feedback.DoAnswer, Note: "Đã vá ổ gà."}); err != nil {
			t.Fatal(err)
		}
		if p, _ := f.svc.Track(ctx, dup.Code); p.MergedInto != kept.Code || p.Answer != "Đã vá ổ gà." || p.Status != feedback.Closed {
			t.Errorf("the duplicate's page: %+v", p)
		}
		if _, _, err := f.out.Deliver(ctx, 100); err != nil {
			t.Fatal(err)
		}
		got := mailTo(t, f.mail, "hang@example.vn")
		if len(got) != 3 || !strings.Contains(got[1], "gộp") || !strings.Contains(got[2], "Đã vá ổ gà") {
			t.Errorf("the second reporter's mail: %q", got)
		}
	})
}

func TestQueueOrderRoutingHotSpotsReminders(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		cats := []string{"an-ninh", "moi-truong", "dat-dai"} // 5, 10, 15 working days
		for i := range 120 {
			f.submit(t, f.citizen, cats[i%3], fmt.Sprint(i))
		}
		var all []feedback.Item
		after := ""
		for pages := 0; ; pages++ {
			q, next, err := f.svc.Queue(ctx, f.official, f.commune.ID, after)
			if err != nil || pages > 3 {
				t.Fatal(err, pages)
			}
			all = append(all, q...)
			if next == "" {
				break
			}
			after = next
		}
		if len(all) != 120 {
			t.Fatalf("queue pages held %d items", len(all))
		}
		for i := 1; i < len(all); i++ {
			if all[i].DueOn.Before(all[i-1].DueOn) {
				t.Fatalf("queue not by due date at %d: %s after %s", i, all[i].DueOn, all[i-1].DueOn)
			}
		}
		// A cursor is read strictly: "2026-12-01_12abc" was read as 12, a cursor without a date as the first page.
		for _, bad := range []string{"2026-12-01_12abc", "xyz", "2026-13-01_5", "2026-12-01_-5", "_5"} {
			if _, _, err := f.svc.Queue(ctx, f.official, f.commune.ID, bad); apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Errorf("cursor %q: %v, want invalid", bad, err)
			}
		}
		if _, _, err := f.svc.Queue(ctx, f.stranger, f.commune.ID, ""); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("another commune's queue: %v", err)
		}
		spots, err := f.svc.HotSpots(ctx, f.commune.ID)
		if err != nil || len(spots) != 3 || spots[0].N != 40 || spots[0].UnitID != f.village.ID {
			t.Errorf("hot spots: %+v %v", spots, err)
		}
		if s, err := f.svc.HotSpots(ctx, f.other.ID); err != nil || len(s) != 0 {
			t.Errorf("hot spots of a quiet ward: %+v (%v)", s, err)
		}
		// Reminders: security items are due Friday 27/11; on Wednesday 25/11 they are within two working days.
		f.now = time.Date(2026, 11, 25, 2, 0, 0, 0, time.UTC)
		n, _, err := f.svc.Sweep(ctx)
		if err != nil || n != 40 {
			t.Fatalf("reminded %d: %v", n, err)
		}
		if n, _, err := f.svc.Sweep(ctx); err != nil || n != 0 {
			t.Errorf("reminded again: %d (%v)", n, err)
		}
		if _, _, err := f.out.Deliver(ctx, 1000); err != nil {
			t.Fatal(err)
		}
		if got := mailTo(t, f.mail, "tiepnhan@dandien.vn"); len(got) != 1 || !strings.Contains(got[0], "40 phản ánh") || !strings.Contains(got[0], feedback.QueueURL(f.commune)) {
			t.Errorf("the reminder: %q", got)
		}
		// Routing: security items of the commune now go to the ward (standing in for the police).
		if err := f.svc.SetRoute(ctx, f.stranger, "an-ninh", f.commune.ID, f.other.ID); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("another unit's official sets the route: %v", err)
		}
		if err := f.svc.SetRoute(ctx, f.official, "an-ninh", f.commune.ID, f.other.ID); err != nil {
			t.Fatal(err)
		}
		if it := f.submit(t, f.citizen, "an-ninh", "routed"); it.HandlerID != f.other.ID {
			t.Errorf("routed to %d, want %d", it.HandlerID, f.other.ID)
		}
		if it := f.submit(t, f.citizen, "moi-truong", "not routed"); it.HandlerID != f.commune.ID {
			t.Errorf("an unrouted category went to %d", it.HandlerID)
		}
	})
}

func TestProvinceSettings(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		cats, _ := feedback.ParseCategories("moi-truong | Môi trường | 10\nngap-lut | Ngập lụt, sạt lở | 3 | moi-truong\nkhac | Khác | 10\n")
		// A commune official cannot change the province's list.
		if err := f.svc.SetSettings(ctx, f.official, f.commune.ParentID, cats, feedback.HotSpot{N: 3, Days: 2}); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("a commune official sets the province's categories: %v", err)
		}
		admin := &auth.Actor{AccountID: f.official.AccountID, Kind: auth.Official, Grants: []auth.Grant{{Role: auth.ProvinceAdmin, UnitID: f.commune.ParentID}}}
		if err := f.svc.SetSettings(ctx, admin, f.commune.ParentID, cats, feedback.HotSpot{N: 1, Days: 2}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("a hot-spot rule of one item: %v", err)
		}
		if got, err := f.svc.CategoriesOf(ctx, f.village.ID); err != nil || len(got) != len(feedback.DefaultCategories) {
			t.Fatalf("a refused change changed the list: %d (%v)", len(got), err)
		}
		if err := f.svc.SetSettings(ctx, admin, f.commune.ParentID, cats, feedback.HotSpot{N: 3, Days: 2}); err != nil {
			t.Fatal(err)
		}
		// The new category's deadline: 3 working days from Friday 20/11 is Wednesday 25/11.
		it := f.submit(t, f.citizen, "ngap-lut", "flood")
		if it.DueOn.String() != "2026-11-25" {
			t.Errorf("deadline %s, want 2026-11-25", it.DueOn)
		}
		if _, err := f.svc.Submit(ctx, f.citizen, feedback.Submission{Kind: feedback.Feedback, Category: "dat-dai", UnitID: f.village.ID,
			Description: "Tranh chấp ranh giới đất", IdemKey: "land"}); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("a category the province removed: %v", err)
		}
		// The province's rule: three items in two days make a hot spot.
		f.submit(t, f.citizen, "ngap-lut", "flood 2")
		if s, err := f.svc.HotSpots(ctx, f.commune.ID); err != nil || len(s) != 0 {
			t.Errorf("two items flagged: %+v (%v)", s, err)
		}
		f.submit(t, f.citizen, "ngap-lut", "flood 3")
		if s, _ := f.svc.HotSpots(ctx, f.commune.ParentID); len(s) != 1 || s[0].N != 3 || s[0].Category != "ngap-lut" {
			t.Errorf("hot spots: %+v", s)
		}
	})
}

// The total of several units takes its median from their histograms added up.
func TestStatsTotalMedian(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		answer := func(a *auth.Actor, it feedback.Item) {
			t.Helper()
			for _, st := range []feedback.Step{{Action: feedback.DoAccept}, {Action: feedback.DoAnswer, Note: "Đã xử lý."}} {
				if _, err := f.svc.Act(ctx, a, it.ID, st); err != nil {
					t.Fatal(err)
				}
			}
		}
		a, b := f.submit(t, f.citizen, "moi-truong", "a"), f.submit(t, f.citizen, "moi-truong", "b")
		moved := f.submit(t, f.citizen, "moi-truong", "c")
		if _, err := f.svc.Act(ctx, f.official, moved.ID, feedback.Step{Action: feedback.DoTransfer, ToUnit: f.other.ID, Note: "Thuộc địa bàn phường"}); err != nil {
			t.Fatal(err)
		}
		answer(f.official, a) // the same day: 0 days
		f.now = f.now.Add(4 * 24 * time.Hour)
		answer(f.official, b)     // 4 days
		answer(f.stranger, moved) // 4 days, by the ward
		per, total, err := f.svc.UnitStats(ctx, []int64{f.commune.ID, f.other.ID})
		if err != nil {
			t.Fatal(err)
		}
		if per[f.commune.ID].MedianDays != 0 || per[f.other.ID].MedianDays != 4 || total.MedianDays != 4 || total.Answered != 3 || total.Received != 3 {
			t.Errorf("commune %+v, ward %+v, total %+v", per[f.commune.ID], per[f.other.ID], total)
		}
	})
}

// The sweep that closes answered items reads them, then closes them. A reopen
// committed between the two (the citizen's request was checked inside the
// window, its write lands just after the sweep's read) wins: the sweep skips
// the item instead of overwriting "reopened" with "closed".
func TestSweepSkipsAnItemReopenedMeanwhile(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		it := f.submit(t, f.citizen, "dien-nuoc", "race")
		for _, st := range []feedback.Step{{Action: feedback.DoAccept}, {Action: feedback.DoStart},
			{Action: feedback.DoAnswer, Note: "Đã thay bóng đèn."}} {
			if _, err := f.svc.Act(ctx, f.official, it.ID, st); err != nil {
				t.Fatalf("%s: %v", st.Action, err)
			}
		}
		answered := f.now
		f.now = answered.Add(feedback.ReopenWindow + time.Hour)
		reopened := false
		feedback.SetAfterSweepRead(f.svc, func() {
			sweepAt := f.now
			f.now = answered.Add(feedback.ReopenWindow - time.Minute) // the reopen was checked in time
			if err := f.svc.Reopen(ctx, f.citizen, it.Code, "Đèn lại hỏng"); err != nil {
				t.Errorf("reopen: %v", err)
			}
			reopened = true
			f.now = sweepAt
		})
		_, closed, err := f.svc.Sweep(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reopened {
			t.Fatal("the sweep did not read the answered item")
		}
		p, err := f.svc.Track(ctx, it.Code)
		if err != nil {
			t.Fatal(err)
		}
		if closed != 0 || p.Status != feedback.Reopened {
			t.Errorf("sweep closed %d, status %s; want 0 and %s (the reopen committed first)", closed, p.Status, feedback.Reopened)
		}
		for _, e := range p.Events {
			if e.Status == feedback.Closed {
				t.Errorf("a close event was recorded for the reopened item: %+v", p.Events)
			}
		}
	})
}

// Open311's list of requests: the store's filter by place (a commune with its
// villages, or a village), time, category and status, on both engines.
func TestRequestsFilter(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		inVillage := f.submit(t, f.citizen, "giao-thong", "r1")
		inCommune := f.submit(t, f.citizen, "moi-truong", "r2", func(s *feedback.Submission) { s.UnitID = f.commune.ID })
		answered := f.submit(t, f.citizen, "giao-thong", "r3")
		f.svc.Act(ctx, f.official, answered.ID, feedback.Step{Action: feedback.DoAccept})
		if _, err := f.svc.Act(ctx, f.official, answered.ID, feedback.Step{Action: feedback.DoAnswer, Note: "Đã sửa đèn."}); err != nil {
			t.Fatal(err)
		}
		f.submit(t, f.citizen, "giao-thong", "r4", func(s *feedback.Submission) { s.UnitID = f.other.ID }) // another commune
		now := f.now.UnixMilli()
		day := (24 * time.Hour).Milliseconds()
		for _, tt := range []struct {
			name       string
			place      org.Unit
			start, end int64
			categories []string
			statuses   feedback.StatusList
			want       []string
		}{
			{"the commune and its village", f.commune, now - day, now, nil, nil, []string{answered.Code, inCommune.Code, inVillage.Code}},
			{"open", f.commune, now - day, now, nil, feedback.OpenStatuses, []string{inCommune.Code, inVillage.Code}},
			{"closed", f.commune, now - day, now, nil, feedback.ClosedStatuses, []string{answered.Code}},
			{"a category", f.commune, now - day, now, []string{"moi-truong"}, nil, []string{inCommune.Code}},
			{"two categories, open", f.commune, now - day, now, []string{"giao-thong", "khac"}, feedback.OpenStatuses, []string{inVillage.Code}},
			{"the village only", f.village, now - day, now, nil, nil, []string{answered.Code, inVillage.Code}},
			{"before them", f.commune, now - 3*day, now - 2*day, nil, nil, nil},
		} {
			items, err := f.svc.Requests(ctx, tt.place, feedback.RequestFilter{Start: tt.start, End: tt.end, Categories: tt.categories, Statuses: tt.statuses})
			if err != nil {
				t.Fatalf("%s: %v", tt.name, err)
			}
			var got []string
			for _, it := range items {
				got = append(got, it.Code)
			}
			if !slices.Equal(sortedCodes(got), sortedCodes(tt.want)) {
				t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
			}
		}
		for _, w := range [][2]int64{{now - 91*day, now}, {now, now - day}} {
			if _, err := f.svc.Requests(ctx, f.commune, feedback.RequestFilter{Start: w[0], End: w[1]}); apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Errorf("the window %d..%d: %v, want refused (90 days at most, start before end)", w[0], w[1], err)
			}
		}
	})
}

func sortedCodes(cs []string) []string { return slices.Sorted(slices.Values(cs)) }

// The reporter of a duplicate merged into another item is not offered the
// reopening form, and the service refuses it too: a reopened duplicate would sit
// in the queue for ever, since no step may be taken on a merged item.
func TestReopenMergedDuplicateRefused(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		second := &auth.Actor{AccountID: 502, Kind: auth.Citizen}
		kept := f.submit(t, f.citizen, "giao-thong", "k")
		dup := f.submit(t, second, "giao-thong", "d", func(s *feedback.Submission) { s.Contact = "hang@example.vn" })
		if _, err := f.svc.Act(ctx, f.official, dup.ID, feedback.Step{Action: feedback.DoMerge, Into: kept.Code}); err != nil {
			t.Fatal(err)
		}
		f.svc.Act(ctx, f.official, kept.ID, feedback.Step{Action: feedback.DoAccept})
		if _, err := f.svc.Act(ctx, f.official, kept.ID, feedback.Step{Action: feedback.DoAnswer, Note: "Đã vá ổ gà."}); err != nil {
			t.Fatal(err)
		}
		err := f.svc.Reopen(ctx, second, dup.Code, "Vẫn còn ổ gà")
		if apperr.CodeOf(err) != apperr.CodeConflict {
			t.Errorf("reopening a merged duplicate: %v (code %v), want a conflict", err, apperr.CodeOf(err))
		}
		if p, _ := f.svc.Track(ctx, dup.Code); p.Status != feedback.Closed || p.Reopened {
			t.Errorf("the duplicate after the refused reopening: status %s, reopened %v", p.Status, p.Reopened)
		}
	})
}
