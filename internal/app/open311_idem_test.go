package app_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
)

// post311 posts form (URL-encoded, or multipart with a photo when png is set)
// with an Idempotency-Key header when key is not "-".
func post311(t *testing.T, u string, form url.Values, key string, png []byte) apiResult {
	t.Helper()
	var body io.Reader
	ct := "application/x-www-form-urlencoded"
	if png != nil {
		body, ct = multipartBody(t, form, part{"media", "rac.png", png})
	} else {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(http.MethodPost, u, body)
	req.Header.Set("Content-Type", ct)
	if key != "-" {
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return apiResult{resp.StatusCode, string(b), resp.Header.Get("Content-Type"), resp.Header.Get("Retry-After")}
}

// A retried Open311 POST (its answer lost) answers the first request's answer:
// with a client key (header or field) for as long as keys are kept, without
// one when the same API key sends the same content within the window. A key
// is scoped to its API key: another app reusing it makes its own request.
func TestOpen311Idempotency(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		var shift atomic.Int64 // the clock, moved past the window
		d.Now = func() time.Time { return time.Now().Add(time.Duration(shift.Load())) }
		ctx := context.Background()
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), LimitWrites: 1000, Open311Repeat: 10 * time.Minute}, io.Discard)
		api := srv.URL + "/open311/v2/"
		official := officialActor(t, a, "xa@danchu.demo")
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		key, err := a.Feedback.IssueKey(ctx, official, commune.ID, "Ứng dụng A")
		if err != nil {
			t.Fatal(err)
		}
		other, err := a.Feedback.IssueKey(ctx, official, commune.ID, "Ứng dụng B")
		if err != nil {
			t.Fatal(err)
		}
		form := func(desc string, edit ...func(url.Values)) url.Values {
			v := url.Values{"api_key": {key}, "jurisdiction_id": {"19885-01"}, "service_code": {"moi-truong"},
				"address_string": {"Cạnh cầu thôn Đông Phước"}, "description": {desc}}
			for _, e := range edit {
				e(v)
			}
			return v
		}
		items := func() int { return countRows(t, d, "feedback_items") }
		ok := func(what string, r apiResult) string {
			t.Helper()
			if r.status != 200 || !strings.Contains(r.body, `"service_request_id":"PA-`) {
				t.Fatalf("%s: %d %s", what, r.status, r.body)
			}
			return r.body
		}
		field := func(k string) func(url.Values) { return func(v url.Values) { v.Set("idempotency_key", k) } }
		png, png2 := photo(t, 40, 30), photo(t, 41, 30)
		cases := []struct {
			name    string
			first   func() apiResult
			again   func() apiResult
			same    bool // the retry's answer is the first's, byte for byte
			added   int  // items the two posts stored
			status  int  // the retry's refusal, when not 200
			message string
		}{
			{"header key", func() apiResult { return post311(t, api+"requests.json", form("Rác 1"), "khoa-1", nil) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 1"), "khoa-1", nil) }, true, 1, 0, ""},
			{"field key", func() apiResult { return post311(t, api+"requests.json", form("Rác 2", field("khoa-2")), "-", nil) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 2", field("khoa-2")), "-", nil) }, true, 1, 0, ""},
			{"header and field the same", func() apiResult {
				return post311(t, api+"requests.json", form("Rác 3", field("khoa-3")), "khoa-3", nil)
			},
				func() apiResult { return post311(t, api+"requests.json", form("Rác 3"), "khoa-3", nil) }, true, 1, 0, ""},
			{"photo with a key", func() apiResult { return post311(t, api+"requests.json", form("Rác 4"), "khoa-4", png) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 4"), "khoa-4", png) }, true, 1, 0, ""},
			{"same key, other text", func() apiResult { return post311(t, api+"requests.json", form("Rác 5"), "khoa-5", nil) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 5 sửa"), "khoa-5", nil) }, false, 1, 409, "Idempotency-Key này đã được dùng"},
			{"same key, other photo", func() apiResult { return post311(t, api+"requests.json", form("Rác 6"), "khoa-6", png) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 6"), "khoa-6", png2) }, false, 1, 409, "Idempotency-Key này đã được dùng"},
			{"another API key reusing the key: its own request", func() apiResult { return post311(t, api+"requests.json", form("Rác 7"), "khoa-7", nil) },
				func() apiResult {
					return post311(t, api+"requests.json", form("Rác 7", func(v url.Values) { v.Set("api_key", other) }), "khoa-7", nil)
				}, false, 2, 0, ""},
			{"no key, same content: the first answer", func() apiResult { return post311(t, api+"requests.json", form("Rác 8"), "-", nil) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 8"), "-", nil) }, true, 1, 0, ""},
			{"no key, same content, XML", func() apiResult { return post311(t, api+"requests.xml", form("Rác 9"), "-", nil) },
				func() apiResult { return post311(t, api+"requests.xml", form("Rác 9"), "-", nil) }, true, 1, 0, ""},
			{"no key, other photo: a new request", func() apiResult { return post311(t, api+"requests.json", form("Rác 10"), "-", png) },
				func() apiResult { return post311(t, api+"requests.json", form("Rác 10"), "-", png2) }, false, 2, 0, ""},
			{"no key, another API key, same content: its own request", func() apiResult { return post311(t, api+"requests.json", form("Rác 11"), "-", nil) },
				func() apiResult {
					return post311(t, api+"requests.json", form("Rác 11", func(v url.Values) { v.Set("api_key", other) }), "-", nil)
				}, false, 2, 0, ""},
			{"no key, same content after the window: a new request", func() apiResult { return post311(t, api+"requests.json", form("Rác 12"), "-", nil) },
				func() apiResult {
					shift.Add(int64(11 * time.Minute))
					return post311(t, api+"requests.json", form("Rác 12"), "-", nil)
				}, false, 2, 0, ""},
			{"a key survives the window", func() apiResult { return post311(t, api+"requests.json", form("Rác 13"), "khoa-13", nil) },
				func() apiResult {
					shift.Add(int64(11 * time.Minute))
					return post311(t, api+"requests.json", form("Rác 13"), "khoa-13", nil)
				}, true, 1, 0, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := items()
				first := c.first()
				if c.name == "no key, same content, XML" {
					if first.status != 200 || !strings.Contains(first.body, "<service_request_id>PA-") {
						t.Fatalf("first: %d %s", first.status, first.body)
					}
				} else {
					ok("first", first)
				}
				again := c.again()
				switch {
				case c.status != 0:
					specError(t, again, c.status, "json", c.message)
				case c.same && (again.status != first.status || again.body != first.body):
					t.Errorf("the retry answered %d %s, the first %d %s", again.status, again.body, first.status, first.body)
				case !c.same && (again.status != 200 || again.body == first.body):
					t.Errorf("the second request answered %d %s (the first %s), want a request of its own", again.status, again.body, first.body)
				}
				if got := items() - before; got != c.added {
					t.Errorf("%d items stored, want %d", got, c.added)
				}
			})
		}

		// Refused keys, in the spec's format, nothing stored.
		before := items()
		refusals := []struct {
			name, file, header string
			form               url.Values
			status             int
			want               string
		}{
			{"header and field differ", "requests.json", "khoa-a", form("Rác x", field("khoa-b")), 400, "khác nhau"},
			{"a key too long", "requests.json", strings.Repeat("k", db.MaxIdemKey+1), form("Rác x"), 400, "Mã chống gửi trùng"},
			{"a field key too long", "requests.xml", "-", form("Rác x", field(strings.Repeat("k", db.MaxIdemKey+1))), 400, "Mã chống gửi trùng"},
			{"a key of invalid UTF-8", "requests.json", "kh\xffa", form("Rác x"), 400, "Mã chống gửi trùng"},
			{"a key with a space", "requests.json", "khoa a", form("Rác x"), 400, "Mã chống gửi trùng"},
			{"a field key of invalid UTF-8", "requests.json", "-", form("Rác x", field("kh\xffa")), 400, "UTF-8"},
			{"an empty header", "requests.json", "", form("Rác x"), 400, "Mã chống gửi trùng"},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				format := "json"
				if strings.HasSuffix(c.file, ".xml") {
					format = "xml"
				}
				specError(t, post311(t, api+c.file, c.form, c.header, nil), c.status, format, c.want)
			})
		}
		if got := items(); got != before {
			t.Errorf("refused keys stored %d items", got-before)
		}
	})
}
