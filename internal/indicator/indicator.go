// Package indicator is the kernel of what counts itself: an indicator of the
// catalogue (a code, a Vietnamese name, a unit, how it adds up the hierarchy,
// a target, whether it is public), a value in the form that adds up, and the
// roll-up rules. Each capability declares its own indicators with these
// types; the reporting room gathers them (internal/reporting).
package indicator

import (
	"embed"
	"math"
	"slices"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/legal"
)

// Locales are the messages of the checks here, for the room that shows them.
//
//go:embed locales
var Locales embed.FS

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
	Facts   Source = "fact"    // counted by a capability as things happen
	Entered Source = "entered" // typed by the unit with its evidence
	Derived Source = "derived" // computed from other indicators
)

// Direction says which side of a target is good.
type Direction string

// Targets are reached by being at least, above, or at most their value.
const (
	AtLeast Direction = "min"
	Above   Direction = "above" // the seeds' "trên 80 %"
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
	switch t.Direction {
	case AtMost:
		return f <= t.Value
	case Above:
		return f > t.Value
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

// Add is v and w of one indicator added: counts, histograms, units.
func (v Value) Add(w Value) Value {
	v.Num, v.Den = v.Num+w.Num, v.Den+w.Den
	if len(w.Hist) > 0 {
		v.Hist = append(slices.Clone(v.Hist), make([]int64, max(len(w.Hist)-len(v.Hist), 0))...)
		for i, n := range w.Hist {
			v.Hist[i] += n
		}
	}
	v.Units, v.Meeting = v.Units+w.Units, v.Meeting+w.Meeting
	return v
}

// Roll adds the values of the units below into their parent's: by the
// indicator's rule. For a Share, a child with no units below (a commune) is
// one unit, meeting the condition or not by its own figure; a child that has
// them (a province, in the country's roll-up) brings its count.
func (ind Indicator) Roll(children []Value) Value {
	var out Value
	for _, c := range children {
		switch {
		case ind.Agg != Share:
			out = out.Add(Value{Num: c.Num, Den: c.Den, Hist: c.Hist})
		case c.Units > 0:
			out.Units += c.Units
			out.Meeting += c.Meeting
		default:
			out.Units++
			if ind.Meets != nil {
				if f, ok := (Indicator{Agg: Ratio}).Figure(c); ok && ind.Meets.Reached(f) {
					out.Meeting++
				}
			}
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
		return apperr.New(apperr.CodeInvalid, "indicator.err.entered_negative", ind.Name).Mark(ind.Code)
	case ind.Unit != "%" && v != math.Trunc(v):
		return apperr.New(apperr.CodeInvalid, "indicator.err.entered_whole", ind.Name).Mark(ind.Code)
	case ind.Unit == "%" && v > 100:
		return apperr.New(apperr.CodeInvalid, "indicator.err.entered_share", ind.Name).Mark(ind.Code)
	case ind.Max > 0 && v > ind.Max:
		return apperr.New(apperr.CodeInvalid, "indicator.err.entered_max", ind.Name, ind.Max).Mark(ind.Code)
	case ind.Evidence && strings.TrimSpace(evidence) == "":
		return apperr.New(apperr.CodeInvalid, "indicator.err.entered_evidence", ind.Name).Mark(ind.Code + ".evidence")
	}
	return nil
}
