package org_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/org"
)

func ids(us []org.Unit) []int64 {
	out := make([]int64, len(us))
	for i, u := range us {
		out[i] = u.ID
	}
	return out
}

// The snapshot answers exactly as the SQL does, for every province of the official list.
func TestTreeMatchesStore(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := org.NewService(d)
		mustImportOfficial(t, s)
		_, commune, v1, _ := tree2(t, s)
		provinces, err := s.UnitsOfTypes(ctx, org.Province, org.City)
		if err != nil || len(provinces) != 34 {
			t.Fatalf("%d provinces (%v)", len(provinces), err)
		}
		for _, p := range append(provinces, commune, v1) {
			fromSQL, err := s.Store.Descendants(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			fromTree, err := s.Descendants(ctx, p)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids(fromSQL), ids(fromTree)) {
				t.Fatalf("descendants of %s: SQL %d units, tree %d units", p.Name, len(fromSQL), len(fromTree))
			}
		}
		want, _ := s.Store.Ancestors(ctx, v1)
		got, _ := s.Ancestors(ctx, v1)
		if !slices.Equal(ids(want), ids(got)) || len(got) != 2 {
			t.Errorf("ancestors: SQL %v, tree %v", names(want), names(got))
		}
		tr, err := s.Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		hue := mustByCode(t, s, "46")
		hanoi := mustByCode(t, s, "01")
		for _, tt := range []struct {
			id, ancestor int64
			want         bool
		}{
			{v1.ID, v1.ID, true}, {v1.ID, commune.ID, true}, {v1.ID, hue.ID, true},
			{v1.ID, hanoi.ID, false}, {hue.ID, v1.ID, false}, {v1.ID, 12345, false}, {12345, hue.ID, false},
		} {
			if got := tr.Within(tt.id, tt.ancestor); got != tt.want {
				t.Errorf("Within(%d, %d) = %v, want %v", tt.id, tt.ancestor, got, tt.want)
			}
		}
	})
}

// tree2 adds a commune's villages under Huế on top of the official list.
func tree2(t *testing.T, s *org.Service) (prov, commune, v1, v2 org.Unit) {
	t.Helper()
	commune = mustByCode(t, s, "19885")
	for _, v := range []org.Unit{{Code: "19885-01", Name: "Thôn Một", Type: org.Village}, {Code: "19885-02", Name: "Thôn Hai", Type: org.Village}} {
		if _, err := s.CreateUnit(context.Background(), v, commune.ID); err != nil {
			t.Fatal(err)
		}
	}
	return mustByCode(t, s, "46"), commune, mustByCode(t, s, "19885-01"), mustByCode(t, s, "19885-02")
}

// A change made by another process reaches this one: at once when the snapshot is
// checked on every read, after TreeMaxAge otherwise.
func TestTreeSeesOtherProcesses(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		writer := org.NewService(d)
		_, commune, v1, _ := tree(t, writer)
		strict := org.NewService(d)
		strict.SetTreeMaxAge(0)
		lazy := org.NewService(d)
		lazy.SetTreeMaxAge(time.Hour)
		for _, r := range []*org.Service{strict, lazy} {
			if anc, _ := r.Ancestors(ctx, v1); names(anc) != "Thành phố Huế,Xã Đan Điền" {
				t.Fatalf("ancestors before = %s", names(anc))
			}
		}
		before, _ := strict.Tree(ctx)
		if _, err := writer.Reorganize(ctx, org.Reorganization{From: []int64{commune.ID},
			To: org.Unit{Code: commune.Code, Name: "Xã Mới", Type: org.Commune}, EffectiveFrom: "2026-05-01", Resolution: "1/NQ"}); err != nil {
			t.Fatal(err)
		}
		after, _ := strict.Tree(ctx)
		if after.Version <= before.Version {
			t.Errorf("version %d -> %d after a reorganization", before.Version, after.Version)
		}
		if anc, _ := strict.Ancestors(ctx, v1); names(anc) != "Thành phố Huế,Xã Mới" {
			t.Errorf("strict reader: ancestors after = %s", names(anc))
		}
		if anc, _ := lazy.Ancestors(ctx, v1); names(anc) != "Thành phố Huế,Xã Đan Điền" {
			t.Errorf("lazy reader within its max age: ancestors = %s, want the snapshot it had", names(anc))
		}
		// A failed change does not raise the version.
		v := after.Version
		if _, err := writer.CreateUnit(ctx, org.Unit{Code: commune.Code, Name: "Trùng mã", Type: org.Commune}, mustByCode(t, writer, "46").ID); apperr.CodeOf(err) != apperr.CodeConflict {
			t.Fatalf("duplicate code: %v, want a conflict", err)
		}
		if now, err := strict.Tree(ctx); err != nil || now.Version != v {
			t.Errorf("version moved from %d to %d after a refused change (%v)", v, now.Version, err)
		}
	})
}
