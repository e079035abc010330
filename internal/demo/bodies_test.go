package demo_test

import (
	"context"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/org"
)

// The province and the demo commune get the bodies the seed documents name,
// each with its short name and under its parent.
func TestLoadBodies(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		units := org.NewService(d)
		sum, err := demo.Load(ctx, units)
		if err != nil || !sum.Loaded {
			t.Fatalf("load: %+v, %v", sum, err)
		}
		tree, err := units.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, code := range []string{demo.ProvinceCode, demo.CommuneCode} {
			if u, _ := tree.ByCode(code); u.ShortName != "UBND" {
				t.Errorf("%s short name %q, want UBND", code, u.ShortName)
			}
		}
		types := map[org.Type]int{}
		for _, b := range demo.Bodies {
			u, ok := tree.ByCode(b.Code)
			parent, _ := tree.ByCode(b.Parent)
			if !ok || u.ShortName != b.ShortName || u.Type != b.Type || u.ParentID != parent.ID || u.Name != b.Name {
				t.Errorf("body %s = %+v (ok %v), want %+v under %d", b.Code, u, ok, b, parent.ID)
			}
			types[u.Type]++
		}
		if types[org.PartyBody] != 4 || types[org.MassOrg] != 2 || types[org.Section] != 2 || types[org.Agency] != 2 {
			t.Errorf("bodies by type %v", types)
		}
		if sum.Units != 3355+len(demo.Villages)+len(demo.Bodies) {
			t.Errorf("summary counts %d units", sum.Units)
		}
	})
}
