package indicator_test

import (
	"errors"
	"math"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/indicator"
)

func TestRollUp(t *testing.T) {
	onTime := indicator.Indicator{Code: "feedback.on_time", Agg: indicator.Ratio, Unit: "%"}
	held := indicator.Indicator{Code: "reception.held", Agg: indicator.Sum, Unit: "buổi"}
	withPlan := indicator.Indicator{Code: "plans.units_with_plan", Agg: indicator.Share, Unit: "%",
		Meets: &indicator.Target{Value: 100, Direction: indicator.AtLeast}}
	days := indicator.Indicator{Code: "feedback.days", Agg: indicator.Median, Unit: "ngày", Buckets: []float64{1, 3, 7, 15}}

	// Two communes: 9 of 10 on time and 1 of 30: the province is 10 of 40
	// (25 %), not the mean of 90 % and 3 % (47 %).
	a, b := indicator.Value{Num: 9, Den: 10}, indicator.Value{Num: 1, Den: 30}
	if f, ok := onTime.Figure(onTime.Roll([]indicator.Value{a, b})); !ok || f != 25 {
		t.Errorf("ratio of sums: %v %v, want 25", f, ok)
	}
	if _, ok := onTime.Figure(onTime.Roll(nil)); ok {
		t.Error("a ratio with nothing due has a figure")
	}
	if f, _ := held.Figure(held.Roll([]indicator.Value{{Num: 3}, {Num: 4}})); f != 7 {
		t.Errorf("sum: %v", f)
	}
	// Communes meeting "has a plan" (1 of 1), not meeting (0 of 1), and
	// one with nothing (no denominator: not meeting); then a country of
	// two provinces adds their counts.
	p1 := withPlan.Roll([]indicator.Value{{Num: 1, Den: 1}, {Num: 0, Den: 1}, {}})
	if p1.Units != 3 || p1.Meeting != 1 {
		t.Fatalf("share at the province: %+v", p1)
	}
	p2 := withPlan.Roll([]indicator.Value{{Num: 1, Den: 1}})
	country := withPlan.Roll([]indicator.Value{p1, p2})
	if f, ok := withPlan.Figure(country); !ok || country.Units != 4 || f != 50 {
		t.Errorf("share at the country: %+v %v", country, f)
	}
	// Days to answer: histograms add; the median is read from the sum.
	// 4 items in (1,3], 2 in (3,7] and 4 in (7,15]: the 5th of 10 lies in
	// (3,7], half-way through its 2 → 5 days.
	x := days.Roll([]indicator.Value{{Hist: []int64{0, 4, 1}}, {Hist: []int64{0, 0, 1, 4}}})
	if f, ok := days.Figure(x); !ok || math.Abs(f-5) > 1e-9 {
		t.Errorf("median: %v %v (hist %v)", f, ok, x.Hist)
	}
	if f, _ := days.Figure(indicator.Value{Hist: []int64{0, 0, 0, 0, 9}}); f != 15 {
		t.Errorf("median in the open bucket: %v", f)
	}
	if _, ok := days.Figure(indicator.Value{}); ok {
		t.Error("an empty histogram has a median")
	}
	for x, want := range map[float64]int{0: 0, 1: 0, 2: 1, 7: 2, 15: 3, 16: 4} {
		if got := indicator.Bucket(days.Buckets, x); got != want {
			t.Errorf("Bucket(%v) = %d, want %d", x, got, want)
		}
	}
}

func TestTargetAndEntered(t *testing.T) {
	if !(indicator.Target{Value: 80, Direction: indicator.AtLeast}).Reached(80) || (indicator.Target{Value: 80, Direction: indicator.AtLeast}).Reached(79.9) ||
		!(indicator.Target{Value: 5, Direction: indicator.AtMost}).Reached(5) || (indicator.Target{Value: 5, Direction: indicator.AtMost}).Reached(6) ||
		(indicator.Target{Value: 80, Direction: indicator.Above}).Reached(80) || !(indicator.Target{Value: 80, Direction: indicator.Above}).Reached(80.1) {
		t.Error("targets")
	}
	trained := indicator.Indicator{Code: "staff.trained", Name: "Cán bộ được tập huấn", Unit: "người", Source: indicator.Entered, Evidence: true, Max: 5000}
	share := indicator.Indicator{Code: "staff.trained_pct", Name: "Tỷ lệ cán bộ được tập huấn", Unit: "%", Source: indicator.Entered}
	for _, tt := range []struct {
		ind      indicator.Indicator
		v        float64
		evidence string
		field    string // "": accepted
	}{
		{trained, 12, "Danh sách lớp tập huấn ngày 03/11", ""},
		{trained, 12, "  ", "staff.trained.evidence"},
		{trained, -1, "x", "staff.trained"},
		{trained, 1.5, "x", "staff.trained"},
		{trained, 6000, "x", "staff.trained"},
		{trained, math.NaN(), "x", "staff.trained"},
		{share, 99.5, "", ""},
		{share, 100.5, "", "staff.trained_pct"},
	} {
		err := tt.ind.CheckEntered(tt.v, tt.evidence)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%s = %v refused: %v", tt.ind.Code, tt.v, err)
			}
			continue
		}
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
			t.Errorf("%s = %v: %v, want invalid", tt.ind.Code, tt.v, err)
			continue
		}
		if _, ok := e.FieldMsgs[tt.field]; !ok {
			t.Errorf("%s = %v: field %s not named (%v)", tt.ind.Code, tt.v, tt.field, e.FieldMsgs)
		}
	}
}
