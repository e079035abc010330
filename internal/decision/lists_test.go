package decision_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/org"
)

// TestForCitizen: the citizen's page lists the online votes of the citizen's
// household with what the citizen chose and the receipt, and, once the vote has
// closed, the link that checks the receipt; never another household's choice
// or receipt, nor the choice a previous representative made. The votes open in
// the commune are listed until they close; the village head's page lists the
// village's matters.
func TestForCitizen(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 10)
		ctx := context.Background()
		v1 := f.villages[0]
		m, err := f.svc.Propose(ctx, f.head, decision.Proposal{UnitID: v1.ID, Subject: decision.Other, Title: "Giờ mở cửa nhà văn hóa thôn"})
		if err != nil {
			t.Fatal(err)
		}
		vote, err := f.svc.Notice(ctx, f.head, m.ID, decision.Notice{VillageID: v1.ID, Method: decision.Online, HeldOn: f.today().AddDays(5).String(),
			OptedIn: 6, Team: []string{"A", "B", "C"}})
		if err != nil {
			t.Fatal(err)
		}
		hs := f.households[v1.ID]
		mine, theirs := f.representatives[hs[0]], f.representatives[hs[1]]
		receipt, err := f.svc.Cast(ctx, mine, vote.ID, decision.ChoiceAgree, "")
		if err != nil {
			t.Fatal(err)
		}
		other, err := f.svc.Cast(ctx, theirs, vote.ID, decision.ChoiceDisagree, "")
		if err != nil {
			t.Fatal(err)
		}
		text := func(e any) string { return fmt.Sprint(e) }
		ls, err := f.svc.ForCitizen(ctx, mine, []org.Unit{f.commune}, 5)
		if err != nil || len(ls) != 2 || len(ls[0].Entries) != 1 {
			t.Fatalf("lists %+v, %v", ls, err)
		}
		e := ls[0].Entries[0]
		if s := text(e); e.Title != m.Title || !strings.Contains(s, receipt) || !strings.Contains(s, "decision.choice.agree") ||
			strings.Contains(s, other) || strings.Contains(s, "disagree") || len(e.Links) != 0 {
			t.Errorf("my vote while open: %s", s)
		}
		if open := ls[1].Entries; len(open) != 1 || open[0].Title != m.Title {
			t.Errorf("open votes in my commune: %+v", open)
		}
		// A new representative of my household sees that it voted, not what or with which receipt.
		successor := f.citizen(t)
		d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where id = $2", successor.AccountID, hs[0])
		ls, _ = f.svc.ForCitizen(ctx, successor, nil, 5)
		if len(ls[0].Entries) != 1 || strings.Contains(text(ls[0].Entries[0]), receipt) || strings.Contains(text(ls[0].Entries[0]), "agree") {
			t.Errorf("the successor sees the previous representative's ballot: %s", text(ls[0].Entries))
		}
		d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where id = $2", mine.AccountID, hs[0])
		f.advance(6 * 24 * time.Hour) // past the vote's last day: only then may it close
		if _, err := f.svc.CloseOnline(ctx, f.head, vote.ID); err != nil {
			t.Fatal(err)
		}
		ls, _ = f.svc.ForCitizen(ctx, mine, []org.Unit{f.commune}, 5)
		want := fmt.Sprintf("/quyet-dinh/%d?phieu=%d&kiem-tra=%s#phieu-%d", m.ID, vote.ID, receipt, vote.ID)
		if l := ls[0].Entries[0].Links; len(l) != 1 || l[0].URL != want {
			t.Errorf("check link after the close: %+v, want %s", l, want)
		}
		if len(ls[1].Entries) != 0 {
			t.Errorf("a closed vote listed as open: %+v", ls[1].Entries)
		}
		vs, err := f.svc.ForVillage(ctx, f.head, v1, f.commune, 5)
		if err != nil || len(vs) != 2 || len(vs[1].Entries) != 1 || vs[1].Entries[0].Title != m.Title || !strings.HasPrefix(vs[1].Entries[0].Status.Key, "decision.stage.") {
			t.Errorf("the village's matters: %+v, %v", vs, err)
		}
		if vs, _ := f.svc.ForVillage(ctx, f.head, f.villages[1], f.commune, 5); len(vs[1].Entries) != 0 {
			t.Errorf("another village lists this village's matter: %+v", vs[1].Entries)
		}
	})
}
