// Package reporting is periodic reporting (chế độ báo cáo): a catalogue of
// indicators that count themselves from what happened, the periods reports
// are made for, and how a unit's figures add up the hierarchy, commune →
// province → country. The statutory reports are LDC 2022 Arts 14(3), 23(1),
// 28(5) (the people's committee to the council on disclosure, the people's
// decisions and consultations), the village head's after the village
// conference, and the people's inspection board's (ND 59/2023 Art 15); the
// political cadence (monthly, quarterly, 6-month, 9-month, yearly) is the
// seeds'. Cut-off days are configuration (UNCONFIRMED: legal-rules §11).
//
// This file holds the pure rules of periods; the indicators and their
// roll-up are the kernel's (internal/indicator), which every capability
// uses to declare and count its own.
package reporting

import (
	"fmt"
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
	bad := apperr.New(apperr.CodeInvalid, "reporting.err.period", s).Mark("period")
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
