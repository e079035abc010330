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
		// The same correction again (a replayed post, a second click): nothing to correct, nothing recorded twice.
		before := db.Count(t, d, "select count(*) from audit_log where action = 'decision.corrected'")
		_, err = f.svc.CorrectCount(ctx, f.head, vote.ID, right, "Gõ nhầm số hộ đồng ý: 0 thay vì 3")
		wantCode(t, err, apperr.CodeConflict, "không thay đổi")
		if cs, _ := f.svc.Corrections(ctx, vote.ID); len(cs) != 1 {
			t.Errorf("a correction that changes nothing was recorded: %d corrections", len(cs))
		}
		if n := db.Count(t, d, "select count(*) from audit_log where action = 'decision.corrected'"); n != before {
			t.Errorf("a correction that changes nothing was audited: %d → %d", before, n)
		}
		if n := db.Count(t, d, "select count(*) from audit_log where action in ('decision.proposed', 'decision.noticed', 'decision.counted', 'decision.corrected') and object_id = $1", fmt.Sprint(m.ID)); n != 4 { // proposed, noticed, counted, corrected
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

// A commune-wide matter is settled again from every village's vote when one
// village's count is corrected: a village that passed, entered as failing,
// turns the matter from failed to passed (two villages of three, Art 21(1)).
func TestCorrectCountCommuneWide(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 9)
		ctx := context.Background()
		f.rec.Vouch("decision.", f.svc.RecordCheck())
		m, err := f.svc.Propose(ctx, f.official, decision.Proposal{UnitID: f.commune.ID, Subject: decision.Infrastructure, Title: "Làm đường liên thôn"})
		if err != nil {
			t.Fatal(err)
		}
		votes := f.ballotsInEveryVillage(t, m.ID)
		for i, agree := range []int{9, 0, 3} { // village 2 typed 0 instead of 7
			if _, err := f.svc.RecordCount(ctx, f.official, votes[i].ID, decision.Count{Agree: agree, Disagree: 9 - agree}); err != nil {
				t.Fatal(err)
			}
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusFailed {
			t.Fatalf("before the correction: %s", m.Status)
		}
		// The village head of village 1 may not correct village 2's count.
		_, err = f.svc.CorrectCount(ctx, f.head, votes[1].ID, decision.Count{Agree: 7, Disagree: 2}, "Gõ nhầm")
		wantCode(t, err, apperr.CodeNotFound, "")
		if _, err := f.svc.CorrectCount(ctx, f.official, votes[1].ID, decision.Count{Agree: 7, Disagree: 2}, "Gõ nhầm 0 thay vì 7"); err != nil {
			t.Fatal(err)
		}
		m2, _ := f.svc.Matter(ctx, m.ID)
		if m2.Status != decision.StatusPassed || m2.DecidedOn != f.today().String() {
			t.Errorf("after the correction: %s on %s, want passed on %s", m2.Status, m2.DecidedOn, f.today())
		}
		if _, _, err := f.rec.Verify(ctx); err != nil {
			t.Errorf("verify: %v", err)
		}
	})
}

// A meeting entered as lacking the numbers (attendance typed wrong) is
// corrected before the fallback ballot is noticed: the matter is decided; once
// a later vote is noticed in the village, the count it followed stands.
func TestCorrectMeetingThatLackedNumbers(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 10)
		ctx := context.Background()
		v1 := f.villages[0]
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Infrastructure, Title: "Làm đường bê tông ngõ 7"})
		if err != nil {
			t.Fatal(err)
		}
		vote, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Meeting, HeldOn: f.today().AddDays(2).String()})
		if err != nil {
			t.Fatal(err)
		}
		f.advance(2 * 24 * time.Hour)
		if v, err := f.svc.RecordCount(ctx, f.head, vote.ID, decision.Count{Present: 1, Agree: 1}); err != nil || !v.LackedNumbers {
			t.Fatalf("count: %+v %v", v, err)
		}
		_, err = f.svc.CorrectCount(ctx, f.head, vote.ID, decision.Count{Present: 8, Agree: 7, Disagree: 1}, "Gõ nhầm số hộ dự họp")
		wantCode(t, err, apperr.CodeInvalid, "") // a meeting that decides names its ballot committee
		v, err := f.svc.CorrectCount(ctx, f.head, vote.ID, decision.Count{Present: 8, Agree: 7, Disagree: 1, Committee: []string{"A", "B", "C"}, Secretary: "D"},
			"Gõ nhầm số hộ dự họp")
		if err != nil || v.LackedNumbers || !v.Passed {
			t.Fatalf("corrected: %+v %v", v, err)
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusPassed || m.DecidedOn != f.today().String() {
			t.Errorf("matter after the correction: %s on %s", m.Status, m.DecidedOn)
		}
		// Back to lacking: the matter is open again, for the fallback ballot.
		if _, err := f.svc.CorrectCount(ctx, f.head, vote.ID, decision.Count{Present: 2, Agree: 2}, "Sửa lại: chỉ 2 hộ dự họp"); err != nil {
			t.Fatal(err)
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusOpen || m.DecidedOn != "" {
			t.Errorf("matter after lacking again: %s on %q", m.Status, m.DecidedOn)
		}
		if _, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Ballot, HeldOn: f.today().AddDays(2).String(),
			Team: []string{"A", "B", "C"}}); err != nil {
			t.Fatal(err)
		}
		_, err = f.svc.CorrectCount(ctx, f.head, vote.ID, decision.Count{Present: 8, Agree: 7, Disagree: 1, Committee: []string{"A", "B", "C"}, Secretary: "D"}, "Lại sửa")
		wantCode(t, err, apperr.CodeConflict, "cuộc biểu quyết khác")
		if n := db.Count(t, d, "select count(*) from vote_corrections where vote_id = $1", vote.ID); n != 2 {
			t.Errorf("%d corrections stored, want 2", n)
		}
	})
}

// A commune-wide matter sends no minutes (it is in force from the day it is
// decided), so "until the result is published" is the time a village's result
// has to reach the commune (Art 20(3), 5 working days from the decision): a
// village's count corrected a month after the matter took effect would
// overturn a decision in force. Refused as a conflict; nothing changes.
func TestCorrectCommuneWideAfterItTookEffect(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 9)
		ctx := context.Background()
		m, err := f.svc.Propose(ctx, f.official, decision.Proposal{UnitID: f.commune.ID, Subject: decision.Infrastructure, Title: "Làm đường liên thôn"})
		if err != nil {
			t.Fatal(err)
		}
		votes := f.ballotsInEveryVillage(t, m.ID)
		for i, agree := range []int{9, 8, 7} {
			if _, err := f.svc.RecordCount(ctx, f.official, votes[i].ID, decision.Count{Agree: agree, Disagree: 9 - agree}); err != nil {
				t.Fatal(err)
			}
		}
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusPassed {
			t.Fatalf("the matter: %s, want passed", m.Status)
		}
		f.advance(30 * 24 * time.Hour)
		_, err = f.svc.CorrectCount(ctx, f.official, votes[1].ID, decision.Count{Agree: 0, Disagree: 9}, "Sửa lại sau một tháng")
		wantCode(t, err, apperr.CodeConflict, "có hiệu lực")
		if m, _ := f.svc.Matter(ctx, m.ID); m.Status != decision.StatusPassed {
			t.Errorf("a late correction turned the matter in force to %s", m.Status)
		}
		if cs, _ := f.svc.Corrections(ctx, votes[1].ID); len(cs) != 0 {
			t.Errorf("a late correction was recorded: %d", len(cs))
		}
	})
}
