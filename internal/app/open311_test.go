package app_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
)

type apiResult struct {
	status     int
	body       string
	ctype      string
	retryAfter string
}

func call(t *testing.T, method, u string, form url.Values) apiResult {
	t.Helper()
	var resp *http.Response
	var err error
	if method == http.MethodPost {
		resp, err = http.PostForm(u, form)
	} else {
		resp, err = http.Get(u)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResult{resp.StatusCode, string(b), resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After")}
}

// specError checks the spec's error format: [{"code":…,"description":…}] in
// JSON, <errors><error><code/><description/></error></errors> in XML.
func specError(t *testing.T, r apiResult, status int, format, want string) {
	t.Helper()
	if r.status != status {
		t.Errorf("status %d, want %d: %s", r.status, status, r.body)
		return
	}
	var code int
	var desc string
	if format == "xml" {
		var e struct {
			Errors []struct {
				Code        int    `xml:"code"`
				Description string `xml:"description"`
			} `xml:"error"`
		}
		if err := xml.Unmarshal([]byte(r.body), &e); err != nil || len(e.Errors) != 1 {
			t.Errorf("not the spec's XML error: %v %s", err, r.body)
			return
		}
		code, desc = e.Errors[0].Code, e.Errors[0].Description
	} else {
		var e []struct {
			Code        int    `json:"code"`
			Description string `json:"description"`
		}
		if err := json.Unmarshal([]byte(r.body), &e); err != nil || len(e) != 1 {
			t.Errorf("not the spec's JSON error: %v %s", err, r.body)
			return
		}
		code, desc = e[0].Code, e[0].Description
	}
	if code != status || !strings.Contains(desc, want) {
		t.Errorf("error %d %q, want %d with %q", code, desc, status, want)
	}
}

func TestOpen311(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), LimitWrites: 40}, io.Discard)
		api := srv.URL + "/open311/v2/"
		official := officialActor(t, a, "xa@danchu.demo")
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		key, err := a.Feedback.IssueKey(ctx, official, commune.ID, "Ứng dụng Huế-S (thử)")
		if err != nil {
			t.Fatal(err)
		}

		// Discovery and services, in both formats.
		r := call(t, "GET", api+"discovery.json", nil)
		var disc struct {
			Endpoints []struct {
				URL     string   `json:"url"`
				Formats []string `json:"formats"`
			} `json:"endpoints"`
		}
		if json.Unmarshal([]byte(r.body), &disc); r.status != 200 || len(disc.Endpoints) != 1 || disc.Endpoints[0].URL != srv.URL+"/open311/v2" {
			t.Errorf("discovery: %d %s", r.status, r.body)
		}
		r = call(t, "GET", api+"services.xml?jurisdiction_id=19885", nil)
		var sx struct {
			Services []struct {
				Code string `xml:"service_code"`
				Name string `xml:"service_name"`
			} `xml:"service"`
		}
		if err := xml.Unmarshal([]byte(r.body), &sx); err != nil || len(sx.Services) != len(feedback.DefaultCategories) || sx.Services[1].Name != "Môi trường" || !strings.HasPrefix(r.ctype, "text/xml") {
			t.Errorf("services.xml: %v %s", err, r.body)
		}
		if r := call(t, "GET", api+"services/moi-truong.json", nil); r.status != 200 || !strings.Contains(r.body, `"service_code":"moi-truong"`) {
			t.Errorf("service definition: %d %s", r.status, r.body)
		}
		specError(t, call(t, "GET", api+"services/khong-co.json", nil), 404, "json", "khong-co")
		specError(t, call(t, "GET", api+"services.json?jurisdiction_id=99999", nil), 404, "json", "99999")
		specError(t, call(t, "GET", api+"services.csv", nil), 400, "json", ".json hoặc .xml")

		// The spec's POST example, in Vietnamese: the extra fields (device_id, names, attributes, media_url) are accepted and ignored.
		post := url.Values{"api_key": {key}, "jurisdiction_id": {"19885-01"}, "service_code": {"moi-truong"}, "lat": {"16.4637"}, "long": {"107.5909"},
			"address_string": {"Cạnh cầu thôn Đông Phước"}, "email": {"nguoidan@example.vn"}, "device_id": {"tt222111"}, "account_id": {"123456"},
			"first_name": {"Văn"}, "last_name": {"Dân"}, "phone": {"0912000333"}, "description": {"Rác thải đổ trộm cạnh cầu"},
			"media_url": {"http://example.org/anh.jpg"}, "attribute[WHISETN]": {"123"}}
		clone := func(edit func(url.Values)) url.Values {
			v := url.Values{}
			for k, x := range post {
				v[k] = append([]string(nil), x...)
			}
			edit(v)
			return v
		}
		specError(t, call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Del("api_key") })), 403, "json", "Thiếu api_key")
		// A page on another site may post (the key, not a cookie, is what counts).
		cross, _ := http.NewRequest(http.MethodPost, api+"requests.json", strings.NewReader(clone(func(v url.Values) { v.Set("api_key", "dc311_sai") }).Encode()))
		cross.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		cross.Header.Set("Origin", "https://ung-dung.example")
		cross.Header.Set("Sec-Fetch-Site", "cross-site")
		if resp, err := http.DefaultClient.Do(cross); err != nil || resp.StatusCode != http.StatusForbidden || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("a cross-site post reaches the key check: %v %v", resp, err)
		} else {
			resp.Body.Close()
		}
		specError(t, call(t, "POST", api+"requests.xml", clone(func(v url.Values) { v.Set("api_key", "dc311_sai") })), 403, "xml", "không đúng")
		specError(t, call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Set("jurisdiction_id", "19753") })), 403, "json", "không dùng được")
		specError(t, call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Set("lat", "48.85"); v.Set("long", "2.35") })), 400, "json", "ngoài lãnh thổ")
		specError(t, call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Set("service_code", "001") })), 400, "json", "001")
		specError(t, call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Set("description", "") })), 400, "json", "Hãy mô tả")
		// Text that is not UTF-8 is refused at the boundary, in the spec's format, and nothing is stored.
		items := countRows(t, d, "feedback_items")
		specError(t, call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Set("description", "Rác \xff\xfe cạnh cầu") })), 400, "json", "UTF-8")
		specError(t, call(t, "POST", api+"requests.xml", clone(func(v url.Values) { v.Set("address_string", "Cầu\x00") })), 400, "xml", "ký tự điều khiển")
		specError(t, call(t, "GET", api+"requests.json?jurisdiction_id=%FF", nil), 400, "json", "UTF-8")
		if n := countRows(t, d, "feedback_items"); n != items {
			t.Errorf("refused requests stored %d items", n-items)
		}
		if n := countRows(t, d, "feedback_items"); n != 0 {
			t.Fatalf("refused requests stored %d items", n)
		}
		r = call(t, "POST", api+"requests.json", post)
		var made []struct {
			ID     string `json:"service_request_id"`
			Token  string `json:"token"`
			Notice string `json:"service_notice"`
		}
		if err := json.Unmarshal([]byte(r.body), &made); err != nil || r.status != 200 || len(made) != 1 || !strings.HasPrefix(made[0].ID, "PA-") {
			t.Fatalf("POST requests.json: %d %s", r.status, r.body)
		}
		id := made[0].ID
		it, err := a.Feedback.ByCode(ctx, official, id)
		if err != nil || it.Contact != "nguoidan@example.vn" || it.Lat == nil || it.Address != "Cạnh cầu thôn Đông Phước" {
			t.Errorf("stored request: %+v %v", it, err)
		}
		r = call(t, "POST", api+"requests.xml", clone(func(v url.Values) { v.Set("service_code", "giao-thong"); v.Del("lat"); v.Del("long") }))
		var madeX struct {
			Requests []struct {
				ID string `xml:"service_request_id"`
			} `xml:"request"`
		}
		if err := xml.Unmarshal([]byte(r.body), &madeX); err != nil || len(madeX.Requests) != 1 {
			t.Errorf("POST requests.xml: %d %s", r.status, r.body)
		}

		// Reading: one, several, filtered, by token.
		type req struct {
			ID       string `json:"service_request_id"`
			Status   string `json:"status"`
			Notes    string `json:"status_notes"`
			Code     string `json:"service_code"`
			Agency   string `json:"agency_responsible"`
			Expected string `json:"expected_datetime"`
			Desc     string `json:"description"`
		}
		list := func(u string) []req {
			t.Helper()
			r := call(t, "GET", u, nil)
			var out []req
			if err := json.Unmarshal([]byte(r.body), &out); err != nil || r.status != 200 {
				t.Fatalf("%s: %d %s", u, r.status, r.body)
			}
			return out
		}
		one := list(api + "requests/" + id + ".json")
		if len(one) != 1 || one[0].Status != "open" || one[0].Agency != "Xã Đan Điền" || !strings.HasSuffix(one[0].Expected, "T17:00:00+07:00") || one[0].Desc != "" {
			t.Errorf("GET request: %+v", one)
		}
		if got := list(api + "requests.json?jurisdiction_id=19885"); len(got) != 2 {
			t.Errorf("requests of the commune: %d", len(got))
		}
		if got := list(api + "requests.json?jurisdiction_id=19885&service_code=giao-thong"); len(got) != 1 || got[0].Code != "giao-thong" {
			t.Errorf("filtered by service: %+v", got)
		}
		if got := list(api + "requests.json?service_request_id=" + id + "," + madeX.Requests[0].ID + ",PA-0000-0000"); len(got) != 2 {
			t.Errorf("by ids: %d", len(got))
		}
		if got := list(api + "requests.json?jurisdiction_id=19885&start_date=2020-01-01T00:00:00Z&end_date=2020-02-01T00:00:00Z"); len(got) != 0 {
			t.Errorf("an old window: %d", len(got))
		}
		specError(t, call(t, "GET", api+"requests.json?jurisdiction_id=19885&start_date=hom-qua", nil), 400, "json", "W3C")
		specError(t, call(t, "GET", api+"requests.json?jurisdiction_id=19885&status=done", nil), 400, "json", "open hoặc closed")
		specError(t, call(t, "GET", api+"requests/PA-0000-0000.xml", nil), 404, "xml", "PA-0000-0000")
		if r := call(t, "GET", api+"tokens/"+id+".json", nil); r.status != 200 || !strings.Contains(r.body, `"service_request_id":"`+id+`"`) {
			t.Errorf("token: %d %s", r.status, r.body)
		}
		// Answered: closed, with the answer as status notes.
		if _, err := a.Feedback.Act(ctx, official, it.ID, feedback.Step{Action: feedback.DoAccept}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.Feedback.Act(ctx, official, it.ID, feedback.Step{Action: feedback.DoAnswer, Note: "Đã dọn sạch, lắp camera."}); err != nil {
			t.Fatal(err)
		}
		if got := list(api + "requests.json?jurisdiction_id=19885&status=closed"); len(got) != 1 || got[0].Notes != "Đã dọn sạch, lắp camera." {
			t.Errorf("closed requests: %+v", got)
		}
		// The back-office page issues a key shown once, and revokes it.
		b := signIn(t, srv, "xa@danchu.demo", demo.Password)
		keysPage := commune.OfficeURL("open311")
		code, page, _ := b.Post(keysPage, keysPage, url.Values{"name": {"Cổng iHanoi (thử)"}})
		shown := regexp.MustCompile(`id="khoa-moi">(dc311_[a-z2-7]+)<`).FindStringSubmatch(page)
		if code != 200 || shown == nil {
			t.Fatalf("issue a key: %d", code)
		}
		if _, page, _ := b.Get(keysPage); strings.Contains(page, shown[1]) || !strings.Contains(page, "Cổng iHanoi (thử)") {
			t.Error("the key is shown again, or its name is missing")
		}
		if code, page, _ := b.Post(keysPage, keysPage, url.Values{"name": {""}}); code != http.StatusBadRequest || !strings.Contains(page, "Hãy ghi tên ứng dụng") {
			t.Errorf("a key without a name: %d", code)
		}
		px := signIn(t, srv, "tinh@danchu.demo", demo.Password) // the province may manage its communes' keys
		if code, _, _ := px.Get(keysPage); code != 200 {
			t.Errorf("the province admin's view of the commune's keys: %d", code)
		}
		if r := call(t, "POST", api+"requests.json", clone(func(v url.Values) { v.Set("api_key", shown[1]) })); r.status != 200 {
			t.Errorf("the key issued on the page does not work: %d %s", r.status, r.body)
		}
		// A revoked key stops at once.
		keys, err := a.Feedback.Keys(ctx, official, commune.ID)
		if err != nil || len(keys) != 2 { // the first key and the one issued on the page; not the nameless one
			t.Fatalf("keys: %+v %v", keys, err)
		}
		for _, k := range keys {
			if err := a.Feedback.RevokeKey(ctx, official, commune.ID, k.ID); err != nil {
				t.Fatal(err)
			}
		}
		stored := countRows(t, d, "feedback_items")
		specError(t, call(t, "POST", api+"requests.json", post), 403, "json", "thu hồi")
		if n := countRows(t, d, "feedback_items"); n != stored {
			t.Errorf("a revoked key stored a request: %d items, was %d", n, stored)
		}
		// A flood from one address: 429 in the spec's format.
		var last apiResult
		for range 40 {
			last = call(t, "POST", api+"requests.json", post)
		}
		specError(t, last, 429, "json", "quá nhiều")
		if n, err := strconv.Atoi(last.retryAfter); err != nil || n < 1 {
			t.Errorf("the flood's 429 has Retry-After %q, want whole seconds ≥ 1", last.retryAfter)
		}
	})
}

// Behind a proxy the API's links use the configured public address, not the
// host the request reached.
func TestOpen311PublicAddress(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), BaseURL: "https://danchu.hue.gov.vn/"}, io.Discard)
		r := call(t, "GET", srv.URL+"/open311/v2/discovery.xml", nil)
		if r.status != 200 || !strings.Contains(r.body, "<url>https://danchu.hue.gov.vn/open311/v2</url>") {
			t.Errorf("discovery behind a proxy: %d %s", r.status, r.body)
		}
	})
}
