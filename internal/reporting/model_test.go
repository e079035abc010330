package reporting_test

import (
	"errors"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/legal"
	"danchu/internal/reporting"
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
		p, err := reporting.ParsePeriod(tt.in)
		if err != nil || p.Code() != tt.code || p.Name() != tt.name || p.From != tt.from || p.To != tt.to {
			t.Errorf("ParsePeriod(%q) = %s %q [%s, %s) %v", tt.in, p.Code(), p.Name(), p.From, p.To, err)
		}
		if back, err := reporting.ParsePeriod(p.Code()); err != nil || back != p {
			t.Errorf("%s does not read back: %+v %v", p.Code(), back, err)
		}
	}
	for _, in := range []string{"", "26-Q1", "2026-Q5", "2026-Q0", "2026-M13", "2026-M7", "2026-H3", "2026-Q+1", "2026-X1", "2026-", "1999", "2026-Q1x", "２０２６"} {
		_, err := reporting.ParsePeriod(in)
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
			t.Errorf("ParsePeriod(%q): %v, want invalid", in, err)
			continue
		}
		if _, ok := e.FieldMsgs["period"]; !ok {
			t.Errorf("ParsePeriod(%q) does not name the field", in)
		}
	}
	apperrtest.Want(t, func() error { _, err := reporting.ParsePeriod("2026-Q5"); return err }(), apperr.CodeInvalid, "2026-Q3 (quý)")
}

func TestPeriodOf(t *testing.T) {
	d := legal.DateOf(2026, time.August, 15)
	for kind, want := range map[reporting.PeriodKind]string{reporting.Monthly: "2026-M08", reporting.Quarterly: "2026-Q3", reporting.HalfYearly: "2026-H2",
		reporting.NineMonth: "2026-9M", reporting.Yearly: "2026"} {
		if got := reporting.PeriodOf(kind, d).Code(); got != want {
			t.Errorf("%s of %s: %s, want %s", kind, d.VN(), got, want)
		}
	}
}
