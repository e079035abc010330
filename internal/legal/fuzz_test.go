package legal

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// FuzzParseDate: a date typed in a form or on the command line is read only
// when it is exactly YYYY-MM-DD or D/M/YYYY (leading zeros optional) of a
// real date, and the date then writes back (String, VN) as something that
// reads as itself.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2026-03-15", "15/03/2026", "5/3/2026", "30/02/2026", "2026-02-30", "03/15/2026", "15.03.2026", "0000-01-01",
		"9999-12-31", "29/02/2028", "29/02/2027", "2026-3-15", " 2026-03-15", "15/03/26", "15/03/+026", "١٥/٠٣/٢٠٢٦", "2026-03-15T00:00:00Z", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if d != (Date{}) || !strings.Contains(err.Error(), "DD/MM/YYYY") {
				t.Fatalf("ParseDate(%q) = %v, %v", s, d, err)
			}
			return
		}
		if d.Month < 1 || d.Month > 12 || d.Day < 1 || d.Day > 31 || d.Year < 0 || d.Year > 9999 || DateOf(d.Year, d.Month, d.Day) != d {
			t.Fatalf("ParseDate(%q) = %+v, not a date", s, d)
		}
		forms := []string{d.String(), d.VN(), fmt.Sprintf("%d/%d/%04d", d.Day, d.Month, d.Year),
			fmt.Sprintf("%02d/%d/%04d", d.Day, d.Month, d.Year), fmt.Sprintf("%d/%02d/%04d", d.Day, d.Month, d.Year)}
		typed := false
		for _, w := range forms {
			typed = typed || w == s
			if back, err := ParseDate(w); err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %v, but %q reads as %v %v", s, d, w, back, err)
			}
		}
		if !typed {
			t.Fatalf("ParseDate(%q) = %v, a form it was not typed in", s, d)
		}
	})
}

// FuzzLunar: a lunar date (danchu lunar --to-solar) is refused or converts to
// a solar date in range that converts back to it; a solar date in range
// converts to a lunar date that converts back.
func FuzzLunar(f *testing.F) {
	f.Add(1, 1, 2026, false, 2026, 3, 15)
	f.Add(30, 12, 2025, false, 1900, 1, 1)
	f.Add(29, 6, 2025, true, 2199, 12, 31)
	f.Add(1, 11, 2199, false, 1899, 12, 31)
	f.Add(-1, 13, -5, true, 2200, 1, 1)
	f.Fuzz(func(t *testing.T, day, month, year int, leap bool, sy, sm, sd int) {
		l := LunarDate{Day: day, Month: month, Year: year, Leap: leap}
		if d, err := ToSolar(l); err == nil {
			if !inRange(d) {
				t.Fatalf("ToSolar(%v) = %v, out of range", l, d)
			}
			if back, err := ToLunar(d); err != nil || back != l {
				t.Fatalf("ToSolar(%v) = %v, which is %v %v", l, d, back, err)
			}
		}
		if sm < 1 || sm > 12 || sd < 1 || sd > 31 || sy < -100000 || sy > 100000 {
			return
		}
		d := DateOf(sy, time.Month(sm), sd)
		ld, err := ToLunar(d)
		if err != nil {
			if inRange(d) {
				t.Fatalf("ToLunar(%v): %v", d, err)
			}
			return
		}
		if back, err := ToSolar(ld); err != nil || back != d {
			t.Fatalf("ToLunar(%v) = %v, which is %v %v", d, ld, back, err)
		}
	})
}

// FuzzParseOverrides: a calendar file (danchu serve --calendar, the
// calendar page's upload) is refused with every bad line, each numbered
// within the file, or read as overrides of distinct dates of a known kind,
// a day off always named.
func FuzzParseOverrides(f *testing.F) {
	for _, s := range []string{"date,kind,name\n2026-02-16,off,Tết\n2026-02-28,work,\n", "# comment\n15/03/2026,not-off\n", "2026-02-30,off,x\n",
		"2026-01-01,holiday,x\n", "2026-01-01,off\n", "2026-01-01,off,a\n01/01/2026,work,b\n", "\"2026-01-01,off,x\n", "a,b,c,d\n", "DATE , KIND\n",
		"2026-01-01,off,\"Tết\nDương lịch\"\n", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data string) {
		ov, err := ParseOverrides(strings.NewReader(data))
		if err != nil {
			bad, ok := err.(OverridesError)
			lines := strings.Count(data, "\n") + 1
			if !ok || len(bad) == 0 || ov != nil {
				t.Fatalf("ParseOverrides(%q): %v", data, err)
			}
			for _, l := range bad {
				if l.Line < 1 || l.Line > lines || l.Msg == "" {
					t.Fatalf("ParseOverrides(%q): %+v", data, bad)
				}
			}
			return
		}
		seen := map[Date]bool{}
		for _, o := range ov {
			if seen[o.Date] || o.Date.IsZero() || (o.Kind != KindOff && o.Kind != KindWork && o.Kind != KindNotOff) ||
				(o.Kind == KindOff && o.Name == "") || o.Name != strings.TrimSpace(o.Name) {
				t.Fatalf("ParseOverrides(%q) = %+v", data, ov)
			}
			seen[o.Date] = true
		}
		NewCalendar(ov).IsWorkingDay(DateOf(2026, 1, 1))
	})
}
