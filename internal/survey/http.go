package survey

import (
	"embed"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/sheet"
	"danchu/internal/web"
)

//go:embed templates locales openapi.json
var files embed.FS

// Page is a unit's back-office page of surveys; PublicPage its public list.
const (
	Page       = "khao-sat"
	PublicPage = "khao-sat"
)

// URL is a survey's public page.
func URL(id int64) string { return "/khao-sat/" + strconv.FormatInt(id, 10) }

// ListURL is a territory's public list of surveys.
func ListURL(u org.Unit) string {
	if u.Type.Level() == org.ProvinceLevel {
		return "/tinh/" + u.Code + "/" + PublicPage
	}
	return "/xa/" + u.Code + "/" + PublicPage
}

type handlers struct {
	ah    *auth.Handlers
	svc   *Service
	web   *web.Server
	units *org.Service
	pages map[string]*web.Page
}

// RegisterRoutes adds the officials' survey builder, the public lists, the
// answer form, the results (page with bars, XLSX) and the open data.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("survey catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"office", "manage", "list", "answer", "results", "rate"}, "templates/parts.tmpl")
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	const base = "/quan-tri/don-vi/{unit}/" + Page
	s.HandleFunc("GET "+base, ah.Official(h.office))
	s.HandleFunc("POST "+base, ah.Official(h.create))
	s.HandleFunc("GET "+base+"/{id}", ah.Official(h.manage))
	s.HandleFunc("POST "+base+"/{id}/trang-thai", ah.Official(h.status))
	for _, level := range []struct {
		prefix string
		l      org.Level
	}{{"/xa/{code}/", org.CommuneLevel}, {"/tinh/{code}/", org.ProvinceLevel}} {
		s.HandleFunc("GET "+level.prefix+PublicPage, h.list(level.l))
	}
	s.HandleFunc("GET /khao-sat/{id}", h.answerForm)
	s.HandleFunc("POST /khao-sat/{id}", ah.Citizen(h.answer))
	s.HandleFunc("GET /khao-sat/{id}/ket-qua", h.results)
	s.HandleFunc("GET /khao-sat/{id}/ket-qua.xlsx", h.resultsSheet)
	s.HandleFunc("GET /api/v1/units/{code}/survey-results", h.api)
	s.HandleFunc("GET /api/v1/units/{code}/satisfaction-ratings", h.ratingsAPI)
	s.HandleFunc("GET /danh-gia/{kind}/{ref}", ah.Citizen(h.rateForm))
	s.HandleFunc("POST /danh-gia/{kind}/{ref}", ah.Citizen(h.rate))
	return s.AddOpenAPI(files, "openapi.json")
}

type form struct {
	Error  string
	Fields map[string]string
	Values map[string]string
}

func (f *form) failed(ff *web.FormFailure) {
	if ff != nil {
		f.Error, f.Fields, f.Values = ff.Message, ff.Fields, ff.Values
	}
	if f.Values == nil {
		f.Values = map[string]string{}
	}
}

// pathID is the path's {id} (0: none, found by no one).
func pathID(r *http.Request) int64 {
	id, _ := web.PathID(r, "id")
	return id
}

// --- officials ---

type officePage struct {
	form
	ratingsView
	Unit    org.Unit
	Surveys []Survey
	Today   legal.Date
	Example string
	Public  string
}

// Example is the questions' syntax as the form shows it.
const Example = `# Thái độ phục vụ
[scale+*] Ông/bà hài lòng thế nào với thái độ của cán bộ UBND xã khi tiếp nhận, giải quyết công việc?

[single*] Ông/bà đến UBND xã giải quyết công việc bao nhiêu lần trong năm?
- Chưa lần nào
- 1–2 lần
- 3 lần trở lên

# Góp ý
[multi] Cần cải thiện điều gì?
- Thời gian chờ
- Hướng dẫn thủ tục
- Cơ sở vật chất

[text] Ý kiến khác`

func (h *handlers) officePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, ff *web.FormFailure) {
	today := legal.Today(h.svc.Now())
	xs, err := h.svc.Surveys(r.Context(), a, u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := officePage{Unit: u, Surveys: xs, Today: today, Example: Example, Public: ListURL(u)}
	if p.Ratings, err = h.svc.Ratings(r.Context(), u); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.form.failed(ff)
	if ff == nil {
		p.Values["opens_on"], p.Values["closes_on"], p.Values["audience"] = today.String(), today.AddDays(30).String(), Residents
	}
	h.web.RenderStatus(w, r, h.pages["office"], status, h.web.T(r, "survey.office.title", u.Name), p)
}

func (h *handlers) office(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.RunSurveys); ok {
		h.officePage(w, r, a, u, http.StatusOK, nil)
	}
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.RunSurveys)
	if !ok {
		return
	}
	v := r.PostFormValue
	p := web.Problems{}
	d := DraftSurvey{Title: v("title"), Intro: v("intro"), Audience: v("audience"), OpensOn: p.Day(r, "opens_on"), ClosesOn: p.Day(r, "closes_on")}
	k, err := web.FormIdem(r)
	if err == nil {
		if d.Questions, err = ParseQuestions(v("questions")); err == nil {
			err = p.Err(apperr.New(apperr.CodeInvalid, "survey.err.invalid"))
		}
	}
	if err == nil {
		var x Survey
		if x, err = h.svc.Create(r.Context(), a, u.ID, d, k); err == nil {
			h.web.Done(w, r, u.OfficeURL(Page, x.ID), "survey.done.created")
			return
		}
	}
	if f, ok := h.web.FailForm(w, r, err); ok {
		h.officePage(w, r, a, u, f.Status, &f)
	}
}

type managePage struct {
	Unit      org.Unit
	Survey    Survey
	Questions []Question
	Results   Results
	Public    string
	Today     legal.Date
}

func (h *handlers) manage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.RunSurveys)
	if !ok {
		return
	}
	x, qs, err := h.svc.Survey(r.Context(), a, u.ID, pathID(r))
	var res Results
	if err == nil {
		res, err = h.svc.OfficialResults(r.Context(), a, u.ID, x.ID)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["manage"], x.Title, managePage{Unit: u, Survey: x, Questions: qs, Results: res, Public: URL(x.ID), Today: legal.Today(h.svc.Now())})
}

func (h *handlers) status(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.RunSurveys)
	if !ok {
		return
	}
	id := pathID(r)
	to := r.PostFormValue("to")
	err := web.Confirmed(r)
	if err == nil {
		err = h.svc.SetStatus(r.Context(), a, u.ID, id, to)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Done(w, r, u.OfficeURL(Page, id), "survey.done."+map[bool]string{true: "opened", false: "closed"}[to == Open])
}

// --- the public ---

type listPage struct {
	ratingsView
	Unit      org.Unit
	Crumbs    []org.Crumb
	Surveys   []Survey
	Today     legal.Date
	Satisfied int // per cent over the unit's surveys' satisfaction questions (-1: none)
	Target    int
	Data      string
}

func (h *handlers) list(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, t, ok := org.PathTerritory(h.web, h.units, w, r, level)
		if !ok {
			return
		}
		xs, err := h.svc.PublicSurveys(r.Context(), u)
		var sat int
		if err == nil {
			sat, err = h.svc.SatisfiedIn(r.Context(), u)
		}
		var rs []RatingPeriod
		if err == nil {
			rs, err = h.svc.Ratings(r.Context(), u)
		}
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		h.web.Render(w, r, h.pages["list"], h.web.T(r, "survey.list.title", u.Name), listPage{ratingsView: ratingsView{rs}, Unit: u, Crumbs: t.Trail(u.ID), Surveys: xs,
			Today: legal.Today(h.svc.Now()), Satisfied: sat, Target: Target, Data: "/api/v1/units/" + u.Code + "/survey-results"})
	}
}

type answerPage struct {
	form
	Survey    Survey
	Unit      org.Unit
	Questions []Question
	Open      bool
	SignedIn  bool
	Answered  bool
	Scale     []string
	Chosen    map[string]bool // "q3=1": what was ticked, kept on a refused post
}

func (h *handlers) answerPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, ff *web.FormFailure) {
	res, u, err := h.svc.PublicResults(r.Context(), pathID(r))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	x := res.Survey
	qs := make([]Question, len(res.Questions))
	for i, q := range res.Questions {
		qs[i] = q.Question
	}
	p := answerPage{Survey: x, Unit: u, Questions: qs, Open: x.OpenOn(legal.Today(h.svc.Now())), SignedIn: a != nil && a.Kind == auth.Citizen,
		Scale: ScaleLabels, Chosen: map[string]bool{}}
	if p.SignedIn {
		p.Answered, _ = h.svc.Answered(r.Context(), a, x)
	}
	p.form.failed(ff)
	if ff != nil {
		for k, vs := range r.PostForm {
			for _, v := range vs {
				p.Chosen[k+"="+v] = true
			}
		}
	}
	h.web.RenderStatus(w, r, h.pages["answer"], status, x.Title, p)
}

func (h *handlers) answerForm(w http.ResponseWriter, r *http.Request) {
	h.answerPage(w, r, auth.ActorOf(r), http.StatusOK, nil)
}

func (h *handlers) answer(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id := pathID(r)
	qs, err := h.svc.Questions(r.Context(), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	ans := FormAnswer(qs, r.PostForm)
	err = h.svc.Respond(r.Context(), a, id, ans)
	if err == nil {
		h.web.Done(w, r, URL(id)+"/ket-qua", "survey.done.answered")
		return
	}
	if f, ok := h.web.FailForm(w, r, err); ok {
		h.answerPage(w, r, a, f.Status, &f)
	}
}

type resultsPage struct {
	Results Results
	Unit    org.Unit
	Crumbs  []org.Crumb
	Target  int
	Sheet   string
}

// Bar is one bar of a question's chart, laid out for the SVG.
type Bar struct {
	Label       string
	N           int64
	Share       int
	Y, W, TextY int
}

// Bars lay a question's counts out as horizontal bars, a label above each
// (100 %: 220 of the chart's 300 units), one every 40 units.
func (q QuestionResult) Bars() []Bar {
	out := make([]Bar, len(q.Counts))
	for i, n := range q.Counts {
		label := ""
		if i < len(q.Labels) {
			label = q.Labels[i]
		}
		out[i] = Bar{Label: label, N: n, Share: q.Shares[i], Y: i*40 + 19, W: q.Shares[i] * 22 / 10, TextY: i*40 + 14}
	}
	return out
}

// Height is the chart's height.
func (q QuestionResult) Height() int { return len(q.Counts)*40 + 6 }

func (h *handlers) resultsOf(w http.ResponseWriter, r *http.Request) (resultsPage, bool) {
	res, u, err := h.svc.PublicResults(r.Context(), pathID(r))
	if err != nil {
		h.web.Error(w, r, err)
		return resultsPage{}, false
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return resultsPage{}, false
	}
	return resultsPage{Results: res, Unit: u, Crumbs: t.Trail(u.ID), Target: Target, Sheet: URL(res.Survey.ID) + "/ket-qua.xlsx"}, true
}

func (h *handlers) results(w http.ResponseWriter, r *http.Request) {
	if p, ok := h.resultsOf(w, r); ok {
		h.web.Render(w, r, h.pages["results"], h.web.T(r, "survey.results.title", p.Results.Survey.Title), p)
	}
}

func (h *handlers) resultsSheet(w http.ResponseWriter, r *http.Request) {
	p, ok := h.resultsOf(w, r)
	if !ok {
		return
	}
	x := p.Results.Survey
	var rows [][]any
	for _, q := range p.Results.Questions {
		if q.Question.Kind == Text {
			continue
		}
		for i, n := range q.Counts {
			label := ""
			if i < len(q.Labels) {
				label = q.Labels[i]
			}
			rows = append(rows, []any{q.Question.N, q.Question.Section, q.Question.Text, label, n, q.Shares[i]})
		}
	}
	b, err := sheet.XLSX(sheet.Table{Name: "Kết quả", Title: "KẾT QUẢ KHẢO SÁT: " + strings.ToUpper(x.Title) + " — " + strings.ToUpper(p.Unit.Name),
		Note:   fmt.Sprintf("Từ %s đến %s; %d lượt trả lời. Tỷ lệ: trên số trả lời câu hỏi (câu nhiều lựa chọn: trên số lượt trả lời khảo sát).", x.OpensOn.VN(), x.ClosesOn.VN(), x.Responses),
		Head:   []string{"Câu", "Phần", "Câu hỏi", "Lựa chọn", "Số trả lời", "Tỷ lệ (%)"},
		Widths: []float64{6, 20, 48, 30, 11, 9}, Rows: rows})
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, fmt.Sprintf("ket-qua-khao-sat-%d.xlsx", x.ID), b)
}

// ResultRow is one option's count as the open data gives it (schema SurveyResultRow).
type ResultRow struct {
	SurveyID  string `json:"survey_id"`
	UnitCode  string `json:"unit_code"`
	Survey    string `json:"survey"`
	Status    string `json:"status"`
	Question  int    `json:"question"`
	Text      string `json:"question_text"`
	Kind      string `json:"kind"`
	Option    string `json:"option"`
	Count     int64  `json:"count"`
	Share     int    `json:"share_percent"`
	Responses int64  `json:"responses"`
}

func (h *handlers) api(w http.ResponseWriter, r *http.Request) {
	if u, _, ok := org.APITerritory(h.web, h.units, w, r); ok {
		rows, err := h.svc.Rows(r.Context(), u)
		web.SendRows(h.web, w, r, "ket-qua-khao-sat-"+u.Code, rows, err)
	}
}

func (h *handlers) ratingsAPI(w http.ResponseWriter, r *http.Request) {
	if u, _, ok := org.APITerritory(h.web, h.units, w, r); ok {
		rows, err := h.svc.RatingRows(r.Context(), u)
		web.SendRows(h.web, w, r, "danh-gia-can-bo-"+u.Code, rows, err)
	}
}
