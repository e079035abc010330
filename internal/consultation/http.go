package consultation

import (
	"embed"
	"fmt"
	"html"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/random"
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
}

// PageSize is how many comments a page shows.
const PageSize = 50

// ListSize is how many consultations a page of a board's list shows.
const ListSize = 200

// RegisterRoutes adds the public consultation pages and the officials' pages.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("consultation catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"list", "detail", "manage", "office", "edit"})
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	s.HandleFunc("GET /xa/{code}/lay-y-kien", h.list)
	s.HandleFunc("GET /api/v1/units/{code}/consultations", h.apiList) // api.go
	if err := s.AddOpenAPI(files, "openapi.json"); err != nil {
		return err
	}
	s.HandleFunc("GET /lay-y-kien/{id}", h.detail)
	s.HandleFunc("POST /lay-y-kien/{id}/gop-y", h.comment)
	s.HandleFunc("GET /lay-y-kien/{id}/y-kien/{cid}/sua", h.editForm)
	s.HandleFunc("POST /lay-y-kien/{id}/y-kien/{cid}/sua", h.edit)
	s.HandleFunc("GET /lay-y-kien/{id}/tong-hop.xlsx", h.publicReport)
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/lay-y-kien", ah.Official(h.manage))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/lay-y-kien", ah.Official(h.open))
	s.HandleFunc("GET /quan-tri/lay-y-kien/{id}", ah.Official(h.office))
	s.HandleFunc("POST /quan-tri/lay-y-kien/{id}/tra-loi", ah.Official(h.answer))
	s.HandleFunc("POST /quan-tri/lay-y-kien/{id}/an", ah.Official(h.hide))
	s.HandleFunc("POST /quan-tri/lay-y-kien/{id}/tong-hop", ah.Official(h.synthesize))
	s.HandleFunc("POST /quan-tri/lay-y-kien/{id}/truc-tiep", ah.Official(h.offline))
	s.HandleFunc("GET /quan-tri/lay-y-kien/{id}/tong-hop.xlsx", ah.Official(h.officeReport))
	return nil
}

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	u, err := h.units.CommuneByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	cs, pager, err := web.KeysetPage(r, "truoc", ListSize, func(before int64, n int) ([]Consultation, error) { return h.svc.List(r.Context(), u.ID, before, n) },
		func(c Consultation) int64 { return c.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["list"], h.web.T(r, "consultation.list.title", u.Name), struct {
		Unit  org.Unit
		Items []Consultation
		Today legal.Date
		Pager web.Pager
	}{u, cs, legal.Today(h.svc.Now()), pager})
}

type detailPage struct {
	Crumbs   []org.Crumb // back to the commune
	C        Consultation
	Subject  string
	Taking   bool
	Comments []row
	List     template.HTML // Comments, written by listHTML
	Pager    web.Pager
	Citizen  bool
	Key      string
	Done     string
	Error    string
	Fields   map[string]string
	Values   map[string]string
	Tally    Tally
	Reasons  map[string]string
	PartName map[int]string
	Mine     []row
	// MaxComment is CheckComment's limit, for the form's maxlength.
	MaxComment int
}

var stances = []string{Agree, Disagree, Suggest}

// row is a comment with its labels in the reader's language, worked out once
// here rather than by template calls for each of the fifty comments of a page.
type row struct {
	CommentView
	PartLabel, StanceLabel, AnswerLabel, HiddenLabel, When string
	Editable                                               bool // the viewer's own, still editable
}

// listHTML writes a page of comments. It is the one part of a page written
// without html/template: fifty comments through the template engine cost more
// than the rest of the page (a reflective call per value), so every text here
// goes through html.EscapeString and only numbers are written unescaped.
func listHTML(rows []row, hidden string) template.HTML {
	var b strings.Builder
	b.Grow(len(rows) * 400)
	e := html.EscapeString
	b.WriteString(`<ol class="record">`)
	for _, v := range rows {
		fmt.Fprintf(&b, "\n<li id=\"y-kien-%d\"><span class=\"muted\">%s · %s · %s · %s</span><br>\n", v.ID, e(v.PartLabel), e(v.StanceLabel),
			e(v.DisplayName), e(v.When))
		if v.HiddenReason != "" {
			b.WriteString("<em>" + e(hidden) + " " + e(v.HiddenLabel) + "</em>")
		} else {
			b.WriteString(e(v.Body))
		}
		if v.AnswerKind != "" {
			b.WriteString("\n<br><strong>" + e(v.AnswerLabel) + "</strong>")
			if v.AnswerBody != "" {
				b.WriteString(": " + e(v.AnswerBody))
			}
		}
		b.WriteString("</li>")
	}
	b.WriteString("</ol>")
	return template.HTML(b.String())
}

func (h *handlers) rows(r *http.Request, names map[int]string, vs []CommentView) []row {
	out := make([]row, len(vs))
	for i, v := range vs {
		out[i] = row{CommentView: v, PartLabel: names[v.Part], StanceLabel: h.web.T(r, "consultation.stance."+v.Stance),
			HiddenLabel: HideReasons[v.HiddenReason], When: web.FormatMillis(v.CreatedAt)}
		if v.AnswerKind != "" {
			out[i].AnswerLabel = h.web.T(r, "consultation.answer."+v.AnswerKind)
		}
	}
	return out
}

func (h *handlers) detailPage(w http.ResponseWriter, r *http.Request, id int64, status int, p detailPage) {
	a := auth.ActorOf(r)
	c, err := h.svc.Get(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	cs, pager, err := web.KeysetPage(r, "sau", PageSize, func(after int64, n int) ([]CommentView, error) {
		return h.svc.Comments(r.Context(), id, after, n, false)
	},
		func(c CommentView) int64 { return c.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if p.Pager = pager; p.Pager.Next != "" {
		p.Pager.Next += "#gop-y"
	}
	if c.Status == Synthesized {
		if p.Tally, err = h.svc.Count(r.Context(), id); err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	p.C, p.Reasons, p.PartName = c, HideReasons, partNames(c)
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Crumbs = t.Trail(c.UnitID)
	p.Comments = h.rows(r, p.PartName, cs)
	p.List = listHTML(p.Comments, h.web.T(r, "consultation.detail.hidden"))
	p.Subject = Subjects[c.Subject-1]
	p.Taking = c.Taking(legal.Today(h.svc.Now()))
	p.Citizen = a != nil && a.Kind == auth.Citizen
	if p.Citizen {
		own, err := h.svc.Mine(r.Context(), a, id)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		now := h.svc.NowMillis()
		p.Mine = h.rows(r, p.PartName, own)
		for i := range p.Mine {
			p.Mine[i].Editable = p.Taking && Editable(own[i], now)
		}
	}
	p.Key, p.MaxComment = random.Key(), MaxComment
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	h.web.RenderStatus(w, r, h.pages["detail"], status, c.Title, p)
}

func (h *handlers) detail(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	h.detailPage(w, r, id, http.StatusOK, detailPage{})
}

func (h *handlers) comment(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	a := auth.ActorOf(r)
	n := web.FormNumbers(r)
	part := n.Optional("part", apperr.M("consultation.field.part"), 0)
	err := n.Err()
	if err == nil {
		err = h.svc.Comment(r.Context(), a, id, part, r.PostFormValue("stance"), r.PostFormValue("body"), r.PostFormValue("show_name") == "1",
			r.PostFormValue("key"))
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.detailPage(w, r, id, f.Status, detailPage{Error: f.Message, Fields: f.Fields, Values: f.Values})
		}
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/lay-y-kien/%d#cua-ban", id), "consultation.done.commented")
}

type editPage struct {
	Stances  []string
	C        Consultation
	V        CommentView
	PartName map[int]string
	Error    string
	Fields   map[string]string
}

// ownComment reads the path's consultation and the viewer's comment on it.
func (h *handlers) ownComment(w http.ResponseWriter, r *http.Request) (Consultation, CommentView, bool) {
	id, ok1 := web.PathID(r, "id")
	cid, ok2 := web.PathID(r, "cid")
	if !ok1 || !ok2 {
		h.web.NotFound(w, r)
		return Consultation{}, CommentView{}, false
	}
	a := auth.ActorOf(r)
	v, err := h.svc.Own(r.Context(), a, cid)
	if err == nil && v.ConsultationID != id {
		err = apperr.New(apperr.CodeNotFound, "consultation.err.comment_not_found")
	}
	var c Consultation
	if err == nil {
		c, err = h.svc.Get(r.Context(), a, id)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return Consultation{}, CommentView{}, false
	}
	return c, v, true
}

func (h *handlers) editForm(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.ownComment(w, r)
	if !ok {
		return
	}
	p := editPage{Stances: stances, C: c, V: v, PartName: partNames(c)}
	status := http.StatusOK
	if !c.Taking(legal.Today(h.svc.Now())) || !Editable(v, h.svc.NowMillis()) {
		p.Error, status = h.web.T(r, "consultation.edit.too_late", int(EditWindow.Minutes())), http.StatusConflict
	}
	h.web.RenderStatus(w, r, h.pages["edit"], status, h.web.T(r, "consultation.edit.title"), p)
}

func (h *handlers) edit(w http.ResponseWriter, r *http.Request) {
	c, v, ok := h.ownComment(w, r)
	if !ok {
		return
	}
	err := h.svc.Edit(r.Context(), auth.ActorOf(r), v.ID, r.PostFormValue("stance"), r.PostFormValue("body"))
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			v.Body, v.Stance = r.PostFormValue("body"), r.PostFormValue("stance")
			h.web.RenderStatus(w, r, h.pages["edit"], f.Status, h.web.T(r, "consultation.edit.title"),
				editPage{Stances: stances, C: c, V: v, PartName: partNames(c), Error: f.Message, Fields: f.Fields})
		}
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/lay-y-kien/%d#cua-ban", c.ID), "consultation.done.edited")
}

func (h *handlers) publicReport(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	c, b, err := h.svc.PublicReport(r.Context(), auth.ActorOf(r), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("tong-hop-y-kien-%d.xlsx", c.ID), b)
}

// --- officials ---

type managePage struct {
	Unit     org.Unit
	Items    []Consultation
	Pager    web.Pager
	Subjects []string
	Forms    []struct{ ID, Name string }
	Error    string
	Fields   map[string]string
	Values   map[string]string
	Lists    map[string][]string
	Failed   bool // shown again after a failed post: checkboxes as typed, not as by default
	// The window's bounds (CheckDraft, Art 28(2)): MinClose is the first day
	// a 20-day window may end; FirstClose the first day any window may end
	// (the day after it opens), when ShortBasis gives another law's basis.
	MinClose, FirstClose string
	MaxTitle             int
}

func (h *handlers) managePage(w http.ResponseWriter, r *http.Request, u org.Unit, status int, p managePage) {
	board := u.ID
	if u.Type.Level() == org.VillageLevel {
		board = u.ParentID
	}
	items, pager, err := web.KeysetPage(r, "truoc", ListSize, func(before int64, n int) ([]Consultation, error) { return h.svc.List(r.Context(), board, before, n) },
		func(c Consultation) int64 { return c.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, p.Items, p.Subjects, p.Forms, p.Pager = u, items, Subjects, Forms, pager
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	today := legal.Today(h.svc.Now())
	p.FirstClose, p.MaxTitle = today.AddDays(1).String(), MaxTitle
	if cal, err := h.svc.cal.Calendar(r.Context()); err == nil {
		if res, err := legal.DefaultCatalogue().Compute(cal, "consultation.window", today, legal.Options{}); err == nil {
			p.MinClose = res.Due.String()
		}
	}
	h.web.RenderStatus(w, r, h.pages["manage"], status, h.web.T(r, "consultation.manage.title", u.Name), p)
}

func (h *handlers) manage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.Consult); ok {
		h.managePage(w, r, u, http.StatusOK, managePage{})
	}
}

func (h *handlers) open(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.Consult)
	if !ok {
		return
	}
	n := web.FormNumbers(r)
	subject := n.Optional("subject", apperr.M("consultation.field.subject"), 0) // a select: left empty, the service asks to choose
	d := Draft{UnitID: u.ID, Subject: subject, Title: r.PostFormValue("title"), Intro: r.PostFormValue("intro"),
		Parts: ParseParts(r.PostFormValue("parts")), Forms: r.PostForm["forms"], OpensOn: r.PostFormValue("opens_on"),
		ClosesOn: r.PostFormValue("closes_on"), ShortBasis: r.PostFormValue("short_basis")}
	err := n.Err()
	if err == nil {
		d.Idem, err = web.FormIdem(r)
	}
	var c Consultation
	if err == nil {
		c, err = h.svc.Open(r.Context(), a, d)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.managePage(w, r, u, f.Status, managePage{Error: f.Message, Fields: f.Fields, Values: f.Values, Lists: f.Lists, Failed: true})
		}
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/quan-tri/lay-y-kien/%d", c.ID), "consultation.done.opened")
}

// partNames names the parts comments refer to (0: the whole draft).
func partNames(c Consultation) map[int]string {
	m := map[int]string{0: "Toàn bộ dự thảo"}
	for _, p := range c.Parts {
		m[p.N] = p.Heading
	}
	return m
}

type officePage struct {
	Stances    []string
	Sources    []string
	C          Consultation
	Unanswered []CommentView
	Reasons    map[string]string
	PartName   map[int]string
	Error      string
	Fields     map[string]string
	// Form is the action of the form that failed; Values and Lists what was
	// typed in it (V, In), shown again in that form only.
	Form   string
	Values map[string]string
	Lists  map[string][]string
}

// V is what was typed in field of the form posting to action, when it failed.
func (p officePage) V(action, field string) string {
	if p.Form != action {
		return ""
	}
	return p.Values[field]
}

// In reports whether value was among what was typed in field of the form
// posting to action, when it failed.
func (p officePage) In(action, field string, value any) bool {
	return p.Form == action && slices.Contains(p.Lists[field], fmt.Sprint(value))
}

func (h *handlers) officeCheck(w http.ResponseWriter, r *http.Request, a *auth.Actor) (Consultation, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return Consultation{}, false
	}
	c, err := h.svc.ForOffice(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return Consultation{}, false
	}
	return c, true
}

func (h *handlers) officeRender(w http.ResponseWriter, r *http.Request, id int64, status int, p officePage) {
	c, err := h.svc.latest(r.Context(), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	un, err := h.svc.Comments(r.Context(), id, 0, 200, true)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.C, p.Unanswered, p.Reasons, p.PartName = c, un, HideReasons, partNames(c)
	p.Stances, p.Sources = stances, []string{"meeting", "ballot", "box", "other"}
	h.web.RenderStatus(w, r, h.pages["office"], status, c.Title, p)
}

func (h *handlers) office(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if c, ok := h.officeCheck(w, r, a); ok {
		h.officeRender(w, r, c.ID, http.StatusOK, officePage{})
	}
}

// after answers an officials' action: done, a redirect to the office page
// that says so (key: a "consultation.done.*" notice with its numbers);
// failed, the page again with what was typed in the form that failed.
func (h *handlers) after(w http.ResponseWriter, r *http.Request, id int64, err error, key string, args ...int) {
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.officeRender(w, r, id, f.Status, officePage{Error: f.Message, Fields: f.Fields, Form: r.URL.Path, Values: f.Values, Lists: f.Lists})
		}
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/quan-tri/lay-y-kien/%d", id), key, args...)
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	c, ok := h.officeCheck(w, r, a)
	if !ok {
		return
	}
	var ids []int64
	for _, v := range r.PostForm["comment"] {
		if id, ok := web.ParseID(v); ok {
			ids = append(ids, id)
		}
	}
	idem, err := web.FormIdem(r)
	if err == nil {
		err = h.svc.AnswerOnce(r.Context(), a, c.ID, ids, r.PostFormValue("kind"), r.PostFormValue("body"), idem)
	}
	h.after(w, r, c.ID, err, "consultation.done.answered", len(ids))
}

func (h *handlers) hide(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	c, ok := h.officeCheck(w, r, a)
	if !ok {
		return
	}
	cid, _ := web.ParseID(r.PostFormValue("comment"))
	err := h.svc.Hide(r.Context(), a, c.ID, cid, r.PostFormValue("reason"))
	h.after(w, r, c.ID, err, "consultation.done.hidden")
}

func (h *handlers) synthesize(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	c, ok := h.officeCheck(w, r, a)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err == nil {
		err = h.svc.Synthesize(r.Context(), a, c.ID, r.PostFormValue("decision"), r.PostFormValue("adopted") == "1", strings.TrimSpace(r.PostFormValue("against_reason")))
	}
	if err == nil {
		h.web.Done(w, r, fmt.Sprintf("/lay-y-kien/%d", c.ID), "consultation.done.synthesized")
		return
	}
	h.after(w, r, c.ID, err, "")
}

func (h *handlers) officeReport(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	c, ok := h.officeCheck(w, r, a)
	if !ok {
		return
	}
	b, err := h.svc.Report(r.Context(), c, true)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("tong-hop-y-kien-%d-day-du.xlsx", c.ID), b)
}

// offline enters opinions gathered at a meeting, by ballot or in the box: one
// form, several opinions of the same source, one per non-empty line.
func (h *handlers) offline(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	c, ok := h.officeCheck(w, r, a)
	if !ok {
		return
	}
	n := web.FormNumbers(r)
	part := n.Optional("part", apperr.M("consultation.field.part"), 0)
	if err := n.Err(); err != nil {
		h.after(w, r, c.ID, err, "")
		return
	}
	var ops []Offline
	for line := range strings.Lines(r.PostFormValue("bodies")) {
		if line = strings.TrimSpace(line); line != "" {
			ops = append(ops, Offline{Part: part, Stance: r.PostFormValue("stance"), Body: line, Source: r.PostFormValue("source"),
				Note: r.PostFormValue("note")})
		}
	}
	if len(ops) == 0 {
		h.after(w, r, c.ID, apperr.New(apperr.CodeInvalid, "consultation.office.offline_empty"), "")
		return
	}
	idem, err := web.FormIdem(r)
	if err == nil {
		err = h.svc.EnterOfflineOnce(r.Context(), a, c.ID, ops, idem)
	}
	h.after(w, r, c.ID, err, "consultation.done.offline", len(ops))
}
