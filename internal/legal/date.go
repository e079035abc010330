// Package legal is the law's arithmetic, pure Go without I/O: civil dates, the
// Vietnamese lunar calendar (computed for UTC+7), public holidays and working days,
// and the catalogue of statutory time limits that every capability asks for dates.
package legal

import (
	"fmt"
	"time"
)

// Date is a civil date: a day in Vietnam, never a timestamp. The zero Date is invalid.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the civil date y-m-d, normalising overflow as time.Date does.
func DateOf(y int, m time.Month, d int) Date {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return Date{t.Year(), t.Month(), t.Day()}
}

// ParseDate reads YYYY-MM-DD (what a date field sends), or DD/MM/YYYY as
// Vietnamese write dates (typed where a browser has no date picker), and
// refuses impossible dates (2026-02-30, 30/02/2026).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		var err2 error
		if t, err2 = time.Parse("2/1/2006", s); err2 != nil {
			return Date{}, fmt.Errorf("ngày %q không hợp lệ: dùng dạng DD/MM/YYYY hoặc YYYY-MM-DD, ví dụ 15/03/2026", s)
		}
	}
	return Date{t.Year(), t.Month(), t.Day()}, nil
}

// ict is Vietnam's time (UTC+7, no daylight saving), made once: a zone per call
// was an allocation on every request that asked for today's date.
var ict = time.FixedZone("ICT", 7*3600)

// Today is the current civil date in Vietnam.
func Today(now time.Time) Date {
	t := now.In(ict)
	return Date{t.Year(), t.Month(), t.Day()}
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// String is YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day) }

// VN is DD/MM/YYYY, as Vietnamese documents write dates.
func (d Date) VN() string { return fmt.Sprintf("%02d/%02d/%04d", d.Day, d.Month, d.Year) }

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// AddDays returns the date n days later (earlier when n < 0).
func (d Date) AddDays(n int) Date { return DateOf(d.Year, d.Month, d.Day+n) }

// AddMonths returns the same day n months later, or the last day of that month
// when it is shorter (Civil Code Art 147(2)).
func (d Date) AddMonths(n int) Date {
	first := DateOf(d.Year, d.Month+time.Month(n), 1)
	last := DateOf(first.Year, first.Month+1, 0).Day
	return Date{first.Year, first.Month, min(d.Day, last)}
}

// Weekday is the day of the week.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// Before reports whether d is earlier than e.
func (d Date) Before(e Date) bool { return d.JDN() < e.JDN() }

// DaysUntil is the number of days from d to e (negative when e is earlier).
func (d Date) DaysUntil(e Date) int { return e.JDN() - d.JDN() }

// JDN is the Julian day number of the date (proleptic Gregorian calendar).
func (d Date) JDN() int {
	a := (14 - int(d.Month)) / 12
	y := d.Year + 4800 - a
	m := int(d.Month) + 12*a - 3
	return d.Day + (153*m+2)/5 + 365*y + y/4 - y/100 + y/400 - 32045
}

// FromJDN is the date of a Julian day number.
func FromJDN(j int) Date {
	a := j + 32044
	b := (4*a + 3) / 146097
	c := a - 146097*b/4
	d := (4*c + 3) / 1461
	e := c - 1461*d/4
	m := (5*e + 2) / 153
	return Date{100*b + d - 4800 + m/10, time.Month(m + 3 - 12*(m/10)), e - (153*m+2)/5 + 1}
}

var weekdayVN = [...]string{"Chủ nhật", "Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy"}

// WeekdayVN is the Vietnamese name of the day of the week.
func (d Date) WeekdayVN() string { return weekdayVN[d.Weekday()] }
