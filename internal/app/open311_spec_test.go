package app_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/crc32"
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
	"danchu/internal/org"

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

// TestOpen311Attacks: what a hostile or broken client sends is refused in the
// spec's format with the status it deserves, and nothing is stored — no
// request, no photo row, no file.
func TestOpen311Attacks(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg := &config.Config{DataDir: t.TempDir(), LimitWrites: 1000}
		a, srv := siteWith(t, d, cfg, io.Discard)
		o := newO311(t, srv.URL)
		dir := filepath.Join(cfg.UploadsDir(), "photos")
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		key, err := a.Feedback.IssueKey(ctx, officialActor(t, a, "xa@danchu.demo"), commune.ID, "Ứng dụng của xã")
		if err != nil {
			t.Fatal(err)
		}
		province, _ := a.Units.UnitByCode(ctx, "46")
		provinceKey, err := a.Feedback.IssueKey(ctx, officialActor(t, a, "tinh@danchu.demo"), province.ID, "Cổng của tỉnh")
		if err != nil {
			t.Fatal(err)
		}
		tree, _ := a.Units.Tree(ctx)
		hanoi, _ := a.Units.UnitByCode(ctx, "01")
		var elsewhere string // a commune of another province
		for _, u := range tree.Descendants(hanoi.ID) {
			if u.Type.Level() == org.CommuneLevel && u.Current() {
				elsewhere = u.Code
				break
			}
		}
		if elsewhere == "" {
			t.Fatal("no commune in province 01")
		}
		fields := func(edit func(url.Values)) url.Values {
			v := url.Values{"api_key": {key}, "jurisdiction_id": {"19885-01"}, "service_code": {"moi-truong"}, "description": {"Rác thải đổ trộm cạnh cầu"},
				"address_string": {"Cạnh cầu thôn Đông Phước"}}
			if edit != nil {
				edit(v)
			}
			return v
		}
		good := part{"media", "rac.png", photo(t, 40, 30)}
		var bomb bytes.Buffer // a real PNG whose header claims 12,000 × 12,000 pixels: 576 MB to decode
		png.Encode(&bomb, image.NewRGBA(image.Rect(0, 0, 4, 4)))
		claim := bomb.Bytes()
		binary.BigEndian.PutUint32(claim[16:], 12000)
		binary.BigEndian.PutUint32(claim[20:], 12000)
		binary.BigEndian.PutUint32(claim[29:], crc32.ChecksumIEEE(claim[12:29])) // the IHDR chunk's checksum, so that the header reads
		list := func(v string, n int) string { return strings.TrimSuffix(strings.Repeat(v+",", n), ",") }
		huge := func() answer { // a multipart body over the route's bound, streamed (upload_test.go)
			f := map[string]string{}
			for k, v := range fields(nil) {
				f[k] = v[0]
			}
			body, ct := bigUpload(f, "media", feedback.MaxUploadBytes+1<<20)
			req, _ := http.NewRequest(http.MethodPost, o.base+"requests.json", body)
			req.Header.Set("Content-Type", ct)
			return o.do(req)
		}
		revoked, err := a.Feedback.IssueKey(ctx, officialActor(t, a, "xa@danchu.demo"), commune.ID, "Ứng dụng đã thu hồi")
		if err != nil {
			t.Fatal(err)
		}
		keys, _ := a.Feedback.Keys(ctx, officialActor(t, a, "xa@danchu.demo"), commune.ID)
		for _, k := range keys {
			if k.Name == "Ứng dụng đã thu hồi" {
				if err := a.Feedback.RevokeKey(ctx, officialActor(t, a, "xa@danchu.demo"), commune.ID, k.ID); err != nil {
					t.Fatal(err)
				}
			}
		}

		for _, c := range []struct {
			name   string
			send   func() answer
			status int
			want   string
		}{
			{"keys disagreeing in query and URL-encoded body", func() answer {
				return o.postForm("requests.json", url.Values{"api_key": {"dc311_khac"}}, fields(nil))
			}, 400, "api_key được gửi hai lần"},
			{"keys disagreeing in query and multipart body", func() answer {
				return o.postMultipart("requests.xml", url.Values{"api_key": {"dc311_khac"}}, fields(nil), good)
			}, 400, "api_key được gửi hai lần"},
			{"two keys in the body", func() answer {
				return o.postMultipart("requests.json", nil, fields(func(v url.Values) { v.Add("api_key", provinceKey) }), good)
			}, 400, "api_key được gửi hai lần"},
			{"a place twice", func() answer {
				return o.postForm("requests.json", url.Values{"jurisdiction_id": {elsewhere}}, fields(nil))
			}, 400, "jurisdiction_id được gửi hai lần"},
			{"a body over the route's bound", huge, 413, "lớn quá 51 MB"},
			{"six photos", func() answer {
				return o.postMultipart("requests.json", nil, fields(nil), good, good, good, good, good, good)
			}, 400, "5 ảnh"},
			{"a PNG bomb", func() answer {
				return o.postMultipart("requests.json", nil, fields(nil), part{"media", "bom.png", claim})
			}, 400, "lớn quá để xử lý (12000×12000"},
			{"a good photo and a PNG bomb", func() answer {
				return o.postMultipart("requests.xml", nil, fields(nil), good, part{"media", "bom.png", claim})
			}, 400, "bom.png"},
			{"a page named .jpg", func() answer {
				return o.postMultipart("requests.json", nil, fields(nil), part{"media", "anh.jpg", []byte("<html><script>alert(1)</script></html>")})
			}, 400, "không phải ảnh JPEG hay PNG"},
			{"a photo over 10 MB", func() answer {
				return o.postMultipart("requests.json", nil, fields(nil), part{"media", "to.png", append(photo(t, 8, 8), make([]byte, 11<<20)...)})
			}, 400, "lớn quá 10 MB"},
			{"a photo with an unknown service", func() answer {
				return o.postMultipart("requests.json", nil, fields(func(v url.Values) { v.Set("service_code", "khong-co") }), good)
			}, 400, `"khong-co"`},
			{"a field not UTF-8", func() answer {
				return o.postMultipart("requests.json", nil, fields(func(v url.Values) { v.Set("description", "Rác \xff\xfe cạnh cầu") }), good)
			}, 400, "UTF-8"},
			{"a photo's name not UTF-8", func() answer {
				return o.postMultipart("requests.xml", nil, fields(nil), part{"media", "r\xffc.png", photo(t, 8, 8)})
			}, 400, "UTF-8"},
			{"an unknown kind", func() answer {
				return o.postForm("requests.json", nil, fields(func(v url.Values) { v.Set("attribute[kind]", "complaint") }))
			}, 400, `"complaint"`},
			{"a commune's key for another commune", func() answer {
				return o.postMultipart("requests.json", nil, fields(func(v url.Values) { v.Set("jurisdiction_id", "19753") }), good)
			}, 403, "không dùng được cho đơn vị 19753"},
			{"a province's key for another province's commune", func() answer {
				return o.postMultipart("requests.json", nil, fields(func(v url.Values) { v.Set("api_key", provinceKey); v.Set("jurisdiction_id", elsewhere) }), good)
			}, 403, "không dùng được cho đơn vị " + elsewhere},
			{"a revoked key", func() answer {
				return o.postMultipart("requests.json", nil, fields(func(v url.Values) { v.Set("api_key", revoked) }), good)
			}, 403, "đã bị thu hồi"},
			{"a key that is not one", func() answer {
				return o.postForm("requests.json", url.Values{"api_key": {"dc311_" + strings.Repeat("a", 5000)}}, fields(func(v url.Values) { v.Del("api_key") }))
			}, 403, "không đúng"},
			{"a filter not UTF-8", func() answer { return o.get("requests.json?jurisdiction_id=19885&status=open%FF", nil) }, 400, "UTF-8"},
			{"a service filter not UTF-8", func() answer { return o.get("requests.xml?jurisdiction_id=19885&service_code=%C3%28", nil) }, 400, "UTF-8"},
			{"10,000 statuses", func() answer {
				return o.get("requests.json", url.Values{"jurisdiction_id": {"19885"}, "status": {list("open", 10000)}})
			}, 400, "status nhận tối đa 100"},
			{"10,000 services", func() answer {
				return o.get("requests.xml", url.Values{"jurisdiction_id": {"19885"}, "service_code": {list("moi-truong", 10000)}})
			}, 400, "service_code nhận tối đa 100"},
			{"10,000 empty values", func() answer {
				return o.get("requests.json", url.Values{"jurisdiction_id": {"19885"}, "status": {strings.Repeat(",", 10000) + "done"}})
			}, 400, `"done"`},
			{"10,000 requests", func() answer {
				return o.get("requests.json", url.Values{"service_request_id": {list("PA-0000-0000", 10000)}})
			}, 400, "Tối đa 100 mã"},
		} {
			items, photos, stored := countRows(t, d, "feedback_items"), countRows(t, d, "feedback_photos"), filesUnder(t, dir)
			refused(t, c.name, c.send(), c.status, c.want)
			if n, p, f := countRows(t, d, "feedback_items"), countRows(t, d, "feedback_photos"), filesUnder(t, dir); n != items || p != photos || f != stored {
				t.Errorf("%s stored %d requests, %d photo rows, %d files", c.name, n-items, p-photos, f-stored)
			}
		}

		// A long value typed where a code goes is not sent back whole.
		for _, r := range []answer{o.get("services.json", url.Values{"jurisdiction_id": {strings.Repeat("9", 5000)}}),
			o.get("requests/PA-"+strings.Repeat("X", 5000)+".xml", nil),
			o.get("requests.json", url.Values{"jurisdiction_id": {"19885"}, "end_date": {strings.Repeat("2026", 2000)}})} {
			if _, desc := errorOf(t, r); r.status < 400 || len(desc) > 300 {
				t.Errorf("a 5,000-character value: %d, %d bytes of description", r.status, len(desc))
			}
		}

		// What is accepted: the key in the query with a multipart body, the same key twice, a province's key for its commune.
		for _, c := range []struct {
			name string
			send func() answer
		}{
			{"the key in the query", func() answer {
				return o.postMultipart("requests.json", url.Values{"api_key": {key}}, fields(func(v url.Values) { v.Del("api_key") }), good)
			}},
			{"the same key in the query and the body", func() answer {
				return o.postForm("requests.json", url.Values{"api_key": {key}}, fields(nil))
			}},
			{"a province's key for its commune", func() answer {
				return o.postMultipart("requests.xml", nil, fields(func(v url.Values) { v.Set("api_key", provinceKey) }), good)
			}},
		} {
			if r := c.send(); r.status != 200 {
				t.Errorf("%s: %d %s", c.name, r.status, r.body)
			}
		}
		if n, f := countRows(t, d, "feedback_photos"), filesUnder(t, dir); n != 2 || f != 1 { // one photo, sent twice: stored once by its hash
			t.Errorf("after two posts of one photo: %d photo rows, %d files; want 2 and 1", n, f)
		}
		// The photos stay private: the API names none, and their address asks an anonymous visitor to sign in.
		var id int64
		var code string
		if err := d.QueryRow("select i.id, i.code from feedback_items i join feedback_photos p on p.item_id = i.id limit 1").Scan(&id, &code); err != nil {
			t.Fatal(err)
		}
		if r := o.get("requests/"+code+".json", nil); strings.Contains(r.body, "media") || strings.Contains(r.body, "anh") {
			t.Errorf("the API shows a photo: %s", r.body)
		}
		noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := noRedirect.Get(fmt.Sprintf("%s/quan-tri/phan-anh/%d/anh/1", srv.URL, id))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
			t.Errorf("a photo for an anonymous visitor: %d, want a redirect to sign in", resp.StatusCode)
		}
	})
}

// TestOpen311Preflight: a browser's preflight on any Open311 path is answered
// 204 with what it may send; any other path or method is the spec's 404, not
// a page, from another site too.
func TestOpen311Preflight(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, io.Discard)
		for _, p := range []string{"discovery.json", "services.xml", "services/moi-truong.json", "requests.json", "requests.xml",
			"requests/PA-0000-0000.json", "tokens/PA-0000-0000.xml", "khong-co"} {
			req, _ := http.NewRequest(http.MethodOptions, srv.URL+"/open311/v2/"+p, nil)
			req.Header.Set("Origin", "https://ung-dung.example")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "content-type")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			h := resp.Header
			if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
				!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") || h.Get("Access-Control-Allow-Credentials") != "" {
				t.Errorf("OPTIONS %s: %d %v", p, resp.StatusCode, h)
			}
		}
		for _, c := range []struct{ method, path, ctype string }{
			{"GET", "/open311/v2/khong-co.json", "application/json"},
			{"GET", "/open311/v2/services/a/b.xml", "text/xml"},
			{"PUT", "/open311/v2/requests.json", "application/json"},
			{"DELETE", "/open311/v2/requests/PA-0000-0000.xml", "text/xml"},
			{"GET", "/open311/", "application/json"},
			{"POST", "/open311/v2/services/moi-truong.json", "application/json"},
		} {
			req, _ := http.NewRequest(c.method, srv.URL+c.path, nil)
			req.Header.Set("Origin", "https://ung-dung.example") // from a page on another site: still the spec's answer
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 404 || !strings.HasPrefix(resp.Header.Get("Content-Type"), c.ctype) || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
				!strings.Contains(string(b), "404") {
				t.Errorf("%s %s: %d %s %s", c.method, c.path, resp.StatusCode, resp.Header.Get("Content-Type"), b)
			}
		}
	})
}
