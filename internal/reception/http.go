package reception

import (
	"embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/sheet"
	"danchu/internal/web"
)

//go:embed templates locales openapi.json
var files embed.FS

type handlers struct {
	ah    *auth.Handlers
	svc   *Service
	web   *web.Server
	units *org.Service
	pages map[string]*web.Page
	// writer lays out the minutes of dialogues and conferences (nil: 404).
	writer Writer
}

// RegisterRoutes adds the officials' pages of citizen reception, the public
// schedules with their calendars, booking, and the citizen's look-up; w lays
// out the minutes of dialogues and conferences as Word and PDF.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service, w Writer) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("reception catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"office", "leader", "session", "book", "enter", "visit", "public", "booking", "track", "stats", "meetings", "meeting"},
		"templates/parts.tmpl")
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages, writer: w}
	h.meetingRoutes(s, ah)
	const base = "/quan-tri/don-vi/{unit}/" + Page
	s.HandleFunc("GET "+base, ah.Official(h.office))
	s.HandleFunc("POST "+base+"/noi-tiep", ah.Official(h.saveOffice))
	s.HandleFunc("POST "+base+"/lanh-dao", ah.Official(h.addLeader))
	s.HandleFunc("GET "+base+"/lanh-dao/{id}", ah.Official(h.leader))
	s.HandleFunc("POST "+base+"/lanh-dao/{id}/trang-thai", ah.Official(h.leaderActive))
	s.HandleFunc("POST "+base+"/buoi", ah.Official(h.addSession))
	s.HandleFunc("GET "+base+"/buoi/{id}", ah.Official(h.session))
	s.HandleFunc("POST "+base+"/buoi/{id}", ah.Official(h.closeSession))
	s.HandleFunc("GET "+base+"/so", ah.Official(h.book))
	s.HandleFunc("GET "+base+"/so/moi", ah.Official(h.enterForm))
	s.HandleFunc("GET "+base+"/so.xlsx", ah.Official(h.bookSheet))
	s.HandleFunc("POST "+base+"/so", ah.Official(h.enter))
	s.HandleFunc("GET "+base+"/so/{id}", ah.Official(h.visit))
	s.HandleFunc("POST "+base+"/so/{id}", ah.Official(h.answer))
	for _, level := range []struct {
		prefix string
		l      org.Level
	}{{"/xa/{code}/", org.CommuneLevel}, {"/tinh/{code}/", org.ProvinceLevel}} {
		s.HandleFunc("GET "+level.prefix+PublicPage, h.public(level.l))
		s.HandleFunc("GET "+level.prefix+PublicPage+"/lich.ics", h.ics(level.l))
		s.HandleFunc("GET "+level.prefix+PublicPage+"/thong-ke", h.publicStats(level.l))
		s.HandleFunc("GET "+level.prefix+PublicPage+"/thong-ke.xlsx", h.publicStatsSheet(level.l))
	}
	s.HandleFunc("GET /tiep-cong-dan/dat-lich/{id}", h.bookingForm)
	s.HandleFunc("POST /tiep-cong-dan/dat-lich/{id}", h.bookSlot)
	s.HandleFunc("GET /tiep-cong-dan/tra-cuu", h.track)
	s.HandleFunc("POST /tiep-cong-dan/huy", h.cancel)
	s.HandleFunc("GET /api/v1/units/{code}/reception-sessions", h.apiSessions)
	s.HandleFunc("GET /api/v1/units/{code}/reception-stats", h.apiStats)
	return s.AddOpenAPI(files, "openapi.json")
}

func (h *handlers) unitParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, bool) {
	return h.ah.Unit(w, r, a, auth.ReceiveCitizens)
}

// form is what every form page carries: the error, the fields' messages and
// what was typed.
type form struct {
	Error  string
	Fields map[string]string
	Values map[string]string
	Failed string // which form of the page failed
}

func (f *form) failed(ff *web.FormFailure, which string) {
	if ff != nil {
		f.Error, f.Fields, f.Values, f.Failed = ff.Message, ff.Fields, ff.Values, which
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
}

func (h *handlers) fail(w http.ResponseWriter, r *http.Request, err error, show func(f *web.FormFailure)) {
	if f, ok := h.web.FailForm(w, r, err); ok {
		show(&f)
	}
}

func monthParam(r *http.Request, today legal.Date) (int, time.Month) {
	if t, err := time.Parse("2006-01", r.URL.Query().Get("thang")); err == nil && t.Year() >= legal.FirstYear && t.Year() < legal.LastYear {
		return t.Year(), t.Month()
	}
	return today.Year, today.Month
}

// --- the unit's reception page ---

type officePage struct {
	form
	Unit     org.Unit
	Office   Office
	HasOff   bool
	Leaders  []Leader
	Months   []Month
	Roles    []string
	Sessions []Session
	Today    legal.Date
	Online   bool
	Public   string
	Month    string
}

func (h *handlers) officePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure, which string) {
	ctx := r.Context()
	today := legal.Today(h.svc.Now())
	p := officePage{Unit: u, Roles: RolesFor(u.Type), Today: today, Online: h.svc.Online}
	var err error
	if p.Office, p.HasOff, err = h.svc.Office(ctx, u.ID); err == nil {
		if p.Leaders, err = h.svc.Leaders(ctx, a, u.ID); err == nil {
			y, m := monthParam(r, today)
			p.Month = fmt.Sprintf("%02d/%04d", m, y)
			if p.Months, err = h.svc.Months(ctx, u.ID, y, m); err == nil {
				p.Sessions, err = h.svc.Sessions(ctx, u.ID, today.AddDays(-7), today.AddDays(92))
			}
		}
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if u.Territory() {
		p.Public = ScheduleURL(u)
	}
	p.form.failed(ff, which)
	if ff == nil || which != "office" {
		p.Values["address"], p.Values["hours"], p.Values["phone"] = p.Office.Address, p.Office.Hours, p.Office.Phone
	}
	if ff == nil || which != "session" {
		p.Values["slots"], p.Values["starts"], p.Values["ends"] = "10", "07:30", "11:00"
		p.Values["place"] = p.Office.Address
	}
	h.web.RenderStatus(w, r, h.pages["office"], status, h.web.T(r, "reception.office.title", u.Name), p)
}

func (h *handlers) office(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.officePage(w, r, a, u, http.StatusOK, nil, "")
	}
}

func (h *handlers) saveOffice(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	v := r.PostFormValue
	err := h.svc.SaveOffice(r.Context(), a, u.ID, OfficeDraft{Address: v("address"), Hours: v("hours"), Phone: v("phone")})
	if err == nil {
		h.web.Done(w, r, u.OfficeURL(Page), "reception.done.office")
		return
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.officePage(w, r, a, u, f.Status, f, "office") })
}

func (h *handlers) addLeader(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	v := r.PostFormValue
	idem, err := web.FormIdem(r)
	if err == nil {
		if _, err = h.svc.AddLeader(r.Context(), a, u.ID, LeaderDraft{Role: v("role"), Name: v("name"), Title: v("title")}, idem); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page), "reception.done.leader")
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.officePage(w, r, a, u, f.Status, f, "leader") })
}

func (h *handlers) leaderActive(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	active := r.PostFormValue("active") == "1"
	if err := h.svc.SetLeaderActive(r.Context(), a, u.ID, id, active); err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Done(w, r, u.OfficeURL(Page, "lanh-dao", id), "reception.done.leader_active")
}

func readSession(r *http.Request) (SessionDraft, error) {
	v := r.PostFormValue
	d := SessionDraft{Starts: v("starts"), Ends: v("ends"), Place: v("place"), VideoURL: v("video_url")}
	d.LeaderID, _ = web.ParseID(v("leader"))
	n := web.FormNumbers(r)
	d.Slots = n.Int("slots", apperr.M("reception.field.slots"))
	if err := n.Err(); err != nil {
		return d, err
	}
	if s := strings.TrimSpace(v("day")); s != "" {
		day, err := legal.ParseDate(s)
		if err != nil {
			return d, apperr.New(apperr.CodeInvalid, "reception.err.session_invalid").
				WithFields(map[string]apperr.Msg{"day": apperr.M("reception.err.f.date")})
		}
		d.Day = day
	}
	return d, nil
}

func (h *handlers) addSession(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	d, err := readSession(r)
	if err == nil {
		var x Session
		var mo Month
		if idem, ierr := web.FormIdem(r); ierr != nil {
			err = ierr
		} else {
			x, mo, err = h.svc.AddSession(r.Context(), a, u.ID, d, idem)
		}
		if err == nil {
			target := u.OfficeURL(Page, "lanh-dao", x.LeaderID) + fmt.Sprintf("?thang=%04d-%02d", mo.Year, mo.Month)
			if mo.Check.OK() {
				h.web.Done(w, r, target, "reception.done.session")
			} else {
				h.web.Done(w, r, target, "reception.done.session_short", mo.Check.Planned, mo.Check.Needs)
			}
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.officePage(w, r, a, u, f.Status, f, "session") })
}

type leaderPage struct {
	Unit       org.Unit
	M          Month
	Prev, Next string
	Today      legal.Date
}

func (h *handlers) leader(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	today := legal.Today(h.svc.Now())
	y, m := monthParam(r, today)
	mo, err := h.svc.LeaderMonth(r.Context(), a, u.ID, id, y, m)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	first := legal.DateOf(y, m, 1)
	prev, next := first.AddMonths(-1), first.AddMonths(1)
	h.web.Render(w, r, h.pages["leader"], h.web.T(r, "reception.leader.title", mo.Leader.Name, fmt.Sprintf("%02d/%04d", m, y)),
		leaderPage{Unit: u, M: mo, Today: today, Prev: fmt.Sprintf("%04d-%02d", prev.Year, prev.Month), Next: fmt.Sprintf("%04d-%02d", next.Year, next.Month)})
}

type sessionPage struct {
	form
	Unit   org.Unit
	S      SessionView
	Today  legal.Date
	Online bool
	Mass   int
}

func (h *handlers) sessionPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	v, err := h.svc.Session(r.Context(), a, u.ID, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := sessionPage{Unit: u, S: v, Today: legal.Today(h.svc.Now()), Online: h.svc.Online, Mass: h.svc.MassFrom}
	p.form.failed(ff, "close")
	if ff == nil {
		p.Values["starts"], p.Values["ends"], p.Values["place"], p.Values["slots"] = v.Starts, v.Ends, v.Place, strconv.Itoa(v.Slots)
	}
	h.web.RenderStatus(w, r, h.pages["session"], status, h.web.T(r, "reception.session.title", v.LeaderName, v.Day.VN()), p)
}

func (h *handlers) session(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.sessionPage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) closeSession(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	to := r.PostFormValue("status")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	var next *SessionDraft
	var err error
	if to == Moved {
		var d SessionDraft
		if d, err = readSession(r); err == nil {
			next = &d
		}
	}
	if err == nil {
		if _, err = h.svc.Close(r.Context(), a, u.ID, id, version, to, r.PostFormValue("notice"), next); err == nil {
			switch to {
			case Held:
				h.web.Done(w, r, u.OfficeURL(Page, "buoi", id), "reception.done.session_held")
			case Moved:
				h.web.Done(w, r, u.OfficeURL(Page, "buoi", id), "reception.done.session_moved")
			default:
				h.web.Done(w, r, u.OfficeURL(Page, "buoi", id), "reception.done.session_missed")
			}
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.sessionPage(w, r, a, u, f.Status, f) })
}

// --- the reception book ---

type bookPage struct {
	Unit   org.Unit
	Visits []Visit
	Open   bool
	Today  legal.Date
	Mass   int
}

// BookSize is how many entries the book's page shows.
const BookSize = 200

func (h *handlers) book(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	open := r.URL.Query().Get("tat-ca") == ""
	vs, err := h.svc.Entries(r.Context(), a, u.ID, open, BookSize)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["book"], h.web.T(r, "reception.book.title", u.Name),
		bookPage{Unit: u, Visits: vs, Open: open, Today: legal.Today(h.svc.Now()), Mass: h.svc.MassFrom})
}

// bookSheet sends the unit's reception book of a year (?nam=) as XLSX, in
// the columns of Art 25(2).
func (h *handlers) bookSheet(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	year, err := yearParam(r, legal.Today(h.svc.Now()))
	var vs []Visit
	if err == nil {
		vs, err = h.svc.BookOfYear(r.Context(), a, u.ID, year)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	rows := make([][]any, 0, len(vs))
	for _, v := range vs {
		name, address := v.Name, v.Address
		if v.Sealed {
			name, address = "Bảo mật (Luật Tố cáo Điều 47)", ""
		}
		outcome := ""
		if v.Answered() {
			outcome = h.web.T(r, "reception.outcome."+v.Outcome)
			if v.TransferredTo != "" {
				outcome += ": " + v.TransferredTo
			}
		}
		rows = append(rows, []any{v.Number, sheet.Day(v.Day), name, address, v.Content, v.Earlier, v.Request, v.Done,
			h.web.T(r, "reception.kind."+v.Kind), v.People, sheet.Day(v.Due), outcome, v.OutcomeNote, sheet.Day(v.AnsweredOn), v.CaseCode})
	}
	b, err := sheet.XLSX(sheet.Table{Name: "Sổ tiếp công dân", Title: fmt.Sprintf("SỔ TIẾP CÔNG DÂN NĂM %d — %s", year, strings.ToUpper(u.Name)),
		Note: "Luật Tiếp công dân 2013 Điều 25(2); trả lời trong 10 ngày làm việc (Điều 28). Người tố cáo được giữ bí mật.",
		Head: []string{"Số", "Ngày", "Họ và tên", "Địa chỉ", "Nội dung", "Đã được giải quyết trước đây", "Yêu cầu", "Việc đã làm", "Loại",
			"Số người", "Hạn trả lời", "Kết quả", "Nội dung trả lời", "Ngày trả lời", "Hồ sơ"},
		Widths: []float64{6, 11, 24, 26, 40, 24, 28, 28, 16, 8, 11, 24, 30, 11, 16}, Rows: rows})
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("so-tiep-cong-dan-%s-%d.xlsx", u.OfficeKey(), year), b)
}

type enterPage struct {
	form
	Unit     org.Unit
	Kinds    []string
	Sessions []Session
	Today    legal.Date
	Mass     int
}

func (h *handlers) enterPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	today := legal.Today(h.svc.Now())
	ss, err := h.svc.Sessions(r.Context(), u.ID, today.AddDays(-31), today)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := enterPage{Unit: u, Kinds: append(append([]string{}, Kinds...), Mixed), Sessions: ss, Today: today, Mass: h.svc.MassFrom}
	p.form.failed(ff, "enter")
	if ff == nil {
		q := r.URL.Query()
		p.Values["day"], p.Values["people"], p.Values["session"], p.Values["booking"] = today.String(), "1", q.Get("buoi"), q.Get("ma")
		if id, ok := web.ParseID(q.Get("buoi")); ok {
			for _, x := range ss {
				if x.ID == id {
					p.Values["day"] = x.Day.String()
				}
			}
		}
		if b, ok := h.svc.bookingFor(r.Context(), u.ID, q.Get("ma")); ok {
			p.Values["name"], p.Values["phone"], p.Values["content"], p.Values["people"] = b.Name, b.Phone, b.Topic, strconv.Itoa(b.People)
		}
	}
	h.web.RenderStatus(w, r, h.pages["enter"], status, h.web.T(r, "reception.enter.title", u.Name), p)
}

func (h *handlers) enterForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.enterPage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) enter(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	v := r.PostFormValue
	d := VisitDraft{BookingCode: v("booking"), Name: v("name"), Address: v("address"), Phone: v("phone"), Kind: v("kind"),
		Content: v("content"), Content2: v("content2"), Earlier: v("earlier"), Request: v("request"), Done: v("done"), IdemKey: v("key")}
	n := web.FormNumbers(r)
	d.People = n.Int("people", apperr.M("reception.field.people"))
	err := n.Err()
	if s := strings.TrimSpace(v("session")); s != "" && err == nil {
		var ok bool
		if d.SessionID, ok = web.ParseID(s); !ok {
			err = apperr.New(apperr.CodeInvalid, "reception.err.visit_invalid").WithFields(map[string]apperr.Msg{"session": apperr.M("reception.err.f.session")})
		}
	}
	if err == nil {
		if d.Day, err = legal.ParseDate(strings.TrimSpace(v("day"))); err != nil {
			err = apperr.New(apperr.CodeInvalid, "reception.err.visit_invalid").WithFields(map[string]apperr.Msg{"day": apperr.M("reception.err.f.date")})
		}
	}
	if err == nil {
		var vs []Visit
		if vs, _, err = h.svc.Enter(r.Context(), a, u.ID, d); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page, "so", vs[0].ID), "reception.done.entered", len(vs))
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.enterPage(w, r, a, u, f.Status, f) })
}

type visitPage struct {
	form
	Unit     org.Unit
	V        VisitView
	Outcomes []string
	Today    legal.Date
	Mass     int
	Track    string
}

func (h *handlers) visitPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	v, err := h.svc.Visit(r.Context(), a, u.ID, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := visitPage{Unit: u, V: v, Outcomes: Outcomes, Today: legal.Today(h.svc.Now()), Mass: h.svc.MassFrom, Track: TrackURL(v.Code)}
	p.form.failed(ff, "answer")
	h.web.RenderStatus(w, r, h.pages["visit"], status, h.web.T(r, "reception.visit.title", v.Number, v.Year), p)
}

func (h *handlers) visit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.visitPage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
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
	version, _ := strconv.Atoi(v("version"))
	ans := Answer{Outcome: v("outcome"), Note: v("note"), TransferredTo: v("transferred_to"), Version: version}
	var err error
	if s := strings.TrimSpace(v("known_on")); s != "" {
		if ans.KnownOn, err = legal.ParseDate(s); err != nil {
			err = apperr.New(apperr.CodeInvalid, "reception.err.answer_invalid").WithFields(map[string]apperr.Msg{"known_on": apperr.M("reception.err.f.date")})
		}
	}
	if err == nil {
		_, err = h.svc.Answer(r.Context(), a, u.ID, id, ans)
	}
	if err == nil {
		h.web.Done(w, r, u.OfficeURL(Page, "so", id), "reception.done.answered")
		return
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.visitPage(w, r, a, u, f.Status, f) })
}

// --- public ---

type publicPage struct {
	Unit     org.Unit
	Crumbs   []org.Crumb
	Office   Office
	HasOff   bool
	Months   []Month
	Sessions []Session
	Now      time.Time
	ICS      string
	Stats    string
	Meetings []Meeting // a commune's dialogues and its villages' conferences this year
}

// PublicDays is how far back and ahead the public schedule reaches.
const (
	PublicBack  = 31
	PublicAhead = 92
)

func (h *handlers) public(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, t, ok := org.PathTerritory(h.web, h.units, w, r, level)
		if !ok {
			return
		}
		ctx := r.Context()
		now := h.svc.Now()
		today := legal.Today(now)
		p := publicPage{Unit: u, Crumbs: t.Trail(u.ID), Now: now, ICS: ScheduleURL(u) + "/lich.ics", Stats: ScheduleURL(u) + "/thong-ke"}
		var err error
		if p.Office, p.HasOff, err = h.svc.Office(ctx, u.ID); err == nil {
			if p.Months, err = h.svc.Months(ctx, u.ID, today.Year, today.Month); err == nil {
				p.Sessions, err = h.svc.Sessions(ctx, u.ID, today.AddDays(-PublicBack), today.AddDays(PublicAhead))
			}
		}
		if err == nil {
			p.Meetings, _, err = h.svc.meetingsOf(ctx, u, today.Year)
		}
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		h.web.Render(w, r, h.pages["public"], h.web.T(r, "reception.public.title", u.Name), p)
	}
}

func (h *handlers) ics(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, _, ok := org.PathTerritory(h.web, h.units, w, r, level)
		if !ok {
			return
		}
		b, err := h.svc.Calendar(r.Context(), u, h.web.BaseURL(r))
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", icsType)
		w.Header().Set("Content-Disposition", `inline; filename="tiep-cong-dan-`+u.Code+`.ics"`)
		w.Write(b)
	}
}

type bookingPage struct {
	form
	Unit org.Unit
	S    Session
	Open bool
	Mass int
	Next *Session // when this one is closed: the next with room, its form filled with what was typed
}

func (h *handlers) bookingPage(w http.ResponseWriter, r *http.Request, status int, ff *web.FormFailure) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	x, u, err := h.svc.PublicSession(r.Context(), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := bookingPage{Unit: u, S: x, Open: x.Bookable(h.svc.Now()) && x.Free() > 0, Mass: h.svc.MassFrom}
	if !p.Open {
		if p.Next, err = h.svc.NextFree(r.Context(), x); err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	p.form.failed(ff, "book")
	if ff == nil {
		p.Values["people"] = "1"
		if a := auth.ActorOf(r); a != nil {
			p.Values["name"] = a.Name
		}
	}
	h.web.RenderStatus(w, r, h.pages["booking"], status, h.web.T(r, "reception.booking.title", x.LeaderName, x.Day.VN()), p)
}

func (h *handlers) bookingForm(w http.ResponseWriter, r *http.Request) {
	h.bookingPage(w, r, http.StatusOK, nil)
}

func (h *handlers) bookSlot(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	v := r.PostFormValue
	d := BookingDraft{SessionID: id, Name: v("name"), Phone: v("phone"), Topic: v("topic"), IdemKey: v("key")}
	n := web.FormNumbers(r)
	d.People = n.Int("people", apperr.M("reception.field.people"))
	err := n.Err()
	if err == nil {
		var b Booking
		if b, err = h.svc.Book(r.Context(), auth.ActorOf(r), d); err == nil {
			http.Redirect(w, r, TrackURL(b.Code)+"&moi=1", http.StatusSeeOther)
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.bookingPage(w, r, f.Status, f) })
}

type trackPage struct {
	form
	T     *Tracked
	Typed string
	New   bool
	Now   time.Time
	Rate  string // where the citizen received rates the officials
}

func (h *handlers) track(w http.ResponseWriter, r *http.Request) {
	typed := strings.TrimSpace(r.URL.Query().Get("ma"))
	// A look-up tells whether a code exists: it is counted like a form post,
	// so that codes cannot be tried by the thousand.
	if typed != "" {
		if ok, wait := h.ah.WriteLimit.Allow("ip:" + web.ClientIP(r.Context())); !ok {
			h.web.Error(w, r, apperr.New(apperr.CodeTooMany, "reception.err.track_rate", web.RetrySeconds(wait)).After(wait))
			return
		}
	}
	p := trackPage{Typed: typed, New: r.URL.Query().Get("moi") == "1", Now: h.svc.Now()}
	p.form.failed(nil, "")
	title := h.web.T(r, "reception.track.title")
	if typed == "" {
		h.web.Render(w, r, h.pages["track"], title, p)
		return
	}
	t, err := h.svc.Track(r.Context(), typed)
	if err != nil {
		if apperr.CodeOf(err) != apperr.CodeNotFound {
			h.web.Error(w, r, err)
			return
		}
		p.Error = h.web.Message(r, err)
		h.web.RenderStatus(w, r, h.pages["track"], http.StatusNotFound, title, p)
		return
	}
	p.T = &t
	if len(t.Visits) > 0 && h.svc.RateURL != nil {
		p.Rate = h.svc.RateURL(r.Context(), auth.ActorOf(r), t.Code)
	}
	h.web.Render(w, r, h.pages["track"], title, p)
}

func (h *handlers) cancel(w http.ResponseWriter, r *http.Request) {
	typed := r.PostFormValue("code")
	if err := h.svc.Cancel(r.Context(), typed); err != nil {
		h.fail(w, r, err, func(f *web.FormFailure) {
			p := trackPage{Typed: typed, Now: h.svc.Now()}
			p.form.failed(f, "cancel")
			h.web.RenderStatus(w, r, h.pages["track"], f.Status, h.web.T(r, "reception.track.title"), p)
		})
		return
	}
	c, _ := ParseCode(typed)
	h.web.Done(w, r, TrackURL(c), "reception.done.cancelled")
}
