package disclosure

import (
	"embed"
	"encoding/xml"
	"fmt"
	"html/template"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/search"
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

// RegisterRoutes adds the public board pages and the officials' pages.
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service, units *org.Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("disclosure catalog: %w", err)
	}
	pages, err := s.Pages(files, []string{"board", "detail", "search", "manage", "edit", "register"}, "templates/parts.tmpl")
	if err != nil {
		return err
	}
	h := &handlers{ah: ah, svc: svc, web: s, units: units, pages: pages}
	// The public pages most read are kept rendered (web.CachedPage), each
	// with the signature that every write of what it shows moves.
	s.CachedPage("GET /cong-khai/{id}", h.detailVersion, h.detail)
	s.HandleFunc("GET /api/v1/units/{code}/disclosures", h.apiBoard) // api.go
	s.HandleFunc("GET /api/v1/units/{code}/disclosure-register", h.apiRegister)
	if err := s.AddOpenAPI(files, "openapi.json"); err != nil {
		return err
	}
	s.HandleFunc("GET /cong-khai/{id}/tep/{version}/{pos}", h.download)
	s.HandleFunc("GET /cong-khai/tim", h.search)
	s.CachedPage("GET /xa/{code}/cong-khai", h.boardVersion(org.CommuneLevel), h.board(org.CommuneLevel, false), "truoc")
	s.CachedPage("GET /xa/{code}/cong-khai/luu-tru", h.boardVersion(org.CommuneLevel), h.board(org.CommuneLevel, true), "truoc")
	s.CachedPage("GET /thon/{code}/cong-khai", h.boardVersion(org.VillageLevel), h.board(org.VillageLevel, false), "truoc")
	s.CachedPage("GET /thon/{code}/cong-khai/luu-tru", h.boardVersion(org.VillageLevel), h.board(org.VillageLevel, true), "truoc")
	s.HandleFunc("GET /xa/{code}/cong-khai.atom", h.feed(org.CommuneLevel))
	s.HandleFunc("GET /thon/{code}/cong-khai.atom", h.feed(org.VillageLevel))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/cong-khai", ah.Official(h.manage))
	s.HandleUpload("POST /quan-tri/don-vi/{unit}/cong-khai", MaxUploadBytes, ah.Official(h.create))
	s.HandleFunc("GET /quan-tri/cong-khai/{id}", ah.Official(h.editPage))
	s.HandleUpload("POST /quan-tri/cong-khai/{id}/sua", MaxUploadBytes, ah.Official(h.amend))
	s.HandleFunc("POST /quan-tri/cong-khai/{id}/rut", ah.Official(h.withdraw))
	s.HandleFunc("POST /quan-tri/cong-khai/{id}/go", ah.Official(h.takeDown))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/so-cong-khai", ah.Official(h.register(false)))
	s.HandleFunc("GET /quan-tri/don-vi/{unit}/so-cong-khai.xlsx", ah.Official(h.register(true)))
	return nil
}

// URL is the public page of a disclosure.
func URL(id int64) string { return fmt.Sprintf("/cong-khai/%d", id) }

// unitOfLevel finds the unit in force with the code of the URL at the level.
func (h *handlers) unitOfLevel(r *http.Request, level org.Level) (org.Unit, error) {
	u, err := h.units.UnitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return u, err
	}
	if u.Type.Level() != level {
		return u, apperr.New(apperr.CodeNotFound, "disclosure.err.unit_not_found")
	}
	return u, nil
}

// group is the items of one category on a board, as list items: built here
// rather than in the template because a board can hold hundreds of lines and
// each template action costs reflection calls (half of the page's time).
type group struct {
	Category Category
	Items    template.HTML
}

// itemsHTML renders the <li> lines of a board, every text escaped.
func itemsHTML(items []Item, late, amended string) template.HTML {
	var b strings.Builder
	for _, it := range items {
		b.WriteString(`<li><a href="/cong-khai/`)
		b.WriteString(strconv.FormatInt(it.ID, 10))
		b.WriteString(`"><span>`)
		b.WriteString(template.HTMLEscapeString(it.Title))
		b.WriteString(`</span><span class="kind">`)
		b.WriteString(template.HTMLEscapeString(web.FormatDate(it.PostingStart)))
		if it.Late {
			b.WriteString(" · " + late)
		}
		if it.Version > 1 {
			b.WriteString(" · " + amended)
		}
		b.WriteString("</span></a></li>\n")
	}
	return template.HTML(b.String())
}

type boardPage struct {
	Unit    org.Unit
	Crumbs  []org.Crumb
	Archive bool
	Groups  []group
	Count   int
	Path    string
	Pager   web.Pager
}

func (h *handlers) board(level org.Level, archive bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := h.unitOfLevel(r, level)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		status := Posted
		if archive {
			status = Archived
		}
		items, pager, err := web.KeysetPage(r, "truoc", BoardSize, func(before int64, n int) ([]Item, error) { return h.svc.Board(r.Context(), u, status, before, n) },
			func(it Item) int64 { return it.ID })
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		anc, err := h.units.Ancestors(r.Context(), u)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		p := boardPage{Unit: u, Crumbs: org.Crumbs(append(anc, u)), Archive: archive, Count: len(items), Path: org.UnitURL(u), Pager: pager}
		late, amended := template.HTMLEscapeString(h.web.T(r, "disclosure.item.late")), template.HTMLEscapeString(h.web.T(r, "disclosure.item.amended"))
		for _, c := range CommuneCategories {
			var in []Item
			for _, it := range items {
				if it.Category == c.N {
					in = append(in, it)
				}
			}
			if len(in) > 0 {
				p.Groups = append(p.Groups, group{Category: c, Items: itemsHTML(in, late, amended)})
			}
		}
		title := h.web.T(r, "disclosure.board.title", u.Name)
		if archive {
			title = h.web.T(r, "disclosure.archive.title", u.Name)
		}
		h.web.Render(w, r, h.pages["board"], title, p)
	}
}

// boardVersion is the page cache's signature of a board page ("" when the
// unit is not found: the handler answers).
func (h *handlers) boardVersion(level org.Level) web.Signature {
	return func(r *http.Request) (string, error) {
		u, err := h.unitOfLevel(r, level)
		if err != nil {
			return "", nil
		}
		return h.svc.BoardVersion(r.Context(), u)
	}
}

// detailVersion is the page cache's signature of a disclosure's page.
func (h *handlers) detailVersion(r *http.Request) (string, error) {
	id, ok := web.PathID(r, "id")
	if !ok {
		return "", nil
	}
	return h.svc.PageVersion(r.Context(), id)
}

type versionView struct {
	Version
	Diff         []DiffLine
	TitleChanged bool
}

type detailPage struct {
	D         Disclosure
	Category  Category
	Unit      org.Unit
	Crumbs    []org.Crumb
	BodyHTML  template.HTML
	Versions  []versionView // newest first, each with the change it brought
	Channels  []channelView
	Permanent bool
	CanEdit   bool
}

type channelView struct {
	Name       string
	Start, End string
	Note       string
}

func channelName(id string) string {
	for _, c := range ChannelNames {
		if c.ID == id {
			return c.Name
		}
	}
	return id
}

func (h *handlers) detail(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	a := auth.ActorOf(r)
	x, err := h.svc.Get(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	u, _ := t.Unit(x.UnitID)
	cat, _ := CategoryOf(x.StaffOnly, x.Category)
	p := detailPage{D: x, Category: cat, Unit: u, Crumbs: t.Trail(u.ID), Permanent: x.MinEnd.IsZero()}
	if x.Status != Withdrawn {
		p.BodyHTML = web.Markdown(x.Body)
	}
	for i := len(x.Versions) - 1; i >= 1; i-- {
		v, prev := x.Versions[i], x.Versions[i-1]
		p.Versions = append(p.Versions, versionView{Version: v, Diff: v.DiffFrom(prev), TitleChanged: prev.Title != v.Title})
	}
	if len(x.Versions) > 0 {
		p.Versions = append(p.Versions, versionView{Version: x.Versions[0]})
	}
	for _, c := range x.Channels {
		cv := channelView{Name: channelName(c.ID), Start: c.Start.VN(), Note: c.Note}
		if !c.End.IsZero() {
			cv.End = c.End.VN()
		}
		p.Channels = append(p.Channels, cv)
	}
	if a != nil && a.Kind == auth.Official {
		d, _ := auth.Decide(t, a.Grants, auth.Publish, x.UnitID)
		p.CanEdit = d == auth.Allowed
	}
	h.web.Render(w, r, h.pages["detail"], x.Title, p)
}

// download serves an attachment of a version with its detected type, as a download.
func (h *handlers) download(w http.ResponseWriter, r *http.Request) {
	id, ok := web.PathID(r, "id")
	v, okV := web.PathID(r, "version")
	pos, okPos := web.PathID(r, "pos")
	if !ok || !okV || !okPos {
		h.web.NotFound(w, r)
		return
	}
	x, err := h.svc.Get(r.Context(), auth.ActorOf(r), id)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if x.Status == Withdrawn {
		h.web.Error(w, r, apperr.New(apperr.CodeNotFound, "disclosure.err.withdrawn_file"))
		return
	}
	var f *File
	for _, ver := range x.Versions {
		if int64(ver.N) == v && pos <= int64(len(ver.Files)) {
			f = &ver.Files[pos-1]
		}
	}
	if f == nil {
		h.web.NotFound(w, r)
		return
	}
	file, err := h.svc.Blobs.Open(f.SHA256)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	defer file.Close()
	hd := w.Header()
	hd.Set("Content-Type", f.ContentType)
	hd.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	if !x.StaffOnly { // a staff file keeps the no-store every signed-in answer has (web/headers.go)
		hd.Set("Cache-Control", "public, no-cache") // revalidated: a withdrawn file is gone from caches too
		hd.Set("ETag", `"`+f.SHA256+`"`)            // the file is stored by the hash of its bytes: revalidation is a 304
	}
	http.ServeContent(w, r, "", time.UnixMilli(x.UpdatedAt), file)
}

type searchPage struct {
	Query   string
	Unit    org.Unit
	Hits    []hitView
	Total   int
	Pager   web.Pager
	TooMany bool
}

type hitView struct {
	Hit
	Title   template.HTML
	Snippet template.HTML
	Place   string
}

// PageSize is how many results a search page shows.
const PageSize = 20

// BoardSize is how many disclosures a page of a public board shows;
// ListSize how many a page of a unit's list for its officials shows.
const (
	BoardSize = 1000
	ListSize  = 200
)

func (h *handlers) search(w http.ResponseWriter, r *http.Request) {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if len([]rune(q)) > 200 {
		h.web.Error(w, r, apperr.New(apperr.CodeInvalid, "disclosure.err.query_long"))
		return
	}
	page, err := web.PageParam(r, "trang")
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	var u org.Unit
	if code := r.URL.Query().Get("don-vi"); code != "" {
		var err error
		if u, err = h.units.UnitByCode(r.Context(), code); err != nil {
			h.web.Error(w, r, err)
			return
		}
	}
	hits, total, err := h.svc.Search(r.Context(), q, u, PageSize, (page-1)*PageSize)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	t, err := h.units.Tree(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p := searchPage{Query: q, Unit: u, Total: total, TooMany: total >= SearchCandidates}
	for _, hit := range hits {
		place, _ := t.Unit(hit.UnitID)
		snip := web.Excerpt(web.MarkdownText(hit.Snippet), 240)
		p.Hits = append(p.Hits, hitView{Hit: hit, Title: search.Highlight(hit.Title, hit.Terms), Snippet: search.Highlight(snip, hit.Terms), Place: place.Name})
	}
	next := ""
	if page*PageSize < total {
		next = strconv.Itoa(page + 1)
	}
	p.Pager = web.PagerOf(r, "trang", len(hits), next)
	h.web.Render(w, r, h.pages["search"], h.web.T(r, "disclosure.search.title"), p)
}

// Atom feed of a board (RFC 4287): the feed's author is the unit whose board
// it is; an entry posted by one of a commune's villages names the village.
type atomFeed struct {
	XMLName  xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	Lang     string      `xml:"xml:lang,attr"`
	Title    string      `xml:"title"`
	Subtitle string      `xml:"subtitle"`
	ID       string      `xml:"id"`
	Updated  string      `xml:"updated"`
	Author   atomPerson  `xml:"author"`
	Link     []atomLink  `xml:"link"`
	Entries  []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomLink struct {
	Href string `xml:"href,attr"`
	Rel  string `xml:"rel,attr"`
	Type string `xml:"type,attr,omitempty"`
}

type atomCategory struct {
	Term  string `xml:"term,attr"`
	Label string `xml:"label,attr"`
}

type atomEntry struct {
	Title     string       `xml:"title"`
	ID        string       `xml:"id"`
	Published string       `xml:"published"`
	Updated   string       `xml:"updated"`
	Author    *atomPerson  `xml:"author"`
	Link      atomLink     `xml:"link"`
	Category  atomCategory `xml:"category"`
	Summary   atomText     `xml:"summary"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

// FeedSize is how many of the newest disclosures a feed carries; the board page has the rest.
const FeedSize = 50

// feedTime is an Atom date (RFC 3339, UTC) of epoch milliseconds.
func feedTime(ms int64) string { return time.UnixMilli(ms).UTC().Format(time.RFC3339) }

func (h *handlers) feed(level org.Level) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u, err := h.unitOfLevel(r, level)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		items, changed, err := h.svc.Feed(r.Context(), u, FeedSize)
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		t, err := h.units.Tree(r.Context())
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		base := h.web.BaseURL(r)
		board := base + org.UnitURL(u) + "/cong-khai"
		// The feed changed when the board last did; a board that never had a
		// public disclosure has been empty since the unit came into being.
		if changed == 0 {
			if from, err := legal.ParseDate(u.ValidFrom); err == nil {
				changed = time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, web.Vietnam).UnixMilli()
			}
		}
		f := atomFeed{Lang: "vi", Title: "Công khai — " + u.Name, Subtitle: "Nội dung công khai của " + u.Name + " (Luật Thực hiện dân chủ ở cơ sở)",
			ID: board, Updated: feedTime(changed), Author: atomPerson{Name: u.Name, URI: base + org.UnitURL(u)},
			Link: []atomLink{{Href: board, Rel: "alternate", Type: "text/html"}, {Href: board + ".atom", Rel: "self", Type: "application/atom+xml"}}}
		for _, it := range items {
			if it.UpdatedAt > changed {
				changed = it.UpdatedAt
				f.Updated = feedTime(changed)
			}
			cat, _ := CategoryOf(false, it.Category)
			e := atomEntry{Title: it.Title, ID: base + URL(it.ID), Published: feedTime(it.PublishedAt), Updated: feedTime(it.UpdatedAt),
				Link: atomLink{Href: base + URL(it.ID), Rel: "alternate", Type: "text/html"}, Category: atomCategory{Term: strconv.Itoa(cat.N), Label: cat.Name},
				Summary: atomText{Type: "text", Text: web.Excerpt(web.MarkdownText(it.Snippet), 280)}}
			switch {
			case e.Summary.Text == "": // a disclosure that is only its files
				e.Summary.Text = cat.Name
			case utf8.RuneCountInString(it.Snippet) == snippetLen && !strings.HasSuffix(e.Summary.Text, "…"):
				e.Summary.Text += "…" // the body goes on past what was read
			}
			if it.UnitID != u.ID {
				if v, ok := t.Unit(it.UnitID); ok {
					e.Author = &atomPerson{Name: v.Name, URI: base + org.UnitURL(v)}
				}
			}
			f.Entries = append(f.Entries, e)
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		io.WriteString(w, xml.Header)
		enc := xml.NewEncoder(w)
		enc.Indent("", " ")
		_ = enc.Encode(f)
	}
}

// --- officials' pages ---

type managePage struct {
	Unit       org.Unit
	Agency     bool
	Categories []Category
	Channels   []struct{ ID, Name string }
	Pager      web.Pager
	Items      []Item
	Error      string
	Fields     map[string]string
	Values     map[string]string
	Today      string
	Limits
}

func (h *handlers) unitParam(w http.ResponseWriter, r *http.Request, a *auth.Actor) (org.Unit, bool) {
	u, ok := h.ah.Unit(w, r, a, auth.Publish)
	if !ok {
		return org.Unit{}, false
	}
	unit, _, _, err := h.svc.boardOf(r.Context(), u.ID)
	if err != nil {
		h.web.Error(w, r, err)
		return org.Unit{}, false
	}
	return unit, true
}

func (h *handlers) managePage(w http.ResponseWriter, r *http.Request, u org.Unit, status int, p managePage) {
	items, pager, err := web.KeysetPage(r, "truoc", ListSize, func(before int64, n int) ([]Item, error) { return h.svc.UnitItems(r.Context(), u, before, n) },
		func(it Item) int64 { return it.ID })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Unit, p.Agency, p.Items, p.Channels, p.Pager = u, u.Type == org.Agency, items, ChannelNames, pager
	p.Categories = Categories(p.Agency)
	p.Today, p.Limits = legal.Today(h.svc.Now()).String(), limits()
	if p.Values == nil {
		p.Values = map[string]string{}
	}
	h.web.RenderStatus(w, r, h.pages["manage"], status, h.web.T(r, "disclosure.manage.title", u.Name), p)
}

func (h *handlers) manage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if u, ok := h.unitParam(w, r, a); ok {
		h.managePage(w, r, u, http.StatusOK, managePage{})
	}
}

// readDraft reads the form of a new or corrected disclosure and its files.
func readDraft(r *http.Request) (Draft, []Upload, map[string]string, func(), error) {
	closeAll := func() {}
	v := func(k string) string { return r.FormValue(k) }
	n := web.FormNumbers(r) // a select: left empty, the service asks to choose
	cat := n.Optional("category", apperr.M("disclosure.field.category"), 0)
	d := Draft{Category: cat, Title: v("title"), Body: v("body"), DecisionDate: v("decision_date"), PostingStart: v("posting_start"), Reason: v("reason")}
	values := map[string]string{"category": v("category"), "title": d.Title, "body": d.Body, "decision_date": d.DecisionDate,
		"posting_start": d.PostingStart, "reason": d.Reason}
	for _, c := range ChannelNames {
		start, end := v("ch_"+c.ID+"_start"), v("ch_"+c.ID+"_end")
		values["ch_"+c.ID+"_start"], values["ch_"+c.ID+"_end"] = start, end
		if v("ch_"+c.ID) == "" {
			continue
		}
		values["ch_"+c.ID] = "1"
		ch := Channel{ID: c.ID, Note: strings.TrimSpace(v("ch_" + c.ID + "_note"))}
		ch.Start, _ = legal.ParseDate(start)
		if end != "" {
			ch.End, _ = legal.ParseDate(end)
		}
		d.Channels = append(d.Channels, ch)
	}
	// Too large: the shell read the body (HandleUpload) and kept what was
	// typed before the files, shown again with the form.
	if err := web.FormError(r, "files"); err != nil {
		return Draft{}, nil, values, closeAll, err
	}
	if err := n.Err(); err != nil {
		return d, nil, values, closeAll, err
	}
	idem, err := web.FormIdem(r)
	if err != nil {
		return d, nil, values, closeAll, err
	}
	d.Idem = idem
	ups, closeAll, err := web.FormFiles(r, "files")
	return d, ups, values, closeAll, err
}

func (h *handlers) create(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	u, ok := h.unitParam(w, r, a)
	if !ok {
		return
	}
	d, ups, values, closeAll, err := readDraft(r)
	defer closeAll()
	if err == nil {
		d.UnitID = u.ID
		var x Disclosure
		x, err = h.svc.Publish(r.Context(), a, d, ups)
		if err == nil {
			h.web.Done(w, r, URL(x.ID), "disclosure.done.published")
			return
		}
	}
	h.formError(w, r, err, func(status int, msg string, fields map[string]string) {
		h.managePage(w, r, u, status, managePage{Error: msg, Fields: fields, Values: values})
	})
}

// formError shows the form again or the error page, by the one rule of web.FailForm.
func (h *handlers) formError(w http.ResponseWriter, r *http.Request, err error, show func(status int, msg string, fields map[string]string)) {
	if f, ok := h.web.FailForm(w, r, err); ok {
		show(f.Status, f.Message, f.Fields)
	}
}

type editPage struct {
	D          Disclosure
	Unit       org.Unit // the disclosure's unit, for the link back to its list
	Agency     bool
	Categories []Category
	Channels   []struct{ ID, Name string }
	Values     map[string]string
	Error      string
	Fields     map[string]string
	CanTake    bool
	TakeFrom   string
	Today      string
	// Failed names the form that failed ("amend", "withdraw"): its fields
	// are shown as typed (Kept: the files kept; Withdraw: the reason), the
	// other forms as stored.
	Failed   string
	Kept     []string
	Withdraw string
	Limits
}

// Limits are the model's bounds the forms carry (maxlength, min), so that a
// form never refuses what Check accepts.
type Limits struct {
	MaxTitle, MaxReason int
	FirstDay            string // the first decision date Check accepts
}

func limits() Limits {
	return Limits{MaxTitle: MaxTitle, MaxReason: MaxReason, FirstDay: fmt.Sprintf("%04d-01-01", legal.FirstYear+1)}
}

func (h *handlers) editable(w http.ResponseWriter, r *http.Request, a *auth.Actor) (Disclosure, bool) {
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return Disclosure{}, false
	}
	x, err := h.svc.ForEdit(r.Context(), a, id)
	if err != nil {
		h.web.Error(w, r, err)
		return Disclosure{}, false
	}
	return x, true
}

func (h *handlers) editPageRender(w http.ResponseWriter, r *http.Request, x Disclosure, status int, p editPage) {
	p.D, p.Agency, p.Channels, p.Limits = x, x.StaffOnly, ChannelNames, limits()
	p.Unit = org.Unit{ID: x.UnitID}
	if t, err := h.units.Tree(r.Context()); err == nil {
		if u, ok := t.Unit(x.UnitID); ok {
			p.Unit = u
		}
	}
	p.Today = legal.Today(h.svc.Now()).String()
	p.Categories = Categories(x.StaffOnly)
	if p.Values == nil {
		p.Values = map[string]string{"category": strconv.Itoa(x.Category), "title": x.Title, "body": x.Body, "decision_date": x.DecisionDate.String()}
		for _, c := range x.Channels {
			p.Values["ch_"+c.ID] = "1"
			p.Values["ch_"+c.ID+"_start"] = c.Start.String()
			if !c.End.IsZero() {
				p.Values["ch_"+c.ID+"_end"] = c.End.String()
			}
		}
	}
	ok, first := CanTakeDown(x.MinEnd, legal.Today(h.svc.Now()))
	p.CanTake = ok && x.Status == Posted
	if !first.IsZero() {
		p.TakeFrom = first.VN()
	}
	h.web.RenderStatus(w, r, h.pages["edit"], status, h.web.T(r, "disclosure.edit.title"), p)
}

func (h *handlers) editPage(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	if x, ok := h.editable(w, r, a); ok {
		h.editPageRender(w, r, x, http.StatusOK, editPage{})
	}
}

func (h *handlers) amend(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	x, ok := h.editable(w, r, a)
	if !ok {
		return
	}
	d, ups, values, closeAll, err := readDraft(r)
	defer closeAll()
	if err == nil {
		_, err = h.svc.Amend(r.Context(), a, x.ID, d, r.Form["keep"], ups)
		if err == nil {
			h.web.Done(w, r, URL(x.ID), "disclosure.done.amended")
			return
		}
	}
	h.formError(w, r, err, func(status int, msg string, fields map[string]string) {
		h.editPageRender(w, r, x, status, editPage{Error: msg, Fields: fields, Values: values, Failed: "amend", Kept: r.Form["keep"]})
	})
}

func (h *handlers) withdraw(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	x, ok := h.editable(w, r, a)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err == nil {
		err = h.svc.Withdraw(r.Context(), a, x.ID, r.PostFormValue("reason"))
	}
	if err != nil {
		h.formError(w, r, err, func(status int, msg string, fields map[string]string) {
			h.editPageRender(w, r, x, status, editPage{Error: msg, Fields: fields, Failed: "withdraw", Withdraw: r.PostFormValue("reason")})
		})
		return
	}
	h.web.Done(w, r, URL(x.ID), "disclosure.done.withdrawn")
}

func (h *handlers) takeDown(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	x, ok := h.editable(w, r, a)
	if !ok {
		return
	}
	err := web.Confirmed(r)
	if err == nil {
		err = h.svc.TakeDown(r.Context(), a, x.ID)
	}
	if err != nil {
		h.formError(w, r, err, func(status int, msg string, fields map[string]string) {
			h.editPageRender(w, r, x, status, editPage{Error: msg, Fields: fields})
		})
		return
	}
	h.web.Done(w, r, URL(x.ID), "disclosure.done.taken_down")
}

// register shows the quarterly register (printable) or sends it as XLSX.
func (h *handlers) register(xlsx bool) func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	return func(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
		u, ok := h.ah.Unit(w, r, a, auth.ReadAudit)
		if !ok {
			return
		}
		id := u.ID
		today := legal.Today(h.svc.Now())
		n := web.FormNumbers(r)
		year := n.Optional("nam", apperr.M("disclosure.field.year"), today.Year)
		quarter := n.Optional("quy", apperr.M("disclosure.field.quarter"), QuarterOf(today))
		err := n.Err()
		var reg Register
		if err == nil {
			reg, err = h.svc.Register(r.Context(), a, id, year, quarter)
		}
		if err != nil {
			h.web.Error(w, r, err)
			return
		}
		if xlsx {
			b, err := reg.XLSX()
			if err != nil {
				h.web.Error(w, r, err)
				return
			}
			sheet.Send(w, fmt.Sprintf("so-cong-khai-%s-%d-Q%d.xlsx", reg.Unit.Code, year, quarter), b)
			return
		}
		prevQ, prevY, nextQ, nextY := quarter-1, year, quarter+1, year
		if prevQ == 0 {
			prevQ, prevY = 4, year-1
		}
		if nextQ == 5 {
			nextQ, nextY = 1, year+1
		}
		h.web.Render(w, r, h.pages["register"], h.web.T(r, "disclosure.register.title", quarter, year), struct {
			Register
			Prev, Next, XLSX string
		}{reg, fmt.Sprintf("?nam=%d&quy=%d", prevY, prevQ), fmt.Sprintf("?nam=%d&quy=%d", nextY, nextQ),
			u.OfficeURL("so-cong-khai.xlsx") + fmt.Sprintf("?nam=%d&quy=%d", year, quarter)})
	}
}
