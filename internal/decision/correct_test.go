package decision_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/decision"
)

// A recorded count can be corrected with its reason until the minutes are
// sent: the matter is settled again, the correction is audited and on the
// public record (verify still holds), and the page lists it; once the minutes
// are sent a correction is refused and nothing changes.
func TestCorrectCount(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 4)
		ctx := context.Background()
		f.rec.Vouch("decision.", f.svc.RecordCheck())
		v1 := f.villages[0]
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Infrastructure, Title: "Làm đường bê tông ngõ 5"})
		if err != nil {
			t.Fatal(err)
		}
		vote, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Ballot, HeldOn: f.today().AddDays(2).String(),
			Team: []string{"A", "B", "C"}})
		if err != nil {
			t.Fatal(err)
		}
		f.advance(2*24*time.Hour + time.Hour)
		// Three of four agreed; the count was entered as 0 of them.
		if _, err := f.svc.RecordCount(ctx, f.head, vote.ID, decision.Count{Agree: 0, Disagree: 1}); err != nil {
			t.Fatal(err)
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusFailed {
			t.Fatalf("after the wrong count: %s", m.Status)
		}
		right := decision.Count{Agree: 3, Disagree: 1}
		_, err = f.svc.CorrectCount(ctx, f.head, vote.ID, right, "  ")
		wantCode(t, err, apperr.CodeInvalid, "lý do")
		_, err = f.svc.CorrectCount(ctx, f.outsider, vote.ID, right, "Gõ nhầm")
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		_, err = f.svc.CorrectCount(ctx, f.head, vote.ID, decision.Count{Agree: 4, Disagree: 1}, "Gõ nhầm")
		wantCode(t, err, apperr.CodeInvalid, "")
		f.advance(time.Hour)
		v, err := f.svc.CorrectCount(ctx, f.head, vote.ID, right, "Gõ nhầm số hộ đồng ý: 0 thay vì 3")
		if err != nil {
			t.Fatal(err)
		}
		if v.Tally.Agree != 3 || !v.Passed {
			t.Errorf("corrected vote: %+v", v.Tally)
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusPassed {
			t.Errorf("after the correction the matter is %s, want passed", m.Status)
		}
		cs, err := f.svc.Corrections(ctx, vote.ID)
		if err != nil || len(cs) != 1 || cs[0].Before.Agree != 0 || cs[0].After.Agree != 3 || cs[0].Reason != "Gõ nhầm số hộ đồng ý: 0 thay vì 3" ||
			cs[0].At != f.clock().UnixMilli() || !cs[0].After.Passed || cs[0].Before.Passed {
			t.Errorf("corrections: %+v %v", cs, err)
		}
		if kinds := recordKinds(t, f); kinds[:len("decision.corrected")] != "decision.corrected" {
			t.Errorf("the public record's last entry: %s", kinds)
		}
		if n := db.Count(t, d, "select count(*) from audit_log where action = 'decision.manage' and object_id = $1", fmt.Sprint(m.ID)); n != 4 { // proposed, noticed, counted, corrected
			t.Error("no audit record")
		}
		if _, _, err := f.rec.Verify(ctx); err != nil {
			t.Errorf("verify after a correction: %v", err)
		}
		// Published: the minutes are sent; the count stands.
		if _, err := f.svc.Submit(ctx, f.head, m.ID, decision.Signatories{Head: "A", Front: "B", Reps: [2]string{"C", "D"}}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.CorrectCount(ctx, f.head, vote.ID, decision.Count{Agree: 2, Disagree: 2}, "Sửa lại")
		wantCode(t, err, apperr.CodeConflict, "Đã gửi biên bản ngày")
		if v, _ := f.svc.Vote(ctx, vote.ID); v.Tally.Agree != 3 {
			t.Errorf("a refused correction changed the count: %+v", v.Tally)
		}
		if cs, _ := f.svc.Corrections(ctx, vote.ID); len(cs) != 1 {
			t.Errorf("a refused correction was stored: %d", len(cs))
		}
	})
}
