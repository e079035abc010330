// Package disclosure is the public disclosure board (công khai): what a commune,
// its villages and its agencies must make known, with the law's deadlines and
// posting windows, versions and withdrawals on the public record, full-text
// search without diacritics, and the quarterly register.
package disclosure

import (
	"slices"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Category is an item of LDC Art 11 (communes) or Art 46 (agencies, staff only).
type Category struct {
	N         int
	Name      string
	Permanent bool // posted permanently, updated on change (Art 13(2): items 4 and 13)
	Broadcast bool // items 7–12: loudspeaker at least 3 days when used (Art 13(3))
}

// CommuneCategories are the 14 items of Art 11.
var CommuneCategories = []Category{
	{1, "Kế hoạch phát triển kinh tế - xã hội hằng năm và kết quả thực hiện", false, false},
	{2, "Dự toán, thực hiện, quyết toán ngân sách; kết quả kiểm toán", false, false},
	{3, "Dự án đầu tư, thu hồi đất, bồi thường, tái định cư; quy hoạch sử dụng đất, xây dựng", false, false},
	{4, "Quy chế thực hiện dân chủ; nhiệm vụ, quyền hạn, quy tắc ứng xử của cán bộ", true, false},
	{5, "Các quỹ, khoản tài trợ, khoản đóng góp của Nhân dân", false, false},
	{6, "Quản lý, sử dụng tài sản công", false, false},
	{7, "Chính sách an sinh xã hội và danh sách đối tượng thụ hưởng", false, true},
	{8, "Hỗ trợ thiên tai, dịch bệnh; tiền, hàng quyên góp, ủng hộ", false, true},
	{9, "Danh sách gọi công dân nhập ngũ, thực hiện nghĩa vụ tham gia công an", false, true},
	{10, "Kết quả thanh tra, phòng chống tham nhũng; lấy phiếu tín nhiệm lãnh đạo HĐND, UBND", false, true},
	{11, "Kế hoạch lấy ý kiến Nhân dân; kết quả tổng hợp, tiếp thu, giải trình", false, true},
	{12, "Phí, lệ phí", false, true},
	{13, "Thủ tục hành chính thuộc thẩm quyền của xã", true, false},
	{14, "Các nội dung khác theo quy định của pháp luật", false, false},
}

// AgencyCategories are the 12 items of Art 46 (disclosed to the agency's staff).
var AgencyCategories = []Category{
	{1, "Chủ trương, chính sách, pháp luật liên quan đến cơ quan, đơn vị", false, false},
	{2, "Kế hoạch công tác năm, quý, tháng", false, false},
	{3, "Dự toán, quyết toán kinh phí", false, false},
	{4, "Quản lý, sử dụng tài sản công", false, false},
	{5, "Đầu tư công", false, false},
	{6, "Tuyển dụng, sử dụng, quản lý cán bộ, công chức, viên chức, người lao động", false, false},
	{7, "Kết luận về tham nhũng; bản kê khai tài sản, thu nhập", false, false},
	{8, "Kết quả thanh tra, kiểm tra, giải quyết khiếu nại, tố cáo", false, false},
	{9, "Nội quy, quy chế của cơ quan, đơn vị", false, false},
	{10, "Giải trình ý kiến của cán bộ, công chức, viên chức, người lao động", false, false},
	{11, "Văn bản chỉ đạo, điều hành của cấp trên", false, false},
	{12, "Các nội dung khác", false, false},
}

// Categories returns the list for a board: agencies have their own.
func Categories(agency bool) []Category {
	if agency {
		return AgencyCategories
	}
	return CommuneCategories
}

// CategoryOf returns category n of the board's list.
func CategoryOf(agency bool, n int) (Category, bool) {
	cs := Categories(agency)
	if n < 1 || n > len(cs) {
		return Category{}, false
	}
	return cs[n-1], true
}

// Channels a disclosure is made known by besides the portal (Art 12(1), Art 47).
const (
	ChannelPosting     = "posting"      // niêm yết tại trụ sở, nhà văn hóa thôn
	ChannelLoudspeaker = "loudspeaker"  // hệ thống truyền thanh
	ChannelVillageHead = "village_head" // qua trưởng thôn, tổ trưởng tổ dân phố
	ChannelSMS         = "sms_social"   // tin nhắn, mạng xã hội
)

// ChannelNames are the channels in the order forms show them, with their names.
var ChannelNames = []struct{ ID, Name string }{
	{ChannelPosting, "Niêm yết tại trụ sở, nhà văn hóa"},
	{ChannelLoudspeaker, "Hệ thống truyền thanh"},
	{ChannelVillageHead, "Qua trưởng thôn, tổ trưởng tổ dân phố"},
	{ChannelSMS, "Tin nhắn, mạng xã hội"},
}

// Channel is one way it was made known, with its days.
type Channel struct {
	ID    string
	Start legal.Date
	End   legal.Date // zero: a single day (or still running, for posting)
	Note  string
}

// Draft is what an official submits for a new disclosure or a correction.
type Draft struct {
	UnitID       int64
	Category     int
	Title        string
	Body         string
	DecisionDate string // YYYY-MM-DD
	PostingStart string // YYYY-MM-DD; "" = today
	Channels     []Channel
	Reason       string  // a correction's reason
	Idem         db.Idem // the form's key (web.FormIdem): a retried post publishes or amends once
}

// Limits of a disclosure's text.
const (
	MaxTitle  = 300
	MaxBody   = 100_000
	MaxReason = 500 // a correction's or a withdrawal's reason, characters
)

// Plan is a validated draft with the law's dates worked out.
type Plan struct {
	Category     Category
	Title, Body  string
	DecisionDate legal.Date
	PostingStart legal.Date
	Due          legal.Date // publication deadline: 5 working days after the decision (Art 12(3), Art 48)
	Late         bool
	MinEnd       legal.Date // last day of the minimum window (zero: permanent)
	Channels     []Channel
}

// Check validates a draft against the law and works out its dates: agency is
// whether the unit is an agency (staff disclosure), today the current date.
func Check(d Draft, agency bool, today legal.Date, cal *legal.Calendar) (Plan, error) {
	f := map[string]apperr.Msg{}
	var p Plan
	cat, ok := CategoryOf(agency, d.Category)
	if !ok {
		f["category"] = apperr.M("disclosure.err.f.category", len(Categories(agency)))
	}
	p.Category = cat
	p.Title = strings.Join(strings.Fields(d.Title), " ")
	p.Body = strings.TrimSpace(strings.ReplaceAll(d.Body, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(p.Title); {
	case n == 0:
		f["title"] = apperr.M("disclosure.err.f.title_required")
	case n > MaxTitle:
		f["title"] = apperr.M("disclosure.err.f.title_long", MaxTitle)
	}
	if utf8.RuneCountInString(p.Body) > MaxBody {
		f["body"] = apperr.M("disclosure.err.f.body_long", MaxBody)
	}
	if !utf8.ValidString(p.Title) || !utf8.ValidString(p.Body) {
		f["body"] = apperr.M("disclosure.err.f.body_utf8")
	}
	if strings.TrimSpace(d.DecisionDate) == "" {
		f["decision_date"] = apperr.M("disclosure.err.f.decision_date_required")
	} else if dd, err := legal.ParseDate(d.DecisionDate); err != nil {
		f["decision_date"] = apperr.M("disclosure.err.f.decision_date_format")
	} else if today.Before(dd) {
		f["decision_date"] = apperr.M("disclosure.err.f.decision_date_future")
	} else if dd.Year < legal.FirstYear+1 {
		f["decision_date"] = apperr.M("disclosure.err.f.decision_date_old")
	} else {
		p.DecisionDate = dd
	}
	p.PostingStart = today
	if strings.TrimSpace(d.PostingStart) != "" {
		ps, err := legal.ParseDate(d.PostingStart)
		switch {
		case err != nil:
			f["posting_start"] = apperr.M("disclosure.err.f.posting_start_format")
		case !p.DecisionDate.IsZero() && ps.Before(p.DecisionDate):
			f["posting_start"] = apperr.M("disclosure.err.f.posting_before_decision")
		case today.Before(ps):
			f["posting_start"] = apperr.M("disclosure.err.f.posting_future")
		default:
			p.PostingStart = ps
		}
	}
	for _, c := range d.Channels {
		if !slices.ContainsFunc(ChannelNames, func(n struct{ ID, Name string }) bool { return n.ID == c.ID }) {
			f["channels"] = apperr.M("disclosure.err.f.channel_unknown", c.ID)
			continue
		}
		if c.Start.IsZero() {
			f["channel_"+c.ID] = apperr.M("disclosure.err.f.channel_start")
			continue
		}
		if !c.End.IsZero() && c.End.Before(c.Start) {
			f["channel_"+c.ID] = apperr.M("disclosure.err.f.channel_end")
			continue
		}
		// Art 13(3): items 7–12 on the loudspeaker for at least 3 consecutive days.
		if c.ID == ChannelLoudspeaker && cat.Broadcast && (c.End.IsZero() || c.Start.DaysUntil(c.End)+1 < 3) {
			f["channel_"+c.ID] = apperr.M("disclosure.err.f.loudspeaker")
			continue
		}
		p.Channels = append(p.Channels, c)
	}
	if len(f) > 0 {
		return Plan{}, apperr.New(apperr.CodeInvalid, "disclosure.err.check_fields").WithFields(f)
	}
	p.Due = cal.AddWorkingDays(p.DecisionDate, 5)
	p.Late = p.Due.Before(p.PostingStart)
	p.MinEnd = MinEnd(cat, agency, p.PostingStart, cal)
	return p, nil
}

// MinEnd is the last day of a disclosure's minimum posting window, or the zero
// Date when it stays posted permanently: ≥ 30 days for items 1–3 and 5–12 (and
// 14) of Art 11 (Art 13(2)); ≥ 20 days for agency staff disclosure (Art 48).
func MinEnd(cat Category, agency bool, start legal.Date, cal *legal.Calendar) legal.Date {
	if cat.Permanent && !agency {
		return legal.Date{}
	}
	rule := "disclosure.posting"
	if agency {
		rule = "disclosure.staff-posting"
	}
	res, err := legal.DefaultCatalogue().Compute(cal, rule, start, legal.Options{})
	if err != nil {
		return start.AddDays(30)
	}
	return res.Due
}

// CanTakeDown says whether the minimum window has run on day today, and if not,
// the first day it may be taken down.
func CanTakeDown(minEnd, today legal.Date) (bool, legal.Date) {
	if minEnd.IsZero() {
		return false, legal.Date{}
	}
	first := minEnd.AddDays(1)
	return !today.Before(first), first
}
