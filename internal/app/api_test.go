package app_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"danchu/internal/app"
	"danchu/internal/casework"
	"danchu/internal/config"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/opendata"
	"danchu/internal/plans"
	"danchu/internal/reception"
	"danchu/internal/supervision"
	"danchu/internal/survey"
	"danchu/internal/web"
	"danchu/internal/web/webtest"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// contract is the API's own document, loaded and checked by kin-openapi, and
// a router over it, pointed at a running server.
type contract struct {
	t       *testing.T
	srv     *httptest.Server
	doc     *openapi3.T
	router  routers.Router
	called  map[string]bool // path templates of the document that answered
	rawSpec map[string]any  // the document as served (property order aside)
}

func init() {
	// The CSV form of a list is documented as a string: hand it over as one.
	openapi3filter.RegisterBodyDecoder("text/csv", func(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
		b, err := io.ReadAll(body)
		return string(b), err
	})
}

func newContract(t *testing.T, srv *httptest.Server) *contract {
	t.Helper()
	resp, err := http.Get(srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("load the served document: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("the served document is not valid: %v", err)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi %s, want 3.1", doc.OpenAPI)
	}
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	router, err := legacy.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	c := &contract{t: t, srv: srv, doc: doc, router: router, called: map[string]bool{}}
	if err := json.Unmarshal(b, &c.rawSpec); err != nil {
		t.Fatal(err)
	}
	return c
}

// call GETs path (with header pairs), checks the status and validates the
// real answer against the document; it returns the answer.
func (c *contract) call(path string, status int, header ...string) (*http.Response, []byte) {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.srv.URL+path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != status {
		c.t.Errorf("GET %s: %d, want %d: %.300s", path, resp.StatusCode, status, body)
		return resp, body
	}
	if sc := resp.Header.Values("Set-Cookie"); len(sc) > 0 {
		c.t.Errorf("GET %s sets a cookie: %v", path, sc) // the same answer for everyone, cacheable
	}
	route, params, err := c.router.FindRoute(req)
	if err != nil {
		c.t.Errorf("GET %s: not in the document: %v", path, err)
		return resp, body
	}
	c.called[route.Path] = true
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{MultiError: true}},
		Status: resp.StatusCode, Header: resp.Header, Options: &openapi3filter.Options{MultiError: true, IncludeResponseStatus: true},
	}
	in.SetBodyBytes(body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		c.t.Errorf("GET %s (%d): the answer does not match the document: %v\n%.500s", path, resp.StatusCode, err, body)
	}
	return resp, body
}

// page is a page of any list.
type page struct {
	Items      []map[string]any `json:"items"`
	NextCursor string           `json:"next_cursor"`
}

// walk reads a whole list page by page with limit, returning the items and
// the number of pages.
func (c *contract) walk(path string, limit int) ([]map[string]any, int) {
	c.t.Helper()
	var all []map[string]any
	cursor, pages := "", 0
	for {
		u := withQuery(path, fmt.Sprintf("limit=%d", limit))
		if cursor != "" {
			u += "&cursor=" + cursor
		}
		_, b := c.call(u, 200)
		var p page
		if err := json.Unmarshal(b, &p); err != nil {
			c.t.Fatalf("%s: %v", u, err)
		}
		pages++
		all = append(all, p.Items...)
		if p.NextCursor == "" || pages > 500 {
			return all, pages
		}
		cursor = p.NextCursor
	}
}

// The JSON API against its own OpenAPI document, on the living demo: every
// path of the document is called, every list is read whole page by page and
// matches the one-page read, a repeated request with the ETag is 304, and the
// errors are the documented ones. The document is also checked to be one
// kin-openapi loads as 3.1 and validates.
func TestAPIContract(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := livingDemo(t, d)
		c := newContract(t, srv)
		commune, village, province := demo.CommuneCode, demo.CommuneCode+"-01", "46"
		base := "/api/v1/units/"
		lists := []string{
			base + commune + "/disclosures", base + commune + "/disclosures?status=archived", base + village + "/disclosures",
			base + commune + "/disclosure-register", base + commune + "/consultations", base + commune + "/decisions",
			base + commune + "/feedback-stats", base + province + "/feedback-stats", base + commune + "/feedback-hotspots",
			base + province + "/feedback-hotspots", base + commune + "/datasets", base + province + "/datasets",
			base + commune + "/plans", base + province + "/plans",
			base + commune + "/case-results", base + province + "/case-results",
			base + commune + "/reception-sessions", base + province + "/reception-sessions",
			base + commune + "/reception-stats", base + province + "/reception-stats?nam=2026",
			base + commune + "/supervision-recommendations", base + province + "/supervision-recommendations",
			base + commune + "/survey-results", base + province + "/survey-results",
			base + commune + "/satisfaction-ratings", base + province + "/satisfaction-ratings",
		}
		// The register of every quarter the story went through.
		today := a.Disclose.Now()
		for q := range 3 {
			m := today.AddDate(0, -3*q, 0)
			lists = append(lists, fmt.Sprintf("%s%s/disclosure-register?year=%d&quarter=%d", base, commune, m.Year(), (int(m.Month())-1)/3+1))
		}
		multi := 0
		for _, l := range lists {
			whole, _ := c.walk(l, web.APIMaxLimit)
			paged, pages := c.walk(l, 2)
			if fmt.Sprint(whole) != fmt.Sprint(paged) {
				t.Errorf("%s: read by pages of 2 differs from one page:\n%v\n%v", l, paged, whole)
			}
			if want := max(1, (len(whole)+1)/2); pages != want {
				t.Errorf("%s: %d items in %d pages of 2, want %d", l, len(whole), pages, want)
			}
			if pages > 1 {
				multi++
			}
			// Unchanged: 304 with the ETag, the document's answer too.
			resp, _ := c.call(l, 200)
			if resp.Header.Get("ETag") == "" {
				t.Errorf("%s: no ETag", l)
				continue
			}
			if r304, b := c.call(l, http.StatusNotModified, "If-None-Match", resp.Header.Get("ETag")); len(b) != 0 || r304.Header.Get("ETag") != resp.Header.Get("ETag") {
				t.Errorf("%s: 304 with %d bytes", l, len(b))
			}
			c.call(withQuery(l, "format=csv"), 200)
		}
		if multi < 6 {
			t.Errorf("only %d lists ran to several pages: the demo is too small to test paging", multi)
		}
		if r, _ := c.call("/api/openapi.json", 200); r.Header.Get("ETag") == "" {
			t.Error("document without ETag")
		} else {
			c.call("/api/openapi.json", http.StatusNotModified, "If-None-Match", r.Header.Get("ETag"))
		}

		// Refusals, each in the documented shape.
		for _, e := range []struct {
			path, code, field string
			status            int
		}{
			{base + commune + "/disclosures?cursor=abc", "invalid", "cursor", 400},
			{base + commune + "/decisions?limit=0", "invalid", "limit", 400},
			{base + commune + "/consultations?limit=1001", "invalid", "limit", 400},
			{base + commune + "/feedback-stats?format=xlsx", "invalid", "format", 400},
			{base + commune + "/disclosures?status=withdrawn", "invalid", "status", 400},
			{base + commune + "/disclosure-register?quarter=5", "invalid", "quarter", 400},
			{base + commune + "/disclosure-register?year=1.5", "invalid", "year", 400},
			{base + commune + "/datasets?cursor=" + web.EncodeCursor(0), "invalid", "cursor", 400},
			{base + "99999/disclosures", "not_found", "", 404},
			{base + village + "/consultations", "not_found", "", 404},
			{base + village + "/decisions", "not_found", "", 404},
			{base + village + "/feedback-stats", "not_found", "", 404},
			{base + village + "/feedback-hotspots", "not_found", "", 404},
			{base + province + "/disclosures", "not_found", "", 404},
			{base + province + "/disclosure-register", "not_found", "", 404},
			{base + village + "/datasets", "not_found", "", 404},
			{base + village + "/plans", "not_found", "", 404},
			{base + "99999/plans", "not_found", "", 404},
			{base + village + "/case-results", "not_found", "", 404},
			{base + village + "/reception-stats", "not_found", "", 404},
			{base + province + "/reception-stats?nam=1999", "invalid", "nam", 400},
			{base + province + "/case-results?cursor=abc", "invalid", "cursor", 400},
			{base + province + "/plans?cursor=abc", "invalid", "cursor", 400},
		} {
			_, b := c.call(e.path, e.status)
			var body web.APIErrorBody
			if err := json.Unmarshal(b, &body); err != nil || body.Error.Code != e.code || (e.field != "" && !slices.Equal(body.Error.Fields, []string{e.field})) {
				t.Errorf("%s: %s, want code %s on %q", e.path, b, e.code, e.field)
			}
		}
		// An address the document does not have is a JSON 404 of the same shape.
		resp, b := getBody(t, srv.URL+"/api/v1/khong-co")
		var body web.APIErrorBody
		if resp.StatusCode != 404 || json.Unmarshal(b, &body) != nil || body.Error.Code != "not_found" {
			t.Errorf("unknown API address: %d %s", resp.StatusCode, b)
		} else if err := c.doc.Components.Schemas["Error"].Value.VisitJSON(jsonValue(t, b), openapi3.EnableJSONSchema2020()); err != nil {
			t.Errorf("unknown API address: %v", err)
		}

		// Every path of the document was called, and every list operation
		// documents its refusals.
		var missed []string
		for p, item := range c.doc.Paths.Map() {
			if !c.called[p] {
				missed = append(missed, p)
			}
			if op := item.Get; op != nil && strings.HasPrefix(p, "/api/v1/") {
				for _, st := range []string{"200", "304", "400", "404"} {
					if op.Responses.Value(st) == nil {
						t.Errorf("%s documents no %s", p, st)
					}
				}
			}
		}
		sort.Strings(missed)
		if len(missed) > 0 {
			t.Errorf("paths of the document no test called: %v", missed)
		}
	})
}

// withQuery is path with one more query parameter kv ("name=value").
func withQuery(path, kv string) string {
	if strings.Contains(path, "?") {
		return path + "&" + kv
	}
	return path + "?" + kv
}

func getBody(t *testing.T, url string) (*http.Response, []byte) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func jsonValue(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Each list's CSV is the same data as its JSON: parsed with encoding/csv
// (after the UTF-8 byte order mark), the header is the documented columns —
// the row schema's properties, and the rooms' row types in order — and each
// row holds the JSON item's values.
func TestAPICSVIsTheJSON(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := livingDemo(t, d)
		c := newContract(t, srv)
		base := "/api/v1/units/"
		for _, l := range []struct {
			path, schema string
			cols         []string
			empty        bool // may have no rows on the day the demo runs: a test of its own fills them
		}{
			{base + demo.CommuneCode + "/disclosures", "DisclosureRow", web.Columns[disclosure.BoardRow](), false},
			{base + demo.CommuneCode + "/disclosures?status=archived", "DisclosureRow", web.Columns[disclosure.BoardRow](), false},
			{base + demo.CommuneCode + "/disclosure-register", "DisclosureRegisterRow", web.Columns[disclosure.RegisterEntry](), false},
			{base + demo.CommuneCode + "/consultations", "ConsultationRow", web.Columns[consultation.ResultRow](), false},
			{base + demo.CommuneCode + "/decisions", "DecisionRow", web.Columns[decision.MatterRow](), false},
			{base + "46/feedback-stats", "FeedbackStatsRow", web.Columns[feedback.StatsRow](), false},
			{base + "46/feedback-hotspots", "FeedbackHotSpotRow", web.Columns[feedback.SpotRow](), false},
			{base + demo.CommuneCode + "/datasets", "DatasetRow", web.Columns[opendata.DatasetRow](), false},
			{base + "46/plans", "PlanRow", web.Columns[plans.PlanRow](), false},
			{base + demo.CommuneCode + "/plans", "PlanRow", web.Columns[plans.PlanRow](), false},
			{base + "46/case-results", "CaseResultRow", web.Columns[casework.PublicationRow](), false},
			{base + demo.CommuneCode + "/reception-sessions", "ReceptionSessionRow", web.Columns[reception.SessionRow](), false},
			{base + "46/reception-stats", "ReceptionStatRow", web.Columns[reception.StatRow](), false},
			{base + demo.CommuneCode + "/supervision-recommendations", "SupervisionRecommendationRow", web.Columns[supervision.RecRow](), false},
			{base + demo.CommuneCode + "/survey-results", "SurveyResultRow", web.Columns[survey.ResultRow](), false},
			// Published once a quarter is over: TestSatisfactionRatings compares its CSV with its JSON.
			{base + demo.CommuneCode + "/satisfaction-ratings", "SatisfactionRatingRow", web.Columns[survey.RatingRow](), true},
		} {
			props := c.doc.Components.Schemas[l.schema].Value.Properties
			documented := make([]string, 0, len(props))
			for k := range props {
				documented = append(documented, k)
			}
			sorted := slices.Clone(l.cols)
			slices.Sort(sorted)
			slices.Sort(documented)
			if !slices.Equal(sorted, documented) {
				t.Errorf("%s: row type's columns %v, document's %v", l.schema, sorted, documented)
			}
			_, jb := c.call(withQuery(l.path, "limit=1000"), 200)
			resp, cb := c.call(withQuery(l.path, "limit=1000&format=csv"), 200)
			if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" || !bytes.HasPrefix(cb, []byte("\uFEFF")) {
				t.Errorf("%s: %s without a byte order mark", l.path, ct)
				continue
			}
			recs, err := csv.NewReader(bytes.NewReader(cb[len("\uFEFF"):])).ReadAll()
			if err != nil || len(recs) == 0 {
				t.Errorf("%s: csv: %v", l.path, err)
				continue
			}
			if !slices.Equal(recs[0], l.cols) {
				t.Errorf("%s: header %v, want %v", l.path, recs[0], l.cols)
			}
			var p page
			if err := json.Unmarshal(jb, &p); err != nil {
				t.Fatal(err)
			}
			if len(recs)-1 != len(p.Items) || (len(p.Items) == 0 && !l.empty) {
				t.Errorf("%s: %d CSV rows, %d JSON items (want the same, and some)", l.path, len(recs)-1, len(p.Items))
				continue
			}
			for i, item := range p.Items {
				for j, col := range l.cols {
					want := ""
					if v, ok := item[col]; ok {
						want = fmt.Sprint(v)
						if s, ok := v.(string); ok && s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
							want = "'" + s
						}
					}
					if recs[i+1][j] != want {
						t.Errorf("%s row %d %s: CSV %q, JSON %q", l.path, i+1, col, recs[i+1][j], want)
					}
				}
			}
		}
	})
}

// /du-lieu-mo lists a commune's datasets, each with working CSV and JSON
// links, its columns, its last update (dd/mm/yyyy hh:mm) and the licence; a
// province's list is its feedback statistics; the commune page and the footer
// link to it; an unknown code is a 404 page that keeps the form.
func TestOpenDataPage(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := livingDemo(t, d)
		visitor := webtest.New(t, srv.URL)
		code, home, _ := visitor.Get("/")
		if code != 200 || !strings.Contains(home, `href="/du-lieu-mo"`) {
			t.Errorf("footer: no link to /du-lieu-mo")
		}
		if _, page, _ := visitor.Get("/xa/" + demo.CommuneCode); !strings.Contains(page, `href="/du-lieu-mo?xa=`+demo.CommuneCode+`"`) {
			t.Errorf("commune page: no link to its open data")
		}
		if _, page, _ := visitor.Get("/tinh/46"); !strings.Contains(page, `href="/du-lieu-mo?tinh=46"`) {
			t.Errorf("province page: no link to its open data")
		}
		code, page, _ := visitor.Get("/du-lieu-mo")
		if code != 200 || !strings.Contains(page, web.DataLicenceURL) || !strings.Contains(page, `action="/du-lieu-mo"`) || !strings.Contains(page, "/api/openapi.json") {
			t.Errorf("/du-lieu-mo: %d, licence, form and document shown: %v %v", code, strings.Contains(page, web.DataLicenceURL), strings.Contains(page, `action="/du-lieu-mo"`))
		}
		for _, c := range []struct {
			path string
			keys []string
		}{
			{"/du-lieu-mo?xa=" + demo.CommuneCode, []string{"disclosures", "disclosure-register", "consultations", "decisions", "feedback-stats", "feedback-hotspots", "plans", "case-results", "reception-sessions", "reception-stats", "supervision-recommendations", "survey-results", "satisfaction-ratings"}},
			{"/du-lieu-mo?tinh=46", []string{"feedback-stats", "feedback-hotspots", "plans", "case-results", "reception-sessions", "reception-stats", "supervision-recommendations", "survey-results", "satisfaction-ratings"}},
		} {
			code, page, _ := visitor.Get(c.path)
			if code != 200 || !strings.Contains(page, web.DataLicenceName) {
				t.Errorf("%s: %d", c.path, code)
				continue
			}
			got := regexp.MustCompile(`<section class="dataset" id="([a-z-]+)"`).FindAllStringSubmatch(page, -1)
			var keys []string
			for _, g := range got {
				keys = append(keys, g[1])
			}
			if !slices.Equal(keys, c.keys) {
				t.Errorf("%s: datasets %v, want %v", c.path, keys, c.keys)
			}
			// Every dataset has its update time, but the ratings: published once
			// a quarter is over, they have none while the demo's all fall in the
			// running quarter (TestSatisfactionRatings publishes one).
			updated := regexp.MustCompile(`Cập nhật lần cuối: (\d\d/\d\d/\d{4} \d\d:\d\d)`).FindAllStringSubmatch(page, -1)
			never := regexp.MustCompile(`id="satisfaction-ratings"(?s:.*?)Cập nhật lần cuối: chưa có dữ liệu`).MatchString(page)
			if len(updated) != len(c.keys) && !(never && len(updated) == len(c.keys)-1) {
				t.Errorf("%s: %d update times in dd/mm/yyyy hh:mm for %d datasets", c.path, len(updated), len(c.keys))
			}
			links := regexp.MustCompile(`href="(/api/v1/[^"]+)"`).FindAllStringSubmatch(page, -1)
			if len(links) != 2*len(c.keys) {
				t.Errorf("%s: %d API links for %d datasets", c.path, len(links), len(c.keys))
			}
			for _, l := range links {
				u := strings.ReplaceAll(l[1], "&amp;", "&")
				resp, b := getBody(t, srv.URL+u)
				if resp.StatusCode != 200 || len(b) == 0 {
					t.Errorf("%s links %s: %d", c.path, u, resp.StatusCode)
				}
			}
		}
		for _, bad := range []string{"/du-lieu-mo?xa=99999", "/du-lieu-mo?xa=" + demo.CommuneCode + "-01", "/du-lieu-mo?tinh=" + demo.CommuneCode} {
			code, page, _ := visitor.Get(bad)
			if code != 404 || !strings.Contains(page, `action="/du-lieu-mo"`) || strings.Contains(page, `class="dataset"`) {
				t.Errorf("%s: %d, want the 404 page with the form", bad, code)
			}
		}
	})
}

// `danchu openapi` prints the document the server serves, byte for byte (CI
// lints this output), and refuses arguments.
func TestOpenAPICommand(t *testing.T) {
	var out, errb bytes.Buffer
	if code := app.Main(context.Background(), []string{"openapi"}, &out, &errb, func(string) string { return "" }); code != 0 {
		t.Fatalf("danchu openapi: exit %d: %s", code, errb.String())
	}
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir()}, io.Discard)
		_, served := getBody(t, srv.URL+"/api/openapi.json")
		if !bytes.Equal(out.Bytes(), served) {
			t.Errorf("danchu openapi (%d bytes) differs from /api/openapi.json (%d bytes)", out.Len(), len(served))
		}
	})
	out.Reset()
	if code := app.Main(context.Background(), []string{"openapi", "x"}, &out, &errb, func(string) string { return "" }); code != 2 || out.Len() != 0 {
		t.Errorf("danchu openapi x: exit %d, %d bytes", code, out.Len())
	}
}
