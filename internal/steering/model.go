// Package steering is a unit's steering committee for grassroots democracy
// (Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở): its members by position,
// each with an assigned area and the units they follow, the history of every
// change of membership with the decision that made it, its working regulation
// and its meetings with their minutes. Chỉ thị 30-CT/TW (1998) set the
// committees up; seed 004 (Chỉ thị 09-CT/TU Bắc Giang, item 2) says who heads
// them: the Party secretary, with the people's committee chair and the head of
// the mass-mobilisation bloc as deputies, and a working regulation that gives
// each member a field, a sector or a kind of grassroots unit.
package steering

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/document"
	store "danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Position is a member's place in the committee.
type Position string

// Positions, in the order the decision lists them.
const (
	Head     Position = "head"   // Trưởng ban
	Deputy   Position = "deputy" // Phó Trưởng ban
	Ordinary Position = "member" // Thành viên (ủy viên)
)

// Positions lists the positions in order.
var Positions = []Position{Head, Deputy, Ordinary}

// Valid reports whether p is a known position.
func (p Position) Valid() bool { return p == Head || p == Deputy || p == Ordinary }

// Rank orders positions: head first.
func (p Position) Rank() int {
	switch p {
	case Head:
		return 0
	case Deputy:
		return 1
	}
	return 2
}

// Title is the position as the decision writes it.
func (p Position) Title() string {
	switch p {
	case Head:
		return "Trưởng ban"
	case Deputy:
		return "Phó Trưởng ban"
	case Ordinary:
		return "Thành viên"
	}
	return string(p)
}

// DefaultName is the committee's name unless its unit names it otherwise.
const DefaultName = "Ban Chỉ đạo thực hiện Quy chế dân chủ ở cơ sở"

// Limits of what a form may carry.
const (
	MaxName       = 200    // a person's or committee's name, an office, a place
	MaxArea       = 2000   // a member's assigned area
	MaxNumber     = 50     // a decision's number and symbol
	MaxText       = 100000 // a regulation's, a meeting's content, conclusions or minutes
	MaxUnits      = 200    // units one member follows
	MaxAttendees  = 200    // lines of a meeting's attendance
	MaxUploadSize = 25 << 20
)

// Committee is a unit's steering committee.
type Committee struct {
	ID, UnitID int64
	Name       string
	// Regulation is the working regulation (quy chế làm việc): a text, a
	// file, or both; RegulationRef names the decision that issued it.
	Regulation     string
	RegulationFile *store.File
	RegulationRef  Decision
	CreatedAt      int64
	UpdatedAt      int64
	Version        int

	Members []Member // in force, in order (Sort), filled by the service
}

// Decision names the decision that made a change: its number and symbol
// ("125-QĐ/TU") and its date.
type Decision struct {
	Number string
	Date   legal.Date
}

// String is "số 125-QĐ/TU ngày 05/03/2026" (or what of it is known).
func (d Decision) String() string {
	var parts []string
	if d.Number != "" {
		parts = append(parts, "số "+d.Number)
	}
	if !d.Date.IsZero() {
		parts = append(parts, "ngày "+d.Date.VN())
	}
	return strings.Join(parts, " ")
}

// Member is a person on the committee.
type Member struct {
	ID, CommitteeID int64
	Position        Position
	Order           int // within the position, from 1
	Name            string
	Office          string // "Bí thư Tỉnh ủy", "Chủ tịch UBND tỉnh"
	AccountID       int64  // 0: no account
	Area            string // the assigned field, sector or kind of unit
	Units           []int64
	UnitNames       []string // the names of Units, filled by the service
	UnitKeys        []string // their codes as a form takes them (org.Unit.OfficeKey)
	JoinedOn        legal.Date
	LeftOn          legal.Date // zero while a member
	Version         int
}

// Change kinds of the history.
const (
	Joined  = "joined"  // became a member
	Moved   = "moved"   // changed position (from → to)
	Updated = "updated" // office, area or followed units changed, same position
	Left    = "left"    // left the committee
)

// Change is one line of the history of membership: append-only.
type Change struct {
	ID, CommitteeID, MemberID int64
	Name                      string
	Kind                      string
	From, To                  Position // "" where there is none
	Decision                  Decision
	ByAccount                 int64
	ByName                    string
	At                        int64
}

// Meeting is a meeting of the committee.
type Meeting struct {
	ID, CommitteeID int64
	HeldOn          legal.Date
	StartsAt        string // "08:00", "" if not said
	Place           string
	Chair           string
	Attendees       []string
	Content         string
	Conclusions     string
	Proceedings     string      // what was said (diễn biến), as the secretary wrote it
	MinutesFile     *store.File // the signed minutes, scanned
	CreatedBy       int64
	CreatedAt       int64
	UpdatedAt       int64
	Version         int
}

// Upload is a file sent with a form (the kernel's: web.FormFiles reads them).
type Upload = store.Upload

// MemberDraft is the form of a new or changed member.
type MemberDraft struct {
	Position  Position
	Name      string
	Office    string
	AccountID int64
	Area      string
	Units     []int64
	Decision  Decision
	Idem      db.Idem
}

// MeetingDraft is the form of a new meeting, or of its minutes.
type MeetingDraft struct {
	HeldOn      legal.Date
	StartsAt    string
	Place       string
	Chair       string
	Attendees   []string
	Content     string
	Conclusions string
	Proceedings string
	Idem        db.Idem
}

// RegulationDraft is the form of the working regulation.
type RegulationDraft struct {
	Text       string
	Decision   Decision
	RemoveFile bool
}

// invalid is e with the fields f, or nil when no field is wrong.
func invalid(e *apperr.Error, f map[string]apperr.Msg) error {
	if len(f) == 0 {
		return nil
	}
	return e.WithFields(f)
}

func long(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// checkLine checks a one-line field: required, at most n letters, one line.
func checkLine(f map[string]apperr.Msg, field, v string, required bool, n int) {
	switch {
	case required && v == "":
		f[field] = apperr.M("steering.err.f.required")
	case long(v, n):
		f[field] = apperr.M("steering.err.f.too_long", n)
	case strings.ContainsAny(v, "\r\n"):
		f[field] = apperr.M("steering.err.f.one_line")
	}
}

// checkDecision requires the number and the date of the decision that makes a
// change of membership (the history names it), not after today.
func checkDecision(f map[string]apperr.Msg, d Decision, today legal.Date) {
	checkLine(f, "decision_number", d.Number, true, MaxNumber)
	if d.Date.IsZero() {
		f["decision_date"] = apperr.M("steering.err.f.required")
	} else if today.Before(d.Date) {
		f["decision_date"] = apperr.M("steering.err.f.future")
	}
}

// Trim trims the draft's text fields.
func (d MemberDraft) trim() MemberDraft {
	d.Name, d.Office, d.Area = strings.TrimSpace(d.Name), strings.TrimSpace(d.Office), strings.TrimSpace(d.Area)
	d.Decision.Number = strings.TrimSpace(d.Decision.Number)
	return d
}

// Check validates a member's form (the units are checked against the unit
// tree by the service: inside the committee's unit).
func (d MemberDraft) Check(today legal.Date) (MemberDraft, error) {
	d = d.trim()
	f := map[string]apperr.Msg{}
	if !d.Position.Valid() {
		f["position"] = apperr.M("steering.err.f.position")
	}
	checkLine(f, "name", d.Name, true, MaxName)
	checkLine(f, "office", d.Office, true, MaxName)
	if long(d.Area, MaxArea) {
		f["area"] = apperr.M("steering.err.f.too_long", MaxArea)
	}
	if len(d.Units) > MaxUnits {
		f["units"] = apperr.M("steering.err.f.units_many", MaxUnits)
	}
	if d.AccountID < 0 {
		f["account"] = apperr.M("steering.err.f.account")
	}
	checkDecision(f, d.Decision, today)
	return d, invalid(apperr.New(apperr.CodeInvalid, "steering.err.member_invalid"), f)
}

// CheckLeave validates the decision by which a member leaves.
func CheckLeave(d Decision, today legal.Date) (Decision, error) {
	d.Number = strings.TrimSpace(d.Number)
	f := map[string]apperr.Msg{}
	checkDecision(f, d, today)
	return d, invalid(apperr.New(apperr.CodeInvalid, "steering.err.leave_invalid"), f)
}

// CheckCommitteeName validates the name a committee is established with.
func CheckCommitteeName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = DefaultName
	}
	f := map[string]apperr.Msg{}
	checkLine(f, "name", name, true, MaxName)
	return name, invalid(apperr.New(apperr.CodeInvalid, "steering.err.committee_invalid"), f)
}

// Check validates the regulation's form: its text and the decision that
// issued it (both optional; a date not after today).
func (d RegulationDraft) Check(today legal.Date) (RegulationDraft, error) {
	d.Text, d.Decision.Number = strings.TrimSpace(d.Text), strings.TrimSpace(d.Decision.Number)
	f := map[string]apperr.Msg{}
	if long(d.Text, MaxText) {
		f["text"] = apperr.M("steering.err.f.too_long", MaxText)
	}
	checkLine(f, "decision_number", d.Decision.Number, false, MaxNumber)
	if !d.Decision.Date.IsZero() && today.Before(d.Decision.Date) {
		f["decision_date"] = apperr.M("steering.err.f.future")
	}
	return d, invalid(apperr.New(apperr.CodeInvalid, "steering.err.regulation_invalid"), f)
}

// validTime reports whether s is "hh:mm" of a day.
func validTime(s string) bool {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return false
	}
	if _, err := fmt.Sscanf(s, "%2d:%2d", &h, &m); err != nil {
		return false
	}
	return h >= 0 && h < 24 && m >= 0 && m < 60 && strings.Trim(s[:2]+s[3:], "0123456789") == ""
}

// Check validates a meeting's form: a date (a meeting is recorded once held,
// so not after today), a place and a chair; attendees one a line.
func (d MeetingDraft) Check(today legal.Date) (MeetingDraft, error) {
	d.StartsAt, d.Place, d.Chair = strings.TrimSpace(d.StartsAt), strings.TrimSpace(d.Place), strings.TrimSpace(d.Chair)
	d.Content, d.Conclusions, d.Proceedings = strings.TrimSpace(d.Content), strings.TrimSpace(d.Conclusions), strings.TrimSpace(d.Proceedings)
	var att []string
	for _, a := range d.Attendees {
		if a = strings.TrimSpace(a); a != "" {
			att = append(att, a)
		}
	}
	d.Attendees = att
	f := map[string]apperr.Msg{}
	if d.HeldOn.IsZero() {
		f["held_on"] = apperr.M("steering.err.f.required")
	} else if today.Before(d.HeldOn) {
		f["held_on"] = apperr.M("steering.err.f.held_future")
	}
	if d.StartsAt != "" && !validTime(d.StartsAt) {
		f["starts_at"] = apperr.M("steering.err.f.time")
	}
	checkLine(f, "place", d.Place, true, MaxName)
	checkLine(f, "chair", d.Chair, true, MaxName)
	if len(d.Attendees) > MaxAttendees {
		f["attendees"] = apperr.M("steering.err.f.attendees_many", MaxAttendees)
	}
	for _, a := range d.Attendees {
		if long(a, MaxName) {
			f["attendees"] = apperr.M("steering.err.f.too_long", MaxName)
		}
	}
	for k, v := range map[string]string{"content": d.Content, "conclusions": d.Conclusions, "proceedings": d.Proceedings} {
		if long(v, MaxText) {
			f[k] = apperr.M("steering.err.f.too_long", MaxText)
		}
	}
	if d.Content == "" {
		f["content"] = apperr.M("steering.err.f.required")
	}
	return d, invalid(apperr.New(apperr.CodeInvalid, "steering.err.meeting_invalid"), f)
}

// Sort orders members as the decision lists them: head, deputies, members,
// each by order.
func Sort(ms []Member) {
	for i := 1; i < len(ms); i++ {
		for j := i; j > 0 && less(ms[j], ms[j-1]); j-- {
			ms[j], ms[j-1] = ms[j-1], ms[j]
		}
	}
}

func less(a, b Member) bool {
	if a.Position.Rank() != b.Position.Rank() {
		return a.Position.Rank() < b.Position.Rank()
	}
	if a.Order != b.Order {
		return a.Order < b.Order
	}
	return a.ID < b.ID
}

// Issuer is who issues a committee's decision and how it is headed: the
// unit's Party committee (Chỉ thị 09-CT/TU item 2: "Cấp ủy đảng các cấp …
// kiện toàn ban chỉ đạo"), laid out per Hướng dẫn 36-HD/VPTW, or, where the
// register has none, the unit's people's committee (Nghị định 30/2020/NĐ-CP).
type Issuer struct {
	Style     document.Style
	Parent    string // the first line of the header ("ĐẢNG BỘ THÀNH PHỐ HUẾ"); "" for none
	Name      string // the issuing body in capitals ("THÀNH ỦY HUẾ", "ỦY BAN NHÂN DÂN XÃ ĐAN ĐIỀN")
	ShortName string // in the symbol: "TU" → "QĐ/TU" (Party), "UBND" → "QĐ-UBND" (State)
	Place     string // the place of the date line ("Huế")
	// Signature: the authority lines ("T/M BAN THƯỜNG VỤ", "BÍ THƯ") and the signer.
	Signature document.Signature
	// Office is who carries out the decision with the members, in Điều 3
	// ("Văn phòng Thành ủy"); "" for "Văn phòng".
	Office string
}

// symbol is the decision's symbol: "QĐ/TU" for a Party body, "QĐ-UBND" for
// a state one (Hướng dẫn 36 §3.2; Nghị định 30 Phụ lục I §II.4).
func (is Issuer) symbol(kind string) string {
	if is.Style == document.Party {
		return kind + "/" + is.ShortName
	}
	return kind + "-" + is.ShortName
}

// Decision is the QUYẾT ĐỊNH "Về việc kiện toàn Ban Chỉ đạo thực hiện Quy
// chế dân chủ ở cơ sở" that names the committee's members in force: Điều 1
// the members by position, Điều 2 the committee's duties and each member's
// area, Điều 3 its effect. d is the decision's number (may be empty for the
// clerk to fill) and date; unitName names the committee's unit ("thành phố
// Huế").
func (c Committee) Decision(is Issuer, d Decision, unitName string) document.Doc {
	ms := append([]Member(nil), c.Members...)
	Sort(ms)
	name := c.Name
	if name == "" {
		name = DefaultName
	}
	doc := document.Doc{
		Style: is.Style, Parent: is.Parent, Issuer: is.Name, Number: d.Number, Symbol: is.symbol("QĐ"),
		Place: is.Place, Date: d.Date, Kind: "QUYẾT ĐỊNH",
		Summary: "Về việc kiện toàn " + name,
		Bases: []string{
			"Căn cứ Chỉ thị số 30-CT/TW ngày 18/02/1998 của Bộ Chính trị về xây dựng và thực hiện Quy chế dân chủ ở cơ sở;",
			"Căn cứ Luật Thực hiện dân chủ ở cơ sở số 10/2022/QH15 ngày 10/11/2022;",
			"Xét yêu cầu nhiệm vụ và đề nghị của Ban Dân vận,",
		},
		Signature: is.Signature,
	}
	if is.Style == document.State {
		doc.Bases[2] = "Theo đề nghị của Chánh Văn phòng."
	}
	body := []document.Block{
		{Kind: document.Heading, Level: 2, Number: "Điều 1.", Text: fmt.Sprintf("Kiện toàn %s %s, gồm các đồng chí có tên sau:", name, unitName)},
	}
	n := 0
	for _, p := range Positions {
		var of []Member
		for _, m := range ms {
			if m.Position == p {
				of = append(of, m)
			}
		}
		if len(of) == 0 {
			continue
		}
		n++
		title := p.Title()
		if p == Ordinary {
			title = "Các thành viên"
		}
		body = append(body, document.Block{Kind: document.Paragraph, Text: fmt.Sprintf("%d. %s:", n, title)})
		for _, m := range of {
			body = append(body, document.Block{Kind: document.Item, Level: 1, Text: "Đồng chí " + m.Name + ", " + m.Office + ";"})
		}
	}
	if last := len(body) - 1; last > 0 && body[last].Kind == document.Item {
		body[last].Text = strings.TrimSuffix(body[last].Text, ";") + "."
	}
	body = append(body,
		document.Block{Kind: document.Heading, Level: 2, Number: "Điều 2.", Text: "Ban Chỉ đạo có nhiệm vụ giúp cấp ủy lãnh đạo, chỉ đạo, hướng dẫn, kiểm tra, giám sát việc xây dựng và thực hiện Quy chế dân chủ ở cơ sở trên địa bàn; định kỳ sơ kết, tổng kết, báo cáo kết quả theo quy định."},
		document.Block{Kind: document.Paragraph, Text: "Trưởng Ban Chỉ đạo ban hành quy chế làm việc, phân công nhiệm vụ cụ thể cho từng thành viên phụ trách ngành, lĩnh vực, loại hình cơ sở; thành viên Ban Chỉ đạo làm việc theo chế độ kiêm nhiệm."},
	)
	for _, m := range ms {
		if m.Area == "" && len(m.UnitNames) == 0 {
			continue
		}
		text := "Đồng chí " + m.Name + " (" + m.Position.Title() + ")"
		var parts []string
		if m.Area != "" {
			parts = append(parts, "phụ trách "+strings.TrimSuffix(strings.Join(strings.Fields(m.Area), " "), "."))
		}
		if len(m.UnitNames) > 0 {
			parts = append(parts, "theo dõi "+strings.Join(m.UnitNames, ", "))
		}
		body = append(body, document.Block{Kind: document.Item, Level: 1, Text: text + ": " + strings.Join(parts, "; ") + "."})
	}
	office := is.Office
	if office == "" {
		office = "Văn phòng"
	}
	body = append(body, document.Block{Kind: document.Heading, Level: 2, Number: "Điều 3.",
		Text: "Quyết định có hiệu lực kể từ ngày ký; các quyết định trước đây về kiện toàn Ban Chỉ đạo trái với Quyết định này đều bãi bỏ. " +
			office + ", các cơ quan, đơn vị liên quan và các đồng chí có tên tại Điều 1 căn cứ Quyết định thi hành."})
	doc.Body = body
	doc.Recipients = []document.Recipient{{Name: "Như Điều 3"}, {Name: "Ban Dân vận", Note: "b/c"}, {Name: "Lưu " + office}}
	return doc
}

// Minutes is the BIÊN BẢN of a meeting: when and where, who chaired and
// attended, the content, what was said (the minutes' text) and the
// conclusions; signed by the chair.
func (m Meeting) Minutes(is Issuer, committeeName string) document.Doc {
	if committeeName == "" {
		committeeName = DefaultName
	}
	when := "Vào"
	if m.StartsAt != "" {
		when += " lúc " + strings.Replace(m.StartsAt, ":", " giờ ", 1) + " phút"
	}
	when += fmt.Sprintf(" ngày %02d tháng %02d năm %04d, tại %s, %s tổ chức họp.", m.HeldOn.Day, m.HeldOn.Month, m.HeldOn.Year, m.Place, committeeName)
	body := []document.Block{
		{Kind: document.Heading, Level: 1, Number: "I.", Text: "THỜI GIAN, ĐỊA ĐIỂM"},
		{Kind: document.Paragraph, Text: when},
		{Kind: document.Heading, Level: 1, Number: "II.", Text: "THÀNH PHẦN"},
		{Kind: document.Paragraph, Text: "Chủ trì: đồng chí " + m.Chair + "."},
	}
	if len(m.Attendees) > 0 {
		body = append(body, document.Block{Kind: document.Paragraph, Text: fmt.Sprintf("Tham dự (%d người):", len(m.Attendees))})
		for _, a := range m.Attendees {
			body = append(body, document.Block{Kind: document.Item, Level: 1, Text: a + ";"})
		}
	}
	body = append(body, document.Block{Kind: document.Heading, Level: 1, Number: "III.", Text: "NỘI DUNG"})
	body = append(body, document.Paragraphs(m.Content)...)
	if m.Proceedings != "" {
		body = append(body, document.Block{Kind: document.Heading, Level: 1, Number: "IV.", Text: "DIỄN BIẾN CUỘC HỌP"})
		body = append(body, document.Paragraphs(m.Proceedings)...)
	}
	if m.Conclusions != "" {
		num := "IV."
		if m.Proceedings != "" {
			num = "V."
		}
		body = append(body, document.Block{Kind: document.Heading, Level: 1, Number: num, Text: "KẾT LUẬN"})
		body = append(body, document.Paragraphs(m.Conclusions)...)
	}
	return document.Doc{
		Style: is.Style, Parent: is.Parent, Issuer: strings.ToUpper(committeeName), Symbol: is.symbol("BB"),
		Place: is.Place, Date: m.HeldOn, Kind: "BIÊN BẢN", Summary: "Họp " + committeeName,
		Body:      body,
		Signature: document.Signature{Lines: []string{"CHỦ TRÌ"}, Name: m.Chair},
	}
}

// Writer lays a document out as Word and PDF (internal/document's writers,
// wired by app). Nil: the download routes answer 404.
type Writer = document.Writer

// IssuerOf is who issues the decisions of the committee of unit: its Party
// committee (party, when the register has one directly under the unit), or
// else its people's committee. head signs for the Party committee (the
// committee's head is its secretary, Chỉ thị 09-CT/TU item 2); province is
// whether the unit is a province (its Party committee signs through its
// Ban Thường vụ).
func IssuerOf(unit org.Unit, party *org.Unit, head string) Issuer {
	place := unit.PlaceName()
	if party != nil {
		is := Issuer{Style: document.Party, Parent: "ĐẢNG BỘ " + strings.ToUpper(unit.Name), Name: strings.ToUpper(party.Name),
			ShortName: party.ShortName, Place: place, Office: "Văn phòng " + party.Name}
		if is.ShortName == "" {
			is.ShortName = "ĐU"
		}
		authority := "T/M ĐẢNG ỦY"
		if unit.Type.Level() == org.ProvinceLevel {
			authority = "T/M BAN THƯỜNG VỤ"
		} else {
			is.Office = "Văn phòng Đảng ủy"
		}
		is.Signature = document.Signature{Lines: []string{authority, "BÍ THƯ"}, Name: head}
		return is
	}
	short := unit.ShortName
	if short == "" {
		short = "UBND"
	}
	return Issuer{Style: document.State, Name: "ỦY BAN NHÂN DÂN " + strings.ToUpper(unit.Name), ShortName: short, Place: place,
		Office: "Văn phòng Ủy ban nhân dân", Signature: document.Signature{Lines: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}}}
}
