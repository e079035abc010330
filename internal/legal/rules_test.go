package legal

import (
	"strings"
	"testing"
)

func TestRules(t *testing.T) {
	makeUp, err := ParseOverrides(strings.NewReader("2026-01-17,work,Làm bù\n"))
	if err != nil {
		t.Fatal(err)
	}
	cal := NewCalendar(Decided(), makeUp)
	cat := DefaultCatalogue()
	for _, tt := range []struct {
		name, rule, from string
		o                Options
		want             string
		explains         string
	}{
		{"WorkingDaysAcrossTet", "denunciation.accept", "2026-02-12", Options{}, "2026-03-02", "Bỏ qua ngày nghỉ Thứ Bảy 14/02/2026"},
		{"MultiSite", "denunciation.accept", "2026-02-12", Options{MultiSite: true}, "2026-03-05", "10 ngày làm việc (nhiều địa điểm)"},
		{"CalendarDaysEndInTet", "complaint.accept", "2026-02-04", Options{}, "2026-02-23", "Điều 148"},
		{"ComplexAndRemote", "complaint.first", "2026-01-01", Options{Complex: true, Remote: true}, "2026-03-02", "60 ngày"},
		{"EndsOnCompensationDay", "complaint.first", "2026-03-28", Options{}, "2026-04-28", "Nghỉ bù Giỗ Tổ"},
		{"SecondComplaintRemote", "complaint.second", "2026-03-02", Options{Remote: true}, "2026-05-04", "60 ngày"},
		{"TwoExtensions", "denunciation.resolve", "2026-01-01", Options{Extensions: 2}, "2026-04-01", "90 ngày (gia hạn 2 lần)"},
		{"Months", "staff-conference.by", "2025-12-31", Options{}, "2026-03-31", "3 tháng"},
		{"ElectionPlanBeforeVote", "village-head.plan", "2026-12-20", Options{}, "2026-11-30", "ít nhất 20 ngày"},
		{"BackwardCalendarDays", "meeting.notice", "2026-03-15", Options{}, "2026-03-13", "Chậm nhất: Thứ Sáu 13/03/2026"},
		{"ConferenceNotice", "conference.notice", "2026-12-20", Options{}, "2026-12-15", "Chậm nhất: Thứ Ba 15/12/2026"},
		{"BackwardWorkingDaysAcrossTet", "enterprise-dialogue.exchange", "2026-02-25", Options{}, "2026-02-11", "Bỏ qua ngày nghỉ"},
		{"BackwardOnAHoliday", "bgsdt.notice", "2026-06-15", Options{}, "2026-05-01", "Lưu ý: 01/05/2026 là ngày nghỉ"},
		{"WindowEndsInTet", "consultation.window", "2026-02-02", Options{}, "2026-02-23", "Sớm nhất được kết thúc"},
		{"MakeUpSaturdayCounts", "disclosure.publish", "2026-01-14", Options{}, "2026-01-20", "Ngày làm việc thứ 5"},
		{"ExtendedAcrossNationalDay", "info.complex", "2026-08-28", Options{Extended: true}, "2026-09-29", "Quốc khánh"},
		{"PostingWindow", "disclosure.posting", "2026-03-02", Options{}, "2026-04-01", "30 ngày"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := cat.Compute(cal, tt.rule, d(tt.from), tt.o)
			if err != nil {
				t.Fatal(err)
			}
			text := strings.Join(res.Lines, "\n")
			if res.Due.String() != tt.want || !strings.Contains(text, tt.explains) {
				t.Errorf("%s from %s = %s, want %s\n%s", tt.rule, tt.from, res.Due, tt.want, text)
			}
		})
	}
	// Without the make-up Saturday the same disclosure is due a day later.
	if res, _ := cat.Compute(NewCalendar(Decided()), "disclosure.publish", d("2026-01-14"), Options{}); res.Due.String() != "2026-01-21" {
		t.Errorf("without the make-up Saturday: %s", res.Due)
	}
	for _, tt := range []struct {
		rule string
		o    Options
		want string
	}{
		{"no.such.rule", Options{}, "không có quy tắc"},
		{"denunciation.accept", Options{Remote: true}, "--remote không áp dụng"},
		{"complaint.file", Options{Complex: true}, "--complex không áp dụng"},
		{"denunciation.resolve", Options{Extensions: 3}, "--extensions chỉ nhận 0, 1 hoặc 2"},
	} {
		if _, err := cat.Compute(cal, tt.rule, d("2026-01-01"), tt.o); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %+v: %v, want %q", tt.rule, tt.o, err, tt.want)
		}
	}
	if _, err := cat.Compute(cal, "complaint.file", d("2199-12-01"), Options{}); err == nil || !strings.Contains(err.Error(), "ngoài khoảng 1900–2198") {
		t.Errorf("a date at the end of the range: %v, want out of range", err)
	}
	// An UNCONFIRMED rule is configuration: complaint acceptance as 7 working days.
	c2 := DefaultCatalogue()
	if err := c2.Override("complaint.accept", WorkingDays, 7); err != nil {
		t.Fatal(err)
	}
	if res, _ := c2.Compute(cal, "complaint.accept", d("2026-02-12"), Options{}); res.Due.String() != "2026-03-02" {
		t.Errorf("complaint.accept as 7 working days: %s", res.Due)
	}
	if r, _ := cat.Rule("complaint.accept"); r.Unit != CalendarDays || r.Base != 10 {
		t.Error("overriding one catalogue changed the default")
	}
	if len(cat.Rules()) != 41 {
		t.Errorf("%d rules in the catalogue", len(cat.Rules()))
	}
}
