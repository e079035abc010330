package legal

import (
	"fmt"
	"math"
	"sort"
	"sync"
)

// The Vietnamese lunisolar calendar, computed from astronomy for the meridian of
// UTC+7 (which is why it differs from the Chinese calendar, computed for UTC+8,
// in years such as 1985 and 2007):
//   - a month begins on the local day of a new moon;
//   - month 11 is the month in which the December solstice falls;
//   - when 13 months lie between two months 11, the first of them whose span has no
//     major solar term (the sun's longitude crossing a multiple of 30°) is a leap
//     month and repeats the number of the month before it.
// New moons follow J. Meeus, Astronomical Algorithms (2nd ed.), ch. 49, with the
// planetary corrections; the sun's apparent longitude, ch. 25 (low accuracy, ~0.01°);
// ΔT, the polynomials of Espenak & Meeus (2006). Written for this package from
// those published formulas.

// Lunar range supported: solar dates in these years.
const (
	FirstYear = 1900
	LastYear  = 2199
)

// LunarDate is a day of the lunar calendar. Year is the lunar year (the solar
// year in which its month 1 begins).
type LunarDate struct {
	Day, Month, Year int
	Leap             bool
}

// String is DD/MM/YYYY, followed by " nhuận" in a leap month.
func (l LunarDate) String() string {
	s := fmt.Sprintf("%02d/%02d/%04d", l.Day, l.Month, l.Year)
	if l.Leap {
		s += " nhuận"
	}
	return s
}

const (
	tz  = 7.0 / 24 // UTC+7, in days
	rad = math.Pi / 180
)

func sinD(x float64) float64 { return math.Sin(x * rad) }

// deltaT is TT − UT in seconds for a decimal year (Espenak & Meeus 2006).
func deltaT(y float64) float64 {
	switch {
	case y < 1920:
		t := y - 1900
		return -2.79 + 1.494119*t - 0.0598939*t*t + 0.0061966*t*t*t - 0.000197*t*t*t*t
	case y < 1941:
		t := y - 1920
		return 21.20 + 0.84493*t - 0.076100*t*t + 0.0020936*t*t*t
	case y < 1961:
		t := y - 1950
		return 29.07 + 0.407*t - t*t/233 + t*t*t/2547
	case y < 1986:
		t := y - 1975
		return 45.45 + 1.067*t - t*t/260 - t*t*t/718
	case y < 2005:
		t := y - 2000
		return 63.86 + 0.3345*t - 0.060374*t*t + 0.0017275*t*t*t + 0.000651814*t*t*t*t + 0.00002373599*t*t*t*t*t
	case y < 2050:
		t := y - 2000
		return 62.92 + 0.32217*t + 0.005589*t*t
	case y < 2150:
		u := (y - 1820) / 100
		return -20 + 32*u*u - 0.5628*(2150-y)
	}
	u := (y - 1820) / 100
	return -20 + 32*u*u
}

// yearOfJD is the decimal year of a Julian date, close enough for ΔT.
func yearOfJD(jd float64) float64 { return 2000 + (jd-2451545)/365.25 }

// newMoonUT is the Julian date (UT) of new moon number k (k = 0: January 2000).
func newMoonUT(k float64) float64 {
	T := k / 1236.85
	T2, T3, T4 := T*T, T*T*T, T*T*T*T
	jde := 2451550.09766 + 29.530588861*k + 0.00015437*T2 - 0.000000150*T3 + 0.00000000073*T4
	E := 1 - 0.002516*T - 0.0000074*T2
	M := 2.5534 + 29.10535670*k - 0.0000014*T2 - 0.00000011*T3
	Mp := 201.5643 + 385.81693528*k + 0.0107582*T2 + 0.00001238*T3 - 0.000000058*T4
	F := 160.7108 + 390.67050284*k - 0.0016118*T2 - 0.00000227*T3 + 0.000000011*T4
	O := 124.7746 - 1.56375588*k + 0.0020672*T2 + 0.00000215*T3
	c := -0.40720*sinD(Mp) +
		0.17241*E*sinD(M) +
		0.01608*sinD(2*Mp) +
		0.01039*sinD(2*F) +
		0.00739*E*sinD(Mp-M) -
		0.00514*E*sinD(Mp+M) +
		0.00208*E*E*sinD(2*M) -
		0.00111*sinD(Mp-2*F) -
		0.00057*sinD(Mp+2*F) +
		0.00056*E*sinD(2*Mp+M) -
		0.00042*sinD(3*Mp) +
		0.00042*E*sinD(M+2*F) +
		0.00038*E*sinD(M-2*F) -
		0.00024*E*sinD(2*Mp-M) -
		0.00017*sinD(O) -
		0.00007*sinD(Mp+2*M) +
		0.00004*sinD(2*Mp-2*F) +
		0.00004*sinD(3*M) +
		0.00003*sinD(Mp+M-2*F) +
		0.00003*sinD(2*Mp+2*F) -
		0.00003*sinD(Mp+M+2*F) +
		0.00003*sinD(Mp-M+2*F) -
		0.00002*sinD(Mp-M-2*F) -
		0.00002*sinD(3*Mp+M) +
		0.00002*sinD(4*Mp)
	planetary := [...][3]float64{
		{0.000325, 299.77, 0.107408}, {0.000165, 251.88, 0.016321}, {0.000164, 251.83, 26.651886},
		{0.000126, 349.42, 36.412478}, {0.000110, 84.66, 18.206239}, {0.000062, 141.74, 53.303771},
		{0.000060, 207.14, 2.453732}, {0.000056, 154.84, 7.306860}, {0.000047, 34.52, 27.261239},
		{0.000042, 207.19, 0.121824}, {0.000040, 291.34, 1.844379}, {0.000037, 161.72, 24.198154},
		{0.000035, 239.56, 25.513099}, {0.000023, 331.55, 3.592518},
	}
	for i, p := range planetary {
		arg := p[1] + p[2]*k
		if i == 0 {
			arg -= 0.009173 * T2
		}
		c += p[0] * sinD(arg)
	}
	jde += c
	return jde - deltaT(yearOfJD(jde))/86400
}

// localDay is the Julian day number of the civil date at UTC+7 of a Julian date (UT).
func localDay(jdUT float64) int { return int(math.Floor(jdUT + 0.5 + tz)) }

// newMoonDay is the local day on which new moon k falls.
func newMoonDay(k int) int { return localDay(newMoonUT(float64(k))) }

// sunLongitude is the sun's apparent longitude in degrees [0, 360) at a Julian date (UT).
func sunLongitude(jdUT float64) float64 {
	jd := jdUT + deltaT(yearOfJD(jdUT))/86400
	T := (jd - 2451545) / 36525
	L0 := 280.46646 + 36000.76983*T + 0.0003032*T*T
	M := 357.52911 + 35999.05029*T - 0.0001537*T*T
	C := (1.914602-0.004817*T-0.000014*T*T)*sinD(M) + (0.019993-0.000101*T)*sinD(2*M) + 0.000289*sinD(3*M)
	O := 125.04 - 1934.136*T
	l := L0 + C - 0.00569 - 0.00478*sinD(O)
	return math.Mod(math.Mod(l, 360)+360, 360)
}

// termAt is the index (0–11) of the 30° sector of the sun's longitude at the start
// (local midnight) of day j: it changes exactly when a major solar term passes.
func termAt(j int) int { return int(sunLongitude(float64(j)-0.5-tz) / 30) }

// newMoonBefore returns k and the local day of the last new moon on or before day j.
func newMoonBefore(j int) (int, int) {
	k := int(math.Floor((float64(j) - 2451550.1) / 29.530588861))
	for newMoonDay(k) > j {
		k--
	}
	for newMoonDay(k+1) <= j {
		k++
	}
	return k, newMoonDay(k)
}

// solsticeDay is the local day of the December solstice of solar year y.
func solsticeDay(y int) int {
	lo := float64(DateOf(y, 12, 15).JDN())
	hi := float64(DateOf(y, 12, 28).JDN())
	for hi-lo > 1e-5 {
		mid := (lo + hi) / 2
		if sunLongitude(mid) < 270 {
			lo = mid
		} else {
			hi = mid
		}
	}
	return localDay(hi)
}

// lunarMonth is one month of a sui (solstice year).
type lunarMonth struct {
	start, month, year int
	leap               bool
}

// sui holds the months from month 11 before solar year y's month 1 up to (not
// including) the next month 11; end is the first day of that next month 11.
type sui struct {
	months []lunarMonth
	end    int
}

var suiCache sync.Map // int -> *sui

// suiOf builds (and keeps) the sui ending in December of solar year y.
func suiOf(y int) *sui {
	if s, ok := suiCache.Load(y); ok {
		return s.(*sui)
	}
	k0, _ := newMoonBefore(solsticeDay(y - 1))
	_, b := newMoonBefore(solsticeDay(y))
	var starts []int
	for k := k0; ; k++ {
		d := newMoonDay(k)
		if d >= b {
			break
		}
		starts = append(starts, d)
	}
	leapAt := -1
	if len(starts) == 13 {
		for i := 1; i < 13; i++ {
			end := b
			if i+1 < 13 {
				end = starts[i+1]
			}
			if termAt(starts[i]) == termAt(end) {
				leapAt = i
				break
			}
		}
	}
	s := &sui{end: b}
	m, year := 11, y-1
	for i, d := range starts {
		leap := i == leapAt
		if i > 0 && !leap {
			m++
			if m == 13 {
				m = 1
				year = y
			}
		}
		s.months = append(s.months, lunarMonth{start: d, month: m, year: year, leap: leap})
	}
	suiCache.Store(y, s)
	return s
}

func inRange(d Date) bool { return d.Year >= FirstYear && d.Year <= LastYear }

// ToLunar converts a solar date (1900–2199) to the Vietnamese lunar calendar.
func ToLunar(d Date) (LunarDate, error) {
	if !inRange(d) {
		return LunarDate{}, fmt.Errorf("ngày %s ngoài khoảng %d–%d mà lịch âm tính được", d, FirstYear, LastYear)
	}
	j := d.JDN()
	s := suiOf(d.Year)
	if j >= s.end {
		s = suiOf(d.Year + 1)
	}
	i := sort.Search(len(s.months), func(i int) bool { return s.months[i].start > j }) - 1
	m := s.months[i]
	return LunarDate{Day: j - m.start + 1, Month: m.month, Year: m.year, Leap: m.leap}, nil
}

// ToSolar converts a lunar date to the solar calendar; it refuses a leap month
// that the year does not have and a day 30 in a month of 29 days.
func ToSolar(l LunarDate) (Date, error) {
	if l.Month < 1 || l.Month > 12 || l.Day < 1 || l.Day > 30 {
		return Date{}, fmt.Errorf("ngày âm %s không có: tháng 1–12, ngày 1–30", l)
	}
	y := l.Year
	if l.Month >= 11 {
		y++
	}
	if y < FirstYear || y > LastYear+1 {
		return Date{}, fmt.Errorf("năm âm lịch %d ngoài khoảng tính được", l.Year)
	}
	s := suiOf(y)
	for i, m := range s.months {
		if m.month != l.Month || m.leap != l.Leap || m.year != l.Year {
			continue
		}
		next := s.end
		if i+1 < len(s.months) {
			next = s.months[i+1].start
		}
		if m.start+l.Day-1 >= next {
			return Date{}, fmt.Errorf("tháng %d/%d âm lịch chỉ có %d ngày", l.Month, l.Year, next-m.start)
		}
		d := FromJDN(m.start + l.Day - 1)
		if !inRange(d) {
			return Date{}, fmt.Errorf("ngày âm %s rơi ngoài khoảng %d–%d", l, FirstYear, LastYear)
		}
		return d, nil
	}
	if l.Leap {
		return Date{}, fmt.Errorf("năm âm lịch %d không có tháng %d nhuận", l.Year, l.Month)
	}
	return Date{}, fmt.Errorf("không có tháng %d năm âm lịch %d", l.Month, l.Year)
}

// LeapMonth returns the leap month of lunar year y (0: none). A leap month 11 or
// 12 belongs to the lunar year in which it falls, before the next month 1.
func LeapMonth(y int) int {
	for _, sy := range []int{y, y + 1} {
		for _, m := range suiOf(sy).months {
			if m.leap && m.year == y {
				return m.month
			}
		}
	}
	return 0
}

// Tet is the solar date of lunar new year (1/1) of lunar year y.
func Tet(y int) (Date, error) { return ToSolar(LunarDate{Day: 1, Month: 1, Year: y}) }
