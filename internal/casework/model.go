// Package casework is the capability "khiếu nại, tố cáo": complaints (first and
// second instance, Luật Khiếu nại 2011) and denunciations (Luật Tố cáo 2018)
// lodged by citizens or entered by officials, handled on the statutory clocks of
// internal/legal, with the denouncer's identity kept in the vault (Art 47, 56):
// everyone works on a redacted working copy, and reading the identity is a
// permission given by name for one case, asked with a reason and logged.
// Anonymous or unverifiable denunciations are kept apart as information for
// management (Art 25). This file holds the rules, pure.
package casework

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/code"
	"danchu/internal/legal"
	"danchu/internal/search"
)

// Kinds of case.
const (
	Complaint    = "complaint"    // khiếu nại: KNA-…
	Denunciation = "denunciation" // tố cáo: TC-…
	Information  = "information"  // thông tin (đơn nặc danh, mạo danh, không rõ người gửi): TT-… (Luật Tố cáo Art 25)
)

// Kinds lists the kinds in the order forms show them.
var Kinds = []string{Complaint, Denunciation, Information}

// Prefix is the code prefix of a kind.
func Prefix(kind string) string {
	switch kind {
	case Complaint:
		return "KNA"
	case Denunciation:
		return "TC"
	}
	return "TT"
}

// ParseCode reads a case code as a person typed it, of any kind.
func ParseCode(typed string) (string, bool) {
	for _, k := range Kinds {
		if c, ok := code.Parse(typed, Prefix(k)); ok {
			return c, true
		}
	}
	return "", false
}

// Channels a case arrives by.
const (
	ByWeb       = "web"       // lodged by a signed-in citizen
	ByPost      = "post"      // by post
	ByDesk      = "desk"      // at the reception desk (tiếp công dân)
	ByForwarded = "forwarded" // forwarded by another body
	ByFeedback  = "feedback"  // a feedback item converted
)

// Channels lists the channels an official may enter.
var Channels = []string{ByPost, ByDesk, ByForwarded}

// Statuses of a case.
const (
	Received    = "received"    // tiếp nhận: initial processing runs
	Accepted    = "accepted"    // thụ lý: resolution runs
	Suspended   = "suspended"   // tạm đình chỉ: the clock is paused
	Decided     = "decided"     // complaint: decision issued (sent within 3 working days)
	Concluded   = "concluded"   // denunciation: conclusion issued (published within 7 working days)
	Published   = "published"   // denunciation: conclusion published; final
	Refused     = "refused"     // không thụ lý, with its reason; final
	Transferred = "transferred" // chuyển đến cơ quan có thẩm quyền; final here
	Withdrawn   = "withdrawn"   // rút đơn; final
	Checked     = "checked"     // information: checked for management; final
	Archived    = "archived"    // information: kept, nothing to check; final
	Sent        = "sent"        // complaint: decision sent to the parties; final at this instance
)

// Steps an official takes on a case.
const (
	DoAccept   = "accept"
	DoRefuse   = "refuse"
	DoTransfer = "transfer"
	DoExtend   = "extend"
	DoSuspend  = "suspend"
	DoResume   = "resume"
	DoWithdraw = "withdraw"
	DoDialogue = "dialogue"
	DoNotice   = "dialogue_notice" // complaint: the dialogue's notice, with its planned day
	DoDecide   = "decide"          // complaint: the decision
	DoSend     = "send"            // complaint: the decision sent to the parties
	DoConclude = "conclude"        // denunciation: the conclusion
	DoPublish  = "publish"         // the conclusion, or a second-instance decision, published
	DoCheck    = "check"           // information: checked
	DoArchive  = "archive"         // information: kept only
)

// StatusRule is a row of the status table.
type StatusRule struct {
	Name  string
	Label string
	Open  bool     // the handler still has to act (home, lists, due dates)
	Steps []string // the steps allowed from it, by kind (stepAllowed)
}

// Statuses is the status table, in the order lists give them.
var Statuses = []StatusRule{
	{Received, "Đã tiếp nhận", true, []string{DoAccept, DoRefuse, DoTransfer, DoWithdraw, DoCheck, DoArchive}},
	{Accepted, "Đã thụ lý", true, []string{DoExtend, DoSuspend, DoWithdraw, DoNotice, DoDialogue, DoDecide, DoConclude}},
	{Suspended, "Tạm đình chỉ", true, []string{DoResume, DoWithdraw}},
	{Decided, "Đã có quyết định giải quyết", true, []string{DoSend}},
	{Concluded, "Đã có kết luận", true, []string{DoPublish}},
	{Published, "Đã công khai kết luận", false, nil},
	{Refused, "Không thụ lý", false, nil},
	{Transferred, "Đã chuyển cơ quan có thẩm quyền", false, nil},
	{Withdrawn, "Đã rút đơn", false, nil},
	{Checked, "Đã kiểm tra, xử lý thông tin", false, nil},
	{Archived, "Đã lưu, không có căn cứ kiểm tra", false, nil},
	// A complaint's decision that went to the parties: no longer open (the
	// window of a second complaint runs).
	// A second instance's decision is then published (Steps).
	{Sent, "Đã gửi quyết định giải quyết", false, []string{DoPublish}},
}

var statusRules = func() map[string]StatusRule {
	m := map[string]StatusRule{}
	for _, r := range Statuses {
		m[r.Name] = r
	}
	return m
}()

// StatusLabel is the status's Vietnamese name.
func StatusLabel(s string) string { return statusRules[s].Label }

// OpenStatuses are the statuses the handler still acts on, as an SQL list
// (constants only).
func OpenStatuses() string {
	var q []string
	for _, r := range Statuses {
		if r.Open {
			q = append(q, "'"+r.Name+"'")
		}
	}
	return "(" + strings.Join(q, ", ") + ")"
}

// IsOpen reports whether status is open.
func IsOpen(status string) bool { return statusRules[status].Open }

// kindSteps are the steps of each kind.
var kindSteps = map[string][]string{
	Complaint:    {DoAccept, DoRefuse, DoTransfer, DoSuspend, DoResume, DoWithdraw, DoNotice, DoDialogue, DoDecide, DoSend, DoPublish},
	Denunciation: {DoAccept, DoRefuse, DoTransfer, DoExtend, DoSuspend, DoResume, DoWithdraw, DoConclude, DoPublish},
	Information:  {DoCheck, DoArchive, DoTransfer},
}

// Steps are the steps allowed on a case of kind and instance in status (its
// page's forms). Only a second instance's complaint decision is published
// (Luật Khiếu nại 2011 Art 41 as amended).
func Steps(kind string, instance int, status string, extensions int) []string {
	var out []string
	for _, s := range statusRules[status].Steps {
		if !slices.Contains(kindSteps[kind], s) || (s == DoPublish && kind == Complaint && instance != 2) {
			continue
		}
		if s == DoExtend && extensions >= MaxExtensions {
			continue
		}
		out = append(out, s)
	}
	return out
}

// stepTo is the status each step leads to ("" : the status stays).
var stepTo = map[string]string{
	DoAccept: Accepted, DoRefuse: Refused, DoTransfer: Transferred, DoSuspend: Suspended, DoResume: Accepted,
	DoWithdraw: Withdrawn, DoDecide: Decided, DoSend: Sent, DoConclude: Concluded, DoPublish: Published,
	DoCheck: Checked, DoArchive: Archived,
}

// CheckStep refuses a step the kind or the status does not allow, saying what
// the case can do now.
func CheckStep(kind string, instance int, status, step string, extensions int) error {
	if slices.Contains(Steps(kind, instance, status, extensions), step) {
		return nil
	}
	if step == DoExtend && extensions >= MaxExtensions {
		return apperr.New(apperr.CodeConflict, "casework.err.extensions_max", MaxExtensions)
	}
	return apperr.New(apperr.CodeConflict, "casework.err.step_not_allowed", StepLabel(step), StatusLabel(status))
}

// StepLabels name the steps.
var stepLabels = map[string]string{
	DoAccept: "Thụ lý", DoRefuse: "Không thụ lý", DoTransfer: "Chuyển cơ quan có thẩm quyền", DoExtend: "Gia hạn giải quyết",
	DoSuspend: "Tạm đình chỉ", DoResume: "Tiếp tục giải quyết", DoWithdraw: "Rút đơn", DoDialogue: "Đối thoại", DoNotice: "Thông báo đối thoại",
	DoDecide: "Quyết định giải quyết", DoSend: "Gửi quyết định", DoConclude: "Kết luận nội dung tố cáo",
	DoPublish: "Công khai", DoCheck: "Kiểm tra, xử lý thông tin", DoArchive: "Lưu, không kiểm tra",
	"received": "Tiếp nhận", "redacted": "Xác nhận bản làm việc đã che thông tin", "vault_grant": "Giao quyền xem danh tính",
	"verifier": "Giao người xác minh", "flags": "Đổi tính chất vụ việc",
}

// StepLabel is the step's Vietnamese name.
func StepLabel(s string) string {
	if l, ok := stepLabels[s]; ok {
		return l
	}
	return s
}

// MaxPlannedDays is how far ahead a dialogue may be planned.
const MaxPlannedDays = 180

// MaxExtensions is how often a denunciation's resolution may be extended:
// once for a complex case, twice for an especially complex one (Luật Tố cáo
// 2018 Art 30).
const MaxExtensions = 2

// needsReason are the steps that need a written reason (the decision's
// grounds): refusing (LKN Art 27, LTC Art 29), extending (LTC Art 30),
// suspending and resuming (LKN Art 11a as amended, LTC Art 31), transferring
// (LTC Art 24(2)), withdrawal (the request's content).
var needsReason = []string{DoRefuse, DoExtend, DoSuspend, DoResume, DoTransfer, DoWithdraw}

// needsDecision are the steps that are a decision with its number and date.
var needsDecision = []string{DoAccept, DoExtend, DoSuspend, DoResume, DoDecide, DoConclude}

// Limits of the texts.
const (
	MaxSubject = 300
	MaxBody    = 20000
	MaxReason  = 4000
	MaxName    = 200
	MaxAddress = 300
	MaxIDNo    = 20
	MaxField   = 100
	MaxNumber  = 60
	MaxMarks   = 50
	MaxFiles   = 10
	// MassFrom is how many people make a case "đông người" (5: TT 06/2014 as
	// commonly read — UNCONFIRMED, Settings.MassFrom overrides it).
	MassFrom = 5
)

// Fields are the subject areas (lĩnh vực) statistics group by.
var Fields = []string{"Đất đai", "Nhà ở, xây dựng", "Chính sách, chế độ", "Tài chính, ngân sách", "Tư pháp", "Tổ chức, cán bộ", "Môi trường", "Khác"}

// Identity is who lodged a case: what the vault keeps (Luật Tố cáo Art 47(1)(b)).
type Identity struct {
	Name      string `json:"name"`
	IDNumber  string `json:"id_number,omitempty"`
	Address   string `json:"address"`
	Phone     string `json:"phone,omitempty"`
	Email     string `json:"email,omitempty"`
	AccountID int64  `json:"account,omitempty"` // the citizen account that lodged it (web)
}

// Strings are the identity's texts that must not appear in a working copy.
func (id Identity) Strings() []string {
	var out []string
	for _, s := range []string{id.Name, id.IDNumber, id.Address, id.Phone, id.Email} {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Draft is a case as lodged or entered.
type Draft struct {
	Kind     string
	UnitID   int64
	Channel  string
	Source   string // forwarded by whom, or the desk's note
	Subject  string
	Body     string
	Field    string
	People   int
	Received legal.Date // the day it arrived (web: today)
	// Complaints: the day the complainant received or knew of the decision or
	// act, and time an obstacle kept them from complaining (LKN Art 9).
	KnownOn        legal.Date
	ObstacleDays   int
	ObstacleReason string
	FirstCode      string // a second complaint: the first case's code
	Identity       Identity
	Anonymous      bool  // entered by an official: no verifiable sender (Art 25)
	FeedbackID     int64 // entered from a feedback item (Service.Enter)
	// Origin, when set, is what the case comes from in another room (a
	// reception entry's key): the case is opened once for it, whoever
	// enters it (Service.Enter).
	Origin string
}

// problems collects what is wrong with a form, a message per field (the first
// one found for each).
type problems map[string]apperr.Msg

func (p problems) add(field string, m apperr.Msg) {
	if _, ok := p[field]; !ok {
		p[field] = m
	}
}

func (p problems) tooLong(field, s string, max int) {
	if n := utf8.RuneCountInString(s); n > max {
		p.add(field, apperr.M("casework.err.too_long", n, max))
	}
}

func (p problems) required(field, s string) {
	if strings.TrimSpace(s) == "" {
		p.add(field, apperr.M("casework.err.required"))
	}
}

func (p problems) oneLine(field, s string) {
	if strings.ContainsAny(s, "\r\n") {
		p.add(field, apperr.M("casework.err.one_line"))
	}
}

// err is the form's error e with the fields' messages (nil when nothing is wrong).
func (p problems) err(e *apperr.Error) error {
	if len(p) == 0 {
		return nil
	}
	return e.WithFields(p)
}

// Check refuses a draft that lacks what the law asks of a petition: a
// complaint and a denunciation name the person and their address (LKN Art 8,
// LTC Art 23); a denunciation without them is information (Art 25).
func (d Draft) Check(today legal.Date) (Draft, error) {
	d.Subject, d.Body, d.Field, d.Source = strings.TrimSpace(d.Subject), strings.TrimSpace(d.Body), strings.TrimSpace(d.Field), strings.TrimSpace(d.Source)
	id := &d.Identity
	id.Name, id.IDNumber, id.Address = strings.TrimSpace(id.Name), strings.TrimSpace(id.IDNumber), strings.TrimSpace(id.Address)
	id.Phone, id.Email = strings.TrimSpace(id.Phone), strings.ToLower(strings.TrimSpace(id.Email))
	p := problems{}
	if d.Anonymous {
		d.Kind = Information
	}
	if !slices.Contains(Kinds, d.Kind) {
		p.add("kind", apperr.M("casework.err.kind"))
	}
	p.required("subject", d.Subject)
	p.oneLine("subject", d.Subject)
	p.tooLong("subject", d.Subject, MaxSubject)
	p.required("body", d.Body)
	p.tooLong("body", d.Body, MaxBody)
	p.tooLong("source", d.Source, MaxSubject)
	if d.Field != "" && !slices.Contains(Fields, d.Field) {
		p.add("field", apperr.M("casework.err.field"))
	}
	if d.People < 1 {
		d.People = 1
	}
	if d.People > 100000 {
		p.add("people", apperr.M("casework.err.people"))
	}
	if d.Received.IsZero() {
		d.Received = today
	}
	if today.Before(d.Received) {
		p.add("received", apperr.M("casework.err.future"))
	}
	if d.Kind == Information {
		d.Identity = Identity{} // Art 25: no sender is handled; whatever the letter claims stays in its text
	} else {
		p.required("name", id.Name)
		p.required("address", id.Address)
	}
	for f, v := range map[string]string{"name": id.Name, "address": id.Address, "id_number": id.IDNumber, "phone": id.Phone, "email": id.Email} {
		p.oneLine(f, v)
	}
	p.tooLong("name", id.Name, MaxName)
	p.tooLong("address", id.Address, MaxAddress)
	if id.IDNumber != "" && !digits(id.IDNumber, 9, 12) {
		p.add("id_number", apperr.M("casework.err.id_number"))
	}
	if id.Phone != "" && !phone(id.Phone) {
		p.add("phone", apperr.M("casework.err.phone"))
	}
	if id.Email != "" {
		if a, err := mail.ParseAddress(id.Email); err != nil || a.Address != id.Email || len(id.Email) > 200 {
			p.add("email", apperr.M("casework.err.email"))
		}
	}
	if d.Kind == Complaint {
		if d.KnownOn.IsZero() {
			p.add("known_on", apperr.M("casework.err.known_on"))
		} else if d.Received.Before(d.KnownOn) {
			p.add("known_on", apperr.M("casework.err.known_after"))
		}
		if d.ObstacleDays < 0 || d.ObstacleDays > 3650 {
			p.add("obstacle_days", apperr.M("casework.err.obstacle_days"))
		}
		d.ObstacleReason = strings.TrimSpace(d.ObstacleReason)
		if d.ObstacleDays > 0 {
			p.required("obstacle_reason", d.ObstacleReason)
		}
		p.tooLong("obstacle_reason", d.ObstacleReason, MaxReason)
	} else {
		d.KnownOn, d.ObstacleDays, d.ObstacleReason, d.FirstCode = legal.Date{}, 0, "", ""
	}
	return d, p.err(apperr.New(apperr.CodeInvalid, "casework.err.draft_invalid"))
}

func digits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func phone(s string) bool {
	n := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n++
		case r == ' ' || r == '.' || r == '-':
		case r == '+' && i == 0:
		default:
			return false
		}
	}
	return n >= 8 && n <= 15
}

// FilingLimit is the clock of a complaint's filing: 90 days from the day the
// complainant knew of the act, the obstacle time not counted (LKN Art 9).
func FilingLimit(cat *legal.Catalogue, cal *legal.Calendar, known legal.Date, obstacleDays int) (legal.Result, error) {
	res, err := cat.Compute(cal, "complaint.file", known.AddDays(obstacleDays), legal.Options{})
	if err != nil {
		return res, err
	}
	if obstacleDays > 0 {
		res.Lines = append(res.Lines, fmt.Sprintf("Không tính %d ngày có trở ngại khách quan (Luật Khiếu nại 2011 Điều 9).", obstacleDays))
	}
	return res, nil
}

// Case is a case as its handlers see it: the working copy, never the identity.
type Case struct {
	ID             int64
	Code           string
	Kind           string
	Instance       int // complaints: 1 or 2
	FirstID        int64
	UnitID         int64
	Channel        string
	Source         string
	FeedbackID     int64
	Subject        string // the working copy's
	Body           string // the working copy's
	Field          string
	People         int
	Status         string
	Received       legal.Date
	KnownOn        legal.Date
	ObstacleDays   int
	ObstacleReason string
	Complex        bool
	Remote         bool
	MultiSite      bool
	Extensions     int
	AcceptedOn     legal.Date
	PausedOn       legal.Date // the current suspension's first day
	PausedDays     int        // days suspended before, not counted
	DecidedOn      legal.Date
	Due            legal.Date // the running clock's last day (zero: none)
	Clock          string     // the running clock's rule
	Redacted       bool       // the receiving official confirmed the working copy
	Late           bool       // a step was taken after its clock ran out
	OutOfTime      bool       // a complaint lodged after its filing limit
	Version        int
	CreatedAt      int64
	UpdatedAt      int64
	UnitName       string
}

// KindLabel names the kind.
func KindLabel(k string) string {
	switch k {
	case Complaint:
		return "Khiếu nại"
	case Denunciation:
		return "Tố cáo"
	}
	return "Thông tin (không rõ người gửi)"
}

// Mass reports whether the case is "đông người" under threshold from.
func (c Case) Mass(from int) bool { return c.People >= from }

// Options are the circumstances of the case for its clocks.
func (c Case) Options(rule string) legal.Options {
	var o legal.Options
	switch rule {
	case "complaint.first", "complaint.second":
		o.Complex, o.Remote = c.Complex, c.Remote
	case "complaint.second.file":
		o.Remote = c.Remote
	case "denunciation.accept":
		o.MultiSite = c.MultiSite
	case "denunciation.resolve":
		o.Extensions = c.Extensions
	}
	return o
}

// RunningClock is the rule and start of the clock that runs in the case's
// status (ok false: none runs — suspended, or final).
func (c Case) RunningClock() (rule string, from legal.Date, ok bool) {
	switch c.Status {
	case Received:
		switch c.Kind {
		case Complaint:
			if c.Instance == 2 {
				return "complaint.second.accept", c.Received, true
			}
			return "complaint.accept", c.Received, true
		case Denunciation:
			return "denunciation.accept", c.Received, true
		}
	case Accepted:
		// The days suspended are not counted (LKN Art 11a as amended; LTC Art 31).
		from := c.AcceptedOn.AddDays(c.PausedDays)
		switch c.Kind {
		case Complaint:
			if c.Instance == 2 {
				return "complaint.second", from, true
			}
			return "complaint.first", from, true
		case Denunciation:
			return "denunciation.resolve", from, true
		}
	case Decided:
		return "complaint.send", c.DecidedOn, true
	case Concluded:
		return "denunciation.publish", c.DecidedOn, true
	}
	return "", legal.Date{}, false
}

// Clock is a statutory clock as the case page shows it.
type Clock struct {
	Rule      string
	Name      string
	Article   string
	From      legal.Date
	Due       legal.Date
	Left      int // days from today to Due (negative: late)
	DaysOff   int // days off between From and Due that the count skipped or ended after
	Lines     []string
	Running   bool
	PausedFor int
}

// ComputeClock computes the clock rule from from for the case, as of today.
func ComputeClock(cat *legal.Catalogue, cal *legal.Calendar, c Case, rule string, from, today legal.Date) (Clock, error) {
	res, err := cat.Compute(cal, rule, from, c.Options(rule))
	if err != nil {
		return Clock{}, err
	}
	k := Clock{Rule: rule, Name: res.Rule.Name, Article: res.Rule.Article, From: from, Due: res.Due, Lines: res.Lines,
		Left: today.DaysUntil(res.Due)}
	for d := from.AddDays(1); !res.Due.Before(d); d = d.AddDays(1) {
		if !cal.IsWorkingDay(d) {
			k.DaysOff++
		}
	}
	return k, nil
}

// Clocks are the case's clocks: the running one first, then those that
// matter for what comes next (a complaint's filing limit, the window of a
// second complaint after a first decision).
func Clocks(cat *legal.Catalogue, cal *legal.Calendar, c Case, today legal.Date) ([]Clock, error) {
	var out []Clock
	if rule, from, ok := c.RunningClock(); ok {
		k, err := ComputeClock(cat, cal, c, rule, from, today)
		if err != nil {
			return nil, err
		}
		k.Running, k.PausedFor = true, c.PausedDays
		if c.PausedDays > 0 {
			k.Lines = append(k.Lines, fmt.Sprintf("Không tính %d ngày tạm đình chỉ.", c.PausedDays))
		}
		out = append(out, k)
	}
	if c.Kind == Complaint && c.Instance == 1 && (c.Status == Sent || c.Status == Decided) && !c.DecidedOn.IsZero() {
		k, err := ComputeClock(cat, cal, c, "complaint.second.file", c.DecidedOn, today)
		if err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	if c.Kind == Complaint && !c.KnownOn.IsZero() {
		res, err := FilingLimit(cat, cal, c.KnownOn, c.ObstacleDays)
		if err != nil {
			return nil, err
		}
		out = append(out, Clock{Rule: "complaint.file", Name: res.Rule.Name, Article: res.Rule.Article, From: c.KnownOn, Due: res.Due,
			Lines: res.Lines, Left: c.Received.DaysUntil(res.Due)})
	}
	return out, nil
}

// StepDraft is what an official submits for a step.
type StepDraft struct {
	Step    string
	On      legal.Date // the decision's or the act's day
	Number  string     // the decision's number and symbol
	Reason  string
	To      string     // transfer: the competent body
	Planned legal.Date // a dialogue's notice: the day of the dialogue
	Version int
	// flags set on acceptance (or changed while accepted)
	Complex, Remote, MultiSite bool
}

// CheckStepDraft refuses a step without what it needs: a reason where the law
// asks for one, a decision's number where it is a decision, a day not in the
// future and not before the case arrived.
func CheckStepDraft(d StepDraft, c Case, today legal.Date) (StepDraft, error) {
	d.Reason, d.Number, d.To = strings.TrimSpace(d.Reason), strings.TrimSpace(d.Number), strings.TrimSpace(d.To)
	p := problems{}
	if d.On.IsZero() {
		d.On = today
	}
	if today.Before(d.On) {
		p.add("on", apperr.M("casework.err.step_future"))
	}
	if d.On.Before(c.Received) {
		p.add("on", apperr.M("casework.err.step_before", c.Received.VN()))
	}
	if slices.Contains(needsReason, d.Step) && d.Reason == "" {
		p.add("reason", apperr.M("casework.err.reason_required"))
	}
	if slices.Contains(needsDecision, d.Step) && d.Number == "" {
		p.add("number", apperr.M("casework.err.number_required"))
	}
	if d.Step == DoNotice {
		switch {
		case d.Planned.IsZero():
			p.add("planned", apperr.M("casework.err.planned_required"))
		case !d.On.Before(d.Planned):
			p.add("planned", apperr.M("casework.err.planned_after", d.On.VN()))
		case d.On.AddDays(MaxPlannedDays).Before(d.Planned):
			p.add("planned", apperr.M("casework.err.planned_far", MaxPlannedDays))
		}
	}
	if d.Step == DoPublish && d.Reason == "" {
		p.add("reason", apperr.M("casework.err.publish_text"))
	}
	if d.Step == DoTransfer && d.To == "" {
		p.add("to", apperr.M("casework.err.to_required"))
	}
	if d.Step == DoResume && !c.PausedOn.IsZero() && d.On.Before(c.PausedOn) {
		p.add("on", apperr.M("casework.err.resume_before", c.PausedOn.VN()))
	}
	if (d.Step == DoDecide || d.Step == DoConclude || d.Step == DoExtend || d.Step == DoSuspend) && !c.AcceptedOn.IsZero() && d.On.Before(c.AcceptedOn) {
		p.add("on", apperr.M("casework.err.step_before", c.AcceptedOn.VN()))
	}
	if d.Step == DoPublish {
		p.tooLong("reason", d.Reason, MaxBody)
	} else {
		p.tooLong("reason", d.Reason, MaxReason)
	}
	p.tooLong("number", d.Number, MaxNumber)
	p.oneLine("number", d.Number)
	p.tooLong("to", d.To, MaxSubject)
	return d, p.err(apperr.New(apperr.CodeInvalid, "casework.err.step_invalid"))
}

// Redact returns text with every mark (and every identity string) replaced by
// a block, matched without regard to case, diacritics or how the words are
// spaced: "Nguyễn Văn A" also hides "NGUYEN VAN A", "Nguyễn  Văn\u00a0A" across
// a line break and the same name typed in decomposed Unicode (NFD). Marks are
// phrases, one a line.
func Redact(text string, marks []string) string {
	var ms [][]rune
	for _, m := range marks {
		f := []rune(search.Fold(strings.TrimSpace(m)))
		if len(f) >= 2 {
			ms = append(ms, f)
		}
	}
	if len(ms) == 0 {
		return text
	}
	// Longest first, so a mark inside a longer one leaves no tail.
	slices.SortFunc(ms, func(a, b []rune) int { return len(b) - len(a) })
	src := []rune(text)
	// The text folded as the marks are, each folded rune pointing at the
	// text's rune it comes from: a run of spaces is one space, a combining
	// mark folds away (it goes with its letter).
	folded := make([]rune, 0, len(src))
	at := make([]int, 0, len(src))
	for i, r := range src {
		if unicode.IsSpace(r) {
			if n := len(folded); n > 0 && folded[n-1] == ' ' {
				continue
			}
			folded, at = append(folded, ' '), append(at, i)
			continue
		}
		f := []rune(search.Fold(string(r)))
		switch len(f) {
		case 0: // a combining mark
			continue
		case 1:
			folded = append(folded, f[0])
		default:
			folded = append(folded, unicode.ToLower(r))
		}
		at = append(at, i)
	}
	hide := make([]bool, len(src))
	for _, m := range ms {
		for k := 0; k+len(m) <= len(folded); k++ {
			if !slices.Equal(folded[k:k+len(m)], m) {
				continue
			}
			end := at[k+len(m)-1]
			for end+1 < len(src) && unicode.Is(unicode.Mn, src[end+1]) { // the last letter's marks
				end++
			}
			for j := at[k]; j <= end; j++ {
				hide[j] = true
			}
		}
	}
	var b strings.Builder
	for i, r := range src {
		switch {
		case !hide[i]:
			b.WriteRune(r)
		case i == 0 || !hide[i-1]:
			b.WriteString(Block)
		}
	}
	return b.String()
}

// Block stands for redacted text in a working copy.
const Block = "[đã che]"

// ParseMarks reads the marks an official typed: one phrase a line.
func ParseMarks(s string) ([]string, error) {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if utf8.RuneCountInString(l) > MaxSubject {
				return nil, apperr.New(apperr.CodeInvalid, "casework.err.mark_long", MaxSubject).Mark("marks")
			}
			out = append(out, l)
		}
	}
	if len(out) > MaxMarks {
		return nil, apperr.New(apperr.CodeInvalid, "casework.err.marks_many", MaxMarks).Mark("marks")
	}
	return out, nil
}

// CompetentBody names who resolves a case at a unit: the chair of its
// people's committee (LKN Arts 17–18, LTC Arts 13–14).
func CompetentBody(unitName string) string {
	return "Chủ tịch Ủy ban nhân dân " + unitName
}

// Publication is what a case made public: a second-instance complaint
// decision (Luật Khiếu nại 2011 Art 41 as amended: posted at least 15 days,
// rule complaint.posting) or a denunciation's conclusion (Luật Tố cáo 2018
// Art 40), in the words the official wrote for the public, which name no
// party's identity (Service.Act refuses a text that holds the lodger's).
type Publication struct {
	ID          int64
	CaseID      int64
	UnitID      int64
	Kind        string
	Number      string
	DecidedOn   legal.Date
	PublishedOn legal.Date
	Until       legal.Date // the least day it stays posted (zero: no minimum)
	Field       string
	Summary     string
	CreatedAt   int64
	UnitName    string
}

// Title is the publication's heading.
func (p Publication) Title() string {
	if p.Kind == Complaint {
		return "Quyết định giải quyết khiếu nại lần hai số " + p.Number
	}
	return "Kết luận nội dung tố cáo số " + p.Number
}

// Reveals reports whether a text meant for the public names the lodger or
// points at the case (Luật Tố cáo 2018 Art 47): any of the identity's
// strings, the case's code or the feedback item it came from, compared
// folded (no diacritics or case, any run of spaces as one, NFD or NFC
// alike); the ID number and the phone also by their digits, however they are
// spaced or dotted ("001 085 012 345", "0912.000.103", "+84 912 000 103").
func Reveals(text string, id Identity, c Case) bool {
	folded := search.Fold(text)
	marks := append(id.Strings(), c.Code)
	if c.Channel == ByFeedback {
		if f := strings.Fields(c.Source); len(f) > 0 {
			marks = append(marks, f[len(f)-1]) // "Phản ánh, kiến nghị PA-…"
		}
	}
	for _, m := range marks {
		if m = search.Fold(m); len([]rune(m)) >= 2 && containsWord(folded, m) {
			return true
		}
	}
	runs := numberRuns(text)
	for _, n := range []string{id.IDNumber, id.Phone} {
		d := phoneDigits(n)
		if len(d) < 6 {
			continue
		}
		for _, r := range runs {
			if strings.Contains(r, d) {
				return true
			}
		}
	}
	return false
}

// containsWord reports whether m stands in text as whole words: not inside
// a longer word ("an" is not in "toan").
func containsWord(text, m string) bool {
	for i := 0; ; {
		j := strings.Index(text[i:], m)
		if j < 0 {
			return false
		}
		j += i
		before, _ := utf8.DecodeLastRuneInString(text[:j])
		after, _ := utf8.DecodeRuneInString(text[j+len(m):])
		if !isWordRune(before) && !isWordRune(after) {
			return true
		}
		_, size := utf8.DecodeRuneInString(text[j:])
		i = j + size
	}
}

func isWordRune(r rune) bool {
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// numberRuns are the numbers written in text, each as its digits: digits
// with the spaces, dots, dashes, brackets and plus signs between them.
func numberRuns(text string) []string {
	var runs []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			runs = append(runs, phoneDigits(b.String()))
			b.Reset()
		}
	}
	for _, r := range text {
		switch {
		case r >= '0' && r <= '9', r == '+':
			b.WriteRune(r)
		case unicode.IsSpace(r) || strings.ContainsRune(".-()/", r):
			if b.Len() > 0 {
				b.WriteRune(r)
			}
		default:
			flush()
		}
	}
	flush()
	return runs
}

// phoneDigits is a number's digits, a leading +84 (Viet Nam) written as 0.
func phoneDigits(s string) string {
	s = strings.TrimSpace(s)
	intl := strings.HasPrefix(s, "+84")
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	d := b.String()
	if intl {
		d = "0" + strings.TrimPrefix(d, "84")
	}
	return d
}
