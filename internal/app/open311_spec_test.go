package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"

	"github.com/getkin/kin-openapi/openapi2"
	"github.com/getkin/kin-openapi/openapi2conv"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// The independent check of danchu's Open311 answers: every response, JSON and
// XML, is validated against the GeoReport v2 Swagger document of
// open311/schema-validation (testdata/open311, with the spec's corrections
// listed in its README) by kin-openapi. XML answers are turned into the same
// generic shape as JSON by xmlBody, led by the schema and the spec's element
// names (services > service, service_requests > request, errors > error…), so
// the one schema checks both; a GET's XML must also say what its JSON says.

// spec is the GeoReport v2 document, loaded once: Swagger 2.0 → OpenAPI 3.
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	b, err := os.ReadFile(filepath.Join("testdata", "open311", "georeport-v2.swagger.json"))
	if err != nil {
		return nil, err
	}
	var v2 openapi2.T
	if err := json.Unmarshal(b, &v2); err != nil {
		return nil, err
	}
	v3, err := openapi2conv.ToV3(&v2)
	if err != nil {
		return nil, err
	}
	// The document's "produces" (JSON and XML) holds for every operation in
	// Swagger 2.0; ToV3 gives an operation without its own only JSON.
	for _, item := range v3.Paths.Map() {
		for _, op := range item.Operations() {
			for _, r := range op.Responses.Map() {
				for _, mime := range v2.Produces {
					if r.Value.Content.Get(mime) == nil {
						r.Value.Content[mime] = r.Value.Content.Get("application/json")
					}
				}
			}
		}
	}
	return v3, v3.Validate(context.Background())
})

func init() {
	openapi3filter.RegisterBodyDecoder("text/xml", xmlBody)
	openapi3filter.RegisterBodyDecoder("application/xml", xmlBody)
}

// xnode is an XML element: its name, its child elements and its text.
type xnode struct {
	name     string
	children []*xnode
	text     strings.Builder
}

func parseXML(r io.Reader) (*xnode, error) {
	dec := xml.NewDecoder(r)
	var stack []*xnode
	var root *xnode
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xnode{name: t.Name.Local}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.children = append(p.children, n)
			} else if root != nil {
				return nil, fmt.Errorf("a second root element <%s>", n.name)
			} else {
				root = n
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if strings.TrimSpace(string(t)) != "" {
				return nil, fmt.Errorf("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("no root element")
	}
	return root, nil
}

// The spec's XML names: of one item of a definition, of a list of them at the
// root, of a lone definition at the root, and of the items of a list property.
var (
	xmlItem = map[string]string{"Service": "service", "Request": "request", "RequestResponse": "request", "TokenResponse": "request",
		"Error": "error", "ServiceAttribute": "attribute", "AttributeValue": "value", "Endpoint": "endpoint"}
	xmlList     = map[string]string{"Service": "services", "Request": "service_requests", "RequestResponse": "service_requests", "TokenResponse": "service_requests", "Error": "errors"}
	xmlRoot     = map[string]string{"ServiceDefinition": "service_definition", "Discovery": "discovery"}
	xmlListItem = map[string]string{"attributes": "attribute", "values": "value", "endpoints": "endpoint", "formats": "format"}
)

func is(s *openapi3.SchemaRef, typ string) bool { return s.Value.Type != nil && s.Value.Type.Is(typ) }

// xmlBody is kin-openapi's decoder for XML bodies (see the top of the file).
func xmlBody(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	root, err := parseXML(body)
	if err != nil {
		return nil, err
	}
	var want string
	if is(schema, "array") {
		want = xmlList[path.Base(schema.Value.Items.Ref)]
	} else {
		want = xmlRoot[path.Base(schema.Ref)]
	}
	if want == "" || root.name != want {
		return nil, fmt.Errorf("root element <%s>, the spec's is <%s>", root.name, want)
	}
	return xmlValue(root, schema, "")
}

// xmlValue is the value of n under schema; item names a list's elements.
func xmlValue(n *xnode, schema *openapi3.SchemaRef, item string) (any, error) {
	text := n.text.String()
	switch {
	case is(schema, "array"):
		if item == "" {
			item = xmlItem[path.Base(schema.Value.Items.Ref)]
		}
		out := []any{}
		for _, c := range n.children {
			if c.name != item {
				return nil, fmt.Errorf("<%s> in <%s>, the spec's items are <%s>", c.name, n.name, item)
			}
			v, err := xmlValue(c, schema.Value.Items, "")
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case is(schema, "object") || len(schema.Value.Properties) > 0:
		out := map[string]any{}
		for _, c := range n.children {
			if _, dup := out[c.name]; dup {
				return nil, fmt.Errorf("<%s> twice in <%s>", c.name, n.name)
			}
			p := schema.Value.Properties[c.name]
			if p == nil { // not in the spec: kept as text, for the schema to judge
				if len(c.children) > 0 {
					return nil, fmt.Errorf("<%s> in <%s> is not in the spec", c.name, n.name)
				}
				out[c.name] = c.text.String()
				continue
			}
			v, err := xmlValue(c, p, xmlListItem[c.name])
			if err != nil {
				return nil, err
			}
			out[c.name] = v
		}
		return out, nil
	case len(n.children) > 0:
		return nil, fmt.Errorf("<%s> holds elements where the spec has a value", n.name)
	case is(schema, "boolean"):
		if text != "true" && text != "false" {
			return nil, fmt.Errorf("<%s>%s</%s> is not a boolean", n.name, text, n.name)
		}
		return text == "true", nil
	case is(schema, "integer") || is(schema, "number"):
		f, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, fmt.Errorf("<%s>%s</%s> is not a number", n.name, text, n.name)
		}
		return f, nil
	}
	return text, nil
}

// o311 calls the API and validates its answer against the spec.
type o311 struct {
	t      *testing.T
	base   string // …/open311/v2/
	router routers.Router
}

func newO311(t *testing.T, srvURL string) *o311 {
	t.Helper()
	doc, err := spec()
	if err != nil {
		t.Fatalf("the GeoReport v2 document: %v", err)
	}
	doc = &openapi3.T{OpenAPI: doc.OpenAPI, Info: doc.Info, Paths: doc.Paths, Components: doc.Components,
		Servers: openapi3.Servers{{URL: srvURL + "/open311/v2"}}}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return &o311{t: t, base: srvURL + "/open311/v2/", router: router}
}

// answer is a validated response: its status, headers, body, and the body as
// a generic value (JSON's, or the XML turned into it).
type answer struct {
	status int
	header http.Header
	body   string
	value  any
}

// do sends req and fails the test unless the answer is what the spec allows
// for the route (an error answer included: the spec's list of errors).
func (o *o311) do(req *http.Request) answer {
	o.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		o.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header, body: string(b)}
	if got := resp.Header.Get("Access-Control-Allow-Origin"); got != "*" {
		o.t.Errorf("%s %s: Access-Control-Allow-Origin %q, want *", req.Method, req.URL.Path, got)
	}
	if resp.Header.Get("Access-Control-Allow-Credentials") != "" {
		o.t.Errorf("%s %s allows credentials", req.Method, req.URL.Path)
	}
	if a.value, err = o.validate(req, resp.StatusCode, resp.Header, b); err != nil {
		o.t.Errorf("%s %s: %d does not match the spec: %v\n%s", req.Method, req.URL, resp.StatusCode, err, b)
	}
	return a
}

// validate checks an answer to req against the spec and returns its body as
// a generic value.
func (o *o311) validate(req *http.Request, status int, header http.Header, b []byte) (any, error) {
	route, params, err := o.router.FindRoute(req)
	if err != nil {
		return nil, fmt.Errorf("not a path of the spec: %w", err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status, Header: header, Body: io.NopCloser(bytes.NewReader(b)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return nil, err
	}
	var v any
	if strings.HasPrefix(header.Get("Content-Type"), "text/xml") {
		r := route.Operation.Responses.Status(status)
		if r == nil {
			r = route.Operation.Responses.Default()
		}
		v, err = xmlBody(bytes.NewReader(b), nil, r.Value.Content.Get("text/xml").Schema, nil)
	} else {
		err = json.Unmarshal(b, &v)
	}
	return v, err
}

// The validation refuses what breaks the spec, in JSON and in XML alike: the
// checks above would otherwise prove nothing.
func TestOpen311SpecRefuses(t *testing.T) {
	o := newO311(t, "http://danchu.example")
	js, xm := http.Header{"Content-Type": {"application/json; charset=utf-8"}}, http.Header{"Content-Type": {"text/xml; charset=utf-8"}}
	ok := `<?xml version="1.0"?><service_requests><request><service_request_id>PA-1</service_request_id><status>open</status><service_code>x</service_code><requested_datetime>2026-11-20T08:00:00+07:00</requested_datetime></request></service_requests>`
	for _, c := range []struct {
		name, path string
		status     int
		header     http.Header
		body       string
		valid      bool
	}{
		{"a request, JSON", "requests/PA-1.json", 200, js, `[{"service_request_id":"PA-1","status":"open","service_code":"x","requested_datetime":"2026-11-20T08:00:00+07:00"}]`, true},
		{"a request, XML", "requests/PA-1.xml", 200, xm, ok, true},
		{"an unknown status, JSON", "requests/PA-1.json", 200, js, `[{"service_request_id":"PA-1","status":"pending","service_code":"x","requested_datetime":"2026-11-20T08:00:00+07:00"}]`, false},
		{"an unknown status, XML", "requests/PA-1.xml", 200, xm, strings.Replace(ok, ">open<", ">pending<", 1), false},
		{"no status, XML", "requests/PA-1.xml", 200, xm, strings.Replace(ok, "<status>open</status>", "", 1), false},
		{"a bare object where the spec has a list", "requests/PA-1.json", 200, js, `{"service_request_id":"PA-1","status":"open","service_code":"x","requested_datetime":"2026-11-20T08:00:00+07:00"}`, false},
		{"the wrong root element", "requests/PA-1.xml", 200, xm, strings.ReplaceAll(ok, "service_requests>", "requests>"), false},
		{"the wrong item element", "requests/PA-1.xml", 200, xm, strings.ReplaceAll(ok, "request>", "item>"), false},
		{"metadata not a boolean", "services.xml", 200, xm, `<services><service><service_code>a</service_code><service_name>A</service_name><type>realtime</type><metadata>yes</metadata></service></services>`, false},
		{"a definition without attributes", "services/a.xml", 200, xm, `<service_definition><service_code>a</service_code></service_definition>`, false},
		{"a definition with attributes", "services/a.xml", 200, xm, `<service_definition><service_code>a</service_code><attributes><attribute><variable>true</variable><code>k</code><datatype>singlevaluelist</datatype><required>false</required><values><value><key>x</key><name>X</name></value></values></attribute></attributes></service_definition>`, true},
		{"an attribute value without a name", "services/a.xml", 200, xm, `<service_definition><service_code>a</service_code><attributes><attribute><variable>true</variable><code>k</code><datatype>singlevaluelist</datatype><required>false</required><values><value><key>x</key></value></values></attribute></attributes></service_definition>`, false},
		{"an error, XML", "requests.xml", 400, xm, `<errors><error><code>400</code><description>x</description></error></errors>`, true},
		{"an error as a page", "requests.json", 404, http.Header{"Content-Type": {"text/html; charset=utf-8"}}, `<!doctype html><p>404`, false},
		{"an error without a code", "requests.json", 400, js, `[{"description":"x"}]`, false},
		{"an empty list of errors", "requests.json", 400, js, `[]`, false},
	} {
		req, _ := http.NewRequest(http.MethodGet, o.base+c.path, nil)
		if _, err := o.validate(req, c.status, c.header, []byte(c.body)); (err == nil) != c.valid {
			t.Errorf("%s: valid %v, want %v (%v)", c.name, err == nil, c.valid, err)
		}
	}
}

func (o *o311) get(file string, q url.Values) answer {
	o.t.Helper()
	u := o.base + file
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	return o.do(req)
}

// getBoth asks for file in JSON and in XML, checks that both say the same and
// returns the JSON answer.
func (o *o311) getBoth(file string, q url.Values) answer {
	o.t.Helper()
	j, x := o.get(file+".json", q), o.get(file+".xml", q)
	if j.status != x.status || !reflect.DeepEqual(j.value, x.value) {
		o.t.Errorf("%s: the XML (%d) does not say what the JSON (%d) says:\n%v\n%v", file, x.status, j.status, x.value, j.value)
	}
	return j
}

// postForm posts a URL-encoded body (and query q).
func (o *o311) postForm(file string, q, body url.Values) answer {
	o.t.Helper()
	u := o.base + file
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return o.do(req)
}

// part is a file of a multipart body.
type part struct {
	field, name string
	data        []byte
}

func multipartBody(t *testing.T, fields url.Values, files ...part) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.field, f.name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(f.data)
	}
	mw.Close()
	return &b, mw.FormDataContentType()
}

// postMultipart posts a multipart body (and query q).
func (o *o311) postMultipart(file string, q, fields url.Values, files ...part) answer {
	o.t.Helper()
	u := o.base + file
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	body, ct := multipartBody(o.t, fields, files...)
	req, _ := http.NewRequest(http.MethodPost, u, body)
	req.Header.Set("Content-Type", ct)
	return o.do(req)
}

// errorOf is the one error of an answer the spec validated: its code and
// description.
func errorOf(t *testing.T, a answer) (int, string) {
	t.Helper()
	list, _ := a.value.([]any)
	if len(list) != 1 {
		t.Errorf("not one error: %d %s", a.status, a.body)
		return 0, ""
	}
	e, _ := list[0].(map[string]any)
	code, _ := e["code"].(float64)
	desc, _ := e["description"].(string)
	return int(code), desc
}

// refused checks an answer is the spec's error with status and a description
// saying want.
func refused(t *testing.T, what string, a answer, status int, want string) {
	t.Helper()
	code, desc := errorOf(t, a)
	if a.status != status || code != status || !strings.Contains(desc, want) {
		t.Errorf("%s: %d %q, want %d saying %q\n%s", what, a.status, desc, status, want, a.body)
	}
}

// photo is a small real PNG (a gradient, so that it is not all one colour).
func photo(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), 120, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// filesUnder counts the files stored under dir.
func filesUnder(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	filepath.WalkDir(dir, func(_ string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			n++
		}
		return nil
	})
	return n
}

// TestOpen311Spec calls every endpoint in JSON and XML — discovery, services,
// a service definition, POST (URL-encoded and multipart with a photo), one
// request, a token, lists with filters, and the error answers — and checks
// every answer against the GeoReport v2 document.
func TestOpen311Spec(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg := &config.Config{DataDir: t.TempDir(), LimitWrites: 1000}
		a, srv := siteWith(t, d, cfg, io.Discard)
		o := newO311(t, srv.URL)
		official := officialActor(t, a, "xa@danchu.demo")
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		key, err := a.Feedback.IssueKey(ctx, official, commune.ID, "Kiểm tra theo đặc tả")
		if err != nil {
			t.Fatal(err)
		}

		disc := o.getBoth("discovery", nil)
		if !strings.Contains(disc.body, `"url":"`+srv.URL+`/open311/v2"`) {
			t.Errorf("discovery: %s", disc.body)
		}
		if s := o.getBoth("services", url.Values{"jurisdiction_id": {demo.CommuneCode}}); len(s.value.([]any)) != len(feedback.DefaultCategories) {
			t.Errorf("services: %s", s.body)
		}
		o.getBoth("services", nil)
		def := o.getBoth("services/moi-truong", url.Values{"jurisdiction_id": {demo.CommuneCode}})
		attrs, _ := def.value.(map[string]any)["attributes"].([]any)
		if len(attrs) != 1 || !strings.Contains(def.body, `"code":"kind"`) || !strings.Contains(def.body, `{"key":"petition","name":"Kiến nghị"}`) {
			t.Errorf("the service definition's attributes: %s", def.body)
		}
		if x := o.get("services/moi-truong.xml", nil); !strings.Contains(x.body, "<attributes><attribute><variable>true</variable><code>kind</code>") ||
			!strings.Contains(x.body, "<values><value><key>feedback</key><name>Phản ánh</name></value>") {
			t.Errorf("the XML service definition: %s", x.body)
		}

		// POST in both formats, URL-encoded and multipart with a photo.
		form := url.Values{"api_key": {key}, "jurisdiction_id": {"19885-01"}, "service_code": {"moi-truong"}, "lat": {"16.4637"}, "long": {"107.5909"},
			"address_string": {"Cạnh cầu thôn Đông Phước"}, "email": {"nguoidan@example.vn"}, "description": {"Rác thải đổ trộm cạnh cầu"},
			"attribute[kind]": {"petition"}}
		created := func(a answer) string {
			t.Helper()
			list, _ := a.value.([]any)
			if a.status != 200 || len(list) != 1 {
				t.Fatalf("POST: %d %s", a.status, a.body)
			}
			return list[0].(map[string]any)["service_request_id"].(string)
		}
		petition := created(o.postForm("requests.json", nil, form))
		if !strings.HasPrefix(petition, "KN-") {
			t.Errorf("attribute[kind]=petition made %s, want a KN- code", petition)
		}
		form.Del("attribute[kind]")
		created(o.postForm("requests.xml", nil, form))
		photos, dir := countRows(t, d, "feedback_photos"), filepath.Join(cfg.UploadsDir(), "photos")
		withPhoto := created(o.postMultipart("requests.json", nil, form, part{"media", "rac.png", photo(t, 40, 30)}))
		created(o.postMultipart("requests.xml", url.Values{"api_key": {key}}, url.Values{"service_code": {"giao-thong"}, "jurisdiction_id": {"19885"},
			"description": {"Đèn đường hỏng"}, "phone": {"0912000333"}}))
		if n := countRows(t, d, "feedback_photos"); n != photos+1 || filesUnder(t, dir) != 1 {
			t.Errorf("the multipart POST stored %d photos, %d files; want 1", n-photos, filesUnder(t, dir))
		}
		it, err := a.Feedback.ByCode(ctx, official, withPhoto)
		if err != nil || it.Photos != 1 || it.Contact != "nguoidan@example.vn" || it.Kind != feedback.Feedback {
			t.Errorf("the request with a photo: %+v %v", it, err)
		}

		// Reading back: one, by token, lists with comma filters; never the description, point or photo.
		one := o.getBoth("requests/"+withPhoto, nil)
		for _, private := range []string{"Rác thải", "16.46", "media_url", "nguoidan", "Cạnh cầu"} {
			if strings.Contains(one.body, private) {
				t.Errorf("the public request shows %q: %s", private, one.body)
			}
		}
		if tok := o.getBoth("tokens/"+withPhoto, nil); !strings.Contains(tok.body, `"token":"`+withPhoto+`"`) {
			t.Errorf("token: %s", tok.body)
		}
		count := func(a answer) int { l, _ := a.value.([]any); return len(l) }
		for _, c := range []struct {
			q    url.Values
			want int
		}{
			{url.Values{"jurisdiction_id": {"19885"}}, 4},
			{url.Values{"jurisdiction_id": {"19885"}, "status": {"open,closed"}}, 4},
			{url.Values{"jurisdiction_id": {"19885"}, "status": {"open", "closed"}}, 4},
			{url.Values{"jurisdiction_id": {"19885"}, "status": {"closed"}}, 0},
			{url.Values{"jurisdiction_id": {"19885"}, "service_code": {"moi-truong,giao-thong"}}, 4},
			{url.Values{"jurisdiction_id": {"19885"}, "service_code": {"giao-thong"}, "status": {"open"}}, 1},
			{url.Values{"jurisdiction_id": {"19885-01"}}, 3},
			{url.Values{"jurisdiction_id": {"19885"}, "start_date": {"2020-01-01T00:00:00Z"}, "end_date": {"2020-03-30T00:00:00Z"}}, 0},
			{url.Values{"jurisdiction_id": {"19885"}, "start_date": {"2020-01-01"}}, 0},
			{url.Values{"service_request_id": {withPhoto + "," + petition + ",PA-0000-0000"}}, 2},
		} {
			if got := o.getBoth("requests", c.q); got.status != 200 || count(got) != c.want {
				t.Errorf("requests?%s: %d with %d, want %d", c.q.Encode(), got.status, count(got), c.want)
			}
		}

		// The error answers, in both formats.
		long := strings.TrimSuffix(strings.Repeat("open,", 101), ",")
		for _, c := range []struct {
			what, file string
			q          url.Values
			status     int
			want       string
		}{
			{"an unknown service", "services/khong-co", nil, 404, "khong-co"},
			{"an unknown jurisdiction", "services", url.Values{"jurisdiction_id": {"99999"}}, 404, "99999"},
			{"no jurisdiction", "requests", nil, 400, "jurisdiction_id"},
			{"an unknown status", "requests", url.Values{"jurisdiction_id": {"19885"}, "status": {"open,done"}}, 400, `"done"`},
			{"an unknown service in a list", "requests", url.Values{"jurisdiction_id": {"19885"}, "service_code": {"moi-truong,khong-co"}}, 400, `"khong-co"`},
			{"a list too long", "requests", url.Values{"jurisdiction_id": {"19885"}, "status": {long}}, 400, "tối đa 100"},
			{"91 days", "requests", url.Values{"jurisdiction_id": {"19885"}, "start_date": {"2026-01-01T00:00:00+07:00"}, "end_date": {"2026-04-02T00:00:00+07:00"}}, 400, "tối đa 90 ngày; đã hỏi 91"},
			{"a year", "requests", url.Values{"jurisdiction_id": {"19885"}, "start_date": {"2025-01-01"}, "end_date": {"2026-01-01"}}, 400, "đã hỏi 365"},
			{"backwards", "requests", url.Values{"jurisdiction_id": {"19885"}, "start_date": {"2026-02-01"}, "end_date": {"2026-01-01"}}, 400, "sau start_date"},
			{"a malformed date", "requests", url.Values{"jurisdiction_id": {"19885"}, "end_date": {"31/12/2026"}}, 400, "W3C"},
			{"a date that does not exist", "requests", url.Values{"jurisdiction_id": {"19885"}, "start_date": {"2026-02-30"}}, 400, "W3C"},
			{"an unknown request", "requests/PA-0000-0000", nil, 404, "PA-0000-0000"},
			{"an unknown token", "tokens/PA-0000-0000", nil, 404, "PA-0000-0000"},
		} {
			for _, f := range []string{".json", ".xml"} {
				refused(t, c.what+f, o.get(c.file+f, c.q), c.status, c.want)
			}
		}
		items := countRows(t, d, "feedback_items")
		refused(t, "no key", o.postForm("requests.xml", nil, url.Values{"service_code": {"moi-truong"}, "description": {"x"}, "address_string": {"y"}}), 403, "Thiếu api_key")
		refused(t, "a wrong key", o.postMultipart("requests.json", nil, url.Values{"api_key": {"dc311_sai"}, "service_code": {"moi-truong"}}), 403, "không đúng")
		refused(t, "a JSON body", o.do(jsonPost(t, o.base+"requests.json", `{"api_key":"`+key+`"}`)), 400, "multipart/form-data")
		if n := countRows(t, d, "feedback_items"); n != items {
			t.Errorf("refused posts stored %d items", n-items)
		}
	})
}

func jsonPost(t *testing.T, u, body string) *http.Request {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return req
}
