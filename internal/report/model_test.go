package report_test

import (
	"errors"
	"math"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/legal"
	"danchu/internal/report"
)

func TestParsePeriod(t *testing.T) {
	for _, tt := range []struct {
		in, code, name string
		from, to       legal.Date
	}{
		{"2026", "2026", "năm 2026", legal.DateOf(2026, 1, 1), legal.DateOf(2027, 1, 1)},
		{"2026-9m", "2026-9M", "9 tháng năm 2026", legal.DateOf(2026, 1, 1), legal.DateOf(2026, 10, 1)},
		{"2026-H2", "2026-H2", "6 tháng cuối năm 2026", legal.DateOf(2026, 7, 1), legal.DateOf(2027, 1, 1)},
		{" 2026-q3 ", "2026-Q3", "quý III năm 2026", legal.DateOf(2026, 7, 1), legal.DateOf(2026, 10, 1)},
		{"2026-Q4", "2026-Q4", "quý IV năm 2026", legal.DateOf(2026, 10, 1), legal.DateOf(2027, 1, 1)},
		{"2026-M02", "2026-M02", "tháng 2 năm 2026", legal.DateOf(2026, 2, 1), legal.DateOf(2026, 3, 1)},
		{"2026-M12", "2026-M12", "tháng 12 năm 2026", legal.DateOf(2026, 12, 1), legal.DateOf(2027, 1, 1)},
	} {
		p, err := report.ParsePeriod(tt.in)
		if err != nil || p.Code() != tt.code || p.Name() != tt.name || p.From != tt.from || p.To != tt.to {
			t.Errorf("ParsePeriod(%q) = %s %q [%s, %s) %v", tt.in, p.Code(), p.Name(), p.From, p.To, err)
		}
		if back, err := report.ParsePeriod(p.Code()); err != nil || back != p {
			t.Errorf("%s does not read back: %+v %v", p.Code(), back, err)
		}
	}
	for _, in := range []string{"", "26-Q1", "2026-Q5", "2026-Q0", "2026-M13", "2026-M7", "2026-H3", "2026-Q+1", "2026-X1", "2026-", "1999", "2026-Q1x", "２０２６"} {
		_, err := report.ParsePeriod(in)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
			t.Errorf("ParsePeriod(%q): %v, want invalid", in, err)
			continue
		}
		if _, ok := e.FieldMsgs["period"]; !ok {
			t.Errorf("ParsePeriod(%q) does not name the field", in)
		}
	}
	apperrtest.Want(t, func() error { _, err := report.ParsePeriod("2026-Q5"); return err }(), apperr.CodeInvalid, "2026-Q3 (quý)")
}

func TestPeriodOf(t *testing.T) {
	d := legal.DateOf(2026, time.August, 15)
	for kind, want := range map[report.PeriodKind]string{report.Monthly: "2026-M08", report.Quarterly: "2026-Q3", report.HalfYearly: "2026-H2",
		report.NineMonth: "2026-9M", report.Yearly: "2026"} {
		if got := report.PeriodOf(kind, d).Code(); got != want {
			t.Errorf("%s of %s: %s, want %s", kind, d.VN(), got, want)
		}
	}
}

func TestRollUp(t *testing.T) {
	onTime := report.Indicator{Code: "feedback.on_time", Agg: report.Ratio, Unit: "%"}
	held := report.Indicator{Code: "reception.held", Agg: report.Sum, Unit: "buổi"}
	withPlan := report.Indicator{Code: "plans.units_with_plan", Agg: report.Share, Unit: "%",
		Meets: &report.Target{Value: 100, Direction: report.AtLeast}}
	days := report.Indicator{Code: "feedback.days", Agg: report.Median, Unit: "ngày", Buckets: []float64{1, 3, 7, 15}}

	// Two communes: 9 of 10 on time and 1 of 30: the province is 10 of 40
	// (25 %), not the mean of 90 % and 3 % (47 %).
	a, b := report.Value{Num: 9, Den: 10}, report.Value{Num: 1, Den: 30}
	if f, ok := onTime.Figure(onTime.Roll([]report.Value{a, b})); !ok || f != 25 {
		t.Errorf("ratio of sums: %v %v, want 25", f, ok)
	}
	if _, ok := onTime.Figure(onTime.Roll(nil)); ok {
		t.Error("a ratio with nothing due has a figure")
	}
	if f, _ := held.Figure(held.Roll([]report.Value{{Num: 3}, {Num: 4}})); f != 7 {
		t.Errorf("sum: %v", f)
	}
	// Communes meeting "has a plan" (1 of 1), not meeting (0 of 1), and
	// one with nothing (no denominator: not meeting); then a country of
	// two provinces adds their counts.
	p1 := withPlan.Roll([]report.Value{{Num: 1, Den: 1}, {Num: 0, Den: 1}, {}})
	if p1.Units != 3 || p1.Meeting != 1 {
		t.Fatalf("share at the province: %+v", p1)
	}
	p2 := withPlan.Roll([]report.Value{{Num: 1, Den: 1}})
	country := withPlan.Roll([]report.Value{p1, p2})
	if f, ok := withPlan.Figure(country); !ok || country.Units != 4 || f != 50 {
		t.Errorf("share at the country: %+v %v", country, f)
	}
	// Days to answer: histograms add; the median is read from the sum.
	// 4 items in (1,3], 2 in (3,7] and 4 in (7,15]: the 5th of 10 lies in
	// (3,7], half-way through its 2 → 5 days.
	x := days.Roll([]report.Value{{Hist: []int64{0, 4, 1}}, {Hist: []int64{0, 0, 1, 4}}})
	if f, ok := days.Figure(x); !ok || math.Abs(f-5) > 1e-9 {
		t.Errorf("median: %v %v (hist %v)", f, ok, x.Hist)
	}
	if f, _ := days.Figure(report.Value{Hist: []int64{0, 0, 0, 0, 9}}); f != 15 {
		t.Errorf("median in the open bucket: %v", f)
	}
	if _, ok := days.Figure(report.Value{}); ok {
		t.Error("an empty histogram has a median")
	}
	for x, want := range map[float64]int{0: 0, 1: 0, 2: 1, 7: 2, 15: 3, 16: 4} {
		if got := report.Bucket(days.Buckets, x); got != want {
			t.Errorf("Bucket(%v) = %d, want %d", x, got, want)
		}
	}
}

func TestTargetAndEntered(t *testing.T) {
	if !(report.Target{Value: 80, Direction: report.AtLeast}).Reached(80) || (report.Target{Value: 80, Direction: report.AtLeast}).Reached(79.9) ||
		!(report.Target{Value: 5, Direction: report.AtMost}).Reached(5) || (report.Target{Value: 5, Direction: report.AtMost}).Reached(6) {
		t.Error("targets")
	}
	trained := report.Indicator{Code: "staff.trained", Name: "Cán bộ được tập huấn", Unit: "người", Source: report.Entered, Evidence: true, Max: 5000}
	share := report.Indicator{Code: "staff.trained_pct", Name: "Tỷ lệ cán bộ được tập huấn", Unit: "%", Source: report.Entered}
	for _, tt := range []struct {
		ind      report.Indicator
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
