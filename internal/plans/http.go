package plans

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/document"
	"danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/planimport"
	"danchu/internal/web"
)

//go:embed templates locales openapi.json
var assets embed.FS

// Catalog holds the room's messages (locales/), for the command line.
func Catalog() fs.FS { return assets }

// Importer reads a plan into its parts (app wires planimport.Parse) and
// the text of its uploaded file (planimport.FileText: a .docx's paragraphs,
// a text file's bytes).
type Importer interface {
	Parse(text string) (planimport.Draft, error)
	FileText(name string, data []byte) (string, error)
}

// Writer lays a document out as Word and PDF (app wires the document writers).
type Writer = document.Writer

// Handlers are the room's pages; Importer and Writer are set by app (nil:
// the import and the downloads answer that they are not available).
type Handlers struct {
	ah       *auth.Handlers
	svc      *Service
	web      *web.Server
	units    *org.Service
	pages    map[string]*web.Page
	Importer Importer
	Writer   Writer
}

// ListSize is how many plans or tasks a page of a list shows.
const ListSize = 100

// RegisterRoutes adds the officials' pages of plans and tasks.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) (*Handlers, error) {
	if err := s.AddCatalog(planimport.Locales); err != nil { // the reader's errors and warnings, shown on the preview
		return nil, err
	}
	if err := s.AddCatalog(assets); err != nil {
		return nil, fmt.Errorf("plans catalog: %w", err)
	}
	pages, err := s.Pages(assets, []string{"list", "preview", "plan", "task", "tasks", "assignment", "public_list", "public_plan"}, "templates/parts.tmpl")
	if err != nil {
		return nil, err
	}
	h := &Handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/ke-hoach", ah.Official(h.list))
	s.HandleUpload("POST /quan-tri/don-vi/{unit}/ke-hoach/doc", MaxImportForm, ah.Official(h.preview))
	// The preview sends the text back (multipart: a plan's Vietnamese text
	// would triple, percent-encoded, past an ordinary form's bound).
	s.HandleUpload("POST /quan-tri/don-vi/{unit}/ke-hoach", MaxImportForm, ah.Official(h.create))
	s.HandleFunc("GET /quan-tri/ke-hoach/{file}", ah.Official(h.plan)) // {id}, {id}.docx, {id}.pdf
	s.HandleFunc("GET /quan-tri/ke-hoach/{id}/nhiem-vu/{task}", ah.Official(h.task))
	s.HandleFunc("POST /quan-tri/ke-hoach/{id}/nhiem-vu/{task}/giao", ah.Official(h.assign))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/nhiem-vu", ah.Official(h.tasks))
	s.HandleFunc("GET /quan-tri/nhiem-vu/{id}", ah.Official(h.assignment))
	s.HandleUpload("POST /quan-tri/nhiem-vu/{id}", MaxUploadBytes, ah.Official(h.report))
	s.HandleFunc("GET /quan-tri/nhiem-vu/{id}/tep/{report}/{pos}", ah.Official(h.download))
	// The public side (public.go): a territory's public plans, each with its files, and their open data.
	s.HandleFunc("GET /xa/{code}/ke-hoach", h.publicList(org.CommuneLevel))
	s.HandleFunc("GET /tinh/{code}/ke-hoach", h.publicList(org.ProvinceLevel))
	// {id}, {id}.docx, {id}.pdf: the files kept rendered (fileVersion).
	s.CachedPage("GET /xa/{code}/ke-hoach/{file}", h.fileVersion, h.publicPlan(org.CommuneLevel))
	s.CachedPage("GET /tinh/{code}/ke-hoach/{file}", h.fileVersion, h.publicPlan(org.ProvinceLevel))
	s.HandleFunc("GET /api/v1/units/{code}/plans", h.apiList)
	if err := s.AddOpenAPI(assets, "openapi.json"); err != nil {
		return nil, err
	}
	return h, nil
}

// PlanURL is a plan's page in the back office.
func PlanURL(id int64) string { return fmt.Sprintf("/quan-tri/ke-hoach/%d", id) }

// AssignmentURL is an assignment's page (its assignee's and its issuer's).
func AssignmentURL(id int64) string { return fmt.Sprintf("/quan-tri/nhiem-vu/%d", id) }

// unitName is a unit's name from the tree ("" when unknown).
func (h *Handlers) unitNames(r *http.Request) func(int64) org.Unit {
	t, err := h.units.Tree(r.Context())
	return func(id int64) org.Unit {
		if err == nil {
			if u, ok := t.Unit(id); ok {
				return u
			}
		}
		return org.Unit{ID: id, Name: strconv.FormatInt(id, 10)}
	}
}

// --- list and import ---

type listPage struct {
	Unit   org.Unit
	Items  []Item
	Pager  web.Pager
	Error  string
	Fields map[string]string
	Text   string
	Kinds  map[string]string
	Max    int
}

func kindNames() map[string]string {
	m := map[string]string{}
	for _, k := range Kinds {
		m[k.ID] = k.Title
	}
	return m
}

func (h *Handlers) listRender(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, p listPage) {
	items, pager, err := web.KeysetPage(r, "truoc", ListSize, func(before int64, n int) ([]Item, error) { return h.svc.Plans(r.Context(), a, u.ID, before, n) },
		func(it Item) int64 { return it.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, p.Items, p.Pager, p.Kinds, p.Max = u, items, pager, kindNames(), MaxImportBytes
	h.web.RenderStatus(w, r, h.pages["list"], status, h.web.T(r, "plans.list.title", u.Name), p)
}

func (h *Handlers) list(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.ManagePlans); ok {
		h.listRender(w, r, a, u, http.StatusOK, listPage{})
	}
}

// source is where the text to import came from: pasted in the box (field
// "text") or read from the uploaded file (field "file").
type source struct {
	field string
	name  string // the file's name
}

var pasted = source{field: "text"}

// parse reads the text with the importer; its errors mark src's field.
func (h *Handlers) parse(text string, src source) (planimport.Draft, error) {
	file := src.field == "file"
	var err error
	switch {
	case h.Importer == nil:
		err = apperr.New(apperr.CodeInvalid, "plans.err.no_importer")
	case strings.TrimSpace(text) == "" && file:
		err = apperr.New(apperr.CodeInvalid, "plans.err.file_empty", src.name)
	case strings.TrimSpace(text) == "":
		err = apperr.New(apperr.CodeInvalid, "plans.err.import_empty")
	case len(text) > MaxImportBytes && file:
		err = apperr.New(apperr.CodeInvalid, "plans.err.file_long", src.name, MaxImportBytes>>10)
	case len(text) > MaxImportBytes:
		err = apperr.New(apperr.CodeInvalid, "plans.err.import_long", MaxImportBytes>>10)
	}
	if err != nil {
		return planimport.Draft{}, marked(err, src.field)
	}
	d, err := h.Importer.Parse(text)
	if err != nil {
		if apperr.CodeOf(err) == apperr.CodeInvalid {
			return d, marked(err, src.field)
		}
		return d, apperr.New(apperr.CodeInvalid, "plans.err.import_failed", err.Error()).Mark(src.field)
	}
	return d, nil
}

// marked is a coded error with field (only) marked: the file store's errors
// mark its own field name, the reader's none.
func marked(err error, field string) error {
	var e *apperr.Error
	if !errors.As(err, &e) {
		return err
	}
	c := *e
	c.FieldMsgs = nil
	return c.Mark(field)
}

// upload is the text of the form's plan file (field "file", web.FormFiles: its
// first), checked as every upload is (files.ReadUpload: its size;
// files.Inspect: its type from its bytes, a Word file whole) and read by the
// importer; ok is false when no file was chosen. A PDF, a spreadsheet or a
// photo is refused, saying what to do.
func (h *Handlers) upload(r *http.Request) (text string, src source, ok bool, err error) {
	src = source{field: "file"}
	ups, done, err := web.FormFiles(r, "file")
	defer done()
	if err != nil {
		return "", src, true, err
	}
	if len(ups) == 0 {
		return "", src, false, nil
	}
	up := ups[0]
	src.name = shownName(up.Name)
	if h.Importer == nil {
		return "", src, true, apperr.New(apperr.CodeInvalid, "plans.err.no_importer").Mark("file")
	}
	data, err := files.ReadUpload(up.Name, up.R, MaxImportFile)
	if err != nil {
		return "", src, true, marked(err, "file")
	}
	info, err := files.Inspect(up.Name, data)
	switch {
	case err == nil && info.ContentType != files.ContentTypeDOCX: // a PDF, a spreadsheet, a photo
		kind := strings.ToUpper(strings.TrimPrefix(path.Ext(info.Name), "."))
		return "", src, true, apperr.New(apperr.CodeInvalid, "plans.err.file_type", src.name, kind).Mark("file")
	case err != nil && apperr.KeyOf(err) != "files.err.file_type": // a damaged Word file
		return "", src, true, marked(err, "file")
	}
	// A whole .docx, or bytes of no known type: text by its name (.txt, .md),
	// refused by the reader otherwise (a .doc).
	text, err = h.Importer.FileText(up.Name, data)
	if err != nil {
		if apperr.CodeOf(err) != apperr.CodeInvalid {
			return "", src, true, fmt.Errorf("read plan file: %w", err)
		}
		return "", src, true, marked(err, "file")
	}
	return text, src, true, nil
}

// shownName is an uploaded file's name as the form's errors quote it: its
// last part (a browser may send "C:\\fakepath\\…"), without control
// characters, at most 80 characters.
func shownName(name string) string {
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 80 {
		name = string(r[:80]) + "…"
	}
	return name
}

type headingField struct {
	Block  int
	Level  int
	Number string
	Text   string
}

// phaseRow is one row of the phases in the preview form.
type phaseRow struct{ I int }

type previewPage struct {
	Phases   []phaseRow
	Unit     org.Unit
	Text     string
	Plan     Plan
	Headings []headingField
	Parents  []Item
	Warnings []planimport.Problem
	Kinds    []struct{ ID, Title string }
	Values   map[string]string
	Error    string
	Fields   map[string]string
	Asks     bool // the issuer is asked whether to disclose the plan (AsksPublic)
}

func planValues(p Plan) map[string]string {
	v := map[string]string{"kind": p.Kind, "number": p.Number, "style": p.Style, "date": dateText(p.Date), "place": p.Place, "summary": p.Summary,
		"remind_days": strconv.Itoa(p.RemindDays), "bases": p.Bases}
	if p.FromYear != 0 {
		v["from_year"], v["to_year"] = strconv.Itoa(p.FromYear), strconv.Itoa(p.ToYear)
	}
	for i, ph := range p.Phases {
		k := func(f string) string { return fmt.Sprintf("ph_%s_%d", f, i) }
		v[k("name")], v[k("launch")], v[k("mid")], v[k("final")] = ph.Name, dateText(ph.Launch), dateText(ph.Midterm), dateText(ph.Final)
		if ph.FromYear != 0 {
			v[k("from")], v[k("to")] = strconv.Itoa(ph.FromYear), strconv.Itoa(ph.ToYear)
		}
	}
	return v
}

func (h *Handlers) previewRender(w http.ResponseWriter, r *http.Request, u org.Unit, text string, d planimport.Draft, p Plan, status int, pp previewPage) {
	pp.Unit, pp.Text, pp.Plan, pp.Warnings, pp.Kinds, pp.Asks = u, text, p, d.Warnings, Kinds, AsksPublic(u)
	for i := range MaxPhases {
		pp.Phases = append(pp.Phases, phaseRow{i})
	}
	for i, b := range p.Doc.Body {
		if b.Kind == document.Heading {
			pp.Headings = append(pp.Headings, headingField{Block: i, Level: b.Level, Number: b.Number, Text: b.Text})
		}
	}
	if pp.Values == nil {
		pp.Values = planValues(p)
	}
	var err error
	if pp.Parents, err = h.svc.ParentChoices(r.Context(), u); err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.RenderStatus(w, r, h.pages["preview"], status, h.web.T(r, "plans.preview.title"), pp)
}

func (h *Handlers) preview(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ManagePlans)
	if !ok {
		return
	}
	pastedText := r.PostFormValue("text")
	text, src, chosen, err := h.upload(r)
	if !chosen {
		text, src = pastedText, pasted
	}
	var d planimport.Draft
	if err == nil {
		d, err = h.parse(text, src)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.listRender(w, r, a, u, f.Status, listPage{Error: f.Message, Fields: f.Fields, Text: pastedText})
		}
		return
	}
	h.previewRender(w, r, u, text, d, NewFromDraft(u.ID, d), http.StatusOK, previewPage{})
}

// corrected applies the preview form's corrections to the plan read from the text.
func corrected(r *http.Request, p Plan) (Plan, int64, error) {
	v := func(k string) string { return strings.TrimSpace(r.PostFormValue(k)) }
	n := web.FormNumbers(r)
	p.FromYear = n.Optional("from_year", apperr.M("plans.field.from_year"), 0)
	p.ToYear = n.Optional("to_year", apperr.M("plans.field.to_year"), p.FromYear)
	p.RemindDays = n.Optional("remind_days", apperr.M("plans.field.remind_days"), DefaultRemindDays)
	p.Phases = nil
	for i := range MaxPhases {
		k := func(f string) string { return fmt.Sprintf("ph_%s_%d", f, i) }
		ph := Phase{Name: v(k("name"))}
		ph.FromYear = n.Optional(k("from"), apperr.M("plans.field.phase_from"), 0)
		ph.ToYear = n.Optional(k("to"), apperr.M("plans.field.phase_to"), ph.FromYear)
		for _, fd := range []struct {
			f string
			d *legal.Date
		}{{"launch", &ph.Launch}, {"mid", &ph.Midterm}, {"final", &ph.Final}} {
			f, d := fd.f, fd.d
			if s := v(k(f)); s != "" {
				x, err := legal.ParseDate(s)
				if err != nil {
					return p, 0, apperr.New(apperr.CodeInvalid, "plans.err.phase_date").Mark(k(f))
				}
				*d = x
			}
		}
		if ph != (Phase{}) {
			p.Phases = append(p.Phases, ph)
		}
	}
	if err := n.Err(); err != nil {
		return p, 0, err
	}
	var parent int64
	if s := v("parent"); s != "" { // a plan's ID (63-bit: beyond the form numbers' bound)
		id, ok := web.ParseID(s)
		if !ok {
			return p, 0, apperr.New(apperr.CodeInvalid, "plans.err.parent").Mark("parent")
		}
		parent = id
	}
	p.Kind, p.Number, p.Style, p.Place, p.Summary = v("kind"), v("number"), v("style"), v("place"), v("summary")
	p.Bases = strings.ReplaceAll(r.PostFormValue("bases"), "\r\n", "\n")
	p.Doc.Bases = nil
	for _, l := range strings.Split(p.Bases, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			p.Doc.Bases = append(p.Doc.Bases, l)
		}
	}
	p.Date = legal.Date{}
	if s := v("date"); s != "" {
		d, err := legal.ParseDate(s)
		if err != nil {
			return p, 0, apperr.New(apperr.CodeInvalid, "plans.err.date").Mark("date")
		}
		p.Date = d
	}
	for i, b := range p.Doc.Body {
		if b.Kind != document.Heading {
			continue
		}
		key := "h" + strconv.Itoa(i)
		if _, ok := r.PostForm[key]; !ok {
			continue
		}
		t := strings.TrimSpace(r.PostFormValue(key))
		if t == "" || t == b.Text {
			continue
		}
		if utf8.RuneCountInString(t) > MaxText {
			return p, 0, apperr.New(apperr.CodeInvalid, "plans.err.too_long", MaxText).Mark(key)
		}
		for j := range p.Tasks { // a task read from this heading takes its corrected title
			if p.Tasks[j].Block == i && p.Tasks[j].Title == b.Text {
				p.Tasks[j].Title = t
			}
		}
		p.Doc.Body[i].Text = t
	}
	return p, parent, nil
}

func (h *Handlers) create(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ManagePlans)
	if !ok {
		return
	}
	text := r.PostFormValue("text")
	err := web.FormError(r, "text")
	var d planimport.Draft
	if err == nil {
		d, err = h.parse(text, pasted)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.listRender(w, r, a, u, f.Status, listPage{Error: f.Message, Fields: f.Fields, Text: text})
		}
		return
	}
	p, parent, err := corrected(r, NewFromDraft(u.ID, d))
	if err == nil {
		dr := Draft{UnitID: u.ID, ParentPlanID: parent, Plan: p, Public: r.PostFormValue("public") != ""}
		if dr.Idem, err = web.FormIdem(r); err == nil {
			var x Plan
			x, err = h.svc.Create(r.Context(), a, dr)
			if err == nil {
				h.web.Done(w, r, PlanURL(x.ID), "plans.done.created")
				return
			}
		}
	}
	if f, ok := h.web.FailForm(w, r, err); ok {
		values := map[string]string{}
		for k := range r.PostForm {
			values[k] = r.PostFormValue(k)
		}
		h.previewRender(w, r, u, text, d, p, f.Status, previewPage{Error: f.Message, Fields: f.Fields, Values: values})
	}
}

// --- the plan page ---

type taskRow struct {
	TaskProgress
	Target string
}

type planPage struct {
	Plan      Plan
	Unit      org.Unit
	Dash      Dashboard
	Tasks     []taskRow
	Parent    Item
	HasParent bool
	Lower     []org.Unit // units the tasks may go to
	Children  []org.Unit // units that issued an implementing plan
	Error     string
	Fields    map[string]string
	Failed    int64 // the task whose assign form failed
	Values    map[string]string
	Writer    bool
	Kind      string
	PublicURL string // its public page, when public
	// Manage: the issuer's official (the dashboard, assigning); otherwise an
	// assignee's, reading the plan with its own assignments (Mine: task ID →
	// assignment ID).
	Manage bool
	Mine   map[int64]int64
}

func (h *Handlers) plan(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, format, ok := planFile(r.PathValue("file"))
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	if format != "" {
		h.export(w, r, a, id, format)
		return
	}
	h.planRender(w, r, a, id, http.StatusOK, planPage{})
}

func (h *Handlers) planRender(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, status int, pp planPage) {
	v, err := h.svc.Open(r.Context(), a, id)
	d := Dashboard{Plan: v.Plan}
	if err == nil && v.Manage {
		d, err = h.svc.Progress(r.Context(), v)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if !v.Manage {
		for _, t := range v.Plan.Tasks {
			d.Tasks = append(d.Tasks, TaskProgress{Task: t})
		}
	}
	name := h.unitNames(r)
	pp.Plan, pp.Dash, pp.Unit, pp.Writer, pp.Kind, pp.Manage, pp.Mine = d.Plan, d, name(d.Plan.UnitID), h.Writer != nil, KindTitle(d.Plan.Kind), v.Manage, v.Mine
	for _, t := range d.Tasks {
		row := taskRow{TaskProgress: t}
		if t.Task.TargetPos > 0 && t.Task.TargetPos <= len(d.Plan.Targets) {
			row.Target = d.Plan.Targets[t.Task.TargetPos-1].Text
		}
		pp.Tasks = append(pp.Tasks, row)
	}
	if t, err := h.units.Tree(r.Context()); err == nil && d.Plan.Public() {
		pp.PublicURL = PublicURL(t, d.Plan.UnitID, d.Plan.ID)
	}
	if t, err := h.units.Tree(r.Context()); err == nil && v.Manage {
		scope := Territory(t, d.Plan.UnitID)
		for _, u := range t.Descendants(scope) {
			if u.ID != d.Plan.UnitID && (u.Type.Level() == org.CommuneLevel || (u.Type.Level() == org.Attached && u.ParentID == scope)) {
				pp.Lower = append(pp.Lower, u)
			}
		}
	}
	for u := range d.Children {
		pp.Children = append(pp.Children, name(u))
	}
	if pp.Values == nil {
		pp.Values = map[string]string{}
	}
	h.web.RenderStatus(w, r, h.pages["plan"], status, KindTitle(d.Plan.Kind)+" "+d.Plan.Number, pp)
}

func (h *Handlers) export(w http.ResponseWriter, r *http.Request, a *auth.Actor, id int64, format string) {
	v, err := h.svc.Open(r.Context(), a, id) // the issuer's officials and the assignees'
	p := v.Plan
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.writeDoc(w, r, p, format)
}

// ids reads the path's plan and task IDs (404 for a bad one).
func (h *Handlers) ids(w http.ResponseWriter, r *http.Request) (planID, taskID int64, ok bool) {
	p, ok1 := web.PathID(r, "id")
	t, ok2 := web.PathID(r, "task")
	if !ok1 || !ok2 {
		h.web.NotFound(w, r)
		return 0, 0, false
	}
	return p, t, true
}

func (h *Handlers) assign(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	planID, taskID, ok := h.ids(w, r)
	if !ok {
		return
	}
	if got, err := h.svc.taskPlan(r.Context(), taskID); err != nil || got != planID {
		h.web.NotFound(w, r)
		return
	}
	to := Targeting{Due: r.PostFormValue("due")}
	if r.PostFormValue("all") != "" {
		to.Types = []string{string(org.Commune), string(org.Ward), string(org.SpecialZone)}
	}
	var err error
	for _, s := range r.PostForm["units"] { // unit IDs (63-bit: beyond the form numbers' bound)
		id, ok := web.ParseID(s)
		if !ok {
			err = apperr.New(apperr.CodeInvalid, "plans.err.units").Mark("units")
			break
		}
		to.Units = append(to.Units, id)
	}
	if err == nil {
		to.Idem, err = web.FormIdem(r)
	}
	var added int
	if err == nil {
		added, err = h.svc.Assign(r.Context(), a, taskID, to)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.planRender(w, r, a, planID, f.Status, planPage{Error: f.Message, Fields: f.Fields, Failed: taskID, Values: map[string]string{"due": to.Due}})
		}
		return
	}
	h.web.Done(w, r, PlanURL(planID), "plans.done.assigned", added)
}

type taskPage struct {
	Plan    Plan
	Task    Task
	Rows    []assignmentRow
	Today   legal.Date
	Lead    org.Unit // the unit the lead body was matched to (HasLead)
	HasLead bool
}

type assignmentRow struct {
	Assignment
	Unit org.Unit
	Late bool
	Next legal.Date
}

// TaskSize is how many assignments a task's page lists.
const TaskSize = 5000

func (h *Handlers) task(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	planID, taskID, ok := h.ids(w, r)
	if !ok {
		return
	}
	t, as, err := h.svc.Task(r.Context(), a, taskID, TaskSize)
	if err == nil && t.PlanID != planID {
		err = notFound()
	}
	var p Plan
	if err == nil {
		p, err = h.svc.Get(r.Context(), a, planID)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	today := legal.Today(h.svc.Now())
	name := h.unitNames(r)
	pg := taskPage{Plan: p, Task: t, Today: today}
	if t.LeadUnitID != 0 {
		if tree, err := h.units.Tree(r.Context()); err == nil {
			pg.Lead, pg.HasLead = tree.Unit(t.LeadUnitID)
		}
	}
	for _, x := range as {
		pg.Rows = append(pg.Rows, assignmentRow{Assignment: x, Unit: name(x.UnitID), Late: x.Late(today), Next: x.NextDue(today)})
	}
	h.web.Render(w, r, h.pages["task"], t.Title, pg)
}

// --- the assignee's side ---

type tasksPage struct {
	Unit  org.Unit
	Rows  []assignmentRow
	Pager web.Pager
}

func (h *Handlers) tasks(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ReportTasks)
	if !ok {
		return
	}
	as, pager, err := web.KeysetPage(r, "truoc", ListSize, func(before int64, n int) ([]Assignment, error) {
		return h.svc.UnitTasks(r.Context(), a, u.ID, before, n)
	},
		func(x Assignment) int64 { return x.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	today := legal.Today(h.svc.Now())
	p := tasksPage{Unit: u, Pager: pager}
	for _, x := range as {
		p.Rows = append(p.Rows, assignmentRow{Assignment: x, Late: x.Late(today), Next: x.NextDue(today)})
	}
	h.web.Render(w, r, h.pages["tasks"], h.web.T(r, "plans.tasks.title", u.Name), p)
}

type assignmentPage struct {
	X        Assignment
	Unit     org.Unit
	Issuer   org.Unit
	Late     bool
	Next     legal.Date
	Reports  []Report
	May      bool
	Statuses []string
	Values   map[string]string
	Error    string
	Fields   map[string]string
}

func (h *Handlers) assignmentRender(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, p assignmentPage) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	x, err := h.svc.Assignment(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if p.Reports, err = h.svc.Reports(r.Context(), id); err != nil {
		h.web.Error(w, r, err)
		return
	}
	today := legal.Today(h.svc.Now())
	name := h.unitNames(r)
	p.X, p.Unit, p.Issuer, p.Late, p.Next, p.May, p.Statuses = x, name(x.UnitID), name(x.PlanUnitID), x.Late(today), x.NextDue(today), h.svc.MayReport(r.Context(), a, x), Statuses
	if p.Values == nil {
		p.Values = map[string]string{"status": x.Status, "percent": strconv.Itoa(x.Percent)}
		if x.Percent == 0 { // an empty box to type in, not a 0 to type after
			p.Values["percent"] = ""
		}
	}
	h.web.RenderStatus(w, r, h.pages["assignment"], status, x.TaskTitle, p)
}

func (h *Handlers) assignment(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.assignmentRender(w, r, a, http.StatusOK, assignmentPage{})
}

func (h *Handlers) report(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	values := map[string]string{"status": r.FormValue("status"), "percent": r.FormValue("percent"), "text": r.FormValue("text")}
	ups, closeFiles, err := web.FormFiles(r, "files")
	defer closeFiles()
	var rep Report
	if err == nil {
		n := web.FormNumbers(r)
		rep = Report{Status: r.FormValue("status"), Percent: n.Optional("percent", apperr.M("plans.field.percent"), 0), Text: r.FormValue("text")}
		err = n.Err()
	}
	if err == nil {
		rep.Idem, err = web.FormIdem(r)
	}
	if err == nil {
		_, err = h.svc.Report(r.Context(), a, id, rep, ups)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.assignmentRender(w, r, a, f.Status, assignmentPage{Error: f.Message, Fields: f.Fields, Values: values})
		}
		return
	}
	h.web.Done(w, r, AssignmentURL(id), "plans.done.reported")
}

func (h *Handlers) download(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, ok1 := web.PathID(r, "id")
	rep, ok2 := web.PathID(r, "report")
	pos, ok3 := web.PathID(r, "pos")
	if !ok1 || !ok2 || !ok3 || pos > MaxFiles {
		h.web.NotFound(w, r)
		return
	}
	f, rc, err := h.svc.ReportFile(r.Context(), a, id, rep, int(pos))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", f.ContentType)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	http.ServeContent(w, r, "", time.Time{}, rc)
}
