// Package report is periodic reporting (chế độ báo cáo): a catalogue of
// indicators that count themselves from what happened, the periods reports
// are made for, and how a unit's figures add up the hierarchy, commune →
// province → country. The statutory reports are LDC 2022 Arts 14(3), 23(1),
// 28(5) (the people's committee to the council on disclosure, the people's
// decisions and consultations), the village head's after the village
// conference, and the people's inspection board's (ND 59/2023 Art 15); the
// political cadence (monthly, quarterly, 6-month, 9-month, yearly) is the
// seeds'. Cut-off days are configuration (UNCONFIRMED: legal-rules §11).
//
// This file holds the pure rules: periods, indicators and their roll-up.
package report

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/legal"
)

// PeriodKind is the cadence a report is made at.
type PeriodKind string

// The cadences of the seeds' reports (S0–S2: monthly, quarterly, 6-month,
// 9-month and yearly reports to the Party committee and the dân vận body).
const (
	Monthly    PeriodKind = "month"
	Quarterly  PeriodKind = "quarter"
	HalfYearly PeriodKind = "half"
	NineMonth  PeriodKind = "nine"
	Yearly     PeriodKind = "year"
)

// Period is a reporting period: the days [From, To) it covers. Its code is
// what people and the command line type: 2026-M07, 2026-Q3, 2026-H1,
// 2026-9M, 2026.
type Period struct {
	Kind     PeriodKind
	Year     int
	N        int // the month, quarter or half (1-based); 0 for 9M and the year
	From, To legal.Date
}

// Code is the period as typed.
func (p Period) Code() string {
	switch p.Kind {
	case Monthly:
		return fmt.Sprintf("%04d-M%02d", p.Year, p.N)
	case Quarterly:
		return fmt.Sprintf("%04d-Q%d", p.Year, p.N)
	case HalfYearly:
		return fmt.Sprintf("%04d-H%d", p.Year, p.N)
	case NineMonth:
		return fmt.Sprintf("%04d-9M", p.Year)
	}
	return fmt.Sprintf("%04d", p.Year)
}

// Name is the period in Vietnamese, as a report's title says it.
func (p Period) Name() string {
	switch p.Kind {
	case Monthly:
		return fmt.Sprintf("tháng %d năm %d", p.N, p.Year)
	case Quarterly:
		return fmt.Sprintf("quý %s năm %d", []string{"I", "II", "III", "IV"}[p.N-1], p.Year)
	case HalfYearly:
		if p.N == 1 {
			return fmt.Sprintf("6 tháng đầu năm %d", p.Year)
		}
		return fmt.Sprintf("6 tháng cuối năm %d", p.Year)
	case NineMonth:
		return fmt.Sprintf("9 tháng năm %d", p.Year)
	}
	return fmt.Sprintf("năm %d", p.Year)
}

// Months are the months [first, first+n) of the period's year it covers.
func (p Period) Months() (first time.Month, n int) {
	switch p.Kind {
	case Monthly:
		return time.Month(p.N), 1
	case Quarterly:
		return time.Month(3*p.N - 2), 3
	case HalfYearly:
		return time.Month(6*p.N - 5), 6
	case NineMonth:
		return time.January, 9
	}
	return time.January, 12
}

func period(kind PeriodKind, year, n int) Period {
	p := Period{Kind: kind, Year: year, N: n}
	first, months := p.Months()
	p.From = legal.DateOf(year, first, 1)
	p.To = p.From.AddMonths(months)
	return p
}

// ParsePeriod reads a period's code; anything else is refused, naming the
// forms it takes.
func ParsePeriod(s string) (Period, error) {
	bad := apperr.New(apperr.CodeInvalid, "report.err.period", s).Mark("period")
	s = strings.ToUpper(strings.TrimSpace(s))
	y, rest, dash := strings.Cut(s, "-")
	year, err := strconv.Atoi(y)
	if err != nil || len(y) != 4 || year < 2000 || year > 2100 || (dash && rest == "") {
		return Period{}, bad
	}
	if rest == "" {
		return period(Yearly, year, 0), nil
	}
	if rest == "9M" {
		return period(NineMonth, year, 0), nil
	}
	if len(rest) < 2 {
		return Period{}, bad
	}
	n, err := strconv.Atoi(rest[1:])
	if err != nil || rest[1] == '+' || rest[1] == '-' {
		return Period{}, bad
	}
	switch {
	case rest[0] == 'M' && len(rest) == 3 && n >= 1 && n <= 12:
		return period(Monthly, year, n), nil
	case rest[0] == 'Q' && len(rest) == 2 && n >= 1 && n <= 4:
		return period(Quarterly, year, n), nil
	case rest[0] == 'H' && len(rest) == 2 && n >= 1 && n <= 2:
		return period(HalfYearly, year, n), nil
	}
	return Period{}, bad
}

// PeriodOf is the period of kind holding day d.
func PeriodOf(kind PeriodKind, d legal.Date) Period {
	m := int(d.Month)
	switch kind {
	case Monthly:
		return period(kind, d.Year, m)
	case Quarterly:
		return period(kind, d.Year, (m-1)/3+1)
	case HalfYearly:
		return period(kind, d.Year, (m-1)/6+1)
	case NineMonth:
		return period(kind, d.Year, 0)
	}
	return period(Yearly, d.Year, 0)
}

// Aggregation is how an indicator's values add up the hierarchy.
type Aggregation string

// The roll-up rules the issue names.
const (
	// Sum: counts add (sessions held, comments received).
	Sum Aggregation = "sum"
	// Ratio: a share whose numerator and denominator add separately
	// (answered on time of all due): never a mean of the children's shares.
	Ratio Aggregation = "ratio"
	// Median: each unit keeps a histogram over the indicator's buckets; the
	// histograms add and the median is read from the sum (days to answer).
	Median Aggregation = "median"
	// Share: the share of the units below that meet the indicator's
	// condition (communes with a plan, communes over 80 % satisfied).
	Share Aggregation = "share"
)

// Source is where an indicator's values come from.
type Source string

// The three sources of the issue.
const (
	Fact    Source = "fact"    // counted by a capability as things happen
	Entered Source = "entered" // typed by the unit with its evidence
	Derived Source = "derived" // computed from other indicators
)

// Direction says which side of a target is good.
type Direction string

// Targets are reached by being at least (or at most) their value.
const (
	AtLeast Direction = "min"
	AtMost  Direction = "max"
)

// Target is a figure an indicator is meant to reach by a deadline (the
// seeds': "100 % of units have a plan", "more than 80 % satisfied").
type Target struct {
	Value     float64
	Direction Direction
	Deadline  legal.Date // zero: every period
}

// Reached reports whether figure f reaches the target.
func (t Target) Reached(f float64) bool {
	if t.Direction == AtMost {
		return f <= t.Value
	}
	return f >= t.Value
}

// Indicator is an entry of the catalogue.
type Indicator struct {
	Code     string // stable, e.g. "feedback.on_time"
	Name     string // Vietnamese, as the report's table heads it
	Unit     string // what the figure counts: "lượt", "%", "ngày"…
	Agg      Aggregation
	Source   Source
	Buckets  []float64 // Median: the buckets' upper bounds, ascending (a last one open above)
	Meets    *Target   // Share: the condition a unit's own figure meets
	Target   *Target
	Public   bool     // its values are open data
	From     []string // Derived: the indicators whose values it adds (numerator first, then denominator)
	Max      float64  // Entered: the largest value accepted (0: none); a share is at most 100
	Evidence bool     // Entered: a figure needs its evidence
}

// Value is an indicator's value for a unit and a period, in the form that
// adds up: a numerator, a denominator (Ratio), a histogram (Median), and the
// units counted and meeting the condition (Share).
type Value struct {
	Num, Den int64
	Hist     []int64
	Units    int // Share: units below counted
	Meeting  int // Share: of them, meeting the condition
}

// Figure is the value as shown: a count, a percentage, a median; false when
// there is nothing to show (no denominator, no unit).
func (ind Indicator) Figure(v Value) (float64, bool) {
	switch ind.Agg {
	case Ratio:
		if v.Den <= 0 {
			return 0, false
		}
		return float64(v.Num) * 100 / float64(v.Den), true
	case Median:
		return median(ind.Buckets, v.Hist)
	case Share:
		if v.Units <= 0 {
			return 0, false
		}
		return float64(v.Meeting) * 100 / float64(v.Units), true
	}
	return float64(v.Num), true
}

// Roll adds the values of the units below into their parent's: by the
// indicator's rule. For a Share, a child with no units below (a commune) is
// one unit, meeting the condition or not by its own figure; a child that has
// them (a province, in the country's roll-up) brings its count.
func (ind Indicator) Roll(children []Value) Value {
	var out Value
	for _, c := range children {
		switch ind.Agg {
		case Median:
			if len(out.Hist) < len(c.Hist) {
				out.Hist = append(out.Hist, make([]int64, len(c.Hist)-len(out.Hist))...)
			}
			for i, n := range c.Hist {
				out.Hist[i] += n
			}
		case Share:
			if c.Units > 0 {
				out.Units += c.Units
				out.Meeting += c.Meeting
				continue
			}
			out.Units++
			if ind.Meets != nil {
				if f, ok := (Indicator{Agg: Ratio}).Figure(c); ok && ind.Meets.Reached(f) {
					out.Meeting++
				}
			}
		default:
			out.Num += c.Num
			out.Den += c.Den
		}
	}
	return out
}

// median reads the median from a histogram over buckets (upper bounds): the
// value where the cumulative count reaches half, interpolated within its
// bucket; the open bucket above the last bound gives that bound.
func median(bounds []float64, hist []int64) (float64, bool) {
	var total int64
	for _, n := range hist {
		total += n
	}
	if total == 0 {
		return 0, false
	}
	half := float64(total) / 2
	var seen int64
	for i, n := range hist {
		if n == 0 || float64(seen+n) < half {
			seen += n
			continue
		}
		if i >= len(bounds) {
			return bounds[len(bounds)-1], true
		}
		lo := 0.0
		if i > 0 {
			lo = bounds[i-1]
		}
		hi := bounds[i]
		return lo + (hi-lo)*(half-float64(seen))/float64(n), true
	}
	return bounds[len(bounds)-1], true
}

// Bucket is the histogram bucket of x over bounds: the first bound x does not
// exceed, or the open bucket above them.
func Bucket(bounds []float64, x float64) int {
	for i, b := range bounds {
		if x <= b {
			return i
		}
	}
	return len(bounds)
}

// CheckEntered refuses an entered figure that is negative, not a whole
// number where the indicator counts, over its maximum (a share over 100 %),
// or one given without its evidence.
func (ind Indicator) CheckEntered(v float64, evidence string) error {
	switch {
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		return apperr.New(apperr.CodeInvalid, "report.err.entered_negative", ind.Name).Mark(ind.Code)
	case ind.Unit != "%" && v != math.Trunc(v):
		return apperr.New(apperr.CodeInvalid, "report.err.entered_whole", ind.Name).Mark(ind.Code)
	case ind.Unit == "%" && v > 100:
		return apperr.New(apperr.CodeInvalid, "report.err.entered_share", ind.Name).Mark(ind.Code)
	case ind.Max > 0 && v > ind.Max:
		return apperr.New(apperr.CodeInvalid, "report.err.entered_max", ind.Name, ind.Max).Mark(ind.Code)
	case ind.Evidence && strings.TrimSpace(evidence) == "":
		return apperr.New(apperr.CodeInvalid, "report.err.entered_evidence", ind.Name).Mark(ind.Code + ".evidence")
	}
	return nil
}
