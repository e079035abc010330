package plans_test

import (
	"context"
	"danchu/internal/planimport"
	"fmt"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/plans"
)

// Who makes a plan public (LDC Art 11): a people's committee's plan when it
// is issued, asked or not; an attached body's only when asked; never a
// village's (which issues none).
func TestPublicOnSave(t *testing.T) {
	for _, c := range []struct {
		typ         org.Type
		asked, want bool
		asks        bool
	}{
		{org.City, false, true, false},
		{org.Province, false, true, false},
		{org.Commune, false, true, false},
		{org.Ward, true, true, false},
		{org.PartyBody, false, false, true},
		{org.PartyBody, true, true, true},
		{org.MassOrg, false, false, true},
		{org.Agency, true, true, true},
		{org.Village, true, false, false},
	} {
		u := org.Unit{Type: c.typ}
		if got := plans.PublicOnSave(u, c.asked); got != c.want {
			t.Errorf("%s asked=%v: public %v, want %v", c.typ, c.asked, got, c.want)
		}
		if got := plans.AsksPublic(u); got != c.asks {
			t.Errorf("%s: asks %v, want %v", c.typ, got, c.asks)
		}
	}
}

func TestProgressCounts(t *testing.T) {
	today := legal.DateOf(2026, 3, 10)
	var p plans.Progress
	for _, a := range []plans.Assignment{
		{Status: plans.Done, Due: legal.DateOf(2026, 3, 1)},
		{Status: plans.InProgress, Due: legal.DateOf(2026, 4, 1)},
		{Status: plans.InProgress, Due: legal.DateOf(2026, 3, 1)}, // late
		{Status: plans.NotStarted, Due: legal.DateOf(2026, 2, 1)}, // late
		{Status: plans.NotStarted},
	} {
		p.Add(a, today)
	}
	if p != (plans.Progress{Assigned: 5, Done: 1, InProgress: 1, NotStarted: 1, Late: 2}) {
		t.Errorf("progress %+v", p)
	}
}

// A people's committee's plan is public once saved, with one entry on the
// public record even when its form is posted twice; a Party body's plan is
// internal unless its issuer asks, and then public too. Public reads refuse
// internal plans and another territory's with not found.
func TestPublicPlans(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		if _, err := f.units.ImportUnits(ctx, strings.NewReader("code,name,type,parent_code\n46-TU,Thành ủy Huế,to-chuc-dang,46\n46-BCS,Ban Cán sự Đảng UBND thành phố,to-chuc-dang,46\n"), nil); err != nil {
			t.Fatal(err)
		}
		tu, _ := f.units.UnitByCode(ctx, "46-TU")
		bcs, _ := f.units.UnitByCode(ctx, "46-BCS")
		records := func() int { return db.Count(t, d, "select count(*) from public_record where kind = 'plan.published'") }

		idem := db.Idem{Key: "form-1", Fingerprint: "x"}
		dr := plans.Draft{UnitID: f.hue.ID, Plan: plans.NewFromDraft(f.hue.ID, handDraft()), Idem: idem}
		p, err := f.svc.Create(ctx, f.province, dr)
		if err != nil || !p.Public() {
			t.Fatalf("the city's plan: public %v, %v", p.Public(), err)
		}
		again, err := f.svc.Create(ctx, f.province, dr) // the form posted again
		if err != nil || again.ID != p.ID || !again.Public() {
			t.Fatalf("retried: %d (want %d), %v", again.ID, p.ID, err)
		}
		if n := records(); n != 1 {
			t.Errorf("%d public record entries after a retried save, want 1", n)
		}
		var summary, content string
		if err := d.QueryRowContext(ctx, "select summary, content from public_record where kind = 'plan.published'").Scan(&summary, &content); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(summary, "KẾ HOẠCH 05/KH-UBND") || !strings.Contains(content, "/tinh/46/ke-hoach/") || strings.Contains(content, "Cán bộ") {
			t.Errorf("entry %q %s", summary, content)
		}

		party := handDraft()
		party.Doc.Number = "162-KH/BCS"
		internal := f.create(t, bcs, f.province, party, 0)
		if internal.Public() {
			t.Error("a Party body's plan is public without its issuer asking")
		}
		asked := handDraft()
		asked.Doc.Number = "09-CT/TU"
		shown, err := f.svc.Create(ctx, f.province, plans.Draft{UnitID: tu.ID, Plan: plans.NewFromDraft(tu.ID, asked), Public: true})
		if err != nil || !shown.Public() {
			t.Fatalf("a Party body's plan disclosed by its issuer: %v, %v", shown.Public(), err)
		}
		if n := records(); n != 2 {
			t.Errorf("%d public record entries, want 2 (the internal plan has none)", n)
		}

		list, err := f.svc.PublicPlans(ctx, f.hue, 0, 10)
		if err != nil || len(list) != 2 || list[0].ID != shown.ID || list[1].ID != p.ID {
			t.Errorf("the city's public plans %+v, %v; want the directive then the plan", list, err)
		}
		if list, err := f.svc.PublicPlans(ctx, f.hue, shown.ID, 10); err != nil || len(list) != 1 || list[0].ID != p.ID {
			t.Errorf("second page %+v, %v", list, err)
		}
		if list, err := f.svc.PublicPlans(ctx, f.danDien, 0, 10); err != nil || len(list) != 0 {
			t.Errorf("the commune's public plans %+v, %v; want none", list, err)
		}
		pp, err := f.svc.PublicPlan(ctx, f.hue, p.ID)
		if err != nil || len(pp.Tasks) != 2 || pp.Issuer.ID != f.hue.ID {
			t.Fatalf("public plan %+v, %v", pp, err)
		}
		for _, c := range []struct {
			name      string
			territory org.Unit
			id        int64
		}{
			{"internal plan", f.hue, internal.ID},
			{"under a commune", f.danDien, p.ID},
			{"under another province", f.quangTri, p.ID},
			{"no such plan", f.hue, 12345},
			{"a village", org.Unit{ID: 1, Type: org.Village}, p.ID},
		} {
			_, err := f.svc.PublicPlan(ctx, c.territory, c.id)
			apperrtest.Want(t, err, apperr.CodeNotFound, "Không tìm thấy")
		}
		// danchu verify: each entry matches its plan; a plan altered behind the service's back does not.
		f.rec.Vouch("plan.", f.svc.RecordCheck())
		if n, _, err := f.rec.Verify(ctx); err != nil || n < 2 {
			t.Errorf("verify: %d entries, %v", n, err)
		}
		if _, err := d.Raw().ExecContext(ctx, "update plans set summary = 'Khác' where id = $1", p.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.rec.Verify(ctx); err == nil || !strings.Contains(err.Error(), "differs from the record") {
			t.Errorf("verify after the plan was altered: %v", err)
		}
		if _, err := d.Raw().ExecContext(ctx, "update plans set summary = $1 where id = $2", p.Summary, p.ID); err != nil {
			t.Fatal(err)
		}
		// Its addressees (in its files) altered: the same.
		ap := plans.NewFromDraft(f.hue.ID, handDraft())
		ap.Number, ap.Doc.Addressees = "07/KH-UBND", []string{"Các sở, ban, ngành"}
		ap, err = f.svc.Create(ctx, f.province, plans.Draft{UnitID: f.hue.ID, Plan: ap, Idem: db.Idem{Key: "form-addr", Fingerprint: "x"}})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.rec.Verify(ctx); err != nil {
			t.Fatalf("verify with addressees: %v", err)
		}
		if _, err := d.Raw().ExecContext(ctx, "update plans set doc = replace(doc, 'Các sở, ban, ngành', 'UBND các xã') where id = $1", ap.ID); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.rec.Verify(ctx); err == nil || !strings.Contains(err.Error(), "differs from the record") {
			t.Errorf("verify after the addressees were altered: %v", err)
		}
		if _, err := d.Raw().ExecContext(ctx, "update plans set doc = replace(doc, 'UBND các xã', 'Các sở, ban, ngành') where id = $1", ap.ID); err != nil {
			t.Fatal(err)
		}
		// Its date, kind, issuer or tasks altered: the same.
		var issued string
		if err := d.QueryRowContext(ctx, "select issued_on from plans where id = $1", p.ID).Scan(&issued); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ alter, undo string }{
			{"update plans set issued_on = '2020-01-01' where id = $1", "update plans set issued_on = '" + issued + "' where id = $1"},
			{"update plans set kind = 'chi-thi' where id = $1", "update plans set kind = '" + p.Kind + "' where id = $1"},
			{fmt.Sprintf("update plans set unit_id = %d where id = $1", f.danDien.ID), fmt.Sprintf("update plans set unit_id = %d where id = $1", p.UnitID)},
			{fmt.Sprintf("delete from plan_tasks where id = %d and plan_id = $1", pp.Tasks[1].ID), ""},
		} {
			if _, err := d.Raw().ExecContext(ctx, c.alter, p.ID); err != nil {
				t.Fatal(err)
			}
			if _, _, err := f.rec.Verify(ctx); err == nil || !strings.Contains(err.Error(), "differ from the record") {
				t.Errorf("verify after %q: %v", c.alter, err)
			}
			if c.undo != "" {
				if _, err := d.Raw().ExecContext(ctx, c.undo, p.ID); err != nil {
					t.Fatal(err)
				}
			}
		}
		ds, err := f.svc.Datasets(ctx, f.hue)
		if err != nil || len(ds) != 1 || ds[0].Key != "plans" || ds[0].UpdatedAt == 0 {
			t.Errorf("datasets %+v, %v", ds, err)
		}
	})
}

// TestPublishedSeedsVouched: the five real seed plans, saved public, each
// check out under danchu verify as read back from the store (their
// document's content hashes the same after its trip through the database).
func TestPublishedSeedsVouched(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		f.rec.Vouch("plan.", f.svc.RecordCheck())
		for i := range 5 {
			text, err := planimport.Seed(i)
			if err != nil {
				t.Fatal(err)
			}
			dr, err := planimport.Parse(text)
			if err != nil {
				t.Fatalf("seed %d: %v", i, err)
			}
			p := plans.NewFromDraft(f.hue.ID, dr)
			p.Number = fmt.Sprintf("%d/KH-SEED", i+1) // the seeds' numbers may repeat once cleaned
			if _, err := f.svc.Create(ctx, f.province, plans.Draft{UnitID: f.hue.ID, Plan: p, Idem: db.Idem{Key: fmt.Sprintf("seed-%d", i), Fingerprint: "x"}}); err != nil {
				t.Fatalf("seed %d: %v", i, err)
			}
		}
		if n, _, err := f.rec.Verify(ctx); err != nil || n < 5 {
			t.Errorf("verify: %d entries, %v", n, err)
		}
	})
}
