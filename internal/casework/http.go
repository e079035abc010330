package casework

import (
	"embed"
	"fmt"
	"mime"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/document"
	"danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/sheet"
	"danchu/internal/web"
)

//go:embed templates locales openapi.json
var assets embed.FS

// Page is the cases' back-office address under a unit's (/quan-tri/don-vi/{unit}/don-thu).
const Page = "don-thu"

// MaxUploadSize is the largest form: ten attachments and the text.
const MaxUploadSize = MaxFiles*files.DefaultMaxFile + 1<<20

type handlers struct {
	ah     *auth.Handlers
	writer document.Writer
	svc    *Service
	web    *web.Server
	units  *org.Service
	pages  map[string]*web.Page
}

// RegisterRoutes adds the citizens' and the officials' pages of casework.
// writer lays the steps' documents out (nil: their downloads are not found).
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service, writer document.Writer) error {
	if err := s.AddCatalog(assets); err != nil {
		return fmt.Errorf("casework catalog: %w", err)
	}
	if err := s.AddOpenAPI(assets, "openapi.json"); err != nil {
		return err
	}
	pages, err := s.Pages(assets, []string{"mine", "lodge", "mycase", "list", "enter", "case", "vault", "stats", "public"}, "templates/parts.tmpl")
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages, writer: writer}
	s.HandleFunc("GET /xa/{code}/"+PublicPage, h.publicList(org.CommuneLevel))
	s.HandleFunc("GET /tinh/{code}/"+PublicPage, h.publicList(org.ProvinceLevel))
	s.HandleFunc("GET /api/v1/units/{code}/case-results", h.apiList)
	s.HandleFunc("GET /cong-dan/don-thu", ah.Citizen(h.mine))
	s.HandleFunc("GET /cong-dan/don-thu/gui", ah.Citizen(h.lodgeForm))
	s.HandleUpload("POST /cong-dan/don-thu/gui", MaxUploadSize, ah.Citizen(h.lodge))
	s.HandleFunc("GET /cong-dan/don-thu/{code}", ah.Citizen(h.myCase))
	const base = "/quan-tri/don-vi/{unit}/" + Page
	s.HandleFunc("GET "+base, ah.Official(h.list))
	s.HandleFunc("GET "+base+"/nhap", ah.Official(h.enterForm))
	s.HandleUpload("POST "+base+"/nhap", MaxUploadSize, ah.Official(h.enter))
	s.HandleFunc("GET "+base+"/so-thu-ly.xlsx", ah.Official(h.register))
	s.HandleFunc("GET "+base+"/thong-ke", ah.Official(h.stats))
	s.HandleFunc("GET "+base+"/thong-ke.xlsx", ah.Official(h.statsXLSX))
	s.HandleFunc("GET "+base+"/{id}", ah.Official(h.casePage))
	s.HandleFunc("POST "+base+"/{id}/buoc", ah.Official(h.act))
	s.HandleFunc("POST "+base+"/{id}/ban-lam-viec", ah.Official(h.confirm))
	s.HandleFunc("POST "+base+"/{id}/nguoi-xac-minh", ah.Official(h.addVerifier))
	s.HandleFunc("POST "+base+"/{id}/quyen-danh-tinh", ah.Official(h.grant))
	s.HandleFunc("POST "+base+"/{id}/danh-tinh", ah.Official(h.readVault))
	s.HandleFunc("POST "+base+"/{id}/ban-goc/{file}", ah.Official(h.original))
	s.HandleFunc("GET "+base+"/{id}/tep/{file}", ah.Official(h.workingFile))
	s.HandleFunc("GET "+base+"/{id}/van-ban/{file}", ah.Official(h.stepDocument))
	return nil
}

func (h *handlers) formError(w http.ResponseWriter, r *http.Request, err error, show func(f web.FormFailure)) {
	if f, ok := h.web.FailForm(w, r, err); ok {
		show(f)
	}
}

// --- citizens -------------------------------------------------------------------

type minePage struct {
	Cases []Case
}

func (h *handlers) mine(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	cs, err := h.svc.Mine(r.Context(), a, 200)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["mine"], h.web.T(r, "casework.mine.title"), minePage{Cases: cs})
}

type lodgePage struct {
	Error  string
	Fields map[string]string
	Values map[string]string
	Today  string
	Kinds  []string
	Areas  []string
}

func (h *handlers) lodgePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, f *web.FormFailure) {
	p := lodgePage{Values: map[string]string{"name": a.Name, "email": a.Email, "phone": a.Phone, "kind": Denunciation},
		Today: legal.Today(h.svc.Now()).String(), Kinds: []string{Complaint, Denunciation}, Areas: Fields}
	if f != nil {
		p.Error, p.Fields, p.Values = f.Message, f.Fields, f.Values
	}
	h.web.RenderStatus(w, r, h.pages["lodge"], status, h.web.T(r, "casework.lodge.title"), p)
}

func (h *handlers) lodgeForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if !h.svc.Enabled() {
		h.web.Error(w, r, h.svc.ready())
		return
	}
	h.lodgePage(w, r, a, http.StatusOK, nil)
}

// readDraft reads a case's form (the citizen's or the official's).
func (h *handlers) readDraft(r *http.Request) (Draft, error) {
	v := r.PostFormValue
	d := Draft{Kind: v("kind"), Subject: v("subject"), Body: v("body"), Field: v("field"), Source: v("source"), Channel: v("channel"),
		ObstacleReason: v("obstacle_reason"), FirstCode: strings.TrimSpace(v("first_code")), Anonymous: v("anonymous") == "1",
		FeedbackID: formID(v("feedback")),
		Identity:   Identity{Name: v("name"), IDNumber: v("id_number"), Address: v("address"), Phone: v("phone"), Email: v("email")}}
	p := problems{}
	date := func(field string) legal.Date {
		s := strings.TrimSpace(v(field))
		if s == "" {
			return legal.Date{}
		}
		x, err := legal.ParseDate(s)
		if err != nil {
			p.add(field, apperr.M("casework.err.date"))
		}
		return x
	}
	num := func(field string) int {
		s := strings.TrimSpace(v(field))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 {
			p.add(field, apperr.M("casework.err.number"))
		}
		return n
	}
	d.KnownOn, d.Received = date("known_on"), date("received_on")
	d.ObstacleDays, d.People = num("obstacle_days"), num("people")
	if s := strings.TrimSpace(v("unit")); s != "" {
		u, err := h.units.UnitByCode(r.Context(), s)
		if err != nil {
			p.add("unit", apperr.M("casework.err.unit_code", s))
		} else {
			d.UnitID = u.ID
		}
	} else {
		p.add("unit", apperr.M("casework.err.required"))
	}
	return d, p.err(apperr.New(apperr.CodeInvalid, "casework.err.draft_invalid"))
}

func (h *handlers) lodge(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	idem, err := web.FormIdem(r)
	var c Case
	if err == nil {
		var d Draft
		if d, err = h.readDraft(r); err == nil {
			var ups []files.Upload
			var done func()
			if ups, done, err = web.FormFiles(r, "files"); err == nil {
				c, err = h.svc.Lodge(r.Context(), a, d, ups, idem)
				done()
			}
		}
	}
	if err == nil {
		h.web.Done(w, r, "/cong-dan/don-thu/"+c.Code, "casework.done.lodged")
		return
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.lodgePage(w, r, a, f.Status, &f) })
}

type myCasePage struct {
	Case  Case
	Steps []Step
}

func (h *handlers) myCase(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	c, steps, err := h.svc.MyCase(r.Context(), a, r.PathValue("code"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["mycase"], h.web.T(r, "casework.mycase.title", c.Code), myCasePage{Case: c, Steps: steps})
}

// --- officials --------------------------------------------------------------------

type listPage struct {
	Unit   org.Unit
	Cases  []Case
	Pager  web.Pager
	Kind   string
	Status string
	Due    bool
	Kinds  []string
	States []StatusRule
	Today  legal.Date
	Mass   int
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleCases)
	if !ok {
		return
	}
	q := r.URL.Query()
	p := listPage{Unit: u, Kind: q.Get("loai"), Status: q.Get("trang-thai"), Due: q.Get("den-han") == "1", Kinds: Kinds, States: Statuses,
		Today: legal.Today(h.svc.Now()), Mass: h.svc.MassFrom}
	if p.Kind != "" && !slices.Contains(Kinds, p.Kind) {
		p.Kind = ""
	}
	if _, ok := statusRules[p.Status]; !ok && p.Status != "open" {
		p.Status = ""
	}
	var err error
	if p.Due {
		p.Cases, err = h.svc.DueBy(r.Context(), a, u, p.Today.AddDays(7), 200)
	} else {
		p.Cases, p.Pager, err = web.KeysetPage(r, "truoc", 50, func(cursor int64, limit int) ([]Case, error) {
			return h.svc.List(r.Context(), a, u, Filter{Kind: p.Kind, Status: p.Status, Before: cursor, Limit: limit})
		}, func(c Case) int64 { return c.ID })
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.names(r, p.Cases)
	h.web.Render(w, r, h.pages["list"], h.web.T(r, "casework.list.title", u.Name), p)
}

// names fills the units' names of cases.
func (h *handlers) names(r *http.Request, cs []Case) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		return
	}
	for i := range cs {
		if u, ok := t.Unit(cs[i].UnitID); ok {
			cs[i].UnitName = u.Name
		}
	}
}

// formID is a form's id field: 0 when empty or not an id (what Enter reads as
// "not converting"; a forged id is refused by the feedback room).
func formID(s string) int64 {
	id, _ := web.ParseID(strings.TrimSpace(s))
	return id
}

type enterPage struct {
	Unit     org.Unit
	From     *FeedbackItem // a feedback item being converted
	Error    string
	Fields   map[string]string
	Values   map[string]string
	Today    string
	Kinds    []string
	Channels []string
	Areas    []string
}

func (h *handlers) enterPage(w http.ResponseWriter, r *http.Request, u org.Unit, from *FeedbackItem, status int, f *web.FormFailure) {
	p := enterPage{Unit: u, From: from, Values: map[string]string{"unit": u.OfficeKey(), "kind": Complaint, "channel": ByPost, "received_on": legal.Today(h.svc.Now()).String()},
		Today: legal.Today(h.svc.Now()).String(), Kinds: Kinds, Channels: Channels, Areas: Fields}
	if from != nil {
		// What the item said, to be completed: the sender's identity is asked
		// of every complaint and denunciation.
		p.Values["feedback"], p.Values["body"], p.Values["received_on"] = strconv.FormatInt(from.ID, 10), from.Description, from.Received.String()
		if strings.Contains(from.Contact, "@") {
			p.Values["email"] = from.Contact
		} else {
			p.Values["phone"] = from.Contact
		}
	}
	if f != nil {
		p.Error, p.Fields, p.Values = f.Message, f.Fields, f.Values
	}
	h.web.RenderStatus(w, r, h.pages["enter"], status, h.web.T(r, "casework.enter.title", u.Name), p)
}

// converting is the feedback item an entry form converts (?phan-anh= on the
// form, the feedback field once posted), or nil.
func (h *handlers) converting(r *http.Request, a *auth.Actor, id int64) (*FeedbackItem, error) {
	if id == 0 {
		return nil, nil
	}
	it, err := h.svc.Convertible(r.Context(), a, id)
	if err != nil {
		return nil, err
	}
	return &it, nil
}

func (h *handlers) enterForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleCases)
	if !ok {
		return
	}
	if !h.svc.Enabled() {
		h.web.Error(w, r, h.svc.ready())
		return
	}
	var from *FeedbackItem
	if q := r.URL.Query().Get(FromFeedback); q != "" {
		var err error
		if from, err = h.converting(r, a, formID(q)); err == nil && from == nil {
			err = apperr.New(apperr.CodeNotFound, "casework.err.no_feedback")
		}
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	h.enterPage(w, r, u, from, http.StatusOK, nil)
}

// FromFeedback is the entry form's query parameter naming the feedback item
// it converts (/quan-tri/don-vi/{unit}/don-thu/nhap?phan-anh={id}).
const FromFeedback = "phan-anh"

func (h *handlers) enter(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleCases)
	if !ok {
		return
	}
	idem, err := web.FormIdem(r)
	var c Case
	if err == nil {
		var d Draft
		if d, err = h.readDraft(r); err == nil {
			var ups []files.Upload
			var done func()
			if ups, done, err = web.FormFiles(r, "files"); err == nil {
				c, err = h.svc.Enter(r.Context(), a, d, ups, idem)
				done()
			}
		}
	}
	if err == nil {
		h.web.Done(w, r, caseURL(u, c.ID), "casework.done.entered")
		return
	}
	h.formError(w, r, err, func(f web.FormFailure) {
		from, _ := h.converting(r, a, formID(r.PostFormValue("feedback")))
		h.enterPage(w, r, u, from, f.Status, &f)
	})
}

func caseURL(u org.Unit, id int64, more ...any) string {
	return u.OfficeURL(append([]any{Page, id}, more...)...)
}

// theCase reads the {id} of the URL: a case inside the URL's unit the actor
// may see; anything else is not found.
func (h *handlers) theCase(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, View, bool) {
	u, ok := h.ah.Scope(w, r, a, auth.ViewBackOffice)
	if !ok {
		return u, View{}, false
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return u, View{}, false
	}
	v, err := h.svc.Get(r.Context(), a, id)
	if err == nil && !h.within(r, v.Case.UnitID, u.ID) {
		err = apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	if err != nil {
		h.web.Error(w, r, err)
		return u, View{}, false
	}
	return u, v, true
}

func (h *handlers) within(r *http.Request, id, ancestor int64) bool {
	t, err := h.units.Tree(r.Context())
	return err == nil && t.Within(id, ancestor)
}

// StepForm is a step's form on the case page: what it asks.
type StepForm struct {
	Step                      string
	Number, Reason, To, Flags bool
	Public                    bool // the reason is the text published
	Planned                   bool // a dialogue's day
}

func stepForms(steps []string) []StepForm {
	out := make([]StepForm, 0, len(steps))
	for _, s := range steps {
		out = append(out, StepForm{Step: s, Number: slices.Contains(needsDecision, s), Reason: slices.Contains(needsReason, s),
			To: s == DoTransfer, Flags: s == DoAccept, Public: s == DoPublish, Planned: s == DoNotice})
	}
	return out
}

type casePage struct {
	Forms      []StepForm
	Competent  string
	Unit       org.Unit
	V          View
	Error      string
	Fields     map[string]string
	Values     map[string]string
	Failed     string // the form that failed
	Today      string
	Candidates []Verifier // who may verify
	Holders    []Verifier // who may be given the vault
	Areas      []string
	PublicURL  string         // the public list a publication of the case goes on
	Docs       map[int64]bool // the steps whose document can be downloaded
}

func (h *handlers) casePageRender(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, failed string, f *web.FormFailure) {
	u, v, ok := h.theCase(w, r, a)
	if !ok {
		return
	}
	p := casePage{Unit: u, V: v, Today: legal.Today(h.svc.Now()).String(), Values: map[string]string{}, Failed: failed, Areas: Fields,
		Forms: stepForms(v.Allowed), Competent: CompetentBody(v.Case.UnitName)}
	if f != nil {
		p.Error, p.Fields, p.Values = f.Message, f.Fields, f.Values
	}
	if v.Role == AsHandler {
		p.Candidates, _ = h.svc.Candidates(r.Context(), a, v.Case.ID, false)
		p.Holders, _ = h.svc.Candidates(r.Context(), a, v.Case.ID, true)
	}
	if t, err := h.units.Tree(r.Context()); err == nil {
		p.PublicURL = PublicationsURL(t, v.Case.UnitID)
	}
	if h.writer != nil && v.Case.Redacted {
		p.Docs = map[int64]bool{}
		for _, st := range v.Steps {
			p.Docs[st.ID] = HasDocument(v.Case.Kind, st.Step)
		}
	}
	h.web.RenderStatus(w, r, h.pages["case"], status, h.web.T(r, "casework.case.title", v.Case.Code), p)
}

func (h *handlers) casePage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.casePageRender(w, r, a, http.StatusOK, "", nil)
}

func (h *handlers) caseID(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, int64, bool) {
	u, ok := h.ah.Scope(w, r, a, auth.HandleCases)
	if !ok {
		return u, 0, false
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return u, 0, false
	}
	return u, id, true
}

func (h *handlers) act(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, id, ok := h.caseID(w, r, a)
	if !ok {
		return
	}
	v := r.PostFormValue
	d := StepDraft{Step: v("step"), Number: v("number"), Reason: v("reason"), To: v("to"),
		Complex: v("complex") == "1", Remote: v("remote") == "1", MultiSite: v("multi_site") == "1"}
	var err error
	d.Version, _ = strconv.Atoi(v("version"))
	for field, day := range map[string]*legal.Date{"on": &d.On, "planned": &d.Planned} {
		if s := strings.TrimSpace(v(field)); s != "" && err == nil {
			if *day, err = legal.ParseDate(s); err != nil {
				err = apperr.New(apperr.CodeInvalid, "casework.err.step_invalid").Field(field, apperr.M("casework.err.date"))
			}
		}
	}
	if err == nil {
		err = h.checkWithin(r, a, u, id)
	}
	if err == nil {
		if _, err = h.svc.Act(r.Context(), a, id, d); err == nil {
			h.web.Done(w, r, caseURL(u, id), "casework.done.step")
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.casePageRender(w, r, a, f.Status, "step-"+d.Step, &f) })
}

// checkWithin refuses a case outside the URL's unit as not found.
func (h *handlers) checkWithin(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
	c, err := h.svc.caseByID(r.Context(), id)
	if err != nil {
		return err
	}
	if !h.within(r, c.UnitID, u.ID) {
		return apperr.New(apperr.CodeNotFound, "casework.err.no_case")
	}
	return nil
}

func (h *handlers) confirm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, id, ok := h.caseID(w, r, a)
	if !ok {
		return
	}
	red := Redaction{Marks: r.PostFormValue("marks"), Boxes: map[int64]string{}}
	red.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	for k, vs := range r.PostForm {
		if n, ok := strings.CutPrefix(k, "boxes-"); ok && len(vs) > 0 {
			if fid, err := strconv.ParseInt(n, 10, 64); err == nil && strings.TrimSpace(vs[0]) != "" {
				red.Boxes[fid] = vs[0]
			}
		}
	}
	err := h.checkWithin(r, a, u, id)
	if err == nil {
		if _, err = h.svc.ConfirmWorkingCopy(r.Context(), a, id, red); err == nil {
			h.web.Done(w, r, caseURL(u, id), "casework.done.redacted")
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.casePageRender(w, r, a, f.Status, "redact", &f) })
}

func (h *handlers) named(w http.ResponseWriter, r *http.Request, a *auth.Actor, what string) {
	u, id, ok := h.caseID(w, r, a)
	if !ok {
		return
	}
	account, _ := strconv.ParseInt(r.PostFormValue("account"), 10, 64)
	err := h.checkWithin(r, a, u, id)
	if err == nil {
		if what == "verifier" {
			err = h.svc.AddVerifier(r.Context(), a, id, account)
		} else {
			err = h.svc.GrantVault(r.Context(), a, id, account)
		}
		if err == nil {
			h.web.Done(w, r, caseURL(u, id), "casework.done."+what)
			return
		}
	}
	h.formError(w, r, err, func(f web.FormFailure) { h.casePageRender(w, r, a, f.Status, what, &f) })
}

func (h *handlers) addVerifier(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.named(w, r, a, "verifier")
}

func (h *handlers) grant(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.named(w, r, a, "vault_grant")
}

type vaultPage struct {
	Unit   org.Unit
	Case   Case
	Opened Opened
	Reason string
}

func (h *handlers) readVault(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Scope(w, r, a, auth.ViewBackOffice)
	if !ok {
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	reason := r.PostFormValue("reason")
	err := h.checkWithin(r, a, u, id)
	var o Opened
	if err == nil {
		o, err = h.svc.ReadVault(r.Context(), a, id, reason)
	}
	if err != nil {
		h.formError(w, r, err, func(f web.FormFailure) { h.casePageRender(w, r, a, f.Status, "vault", &f) })
		return
	}
	c, _ := h.svc.caseByID(r.Context(), id)
	web.Uncompressed(w) // a secret beside what the request sent
	h.web.Render(w, r, h.pages["vault"], h.web.T(r, "casework.vault.title", c.Code), vaultPage{Unit: u, Case: c, Opened: o, Reason: reason})
}

func (h *handlers) original(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Scope(w, r, a, auth.ViewBackOffice)
	if !ok {
		return
	}
	id, ok1 := web.PathID(r, "id")
	fid, ok2 := web.PathID(r, "file")
	if !ok1 || !ok2 {
		h.web.NotFound(w, r)
		return
	}
	err := h.checkWithin(r, a, u, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	f, data, err := h.svc.Original(r.Context(), a, id, fid, r.PostFormValue("reason"))
	if err != nil {
		h.formError(w, r, err, func(ff web.FormFailure) { h.casePageRender(w, r, a, ff.Status, "vault", &ff) })
		return
	}
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "ban-goc-" + f.Name}))
	w.Header().Set("Cache-Control", "no-store")
	w.Write(data)
}

func (h *handlers) workingFile(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Scope(w, r, a, auth.ViewBackOffice)
	if !ok {
		return
	}
	id, ok1 := web.PathID(r, "id")
	fid, ok2 := web.PathID(r, "file")
	if !ok1 || !ok2 {
		h.web.NotFound(w, r)
		return
	}
	if err := h.checkWithin(r, a, u, id); err != nil {
		h.web.Error(w, r, err)
		return
	}
	f, err := h.svc.WorkingFile(r.Context(), a, id, fid)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	file, err := h.svc.Blobs.Open(f.SHA256)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	defer file.Close()
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	http.ServeContent(w, r, "", time.Time{}, file)
}

// register is the sổ thụ lý of a unit's subtree as XLSX: every case received
// in the year (?nam=, this year by default), the working copy's words only.
func (h *handlers) register(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleCases)
	if !ok {
		return
	}
	from, until, err := yearParam(r, legal.Today(h.svc.Now()))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	cs, err := h.svc.Register(r.Context(), a, u, from, until)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.names(r, cs)
	rows := make([][]any, 0, len(cs))
	for i, c := range cs {
		rows = append(rows, []any{i + 1, c.Code, sheet.Day(c.Received), KindLabel(c.Kind), instance(c), channelLabel(c.Channel), c.UnitName,
			c.Subject, c.Field, c.People, StatusLabel(c.Status), sheet.Day(c.AcceptedOn), sheet.Day(c.DecidedOn), sheet.Day(c.Due), yes(c.Late), yes(c.OutOfTime)})
	}
	b, err := sheet.XLSX(sheet.Table{Name: "Sổ thụ lý", Title: "SỔ THEO DÕI, THỤ LÝ ĐƠN KHIẾU NẠI, TỐ CÁO — " + strings.ToUpper(u.Name),
		Note: fmt.Sprintf("Đơn nhận từ %s đến %s. Nội dung là bản làm việc đã che thông tin người gửi (Luật Tố cáo 2018 Điều 47).", from.VN(), until.VN()),
		Head: []string{"STT", "Mã đơn", "Ngày nhận", "Loại", "Lần", "Nguồn", "Cơ quan giải quyết", "Nội dung tóm tắt", "Lĩnh vực", "Số người",
			"Tình trạng", "Ngày thụ lý", "Ngày quyết định, kết luận", "Hạn hiện tại", "Quá hạn", "Quá thời hiệu"},
		Widths: []float64{6, 16, 12, 12, 6, 14, 28, 50, 18, 9, 22, 12, 14, 12, 9, 9}, Rows: rows})
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("so-thu-ly-%s-%d.xlsx", u.OfficeKey(), from.Year), b)
}

func yes(b bool) string {
	if b {
		return "Có"
	}
	return ""
}

func instance(c Case) any {
	if c.Instance == 0 {
		return ""
	}
	return c.Instance
}

func channelLabel(ch string) string {
	switch ch {
	case ByWeb:
		return "Trực tuyến"
	case ByPost:
		return "Qua bưu chính"
	case ByDesk:
		return "Tại nơi tiếp công dân"
	case ByForwarded:
		return "Cơ quan khác chuyển đến"
	case ByFeedback:
		return "Từ phản ánh, kiến nghị"
	}
	return ch
}

// yearParam is the year of ?nam= (this year when absent).
func yearParam(r *http.Request, today legal.Date) (legal.Date, legal.Date, error) {
	y := today.Year
	if s := r.URL.Query().Get("nam"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 2000 || n > today.Year {
			return legal.Date{}, legal.Date{}, apperr.New(apperr.CodeInvalid, "casework.err.year", today.Year)
		}
		y = n
	}
	return legal.DateOf(y, time.January, 1), legal.DateOf(y, time.December, 31), nil
}

type statsPage struct {
	Unit  org.Unit
	Year  int
	Rows  []StatRow
	Total StatRow
}

func (h *handlers) statsRows(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, int, []StatRow, StatRow, bool) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleCases)
	if !ok {
		return u, 0, nil, StatRow{}, false
	}
	from, until, err := yearParam(r, legal.Today(h.svc.Now()))
	if err == nil {
		var rows []StatRow
		var total StatRow
		if rows, total, err = h.svc.Stats(r.Context(), a, u, from, until); err == nil {
			return u, from.Year, rows, total, true
		}
	}
	h.web.Error(w, r, err)
	return u, 0, nil, StatRow{}, false
}

func (h *handlers) stats(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, year, rows, total, ok := h.statsRows(w, r, a)
	if ok {
		h.web.Render(w, r, h.pages["stats"], h.web.T(r, "casework.stats.title", u.Name), statsPage{Unit: u, Year: year, Rows: rows, Total: total})
	}
}

func (h *handlers) statsXLSX(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, year, rows, total, ok := h.statsRows(w, r, a)
	if !ok {
		return
	}
	var out [][]any
	for _, s := range append(rows, total) {
		out = append(out, []any{s.Name, s.Received, s.Complaints, s.Denunciations, s.Information, s.Accepted, s.Resolved, s.OnTime, s.Mass, s.Second})
	}
	b, err := sheet.XLSX(sheet.Table{Name: "Thống kê", Title: fmt.Sprintf("THỐNG KÊ ĐƠN KHIẾU NẠI, TỐ CÁO NĂM %d — %s", year, strings.ToUpper(u.Name)),
		Note: "Đơn đông người: từ " + strconv.Itoa(h.svc.MassFrom) + " người trở lên.",
		Head: []string{"Đơn vị", "Tổng số đơn nhận", "Khiếu nại", "Tố cáo", "Thông tin không rõ người gửi", "Đã thụ lý", "Đã giải quyết", "Giải quyết đúng hạn",
			"Đông người", "Khiếu nại lần hai"},
		Widths: []float64{32, 12, 11, 11, 14, 11, 12, 12, 11, 12}, Rows: out})
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("thong-ke-don-thu-%s-%d.xlsx", u.OfficeKey(), year), b)
}

// stepDocument sends the document of a step ({file}: {step ID}.docx or
// .pdf) to a handler of the case; anything else is not found.
func (h *handlers) stepDocument(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, id, ok := h.caseID(w, r, a)
	if !ok {
		return
	}
	file := r.PathValue("file")
	format := strings.TrimPrefix(path.Ext(file), ".")
	stepID, idOK := web.ParseID(strings.TrimSuffix(file, path.Ext(file)))
	if !idOK || h.writer == nil {
		h.web.NotFound(w, r)
		return
	}
	err := h.checkWithin(r, a, u, id)
	var d document.Doc
	var c Case
	if err == nil {
		d, c, err = h.svc.Document(r.Context(), a, id, stepID)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.SendDocument(w, r, h.writer, d, format, strings.ToLower(c.Code)+"-"+strconv.FormatInt(stepID, 10))
}
