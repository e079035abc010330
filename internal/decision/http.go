package decision

import (
	"embed"
	"fmt"
	"net/http"
	"slices"
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

// URL is the public page of a matter.
func URL(id int64) string { return fmt.Sprintf("/quyet-dinh/%d", id) }

// OfficeURL is the officials' page of a matter.
func OfficeURL(id int64) string { return fmt.Sprintf("/quan-tri/quyet-dinh/%d", id) }

// RegisterRoutes adds the public pages (matters, results, online voting) and the officials' pages.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("decision catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"list", "detail", "manage", "office", "minutes"})
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	s.HandleFunc("GET /xa/{code}/quyet-dinh", h.list)
	s.HandleFunc("GET /api/v1/units/{code}/decisions", h.apiList) // api.go
	if err := s.AddOpenAPI(files, "openapi.json"); err != nil {
		return err
	}
	s.HandleFunc("GET /quyet-dinh/{id}", h.detail)
	s.HandleFunc("POST /bieu-quyet/{vote}", h.cast)
	s.HandleFunc("GET /bieu-quyet/{vote}/ma-phieu.txt", h.receipts)
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/quyet-dinh", ah.Official(h.manage))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/quyet-dinh", ah.Official(h.propose))
	s.HandleFunc("GET /quan-tri/quyet-dinh/{id}", ah.Official(h.office))
	s.HandleFunc("POST /quan-tri/quyet-dinh/{id}/thong-bao", ah.Official(h.notice))
	s.HandleFunc("POST /quan-tri/bieu-quyet/{vote}/ket-qua", ah.Official(h.count))
	s.HandleFunc("POST /quan-tri/bieu-quyet/{vote}/ket-thuc", ah.Official(h.closeOnline))
	s.HandleFunc("POST /quan-tri/bieu-quyet/{vote}/sua-ket-qua", ah.Official(h.correct))
	s.HandleFunc("POST /quan-tri/quyet-dinh/{id}/gui", ah.Official(h.submit))
	s.HandleFunc("POST /quan-tri/quyet-dinh/{id}/cong-nhan", ah.Official(h.recognize))
	s.HandleFunc("POST /quan-tri/quyet-dinh/{id}/huy-bo", ah.Official(h.annul))
	s.HandleFunc("GET /quyet-dinh/{id}/bien-ban", h.minutes)
	return nil
}

// ListSize is how many matters a page of a commune's list shows.
const ListSize = 200

func (h *handlers) list(w http.ResponseWriter, r *http.Request) {
	u, err := h.units.CommuneByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	title := h.web.T(r, "decision.list.title", u.Name)
	list := func(before int64, n int) ([]Matter, error) { return h.svc.List(r.Context(), u.ID, before, n) }
	var village org.Unit
	if code := r.URL.Query().Get("thon"); code != "" {
		// One village's matters: those proposed there and those it votes on.
		v, ok := t.ByCode(code)
		if !ok || v.ParentID != u.ID {
			h.web.NotFound(w, r)
			return
		}
		village, title = v, h.web.T(r, "decision.list.title_village", v.Name)
		list = func(before int64, n int) ([]Matter, error) {
			return h.svc.ListInVillage(r.Context(), u.ID, v.ID, before, n)
		}
	}
	ms, pager, err := web.KeysetPage(r, "truoc", ListSize, list, func(m Matter) int64 { return m.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	items := make([]listItem, len(ms))
	for i, m := range ms {
		items[i] = listItem{Matter: m, Where: h.web.T(r, "decision.list.commune_wide")}
		if m.UnitID != u.ID {
			if v, ok := t.Unit(m.UnitID); ok {
				items[i].Where = v.Name
			}
		}
	}
	crumbs := t.Trail(u.ID)
	if village.ID != 0 {
		crumbs = t.Trail(village.ID)
	}
	h.web.Render(w, r, h.pages["list"], title, struct {
		Unit     org.Unit
		Crumbs   []org.Crumb
		Items    []listItem
		Subjects []string
		Pager    web.Pager
	}{u, crumbs, items, Subjects, pager})
}

// listItem is a matter of a commune's list, with where it is decided: its
// village's name, or the whole commune.
type listItem struct {
	Matter
	Where string
}

// voteView is a vote as the pages show it.
type voteView struct {
	Vote
	Village   string
	MethodStr string
	Needed    int
	Shown     bool // results may be shown (not an online vote still open)
	Ballots   int  // online, closed: how many receipts were counted
	Check     string
	CheckOK   bool              // Check is among the counted receipts
	Results   []CandidateResult // an election
	Mine      MyBallot
	MineOK    bool
	CanVote   bool
	TooEarly  bool // an open online vote before its last day is over: not yet closed
	// A recorded count: its corrections, and whether it may still be corrected
	// (the minutes not sent, the decision not annulled, no later vote).
	Corrections []Correction
	Correctable bool
}

// dates are a matter's dates as DD/MM/YYYY, for the pages.
func dates(m Matter) map[string]string {
	return map[string]string{"submitted": web.FormatDate(m.SubmittedOn), "recognized": web.FormatDate(m.RecognizedOn), "annulled": web.FormatDate(m.AnnulledOn)}
}

type detailPage struct {
	Crumbs     []org.Crumb // back to the commune (and the village) of the matter
	Review     legal.Date  // a hương ước in force: its next annual review
	Dates      map[string]string
	M          Matter
	InForce    bool
	Clocks     Clocks
	Unit       org.Unit
	Subject    string
	Threshold  string
	Effect     string
	Votes      []voteView
	Error      string
	Values     map[string]string // the ballot as sent, when it failed
	MaxOpinion int
}

func (h *handlers) views(r *http.Request, m Matter) ([]voteView, error) {
	vs, err := h.svc.Votes(r.Context(), m.ID)
	if err != nil {
		return nil, err
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		return nil, err
	}
	a := auth.ActorOf(r)
	today := legal.Today(h.svc.Now())
	out := make([]voteView, len(vs))
	for i, v := range vs {
		vil, _ := t.Unit(v.VillageID)
		out[i] = voteView{Vote: v, Village: vil.Name, MethodStr: MethodNames[v.Method], Needed: ThresholdOf(m.Subject).Needed(v.Households),
			Shown: v.Status == StatusClosed}
		if out[i].Results, err = h.svc.Results(r.Context(), m, v); err != nil {
			return nil, err
		}
		if v.Method != Online && v.Status == StatusClosed {
			if out[i].Corrections, err = h.svc.Corrections(r.Context(), v.ID); err != nil {
				return nil, err
			}
			out[i].Correctable = !laterIn(vs, v) && h.svc.CorrectionOpen(r.Context(), m) == nil // the form only where CorrectCount would take it
		}
		if v.Method == Online && v.Status == StatusClosed {
			out[i].Ballots = v.Tally.Agree + v.Tally.Disagree + v.Tally.OtherOpinion
			if code := r.URL.Query().Get("kiem-tra"); code != "" && r.URL.Query().Get("phieu") == fmt.Sprint(v.ID) {
				out[i].Check = code
				if out[i].CheckOK, err = h.svc.Counted(r.Context(), v.ID, code); err != nil {
					return nil, err
				}
			}
		}
		if v.Method == Online {
			if out[i].Mine, out[i].MineOK, err = h.svc.Mine(r.Context(), a, v.ID); err != nil {
				return nil, err
			}
			out[i].CanVote = out[i].MineOK && !out[i].Mine.Voted && v.Open(today)
			out[i].TooEarly = v.Status == StatusOpen && today.Before(v.ClosesFrom())
		}
	}
	return out, nil
}

// laterIn reports whether a vote of vs was noticed after v in v's village.
func laterIn(vs []Vote, v Vote) bool {
	for _, x := range vs {
		if x.VillageID == v.VillageID && x.ID > v.ID {
			return true
		}
	}
	return false
}

func (h *handlers) detailRender(w http.ResponseWriter, r *http.Request, id int64, status int, p detailPage) {
	m, err := h.svc.Matter(r.Context(), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.M, p.MaxOpinion = m, MaxOpinion
	p.Unit, _ = t.Unit(m.UnitID)
	p.Crumbs = t.Trail(m.UnitID)
	p.Subject = Subjects[m.Subject-1]
	p.Threshold = ThresholdOf(m.Subject).String()
	p.Effect = h.web.T(r, "decision.effect."+string(EffectOf(m.Subject, m.Scope)))
	if m.Status == StatusFailed || m.AnnulledOn != "" {
		p.Effect = h.web.T(r, "decision.detail.no_effect") // when it would have taken effect is no matter now
	}
	p.InForce, p.Dates = InForce(m), dates(m)
	if p.InForce && m.Subject == Convention {
		p.Review = NextReview(legal.Today(h.svc.Now()))
	}
	if p.Clocks, err = h.svc.ClocksOf(r.Context(), m, legal.Today(h.svc.Now())); err != nil {
		h.web.Error(w, r, err)
		return
	}
	if p.Votes, err = h.views(r, m); err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.RenderStatus(w, r, h.pages["detail"], status, m.Title, p)
}

func (h *handlers) detail(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	h.detailRender(w, r, id, http.StatusOK, detailPage{})
}

func (h *handlers) cast(w http.ResponseWriter, r *http.Request) {
	voteID, ok := web.PathID(r, "vote")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	v, err := h.svc.forBallot(r.Context(), voteID) // the matter, for the redirect: from the memory Cast reads too
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	receipt, err := h.svc.Cast(r.Context(), auth.ActorOf(r), voteID, r.PostFormValue("choice"), r.PostFormValue("opinion"))
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.detailRender(w, r, v.MatterID, f.Status, detailPage{Error: f.Message, Values: f.Values})
		}
		return
	}
	_ = receipt                  // the page shows the household's receipt (Mine), never one read from the URL
	key := "decision.done.voted" // an election: the page lists the household's receipt
	switch r.PostFormValue("choice") {
	case "agree":
		key = "decision.done.voted_agree"
	case "disagree":
		key = "decision.done.voted_disagree"
	case "other":
		key = "decision.done.voted_other"
	}
	h.web.Done(w, r, fmt.Sprintf("%s#phieu-%d", URL(v.MatterID), voteID), key)
}

// receipts sends the whole list of counted receipt codes of a closed online vote, one a line.
func (h *handlers) receipts(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "vote")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	list, err := h.svc.Receipts(r.Context(), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	for _, c := range list {
		fmt.Fprintln(w, c)
	}
}

// --- officials ---

type managePage struct {
	Unit     org.Unit
	Items    []Matter
	Dues     []Due
	Subjects []string
	Pager    web.Pager
	Error    string
	Fields   map[string]string
	Values   map[string]string
	MaxTitle int
}

func (h *handlers) managePage(w http.ResponseWriter, r *http.Request, u org.Unit, status int, p managePage) {
	list := func(before int64, n int) ([]Matter, error) { return h.svc.List(r.Context(), u.ID, before, n) }
	if u.Type.Level() == org.VillageLevel {
		// A village's own matters and the commune's voted in it: the head
		// may open those, not the other villages' (matterParam).
		list = func(before int64, n int) ([]Matter, error) {
			return h.svc.ListInVillage(r.Context(), u.ParentID, u.ID, before, n)
		}
	}
	items, pager, err := web.KeysetPage(r, "truoc", ListSize, list, func(m Matter) int64 { return m.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, p.Items, p.Subjects, p.Pager, p.MaxTitle = u, items, Subjects, pager, MaxTitle
	if p.Dues, err = h.svc.Dues(r.Context(), items, legal.Today(h.svc.Now())); err != nil {
		h.web.Error(w, r, err)
		return
	}
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	h.web.RenderStatus(w, r, h.pages["manage"], status, h.web.T(r, "decision.manage.title", u.Name), p)
}

func (h *handlers) manage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.DecideMatters); ok {
		h.managePage(w, r, u, http.StatusOK, managePage{})
	}
}

func (h *handlers) propose(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.DecideMatters)
	if !ok {
		return
	}
	n := web.FormNumbers(r)
	subject := n.Optional("subject", apperr.M("decision.field.subject"), 0) // a select: left empty, the service asks to choose
	backers := n.Optional("backers", apperr.M("decision.field.backers"), 0)
	seats := n.Optional("seats", apperr.M("decision.field.seats"), 1)
	ref := strings.TrimRight(strings.TrimSpace(r.PostFormValue("draft")), "/") // a number, or the consultation's address
	draft, _ := web.ParseID(ref[strings.LastIndex(ref, "/")+1:])
	err := n.Err()
	p := Proposal{UnitID: u.ID, Subject: subject, Title: r.PostFormValue("title"), Body: r.PostFormValue("body"),
		Initiative: r.PostFormValue("initiative") == "1", Backers: backers, Candidates: strings.Split(r.PostFormValue("candidates"), "\n"), Seats: seats, DraftID: draft}
	if err == nil {
		p.Idem, err = web.FormIdem(r)
	}
	var m Matter
	if err == nil {
		m, err = h.svc.Propose(r.Context(), a, p)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.managePage(w, r, u, f.Status, managePage{Error: f.Message, Fields: f.Fields, Values: f.Values})
		}
		return
	}
	h.web.Done(w, r, OfficeURL(m.ID), "decision.done.proposed")
}

type officePage struct {
	Timeline []Step // electing a village head: the ND 59 Art 6 steps before the meeting
	Dates    map[string]string
	M        Matter
	Clocks   Clocks
	InForce  bool
	Subject  string
	Villages []org.Unit
	Votes    []voteView
	Methods  []Method
	Names    map[Method]string
	MinDate  string
	Today    string
	Error    string
	Fields   map[string]string
	// Form is the action of the form that failed; Values and Lists what was
	// typed in it (V), shown again in that form only.
	Form   string
	Values map[string]string
	Lists  map[string][]string
	// What this official may do here: the guard's decisions (Guard.Allows)
	// that the handlers of these forms apply, so no form is shown that
	// would be refused.
	CanRecognize, CanAnnul, CanSubmit bool
	CanCount                          map[int64]bool // vote -> may record its count or close it
	OnlineOK                          bool           // the subject may be voted online (ND 59 Art 5)
}

// V is what was typed in field of the form posting to action, when that form failed.
func (p officePage) V(action, field string) string {
	if p.Form != action {
		return ""
	}
	return p.Values[field]
}

// Nth is the i-th value typed in field (a list of counts), when that form failed.
func (p officePage) Nth(action, field string, i int) string {
	if p.Form != action || i >= len(p.Lists[field]) {
		return ""
	}
	return p.Lists[field][i]
}

// matterParam reads the path's matter and checks the official may act on it.
func (h *handlers) matterParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (Matter, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return Matter{}, false
	}
	m, err := h.svc.Matter(r.Context(), id)
	if err == nil && !h.villageOfCommuneMatter(r, a, m) {
		err = h.svc.guard.Can(r.Context(), a, auth.DecideMatters, m.UnitID)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return Matter{}, false
	}
	return m, true
}

// villageOfCommuneMatter reports whether a commune-wide matter is voted in a
// village the actor runs: its head notices and counts that village's vote
// (LDC Art 19), while the matter itself belongs to the commune.
func (h *handlers) villageOfCommuneMatter(r *http.Request, a *auth.Actor, m Matter) bool {
	if m.Scope != CommuneScope || a == nil {
		return false
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		return false
	}
	for _, u := range t.Descendants(m.UnitID) {
		if u.ParentID == m.UnitID && u.Type.Level() == org.VillageLevel {
			if d, _ := auth.Decide(t, a.Grants, auth.DecideMatters, u.ID); d == auth.Allowed {
				return true
			}
		}
	}
	return false
}

func (h *handlers) officeRender(w http.ResponseWriter, r *http.Request, m Matter, status int, p officePage) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.M, p.Subject, p.Names = m, Subjects[m.Subject-1], MethodNames
	if m.Scope == VillageScope {
		u, _ := t.Unit(m.UnitID)
		p.Villages = []org.Unit{u}
	} else {
		// The villages whose votes this official may notice and count.
		a := auth.ActorOf(r)
		for _, u := range t.Descendants(m.UnitID) {
			if u.ParentID != m.UnitID || u.Type.Level() != org.VillageLevel || a == nil {
				continue
			}
			if d, _ := auth.Decide(t, a.Grants, auth.DecideMatters, u.ID); d == auth.Allowed {
				p.Villages = append(p.Villages, u)
			}
		}
	}
	if p.Votes, err = h.views(r, m); err != nil {
		h.web.Error(w, r, err)
		return
	}
	// The methods CheckMethod allows for this subject (the households' opt-in
	// is checked on notice), and the actions the guard allows this official.
	failed := false
	a := auth.ActorOf(r)
	ctx := r.Context()
	p.CanCount = map[int64]bool{}
	for _, v := range p.Votes {
		failed = failed || (v.Method == Meeting && v.Status == StatusClosed && v.LackedNumbers)
		p.CanCount[v.ID] = h.svc.guard.Allows(ctx, a, auth.DecideMatters, v.VillageID)
	}
	for _, meth := range []Method{Meeting, Ballot, Online} {
		if CheckMethod(m.Subject, meth, MethodFacts{MeetingFailed: failed, OptedIn: 1, Households: 1}) == nil {
			p.Methods = append(p.Methods, meth)
		}
	}
	p.OnlineOK = slices.Contains(p.Methods, Online)
	recognize := auth.RecognizeCommune
	if m.Subject == Boards {
		recognize = auth.RecognizeFront
	}
	p.CanRecognize = h.svc.guard.Allows(ctx, a, recognize, m.CommuneID)
	p.CanAnnul = h.svc.guard.Allows(ctx, a, auth.RecognizeCommune, m.CommuneID)
	p.CanSubmit = h.svc.guard.Allows(ctx, a, auth.DecideMatters, m.UnitID)
	today := legal.Today(h.svc.Now())
	p.Today, p.MinDate = today.String(), EarliestDay("meeting.notice", today).String()
	if p.Clocks, err = h.svc.ClocksOf(r.Context(), m, today); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.InForce, p.Dates = InForce(m), dates(m)
	if m.Subject == VillageHead {
		for _, v := range p.Votes {
			if v.Method == Meeting && v.Status == StatusOpen {
				if p.Timeline, err = h.svc.ElectionTimeline(r.Context(), v.HeldOn, m.ProposedOn); err != nil {
					h.web.Error(w, r, err)
					return
				}
			}
		}
	}
	h.web.RenderStatus(w, r, h.pages["office"], status, m.Title, p)
}

func (h *handlers) office(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if m, ok := h.matterParam(w, r, a); ok {
		h.officeRender(w, r, m, http.StatusOK, officePage{})
	}
}

// after answers an action on the office page: done, a redirect to it that
// says so (key: a "decision.done.*" notice); failed, the page again with
// what was typed in the form that failed.
func (h *handlers) after(w http.ResponseWriter, r *http.Request, m Matter, err error, key string) {
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.officeRender(w, r, m, f.Status, officePage{Error: f.Message, Fields: f.Fields, Form: r.URL.Path, Values: f.Values, Lists: f.Lists})
		}
		return
	}
	h.web.Done(w, r, OfficeURL(m.ID), key)
}

func (h *handlers) notice(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	m, ok := h.matterParam(w, r, a)
	if !ok {
		return
	}
	village, _ := web.ParseID(r.PostFormValue("village"))
	n := web.FormNumbers(r)
	opted := n.Optional("opted_in", apperr.M("decision.field.opted_in"), 0)
	err := n.Err()
	if err == nil {
		_, err = h.svc.Notice(r.Context(), a, m.ID, Notice{VillageID: village, Method: Method(r.PostFormValue("method")), HeldOn: r.PostFormValue("held_on"),
			OptedIn: opted, Team: strings.Split(r.PostFormValue("team"), "\n")})
	}
	h.after(w, r, m, err, "decision.done.noticed")
}

// voteParam reads the path's vote and its matter.
func (h *handlers) voteParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (Vote, Matter, bool) {
	id, ok := web.PathID(r, "vote")
	if !ok {
		h.web.NotFound(w, r)
		return Vote{}, Matter{}, false
	}
	v, err := h.svc.Vote(r.Context(), id)
	var m Matter
	if err == nil {
		err = h.svc.guard.Can(r.Context(), a, auth.DecideMatters, v.VillageID)
	}
	if err == nil {
		m, err = h.svc.Matter(r.Context(), v.MatterID)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return Vote{}, Matter{}, false
	}
	return v, m, true
}

// readCount reads a count form strictly (web.FormNumbers): the numbers the
// vote's method asks for, each required.
func readCount(r *http.Request, m Matter, v Vote) (Count, error) {
	n := web.FormNumbers(r)
	c := Count{Committee: strings.Split(r.PostFormValue("committee"), "\n"), Secretary: r.PostFormValue("secretary")}
	if len(m.Candidates) > 0 {
		c.Present = n.Int("present", apperr.M("decision.field.voted"))
		c.PerCandidate = n.Ints("cand", apperr.M("decision.field.cand"))
	} else {
		if v.Method == Meeting {
			c.Present = n.Int("present", apperr.M("decision.field.present"))
		}
		c.Agree = n.Int("agree", apperr.M("decision.field.agree"))
		c.Disagree = n.Int("disagree", apperr.M("decision.field.disagree"))
		c.Other = n.Int("other", apperr.M("decision.field.other"))
	}
	return c, n.Err()
}

func (h *handlers) count(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	v, m, ok := h.voteParam(w, r, a)
	if !ok {
		return
	}
	c, err := readCount(r, m, v)
	if err == nil {
		_, err = h.svc.RecordCount(r.Context(), a, v.ID, c)
	}
	h.after(w, r, m, err, "decision.done.counted")
}

// correct corrects a recorded count, with its reason (Service.CorrectCount).
func (h *handlers) correct(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	v, m, ok := h.voteParam(w, r, a)
	if !ok {
		return
	}
	c, err := readCount(r, m, v)
	if err == nil {
		_, err = h.svc.CorrectCount(r.Context(), a, v.ID, c, r.PostFormValue("reason"))
	}
	h.after(w, r, m, err, "decision.done.corrected")
}

func (h *handlers) closeOnline(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	v, m, ok := h.voteParam(w, r, a)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err == nil {
		_, err = h.svc.CloseOnline(r.Context(), a, v.ID)
	}
	h.after(w, r, m, err, "decision.done.closed")
}

func (h *handlers) submit(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	m, ok := h.matterParam(w, r, a)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err == nil {
		_, err = h.svc.Submit(r.Context(), a, m.ID, Signatories{Head: r.PostFormValue("head"), Front: r.PostFormValue("front"),
			Reps: [2]string{r.PostFormValue("rep1"), r.PostFormValue("rep2")}})
	}
	h.after(w, r, m, err, "decision.done.submitted")
}

// matterAny reads the path's matter for actions whose service checks its own
// permission (recognition is the commune's, or the Front's, not the village's).
func (h *handlers) matterAny(w http.ResponseWriter, r *http.Request) (Matter, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return Matter{}, false
	}
	m, err := h.svc.Matter(r.Context(), id)
	if err != nil {
		h.web.Error(w, r, err)
		return Matter{}, false
	}
	return m, true
}

func (h *handlers) recognize(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	m, ok := h.matterAny(w, r)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err != nil { // one who may not answer is refused as such, ticked or not
		if perr := h.svc.MayRecognize(r.Context(), a, m); perr != nil {
			err = perr
		}
	} else {
		_, err = h.svc.Recognize(r.Context(), a, m.ID, r.PostFormValue("recognized") == "1", r.PostFormValue("reason"))
	}
	h.afterAny(w, r, a, m, err, "decision.done.answered")
}

func (h *handlers) annul(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	m, ok := h.matterAny(w, r)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err != nil {
		if perr := h.svc.MayAnnul(r.Context(), a, m); perr != nil {
			err = perr
		}
	} else {
		_, err = h.svc.Annul(r.Context(), a, m.ID, r.PostFormValue("reason"))
	}
	h.afterAny(w, r, a, m, err, "decision.done.annulled")
}

// afterAny shows the outcome of a commune action: the office page to those who
// may see it, the public page to the others (a Front officer).
func (h *handlers) afterAny(w http.ResponseWriter, r *http.Request, a *auth.Actor, m Matter, err error, key string) {
	if h.svc.guard.Allows(r.Context(), a, auth.DecideMatters, m.UnitID) || h.villageOfCommuneMatter(r, a, m) {
		h.after(w, r, m, err, key)
		return
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.detailRender(w, r, m.ID, f.Status, detailPage{Error: f.Message})
		}
		return
	}
	h.web.Done(w, r, URL(m.ID), key)
}

func (h *handlers) minutes(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	m, err := h.svc.Matter(r.Context(), id)
	if err == nil && m.Minutes == "" {
		err = apperr.New(apperr.CodeNotFound, "decision.err.no_minutes")
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["minutes"], h.web.T(r, "decision.minutes.title"), m)
}
