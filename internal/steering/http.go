package steering

import (
	"embed"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/document"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

type handlers struct {
	ah     *auth.Handlers
	svc    *Service
	web    *web.Server
	pages  map[string]*web.Page
	writer Writer
}

// Page is the committee's back-office address under its unit's
// (/quan-tri/don-vi/{unit}/ban-chi-dao).
const Page = "ban-chi-dao"

// RegisterRoutes adds the officials' pages of steering committees. w lays
// out the decision and the minutes as Word and PDF (nil: those downloads
// answer 404).
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, w Writer) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("steering catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"committee", "member", "history", "regulation", "meetings", "meeting"}, "templates/parts.tmpl")
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, pages: pages, writer: w}
	const base = "/quan-tri/don-vi/{unit}/" + Page
	s.HandleFunc("GET "+base, ah.Official(h.committee))
	s.HandleFunc("POST "+base, ah.Official(h.establish))
	s.HandleFunc("POST "+base+"/thanh-vien", ah.Official(h.addMember))
	s.HandleFunc("GET "+base+"/thanh-vien/{id}", ah.Official(h.memberPage))
	s.HandleFunc("POST "+base+"/thanh-vien/{id}", ah.Official(h.changeMember))
	s.HandleFunc("POST "+base+"/thanh-vien/{id}/thoi", ah.Official(h.removeMember))
	s.HandleFunc("GET "+base+"/lich-su", ah.Official(h.history))
	s.HandleFunc("GET "+base+"/quy-che", ah.Official(h.regulation))
	s.HandleUpload("POST "+base+"/quy-che", MaxUploadSize, ah.Official(h.setRegulation))
	s.HandleFunc("GET "+base+"/quy-che/tep", ah.Official(h.regulationFile))
	s.HandleFunc("GET "+base+"/hop", ah.Official(h.meetings))
	s.HandleUpload("POST "+base+"/hop", MaxUploadSize, ah.Official(h.addMeeting))
	s.HandleFunc("GET "+base+"/hop/{id}", ah.Official(h.meeting))
	s.HandleUpload("POST "+base+"/hop/{id}", MaxUploadSize, ah.Official(h.updateMeeting))
	s.HandleFunc("GET "+base+"/hop/{id}/tep", ah.Official(h.minutesFile))
	for _, f := range []string{"docx", "pdf"} {
		s.HandleFunc("GET "+base+"/quyet-dinh."+f, ah.Official(h.decisionDoc(f)))
		s.HandleFunc("GET "+base+"/hop/{id}/bien-ban."+f, ah.Official(h.minutesDoc(f)))
	}
	return nil
}

// unitParam is the unit of the URL, once the guard let the official in.
func (h *handlers) unitParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, bool) {
	return h.ah.Unit(w, r, a, auth.ManageSteering)
}

// formError shows the form again or the error page, by the one rule of web.FailForm.
func (h *handlers) formError(w http.ResponseWriter, r *http.Request, err error, show func(f web.FormFailure)) {
	if f, ok := h.web.FailForm(w, r, err); ok {
		show(f)
	}
}

// group is the members of one position.
type group struct {
	Position Position
	Members  []Member
}

// page is what every page of a committee carries.
type page struct {
	Unit      org.Unit
	Committee Committee
	Has       bool // the unit has a committee
	Error     string
	Fields    map[string]string
	Values    map[string]string
	Today     string
	Download  bool // the Word and PDF writers are wired
	Positions []Position
	Example   string // a unit code to show in the followed units' help
}

func (h *handlers) base(r *http.Request, a *auth.Actor, u org.Unit) (page, error) {
	p := page{Unit: u, Today: legal.Today(h.svc.Now()).String(), Download: h.writer != nil, Positions: Positions, Values: map[string]string{}}
	c, err := h.svc.Committee(r.Context(), a, u.ID)
	switch {
	case err == nil:
		p.Committee, p.Has = c, true
	case apperr.CodeOf(err) != apperr.CodeNotFound || apperr.KeyOf(err) != "steering.err.no_committee":
		return p, err
	}
	p.Example = h.svc.example(r.Context(), u)
	return p, nil
}

// start is what a page of the unit's committee begins with, the form's
// failure f (nil: none) shown on it; need: a unit without a committee has no
// such page. false: the error page is sent.
func (h *handlers) start(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, f *web.FormFailure, need bool) (page, bool) {
	p, err := h.base(r, a, u)
	if err == nil && need && !p.Has {
		err = apperr.New(apperr.CodeNotFound, "steering.err.no_committee")
	}
	if err != nil {
		h.web.Error(w, r, err)
		return p, false
	}
	if f != nil {
		p.failed(*f)
	}
	return p, true
}

func (p *page) failed(f web.FormFailure) {
	p.Error, p.Fields, p.Values = f.Message, f.Fields, f.Values
}

type committeePage struct {
	page
	Groups []group
}

func (h *handlers) committeePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, f *web.FormFailure) {
	p, ok := h.start(w, r, a, u, f, false)
	if !ok {
		return
	}
	cp := committeePage{page: p}
	for _, pos := range Positions {
		g := group{Position: pos}
		for _, m := range p.Committee.Members {
			if m.Position == pos {
				g.Members = append(g.Members, m)
			}
		}
		if len(g.Members) > 0 {
			cp.Groups = append(cp.Groups, g)
		}
	}
	h.web.RenderStatus(w, r, h.pages["committee"], status, h.web.T(r, "steering.title", u.Name), cp)
}

func (h *handlers) committee(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.committeePage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) establish(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	idem, err := web.FormIdem(r)
	if err == nil {
		if _, err = h.svc.Establish(r.Context(), a, u.ID, r.PostFormValue("name"), idem); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page), "steering.done.established")
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.committeePage(w, r, a, u, f.Status, &f) })
}

// readMember reads a member's form.
func (h *handlers) readMember(r *http.Request) (MemberDraft, error) {
	v := r.PostFormValue
	d := MemberDraft{Position: Position(v("position")), Name: v("name"), Office: v("office"), Area: v("area"),
		Decision: Decision{Number: v("decision_number")}}
	f := map[string]apperr.Msg{}
	if s := strings.TrimSpace(v("decision_date")); s != "" {
		var err error
		if d.Decision.Date, err = legal.ParseDate(s); err != nil {
			f["decision_date"] = apperr.M("steering.err.f.date")
		}
	}
	if len(f) > 0 {
		return d, apperr.New(apperr.CodeInvalid, "steering.err.member_invalid").WithFields(f)
	}
	units, err := h.svc.UnitsByKeys(r.Context(), v("units"))
	if err != nil {
		return d, err
	}
	d.Units = units
	if d.Idem, err = web.FormIdem(r); err != nil {
		return d, err
	}
	return d, nil
}

func (h *handlers) addMember(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	d, err := h.readMember(r)
	if err == nil {
		if _, err = h.svc.AddMember(r.Context(), a, u.ID, d); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page), "steering.done.member_added")
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.committeePage(w, r, a, u, f.Status, &f) })
}

type memberPage struct {
	page
	M Member
	// Failed names the form that failed ("change", "remove"): its fields are
	// shown as typed, the other's as stored.
	Failed string
}

func (h *handlers) findMember(r *http.Request, p page) (Member, error) {
	id, ok := web.PathID(r, "id")
	if !ok || !p.Has {
		return Member{}, apperr.New(apperr.CodeNotFound, "steering.err.no_member")
	}
	for _, m := range p.Committee.Members {
		if m.ID == id {
			return m, nil
		}
	}
	return Member{}, apperr.New(apperr.CodeNotFound, "steering.err.no_member")
}

func (h *handlers) memberPageRender(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, failed string, f *web.FormFailure) {
	p, err := h.base(r, a, u)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	m, err := h.findMember(r, p)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	stored := map[string]string{"position": string(m.Position), "name": m.Name, "office": m.Office, "area": m.Area,
		"units": strings.Join(m.UnitKeys, ", ")}
	p.Values = stored
	if f != nil {
		p.failed(*f)
		if failed == "remove" { // the change form shows the member as stored
			for k, v := range stored {
				p.Values[k] = v
			}
		}
	}
	h.web.RenderStatus(w, r, h.pages["member"], status, h.web.T(r, "steering.member.title", m.Name), memberPage{page: p, M: m, Failed: failed})
}

func (h *handlers) memberPage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.memberPageRender(w, r, a, u, http.StatusOK, "", nil)
	}
}

func formVersion(r *http.Request) int {
	n, _ := strconv.Atoi(r.PostFormValue("version"))
	return n
}

func (h *handlers) changeMember(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	d, err := h.readMember(r)
	if err == nil {
		if _, err = h.svc.ChangeMember(r.Context(), a, u.ID, id, formVersion(r), d); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page), "steering.done.member_changed")
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.memberPageRender(w, r, a, u, f.Status, "change", &f) })
}

func (h *handlers) removeMember(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	dec, err := readDecision(r)
	if err == nil {
		if err = h.svc.RemoveMember(r.Context(), a, u.ID, id, formVersion(r), dec); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page), "steering.done.member_removed")
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.memberPageRender(w, r, a, u, f.Status, "remove", &f) })
}

// readDecision reads a form's decision_number and decision_date.
func readDecision(r *http.Request) (Decision, error) {
	d := Decision{Number: r.PostFormValue("decision_number")}
	if s := strings.TrimSpace(r.PostFormValue("decision_date")); s != "" {
		var err error
		if d.Date, err = legal.ParseDate(s); err != nil {
			return d, apperr.New(apperr.CodeInvalid, "steering.err.leave_invalid").
				WithFields(map[string]apperr.Msg{"decision_date": apperr.M("steering.err.f.date")})
		}
	}
	return d, nil
}

type historyPage struct {
	page
	Changes []Change
}

func (h *handlers) history(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	p, err := h.base(r, a, u)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	var changes []Change
	if p.Has {
		if changes, err = h.svc.History(r.Context(), p.Committee.ID); err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	h.web.Render(w, r, h.pages["history"], h.web.T(r, "steering.history.title", u.Name), historyPage{page: p, Changes: changes})
}

func (h *handlers) regulationPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, f *web.FormFailure) {
	p, ok := h.start(w, r, a, u, f, true)
	if !ok {
		return
	}
	if f == nil {
		c := p.Committee
		p.Values = map[string]string{"text": c.Regulation, "decision_number": c.RegulationRef.Number, "decision_date": dateText(c.RegulationRef.Date)}
	}
	p.Values["version"] = strconv.Itoa(p.Committee.Version)
	h.web.RenderStatus(w, r, h.pages["regulation"], status, h.web.T(r, "steering.regulation.title", u.Name), p)
}

func (h *handlers) regulation(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.regulationPage(w, r, a, u, http.StatusOK, nil)
	}
}

// upload is the form's one file in field name (nil: none chosen); close it
// when done.
func upload(r *http.Request, name string) (*Upload, func(), error) {
	ups, done, err := web.FormFiles(r, name)
	if err != nil || len(ups) == 0 {
		return nil, done, err
	}
	return &ups[0], done, nil
}

func (h *handlers) setRegulation(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	up, done, err := upload(r, "file")
	defer done()
	if err == nil {
		var dec Decision
		if dec, err = readDecision(r); err == nil {
			d := RegulationDraft{Text: r.PostFormValue("text"), Decision: dec, RemoveFile: r.PostFormValue("remove_file") != ""}
			if _, err = h.svc.SetRegulation(r.Context(), a, u.ID, formVersion(r), d, up); err == nil {
				h.web.Done(w, r, u.OfficeURL(Page, "quy-che"), "steering.done.regulation")
				return
			}
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.regulationPage(w, r, a, u, f.Status, &f) })
}

// serveFile sends a stored file as an attachment (signed-in answers are no-store).
func (h *handlers) serveFile(w http.ResponseWriter, r *http.Request, name, sum, contentType string, modified int64) {
	file, err := h.svc.Blobs.Open(sum)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	defer file.Close()
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	http.ServeContent(w, r, "", time.UnixMilli(modified), file)
}

func (h *handlers) regulationFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	c, err := h.svc.Committee(r.Context(), a, u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if c.RegulationFile == nil {
		h.web.NotFound(w, r)
		return
	}
	h.serveFile(w, r, c.RegulationFile.Name, c.RegulationFile.SHA256, c.RegulationFile.ContentType, c.UpdatedAt)
}

type meetingsPage struct {
	page
	Meetings []Meeting
}

func (h *handlers) meetingsPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, f *web.FormFailure) {
	p, ok := h.start(w, r, a, u, f, true)
	if !ok {
		return
	}
	ms, err := h.svc.Meetings(r.Context(), p.Committee.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.RenderStatus(w, r, h.pages["meetings"], status, h.web.T(r, "steering.meetings.title", u.Name), meetingsPage{page: p, Meetings: ms})
}

func (h *handlers) meetings(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.meetingsPage(w, r, a, u, http.StatusOK, nil)
	}
}

// readMeeting reads a meeting's form.
func readMeeting(r *http.Request) (MeetingDraft, error) {
	v := r.PostFormValue
	d := MeetingDraft{StartsAt: v("starts_at"), Place: v("place"), Chair: v("chair"), Attendees: strings.Split(v("attendees"), "\n"),
		Content: v("content"), Conclusions: v("conclusions"), Proceedings: v("proceedings")}
	if s := strings.TrimSpace(v("held_on")); s != "" {
		var err error
		if d.HeldOn, err = legal.ParseDate(s); err != nil {
			return d, apperr.New(apperr.CodeInvalid, "steering.err.meeting_invalid").
				WithFields(map[string]apperr.Msg{"held_on": apperr.M("steering.err.f.date")})
		}
	}
	idem, err := web.FormIdem(r)
	d.Idem = idem
	return d, err
}

func (h *handlers) addMeeting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	up, done, err := upload(r, "file")
	defer done()
	if err == nil {
		var d MeetingDraft
		if d, err = readMeeting(r); err == nil {
			var m Meeting
			if m, err = h.svc.AddMeeting(r.Context(), a, u.ID, d, up); err == nil {
				h.web.Done(w, r, u.OfficeURL(Page, "hop", m.ID), "steering.done.meeting")
				return
			}
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.meetingsPage(w, r, a, u, f.Status, &f) })
}

type meetingPage struct {
	page
	M Meeting
}

func (h *handlers) meetingPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, f *web.FormFailure) {
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
	p, ok := h.start(w, r, a, u, f, false)
	if !ok {
		return
	}
	if f == nil {
		p.Values = map[string]string{"held_on": m.HeldOn.String(), "starts_at": m.StartsAt, "place": m.Place, "chair": m.Chair,
			"attendees": strings.Join(m.Attendees, "\n"), "content": m.Content, "conclusions": m.Conclusions, "proceedings": m.Proceedings}
	}
	p.Values["version"] = strconv.Itoa(m.Version)
	h.web.RenderStatus(w, r, h.pages["meeting"], status, h.web.T(r, "steering.meeting.title", m.HeldOn.VN()), meetingPage{page: p, M: m})
}

func (h *handlers) meeting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.meetingPage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) updateMeeting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	up, done, err := upload(r, "file")
	defer done()
	if err == nil {
		var d MeetingDraft
		if d, err = readMeeting(r); err == nil {
			if _, err = h.svc.UpdateMeeting(r.Context(), a, u.ID, id, formVersion(r), d, up, r.PostFormValue("remove_file") != ""); err == nil {
				h.web.Done(w, r, u.OfficeURL(Page, "hop", id), "steering.done.meeting_updated")
				return
			}
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.meetingPage(w, r, a, u, f.Status, &f) })
}

func (h *handlers) minutesFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
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
	if m.MinutesFile == nil {
		h.web.NotFound(w, r)
		return
	}
	h.serveFile(w, r, m.MinutesFile.Name, m.MinutesFile.SHA256, m.MinutesFile.ContentType, m.UpdatedAt)
}

// sendDoc lays d out in format and sends it as name.format.
func (h *handlers) sendDoc(w http.ResponseWriter, r *http.Request, d document.Doc, format, name string) {
	h.web.SendDocument(w, r, h.writer, d, format, name)
}

func (h *handlers) decisionDoc(format string) func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		u, ok := h.unitParam(w, r, a)
		if !ok {
			return
		}
		if h.writer == nil {
			h.web.NotFound(w, r)
			return
		}
		d, err := h.svc.DecisionDoc(r.Context(), a, u.ID)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		h.sendDoc(w, r, d, format, "quyet-dinh-kien-toan-ban-chi-dao")
	}
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
		h.sendDoc(w, r, d, format, "bien-ban-hop-"+d.Date.String())
	}
}
