package indicator_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr/apperrtest"
	"danchu/internal/db"
	"danchu/internal/indicator"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// TestCountAndRead counts facts in their transactions and reads the sums of
// a period back, on both engines: months outside the period and units
// outside the subtree are left out, a rolled-back fact counts nothing,
// histograms add per bucket, and concurrent counts of one counter all land.
func TestCountAndRead(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		units := org.NewService(d)
		csv := "code,name,type,parent_code,short_name\n46,Thành phố Huế,thanh-pho,,UBND\n19885,Xã Đan Điền,xa,46,UBND\n" +
			"19885-01,Thôn Đông Phước,thon,19885,\n01,Thành phố Hà Nội,thanh-pho,,UBND\n00004,Phường Ba Đình,phuong,01,UBND\n"
		if _, err := units.ImportUnits(ctx, strings.NewReader(csv), nil); err != nil {
			t.Fatal(err)
		}
		get := func(code string) org.Unit {
			u, err := units.UnitByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			return u
		}
		hue, dd, village, bd := get("46"), get("19885"), get("19885-01"), get("00004")
		day := func(m time.Month, d int) legal.Date { return legal.DateOf(2026, m, d) }
		count := func(fs ...indicator.Fact) {
			t.Helper()
			if err := d.RunInTx(ctx, func(tx *sql.Tx) error { return indicator.Count(ctx, tx, fs...) }); err != nil {
				t.Fatal(err)
			}
		}
		count(indicator.Fact{Code: "feedback.on_time", UnitID: dd.ID, Day: day(10, 3), Num: 1, Den: 1},
			indicator.Fact{Code: "feedback.on_time", UnitID: dd.ID, Day: day(11, 30), Den: 1},
			indicator.Fact{Code: "feedback.on_time", UnitID: village.ID, Day: day(12, 31), Num: 1, Den: 1},
			indicator.Fact{Code: "feedback.on_time", UnitID: dd.ID, Day: day(9, 30), Num: 5, Den: 5},    // the quarter before
			indicator.Fact{Code: "feedback.on_time", UnitID: bd.ID, Day: day(10, 3), Num: 7, Den: 7},    // another province
			indicator.Fact{Code: "feedback.days", UnitID: dd.ID, Day: day(10, 4), InBucket: 2},          // the second bucket
			indicator.Fact{Code: "feedback.days", UnitID: dd.ID, Day: day(12, 1), InBucket: 2},          // again
			indicator.Fact{Code: "feedback.days", UnitID: dd.ID, Day: day(12, 2), InBucket: 4},          // the fourth
			indicator.Fact{Code: "reception.held", UnitID: dd.ID, Day: day(11, 5), Num: 1, InBucket: 0}, // a count only
		)
		// A fact whose transaction fails counts nothing.
		boom := errors.New("the fact was refused")
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			if err := indicator.Count(ctx, tx, indicator.Fact{Code: "reception.held", UnitID: dd.ID, Day: day(11, 6), Num: 1}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("rolled back: %v", err)
		}
		// Eight counts of one counter at once: all land.
		if n := apperrtest.AtOnce(t, 8, func(int) error {
			return d.RunInTx(ctx, func(tx *sql.Tx) error {
				return indicator.Count(ctx, tx, indicator.Fact{Code: "consultation.comments", UnitID: dd.ID, Day: day(12, 3), Num: 1})
			})
		}); n != 8 {
			t.Fatalf("%d of 8 concurrent counts", n)
		}
		cs, err := indicator.Read(ctx, d, hue.Path, day(10, 1), legal.DateOf(2027, 1, 1))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, c := range cs {
			got = append(got, fmt.Sprintf("%s %d %d/%d %v", c.Code, c.UnitID, c.Value.Num, c.Value.Den, c.Value.Hist))
		}
		sort.Strings(got)
		want := []string{
			fmt.Sprintf("consultation.comments %d 8/0 []", dd.ID),
			fmt.Sprintf("feedback.days %d 0/0 [0 2 0 1]", dd.ID),
			fmt.Sprintf("feedback.on_time %d 1/2 []", dd.ID),
			fmt.Sprintf("feedback.on_time %d 1/1 []", village.ID),
			fmt.Sprintf("reception.held %d 1/0 []", dd.ID),
		}
		sort.Strings(want)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("read:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		// The median of Đan Điền's days over buckets (1, 3, 7]: 2 in (1,3], 1 in (7, …).
		days := indicator.Indicator{Agg: indicator.Median, Buckets: []float64{1, 3, 7}}
		for _, c := range cs {
			if c.Code == "feedback.days" {
				if f, ok := days.Figure(c.Value); !ok || f != 2.5 {
					t.Errorf("median days: %v %v", f, ok)
				}
			}
		}
	})
}
