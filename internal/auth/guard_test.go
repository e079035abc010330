package auth_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
)

func TestRolesBindToTheirLevels(t *testing.T) {
	for _, tt := range []struct {
		role auth.Role
		typ  org.Type
		want bool
	}{
		{auth.SysAdmin, "", true}, {auth.SysAdmin, org.City, false},
		{auth.ProvinceAdmin, org.Province, true}, {auth.ProvinceAdmin, org.Commune, false}, {auth.ProvinceAdmin, "", false},
		{auth.CommuneOfficial, org.Ward, true}, {auth.CommuneOfficial, org.Village, false},
		{auth.VillageHead, org.ResidentialGroup, true}, {auth.VillageHead, org.Commune, false},
		{auth.FrontOfficer, org.Commune, true}, {auth.FrontOfficer, org.Village, true}, {auth.FrontOfficer, org.Agency, false},
		{auth.Supervisor, org.Agency, true}, {auth.Supervisor, org.Province, false},
		{auth.AgencyHead, org.Agency, true}, {auth.AgencyHead, org.Enterprise, false},
		{auth.EnterpriseRep, org.Enterprise, true}, {auth.EnterpriseRep, org.Agency, false},
		{auth.Viewer, org.Village, true}, {auth.Viewer, "", false},
	} {
		if got := tt.role.BindsTo(tt.typ); got != tt.want {
			t.Errorf("%s binds to %q = %v, want %v", tt.role, tt.typ, got, tt.want)
		}
	}
	for _, r := range auth.Roles {
		if r.Label() == "" || !r.Allows(auth.ViewBackOffice) {
			t.Errorf("role %s has no label or cannot open the back office", r)
		}
	}
	if auth.Viewer.Decides() || auth.Supervisor.Decides() || !auth.CommuneOfficial.Decides() || !auth.VillageHead.Decides() {
		t.Error("the roles that publish or decide are not the ones expected")
	}
}

// TestDecide runs every role × every action × (own unit, unit below, foreign unit)
// against the role table: allowed only where the role allows the action and the
// unit is inside the grant; a foreign unit is always "out of scope" (answered 404).
func TestDecide(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, nil)
		tree, err := f.units.Tree(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		places := f.places()
		cases := 0
		for _, role := range auth.Roles {
			p := places[role]
			g := []auth.Grant{{Role: role, UnitID: p[0].ID}}
			for _, act := range auth.Actions {
				for i, where := range []string{"own", "child", "foreign"} {
					if role == auth.SysAdmin && where == "foreign" {
						continue // nothing is foreign to the whole country
					}
					got, _ := auth.Decide(tree, g, act, p[i].ID)
					want := auth.OutOfScope
					if where != "foreign" {
						want = auth.NotAllowed
						if role.Allows(act) {
							want = auth.Allowed
						}
					}
					if got != want {
						t.Errorf("%s on %s unit, %s: %v, want %v", role, where, act, got, want)
					}
					cases++
				}
			}
		}
		t.Logf("%d role × action × place cases", cases)
		// Several roles: the one that allows wins; a national unit 0 is only for country-wide grants.
		multi := []auth.Grant{{Role: auth.Viewer, UnitID: f.hue.ID}, {Role: auth.VillageHead, UnitID: f.v1.ID}}
		if got, g := auth.Decide(tree, multi, auth.DecideMatters, f.v1.ID); got != auth.Allowed || g.Role != auth.VillageHead {
			t.Errorf("two roles, village matter: %v via %v", got, g.Role)
		}
		if got, _ := auth.Decide(tree, multi, auth.DecideMatters, f.v2.ID); got != auth.NotAllowed {
			t.Errorf("two roles, the other village: %v", got)
		}
		if got, _ := auth.Decide(tree, multi, auth.ReadAudit, 0); got != auth.OutOfScope {
			t.Errorf("national matter for unit-bound roles: %v", got)
		}
		if got, _ := auth.Decide(tree, []auth.Grant{{Role: auth.SysAdmin}}, auth.ManageCalendar, 0); got != auth.Allowed {
			t.Errorf("system administrator, national matter: %v", got)
		}
		if got, _ := auth.Decide(tree, []auth.Grant{{Role: auth.SysAdmin}}, auth.ReadAudit, 987654321); got != auth.OutOfScope {
			t.Errorf("system administrator, unknown unit: %v", got)
		}
	})
}

// Asking about another commune's unit is "not found" and leaves a denied audit record.
func TestCanRecordsRefusals(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, func(p *auth.Policy) { p.Require2FA = false })
		ctx := context.Background()
		f.official(t, "a@x.vn", auth.CommuneOfficial, f.danDien)
		a := f.actor(t, f.signIn(t, "a@x.vn"))
		g := f.svc.Guard()
		if err := g.Can(ctx, a, auth.Publish, f.v1.ID); err != nil {
			t.Fatalf("own village: %v", err)
		}
		// Allows for many units at once: the same decisions, in their order.
		ids := []int64{f.phuXuan.ID, f.v1.ID, f.danDien.ID}
		var each []int64
		for _, id := range ids {
			if g.Allows(ctx, a, auth.Publish, id) {
				each = append(each, id)
			}
		}
		if got := g.AllowedAmong(ctx, a, auth.Publish, ids); !slices.Equal(got, each) || len(got) != 2 || g.AllowedAmong(ctx, nil, auth.Publish, ids) != nil {
			t.Errorf("AllowedAmong = %v, Allows one by one %v", got, each)
		}
		wantCode(t, g.Can(ctx, a, auth.Publish, f.phuXuan.ID), apperr.CodeNotFound, "Không tìm thấy")
		wantCode(t, g.Can(ctx, a, auth.ManageUsers, f.danDien.ID), apperr.CodeForbidden, "không cho phép")
		wantCode(t, g.Can(ctx, nil, auth.Publish, f.danDien.ID), apperr.CodeForbidden, "cán bộ đã đăng nhập")
		es, err := f.audit.Entries(ctx, "", 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		var denied []string
		for _, e := range es {
			if e.Outcome == audit.Denied {
				denied = append(denied, fmt.Sprintf("%s:%d:%s", e.Action, e.UnitID, e.Detail))
			}
		}
		want := fmt.Sprintf("users.manage:%d:role_lacks_action,disclosure.publish:%d:out_of_scope", f.danDien.ID, f.phuXuan.ID)
		if strings.Join(denied, ",") != want {
			t.Errorf("denied records = %v, want %s", denied, want)
		}
		// An administrator of Huế creates accounts in Huế only.
		f.official(t, "admin@hue.vn", auth.ProvinceAdmin, f.hue)
		admin := f.actor(t, f.signIn(t, "admin@hue.vn"))
		if _, err := f.svc.CreateOfficial(ctx, admin, auth.NewOfficial{FullName: "Trưởng thôn", Email: "th@x.vn", Role: auth.VillageHead, UnitCode: "19885-02"}); err != nil {
			t.Fatalf("admin creates a village head in Huế: %v", err)
		}
		_, err = f.svc.CreateOfficial(ctx, admin, auth.NewOfficial{FullName: "Cán bộ", Email: "bd@x.vn", Role: auth.CommuneOfficial, UnitCode: "00004"})
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
		_, err = f.svc.CreateOfficial(ctx, admin, auth.NewOfficial{FullName: "Quản trị", Email: "root@x.vn", Role: auth.SysAdmin})
		wantCode(t, err, apperr.CodeNotFound, "Không tìm thấy")
	})
}

// BenchmarkCan: the permission check for a village on the national tree, with the
// unit tree cached (issue 3 target ≤ 5 µs).
func BenchmarkCan(b *testing.B) {
	d := db.OpenTest(b, db.SQLite)
	ctx := context.Background()
	units := org.NewService(d)
	var csv bytes.Buffer
	csv.Write(org.OfficialList)
	var communes []string
	for _, line := range strings.Split(string(org.OfficialList), "\n")[1:] {
		if f := strings.Split(line, ","); len(f) == 4 && len(f[0]) == 5 {
			communes = append(communes, f[0])
		}
	}
	for i, c := range communes {
		for v := 1; v <= 19+i%2; v++ {
			fmt.Fprintf(&csv, "%s-%02d,Thôn %d,thon,%s\n", c, v, v, c)
		}
	}
	if _, err := units.ImportUnits(ctx, &csv, nil); err != nil {
		b.Fatal(err)
	}
	village, err := units.UnitByCode(ctx, "19885-07")
	if err != nil {
		b.Fatal(err)
	}
	commune, _ := units.UnitByCode(ctx, "19885")
	g := auth.NewGuard(units, audit.NewService(d))
	actor := &auth.Actor{AccountID: 1, Kind: auth.Official, Grants: []auth.Grant{
		{Role: auth.Viewer, UnitID: commune.ParentID}, {Role: auth.CommuneOfficial, UnitID: commune.ID}}}
	for b.Loop() {
		if err := g.Can(ctx, actor, auth.Publish, village.ID); err != nil {
			b.Fatal(err)
		}
	}
	tree, _ := units.Tree(ctx)
	b.ReportMetric(float64(tree.Len()), "units")
}
