package legal

import (
	"strings"
	"testing"
	"time"
)

func TestTetDates(t *testing.T) {
	// Published Vietnamese calendars; 1985 and 2007 differ from the Chinese calendar (20/02/1985, 18/02/2007).
	for _, tt := range []struct {
		year int
		want string
	}{
		{1985, "1985-01-21"}, {2007, "2007-02-17"}, {2024, "2024-02-10"}, {2025, "2025-01-29"},
		{2026, "2026-02-17"}, {2027, "2027-02-06"}, {2000, "2000-02-05"}, {1968, "1968-01-29"}, {2023, "2023-01-22"},
		{1975, "1975-02-11"}, {1990, "1990-01-27"}, {2010, "2010-02-14"}, {2020, "2020-01-25"},
	} {
		got, err := Tet(tt.year)
		if err != nil || got.String() != tt.want {
			t.Errorf("Tết %d = %s (%v), want %s", tt.year, got, err, tt.want)
		}
	}
}

func TestKnownLunarDates(t *testing.T) {
	for _, tt := range []struct{ solar, lunar string }{
		{"2025-04-07", "10/03/2025"},       // Giỗ Tổ Hùng Vương 2025
		{"2024-09-17", "15/08/2024"},       // Tết Trung thu 2024
		{"2026-02-16", "29/12/2025"},       // 30 Tết Ất Tỵ: the twelfth month of 2025 has 29 days
		{"2026-02-14", "27/12/2025"},       // first day off of Tết 2026 for public employees
		{"2023-03-22", "01/02/2023 nhuận"}, // leap second month of Quý Mão
		{"2025-07-25", "01/06/2025 nhuận"}, // leap sixth month of Ất Tỵ
		{"1900-01-31", "01/01/1900"},
	} {
		d, _ := ParseDate(tt.solar)
		l, err := ToLunar(d)
		if err != nil || l.String() != tt.lunar {
			t.Errorf("ToLunar(%s) = %s (%v), want %s", tt.solar, l, err, tt.lunar)
		}
	}
}

func TestLeapMonths(t *testing.T) {
	want := map[int]int{2001: 4, 2004: 2, 2006: 7, 2009: 5, 2012: 4, 2014: 9, 2017: 6, 2020: 4, 2023: 2, 2025: 6, 2028: 5}
	for y := 2000; y <= 2030; y++ {
		if got := LeapMonth(y); got != want[y] {
			t.Errorf("leap month of %d = %d, want %d", y, got, want[y])
		}
	}
}

// Every day of 1900–2199 goes to the lunar calendar and back unchanged; lunar days
// run 1, 2, 3… without gaps; months have 29 or 30 days; years 12 or 13 months.
func TestRoundTripEveryDay(t *testing.T) {
	start, end := DateOf(FirstYear, 1, 1).JDN(), DateOf(LastYear, 12, 31).JDN()
	prev, _ := ToLunar(FromJDN(start))
	n, leapYears := 0, 0
	for j := start; j <= end; j++ {
		d := FromJDN(j)
		l, err := ToLunar(d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		back, err := ToSolar(l)
		if err != nil || back != d {
			t.Fatalf("%s → %s → %s (%v)", d, l, back, err)
		}
		if j > start {
			switch {
			case l.Day == prev.Day+1 && l.Month == prev.Month && l.Leap == prev.Leap:
			case l.Day == 1 && (prev.Day == 29 || prev.Day == 30):
				if l.Month == 1 && !l.Leap && l.Year != prev.Year+1 {
					t.Fatalf("%s: new year %d after %d", d, l.Year, prev.Year)
				}
				if l.Leap {
					leapYears++
					if l.Month != prev.Month {
						t.Fatalf("%s: leap month %d follows month %d", d, l.Month, prev.Month)
					}
				}
			default:
				t.Fatalf("%s: lunar %s follows %s", d, l, prev)
			}
		}
		prev = l
		n++
	}
	t.Logf("%d days round-tripped, %d leap months", n, leapYears)
	if leapYears < 105 || leapYears > 115 {
		t.Errorf("%d leap months in 300 years; about 110 expected (7 in 19 years)", leapYears)
	}
}

func TestToSolarRefusesImpossibleDates(t *testing.T) {
	for _, tt := range []struct {
		l    LunarDate
		want string
	}{
		{LunarDate{Day: 1, Month: 3, Year: 2024, Leap: true}, "không có tháng 3 nhuận"}, // 2024 has no leap month
		{LunarDate{Day: 30, Month: 12, Year: 2025}, "chỉ có 29 ngày"},                   // the twelfth month of Ất Tỵ has 29 days
		{LunarDate{Day: 0, Month: 1, Year: 2026}, "tháng 1–12, ngày 1–30"},
		{LunarDate{Day: 1, Month: 13, Year: 2026}, "tháng 1–12, ngày 1–30"},
		{LunarDate{Day: 1, Month: 1, Year: 2300}, "ngoài khoảng"},
	} {
		if d, err := ToSolar(tt.l); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ToSolar(%+v) = %s, %v; want an error with %q", tt.l, d, err, tt.want)
		}
	}
	if _, err := ToLunar(DateOf(1899, 12, 31)); err == nil || !strings.Contains(err.Error(), "ngoài khoảng 1900–2199") {
		t.Errorf("1899: %v, want out of range", err)
	}
}

func TestDateArithmetic(t *testing.T) {
	d := DateOf(2026, 1, 31)
	if got := d.AddMonths(1); got != DateOf(2026, 2, 28) {
		t.Errorf("31/01 + 1 month = %s", got)
	}
	if got := DateOf(2028, 1, 31).AddMonths(1); got != DateOf(2028, 2, 29) {
		t.Errorf("31/01/2028 + 1 month = %s", got)
	}
	if FromJDN(d.JDN()) != d || d.AddDays(30).String() != "2026-03-02" || d.Weekday() != time.Saturday || d.WeekdayVN() != "Thứ Bảy" {
		t.Errorf("date arithmetic on %s", d)
	}
	if _, err := ParseDate("2026-02-30"); err == nil || !strings.Contains(err.Error(), `"2026-02-30" không hợp lệ`) {
		t.Errorf("30/02: %v, want refused", err)
	}
}
