package legal

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func d(s string) Date {
	x, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return x
}

func holidaysString(hs []Holiday) string {
	var b []string
	for _, h := range hs {
		b = append(b, h.Date.String())
	}
	return strings.Join(b, " ")
}

func TestStatutoryDaysOff(t *testing.T) {
	for _, tt := range []struct {
		year int
		want string
	}{
		// 2024: Tết 9–13/02 with a weekend inside → 14 and 15/02 in compensation; 1/9 on a Sunday → 3/9.
		{2024, "2024-01-01 2024-02-09 2024-02-10 2024-02-11 2024-02-12 2024-02-13 2024-02-14 2024-02-15 2024-04-18 2024-04-30 2024-05-01 2024-09-01 2024-09-02 2024-09-03"},
		// 2026: Giỗ Tổ (10/3 âm) on Sunday 26/04 → Monday 27/04.
		{2026, "2026-01-01 2026-02-16 2026-02-17 2026-02-18 2026-02-19 2026-02-20 2026-04-26 2026-04-27 2026-04-30 2026-05-01 2026-09-01 2026-09-02"},
	} {
		c := NewCalendar()
		if got := holidaysString(c.Holidays(tt.year)); got != tt.want {
			t.Errorf("days off %d:\n got %s\nwant %s", tt.year, got, tt.want)
		}
	}
	if got := NewCalendar().DayOff(d("2026-04-27")); got != "Nghỉ bù Giỗ Tổ Hùng Vương (10/3 âm lịch)" {
		t.Errorf("27/04/2026 = %q", got)
	}
}

func TestOverrides(t *testing.T) {
	ov, err := ParseOverrides(strings.NewReader("date,kind,name\n# a comment\n2026-01-02,off,Nghỉ bắc cầu\n2026-01-10,work,Làm bù ngày 02/01\n2026-04-27,not-off,\n2026-11-24,off,Ngày Văn hóa Việt Nam\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := NewCalendar(ov)
	for _, tt := range []struct {
		day     string
		working bool
	}{
		{"2026-01-02", false}, {"2026-01-10", true}, {"2026-01-11", false}, {"2026-04-27", true}, {"2026-04-26", false},
		{"2026-11-24", false}, {"2026-11-23", true},
	} {
		if got := c.IsWorkingDay(d(tt.day)); got != tt.working {
			t.Errorf("%s working = %v, want %v", tt.day, got, tt.working)
		}
	}
	_, err = ParseOverrides(strings.NewReader("2026-02-30,off,x\n2026-03-01,holiday,x\n2026-03-02,off,\n2026-03-03,work\n2026-03-03,off,y\nonly-one-column\n"))
	oe, ok := err.(OverridesError)
	if !ok || len(oe) != 5 {
		t.Fatalf("bad file: %v", err)
	}
	for i, want := range []string{"dòng 1:", "dòng 2: loại \"holiday\"", "dòng 3: ngày nghỉ thêm cần có tên", "dòng 5: ngày 2026-03-03 đã có ở dòng 4", "dòng 6: cần 3 cột"} {
		if got := (OverridesError{oe[i]}).Error(); !strings.HasPrefix(got, want) {
			t.Errorf("error %d = %q, want it to start with %q", i, got, want)
		}
	}
}

func TestDecided2026Tet(t *testing.T) {
	c := NewCalendar(Decided())
	for day := d("2026-02-14"); day.Before(d("2026-02-23")); day = day.AddDays(1) {
		if c.IsWorkingDay(day) {
			t.Errorf("%s is a working day in the 2026 Tết decision", day)
		}
	}
	if !c.IsWorkingDay(d("2026-02-13")) || !c.IsWorkingDay(d("2026-02-23")) {
		t.Error("the days around Tết 2026 are not working days")
	}
	if got := c.AddWorkingDays(d("2026-02-10"), 5); got != d("2026-02-24") {
		t.Errorf("5 working days after 10/02/2026 = %s, want 2026-02-24", got)
	}
}

// AddWorkingDays (prefix counts, binary search, across years) agrees with
// counting day by day.
func TestAddWorkingDaysMatchesCounting(t *testing.T) {
	c := NewCalendar(Decided())
	r := rand.New(rand.NewPCG(1, 2))
	start := d("2024-01-01").JDN()
	for range 3000 {
		from := FromJDN(start + r.IntN(4*365))
		n := 1 + r.IntN(60)
		want, left := from, n
		for left > 0 {
			want = want.AddDays(1)
			if c.IsWorkingDay(want) {
				left--
			}
		}
		if got := c.AddWorkingDays(from, n); got != want {
			t.Fatalf("%d working days after %s = %s, want %s", n, from, got, want)
		}
		back := c.SubWorkingDays(want.AddDays(1), n)
		count := 0
		for x := back; x.Before(want.AddDays(1)); x = x.AddDays(1) {
			if c.IsWorkingDay(x) {
				count++
			}
		}
		if count != n || !c.IsWorkingDay(back) {
			t.Fatalf("SubWorkingDays(%s, %d) = %s spans %d working days", want.AddDays(1), n, back, count)
		}
	}
}

// A line of broken CSV is reported with its number, not a panic (found by
// FuzzParseOverrides: FieldPos after a failed Read panicked).
func TestOverridesBrokenCSV(t *testing.T) {
	_, err := ParseOverrides(strings.NewReader("2026-01-01,off,Tết\n\"2026-01-02,off,x\n"))
	oe, ok := err.(OverridesError)
	if !ok || len(oe) != 1 || !strings.HasPrefix(oe.Error(), "dòng 2: không đọc được dòng CSV") {
		t.Fatalf("broken quote: %v", err)
	}
}
