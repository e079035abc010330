package legal

import (
	"testing"
	"time"
)

func TestCheckReception(t *testing.T) {
	cal := NewCalendar(Decided())
	d := DateOf
	weekly, _ := ReceptionMinimumOf("chair.commune")
	monthly, _ := ReceptionMinimumOf("party.commune")
	for _, tt := range []struct {
		name          string
		min           ReceptionMinimum
		year          int
		month         time.Month
		days          []Date
		needs, planed int
		short         []string // the periods short, dd/mm/yyyy–dd/mm/yyyy
	}{
		{"EveryWeek", weekly, 2026, time.December, []Date{d(2026, 12, 8), d(2026, 12, 15), d(2026, 12, 22), d(2026, 12, 29)}, 4, 4, nil},
		// The week of 28/12 runs into January; 01/01 is a holiday and does not count.
		{"LastWeekShort", weekly, 2026, time.December, []Date{d(2026, 12, 8), d(2026, 12, 15), d(2026, 12, 22), d(2027, 1, 1)}, 4, 3,
			[]string{"28/12/2026–03/01/2027"}},
		// November's last week runs into December: its day there counts for it.
		{"WeekEndsNextMonth", weekly, 2026, time.November, []Date{d(2026, 11, 3), d(2026, 11, 10), d(2026, 11, 17), d(2026, 11, 24), d(2026, 12, 2)}, 5, 5, nil},
		// 01/12 is in the week of 30/11: November's, not December's.
		{"FirstDaysBelongToNovember", weekly, 2026, time.December, []Date{d(2026, 12, 1), d(2026, 12, 15), d(2026, 12, 22), d(2026, 12, 29)}, 4, 3,
			[]string{"07/12/2026–13/12/2026"}},
		// Tết 2026: the week of 16/02 has no working day and needs none.
		{"TetWeekNeedsNone", weekly, 2026, time.February, []Date{d(2026, 2, 3), d(2026, 2, 10), d(2026, 2, 24)}, 3, 3, nil},
		{"MonthlyTwo", monthly, 2026, time.December, []Date{d(2026, 12, 3), d(2026, 12, 10)}, 2, 2, nil},
		// The same day twice, and a Sunday: one day.
		{"MonthlyTwiceAndSunday", monthly, 2026, time.December, []Date{d(2026, 12, 3), d(2026, 12, 3), d(2026, 12, 6)}, 2, 1,
			[]string{"01/12/2026–31/12/2026"}},
		{"MonthlyNone", monthly, 2026, time.December, nil, 2, 0, []string{"01/12/2026–31/12/2026"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := CheckReception(tt.min, cal, tt.year, tt.month, tt.days)
			var short []string
			for _, s := range got.Short {
				short = append(short, s.From.VN()+"–"+s.To.VN())
			}
			if got.Needs != tt.needs || got.Planned != tt.planed || len(short) != len(tt.short) || got.OK() != (len(tt.short) == 0) {
				t.Fatalf("needs %d planned %d short %v, want %d %d %v", got.Needs, got.Planned, short, tt.needs, tt.planed, tt.short)
			}
			for i := range short {
				if short[i] != tt.short[i] {
					t.Errorf("short %v, want %v", short, tt.short)
				}
			}
		})
	}
}

func TestReceptionMinimums(t *testing.T) {
	seen := map[string]bool{}
	for _, m := range ReceptionMinimums {
		if seen[m.Role] || m.Days < 1 || (m.Per != PerWeek && m.Per != PerMonth) || m.Source == "" || m.Name == "" {
			t.Errorf("minimum %+v", m)
		}
		seen[m.Role] = true
	}
	if m, ok := ReceptionMinimumOf("chair.commune"); !ok || m.Per != PerWeek || m.Days != 1 {
		t.Errorf("the commune chair's minimum: %+v", m)
	}
	if _, ok := ReceptionMinimumOf("nobody"); ok {
		t.Error("a role that is none has a minimum")
	}
}
