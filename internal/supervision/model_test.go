package supervision

import (
	"testing"
	"time"

	"danchu/internal/legal"
)

func TestSizesAndClocks(t *testing.T) {
	for _, c := range []struct{ villages, size int }{{0, 5}, {2, 5}, {5, 5}, {9, 9}, {23, 23}} {
		if got := InspectionSize(c.villages); got != c.size {
			t.Errorf("InspectionSize(%d) = %d, want %d", c.villages, got, c.size)
		}
	}
	d := func(y int, m time.Month, day int) legal.Date { return legal.DateOf(y, m, day) }
	for _, c := range []struct {
		today, term legal.Date
		ok          bool
	}{
		{d(2026, 12, 1), d(2027, 6, 1), true},  // exactly six months left
		{d(2026, 12, 2), d(2027, 6, 1), false}, // a day less
		{d(2026, 12, 1), legal.Date{}, true},   // no term recorded
		{d(2027, 8, 31), d(2028, 2, 29), true}, // the month's last day (Civil Code Art 147)
	} {
		if got := CanByElect(c.today, c.term); got != c.ok {
			t.Errorf("CanByElect(%s, %s) = %v", c.today, c.term, got)
		}
	}
	due, today := d(2026, 12, 16), d(2026, 12, 17)
	for _, c := range []struct {
		answered legal.Date
		today    legal.Date
		want     string
	}{
		{legal.Date{}, due, Waiting},
		{legal.Date{}, today, Overdue},
		{due, today, OnTime},
		{today, today, AnsweredLate},
	} {
		if got := StateOf(due, c.answered, c.today); got != c.want {
			t.Errorf("StateOf(%s, %s, %s) = %s, want %s", due, c.answered, c.today, got, c.want)
		}
	}
	if n := len(AreasOf(Investment, Public)); n != 6 {
		t.Errorf("a public project's board watches %d areas, want 6", n)
	}
	if n := len(AreasOf(Investment, Community)); n != 10 {
		t.Errorf("a community project's board watches %d areas, want 10 (with specifications, materials, acceptance, accounts)", n)
	}
	if AreasOf(Inspection, "") != nil {
		t.Error("an inspection board's conclusions have no area")
	}
}
