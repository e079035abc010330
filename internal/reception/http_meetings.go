package reception

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/document"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Writer lays a document out as Word and PDF (internal/document's writers,
// wired by app). Nil: the download routes answer 404.
type Writer = document.Writer

// MeetingsPage is the dialogues' and conferences' address under the room's.
const MeetingsPage = Page + "/doi-thoai"

func (h *handlers) meetingRoutes(s *web.Server, ah *auth.Handlers) {
	const base = "/quan-tri/don-vi/{unit}/" + MeetingsPage
	s.HandleFunc("GET "+base, ah.Official(h.meetings))
	s.HandleFunc("POST "+base, ah.Official(h.planMeeting))
	s.HandleFunc("GET "+base+"/{id}", ah.Official(h.meeting))
	s.HandleFunc("POST "+base+"/{id}", ah.Official(h.heldMeeting))
	s.HandleFunc("POST "+base+"/{id}/viec", ah.Official(h.addItem))
	s.HandleFunc("POST "+base+"/{id}/viec/{item}", ah.Official(h.doneItem))
	for _, f := range []string{"docx", "pdf"} {
		s.HandleFunc("GET "+base+"/{id}/bien-ban."+f, ah.Official(h.minutesDoc(f)))
	}
}

type meetingsPage struct {
	form
	Unit       org.Unit
	Year       int
	Meetings   []Meeting
	Missing    []org.Unit
	Villages   []org.Unit
	Today      legal.Date
	Notice     int // days of the conference notice
	Recipients []string
	sent       []string // as typed
}

// Sent reports whether the form had the plan sent to r.
func (p meetingsPage) Sent(r string) bool { return slices.Contains(p.sent, r) }

func (h *handlers) meetingsPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	today := legal.Today(h.svc.Now())
	year, err := yearParam(r, today)
	p := meetingsPage{Unit: u, Year: year, Today: today, Notice: h.svc.noticeDays(), Recipients: PlanRecipients, sent: r.PostForm["plan_sent"]}
	if err == nil {
		p.Meetings, p.Missing, err = h.svc.Meetings(r.Context(), a, u.ID, year)
	}
	if err == nil {
		p.Villages, err = h.svc.Villages(r.Context(), u)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.form.failed(ff, "plan")
	if ff == nil {
		p.Values["kind"], p.Values["place"] = Conference, "Nhà văn hóa thôn"
	}
	h.web.RenderStatus(w, r, h.pages["meetings"], status, h.web.T(r, "reception.meetings.title", u.Name, year), p)
}

func (h *handlers) meetings(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.meetingsPage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) planMeeting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	v := r.PostFormValue
	d := MeetingDraft{Kind: v("kind"), Starts: v("starts"), Place: v("place"), Topics: v("topics"), Chair: v("chair"), Channels: v("channels"),
		PlanSent: r.PostForm["plan_sent"], IdemKey: v("key")}
	d.UnitID, _ = web.ParseID(v("village"))
	p := web.Problems{}
	d.Day = p.Day(r, "day")
	d.NoticedOn = p.Day(r, "noticed_on")
	err := p.Err(apperr.New(apperr.CodeInvalid, "reception.err.meeting_invalid"))
	if err == nil {
		var m Meeting
		if m, err = h.svc.PlanMeeting(r.Context(), a, u.ID, d); err == nil {
			h.web.Done(w, r, u.OfficeURL(MeetingsPage, m.ID), "reception.done.meeting")
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.meetingsPage(w, r, a, u, f.Status, f) })
}

type meetingPage struct {
	form
	Unit       org.Unit
	M          Meeting
	Today      legal.Date
	Download   bool
	DoneFailed bool // a done form failed
}

func (h *handlers) meetingPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure, which string) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	m, err := h.svc.Meeting(r.Context(), a, u.ID, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := meetingPage{Unit: u, M: m, Today: legal.Today(h.svc.Now()), Download: h.writer != nil}
	p.form.failed(ff, which)
	p.DoneFailed = strings.HasPrefix(which, "done-")
	if ff == nil || which != "held" {
		p.Values["convened"], p.Values["attended"] = strconv.Itoa(m.Convened), strconv.Itoa(m.Attended)
		p.Values["head_report"], p.Values["front_report"], p.Values["board_report"], p.Values["result"] = m.HeadReport, m.FrontReport, m.BoardReport, m.Result
		p.Values["result_sent"] = dayText(m.ResultSent)
	}
	h.web.RenderStatus(w, r, h.pages["meeting"], status, h.web.T(r, "reception.meeting.title."+m.Kind, m.UnitName, m.Day.VN()), p)
}

func (h *handlers) meeting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.meetingPage(w, r, a, u, http.StatusOK, nil, "")
	}
}

func (h *handlers) heldMeeting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	v := r.PostFormValue
	d := HeldDraft{HeadReport: v("head_report"), FrontReport: v("front_report"), BoardReport: v("board_report"), Result: v("result")}
	n := web.FormNumbers(r)
	d.Convened = n.Int("convened", apperr.M("reception.field.convened"))
	d.Attended = n.Int("attended", apperr.M("reception.field.attended"))
	d.Version = n.Optional("version", apperr.M("reception.field.version"), 0)
	err := n.Err()
	if err == nil {
		p := web.Problems{}
		d.ResultSent = p.Day(r, "result_sent")
		err = p.Err(apperr.New(apperr.CodeInvalid, "reception.err.held_invalid"))
	}
	if err == nil {
		if _, err = h.svc.Held(r.Context(), a, u.ID, id, d); err == nil {
			h.web.Done(w, r, u.OfficeURL(MeetingsPage, id), "reception.done.meeting_held")
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.meetingPage(w, r, a, u, f.Status, f, "held") })
}

func (h *handlers) addItem(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	v := r.PostFormValue
	d := ItemDraft{Kind: v("item_kind"), Text: v("text"), Owner: v("owner"), IdemKey: v("key")}
	p := web.Problems{}
	d.Due = p.Day(r, "due")
	err := p.Err(apperr.New(apperr.CodeInvalid, "reception.err.item_invalid"))
	if err == nil {
		if _, err = h.svc.AddItem(r.Context(), a, u.ID, id, d); err == nil {
			h.web.Done(w, r, u.OfficeURL(MeetingsPage, id), "reception.done.item")
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.meetingPage(w, r, a, u, f.Status, f, "item") })
}

func (h *handlers) doneItem(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok1 := web.PathID(r, "id")
	item, ok2 := web.PathID(r, "item")
	if !ok1 || !ok2 {
		h.web.NotFound(w, r)
		return
	}
	if err := h.svc.DoneItem(r.Context(), a, u.ID, id, item, r.PostFormValue("outcome")); err != nil {
		h.fail(w, r, err, func(f *web.FormFailure) { h.meetingPage(w, r, a, u, f.Status, f, "done-"+strconv.FormatInt(item, 10)) })
		return
	}
	h.web.Done(w, r, u.OfficeURL(MeetingsPage, id), "reception.done.item_done")
}

func (h *handlers) minutesDoc(format string) func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		u, ok := h.unitParam(w, r, a)
		if !ok {
			return
		}
		id, ok := web.PathID(r, "id")
		if !ok || h.writer == nil {
			h.web.NotFound(w, r)
			return
		}
		d, err := h.svc.MinutesDoc(r.Context(), a, u.ID, id)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		h.web.SendDocument(w, r, h.writer, d, format, "bien-ban-"+d.Date.String())
	}
}
