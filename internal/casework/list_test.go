package casework

import (
	"cmp"
	"context"
	"database/sql"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"danchu/internal/code"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// TestListPages: the lists Store.list gives (newest first; the due list by
// due day, its page's IDs picked first) are exactly the cases of the
// subtree that the filter keeps, in order, cut at the limit, on both engines.
func TestListPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		units := org.NewService(d)
		csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n19753,Phường Phú Xuân,phuong,46,UBND\n" +
			"01,Thành phố Hà Nội,thanh-pho,,UBND\n00004,Phường Ba Đình,phuong,01,UBND\n"
		if _, err := units.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
			t.Fatal(err)
		}
		var us []org.Unit
		for _, c := range []string{"46", "19885", "19753", "01", "00004"} {
			u, err := units.UnitByCode(ctx, c)
			if err != nil {
				t.Fatal(err)
			}
			us = append(us, u)
		}
		today := legal.DateOf(2026, 6, 30)
		r := rand.New(rand.NewPCG(1, 2))
		var all []Case
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			for range 400 {
				c := benchCase(r, d, today, "Nội dung đơn. ")
				c.Code, c.UnitID, c.Subject = code.New(Prefix(c.Kind)), us[r.IntN(len(us))].ID, "Đơn"
				if r.IntN(3) == 0 {
					// Some open cases share their due day, so the ID breaks the tie.
					c.Status, c.Due = Accepted, today
				}
				all = append(all, c)
				if err := insertCase(ctx, tx, c, ""); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		pathOf := map[int64]string{}
		for _, u := range us {
			pathOf[u.ID] = u.Path
		}
		s := NewStore(d)
		by := today.AddDays(7)
		for _, u := range us[:2] {
			for _, f := range []Filter{{Path: u.Path, Limit: 50}, {Path: u.Path, DueBy: by, Limit: 20}, {Path: u.Path, DueBy: by}} {
				var want []int64
				for _, c := range all {
					if !strings.HasPrefix(pathOf[c.UnitID], u.Path) {
						continue
					}
					if !f.DueBy.IsZero() && (!IsOpen(c.Status) || c.Due.IsZero() || f.DueBy.Before(c.Due)) {
						continue
					}
					want = append(want, c.ID)
				}
				byID := map[int64]Case{}
				for _, c := range all {
					byID[c.ID] = c
				}
				slices.SortFunc(want, func(a, b int64) int {
					if f.DueBy.IsZero() {
						return cmp.Compare(b, a)
					}
					return cmp.Or(cmp.Compare(byID[a].Due.String(), byID[b].Due.String()), cmp.Compare(a, b))
				})
				if f.Limit > 0 && len(want) > f.Limit {
					want = want[:f.Limit]
				}
				cs, err := s.list(ctx, f)
				if err != nil {
					t.Fatal(err)
				}
				var got []int64
				for _, c := range cs {
					got = append(got, c.ID)
				}
				if len(want) < 10 || !slices.Equal(got, want) {
					t.Fatalf("%s due by %s limit %d: got %d cases %v, want %d %v", u.Name, f.DueBy, f.Limit, len(got), got, len(want), want)
				}
			}
		}
	})
}
