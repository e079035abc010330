package feedback

import (
	"cmp"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/org"
	"danchu/internal/random"
	"danchu/internal/web"
)

// Open311 GeoReport v2 (wiki.open311.org/GeoReport_v2): existing apps and city
// dashboards read and send feedback through it. jurisdiction_id is a unit's
// code, service codes are the categories, service_request_id is the tracking
// code. What the public pages hide (the description, the sender, the photos,
// the typed address and point) the API hides too.

// --- the API ---

type o311 struct {
	*handlers
}

// apiError is the spec's error: a list of {code, description}.
type apiError struct {
	XMLName     xml.Name `xml:"error" json:"-"`
	Code        int      `xml:"code" json:"code"`
	Description string   `xml:"description" json:"description"`
}

type apiErrors struct {
	XMLName xml.Name   `xml:"errors"`
	Errors  []apiError `xml:"error"`
}

// format splits "services.json" into "services" and "json"; ok is false for
// another format.
func format(name string) (base, f string, ok bool) {
	i := strings.LastIndexByte(name, '.')
	if i < 0 {
		return name, "", false
	}
	base, f = name[:i], name[i+1:]
	return base, f, f == "json" || f == "xml"
}

func (o o311) write(w http.ResponseWriter, f string, status int, v any) {
	var b []byte
	var err error
	if f == "xml" {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		b, err = xml.Marshal(v)
		b = append([]byte(xml.Header), b...)
	} else {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		b, err = json.Marshal(v)
	}
	if err != nil {
		http.Error(w, "encode", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(status)
	w.Write(b)
}

func (o o311) fail(w http.ResponseWriter, f string, status int, msg string) {
	if f != "xml" {
		f = "json"
	}
	if f == "xml" {
		o.write(w, f, status, apiErrors{Errors: []apiError{{Code: status, Description: msg}}})
		return
	}
	o.write(w, f, status, []apiError{{Code: status, Description: msg}})
}

// failErr answers an error from the service in the spec's format.
func (o o311) failErr(w http.ResponseWriter, r *http.Request, f string, err error) {
	status := web.StatusOf(err)
	if status == http.StatusInternalServerError {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		o.web.Error(w, r, err) // logged with the request ID; the page says to try again
		return
	}
	if status == http.StatusServiceUnavailable { // the database or the disk: the spec's format, Retry-After below
		o.web.LogUnavailable(r, err)
	}
	if d := apperr.RetryAfterOf(err); d > 0 {
		web.SetRetryAfter(w, d)
	}
	o.fail(w, f, status, o.web.Message(r, err))
}

func registerOpen311(s *web.Server, ah *auth.Handlers, h *handlers) {
	o := o311{h}
	ah.API("/open311/")
	s.APIErrors("/open311/", func(w http.ResponseWriter, r *http.Request, err error) {
		_, f, _ := format(path.Base(r.URL.Path))
		o.failErr(w, r, f, err)
	})
	s.AllowCrossSite("/open311/") // apps on other sites post with a key, never a cookie (identity skips API paths)
	s.HandleFunc("OPTIONS /open311/", preflight)
	s.HandleFunc("GET /open311/v2/{file}", o.get)
	// A POST may carry photos (media parts): an upload route, bounded like the web form.
	s.HandleUpload("POST /open311/v2/{file}", MaxUploadBytes, o.post)
	s.HandleFunc("GET /open311/v2/services/{file}", o.service)
	s.HandleFunc("GET /open311/v2/requests/{file}", o.request)
	s.HandleFunc("GET /open311/v2/tokens/{file}", o.token)
	s.HandleFunc("/open311/", o.notFound) // any other path or method: the spec's error, not the HTML page
}

// preflight answers a browser's CORS preflight on any Open311 path: the API is
// keyed and uses no cookie, so any origin may call it, never with credentials.
func preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept, X-Requested-With, Idempotency-Key")
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func (o o311) notFound(w http.ResponseWriter, r *http.Request) {
	_, f, _ := format(path.Base(r.URL.Path))
	o.failErr(w, r, f, apperr.New(apperr.CodeNotFound, "feedback.err.o311_resource"))
}

func (o o311) get(w http.ResponseWriter, r *http.Request) {
	base, f, ok := format(r.PathValue("file"))
	switch {
	case !ok:
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_format"))
	case base == "discovery":
		o.discovery(w, r, f)
	case base == "services":
		o.services(w, r, f)
	case base == "requests":
		o.requests(w, r, f)
	default:
		o.failErr(w, r, f, apperr.New(apperr.CodeNotFound, "feedback.err.o311_resource"))
	}
}

type endpoint struct {
	Specification string   `json:"specification" xml:"specification"`
	URL           string   `json:"url" xml:"url"`
	Changeset     string   `json:"changeset" xml:"changeset"`
	Type          string   `json:"type" xml:"type"`
	Formats       []string `json:"formats" xml:"formats>format"`
}

type discovery struct {
	XMLName    xml.Name   `json:"-" xml:"discovery"`
	Changeset  string     `json:"changeset" xml:"changeset"`
	Contact    string     `json:"contact" xml:"contact"`
	KeyService string     `json:"key_service" xml:"key_service"`
	Endpoints  []endpoint `json:"endpoints" xml:"endpoints>endpoint"`
}

// Changeset is when the API last changed as the spec counts it.
const Changeset = "2026-11-22T00:00:00+07:00"

func (o o311) discovery(w http.ResponseWriter, r *http.Request, f string) {
	o.write(w, f, http.StatusOK, discovery{Changeset: Changeset,
		Contact:    "Cán bộ tiếp nhận phản ánh, kiến nghị của UBND xã, phường (khóa API cấp tại trang quản trị của đơn vị).",
		KeyService: "Cán bộ xã, phường cấp khóa tại Quản trị → Phản ánh, kiến nghị → Khóa Open311.",
		Endpoints: []endpoint{{Specification: "http://wiki.open311.org/GeoReport_v2", URL: o.web.BaseURL(r) + "/open311/v2", Changeset: Changeset,
			Type: "production", Formats: []string{"text/xml", "application/json"}}}})
}

type service struct {
	XMLName     xml.Name `json:"-" xml:"service"`
	Code        string   `json:"service_code" xml:"service_code"`
	Name        string   `json:"service_name" xml:"service_name"`
	Description string   `json:"description" xml:"description"`
	Metadata    bool     `json:"metadata" xml:"metadata"`
	Type        string   `json:"type" xml:"type"`
	Keywords    string   `json:"keywords" xml:"keywords"`
	Group       string   `json:"group" xml:"group"`
}

type services struct {
	XMLName  xml.Name  `xml:"services"`
	Services []service `xml:"service"`
}

func serviceOf(c Category) service {
	return service{Code: c.Code, Name: c.Name, Description: fmt.Sprintf("%s — trả lời trong %d ngày làm việc.", c.Name, c.Days),
		Metadata: true, Type: "realtime", Group: "Phản ánh, kiến nghị"}
}

// jurisdiction checks the jurisdiction_id when one is given: a unit in force.
func (o o311) jurisdiction(r *http.Request) (org.Unit, bool, error) {
	j := strings.TrimSpace(r.FormValue("jurisdiction_id"))
	if j == "" {
		return org.Unit{}, false, nil
	}
	t, err := o.units.Tree(r.Context())
	if err != nil {
		return org.Unit{}, false, err
	}
	u, ok := t.ByCode(j)
	if !ok || !u.Current() {
		return org.Unit{}, false, apperr.New(apperr.CodeNotFound, "feedback.err.jurisdiction", trimRunes(j, 40))
	}
	return u, true, nil
}

// categories are the services of the jurisdiction asked for (its province's
// categories), or the defaults without one.
func (o o311) categories(r *http.Request) ([]Category, error) {
	u, ok, err := o.jurisdiction(r)
	if err != nil || !ok {
		return DefaultCategories, err
	}
	return o.svc.CategoriesOf(r.Context(), u.ID)
}

func (o o311) services(w http.ResponseWriter, r *http.Request, f string) {
	cats, err := o.categories(r)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	list := make([]service, len(cats))
	for i, c := range cats {
		list[i] = serviceOf(c)
	}
	if f == "xml" {
		o.write(w, f, http.StatusOK, services{Services: list})
		return
	}
	o.write(w, f, http.StatusOK, list)
}

type definition struct {
	XMLName    xml.Name    `json:"-" xml:"service_definition"`
	Code       string      `json:"service_code" xml:"service_code"`
	Attributes []attribute `json:"attributes" xml:"attributes>attribute"`
}

// attribute is a field of a service definition beyond the spec's own.
type attribute struct {
	Variable     bool        `json:"variable" xml:"variable"`
	Code         string      `json:"code" xml:"code"`
	Datatype     string      `json:"datatype" xml:"datatype"`
	Required     bool        `json:"required" xml:"required"`
	DatatypeDesc string      `json:"datatype_description" xml:"datatype_description"`
	Order        int         `json:"order" xml:"order"`
	Description  string      `json:"description" xml:"description"`
	Values       []attrValue `json:"values" xml:"values>value"`
}

type attrValue struct {
	Key  string `json:"key" xml:"key"`
	Name string `json:"name" xml:"name"`
}

// KindAttribute is the one attribute every service has: whether the request is
// a phản ánh (feedback, the default) or a kiến nghị (petition), as on the web
// form; sent as attribute[kind].
const KindAttribute = "kind"

var kindAttribute = attribute{Variable: true, Code: KindAttribute, Datatype: "singlevaluelist", Order: 1,
	Description: "Phản ánh (báo một việc đang xảy ra) hay kiến nghị (đề nghị chính quyền làm một việc), như trên trang gửi phản ánh; mặc định là phản ánh.",
	Values:      []attrValue{{Key: Feedback, Name: "Phản ánh"}, {Key: Petition, Name: "Kiến nghị"}}}

func (o o311) service(w http.ResponseWriter, r *http.Request) {
	c, f, ok := format(r.PathValue("file"))
	if !ok {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_format"))
		return
	}
	cats, err := o.categories(r)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	if _, ok := Find(cats, c); !ok {
		o.failErr(w, r, f, apperr.New(apperr.CodeNotFound, "feedback.err.o311_service", trimRunes(c, 40)))
		return
	}
	o.write(w, f, http.StatusOK, definition{Code: c, Attributes: []attribute{kindAttribute}})
}

// Request is a service request as the spec shows it.
type Request struct {
	XMLName     xml.Name `json:"-" xml:"request"`
	ID          string   `json:"service_request_id" xml:"service_request_id"`
	Status      string   `json:"status" xml:"status"`
	StatusNotes string   `json:"status_notes" xml:"status_notes"`
	ServiceName string   `json:"service_name" xml:"service_name"`
	ServiceCode string   `json:"service_code" xml:"service_code"`
	Agency      string   `json:"agency_responsible" xml:"agency_responsible"`
	Notice      string   `json:"service_notice" xml:"service_notice"`
	Requested   string   `json:"requested_datetime" xml:"requested_datetime"`
	Updated     string   `json:"updated_datetime" xml:"updated_datetime"`
	Expected    string   `json:"expected_datetime" xml:"expected_datetime"`
	Address     string   `json:"address" xml:"address"`
	AddressID   string   `json:"address_id" xml:"address_id"`
}

type requestList struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []Request `xml:"request"`
}

func stamp(ms int64) string { return time.UnixMilli(ms).In(web.Vietnam).Format(time.RFC3339) }

// requestOf shows an item the spec's way: open until answered, refused or
// closed; the answer (or the reason for refusing) as status notes; the
// deadline as the expected time (the end of its day).
func requestOf(t *org.Tree, nm names, it Item) Request {
	rq := Request{ID: it.Code, Status: "closed", StatusNotes: it.Answer, ServiceName: nm.Category(it.Category), ServiceCode: it.Category,
		Requested: stamp(it.CreatedAt), Updated: stamp(it.UpdatedAt), AddressID: ""}
	if it.Open() {
		rq.Status = "open"
		rq.StatusNotes = StatusNames[it.Status]
	}
	if it.MergedInto != 0 && it.Answer == "" {
		rq.StatusNotes = "Gộp vào phản ánh trùng nội dung"
	}
	if h, ok := t.Unit(it.HandlerID); ok {
		rq.Agency = h.Name
	}
	if p, ok := t.Unit(it.UnitID); ok {
		rq.Address, rq.AddressID = p.Name, p.Code
	}
	due := time.Date(it.DueOn.Year, it.DueOn.Month, it.DueOn.Day, 17, 0, 0, 0, web.Vietnam)
	rq.Expected = due.Format(time.RFC3339)
	rq.Notice = "Hạn trả lời " + it.DueOn.VN() + " (ngày làm việc theo lĩnh vực)."
	return rq
}

func (o o311) list(w http.ResponseWriter, r *http.Request, f string, items []Item) {
	t, err := o.units.Tree(r.Context())
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	out := make([]Request, len(items))
	for i, it := range items {
		nm, err := o.namesFor(r.Context(), it.UnitID)
		if err != nil {
			o.failErr(w, r, f, err)
			return
		}
		out[i] = requestOf(t, nm, it)
	}
	if f == "xml" {
		o.write(w, f, http.StatusOK, requestList{Requests: out})
		return
	}
	o.write(w, f, http.StatusOK, out)
}

// MaxRequests is the most requests one answer lists (the spec's default).
const MaxRequests = 1000

// MaxRequestIDs is the most tracking codes one GET requests may ask for by
// service_request_id (each is a look-up; the spec sets no bound).
const MaxRequestIDs = 100

func parseStamp(s string) (int64, error) {
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		// A year the API cannot write back (10000 in Vietnam's time: found by FuzzOpen311Stamp) is refused.
		if t, err := time.ParseInLocation(layout, s, web.Vietnam); err == nil && t.In(web.Vietnam).Year() >= 0 && t.In(web.Vietnam).Year() <= 9999 {
			return t.UnixMilli(), nil
		}
	}
	return 0, apperr.New(apperr.CodeInvalid, "feedback.err.stamp", trimRunes(s, 40))
}

// MaxListValues is the most values one comma list of a filter (status,
// service_code) may hold.
const MaxListValues = 100

// MaxWindow is the longest span from start_date to end_date (the spec's 90
// days), and the span listed when they are left out.
const MaxWindow = 90 * 24 * time.Hour

// listParam reads a filter the spec lets a client give as a comma list and
// repeat (status=open,closed or status=open&status=closed): the values in
// order, without blanks or repeats; more than MaxListValues are refused.
func listParam(q url.Values, name string) ([]string, error) {
	var out []string
	n := 0
	for _, v := range q[name] {
		for _, x := range strings.Split(v, ",") {
			if x = strings.TrimSpace(x); x == "" {
				continue
			}
			if n++; n > MaxListValues {
				return nil, apperr.New(apperr.CodeInvalid, "feedback.err.o311_list", name, MaxListValues)
			}
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
	}
	return out, nil
}

// statusFilter turns status values into the statuses they select (nil: any).
func statusFilter(values []string) (StatusList, error) {
	var open, closed bool
	for _, v := range values {
		switch v {
		case "open":
			open = true
		case "closed":
			closed = true
		default:
			return nil, apperr.New(apperr.CodeInvalid, "feedback.err.o311_status", trimRunes(v, 40))
		}
	}
	switch {
	case open && !closed:
		return OpenStatuses, nil
	case closed && !open:
		return ClosedStatuses, nil
	}
	return nil, nil
}

// window reads start_date and end_date: both given, at most MaxWindow apart;
// one given, the MaxWindow after the start or before the end; neither, the
// last MaxWindow.
func window(q url.Values, now int64) (start, end int64, err error) {
	span := MaxWindow.Milliseconds()
	s, e := strings.TrimSpace(q.Get("start_date")), strings.TrimSpace(q.Get("end_date"))
	if s != "" {
		if start, err = parseStamp(s); err != nil {
			return 0, 0, err
		}
	}
	if e != "" {
		if end, err = parseStamp(e); err != nil {
			return 0, 0, err
		}
	}
	switch {
	case s == "" && e == "":
		return now - span, now, nil
	case e == "":
		return start, start + span, nil
	case s == "":
		return end - span, end, nil
	case end < start:
		return 0, 0, apperr.New(apperr.CodeInvalid, "feedback.err.o311_window_order")
	case end-start > span:
		return 0, 0, apperr.New(apperr.CodeInvalid, "feedback.err.o311_window", int(MaxWindow.Hours()/24), (end-start)/(24*3600*1000))
	}
	return start, end, nil
}

// requests answers GET requests: by service_request_id (a comma-separated list),
// or the requests about a jurisdiction filtered by service_code and status
// (comma lists) and start_date..end_date — the last 90 days by default, 90 days
// and 1,000 requests at most.
func (o o311) requests(w http.ResponseWriter, r *http.Request, f string) {
	ctx := r.Context()
	q := r.URL.Query()
	if ids := strings.TrimSpace(q.Get("service_request_id")); ids != "" {
		list := strings.Split(ids, ",")
		if len(list) > MaxRequestIDs {
			o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_ids", MaxRequestIDs, len(list)))
			return
		}
		var items []Item
		for _, id := range list {
			if it, ok := o.byCode(ctx, id); ok {
				items = append(items, it)
			}
		}
		o.list(w, r, f, items)
		return
	}
	u, ok, err := o.jurisdiction(r)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	if !ok || (u.Type.Level() != org.CommuneLevel && u.Type.Level() != org.VillageLevel) {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_place"))
		return
	}
	filter := RequestFilter{}
	if filter.Start, filter.End, err = window(q, o.svc.NowMillis()); err != nil {
		o.failErr(w, r, f, err)
		return
	}
	statuses, err := listParam(q, "status")
	if err == nil {
		filter.Statuses, err = statusFilter(statuses)
	}
	if err == nil {
		filter.Categories, err = listParam(q, "service_code")
	}
	if err == nil && len(filter.Categories) > 0 {
		err = o.knownServices(r, u, f, filter.Categories)
	}
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	items, err := o.svc.Requests(ctx, u, filter)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	o.list(w, r, f, items)
}

// knownServices refuses a service code that is neither the place's province's
// nor a default one (an item keeps a code its province has since removed).
func (o o311) knownServices(r *http.Request, u org.Unit, f string, codes []string) error {
	cats, err := o.svc.CategoriesOf(r.Context(), u.ID)
	if err != nil {
		return err
	}
	for _, c := range codes {
		if _, ok := Find(cats, c); !ok {
			if _, ok := Find(DefaultCategories, c); !ok {
				return apperr.New(apperr.CodeInvalid, "feedback.err.o311_service_see", trimRunes(c, 40), f)
			}
		}
	}
	return nil
}

func (o o311) byCode(ctx context.Context, typed string) (Item, bool) {
	return o.svc.Request(ctx, typed)
}

func (o o311) request(w http.ResponseWriter, r *http.Request) {
	id, f, ok := format(r.PathValue("file"))
	if !ok {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_format"))
		return
	}
	it, found := o.byCode(r.Context(), id)
	if !found {
		o.failErr(w, r, f, apperr.New(apperr.CodeNotFound, "feedback.err.o311_request", trimRunes(id, 40)))
		return
	}
	o.list(w, r, f, []Item{it})
}

type tokenAnswer struct {
	XMLName xml.Name `json:"-" xml:"request"`
	ID      string   `json:"service_request_id" xml:"service_request_id"`
	Token   string   `json:"token" xml:"token"`
}

type tokenList struct {
	XMLName  xml.Name      `xml:"service_requests"`
	Requests []tokenAnswer `xml:"request"`
}

// token answers GET tokens/{token}: requests are stored before the POST is
// answered, so the token is the tracking code itself.
func (o o311) token(w http.ResponseWriter, r *http.Request) {
	tok, f, ok := format(r.PathValue("file"))
	if !ok {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_format"))
		return
	}
	it, found := o.byCode(r.Context(), tok)
	if !found {
		o.failErr(w, r, f, apperr.New(apperr.CodeNotFound, "feedback.err.o311_token", trimRunes(tok, 40)))
		return
	}
	ans := []tokenAnswer{{ID: it.Code, Token: it.Code}}
	if f == "xml" {
		o.write(w, f, http.StatusOK, tokenList{Requests: ans})
		return
	}
	o.write(w, f, http.StatusOK, ans)
}

type created struct {
	XMLName xml.Name `json:"-" xml:"request"`
	ID      string   `json:"service_request_id" xml:"service_request_id"`
	Notice  string   `json:"service_notice" xml:"service_notice"`
	Account string   `json:"account_id" xml:"account_id"`
	Token   string   `json:"token" xml:"token"`
}

type createdList struct {
	XMLName  xml.Name  `xml:"service_requests"`
	Requests []created `xml:"request"`
}

// postFields are the spec's fields of a POST, each given once: the same name
// twice with different values (in the query and the body, say) is refused
// rather than one of them chosen.
var postFields = []string{"api_key", "jurisdiction_id", "service_code", "lat", "long", "address_string", "address_id", "email",
	"device_id", "account_id", "first_name", "last_name", "phone", "description", "media_url", "attribute[" + KindAttribute + "]", IdemField}

// IdemField is the form field that may carry a POST's idempotency key, for a
// client that cannot set the Idempotency-Key header; both given must agree.
const IdemField = "idempotency_key"

// once is a POST's idempotency: the client's key (the Idempotency-Key header
// or the idempotency_key field) or, without one, its content, recognised for
// window. The fingerprint is of every field but the API key and the key, and of
// the media's bytes. The service scopes it to the API key.
func once(r *http.Request, window time.Duration) (db.Idem, error) {
	header, field := r.Header.Get("Idempotency-Key"), r.Form.Get(IdemField)
	if header != "" && field != "" && header != field {
		return db.Idem{}, apperr.New(apperr.CodeInvalid, "feedback.err.o311_idem_two")
	}
	key := cmp.Or(header, field)
	if _, given := r.Header["Idempotency-Key"]; given || r.Form.Has(IdemField) {
		if err := db.CheckIdemKey(key); err != nil {
			return db.Idem{}, err
		}
	}
	fp, err := web.RequestFingerprint(r, "api_key", IdemField)
	if err != nil {
		return db.Idem{}, err
	}
	if key != "" {
		return db.Idem{Key: key, Fingerprint: fp}, nil
	}
	if window <= 0 {
		return db.Idem{}, nil
	}
	return db.Idem{Key: "content:" + fp, Fingerprint: fp, Within: window}, nil
}

// fields reads the POST's fields from the query, a URL-encoded body or a
// multipart body alike (the shell parsed it: r.Form holds them all).
func fields(r *http.Request) (func(string) string, error) {
	for _, name := range postFields {
		vs := r.Form[name]
		for _, v := range vs[min(len(vs), 1):] {
			if v != vs[0] {
				return nil, apperr.New(apperr.CodeInvalid, "feedback.err.o311_twice", name)
			}
		}
	}
	return r.Form.Get, nil
}

// post answers POST requests: a key issued for the place's commune (or a unit
// above it) is required; the contact given is kept so the answer reaches the
// person through the app's operator. The fields come in the query, a
// URL-encoded body or a multipart one; a multipart body may carry photos as
// media parts, stored as the web form's are (files.PutPhotos: the same
// checks and limits) and, like them, never public.
func (o o311) post(w http.ResponseWriter, r *http.Request) {
	base, f, ok := format(r.PathValue("file"))
	if !ok || base != "requests" {
		o.failErr(w, r, f, apperr.New(apperr.CodeNotFound, "feedback.err.o311_post"))
		return
	}
	ctx := r.Context()
	if ok, wait := o.ah.WriteLimit.Allow("ip:" + web.ClientIP(ctx)); !ok {
		o.failErr(w, r, f, apperr.New(apperr.CodeTooMany, "feedback.err.o311_flood", web.RetrySeconds(wait)).After(wait))
		return
	}
	if err := web.FormError(r); err != nil { // too large or broken: the shell read the body (HandleUpload)
		o.failErr(w, r, f, err)
		return
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "" && ct != "application/x-www-form-urlencoded" && ct != "multipart/form-data" {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_body"))
		return
	}
	v, err := fields(r)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	k := v("api_key")
	if k == "" {
		o.failErr(w, r, f, apperr.New(apperr.CodeForbidden, "feedback.err.o311_no_key"))
		return
	}
	key, ok, err := o.svc.keyOf(ctx, k)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	if !ok {
		o.failErr(w, r, f, apperr.New(apperr.CodeForbidden, "feedback.err.o311_bad_key"))
		return
	}
	t, err := o.units.Tree(ctx)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	place, ok, err := o.jurisdiction(r)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	if !ok {
		place, _ = t.Unit(key.unit)
	}
	if place.ID != key.unit && !t.Within(place.ID, key.unit) {
		o.failErr(w, r, f, apperr.New(apperr.CodeForbidden, "feedback.err.o311_key_unit", place.Code))
		return
	}
	sub := Submission{Kind: Feedback, Category: v("service_code"), UnitID: place.ID, Description: v("description"),
		Address: v("address_string"), Contact: strings.TrimSpace(v("email")), IdemKey: "open311:" + random.Key(), ViaKey: key.id}
	if kind := v("attribute[" + KindAttribute + "]"); kind != "" {
		if kind != Feedback && kind != Petition {
			o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_kind", trimRunes(kind, 40)))
			return
		}
		sub.Kind = kind
	}
	if sub.Contact == "" {
		sub.Contact = strings.TrimSpace(v("phone"))
	}
	if lat, lon := v("lat"), v("long"); lat != "" || lon != "" {
		sub.Lat, sub.Lon, err = readCoords(r, "lat", "long")
		if err == nil && (sub.Lat == nil || sub.Lon == nil) {
			err = apperr.New(apperr.CodeInvalid, "feedback.err.latlong")
		}
		if err != nil {
			o.failErr(w, r, f, err)
			return
		}
	}
	if sub.Lat == nil && strings.TrimSpace(sub.Address) == "" && v("jurisdiction_id") == "" {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_where"))
		return
	}
	cats, err := o.svc.CategoriesOf(ctx, place.ID)
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	if _, known := Find(cats, sub.Category); !known {
		o.failErr(w, r, f, apperr.New(apperr.CodeInvalid, "feedback.err.o311_service_see", trimRunes(sub.Category, 40), f))
		return
	}
	if sub.Once, err = once(r, o.svc.Open311Repeat); err != nil {
		o.failErr(w, r, f, err)
		return
	}
	photos, closeAll, err := web.FormFiles(r, "media")
	defer closeAll()
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	sub.Photos = photos
	// One address's posts of big photos queue behind each other, as on the web form.
	c, err := o.svc.Submit(files.WithSender(ctx, web.ClientIP(ctx)), nil, sub)
	if db.IsKeyReused(err) {
		err = apperr.New(apperr.CodeConflict, "feedback.err.o311_idem_reused")
	}
	if err != nil {
		o.failErr(w, r, f, err)
		return
	}
	it, _ := o.byCode(ctx, c)
	ans := []created{{ID: c, Token: c, Notice: "Hạn trả lời " + it.DueOn.VN() + ". Theo dõi tại " + o.web.BaseURL(r) + TrackURL(c)}}
	if f == "xml" {
		o.write(w, f, http.StatusOK, createdList{Requests: ans})
		return
	}
	o.write(w, f, http.StatusOK, ans)
}
