// Package plans is the province's side of grassroots democracy: plans (kế
// hoạch; also đề án, chương trình, chỉ thị — the same structure) issued by a
// body, whose tasks are assigned to lower units that report their progress
// (LDC 10/2022 Art 4: the people's committee and Party bodies lead and
// organise its implementation; Nghị định 59/2023 Art 3 and 5: plans, reports).
// A plan is stored as its header (number, date, period), the document's body
// as blocks (document.Doc), its targets, tasks and their assignments; the
// plan page shows tasks × assignees and which lower units have issued a plan
// of their own implementing it.
package plans

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/document"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/planimport"
	"danchu/internal/search"
)

// Kinds of plan: the document's type (Nghị định 30/2020 Phụ lục III; Hướng
// dẫn 36-HD/VPTW for Party bodies). Each has the same structure.
const (
	KindPlan      = "ke-hoach"
	KindProject   = "de-an"
	KindProgramme = "chuong-trinh"
	KindDirective = "chi-thi"
)

// Kinds lists the kinds with their printed title, in the forms' order.
var Kinds = []struct{ ID, Title string }{
	{KindPlan, "KẾ HOẠCH"}, {KindProject, "ĐỀ ÁN"}, {KindProgramme, "CHƯƠNG TRÌNH"}, {KindDirective, "CHỈ THỊ"},
}

// KindTitle is the printed title of a kind ("KẾ HOẠCH"); "" when unknown.
func KindTitle(kind string) string {
	for _, k := range Kinds {
		if k.ID == kind {
			return k.Title
		}
	}
	return ""
}

// KindOfTitle reads a printed title ("KẾ HOẠCH", "Chỉ thị") as a kind; KindPlan when none matches.
func KindOfTitle(title string) string {
	f := search.Fold(strings.TrimSpace(title))
	for _, k := range Kinds {
		if strings.HasPrefix(f, search.Fold(k.Title)) {
			return k.ID
		}
	}
	return KindPlan
}

// Styles: a state body's layout or a Party body's.
const (
	StyleState = "state"
	StyleParty = "party"
)

// Recurrences of a task without a fixed deadline.
const (
	Monthly   = "monthly"
	Quarterly = "quarterly"
	Yearly    = "yearly"
)

// Statuses of an assignment, as its assignee reports them.
const (
	NotStarted = "not-started"
	InProgress = "in-progress"
	Done       = "done"
)

// Statuses lists the statuses in the progress form's order.
var Statuses = []string{NotStarted, InProgress, Done}

// Bounds of what is stored.
const (
	MaxNumber  = 60
	MaxTitle   = 500
	MaxText    = 2000
	MaxBlocks  = 5000
	MaxTasks   = 1000
	MaxTargets = 200
	MaxReport  = 5000
	MaxFiles   = 10
	MaxBases   = 100 // lines of legal bases (căn cứ)
	// MaxUploadBytes bounds a progress report's form with its files (each file
	// is also held to the store's MaxFile), as disclosure's forms.
	MaxUploadBytes = 110 << 20
	// MaxImportBytes bounds the text of a plan to import, pasted or read
	// from its file.
	MaxImportBytes = 900 << 10
	// MaxImportFile bounds the Word or text file of a plan to import (a
	// Word file holds its images: a few dozen pages with a scanned seal).
	MaxImportFile = 20 << 20
	// MaxImportForm bounds the import's forms: the file with the pasted text,
	// and the preview sending the text back with its corrections.
	MaxImportForm = MaxImportFile + 4*MaxImportBytes
)

// DefaultRemindDays is how many days before its deadline an assignment not
// done is reminded, when a plan sets no other (plans.remind_days): no law
// sets it; a week lets a commune office act within its weekly meeting.
const DefaultRemindDays = 7

// Phase is a stage of a plan's period (2016–2020: launch, mid-term review,
// final review).
type Phase struct {
	Name             string
	FromYear, ToYear int
	Launch, Midterm  legal.Date
	Final            legal.Date
}

// Target is a measurable indicator (chỉ tiêu): "100% các đơn vị xây dựng kế hoạch".
type Target struct {
	ID         int64
	Pos        int
	Text       string
	Value      string // as written: "100%", "> 80%"
	Deadline   string // as written; Due when it is a date
	Due        legal.Date
	Measurable bool
}

// Task is one thing the plan asks a body to do.
type Task struct {
	ID         int64
	PlanID     int64
	Pos        int
	Block      int    // index in Doc.Body of the heading or item it is read from; -1 for none
	Section    string // number path of its heading: "II.1"
	Title      string
	LeadUnitID int64  // the lead body when it is a unit in danchu
	Lead       string // as written
	With       []string
	Deadline   string // as written
	Due        legal.Date
	Recurrence string // Monthly, Quarterly, Yearly or ""
	Output     string // expected result (sản phẩm)
	TargetPos  int    // 1-based position of the target it serves; 0 for none
}

// Plan is a plan as stored.
type Plan struct {
	ID, UnitID     int64
	ParentPlanID   int64 // the higher plan it implements, when that is in danchu
	Kind           string
	Number         string // number and symbol as printed: "162-KH/BCS", "05/KH-UBND"
	Style          string
	Date           legal.Date
	Place          string
	Summary        string // trích yếu
	FromYear       int
	ToYear         int
	Phases         []Phase
	Bases          string // legal bases as text, one a line (also in Doc.Bases)
	RemindDays     int
	Doc            document.Doc // body, bases, recipients, signature; header fields above win
	Targets        []Target
	Tasks          []Task
	CreatedBy      int64
	CreatedAt      int64
	UpdatedAt      int64
	PublishedAt    int64 // when it became public (PublicOnSave), 0 for an internal plan
	ChildrenIssued int   // filled by the dashboard
}

// Public says whether the people may read the plan (its public pages, the open data).
func (p Plan) Public() bool { return p.PublishedAt != 0 }

// NumberKey is how two numbers are recognised as the same: folded, spaces
// and the "Số" prefix dropped ("Số: 05/KH-UBND" = "05/kh-ubnd"); "" for a
// symbol without its number.
func NumberKey(n string) string {
	f := search.Fold(strings.TrimSpace(n))
	f = strings.TrimPrefix(f, "so:")
	f = strings.TrimPrefix(f, "so ")
	var b strings.Builder
	for _, r := range f {
		if r != ' ' && r != '\t' && r != ':' {
			b.WriteRune(r)
		}
	}
	k := b.String()
	if strings.HasPrefix(k, "/") || strings.HasPrefix(k, "-") {
		return "" // no number yet ("Số:    /KH-UBND"): nothing to recognise it by
	}
	return k
}

// NewFromDraft maps an imported draft to a plan of unit; nothing is checked
// here (Check does, before saving).
func NewFromDraft(unitID int64, d planimport.Draft) Plan {
	p := Plan{UnitID: unitID, Kind: KindOfTitle(d.Doc.Kind), Number: strings.TrimSpace(d.Doc.Number), Date: d.Doc.Date,
		Place: d.Doc.Place, Summary: d.Doc.Summary, Style: StyleState, RemindDays: DefaultRemindDays}
	sep := "/"
	if d.Doc.Style == document.Party {
		p.Style, sep = StyleParty, "-"
	}
	if p.Number == "" && d.Doc.Symbol != "" {
		p.Number = sep + d.Doc.Symbol // no number yet; the symbol only
	}
	p.Bases = strings.Join(d.Doc.Bases, "\n")
	p.Doc = d.Doc
	p.Doc.Body = append([]document.Block(nil), d.Doc.Body...)
	p.FromYear, p.ToYear = yearsOf(d.Doc.Summary)
	if p.FromYear == 0 && !d.Doc.Date.IsZero() {
		p.FromYear, p.ToYear = d.Doc.Date.Year, d.Doc.Date.Year
	}
	for i, t := range d.Targets {
		x := Target{Pos: i + 1, Text: t.Text, Value: t.Value, Deadline: t.Deadline, Measurable: t.Value != ""}
		x.Due, _ = DueOf(t.Deadline)
		p.Targets = append(p.Targets, x)
	}
	for i, t := range d.Tasks {
		x := Task{Pos: i + 1, Block: t.Block, Section: t.Section, Title: t.Title, Lead: t.Lead, With: append([]string(nil), t.With...),
			Deadline: t.Deadline, Recurrence: t.Recurrence}
		x.Due, _ = DueOf(t.Deadline)
		p.Tasks = append(p.Tasks, x)
	}
	return p
}

// yearsOf finds a period "2016–2020", "2016 - 2020", "giai đoạn 2021-2025" or
// one year "năm 2024" in a summary.
func yearsOf(s string) (from, to int) {
	var years []int
	for i := 0; i+4 <= len(s); i++ {
		if (i == 0 || !isDigit(s[i-1])) && isDigit(s[i]) && isDigit(s[i+1]) && isDigit(s[i+2]) && isDigit(s[i+3]) && (i+4 == len(s) || !isDigit(s[i+4])) {
			y := int(s[i]-'0')*1000 + int(s[i+1]-'0')*100 + int(s[i+2]-'0')*10 + int(s[i+3]-'0')
			if y >= 1990 && y <= 2100 {
				years = append(years, y)
			}
		}
	}
	switch {
	case len(years) == 0:
		return 0, 0
	case len(years) >= 2 && years[1] >= years[0]:
		return years[0], years[1]
	}
	return years[0], years[0]
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// DueOf reads a deadline written as a date ("30/6/2024", "trước ngày
// 30/06/2024", "2024-06-30"), a quarter ("Quý II/2024": its last day) or a
// year ("năm 2025", "2025": 31/12); ok false when it names no day.
func DueOf(s string) (legal.Date, bool) {
	f := search.Fold(s)
	// a date dd/mm/yyyy anywhere
	for i := 0; i < len(f); i++ {
		if !isDigit(f[i]) || (i > 0 && isDigit(f[i-1])) {
			continue
		}
		var parts []int
		j := i
		for len(parts) < 3 && j < len(f) {
			k := j
			for k < len(f) && isDigit(f[k]) {
				k++
			}
			if k == j || k-j > 4 {
				break
			}
			n := 0
			for _, c := range f[j:k] {
				n = n*10 + int(c-'0')
			}
			parts = append(parts, n)
			if k < len(f) && (f[k] == '/' || f[k] == '-' || f[k] == '.') && len(parts) < 3 {
				j = k + 1
				continue
			}
			j = k
			break
		}
		if len(parts) == 3 {
			if d, ok := dateOf(parts[0], parts[1], parts[2]); ok {
				return d, true
			}
			if d, ok := dateOf(parts[2], parts[1], parts[0]); ok { // yyyy-mm-dd
				return d, true
			}
		}
	}
	// a quarter
	if i := strings.Index(f, "quy "); i >= 0 {
		rest := strings.TrimSpace(f[i+4:])
		q := 0
		for n, roman := range []string{"iv", "iii", "ii", "i", "4", "3", "2", "1"} {
			if strings.HasPrefix(rest, roman) {
				q = []int{4, 3, 2, 1, 4, 3, 2, 1}[n]
				rest = rest[len(roman):]
				break
			}
		}
		if from, _ := yearsOf(rest); q > 0 && from > 0 {
			return legal.DateOf(from, time.Month(3*q)+1, 0), true // day 0 of the next month: the quarter's last
		}
	}
	if from, to := yearsOf(f); from > 0 && from == to && (strings.Contains(f, "nam ") || strings.TrimSpace(f) == fmt.Sprint(from)) {
		return legal.DateOf(from, 12, 31), true
	}
	return legal.Date{}, false
}

func dateOf(d, m, y int) (legal.Date, bool) {
	if y < 1990 || y > 2100 || m < 1 || m > 12 || d < 1 || d > 31 {
		return legal.Date{}, false
	}
	x := legal.DateOf(y, time.Month(m), d)
	if x.Day != d || int(x.Month) != m {
		return legal.Date{}, false
	}
	return x, true
}

// text checks one field's length; empty allowed unless required.
func text(field, s string, max int, required bool) error {
	s = strings.TrimSpace(s)
	if required && s == "" {
		return apperr.New(apperr.CodeInvalid, "plans.err.required").Mark(field)
	}
	if utf8.RuneCountInString(s) > max {
		return apperr.New(apperr.CodeInvalid, "plans.err.too_long", max).Mark(field)
	}
	return nil
}

// Check validates a plan before it is saved and normalises its text.
func Check(p *Plan) error {
	if KindTitle(p.Kind) == "" {
		return apperr.New(apperr.CodeInvalid, "plans.err.kind").Mark("kind")
	}
	if p.Style != StyleState && p.Style != StyleParty {
		return apperr.New(apperr.CodeInvalid, "plans.err.style").Mark("style")
	}
	p.Number, p.Summary, p.Place = strings.TrimSpace(p.Number), strings.TrimSpace(p.Summary), strings.TrimSpace(p.Place)
	if err := text("number", p.Number, MaxNumber, false); err != nil {
		return err
	}
	if err := text("summary", p.Summary, MaxTitle, true); err != nil {
		return err
	}
	if err := text("place", p.Place, 100, false); err != nil {
		return err
	}
	if p.FromYear != 0 || p.ToYear != 0 {
		if p.FromYear < 1990 || p.FromYear > 2100 || p.ToYear < p.FromYear || p.ToYear > p.FromYear+20 {
			return apperr.New(apperr.CodeInvalid, "plans.err.period").Mark("from_year")
		}
	}
	if p.RemindDays < 0 || p.RemindDays > 90 {
		return apperr.New(apperr.CodeInvalid, "plans.err.remind_days", 90).Mark("remind_days")
	}
	if len(p.Doc.Body) > MaxBlocks || len(p.Tasks) > MaxTasks || len(p.Targets) > MaxTargets {
		return apperr.New(apperr.CodeInvalid, "plans.err.too_big", MaxBlocks, MaxTasks)
	}
	bases := len(p.Doc.Bases) > MaxBases || utf8.RuneCountInString(p.Bases) > MaxBases*MaxText
	for _, b := range p.Doc.Bases {
		bases = bases || utf8.RuneCountInString(b) > MaxText
	}
	if bases {
		return apperr.New(apperr.CodeInvalid, "plans.err.bases", MaxBases, MaxText).Mark("bases")
	}
	for i, b := range p.Doc.Body {
		if utf8.RuneCountInString(b.Text) > 20000 {
			return apperr.New(apperr.CodeInvalid, "plans.err.block_long", i+1)
		}
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		t.Title, t.Output = strings.TrimSpace(t.Title), strings.TrimSpace(t.Output)
		if t.Title == "" || utf8.RuneCountInString(t.Title) > MaxText || utf8.RuneCountInString(t.Output) > MaxText || len(t.With) > 50 {
			return apperr.New(apperr.CodeInvalid, "plans.err.task", i+1)
		}
		switch t.Recurrence {
		case "", Monthly, Quarterly, Yearly:
		default:
			return apperr.New(apperr.CodeInvalid, "plans.err.recurrence", i+1)
		}
		if t.TargetPos < 0 || t.TargetPos > len(p.Targets) {
			return apperr.New(apperr.CodeInvalid, "plans.err.task_target", i+1)
		}
		t.Pos = i + 1
	}
	for i := range p.Targets {
		t := &p.Targets[i]
		if strings.TrimSpace(t.Text) == "" || utf8.RuneCountInString(t.Text) > MaxText || utf8.RuneCountInString(t.Value) > 100 {
			return apperr.New(apperr.CodeInvalid, "plans.err.target", i+1)
		}
		t.Pos = i + 1
	}
	if len(p.Phases) > MaxPhases {
		return apperr.New(apperr.CodeInvalid, "plans.err.too_big", MaxBlocks, MaxTasks)
	}
	for i, ph := range p.Phases {
		bad := utf8.RuneCountInString(ph.Name) > 200 || (ph.FromYear != 0 && (ph.FromYear < 1990 || ph.FromYear > 2100)) || ph.ToYear < ph.FromYear ||
			(ph.ToYear != 0 && ph.ToYear > 2100)
		// launch, mid-term review and final review in that order
		if !ph.Launch.IsZero() && !ph.Midterm.IsZero() && ph.Midterm.Before(ph.Launch) ||
			!ph.Midterm.IsZero() && !ph.Final.IsZero() && ph.Final.Before(ph.Midterm) ||
			!ph.Launch.IsZero() && !ph.Final.IsZero() && ph.Final.Before(ph.Launch) {
			bad = true
		}
		if bad {
			return apperr.New(apperr.CodeInvalid, "plans.err.phase", i+1).Mark(fmt.Sprintf("ph_name_%d", i))
		}
	}
	return nil
}

// MaxPhases is how many phases a plan's period has at most (the form offers as many).
const MaxPhases = 3

// Document is the plan as an official document (the writers lay it out):
// the stored body, bases, recipients and signature under the plan's header.
func (p Plan) Document() document.Doc {
	d := p.Doc
	d.Body = append([]document.Block(nil), p.Doc.Body...)
	d.Bases = append([]string(nil), p.Doc.Bases...)
	d.Recipients = append([]document.Recipient(nil), p.Doc.Recipients...)
	d.Signature.Lines = append([]string(nil), p.Doc.Signature.Lines...)
	d.Style = document.State
	if p.Style == StyleParty {
		d.Style = document.Party
	}
	d.Kind = KindTitle(p.Kind)
	d.Number, d.Place, d.Date, d.Summary = p.Number, p.Place, p.Date, p.Summary
	// The symbol follows the number: "05/KH-UBND" (state), "162-KH/BCS" (Party).
	sep := "/"
	if p.Style == StyleParty {
		sep = "-"
	}
	if i := strings.Index(p.Number, sep); i >= 0 {
		d.Symbol = strings.TrimSpace(p.Number[i+1:])
		if strings.TrimSpace(p.Number[:i]) == "" {
			d.Number = "" // no number yet: "Số:      /KH-UBND"
		}
	}
	if len(d.Bases) == 0 && strings.TrimSpace(p.Bases) != "" {
		for _, l := range strings.Split(p.Bases, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				d.Bases = append(d.Bases, l)
			}
		}
	}
	return d
}

// Assignment is one task given to one unit.
type Assignment struct {
	ID, TaskID, PlanID, UnitID int64
	Due                        legal.Date
	Recurrence                 string
	Status                     string
	Percent                    int
	ReportedAt                 int64 // the latest report, 0 for none
	CreatedAt                  int64
	// read with it
	TaskTitle, PlanNumber, PlanSummary string
	PlanUnitID                         int64
}

// Late reports whether the assignment is late on day today: a deadline past
// and not done; a recurring task whose last period ended without a report.
func (a Assignment) Late(today legal.Date) bool {
	if a.Status == Done && a.Recurrence == "" {
		return false
	}
	if a.Recurrence == "" {
		return !a.Due.IsZero() && a.Due.Before(today)
	}
	start := PeriodStart(a.Recurrence, today)
	created := legal.Today(time.UnixMilli(a.CreatedAt))
	if !created.Before(start) { // assigned in this period: nothing owed yet
		return false
	}
	return a.ReportedAt == 0 || legal.Today(time.UnixMilli(a.ReportedAt)).Before(start.AddMonths(-periodMonths(a.Recurrence)))
}

func periodMonths(rec string) int {
	switch rec {
	case Monthly:
		return 1
	case Quarterly:
		return 3
	}
	return 12
}

// PeriodStart is the first day of the period (month, quarter, year) that holds day.
func PeriodStart(rec string, day legal.Date) legal.Date {
	switch rec {
	case Monthly:
		return legal.DateOf(day.Year, day.Month, 1)
	case Quarterly:
		return legal.DateOf(day.Year, time.Month((int(day.Month)-1)/3*3+1), 1)
	}
	return legal.DateOf(day.Year, 1, 1)
}

// NextDue is the day an assignment is next due on day today: its deadline, or
// the end of the current period of a recurring task.
func (a Assignment) NextDue(today legal.Date) legal.Date {
	if a.Recurrence == "" {
		return a.Due
	}
	return PeriodStart(a.Recurrence, today).AddMonths(periodMonths(a.Recurrence)).AddDays(-1)
}

// Report is one progress report of an assignee; every report is kept.
type Report struct {
	ID, AssignmentID int64
	Status           string
	Percent          int
	Text             string
	Files            []File
	CreatedBy        int64
	CreatedAt        int64
	Idem             db.Idem // the form's key (web.FormIdem): a retried post reports once
}

// CheckReport validates a progress report.
func CheckReport(r *Report) error {
	ok := false
	for _, s := range Statuses {
		ok = ok || s == r.Status
	}
	if !ok {
		return apperr.New(apperr.CodeInvalid, "plans.err.status").Mark("status")
	}
	if r.Percent < 0 || r.Percent > 100 {
		return apperr.New(apperr.CodeInvalid, "plans.err.percent").Mark("percent")
	}
	if r.Status == Done {
		r.Percent = 100
	}
	if r.Status == NotStarted && r.Percent > 0 {
		r.Status = InProgress
	}
	r.Text = strings.TrimSpace(r.Text)
	return text("text", r.Text, MaxReport, false)
}

// Targeting says whom a task goes to: every unit of some types under the
// issuer (Types), or the units listed (Units).
type Targeting struct {
	Types []string // org types: "xa", "phuong", "dac-khu"…
	Units []int64
	Due   string // a deadline for these assignments (YYYY-MM-DD or dd/mm/yyyy); "" = the task's
	Idem  db.Idem
}

// Draft is a plan's form: the import's draft corrected by the official.
type Draft struct {
	UnitID       int64
	ParentPlanID int64
	Plan         Plan // header and content, from NewFromDraft and the form's corrections
	Public       bool // an attached body's issuer discloses it to the people (PublicOnSave)
	Idem         db.Idem
}

// HeaderOf is the left header of a plan whose text carried none (a pasted
// body without its header table): the issuing body in capitals and the body
// above it (NĐ 30/2020/NĐ-CP Phụ lục I, Phần I, Mục II, khoản 3). A people's
// committee issues for a province or commune ("ỦY BAN NHÂN DÂN …", nothing
// above since 01/07/2025's two tiers); an agency or section sits under the
// people's committee of its territory ("UBND …") or under the body it belongs
// to; a Party body or the Front under a territorial unit prints no line above.
func HeaderOf(issuer, parent org.Unit) (parentLine, issuerLine string) {
	up := func(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }
	if issuer.Type.Level() != org.Attached {
		return "", "ỦY BAN NHÂN DÂN " + up(issuer.Name)
	}
	switch {
	case parent.ID == 0:
	case parent.Type.Level() == org.Attached:
		parentLine = up(parent.Name)
	case issuer.Type == org.Agency || issuer.Type == org.Section:
		parentLine = "UBND " + up(parent.Name)
	}
	return parentLine, up(issuer.Name)
}

// Territory is the unit below which a plan's tasks may be given and whose
// plans may implement it: the issuer itself when it is a province or commune;
// for a body attached to one — a Party committee, a department, the office of
// the people's committee, the Front, the issuers of the seed documents — the
// province or commune it belongs to, whose communes and bodies carry out its
// plans (Chỉ thị 09-CT/TU asks "các huyện, thành phố" and their bodies).
func Territory(t *org.Tree, issuer int64) int64 {
	u, ok := t.Unit(issuer)
	for ok && u.Type.Level() == org.Attached {
		u, ok = t.Unit(u.ParentID)
	}
	if !ok {
		return issuer
	}
	return u.ID
}

// PublicOnSave says whether a plan is public when it is saved (issued): a
// plan of a people's committee itself — a province's or commune's, the unit
// and not a body attached to it — is a document the commune must disclose to
// the people (LDC 2022 Art 11 items 1 and 14; Art 13(1): on the portal); a
// plan of an attached body (a Party committee, the Ban Cán sự, the Front, the
// office) is public only when its issuer chooses to disclose it (asked).
func PublicOnSave(issuer org.Unit, asked bool) bool {
	if issuer.Type.Level() == org.ProvinceLevel || issuer.Type.Level() == org.CommuneLevel {
		return true
	}
	return issuer.Type.Level() == org.Attached && asked
}

// AsksPublic says whether the form asks the issuer whether to disclose the
// plan (PublicOnSave decides alone for a people's committee); unticked by
// default: no law makes an attached body's plan public.
func AsksPublic(issuer org.Unit) bool { return issuer.Type.Level() == org.Attached }

// Progress is what the public sees of a task's (or a plan's) assignments on
// a day: how many units it went to and how many of them are done, at work on
// time, not started on time, or late (not done past the deadline). The last
// four add up to Assigned; no unit, report or file is in it.
type Progress struct {
	Assigned, Done, InProgress, NotStarted, Late int
}

// Add counts one assignment as it stands on day today.
func (p *Progress) Add(a Assignment, today legal.Date) {
	p.Assigned++
	switch {
	case a.Late(today): // never a fixed-deadline assignment done
		p.Late++
	case a.Status == Done:
		p.Done++
	case a.Status == InProgress:
		p.InProgress++
	default:
		p.NotStarted++
	}
}

// Leads names the units a task's lead body (Task.Lead, as written) may be
// linked to: the units and bodies in force of an issuer's territory
// (Territory: the province or commune itself, its bodies, its communes and
// their bodies; not villages, which lead no task), by name and by short name.
type Leads struct{ byKey map[string][]int64 }

// NewLeads indexes the units of the territory of issuer.
func NewLeads(t *org.Tree, issuer int64) Leads {
	l := Leads{byKey: map[string][]int64{}}
	scope := Territory(t, issuer)
	top, ok := t.Unit(scope)
	if !ok {
		return l
	}
	add := func(k string, id int64) {
		if k != "" && !slices.Contains(l.byKey[k], id) {
			l.byKey[k] = append(l.byKey[k], id)
		}
	}
	for _, u := range append([]org.Unit{top}, t.Descendants(scope)...) {
		if !u.Current() || u.Type.Level() == org.VillageLevel {
			continue
		}
		add(leadKey(u.Name), u.ID)
		if u.ShortName != "" && u.Type.Level() == org.Attached { // a territorial unit's is UBND: every commune's
			add(leadKey(u.ShortName), u.ID)
		}
	}
	return l
}

// Unit is the unit a lead names: the one unit whose name or short name it is,
// folded (case, diacritics, spaces; "UBND" or "Ủy ban nhân dân" before a
// commune's or province's name, and a note in brackets, are left out); 0 when
// none is, or several are (a group, "UBND các xã"; a name two units share):
// the lead then stays text only.
func (l Leads) Unit(lead string) int64 {
	lead = strings.TrimSpace(lead)
	if i := strings.Index(lead, "("); i > 0 {
		lead = lead[:i]
	}
	k := leadKey(lead)
	ids := l.byKey[k]
	for _, p := range []string{"ubnd ", "uy ban nhan dan "} {
		if rest, ok := strings.CutPrefix(k, p); ok && len(ids) == 0 {
			ids = l.byKey[rest]
		}
	}
	if len(ids) != 1 {
		return 0
	}
	return ids[0]
}

var (
	dashes = strings.NewReplacer("–", "-", "—", "-")
	spaced = strings.NewReplacer(" - ", "-", " -", "-", "- ", "-")
)

// leadKey is a name as leads are matched: folded, a dash of any kind with or
// without spaces around it one hyphen, without punctuation at its ends.
func leadKey(s string) string {
	return strings.Trim(spaced.Replace(dashes.Replace(search.Fold(s))), " .,;:-")
}
