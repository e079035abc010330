// Package supervision is the capability "Nhân dân kiểm tra, giám sát" (LDC
// 2022 Arts 30–45; Nghị định 59/2023 Arts 12–19): the commune's People's
// Inspection Board (Ban thanh tra nhân dân), a community investment supervision
// board for each investment project (Ban giám sát đầu tư của cộng đồng), and
// the Fatherland Front's supervision teams; their members checked against the
// law, their plans, conclusions and reports, and the recommendations they
// address to a body, which must answer within 15 days (legal:
// supervision.answer) — late ones are marked on the body's home and raised to
// the level above. This file holds the rules, pure.
package supervision

import (
	"slices"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/web"
)

// Kinds of board.
const (
	Inspection = "inspection" // Ban thanh tra nhân dân xã (LDC Arts 36–40; ND 59 Arts 12–15)
	Investment = "investment" // Ban giám sát đầu tư của cộng đồng (LDC Arts 41–45; ND 59 Arts 16–19)
	Front      = "front"      // đoàn giám sát của Ủy ban MTTQ xã (giám sát, phản biện xã hội)
)

// Kinds lists the kinds of board.
var Kinds = []string{Inspection, Investment, Front}

// Where each rule comes from: the refusals cite them.
const (
	InspectionLaw = "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 36–40; Nghị định 59/2023 Điều 12–15"
	InvestmentLaw = "Luật Thực hiện dân chủ ở cơ sở 2022 Điều 41–45; Nghị định 59/2023 Điều 16–19"
	FrontLaw      = "Luật Mặt trận Tổ quốc Việt Nam 2015 Điều 25–34 (giám sát và phản biện xã hội)"
)

// LawOf is the source of a kind's rules.
func LawOf(kind string) string {
	switch kind {
	case Inspection:
		return InspectionLaw
	case Investment:
		return InvestmentLaw
	}
	return FrontLaw
}

// Board statuses.
const (
	Forming    = "forming"    // created by the Front, members being gathered
	Recognised = "recognised" // recognised by the commune's Front: it works
	Dissolved  = "dissolved"  // an investment board after the project's hand-over
)

// Positions on a board.
const (
	Head   = "head"
	Deputy = "deputy"
	Member = "member"
)

// Positions lists them, head first.
var Positions = []string{Head, Deputy, Member}

// Where a member comes from.
const (
	Elected    = "elected"    // elected at a village's community meeting (LDC Art 15 item 5)
	FromFront  = "front"      // the Front's committee
	FromBoard  = "inspection" // the People's Inspection Board
	Resident   = "resident"   // a resident of the project's area
	FrontStaff = "staff"      // a Front team's member
)

// OriginsOf are the origins a kind's members may have.
func OriginsOf(kind string) []string {
	switch kind {
	case Inspection:
		return []string{Elected}
	case Investment:
		return []string{FromFront, FromBoard, Resident}
	}
	return []string{FrontStaff}
}

// Sizes (LDC Arts 36, 42; ND 59 Arts 12, 16).
const (
	MinMembers    = 5 // both boards: at least five
	MaxDeputies   = 2 // both boards: at most two deputies
	MaxResidents  = 5 // an investment board: residents at most five
	ByElectionGap = 6 // a by-election only when at least six months of the term remain
	// ElectionAge is how old, in months, a village's election may be for its
	// elected to join a board (an older one was for an earlier term).
	ElectionAge = 12
)

// InspectionSize is how many members a commune's inspection board has: as
// many as its villages, at least five — and five when it has fewer than five.
func InspectionSize(villages int) int { return max(villages, MinMembers) }

// Person is a member as the composition rules see them.
type Person struct {
	Position, Origin string
}

// MemberDraft is the form adding a member.
type MemberDraft struct {
	Name       string
	VillageID  int64
	Position   string
	Origin     string
	MatterID   int64  // the election they came from (an inspection board)
	Email      string // the member's official account, who acts for the board ('' : none)
	Resident   bool   // declared a permanent resident of the commune
	Official   bool   // declared a commune official or staff member
	NoRelative bool   // an investment board: declared no relative among investor, contractor, consultant, decider
}

// Declared is what the member declared, kept with them.
func (d MemberDraft) Declared() string {
	var out []string
	if d.Resident {
		out = append(out, "resident")
	}
	if !d.Official {
		out = append(out, "not_official")
	}
	if d.NoRelative {
		out = append(out, "no_relative")
	}
	return strings.Join(out, " ")
}

// CheckMember refuses a member the law does not allow on a board of kind
// with members already (their positions and origins) in a commune of
// villages: each refusal cites its article.
func CheckMember(kind string, villages int, members []Person, d MemberDraft) (MemberDraft, error) {
	p := web.Problems{}
	d.Name = p.Text("name", d.Name, 200, true)
	if !slices.Contains(Positions, d.Position) {
		p.Add("position", apperr.M("supervision.err.f.position"))
	}
	if !slices.Contains(OriginsOf(kind), d.Origin) {
		p.Add("origin", apperr.M("supervision.err.f.origin"))
	}
	if err := p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.member_invalid")); err != nil {
		return d, err
	}
	law := LawOf(kind)
	if kind != Front {
		if d.Official {
			return d, apperr.New(apperr.CodeInvalid, "supervision.err.official", law).Mark("official")
		}
		if !d.Resident {
			return d, apperr.New(apperr.CodeInvalid, "supervision.err.not_resident", law).Mark("resident")
		}
	}
	if kind == Investment && !d.NoRelative {
		return d, apperr.New(apperr.CodeInvalid, "supervision.err.relative", law).Mark("no_relative")
	}
	if kind == Inspection && d.MatterID == 0 {
		return d, apperr.New(apperr.CodeInvalid, "supervision.err.not_elected", law).Mark("matter")
	}
	heads, deputies, residents := 0, 0, 0
	for _, m := range members {
		switch m.Position {
		case Head:
			heads++
		case Deputy:
			deputies++
		}
		if m.Origin == Resident {
			residents++
		}
	}
	switch {
	case d.Position == Head && heads > 0:
		return d, apperr.New(apperr.CodeInvalid, "supervision.err.two_heads").Mark("position")
	case d.Position == Deputy && deputies >= MaxDeputies && kind != Front:
		return d, apperr.New(apperr.CodeInvalid, "supervision.err.deputies", MaxDeputies, law).Mark("position")
	case kind == Inspection && len(members) >= InspectionSize(villages):
		return d, apperr.New(apperr.CodeInvalid, "supervision.err.full", InspectionSize(villages), villages, law)
	case kind == Investment && d.Origin == Resident && residents >= MaxResidents:
		return d, apperr.New(apperr.CodeInvalid, "supervision.err.residents", MaxResidents, law).Mark("origin")
	}
	return d, nil
}

// CheckComposition refuses to recognise a board whose members do not make
// it: an inspection board of exactly InspectionSize members, an investment
// board of at least five; one head (LDC Arts 36, 42).
func CheckComposition(kind string, villages int, members []Person) error {
	heads := 0
	for _, m := range members {
		if m.Position == Head {
			heads++
		}
	}
	law := LawOf(kind)
	switch {
	case kind == Inspection && len(members) != InspectionSize(villages):
		return apperr.New(apperr.CodeInvalid, "supervision.err.size", InspectionSize(villages), villages, len(members), law)
	case kind == Investment && len(members) < MinMembers:
		return apperr.New(apperr.CodeInvalid, "supervision.err.too_few", MinMembers, len(members), law)
	case len(members) == 0:
		return apperr.New(apperr.CodeInvalid, "supervision.err.empty")
	case heads != 1:
		return apperr.New(apperr.CodeInvalid, "supervision.err.no_head")
	}
	return nil
}

// CanByElect reports whether a member may still join a recognised inspection
// board: at least six months of its term must remain (ND 59 Art 12).
func CanByElect(today, termTo legal.Date) bool {
	return termTo.IsZero() || !termTo.Before(today.AddMonths(ByElectionGap))
}

// Fundings of an investment project (LDC Art 41).
const (
	Public    = "public"    // đầu tư công
	PPP       = "ppp"       // đối tác công tư
	Community = "community" // vốn của cộng đồng, ngân sách xã hỗ trợ
	Sponsored = "sponsored" // tài trợ của tổ chức, cá nhân
)

// Fundings lists them.
var Fundings = []string{Public, PPP, Community, Sponsored}

// What an investment board watches (LDC Art 43; ND 59 Art 17).
var (
	// Watched are the areas of every project.
	Watched = []string{"planning", "land", "environment", "resettlement", "progress", "disclosure"}
	// WatchedCommunity are the further areas of a project of the community's
	// money or the commune's budget.
	WatchedCommunity = []string{"specifications", "materials", "acceptance", "accounts"}
)

// AreasOf is what a board of kind watches on a project with funding (nil:
// any conclusion, no area).
func AreasOf(kind, funding string) []string {
	if kind != Investment {
		return nil
	}
	if funding == Community || funding == Sponsored {
		return append(slices.Clone(Watched), WatchedCommunity...)
	}
	return Watched
}

// BoardDraft is the form creating a board.
type BoardDraft struct {
	Kind     string
	Name     string
	Project  string // investment: the project; front: the topic
	Funding  string
	Investor string
	StartsOn legal.Date // investment: when supervision starts
	TermTo   legal.Date // inspection: the term's last day (the village heads')
}

// Check trims and checks the draft.
func (d BoardDraft) Check(today legal.Date) (BoardDraft, error) {
	p := web.Problems{}
	if !slices.Contains(Kinds, d.Kind) {
		p.Add("kind", apperr.M("supervision.err.f.kind"))
	}
	d.Name = p.Text("name", d.Name, 200, true)
	d.Project = p.Text("project", d.Project, 500, d.Kind != Inspection)
	d.Investor = p.Text("investor", d.Investor, 200, d.Kind == Investment)
	switch d.Kind {
	case Investment:
		if !slices.Contains(Fundings, d.Funding) {
			p.Add("funding", apperr.M("supervision.err.f.funding"))
		}
		if d.StartsOn.IsZero() {
			p.Add("starts_on", apperr.M("supervision.err.f.required"))
		}
		d.TermTo = legal.Date{}
	case Inspection:
		if d.TermTo.IsZero() || !today.Before(d.TermTo) {
			p.Add("term_to", apperr.M("supervision.err.f.term"))
		}
		d.Funding, d.Investor, d.StartsOn = "", "", legal.Date{}
	default:
		d.Funding, d.Investor, d.StartsOn, d.TermTo = "", "", legal.Date{}, legal.Date{}
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.board_invalid"))
}

// Plan periods (ND 59 Art 13: quarterly, 6-month, yearly and term plans; an
// inspection plan for each inspection; an investment board's project plan).
const (
	Quarter       = "quarter"
	Half          = "half"
	Year          = "year"
	Term          = "term"
	InspectionRun = "inspection"
	Project       = "project"
)

// PeriodsOf are the plans a kind of board makes.
func PeriodsOf(kind string) []string {
	switch kind {
	case Inspection:
		return []string{Quarter, Half, Year, Term, InspectionRun}
	case Investment:
		return []string{Project}
	}
	return []string{Year, InspectionRun}
}

// ReportPeriods are the reports an inspection board sends the Front (ND 59
// Art 15: quarterly, 6-month, yearly, term).
var ReportPeriods = []string{Quarter, Half, Year, Term}

// PlanDraft is the form filing a plan.
type PlanDraft struct {
	Period   string
	Title    string
	Body     string
	Subject  string     // an inspection: the one inspected
	StartsOn legal.Date // an inspection: its first day
	SentOn   legal.Date // an inspection: sent to the Front, the chair and the one inspected
}

// Check refuses an inspection plan sent later than five working days before
// the inspection (legal: bttnd.plan), or without the one inspected.
func (d PlanDraft) Check(kind string, today legal.Date, cat *legal.Catalogue, cal *legal.Calendar) (PlanDraft, error) {
	p := web.Problems{}
	if !slices.Contains(PeriodsOf(kind), d.Period) {
		p.Add("period", apperr.M("supervision.err.f.period"))
	}
	d.Title = p.Text("title", d.Title, 300, true)
	d.Body = p.Text("body", d.Body, 20000, true)
	if d.Period != InspectionRun {
		d.Subject, d.StartsOn, d.SentOn = "", legal.Date{}, legal.Date{}
		return d, p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.plan_invalid"))
	}
	d.Subject = p.Text("subject", d.Subject, 300, true)
	switch {
	case d.StartsOn.IsZero():
		p.Add("starts_on", apperr.M("supervision.err.f.required"))
	case d.SentOn.IsZero():
		p.Add("sent_on", apperr.M("supervision.err.f.required"))
	case today.Before(d.SentOn):
		p.Add("sent_on", apperr.M("supervision.err.f.future"))
	default:
		if res, err := cat.Compute(cal, "bttnd.plan", d.StartsOn, legal.Options{}); err != nil || res.Due.Before(d.SentOn) {
			p.Add("sent_on", apperr.M("supervision.err.f.plan_late", res.Due.VN(), res.Rule.Article))
		}
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.plan_invalid"))
}

// Kinds of writing.
const (
	Conclusion = "conclusion" // kết luận kiểm tra, giám sát: findings and evidence
	Report     = "report"     // báo cáo gửi Ủy ban MTTQ xã
)

// WritingDraft is the form writing a conclusion or a report.
type WritingDraft struct {
	Kind     string
	PlanID   int64
	Area     string // investment: what was watched
	Period   string // a report: quarter | half | year | term
	Title    string
	Body     string
	Evidence string
}

// Check trims and checks the draft.
func (d WritingDraft) Check(kind, funding string) (WritingDraft, error) {
	p := web.Problems{}
	d.Title = p.Text("title", d.Title, 300, true)
	d.Body = p.Text("body", d.Body, 20000, true)
	d.Evidence = p.Text("evidence", d.Evidence, 4000, false)
	switch d.Kind {
	case Conclusion:
		d.Period = ""
		if areas := AreasOf(kind, funding); areas != nil && !slices.Contains(areas, d.Area) {
			p.Add("area", apperr.M("supervision.err.f.area"))
		} else if areas == nil {
			d.Area = ""
		}
	case Report:
		d.Area = ""
		if !slices.Contains(ReportPeriods, d.Period) {
			p.Add("period", apperr.M("supervision.err.f.period"))
		}
	default:
		p.Add("kind", apperr.M("supervision.err.f.kind"))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.writing_invalid"))
}

// Kinds of recommendation.
const (
	Recommend = "recommendation" // kiến nghị
	Suspend   = "suspend"        // an investment board's proposal to suspend the project (LDC Art 43)
)

// RecDraft is the form sending a recommendation.
type RecDraft struct {
	Kind        string
	AddresseeID int64
	Subject     string
	Body        string
	SentOn      legal.Date
}

// Check trims and checks the draft: only an investment board proposes to
// suspend.
func (d RecDraft) Check(kind string, today legal.Date) (RecDraft, error) {
	p := web.Problems{}
	if d.Kind != Recommend && !(d.Kind == Suspend && kind == Investment) {
		p.Add("kind", apperr.M("supervision.err.f.rec_kind"))
	}
	if d.AddresseeID == 0 {
		p.Add("addressee", apperr.M("supervision.err.f.addressee"))
	}
	d.Subject = p.Text("subject", d.Subject, 300, true)
	d.Body = p.Text("body", d.Body, 20000, true)
	switch {
	case d.SentOn.IsZero():
		d.SentOn = today
	case today.Before(d.SentOn):
		p.Add("sent_on", apperr.M("supervision.err.f.future"))
	case d.SentOn.Before(today.AddDays(-30)):
		p.Add("sent_on", apperr.M("supervision.err.f.old"))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.rec_invalid"))
}

// Recommendation states, as the Front's list groups them.
const (
	Waiting      = "waiting" // not answered, within its 15 days
	Overdue      = "overdue" // not answered, past them
	OnTime       = "on_time" // answered within them
	AnsweredLate = "late"    // answered after them
)

// States lists them in the list's order.
var States = []string{Overdue, Waiting, AnsweredLate, OnTime}

// StateOf is a recommendation's state on day today.
func StateOf(due, answered, today legal.Date) string {
	switch {
	case !answered.IsZero() && due.Before(answered):
		return AnsweredLate
	case !answered.IsZero():
		return OnTime
	case due.Before(today):
		return Overdue
	}
	return Waiting
}

// CheckAnswer trims and checks an answer.
func CheckAnswer(text string) (string, error) {
	p := web.Problems{}
	text = p.Text("answer", text, 20000, true)
	return text, p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.answer_invalid"))
}

// TermEnded reports whether an inspection board's term is over on today.
func TermEnded(termTo, today legal.Date) bool { return !termTo.IsZero() && termTo.Before(today) }

// NoticeLate reports whether the investor was told of an investment board's
// plan and composition later than 45 days before supervision starts (legal:
// bgsdt.notice): due is that rule's last day.
func NoticeLate(notified, due legal.Date) bool { return !notified.IsZero() && due.Before(notified) }
