package feedback

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/files"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/random"
	"danchu/internal/sheet"
	"danchu/internal/web"
)

//go:embed templates locales openapi.json
var assets embed.FS

type handlers struct {
	ah    *auth.Handlers
	svc   *Service
	web   *web.Server
	units *org.Service
	pages map[string]*web.Page
}

// RegisterRoutes adds the citizens' pages, the officials' pages and the
// Open311 GeoReport v2 API.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) error {
	if err := s.AddCatalog(assets); err != nil {
		return fmt.Errorf("feedback catalog: %w", err)
	}
	pages, err := s.Pages(assets, []string{"unit", "track", "find", "stats", "queue", "item", "keys", "settings"})
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	s.HandleFunc("GET /xa/{code}/phan-anh", h.unit)
	s.HandleUpload("POST /xa/{code}/phan-anh", MaxUploadBytes, h.send)
	s.HandleFunc("GET /xa/{code}/phan-anh/thong-ke", h.stats)
	s.HandleFunc("GET /api/v1/units/{code}/feedback-stats", h.apiStats) // api.go
	s.HandleFunc("GET /api/v1/units/{code}/feedback-hotspots", h.apiSpots)
	if err := s.AddOpenAPI(assets, "openapi.json"); err != nil {
		return err
	}
	s.HandleFunc("GET /xa/{code}/phan-anh/thong-ke.xlsx", h.statsSheet)
	s.HandleFunc("GET /tinh/{code}/phan-anh/thong-ke", h.stats)
	s.HandleFunc("GET /tinh/{code}/phan-anh/thong-ke.xlsx", h.statsSheet)
	s.HandleFunc("GET /phan-anh", h.find)
	s.HandleFunc("GET /phan-anh/{code}", h.track)
	s.HandleFunc("POST /phan-anh/{code}/danh-gia", h.rate)
	s.HandleFunc("POST /phan-anh/{code}/mo-lai", h.reopen)
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/phan-anh", ah.Official(h.queue))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/phan-anh/dieu-phoi", ah.Official(h.route))
	s.HandleFunc("GET /quan-tri/phan-anh/{id}", ah.Official(h.item))
	s.HandleFunc("POST /quan-tri/phan-anh/{id}", ah.Official(h.act))
	s.HandleFunc("GET /quan-tri/phan-anh/{id}/anh/{n}", ah.Official(h.photo))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/phan-anh/linh-vuc", ah.Official(h.settings))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/phan-anh/linh-vuc", ah.Official(h.saveSettings))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/open311", ah.Official(h.keys))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/open311", ah.Official(h.issue))
	s.HandleFunc("POST /quan-tri/don-vi/{unit}/open311/{id}/thu-hoi", ah.Official(h.revoke))
	registerOpen311(s, ah, h)
	return nil
}

// names are the labels pages show for categories and statuses.
type names struct {
	Categories []Category
	Status     map[string]string
}

// Category names a category code: the province's name, else the default's
// (an item keeps a code its province has since removed).
func (n names) Category(code string) string {
	if c, ok := Find(n.Categories, code); ok {
		return c.Name
	}
	if c, ok := Find(DefaultCategories, code); ok {
		return c.Name
	}
	return code
}

// Label is how a form lists a category: "Parent › Child" below the top level.
func (n names) Label(c Category) string {
	if c.Parent == "" {
		return c.Name
	}
	return n.Category(c.Parent) + " › " + c.Name
}

// namesFor gives the labels of the province of unitID.
func (h *handlers) namesFor(ctx context.Context, unitID int64) (names, error) {
	cs, err := h.svc.CategoriesOf(ctx, unitID)
	return names{Categories: cs, Status: StatusNames}, err
}

// --- citizens ---

// Limits are the model's bounds the forms carry as maxlength, so that a form
// never refuses what the service accepts.
type Limits struct{ MaxDescription, MaxAddress, MaxContact, MaxAnswer, MaxRatingNote int }

var limits = Limits{MaxDescription, MaxAddress, MaxContact, MaxAnswer, MaxRatingNote}

type unitPage struct {
	names
	Limits
	Unit      org.Unit
	Villages  []org.Unit
	Stats     Stats
	Answers   []Item
	Places    map[int64]string
	Citizen   bool
	Key       string
	Error     string
	Fields    map[string]bool // the fields the error marks
	Values    map[string]string
	MaxPhotos int
	MaxMB     int
}

func (h *handlers) unitPage(w http.ResponseWriter, r *http.Request, u org.Unit, status int, p unitPage) {
	p.Limits = limits
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	for _, v := range t.Descendants(u.ID) {
		if v.Type.Level() == org.VillageLevel && v.ParentID == u.ID {
			p.Villages = append(p.Villages, v)
		}
	}
	if p.Stats, err = h.svc.Stats(r.Context(), u.ID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	if p.Answers, err = h.svc.Answered(r.Context(), u.ID, 20); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Places = map[int64]string{u.ID: u.Name}
	for _, v := range p.Villages {
		p.Places[v.ID] = v.Name
	}
	if p.names, err = h.namesFor(r.Context(), u.ID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	a := auth.ActorOf(r)
	p.Unit, p.Citizen, p.Key, p.MaxPhotos, p.MaxMB = u, a != nil && a.Kind == auth.Citizen, random.Key(), MaxPhotos, MaxPhotoBytes>>20
	if p.Values == nil {
		p.Values = map[string]string{"kind": Feedback}
	}
	h.web.RenderStatus(w, r, h.pages["unit"], status, h.web.T(r, "feedback.unit.title", u.Name), p)
}

func (h *handlers) unit(w http.ResponseWriter, r *http.Request) {
	u, err := h.units.CommuneByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.unitPage(w, r, u, http.StatusOK, unitPage{})
}

// marked is the set of fields a failed form's error names.
func marked(fields map[string]string) map[string]bool {
	m := make(map[string]bool, len(fields))
	for k := range fields {
		m[k] = true
	}
	return m
}

// readCoords reads the optional point of a feedback form strictly
// (web.Numbers.Decimal); a wrong one also marks the form's location.
func readCoords(r *http.Request, latField, lonField string) (lat, lon *float64, err error) {
	n := web.FormNumbers(r)
	if x, ok := n.Decimal(latField, apperr.M("feedback.field.lat")); ok {
		lat = &x
	}
	if x, ok := n.Decimal(lonField, apperr.M("feedback.field.lon")); ok {
		lon = &x
	}
	if err := n.Err(); err != nil {
		var e *apperr.Error
		if errors.As(err, &e) {
			e.Mark("location")
		}
		return nil, nil, err
	}
	return lat, lon, nil
}

func (h *handlers) send(w http.ResponseWriter, r *http.Request) {
	u, err := h.units.CommuneByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	photos, closeAll, err := web.FormFiles(r, "photos")
	defer closeAll()
	v := r.FormValue
	values := map[string]string{"kind": v("kind"), "category": v("category"), "place": v("place"), "description": v("description"),
		"address": v("address"), "lat": v("lat"), "lon": v("lon"), "contact": v("contact"), "anonymous": v("anonymous")}
	var code string
	if err == nil {
		sub := Submission{Kind: v("kind"), Category: v("category"), Description: v("description"), Address: v("address"),
			Contact: v("contact"), IdemKey: v("key"), Photos: photos}
		sub.UnitID, _ = web.ParseID(v("place"))
		if sub.UnitID == 0 {
			sub.UnitID = u.ID
		}
		if t, _ := h.units.Tree(r.Context()); t != nil && sub.UnitID != u.ID && !t.Within(sub.UnitID, u.ID) {
			sub.UnitID = -1 // a village of another commune: refused below as an unknown place
		}
		sub.Lat, sub.Lon, err = readCoords(r, "lat", "lon")
		if err == nil {
			a := auth.ActorOf(r)
			if v("anonymous") == "1" {
				a, sub.Contact = nil, ""
			}
			// One address's posts of big photos queue behind each other (files.PutPhotos).
			ctx := files.WithSender(r.Context(), web.ClientIP(r.Context()))
			code, err = h.svc.Submit(ctx, a, sub)
		}
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.unitPage(w, r, u, f.Status, unitPage{Error: f.Message, Fields: marked(f.Fields), Values: values})
		}
		return
	}
	http.Redirect(w, r, TrackURL(code)+"?moi=1", http.StatusSeeOther)
}

type trackPage struct {
	names
	Limits
	P       Public
	Unit    org.Unit
	Commune org.Unit
	Handler org.Unit
	Stars   []int
	New     bool
	Mine    bool
	CanRate bool
	CanOpen bool
	// RateOfficials is where the sender rates the officials (an answered item).
	RateOfficials string
	Error         string
	Values        map[string]string
	Answered      string
}

func (h *handlers) trackPage(w http.ResponseWriter, r *http.Request, status int, p trackPage) {
	p.Limits = limits
	pub, err := h.svc.Track(r.Context(), r.PathValue("code"))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if pub.Code != r.PathValue("code") { // typed in lower case or without dashes: one address per item
		http.Redirect(w, r, TrackURL(pub.Code), http.StatusMovedPermanently)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.P = pub
	if p.names, err = h.namesFor(r.Context(), pub.UnitID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, _ = t.Unit(pub.UnitID)
	p.Handler, _ = t.Unit(pub.HandlerID)
	p.Commune = p.Unit
	if p.Unit.Type.Level() == org.VillageLevel {
		p.Commune, _ = t.Unit(p.Unit.ParentID)
	}
	p.Stars = []int{5, 4, 3, 2, 1}
	p.New = r.URL.Query().Get("moi") == "1"
	if pub.AnsweredAt != 0 {
		p.Answered = web.FormatMillis(pub.AnsweredAt)
	}
	if a := auth.ActorOf(r); a != nil && a.Kind == auth.Citizen {
		if it, err := h.svc.own(r.Context(), a, pub.Code); err == nil {
			p.Mine = true
			p.CanRate, p.CanOpen = it.CanRate(), it.CanReopen(h.svc.Now())
			if h.svc.RateOfficialsURL != nil {
				p.RateOfficials = h.svc.RateOfficialsURL(r.Context(), a, it.Code)
			}
		}
	}
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	h.web.RenderStatus(w, r, h.pages["track"], status, h.web.T(r, "feedback.track.title", pub.Code), p)
}

func (h *handlers) track(w http.ResponseWriter, r *http.Request) {
	h.trackPage(w, r, http.StatusOK, trackPage{})
}

func (h *handlers) citizenStep(w http.ResponseWriter, r *http.Request, key string, err error) {
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.trackPage(w, r, f.Status, trackPage{Error: f.Message, Values: f.Values})
		}
		return
	}
	h.web.Done(w, r, TrackURL(r.PathValue("code")), key)
}

func (h *handlers) rate(w http.ResponseWriter, r *http.Request) {
	n := web.FormNumbers(r) // radio buttons: none chosen, the service asks for 1 to 5 stars
	stars := n.Optional("stars", apperr.M("feedback.field.stars"), 0)
	err := n.Err()
	if err == nil {
		err = h.svc.Rate(r.Context(), auth.ActorOf(r), r.PathValue("code"), stars, r.PostFormValue("note"))
	}
	h.citizenStep(w, r, "feedback.done.rated", err)
}

func (h *handlers) reopen(w http.ResponseWriter, r *http.Request) {
	h.citizenStep(w, r, "feedback.done.reopened", h.svc.Reopen(r.Context(), auth.ActorOf(r), r.PathValue("code"), r.PostFormValue("reason")))
}

func (h *handlers) find(w http.ResponseWriter, r *http.Request) {
	typed := strings.TrimSpace(r.URL.Query().Get("ma"))
	if typed == "" {
		h.web.Render(w, r, h.pages["find"], h.web.T(r, "feedback.find.title"), map[string]string{})
		return
	}
	p, err := h.svc.Track(r.Context(), typed)
	if err != nil {
		// Not found is the answer to a look-up: shown on the form, with what was typed.
		if apperr.CodeOf(err) != apperr.CodeNotFound {
			h.web.Error(w, r, err)
			return
		}
		h.web.RenderStatus(w, r, h.pages["find"], http.StatusNotFound, h.web.T(r, "feedback.find.title"), map[string]string{"Error": h.web.Message(r, err), "Typed": typed})
		return
	}
	http.Redirect(w, r, TrackURL(p.Code), http.StatusSeeOther)
}

// --- statistics ---

type statsRow struct {
	Unit org.Unit
	Stats
}

type statsPage struct {
	names
	Unit  org.Unit
	Rows  []statsRow
	Total Stats
	Spots []spotView
	Sheet string
	Level string // "xa" or "tinh", as in the unit's address
}

type spotView struct {
	Spot
	Place, Category string
}

// statsOf reads the statistics of a commune (one row) or of a province (a row
// per commune and the total).
func (h *handlers) statsOf(r *http.Request) (statsPage, error) {
	t, err := h.units.Tree(r.Context())
	if err != nil {
		return statsPage{}, err
	}
	u, ok := t.ByCode(r.PathValue("code"))
	level := org.CommuneLevel
	if strings.HasPrefix(r.URL.Path, "/tinh/") {
		level = org.ProvinceLevel
	}
	if !ok || !u.Current() || u.Type.Level() != level {
		return statsPage{}, apperr.New(apperr.CodeNotFound, "feedback.err.unit_not_found")
	}
	units := []org.Unit{u}
	if level == org.ProvinceLevel {
		units = nil
		for _, c := range t.Descendants(u.ID) {
			if c.Type.Level() == org.CommuneLevel && c.ParentID == u.ID {
				units = append(units, c)
			}
		}
	}
	ids := make([]int64, len(units))
	for i, c := range units {
		ids[i] = c.ID
	}
	m, total, err := h.svc.UnitStats(r.Context(), ids)
	if err != nil {
		return statsPage{}, err
	}
	nm, err := h.namesFor(r.Context(), u.ID)
	if err != nil {
		return statsPage{}, err
	}
	p := statsPage{names: nm, Unit: u, Sheet: r.URL.Path + ".xlsx", Level: "xa"}
	if level == org.ProvinceLevel {
		p.Level = "tinh"
	}
	p.Total = total
	for _, c := range units {
		st, ok := m[c.ID]
		if !ok {
			st.MedianDays = -1
		}
		p.Rows = append(p.Rows, statsRow{c, st})
	}
	spots, err := h.svc.HotSpots(r.Context(), u.ID)
	if err != nil {
		return p, err
	}
	for _, sp := range spots {
		place, _ := t.Unit(sp.UnitID)
		p.Spots = append(p.Spots, spotView{sp, place.Name, nm.Category(sp.Category)})
	}
	return p, nil
}

func (h *handlers) stats(w http.ResponseWriter, r *http.Request) {
	p, err := h.statsOf(r)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.pages["stats"], h.web.T(r, "feedback.stats.title", p.Unit.Name), p)
}

func days(n int) any {
	if n < 0 {
		return nil
	}
	return n
}

// share is a percentage cell of the sheet: empty of nothing (the pages' "—", web.Percent).
func share(n, of int) any {
	if of == 0 {
		return nil
	}
	return pct(n, of)
}

func (h *handlers) statsSheet(w http.ResponseWriter, r *http.Request) {
	p, err := h.statsOf(r)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	row := func(name, code string, st Stats) []any {
		return []any{name, code, st.Received, st.Handled(), st.Answered, st.Refused, st.Merged, share(st.OnTime, st.Answered), days(st.MedianDays), st.Rated, share(st.Satisfied, st.Rated)}
	}
	tab := sheet.Table{Name: "Thống kê", Title: "Thống kê phản ánh, kiến nghị — " + p.Unit.Name,
		Note: "Số liệu đến " + web.FormatMillis(h.svc.NowMillis()) + "; đúng hạn tính trên số đã trả lời, hài lòng là đánh giá 4–5 sao trên số lượt đánh giá.",
		Head: []string{"Đơn vị", "Mã", "Tiếp nhận", "Đã xử lý", "Đã trả lời", "Không thụ lý", "Gộp trùng", "Đúng hạn (%)",
			"Số ngày trả lời (trung vị)", "Lượt đánh giá", "Hài lòng (%)"},
		Widths: []float64{34, 10, 10, 10, 10, 12, 10, 12, 14, 12, 12}}
	for _, x := range p.Rows {
		tab.Rows = append(tab.Rows, row(x.Unit.Name, x.Unit.Code, x.Stats))
	}
	if p.Level == "tinh" {
		tab.Rows = append(tab.Rows, row("Tổng cộng", p.Unit.Code, p.Total))
	}
	out, err := sheet.XLSX(tab)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	sheet.Send(w, "thong-ke-phan-anh-"+p.Unit.Code+".xlsx", out)
}

// --- officials ---

type queuePage struct {
	names
	Unit     org.Unit
	Items    []Item
	Pager    web.Pager
	Handled  []Item
	Spots    []spotView
	Today    legal.Date
	Soon     legal.Date
	Places   map[int64]string
	Routes   []Route
	Error    string
	Province bool // the unit sets the categories and hot-spot rule
}

func (h *handlers) queuePage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, p queuePage) {
	ctx := r.Context()
	var err error
	var next string
	if p.Items, next, err = h.svc.Queue(ctx, a, u.ID, r.URL.Query().Get("sau")); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Pager = web.PagerOf(r, "sau", len(p.Items), next)
	if p.Handled, err = h.svc.Handled(ctx, a, u.ID, 20); err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(ctx)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	spots, err := h.svc.HotSpots(ctx, u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if p.names, err = h.namesFor(ctx, u.ID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Places = map[int64]string{}
	for _, sp := range spots {
		place, _ := t.Unit(sp.UnitID)
		p.Spots = append(p.Spots, spotView{sp, place.Name, p.names.Category(sp.Category)})
	}
	for _, it := range append(p.Items, p.Handled...) {
		if pl, ok := t.Unit(it.UnitID); ok {
			p.Places[it.UnitID] = pl.Name
		}
	}
	routes, err := h.svc.Routes(ctx)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	for _, rt := range routes {
		if rt.UnitID == u.ID {
			p.Routes = append(p.Routes, rt)
			if to, ok := t.Unit(rt.To); ok {
				p.Places[rt.To] = to.Name
			}
		}
	}
	cal, err := h.svc.Calendar(ctx)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, p.Province = u, SetsSettings(u)
	p.Today = legal.Today(h.svc.Now())
	p.Soon = cal.AddWorkingDays(p.Today, RemindBefore)
	h.web.RenderStatus(w, r, h.pages["queue"], status, h.web.T(r, "feedback.queue.title", u.Name), p)
}

func (h *handlers) queue(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback); ok {
		h.queuePage(w, r, a, u, http.StatusOK, queuePage{})
	}
}

func (h *handlers) route(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback)
	if !ok {
		return
	}
	var err error
	to := int64(0)
	if code := strings.TrimSpace(r.PostFormValue("to")); code != "" {
		t, terr := h.units.Tree(r.Context())
		if terr != nil {
			h.web.Error(w, r, terr)
			return
		}
		dest, ok := t.ByCode(code)
		if !ok {
			err = apperr.New(apperr.CodeInvalid, "feedback.err.route_unit", code).Mark("to")
		}
		to = dest.ID
	}
	if err == nil {
		err = h.svc.SetRoute(r.Context(), a, r.PostFormValue("category"), u.ID, to)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.queuePage(w, r, a, u, f.Status, queuePage{Error: f.Message})
		}
		return
	}
	h.web.Done(w, r, QueueURL(u), "feedback.done.route_saved")
}

type itemPage struct {
	names
	Limits
	D        Detail
	Place    string
	Handler  org.Unit
	Steps    []string
	Error    string
	Values   map[string]string
	Today    legal.Date
	When     map[int64]string
	Actions  []string
	Transfer bool
	Convert  string // the conversion's form, for an open item
}

func (h *handlers) itemPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, status int, p itemPage) {
	p.Limits = limits
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	d, err := h.svc.Get(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	place, _ := t.Unit(d.UnitID)
	if p.names, err = h.namesFor(r.Context(), d.UnitID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.D, p.Place, p.Today = d, place.Name, legal.Today(h.svc.Now())
	p.Handler, _ = t.Unit(d.HandlerID)
	if d.MergedInto == 0 {
		p.Actions = AllowedSteps(d.Status)
		p.Transfer = d.Open()
		if d.Open() && h.svc.ConvertURL != nil {
			p.Convert = h.svc.ConvertURL(p.Handler, d.ID)
		}
	}
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	h.web.RenderStatus(w, r, h.pages["item"], status, d.Code, p)
}

func (h *handlers) item(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	h.itemPage(w, r, a, http.StatusOK, itemPage{})
}

func (h *handlers) act(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	st := Step{Action: r.PostFormValue("action"), Note: r.PostFormValue("note"), Into: r.PostFormValue("into")}
	if st.Action == DoTransfer {
		if t, err := h.units.Tree(r.Context()); err == nil {
			if dest, ok := t.ByCode(strings.TrimSpace(r.PostFormValue("to"))); ok {
				st.ToUnit = dest.ID
			}
		}
	}
	var err error
	if st.Action == DoMerge { // a merged duplicate is closed for good (never reopened)
		err = web.Confirmed(r)
	}
	var it Item
	if err == nil {
		it, err = h.svc.Act(r.Context(), a, id, st)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.itemPage(w, r, a, f.Status, itemPage{Error: f.Message,
				Values: map[string]string{"action": st.Action, "note": st.Note, "into": st.Into, "to": r.PostFormValue("to")}})
		}
		return
	}
	if st.Action == DoTransfer || st.Action == DoMerge {
		// The item left this unit's queue (transferred) or closed (merged): back to the queue.
		queue, ok := web.ParseID(r.PostFormValue("queue"))
		if !ok {
			queue = it.HandlerID
		}
		h.web.Done(w, r, h.svc.queueURL(r.Context(), queue), "feedback.done.moved")
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/quan-tri/phan-anh/%d", id), "feedback.done.saved")
}

func (h *handlers) photo(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	id, ok := web.PathID(r, "id")
	n, okN := web.PathID(r, "n")
	if !ok || !okN {
		h.web.NotFound(w, r)
		return
	}
	d, err := h.svc.Get(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	for _, p := range d.Photos {
		if int64(p.N) != n {
			continue
		}
		f, err := h.svc.Photos.Open(p.SHA256)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		defer f.Close()
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Disposition", "inline; filename*=UTF-8''"+url.PathEscape(p.Name))
		w.Header().Set("ETag", `"`+p.SHA256+`"`) // stored by the hash of its bytes
		http.ServeContent(w, r, "", time.UnixMilli(d.CreatedAt), f)
		return
	}
	h.web.NotFound(w, r)
}

type keysPage struct {
	Unit   org.Unit
	Keys   []Key
	New    string
	Error  string
	Sample string
}

func (h *handlers) keysPage(w http.ResponseWriter, r *http.Request, a *auth.Actor, u org.Unit, status int, p keysPage) {
	var err error
	if p.Keys, err = h.svc.Keys(r.Context(), a, u.ID); err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, p.Sample = u, h.web.BaseURL(r)+"/open311/v2/discovery.json"
	w.Header().Set("Cache-Control", "no-store")
	h.web.RenderStatus(w, r, h.pages["keys"], status, h.web.T(r, "feedback.keys.title", u.Name), p)
}

func (h *handlers) keys(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback); ok {
		h.keysPage(w, r, a, u, http.StatusOK, keysPage{})
	}
}

func (h *handlers) issue(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback)
	if !ok {
		return
	}
	idem, err := web.FormIdem(r)
	var k string
	var repeated bool
	if err == nil {
		k, repeated, err = h.svc.IssueKeyOnce(r.Context(), a, u.ID, r.PostFormValue("name"), idem)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.keysPage(w, r, a, u, f.Status, keysPage{Error: f.Message})
		}
		return
	}
	if repeated { // the same form again: the key was shown on the first answer only
		h.web.Done(w, r, u.OfficeURL("open311"), "feedback.done.key_already")
		return
	}
	h.keysPage(w, r, a, u, http.StatusOK, keysPage{New: k}) // shown once, on this answer only
}

func (h *handlers) revoke(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback)
	id, ok2 := web.PathID(r, "id")
	if !ok {
		return
	}
	if !ok2 {
		h.web.NotFound(w, r)
		return
	}
	err := web.Confirmed(r) // a revoked key never works again
	if err == nil {
		err = h.svc.RevokeKey(r.Context(), a, u.ID, id)
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Done(w, r, u.OfficeURL("open311"), "feedback.done.revoked")
}

type settingsPage struct {
	Unit       org.Unit
	Categories string
	HotN       string
	HotDays    string
	Error      string
	Problems   []string // what is wrong with each bad line of the list
}

func (h *handlers) settings(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback)
	if !ok {
		return
	}
	if !SetsSettings(u) {
		h.web.NotFound(w, r)
		return
	}
	cats, hot, err := h.svc.Settings(r.Context(), a, u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := settingsPage{Unit: u, Categories: FormatCategories(cats), HotN: strconv.Itoa(hot.N), HotDays: strconv.Itoa(hot.Days)}
	h.web.Render(w, r, h.pages["settings"], h.web.T(r, "feedback.settings.title", u.Name), p)
}

func (h *handlers) saveSettings(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.ah.Unit(w, r, a, auth.HandleFeedback)
	if !ok {
		return
	}
	p := settingsPage{Unit: u, Categories: r.PostFormValue("categories"), HotN: r.PostFormValue("hot_n"), HotDays: r.PostFormValue("hot_days")}
	cats, err := ParseCategories(p.Categories)
	if err == nil {
		nums := web.FormNumbers(r)
		n := nums.Int("hot_n", apperr.M("feedback.settings.hot_n"))
		d := nums.Int("hot_days", apperr.M("feedback.settings.hot_days"))
		if err = nums.Err(); err == nil {
			err = h.svc.SetSettings(r.Context(), a, u.ID, cats, HotSpot{N: n, Days: d})
		}
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			p.Error = f.Message
			for _, k := range slices.Sorted(maps.Keys(f.Fields)) { // the list's bad lines, in order
				if strings.HasPrefix(k, linePrefix) {
					p.Problems = append(p.Problems, f.Fields[k])
				}
			}
			h.web.RenderStatus(w, r, h.pages["settings"], f.Status, h.web.T(r, "feedback.settings.title", u.Name), p)
		}
		return
	}
	h.web.Done(w, r, u.OfficeURL("phan-anh", "linh-vuc"), "feedback.done.settings_saved")
}
