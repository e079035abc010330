package legal

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"
)

// Kinds of calendar override (the `kind` column of a calendar file).
const (
	KindOff    = "off"     // a day off added (a Prime Minister's decision, a new holiday)
	KindWork   = "work"    // a working day, e.g. a Saturday worked in exchange for a bridge day
	KindNotOff = "not-off" // removes a generated statutory day off (and the day off it would give in compensation)
)

// Override is one line of a calendar file: date,kind,name.
type Override struct {
	Date Date
	Kind string
	Name string
}

// Holiday is a day off with its name.
type Holiday struct {
	Date Date
	Name string
}

//go:embed data/2026.csv
var decided2026 []byte

// Decided are the real decisions shipped with danchu (public employees), applied
// on top of the statutory defaults unless a calendar is built without them.
func Decided() []Override {
	o, err := ParseOverrides(bytes.NewReader(decided2026))
	if err != nil {
		panic("legal: shipped calendar: " + err.Error())
	}
	return o
}

// LineError is a bad line of a calendar file.
type LineError struct {
	Line int
	Msg  string
}

// OverridesError lists every bad line of a calendar file.
type OverridesError []LineError

func (e OverridesError) Error() string {
	var b strings.Builder
	for i, l := range e {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "dòng %d: %s", l.Line, l.Msg)
	}
	return b.String()
}

// ParseOverrides reads a calendar file: CSV `date,kind,name` (a header line with
// those names is optional; lines starting with # are comments). All bad lines are
// reported, and then nothing is returned.
func ParseOverrides(r io.Reader) ([]Override, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	var out []Override
	var bad OverridesError
	seen := map[Date]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// After a failed Read there is no record: FieldPos would panic
			// (found by FuzzParseOverrides); the error knows its line.
			line := 0
			if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
				line = pe.StartLine
			}
			bad = append(bad, LineError{line, "không đọc được dòng CSV: " + err.Error()})
			continue
		}
		line, _ := cr.FieldPos(0)
		if len(rec) >= 2 && strings.EqualFold(strings.TrimSpace(rec[0]), "date") && strings.EqualFold(strings.TrimSpace(rec[1]), "kind") {
			continue
		}
		if len(rec) < 2 || len(rec) > 3 {
			bad = append(bad, LineError{line, "cần 3 cột date,kind,name"})
			continue
		}
		d, err := ParseDate(strings.TrimSpace(rec[0]))
		if err != nil {
			bad = append(bad, LineError{line, err.Error()})
			continue
		}
		kind := strings.TrimSpace(rec[1])
		if kind != KindOff && kind != KindWork && kind != KindNotOff {
			bad = append(bad, LineError{line, fmt.Sprintf("loại %q không có; dùng off, work hoặc not-off", kind)})
			continue
		}
		name := ""
		if len(rec) == 3 {
			name = strings.TrimSpace(rec[2])
		}
		if kind == KindOff && name == "" {
			bad = append(bad, LineError{line, "ngày nghỉ thêm cần có tên (cột name)"})
			continue
		}
		if prev, ok := seen[d]; ok {
			bad = append(bad, LineError{line, fmt.Sprintf("ngày %s đã có ở dòng %d", d, prev)})
			continue
		}
		seen[d] = line
		out = append(out, Override{Date: d, Kind: kind, Name: name})
	}
	if len(bad) > 0 {
		return nil, bad
	}
	return out, nil
}

// Calendar knows the days off and working days of any year: the statutory days
// (Labour Code 2019 Art 112) with their compensation (Art 111(3)), then the
// overrides. It is safe for concurrent use and caches each year it has built.
type Calendar struct {
	overrides map[int][]Override // by year
	years     sync.Map           // int -> *year
}

// NewCalendar returns the calendar with the given overrides (in order: a later
// override of the same date wins).
func NewCalendar(overrides ...[]Override) *Calendar {
	c := &Calendar{overrides: map[int][]Override{}}
	for _, os := range overrides {
		for _, o := range os {
			c.overrides[o.Date.Year] = append(c.overrides[o.Date.Year], o)
		}
	}
	return c
}

// year is one solar year, built once: its days off and, for fast counting, the
// number of working days before each day.
type year struct {
	first int            // JDN of 1 January
	off   map[int]string // JDN -> name of the day off
	cum   []int32        // cum[i]: working days among the first i days of the year
}

// Statutory returns the days off the Labour Code gives in year y, before any
// override: the holidays and the days off in compensation.
func Statutory(y int) []Holiday {
	var hs []Holiday
	add := func(d Date, name string) { hs = append(hs, Holiday{d, name}) }
	add(DateOf(y, 1, 1), "Tết Dương lịch")
	if tet, err := Tet(y); err == nil { // Art 112(1)(b): the last day of the old year and 1–4 of the new
		add(tet.AddDays(-1), "Tết Nguyên đán (cuối năm âm lịch)")
		for i := range 4 {
			add(tet.AddDays(i), fmt.Sprintf("Tết Nguyên đán (mùng %d)", i+1))
		}
	}
	if d, err := ToSolar(LunarDate{Day: 10, Month: 3, Year: y}); err == nil { // Art 112(1)(đ)
		add(d, "Giỗ Tổ Hùng Vương (10/3 âm lịch)")
	}
	add(DateOf(y, 4, 30), "Ngày Chiến thắng")
	add(DateOf(y, 5, 1), "Ngày Quốc tế Lao động")
	add(DateOf(y, 9, 1), "Quốc khánh (ngày liền kề)")
	add(DateOf(y, 9, 2), "Quốc khánh")
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

func weekend(d Date) bool { w := d.Weekday(); return w == time.Saturday || w == time.Sunday }

func (c *Calendar) year(y int) *year {
	if v, ok := c.years.Load(y); ok {
		return v.(*year)
	}
	yr := c.build(y)
	v, _ := c.years.LoadOrStore(y, yr)
	return v.(*year)
}

func (c *Calendar) build(y int) *year {
	removed := map[Date]bool{}
	for _, o := range c.overrides[y] {
		if o.Kind == KindNotOff {
			removed[o.Date] = true
		}
	}
	yr := &year{first: DateOf(y, 1, 1).JDN(), off: map[int]string{}}
	var statutory []Holiday
	for _, h := range Statutory(y) {
		if !removed[h.Date] {
			statutory = append(statutory, h)
			yr.off[h.Date.JDN()] = h.Name
		}
	}
	// Art 111(3): a holiday on a weekly rest day gives the next working day off.
	for _, h := range statutory {
		if !weekend(h.Date) {
			continue
		}
		d := h.Date.AddDays(1)
		for weekend(d) || yr.off[d.JDN()] != "" {
			d = d.AddDays(1)
		}
		if d.Year == y && !removed[d] {
			yr.off[d.JDN()] = "Nghỉ bù " + h.Name
		}
	}
	work := map[int]bool{}
	for _, o := range c.overrides[y] {
		switch o.Kind {
		case KindOff:
			yr.off[o.Date.JDN()] = o.Name
			delete(work, o.Date.JDN())
		case KindWork:
			delete(yr.off, o.Date.JDN())
			work[o.Date.JDN()] = true
		}
	}
	n := DateOf(y+1, 1, 1).JDN() - yr.first
	yr.cum = make([]int32, n+1)
	for i := range n {
		j := yr.first + i
		w := work[j] || (!weekend(FromJDN(j)) && yr.off[j] == "")
		yr.cum[i+1] = yr.cum[i]
		if w {
			yr.cum[i+1]++
		}
	}
	return yr
}

// isWorking reports whether day index i of the year is a working day.
func (yr *year) isWorking(i int) bool { return yr.cum[i+1] > yr.cum[i] }

// IsWorkingDay reports whether d is a working day.
func (c *Calendar) IsWorkingDay(d Date) bool {
	yr := c.year(d.Year)
	return yr.isWorking(d.JDN() - yr.first)
}

// DayOff returns the name of the day off on d ("" when d is a working day or an
// ordinary weekend).
func (c *Calendar) DayOff(d Date) string { return c.year(d.Year).off[d.JDN()] }

// Holidays lists the named days off of year y (holidays, compensation days,
// decided days off; not ordinary weekends), by date.
func (c *Calendar) Holidays(y int) []Holiday {
	yr := c.year(y)
	var hs []Holiday
	for j, name := range yr.off {
		hs = append(hs, Holiday{FromJDN(j), name})
	}
	sort.Slice(hs, func(i, j int) bool { return hs[i].Date.Before(hs[j].Date) })
	return hs
}

// AddWorkingDays returns the n-th working day after d (n ≥ 1), counting from the
// day after d.
func (c *Calendar) AddWorkingDays(d Date, n int) Date {
	yr := c.year(d.Year)
	i := d.JDN() - yr.first
	target := int32(n) + yr.cum[i+1] // working days up to and including d, plus n
	for {
		if target <= yr.cum[len(yr.cum)-1] {
			k := sort.Search(len(yr.cum), func(k int) bool { return yr.cum[k] >= target }) // first k with cum[k] ≥ target
			return FromJDN(yr.first + k - 1)
		}
		target -= yr.cum[len(yr.cum)-1]
		yr = c.year(FromJDN(yr.first).Year + 1)
	}
}

// SubWorkingDays returns the working day d' before d such that there are n
// working days from d' up to the day before d.
func (c *Calendar) SubWorkingDays(d Date, n int) Date {
	x := d
	for n > 0 {
		x = x.AddDays(-1)
		if c.IsWorkingDay(x) {
			n--
		}
	}
	return x
}

// NextWorkingDay returns d if it is a working day, else the first working day after it.
func (c *Calendar) NextWorkingDay(d Date) Date {
	for !c.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

// Source gives the calendar in force now: the stored decisions change it, so
// capabilities ask for it at each use (calendar.Service is the running one).
type Source interface {
	Calendar(ctx context.Context) (*Calendar, error)
}

// Fixed is a Source that always gives the same calendar (tools and tests).
type Fixed struct{ C *Calendar }

// Calendar returns the fixed calendar.
func (f Fixed) Calendar(context.Context) (*Calendar, error) { return f.C, nil }
