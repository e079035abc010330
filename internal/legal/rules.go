package legal

import (
	"fmt"
	"slices"
	"strings"
)

// Unit is what a time limit counts.
type Unit string

// Units of time limits.
const (
	CalendarDays Unit = "ngày"
	WorkingDays  Unit = "ngày làm việc"
	Months       Unit = "tháng"
)

// Direction says how a limit runs from its date.
type Direction int

// Directions: a deadline after an event; a latest day before an event ("at least
// N days before"); a minimum window that starts with an event (posting, comment).
const (
	Forward Direction = iota
	Backward
	Window
)

// Flags a rule may take.
const (
	FlagComplex    = "complex"
	FlagRemote     = "remote"
	FlagMultiSite  = "multi-site"
	FlagExtended   = "extended"
	FlagExtensions = "extensions"
)

// Options are the circumstances that lengthen a limit.
type Options struct {
	Complex    bool // vụ việc phức tạp
	Remote     bool // vùng sâu, vùng xa đi lại khó khăn
	MultiSite  bool // nhiều địa điểm
	Extended   bool // gia hạn (tiếp cận thông tin)
	Extensions int  // số lần gia hạn giải quyết tố cáo (0–2)
}

func (o Options) used() []string {
	var f []string
	if o.Complex {
		f = append(f, FlagComplex)
	}
	if o.Remote {
		f = append(f, FlagRemote)
	}
	if o.MultiSite {
		f = append(f, FlagMultiSite)
	}
	if o.Extended {
		f = append(f, FlagExtended)
	}
	if o.Extensions != 0 {
		f = append(f, FlagExtensions)
	}
	return f
}

// Rule is one statutory time limit.
type Rule struct {
	ID      string
	Name    string // Vietnamese
	Article string
	Unit    Unit
	Dir     Direction
	Flags   []string
	length  func(Options) int
	Base    int    // the length without any flag
	Variant string // the variants, in words
}

// Length is the limit under o.
func (r Rule) Length(o Options) int { return r.length(o) }

func fixed(n int) func(Options) int { return func(Options) int { return n } }

// pick gives base, or ifComplex / ifRemote / ifBoth.
func pick(base, ifComplex, ifRemote, ifBoth int) func(Options) int {
	return func(o Options) int {
		switch {
		case o.Complex && o.Remote:
			return ifBoth
		case o.Complex:
			return ifComplex
		case o.Remote:
			return ifRemote
		}
		return base
	}
}

func rule(id, name, article string, unit Unit, dir Direction, base int, length func(Options) int, variant string, flags ...string) Rule {
	if length == nil {
		length = fixed(base)
	}
	return Rule{ID: id, Name: name, Article: article, Unit: unit, Dir: dir, Flags: flags, length: length, Base: base, Variant: variant}
}

// catalogue is every statutory clock danchu counts. Items marked UNCONFIRMED in
// docs/legal-rules.md are configuration: Catalogue.Override changes a rule's unit
// and length without touching code.
var catalogue = []Rule{
	rule("complaint.file", "Thời hiệu khiếu nại", "Luật Khiếu nại 2011 Điều 9", CalendarDays, Forward, 90, nil, ""),
	rule("complaint.accept", "Thụ lý khiếu nại lần đầu", "Luật Khiếu nại 2011 Điều 27", CalendarDays, Forward, 10, nil,
		"văn bản sửa đổi có thể quy định 07 ngày làm việc (chưa xác nhận; cấu hình được)"),
	rule("complaint.first", "Giải quyết khiếu nại lần đầu", "Luật Khiếu nại 2011 Điều 28", CalendarDays, Forward, 30, pick(30, 45, 45, 60),
		"phức tạp 45; vùng sâu, vùng xa 45; cả hai 60", FlagComplex, FlagRemote),
	rule("complaint.second.file", "Thời hạn khiếu nại lần hai", "Luật Khiếu nại 2011 Điều 33", CalendarDays, Forward, 30, pick(30, 30, 45, 45),
		"vùng sâu, vùng xa 45", FlagRemote),
	rule("complaint.second", "Giải quyết khiếu nại lần hai", "Luật Khiếu nại 2011 Điều 37", CalendarDays, Forward, 45, pick(45, 60, 60, 70),
		"phức tạp 60; vùng sâu, vùng xa 60; cả hai 70", FlagComplex, FlagRemote),
	rule("complaint.send", "Gửi quyết định giải quyết khiếu nại cho người khiếu nại và người có liên quan", "Luật Khiếu nại 2011 Điều 32", WorkingDays, Forward, 3, nil, ""),
	rule("complaint.second.accept", "Thụ lý khiếu nại lần hai", "Luật Khiếu nại 2011 Điều 36", CalendarDays, Forward, 10, nil,
		"văn bản sửa đổi có thể quy định 07 ngày làm việc (chưa xác nhận; cấu hình được)"),
	rule("complaint.dialogue.notice", "Thông báo đối thoại (chậm nhất trước ngày đối thoại)", "Nghị định 124/2020 sửa đổi bởi Nghị định 155/2026", CalendarDays, Backward, 5, nil, ""),
	rule("complaint.suspend.send", "Gửi quyết định tạm đình chỉ, tiếp tục giải quyết khiếu nại", "Luật Khiếu nại 2011 Điều 11a (Nghị định 155/2026)", WorkingDays, Forward, 3, nil, ""),
	rule("complaint.publish", "Công khai quyết định giải quyết khiếu nại lần hai", "Nghị định 124/2020 (chưa xác nhận điều)", CalendarDays, Forward, 15, nil, ""),
	rule("complaint.posting", "Đăng quyết định giải quyết khiếu nại lần hai trên cổng thông tin tối thiểu", "Nghị định 124/2020 (chưa xác nhận điều)", CalendarDays, Window, 15, nil, ""),
	rule("denunciation.accept", "Xử lý ban đầu, thụ lý tố cáo", "Luật Tố cáo 2018 Điều 24(1)", WorkingDays, Forward, 7,
		func(o Options) int { return map[bool]int{false: 7, true: 10}[o.MultiSite] }, "nhiều địa điểm 10 ngày làm việc", FlagMultiSite),
	rule("denunciation.transfer", "Chuyển tố cáo không thuộc thẩm quyền", "Luật Tố cáo 2018 Điều 24(2)", WorkingDays, Forward, 5, nil, ""),
	rule("denunciation.resolve", "Giải quyết tố cáo", "Luật Tố cáo 2018 Điều 30", CalendarDays, Forward, 30,
		func(o Options) int { return 30 * (1 + o.Extensions) }, "gia hạn 1 lần: 60 ngày tất cả; 2 lần: 90 ngày", FlagExtensions),
	rule("denunciation.publish", "Công khai kết luận nội dung tố cáo", "Luật Tố cáo 2018 Điều 40", WorkingDays, Forward, 7, nil, ""),
	rule("info.simple.electronic", "Cung cấp thông tin đơn giản qua mạng", "Luật Tiếp cận thông tin 2016 Điều 30(3)", WorkingDays, Forward, 3, nil, ""),
	rule("info.complex", "Cung cấp thông tin phức tạp (trực tiếp)", "Luật Tiếp cận thông tin 2016 Điều 29(2)", WorkingDays, Forward, 10,
		func(o Options) int { return map[bool]int{false: 10, true: 20}[o.Extended] }, "gia hạn: 20 ngày làm việc tất cả", FlagExtended),
	rule("info.electronic.complex", "Cung cấp thông tin phức tạp qua mạng, bưu chính", "Luật Tiếp cận thông tin 2016 Điều 30(4), 31(2)", WorkingDays, Forward, 15,
		func(o Options) int { return map[bool]int{false: 15, true: 30}[o.Extended] }, "gia hạn: 30 ngày làm việc tất cả", FlagExtended),
	rule("reception.answer", "Trả lời người đến kiến nghị, phản ánh tại nơi tiếp công dân", "Luật Tiếp công dân 2013 Điều 28", WorkingDays, Forward, 10, nil, ""),
	rule("feedback.transfer", "Chuyển phản ánh, kiến nghị không thuộc thẩm quyền đến nơi có thẩm quyền", "Nghị định 20/2008 Điều 9 (sửa đổi bởi Nghị định 92/2017)", WorkingDays, Forward, 5, nil, ""),
	rule("disclosure.publish", "Công khai thông tin kể từ ngày ban hành quyết định, văn bản", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 12(3)", WorkingDays, Forward, 5, nil, ""),
	rule("decision.submit", "Gửi kết quả Nhân dân bàn, quyết định đến UBND xã và MTTQ xã", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 20(3)", WorkingDays, Forward, 5, nil, ""),
	rule("decision.recognize", "Công nhận (hoặc trả lời không công nhận) nội dung Nhân dân quyết định", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 21(2)", WorkingDays, Forward, 5, nil, ""),
	rule("supervision.answer", "UBND xã trả lời kiến nghị của Ban TTND, Ban GSĐTCĐ", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 39, 45", CalendarDays, Forward, 15, nil, ""),
	rule("staff-conference.by", "Hội nghị cán bộ, công chức, viên chức thường niên (chậm nhất kể từ khi kết thúc năm công tác)", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 51", Months, Forward, 3, nil, ""),
	rule("conference.notice", "Thông báo hội nghị định kỳ của cộng đồng dân cư đến hộ gia đình (chậm nhất trước ngày họp)", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 33; Nghị định 59/2023 Điều 10", CalendarDays, Backward, 5, nil, ""),
	rule("meeting.notice", "Thông báo họp cộng đồng dân cư (chậm nhất trước ngày họp)", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 18; Nghị định 59/2023 Điều 3", CalendarDays, Backward, 2, nil, ""),
	rule("enterprise-dialogue.exchange", "Gửi nội dung đối thoại định kỳ tại nơi làm việc (chậm nhất trước ngày đối thoại)", "Nghị định 145/2020 Điều 39", WorkingDays, Backward, 5, nil, ""),
	rule("bttnd.plan", "Gửi kế hoạch kiểm tra, giám sát của Ban TTND đến Ủy ban MTTQ xã, Chủ tịch UBND xã và đối tượng (chậm nhất trước ngày kiểm tra)", "Nghị định 59/2023 Điều 12–15", WorkingDays, Backward, 5, nil, ""),
	rule("bgsdt.notice", "Thông báo kế hoạch, thành phần Ban GSĐTCĐ cho chủ đầu tư (chậm nhất trước khi giám sát)", "Nghị định 59/2023 Điều 16", CalendarDays, Backward, 45, nil, ""),
	rule("disclosure.posting", "Niêm yết công khai tối thiểu (khoản 1–3, 5–12 Điều 11)", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 13(2)", CalendarDays, Window, 30, nil, ""),
	rule("disclosure.staff-posting", "Niêm yết, đăng mạng nội bộ nội dung công khai trong cơ quan, đơn vị tối thiểu", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 48", CalendarDays, Window, 20, nil, ""),
	rule("consultation.window", "Thời gian lấy ý kiến Nhân dân tối thiểu", "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 28(2)", CalendarDays, Window, 20, nil, ""),
	rule("village-head.plan", "Quyết định, kế hoạch bầu trưởng thôn, tổ trưởng tổ dân phố (chậm nhất trước ngày bầu)", "Nghị định 59/2023 Điều 6", CalendarDays, Backward, 20, nil, ""),
	rule("village-head.candidates", "Danh sách người ứng cử trưởng thôn gửi UBND xã (chậm nhất trước ngày bầu)", "Nghị định 59/2023 Điều 6", CalendarDays, Backward, 15, nil, ""),
	rule("village-head.team", "Thành lập Tổ bầu cử trưởng thôn (chậm nhất trước ngày bầu)", "Nghị định 59/2023 Điều 6", CalendarDays, Backward, 10, nil, ""),
	rule("village-head.publicise", "Công khai quyết định, kế hoạch, danh sách bầu trưởng thôn (chậm nhất trước ngày bầu)", "Nghị định 59/2023 Điều 6", CalendarDays, Backward, 7, nil, ""),
	rule("village-head.reelect", "Bầu trưởng thôn mới sau khi miễn nhiệm, bãi nhiệm", "Nghị định 59/2023 Điều 9", CalendarDays, Forward, 60, nil, ""),
	rule("huong-uoc.submit", "Gửi hồ sơ hương ước, quy ước đề nghị UBND xã công nhận", "Nghị định 61/2023", WorkingDays, Forward, 5, nil, ""),
	rule("huong-uoc.recognize", "UBND xã công nhận (hoặc trả lời không công nhận) hương ước, quy ước", "Nghị định 61/2023", WorkingDays, Forward, 5, nil, ""),
	rule("huong-uoc.posting", "Niêm yết dự thảo hương ước, quy ước để lấy ý kiến", "Nghị định 61/2023", CalendarDays, Window, 30, nil, ""),
}

// Catalogue is a set of rules; the default is the law as danchu reads it.
type Catalogue struct{ rules []Rule }

// DefaultCatalogue returns the rules of the catalogue above.
func DefaultCatalogue() *Catalogue { return &Catalogue{rules: slices.Clone(catalogue)} }

// Rules lists the rules by ID order of the catalogue.
func (c *Catalogue) Rules() []Rule { return c.rules }

// Rule returns the rule with id.
func (c *Catalogue) Rule(id string) (Rule, bool) {
	for _, r := range c.rules {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// Override sets a rule's unit and fixed length (for the UNCONFIRMED items, e.g.
// complaint.accept as 7 working days once the amendment is confirmed).
func (c *Catalogue) Override(id string, unit Unit, length int) error {
	for i, r := range c.rules {
		if r.ID == id {
			c.rules[i].Unit, c.rules[i].Base, c.rules[i].length, c.rules[i].Flags = unit, length, fixed(length), nil
			return nil
		}
	}
	return fmt.Errorf("không có quy tắc %q", id)
}

// Result is a computed date with its explanation, line by line.
type Result struct {
	Rule   Rule
	From   Date
	Length int
	Due    Date
	Lines  []string
}

// Compute applies rule id to the event date from under o, with the days off of cal.
// Counting follows the Civil Code 2015 (Arts 144–148): a period in days starts the
// day after the event; a period in working days counts working days from the day
// after; when the last day of a period in days or months is a day off, the period
// ends at the end of the next working day.
func (c *Catalogue) Compute(cal *Calendar, id string, from Date, o Options) (Result, error) {
	r, ok := c.Rule(id)
	if !ok {
		return Result{}, fmt.Errorf("không có quy tắc %q; xem danh sách bằng --list", id)
	}
	for _, f := range o.used() {
		if !slices.Contains(r.Flags, f) {
			return Result{}, fmt.Errorf("cờ --%s không áp dụng cho quy tắc %s", f, id)
		}
	}
	if o.Extensions < 0 || o.Extensions > 2 {
		return Result{}, fmt.Errorf("--extensions chỉ nhận 0, 1 hoặc 2 (Luật Tố cáo Điều 30: gia hạn tối đa hai lần)")
	}
	if from.Year < FirstYear || from.Year > LastYear-1 {
		return Result{}, fmt.Errorf("ngày %s ngoài khoảng %d–%d", from, FirstYear, LastYear-1)
	}
	n := r.Length(o)
	res := Result{Rule: r, From: from, Length: n}
	add := func(format string, args ...any) { res.Lines = append(res.Lines, fmt.Sprintf(format, args...)) }
	add("Quy tắc: %s — %s (%s).", r.ID, r.Name, r.Article)
	add("Độ dài: %d %s%s.", n, r.Unit, variantNote(r, o))
	switch r.Dir {
	case Forward, Window:
		event := "Sự kiện"
		if r.Dir == Window {
			event = "Bắt đầu niêm yết / lấy ý kiến"
		}
		add("%s: %s %s; thời hạn bắt đầu từ ngày hôm sau, %s.", event, from.WeekdayVN(), from.VN(), from.AddDays(1).VN())
		switch r.Unit {
		case WorkingDays:
			res.Due = cal.AddWorkingDays(from, n)
			skipped(cal, from.AddDays(1), res.Due, add)
			add("Ngày làm việc thứ %d: %s %s.", n, res.Due.WeekdayVN(), res.Due.VN())
		default:
			end := from.AddDays(n)
			if r.Unit == Months {
				end = from.AddMonths(n)
			}
			add("Ngày cuối cùng theo lịch: %s %s.", end.WeekdayVN(), end.VN())
			res.Due = cal.NextWorkingDay(end)
			if res.Due != end {
				skipped(cal, end, res.Due.AddDays(-1), add)
				add("Ngày cuối là ngày nghỉ nên thời hạn kết thúc vào cuối ngày làm việc tiếp theo: %s %s (Bộ luật Dân sự Điều 148).", res.Due.WeekdayVN(), res.Due.VN())
			}
			if r.Dir == Window {
				add("Sớm nhất được kết thúc vào cuối ngày %s.", res.Due.VN())
			}
		}
	case Backward:
		add("Ngày diễn ra: %s %s; phải làm xong trước ít nhất %d %s.", from.WeekdayVN(), from.VN(), n, r.Unit)
		if r.Unit == WorkingDays {
			res.Due = cal.SubWorkingDays(from, n)
			skipped(cal, res.Due, from.AddDays(-1), add)
		} else {
			res.Due = from.AddDays(-n)
			if name := dayOffName(cal, res.Due); name != "" {
				add("Lưu ý: %s là ngày nghỉ (%s); nên làm sớm hơn.", res.Due.VN(), name)
			}
		}
		add("Chậm nhất: %s %s.", res.Due.WeekdayVN(), res.Due.VN())
	}
	return res, nil
}

func variantNote(r Rule, o Options) string {
	var parts []string
	if o.Complex {
		parts = append(parts, "vụ việc phức tạp")
	}
	if o.Remote {
		parts = append(parts, "vùng sâu, vùng xa")
	}
	if o.MultiSite {
		parts = append(parts, "nhiều địa điểm")
	}
	if o.Extended {
		parts = append(parts, "có gia hạn")
	}
	if o.Extensions > 0 {
		parts = append(parts, fmt.Sprintf("gia hạn %d lần", o.Extensions))
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}

// dayOffName names a day that is not a working day ("" for a working day).
func dayOffName(cal *Calendar, d Date) string {
	if cal.IsWorkingDay(d) {
		return ""
	}
	if n := cal.DayOff(d); n != "" {
		return n
	}
	return d.WeekdayVN()
}

// skipped writes the named days off between from and to (inclusive) and how many
// ordinary weekend days were skipped.
func skipped(cal *Calendar, from, to Date, add func(string, ...any)) {
	weekends := 0
	for d := from; !to.Before(d); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			continue
		}
		if n := cal.DayOff(d); n != "" {
			add("Bỏ qua ngày nghỉ %s %s: %s.", d.WeekdayVN(), d.VN(), n)
		} else {
			weekends++
		}
	}
	if weekends > 0 {
		add("Bỏ qua %d ngày thứ Bảy, Chủ nhật.", weekends)
	}
}
