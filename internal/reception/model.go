// Package reception is citizen reception (tiếp công dân): the leaders who must
// receive citizens and their schedules against the legal minimum, the
// sessions (planned, held, moved with a public notice, missed), booking a
// slot with a confirmation code, walk-ins, the reception book (Luật Tiếp công
// dân 2013 Art 25(2)) and the answer within 10 working days (Art 28) whose
// outcome opens the complaint, denunciation or feedback case.
package reception

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/code"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Page is the room's back-office address under its unit's
// (/quan-tri/don-vi/{unit}/tiep-cong-dan); PublicPage the public one under a
// commune's or province's (/xa/{code}/tiep-cong-dan).
const (
	Page       = "tiep-cong-dan"
	PublicPage = "tiep-cong-dan"
)

// Statuses of a session.
const (
	Planned = "planned" // announced
	Held    = "held"    // the leader received citizens that day
	Moved   = "moved"   // moved to another day, with a public notice; the new day is a session of its own
	Missed  = "missed"  // not held and not moved
)

// Statuses of a booking.
const (
	Booked    = "booked"
	Cancelled = "cancelled"
	Received  = "received" // the visit is in the book
)

// Kinds of what a citizen brings (Luật Tiếp công dân Art 25(2); Art 28).
const (
	Complaint    = "complaint"    // khiếu nại
	Denunciation = "denunciation" // tố cáo
	Proposal     = "petition"     // kiến nghị, phản ánh
	Other        = "other"        // trình bày, hỏi: nothing to resolve
	Mixed        = "mixed"        // a petition mixing complaint and denunciation: split into two entries
)

// Kinds lists the kinds an entry of the book may have (Mixed is split).
var Kinds = []string{Complaint, Denunciation, Proposal, Other}

// Outcomes of the answer a citizen gets within 10 working days (Art 28).
const (
	Accepted    = "accepted"    // thụ lý: the case is opened
	Verify      = "verify"      // cần xác minh thêm: the case is opened, its first step verifies
	Refused     = "refused"     // không thụ lý, with the reason
	Transferred = "transferred" // chuyển đến cơ quan có thẩm quyền, named
)

// Opening marks an entry whose answer is opening its case (the claim that
// lets one answer open it).
const Opening = "opening"

// Outcomes lists them.
var Outcomes = []string{Accepted, Verify, Refused, Transferred}

// Opens reports whether an outcome opens a case of the visit's kind in danchu.
func Opens(kind, outcome string) bool {
	return (outcome == Accepted || outcome == Verify) && kind != Other
}

// MassFrom is how many people make a visit "đông người" (5, as casework:
// Thông tư 06/2014 as commonly read — UNCONFIRMED, configuration).
const MassFrom = 5

// Limits of the forms.
const (
	MaxSlots  = 200
	MaxPeople = 1000
	maxText   = 4000
	maxLine   = 200
)

// RolesFor are the leaders a unit of type t may schedule (legal.ReceptionMinimums).
func RolesFor(t org.Type) []string {
	switch t.Level() {
	case org.ProvinceLevel:
		return []string{"chair.province", "party.province"}
	case org.CommuneLevel:
		return []string{"chair.commune", "party.commune"}
	case org.Attached:
		if t == org.Agency {
			return []string{"agency.head"}
		}
	}
	return nil
}

// Office is where and when a unit receives citizens (Art 11: the reception
// office's address and hours are public).
type Office struct {
	UnitID         int64
	Address, Hours string
	Phone          string
	UpdatedAt      int64
}

// Leader is someone who must receive citizens on a schedule.
type Leader struct {
	ID, UnitID  int64
	Role        string // a legal.ReceptionMinimum role
	Name, Title string
	Active      bool
	CreatedAt   int64
}

// Minimum is the leader's legal minimum.
func (l Leader) Minimum() legal.ReceptionMinimum {
	m, _ := legal.ReceptionMinimumOf(l.Role)
	return m
}

// Session is a reception day (or half day) of a leader.
type Session struct {
	ID, UnitID, LeaderID int64
	Day                  legal.Date
	Starts, Ends         string // HH:MM, Vietnam's clock
	Place                string
	VideoURL             string // online reception (Law 2025 amendment; configuration)
	Slots, Booked        int
	Status               string
	MovedTo              int64 // a moved session's new one
	Notice               string
	CreatedAt, UpdatedAt int64
	Version              int

	LeaderName, LeaderTitle string // filled by the reads
}

// Start is the moment the session begins.
func (s Session) Start() time.Time { return at(s.Day, s.Starts) }

// End is the moment it ends.
func (s Session) End() time.Time { return at(s.Day, s.Ends) }

// Free is how many slots are left.
func (s Session) Free() int { return max(s.Slots-s.Booked, 0) }

// Counts reports whether the session counts toward the minimum: planned or held.
func (s Session) Counts() bool { return s.Status == Planned || s.Status == Held }

var vietnam = time.FixedZone("ICT", 7*3600)

func at(d legal.Date, hm string) time.Time {
	t, err := time.Parse("15:04", hm)
	if err != nil {
		return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, vietnam)
	}
	return time.Date(d.Year, d.Month, d.Day, t.Hour(), t.Minute(), 0, 0, vietnam)
}

// Bookable reports whether a citizen may still book the session at now:
// planned and not yet begun.
func (s Session) Bookable(now time.Time) bool {
	return s.Status == Planned && now.Before(s.Start())
}

// Booking is a citizen's slot in a session.
type Booking struct {
	ID, SessionID, UnitID int64
	Code                  string
	Name, Phone, Topic    string
	People                int
	Status                string
	Reminded              bool
	AccountID             int64
	CreatedAt             int64
}

// Visit is an entry of the reception book (Art 25(2)): its number in the
// unit's book of the year, the day, who came, what they bring, how it was
// handled before, what they ask and what was done; then the answer.
type Visit struct {
	ID, UnitID              int64
	Year, Number            int
	Day                     legal.Date
	SessionID, BookingID    int64
	ParentID                int64 // the first half of a split petition
	Code                    string
	Name, Address, Phone    string
	People                  int
	Mass                    bool
	Kind                    string
	Content, Earlier        string
	Request, Done           string
	Due                     legal.Date // the last day of the answer (reception.answer)
	Outcome, OutcomeNote    string
	TransferredTo           string
	AnsweredOn              legal.Date
	CaseCode, CaseURL       string
	Sealed                  bool // a denunciation's identity went into the case's vault
	CreatedBy               int64
	CreatedAt, UpdatedAt    int64
	Version                 int
	LeaderName, SessionDate string // filled by the page
}

// Answered reports whether the citizen was told the outcome.
func (v Visit) Answered() bool { return v.Outcome != "" && v.Outcome != Opening }

// Late reports whether the answer is (or was) past its last day.
func (v Visit) Late(today legal.Date) bool {
	if v.Answered() {
		return v.Due.Before(v.AnsweredOn)
	}
	return v.Due.Before(today)
}

// OfficeDraft is the office's form.
type OfficeDraft struct{ Address, Hours, Phone string }

// Check trims and checks it.
func (d OfficeDraft) Check() (OfficeDraft, error) {
	p := web.Problems{}
	d.Address = p.Text("address", d.Address, 500, true)
	d.Hours = p.Text("hours", d.Hours, 1000, true)
	d.Phone = p.Text("phone", d.Phone, 50, false)
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.office_invalid"))
}

// LeaderDraft is a leader's form.
type LeaderDraft struct{ Role, Name, Title string }

// Check checks it for a unit of type t.
func (d LeaderDraft) Check(t org.Type) (LeaderDraft, error) {
	p := web.Problems{}
	if !slices.Contains(RolesFor(t), d.Role) {
		p.Add("role", apperr.M("reception.err.f.role"))
	}
	d.Name = p.Text("name", d.Name, maxLine, true)
	d.Title = p.Text("title", d.Title, maxLine, true)
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.leader_invalid"))
}

// SessionDraft is a session's form.
type SessionDraft struct {
	LeaderID     int64
	Day          legal.Date
	Starts, Ends string
	Place        string
	VideoURL     string
	Slots        int
}

// Check checks a session planned on or after today; online says whether a
// video link is allowed (configuration).
func (d SessionDraft) Check(today legal.Date, online bool) (SessionDraft, error) {
	p := web.Problems{}
	switch {
	case d.Day.IsZero():
		p.Add("day", apperr.M("reception.err.f.date"))
	case d.Day.Before(today):
		p.Add("day", apperr.M("reception.err.f.past"))
	case today.AddDays(400).Before(d.Day):
		p.Add("day", apperr.M("reception.err.f.far"))
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"starts", &d.Starts}, {"ends", &d.Ends}} {
		*f.v = strings.TrimSpace(*f.v)
		if _, err := time.Parse("15:04", *f.v); err != nil {
			p.Add(f.name, apperr.M("reception.err.f.time"))
		}
	}
	if _, bad := p["ends"]; !bad && d.Starts >= d.Ends {
		p.Add("ends", apperr.M("reception.err.f.order"))
	}
	d.Place = p.Text("place", d.Place, maxLine, true)
	d.VideoURL = p.Text("video_url", d.VideoURL, 500, false)
	if d.VideoURL != "" {
		u, err := url.Parse(d.VideoURL)
		switch {
		case !online:
			p.Add("video_url", apperr.M("reception.err.f.online_off"))
		case err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil:
			p.Add("video_url", apperr.M("reception.err.f.video"))
		}
	}
	if d.Slots < 1 || d.Slots > MaxSlots {
		p.Add("slots", apperr.M("reception.err.f.slots", MaxSlots))
	}
	if d.LeaderID == 0 {
		p.Add("leader", apperr.M("reception.err.f.leader"))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.session_invalid"))
}

// BookingDraft is a citizen's booking form.
type BookingDraft struct {
	SessionID          int64
	Name, Phone, Topic string
	People             int
	IdemKey            string
}

// Check checks it; the phone is normalised by normPhone (auth.NormalizePhone).
func (d BookingDraft) Check(normPhone func(string) (string, error)) (BookingDraft, error) {
	p := web.Problems{}
	d.Name = p.Text("name", d.Name, maxLine, true)
	d.Topic = p.Text("topic", d.Topic, 1000, true)
	if ph, err := normPhone(d.Phone); err != nil {
		p.Add("phone", apperr.M("reception.err.f.phone"))
	} else {
		d.Phone = ph
	}
	if d.People < 1 || d.People > MaxPeople {
		p.Add("people", apperr.M("reception.err.f.people", MaxPeople))
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.booking_invalid"))
}

// VisitDraft is an entry of the book as the official types it. A Mixed
// petition carries its denunciation part in Content2.
type VisitDraft struct {
	SessionID            int64
	BookingCode          string // the citizen's booking, if they booked
	Day                  legal.Date
	Name, Address, Phone string
	People               int
	Kind                 string
	Content, Content2    string
	Earlier, Request     string
	Done                 string
	IdemKey              string
}

// Check checks it against today (a visit is not in the future).
func (d VisitDraft) Check(today legal.Date, normPhone func(string) (string, error)) (VisitDraft, error) {
	p := web.Problems{}
	switch {
	case d.Day.IsZero():
		p.Add("day", apperr.M("reception.err.f.date"))
	case today.Before(d.Day):
		p.Add("day", apperr.M("reception.err.f.future"))
	case d.Day.Before(today.AddDays(-366)):
		p.Add("day", apperr.M("reception.err.f.old"))
	}
	d.Name = p.Text("name", d.Name, maxLine, true)
	d.Address = p.Text("address", d.Address, 500, true)
	if d.Phone = strings.TrimSpace(d.Phone); d.Phone != "" {
		if ph, err := normPhone(d.Phone); err != nil {
			p.Add("phone", apperr.M("reception.err.f.phone"))
		} else {
			d.Phone = ph
		}
	}
	if d.People < 1 || d.People > MaxPeople {
		p.Add("people", apperr.M("reception.err.f.people", MaxPeople))
	}
	if !slices.Contains(Kinds, d.Kind) && d.Kind != Mixed {
		p.Add("kind", apperr.M("reception.err.f.kind"))
	}
	d.Content = p.Text("content", d.Content, maxText, true)
	d.Content2 = p.Text("content2", d.Content2, maxText, d.Kind == Mixed)
	d.Earlier = p.Text("earlier", d.Earlier, maxText, false)
	d.Request = p.Text("request", d.Request, maxText, true)
	d.Done = p.Text("done", d.Done, maxText, false)
	d.BookingCode = strings.TrimSpace(d.BookingCode)
	if d.BookingCode != "" {
		if c, ok := code.Parse(d.BookingCode, BookingPrefix); ok {
			d.BookingCode = c
		} else {
			p.Add("booking", apperr.M("reception.err.f.code"))
		}
	}
	return d, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.visit_invalid"))
}

// Answer is the answer to a visit (Art 28).
type Answer struct {
	// Version is the entry's as the form read it: an answer to an entry
	// changed since is refused.
	Outcome, Note, TransferredTo string
	// KnownOn is, for a complaint the answer opens, the day the complainant
	// received or knew of the decision or act (Luật Khiếu nại Art 9).
	KnownOn legal.Date
	Version int
}

// Check checks it for a visit of kind.
func (a Answer) Check(kind string) (Answer, error) {
	p := web.Problems{}
	if !slices.Contains(Outcomes, a.Outcome) {
		p.Add("outcome", apperr.M("reception.err.f.outcome"))
	}
	a.Note = p.Text("note", a.Note, maxText, a.Outcome == Refused)
	a.TransferredTo = p.Text("transferred_to", a.TransferredTo, maxLine, a.Outcome == Transferred)
	if kind == Complaint && Opens(kind, a.Outcome) && a.KnownOn.IsZero() {
		p.Add("known_on", apperr.M("reception.err.f.known_on"))
	}
	if a.Outcome == Verify && kind == Other {
		p.Add("outcome", apperr.M("reception.err.f.verify_other"))
	}
	return a, p.Err(apperr.New(apperr.CodeInvalid, "reception.err.answer_invalid"))
}

// Code prefixes: a booking's (lịch hẹn) and a walk-in visit's (tiếp dân).
const (
	BookingPrefix = "LH"
	VisitPrefix   = "TD"
)

// ParseCode reads a code as typed: either prefix.
func ParseCode(typed string) (string, bool) {
	for _, p := range []string{BookingPrefix, VisitPrefix} {
		if c, ok := code.Parse(typed, p); ok {
			return c, true
		}
	}
	return "", false
}

// CanMove lists what a session's status may become from s, on day today.
func CanMove(s Session, today legal.Date, to string) error {
	if s.Status != Planned {
		return apperr.New(apperr.CodeConflict, "reception.err.session_final")
	}
	switch to {
	case Held, Missed:
		if today.Before(s.Day) {
			return apperr.New(apperr.CodeConflict, "reception.err.not_yet", s.Day.VN())
		}
	case Moved:
	default:
		return apperr.New(apperr.CodeInvalid, "reception.err.f.status")
	}
	return nil
}
