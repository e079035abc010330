package legal

import (
	"fmt"
	"slices"
	"time"
)

// Citizen reception (tiếp công dân): how often each leader who must receive
// citizens does so at the least (legal-rules.md §4). The frequencies are
// configuration: Law 136/2025 and Nghị định 154/2026 may have changed them
// (UNCONFIRMED), so each carries its source and whether it was confirmed.

// Per is the period a minimum counts in.
type Per string

const (
	PerWeek  Per = "week"  // every week (Monday to Sunday) that has a working day
	PerMonth Per = "month" // every calendar month
)

// ReceptionMinimum is how many days a leader receives citizens at the least.
type ReceptionMinimum struct {
	Role      string // a stable name: "chair.province", "chair.commune", "agency.head", "party.province", "party.commune"
	Name      string // who, in Vietnamese
	Days      int
	Per       Per
	Source    string
	Confirmed bool // the text was read in force; false: configuration until confirmed
}

// ReceptionMinimums are the minimums of the texts found (legal-rules.md §4, §12).
var ReceptionMinimums = []ReceptionMinimum{
	{"chair.province", "Chủ tịch Ủy ban nhân dân cấp tỉnh", 1, PerMonth, "Luật Tiếp công dân 2013 Điều 12(5)", true},
	{"chair.commune", "Chủ tịch Ủy ban nhân dân cấp xã", 1, PerWeek, "Luật Tiếp công dân 2013 Điều 15(2)(d)", true},
	{"agency.head", "Thủ trưởng cơ quan hành chính, đơn vị sự nghiệp công lập", 1, PerMonth, "Luật Tiếp công dân 2013 Điều 18(2); Nghị định 154/2026 Điều 10", false},
	{"party.province", "Bí thư cấp ủy cấp tỉnh", 1, PerMonth, "Quy định 11-QĐi/TW sửa đổi theo Kết luận 215", false},
	{"party.commune", "Bí thư cấp ủy cấp xã", 2, PerMonth, "Quy định 11-QĐi/TW sửa đổi theo Kết luận 215", false},
}

// ReceptionMinimumOf is the minimum of role.
func ReceptionMinimumOf(role string) (ReceptionMinimum, bool) {
	i := slices.IndexFunc(ReceptionMinimums, func(m ReceptionMinimum) bool { return m.Role == role })
	if i < 0 {
		return ReceptionMinimum{}, false
	}
	return ReceptionMinimums[i], true
}

// Shortfall is a period of a month whose schedule is under the minimum.
type Shortfall struct {
	From, To       Date // the period, cut to the month
	Planned, Needs int
}

// String says it as a schedule's warning does.
func (s Shortfall) String() string {
	return fmt.Sprintf("%s–%s: %d/%d ngày tiếp công dân", s.From.VN(), s.To.VN(), s.Planned, s.Needs)
}

// MonthCheck is a leader's month against the minimum: how many reception
// days it needs and has, and each period that is short.
type MonthCheck struct {
	Needs, Planned int
	Short          []Shortfall
}

// OK reports whether the month reaches the minimum.
func (m MonthCheck) OK() bool { return len(m.Short) == 0 }

// CheckReception checks the reception days of a leader in the month of
// (year, month) against min. A weekly minimum holds in every week (Monday to
// Sunday) that starts in the month and has a working day — a week all off,
// as at Tết, needs none; a week belongs to the month of its Monday, so the
// days of its end in the next month count for it. A monthly minimum holds in
// the month. Days off (cal) do not count; a day given twice counts once.
func CheckReception(min ReceptionMinimum, cal *Calendar, year int, month time.Month, days []Date) MonthCheck {
	first := DateOf(year, month, 1)
	last := first.AddMonths(1).AddDays(-1)
	held := map[int]bool{}
	for _, d := range days {
		if cal.IsWorkingDay(d) {
			held[d.JDN()] = true
		}
	}
	count := func(from, to Date) (planned, working int) {
		for d := from; !to.Before(d); d = d.AddDays(1) {
			if cal.IsWorkingDay(d) {
				working++
				if held[d.JDN()] {
					planned++
				}
			}
		}
		return planned, working
	}
	var out MonthCheck
	add := func(from, to Date, planned int) {
		out.Needs += min.Days
		out.Planned += planned
		if planned < min.Days {
			out.Short = append(out.Short, Shortfall{From: from, To: to, Planned: planned, Needs: min.Days})
		}
	}
	switch min.Per {
	case PerWeek:
		monday := first.AddDays((int(time.Monday-first.Weekday()) + 7) % 7)
		for from := monday; !last.Before(from); from = from.AddDays(7) {
			to := from.AddDays(6)
			if planned, working := count(from, to); working > 0 {
				add(from, to, planned)
			}
		}
	default:
		planned, _ := count(first, last)
		add(first, last, planned)
	}
	return out
}
