package supervision

import (
	"embed"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
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

// RegisterRoutes adds the Front's and the boards' pages, the pages where a
// body answers the recommendations addressed to it, the level above's list of
// late ones, each commune's public supervision page and the open data.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("supervision catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"office", "board", "answers", "answer", "late", "public", "publicboard"}, "templates/parts.tmpl")
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	const base = "/quan-tri/don-vi/{unit}/" + Page
	s.HandleFunc("GET "+base, ah.Official(h.office))
	s.HandleFunc("POST "+base, ah.Official(h.createBoard))
	s.HandleFunc("GET "+base+"/tre-han", ah.Official(h.late))
	s.HandleFunc("GET "+base+"/ban/{id}", ah.Official(h.board))
	s.HandleFunc("POST "+base+"/ban/{id}/thanh-vien", ah.Official(h.addMember))
	s.HandleFunc("POST "+base+"/ban/{id}/thanh-vien/{m}/thoi", ah.Official(h.removeMember))
	s.HandleFunc("POST "+base+"/ban/{id}/cong-nhan", ah.Official(h.recognise))
	s.HandleFunc("POST "+base+"/ban/{id}/thong-bao", ah.Official(h.notified))
	s.HandleFunc("POST "+base+"/ban/{id}/giai-the", ah.Official(h.dissolve))
	s.HandleFunc("POST "+base+"/ban/{id}/ke-hoach", ah.Official(h.addPlan))
	s.HandleFunc("POST "+base+"/ban/{id}/van-ban", ah.Official(h.addWriting))
	s.HandleFunc("POST "+base+"/ban/{id}/van-ban/{w}/cong-bo", ah.Official(h.publish))
	s.HandleFunc("POST "+base+"/ban/{id}/kien-nghi", ah.Official(h.recommend))
	const answers = "/quan-tri/don-vi/{unit}/" + AnswerPage
	s.HandleFunc("GET "+answers, ah.Official(h.answers))
	s.HandleFunc("GET "+answers+"/{id}", ah.Official(h.answerForm))
	s.HandleFunc("POST "+answers+"/{id}", ah.Official(h.answer))
	s.HandleFunc("GET /xa/{code}/"+Page, h.public)
	s.HandleFunc("GET /xa/{code}/"+Page+"/{id}", h.publicBoard)
	s.HandleFunc("GET /api/v1/units/{code}/supervision-recommendations", h.apiRecs)
	return s.AddOpenAPI(files, "openapi.json")
}

// form is what every form page carries: the error, the fields' messages and
// what was typed, and which form of the page failed.
type form struct {
	Error  string
	Fields map[string]string
	Values map[string]string
	Failed string
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

// pathID is the path's ID named name (0: none, found by no one).
func pathID(r *http.Request, name string) int64 {
	id, _ := web.PathID(r, name)
	return id
}

// --- the Front's page of a commune ---

// RecGroup is the recommendations of one state.
type RecGroup struct {
	State string
	Recs  []Rec
}

func group(xs []Rec, today legal.Date) []RecGroup {
	out := make([]RecGroup, len(States))
	for i, s := range States {
		out[i].State = s
	}
	for _, x := range xs {
		i := slices.Index(States, x.State(today))
		out[i].Recs = append(out[i].Recs, x)
	}
	return out
}

type officePage struct {
	form
	Unit     org.Unit
	Boards   []Board
	Groups   []RecGroup
	Names    names // addressees' names
	Kinds    []string
	Fundings []string
	Today    legal.Date
	Public   string
}

// names names units in a page: {{$.Data.Names.Name .AddresseeID}}.
type names struct{ t *org.Tree }

// Name is the unit's name ("" when there is none).
func (n names) Name(id int64) string {
	if n.t == nil {
		return ""
	}
	u, _ := n.t.Unit(id)
	return u.Name
}

func (h *handlers) names(r *http.Request) names {
	t, _ := h.units.Tree(r.Context())
	return names{t}
}

func (h *handlers) officePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	ctx := r.Context()
	today := legal.Today(h.svc.Now())
	p := officePage{Unit: u, Kinds: Kinds, Fundings: Fundings, Today: today, Public: PublicURL(u)}
	var err error
	if p.Boards, err = h.svc.Boards(ctx, a, u.ID); err == nil {
		var xs []Rec
		if xs, err = h.svc.Recommendations(ctx, a, u.ID); err == nil {
			p.Groups = group(xs, today)
		}
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Names = h.names(r)
	p.form.failed(ff, "board")
	h.web.RenderStatus(w, r, h.pages["office"], status, h.web.T(r, "supervision.office.title", u.Name), p)
}

func (h *handlers) communeParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, bool) {
	return h.ah.Unit(w, r, a, auth.Supervise)
}

func (h *handlers) office(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.communeParam(w, r, a); ok {
		h.officePage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) createBoard(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.RecognizeFront)
	if !ok {
		return
	}
	v := r.PostFormValue
	p := web.Problems{}
	d := BoardDraft{Kind: v("kind"), Name: v("name"), Project: v("project"), Funding: v("funding"), Investor: v("investor"),
		StartsOn: p.Day(r, "starts_on"), TermTo: p.Day(r, "term_to")}
	k, err := web.FormIdem(r)
	if err == nil {
		err = p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.board_invalid"))
	}
	if err == nil {
		var b Board
		if b, err = h.svc.CreateBoard(r.Context(), a, u.ID, d, k); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page, "ban", b.ID), "supervision.done.board")
			return
		}
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.officePage(w, r, a, u, f.Status, f) })
}

// --- a board ---

type boardPage struct {
	form
	Unit       org.Unit
	View       BoardView
	Candidates []Candidate
	Addressees []org.Unit
	Names      names
	Today      legal.Date
	Periods    []string
	Reports    []string
	Areas      []string
	Origins    []string
	Positions  []string
	Villages   []org.Unit
	NoticeLate bool
	Public     string
}

// State is a recommendation's state today, for the template.
func (p boardPage) State(x Rec) string { return x.State(p.Today) }

// E is a field's message when form is the one that failed: each form of the
// page shows its own.
func (p boardPage) E(form, field string) string {
	if p.Failed != form {
		return ""
	}
	return p.Fields[field]
}

// V is what was typed in a field when form is the one that failed.
func (p boardPage) V(form, field string) string {
	if p.Failed != form {
		return ""
	}
	return p.Values[field]
}

func (h *handlers) boardPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure, which string) {
	ctx := r.Context()
	today := legal.Today(h.svc.Now())
	v, err := h.svc.Board(ctx, a, u.ID, pathID(r, "id"))
	p := boardPage{Unit: u, View: v, Today: today, Positions: Positions, Reports: ReportPeriods}
	if err == nil {
		p.Periods, p.Areas, p.Origins = PeriodsOf(v.Board.Kind), AreasOf(v.Board.Kind, v.Board.Funding), OriginsOf(v.Board.Kind)
		if v.Board.Kind == Inspection {
			p.Candidates, err = h.svc.Candidates(ctx, u.ID)
		}
	}
	if err == nil {
		p.Addressees, err = h.svc.Addressees(ctx, u.ID)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if t, err := h.units.Tree(ctx); err == nil {
		p.Villages = villagesOf(t, u)
	}
	p.Names = h.names(r)
	p.NoticeLate = NoticeLate(v.Board.NotifiedOn, v.NoticeDue)
	if v.Board.Status != Forming {
		p.Public = BoardURL(u, v.Board.ID)
	}
	p.form.failed(ff, which)
	h.web.RenderStatus(w, r, h.pages["board"], status, v.Board.Name, p)
}

func (h *handlers) board(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.communeParam(w, r, a); ok {
		h.boardPage(w, r, a, u, http.StatusOK, nil, "")
	}
}

// boardPost runs one of a board's forms: do is the use case; which names the
// form shown again with what was typed when it fails.
func (h *handlers) boardPost(action auth.Action, which, done string, do func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error) func(http.ResponseWriter, *http.Request, *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		u, ok := h.ah.Unit(w, r, a, action)
		if !ok {
			return
		}
		id := pathID(r, "id")
		err := do(r, a, u, id)
		if err == nil {
			h.web.Done(w, r, u.OfficeURL(Page, "ban", id), done)
			return
		}
		h.fail(w, r, err, func(f *web.FormFailure) { h.boardPage(w, r, a, u, f.Status, f, which) })
	}
}

func (h *handlers) addMember(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.RecognizeFront, "member", "supervision.done.member", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		v := r.PostFormValue
		d := MemberDraft{Name: v("name"), Position: v("position"), Origin: v("origin"), Email: v("email"), Resident: v("resident") == "1",
			Official: v("official") == "1", NoRelative: v("no_relative") == "1"}
		d.VillageID, _ = web.ParseID(v("village"))
		if c := v("candidate"); c != "" { // "matter:name" of the election's list
			d.Origin = Elected
			var rest string
			if m, n, ok := cutID(c); ok {
				d.MatterID, rest = m, n
			}
			d.Name = rest
		}
		k, err := web.FormIdem(r)
		if err != nil {
			return err
		}
		_, err = h.svc.AddMember(r.Context(), a, u.ID, id, d, k)
		return err
	})(w, r, a)
}

// cutID splits "12345:text" into its ID and its text.
func cutID(s string) (int64, string, bool) {
	id, text, ok := strings.Cut(s, ":")
	n, err := strconv.ParseInt(id, 10, 64)
	return n, text, ok && err == nil && n > 0
}

func (h *handlers) removeMember(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.RecognizeFront, "members", "supervision.done.member_left", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		return h.svc.RemoveMember(r.Context(), a, u.ID, id, pathID(r, "m"))
	})(w, r, a)
}

func (h *handlers) recognise(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.RecognizeFront, "recognise", "supervision.done.recognised", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		if err := web.Confirmed(r); err != nil {
			return err
		}
		return h.svc.Recognise(r.Context(), a, u.ID, id)
	})(w, r, a)
}

func (h *handlers) notified(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.RecognizeFront, "notified", "supervision.done.notified", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		p := web.Problems{}
		on := p.Day(r, "notified_on")
		if err := p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.notified_day")); err != nil {
			return err
		}
		return h.svc.Notified(r.Context(), a, u.ID, id, on)
	})(w, r, a)
}

func (h *handlers) dissolve(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.RecognizeFront, "dissolve", "supervision.done.dissolved", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		if err := web.Confirmed(r); err != nil {
			return err
		}
		p := web.Problems{}
		on := p.Day(r, "handed_over")
		if err := p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.handover_day")); err != nil {
			return err
		}
		return h.svc.Dissolve(r.Context(), a, u.ID, id, on, r.PostFormValue("note"))
	})(w, r, a)
}

func (h *handlers) addPlan(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.Supervise, "plan", "supervision.done.plan", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		v := r.PostFormValue
		p := web.Problems{}
		d := PlanDraft{Period: v("period"), Title: v("title"), Body: v("body"), Subject: v("subject"), StartsOn: p.Day(r, "starts_on"), SentOn: p.Day(r, "sent_on")}
		if err := p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.plan_invalid")); err != nil {
			return err
		}
		k, err := web.FormIdem(r)
		if err != nil {
			return err
		}
		_, err = h.svc.AddPlan(r.Context(), a, u.ID, id, d, k)
		return err
	})(w, r, a)
}

func (h *handlers) addWriting(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.Supervise, "writing", "supervision.done.writing", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		v := r.PostFormValue
		d := WritingDraft{Kind: v("kind"), Area: v("area"), Period: v("period"), Title: v("title"), Body: v("body"), Evidence: v("evidence")}
		if plan := v("plan"); plan != "" {
			var ok bool
			if d.PlanID, ok = web.ParseID(plan); !ok {
				return apperr.New(apperr.CodeInvalid, "supervision.err.f.plan").Mark("plan")
			}
		}
		k, err := web.FormIdem(r)
		if err != nil {
			return err
		}
		_, err = h.svc.AddWriting(r.Context(), a, u.ID, id, d, k)
		return err
	})(w, r, a)
}

func (h *handlers) publish(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.Supervise, "writings", "supervision.done.published", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		if err := web.Confirmed(r); err != nil {
			return err
		}
		return h.svc.Publish(r.Context(), a, u.ID, id, pathID(r, "w"))
	})(w, r, a)
}

func (h *handlers) recommend(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.boardPost(auth.Supervise, "rec", "supervision.done.rec", func(r *http.Request, a *auth.Actor, u org.Unit, id int64) error {
		v := r.PostFormValue
		p := web.Problems{}
		d := RecDraft{Kind: v("kind"), Subject: v("subject"), Body: v("body"), SentOn: p.Day(r, "sent_on")}
		d.AddresseeID, _ = web.ParseID(v("addressee"))
		if err := p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.rec_invalid")); err != nil {
			return err
		}
		k, err := web.FormIdem(r)
		if err != nil {
			return err
		}
		_, err = h.svc.Recommend(r.Context(), a, u.ID, id, d, k)
		return err
	})(w, r, a)
}

// --- the addressed body's pages ---

type answersPage struct {
	Unit  org.Unit
	Recs  []Rec
	Today legal.Date
	Names names
}

// State is a recommendation's state today, for the template.
func (p answersPage) State(x Rec) string { return x.State(p.Today) }

func (h *handlers) answers(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.AnswerSupervision)
	if !ok {
		return
	}
	xs, err := h.svc.Addressed(r.Context(), a, u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["answers"], h.web.T(r, "supervision.answers.title", u.Name),
		answersPage{Unit: u, Recs: xs, Today: legal.Today(h.svc.Now()), Names: h.names(r)})
}

type answerPage struct {
	form
	Unit  org.Unit
	Rec   Rec
	Today legal.Date
	State string
	Board string // the board's public page
	From  string // the commune whose board sent it
}

func (h *handlers) answerPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	x, err := h.svc.Recommendation(r.Context(), a, u.ID, pathID(r, "id"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	today := legal.Today(h.svc.Now())
	p := answerPage{Unit: u, Rec: x, Today: today, State: x.State(today)}
	if t, err := h.units.Tree(r.Context()); err == nil {
		if c, ok := t.Unit(x.CommuneID); ok {
			p.From, p.Board = c.Name, BoardURL(c, x.BoardID)
		}
	}
	p.form.failed(ff, "answer")
	h.web.RenderStatus(w, r, h.pages["answer"], status, x.Subject, p)
}

func (h *handlers) answerForm(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.AnswerSupervision); ok {
		h.answerPage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.AnswerSupervision)
	if !ok {
		return
	}
	id := pathID(r, "id")
	_, err := h.svc.Answer(r.Context(), a, u.ID, id, r.PostFormValue("answer"))
	if err == nil {
		h.web.Done(w, r, u.OfficeURL(AnswerPage, id), "supervision.done.answered")
		return
	}
	h.fail(w, r, err, func(f *web.FormFailure) { h.answerPage(w, r, a, u, f.Status, f) })
}

// --- the level above ---

type latePage struct {
	Unit  org.Unit
	Recs  []Rec
	Today legal.Date
	Names names
}

func (h *handlers) late(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.ViewBackOffice)
	if !ok {
		return
	}
	xs, err := h.svc.Late(r.Context(), a, u)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["late"], h.web.T(r, "supervision.late.title", u.Name), latePage{Unit: u, Recs: xs, Today: legal.Today(h.svc.Now()), Names: h.names(r)})
}

// --- public ---

type publicPage struct {
	Unit   org.Unit
	Crumbs []org.Crumb
	Boards []BoardView
	Groups []RecGroup
	Names  names
	Today  legal.Date
	Data   string
	Count  int // recommendations
}

func (h *handlers) public(w http.ResponseWriter, r *http.Request) {
	u, t, ok := org.PathTerritory(h.web, h.units, w, r, org.CommuneLevel)
	if !ok {
		return
	}
	today := legal.Today(h.svc.Now())
	bs, err := h.svc.PublicBoards(r.Context(), t, u)
	var xs []Rec
	if err == nil {
		xs, err = h.svc.PublicRecs(r.Context(), u)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["public"], h.web.T(r, "supervision.public.title", u.Name), publicPage{Unit: u, Crumbs: t.Trail(u.ID), Boards: bs,
		Groups: group(xs, today), Names: h.names(r), Today: today, Data: "/api/v1/units/" + u.Code + "/supervision-recommendations", Count: len(xs)})
}

type publicBoardPage struct {
	Unit   org.Unit
	Crumbs []org.Crumb
	View   BoardView
	Names  names
	Today  legal.Date
}

// State is a recommendation's state today, for the template.
func (p publicBoardPage) State(x Rec) string { return x.State(p.Today) }

func (h *handlers) publicBoard(w http.ResponseWriter, r *http.Request) {
	u, t, ok := org.PathTerritory(h.web, h.units, w, r, org.CommuneLevel)
	if !ok {
		return
	}
	v, err := h.svc.PublicBoard(r.Context(), t, u, pathID(r, "id"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["publicboard"], v.Board.Name, publicBoardPage{Unit: u, Crumbs: t.Trail(u.ID), View: v, Names: h.names(r),
		Today: legal.Today(h.svc.Now())})
}
