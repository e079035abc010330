package app_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

var keyField = regexp.MustCompile(`name="key" value="([^"]*)"`)

// formKey is the idempotency key of the (first) creating form of a page.
func formKey(t *testing.T, page string) string {
	t.Helper()
	m := keyField.FindStringSubmatch(page)
	if m == nil || len(m[1]) != 24 {
		t.Fatalf("no key field on the page:\n%s", page)
	}
	return m[1]
}

// A disclosure form posted again with its key (its answer was lost) is the
// same post: one disclosure, one entry on the public record, the same
// redirect and notice. Its key with other content is refused and changes
// nothing; another official's post under the same key is theirs alone; posts
// of one key at once make one row.
func TestDisclosureFormOnce(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		today := legal.Today(time.Now())
		form := func(title, key string) url.Values {
			return url.Values{"category": {"4"}, "title": {title}, "body": {"Điều 1. Phạm vi"}, "decision_date": {today.AddDays(-2).String()},
				"ch_posting": {"1"}, "ch_posting_start": {today.String()}, "key": {key}}
		}
		pdf := webtest.File{Field: "files", Name: "quy-che.pdf", Content: pdfBytes}
		count := func() (int, int) {
			return db.Count(t, d, "select count(*) from disclosures"), db.Count(t, d, "select count(*) from public_record where kind = 'disclosure.posted'")
		}
		_, page, _ := official.Get(manage)
		key := formKey(t, page)
		if _, again, _ := official.Get(manage); formKey(t, again) == key {
			t.Errorf("two loads of the form carry the same key %s", key)
		}

		code, _, h := official.PostMultipart(manage, manage, form("Quy chế dân chủ", key), pdf)
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/cong-khai/") {
			t.Fatalf("publish: %d %s", code, h.Get("Location"))
		}
		first := h.Get("Location")
		code, body, h := official.PostMultipart(manage, manage, form("Quy chế dân chủ", key), pdf)
		if code != http.StatusSeeOther || h.Get("Location") != first {
			t.Fatalf("the retry: %d %s, want 303 to %s", code, h.Get("Location"), first)
		}
		if _, page, _ := official.Follow(code, body, h); !strings.Contains(page, "Đã công bố.") {
			t.Errorf("the retry's page does not say it was published")
		}
		if n, rec := count(); n != 1 || rec != 1 {
			t.Fatalf("after a retry: %d disclosures, %d public record entries, want 1 and 1", n, rec)
		}

		refusals := []struct {
			name  string
			v     url.Values
			files []webtest.File
		}{
			{"other title", form("Quy chế khác", key), []webtest.File{pdf}},
			{"other file", form("Quy chế dân chủ", key), []webtest.File{{Field: "files", Name: "quy-che.pdf", Content: append(bytes.Clone(pdfBytes), '\n')}}},
			{"no file", form("Quy chế dân chủ", key), nil},
		}
		for _, c := range refusals {
			t.Run(c.name, func(t *testing.T) {
				code, page, _ := official.PostMultipart(manage, manage, c.v, c.files...)
				if code != http.StatusConflict || !strings.Contains(page, "đã được gửi một lần với nội dung khác") {
					t.Fatalf("same key, %s: %d", c.name, code)
				}
				if k := formKey(t, page); k == key {
					t.Errorf("the form shown again keeps the spent key")
				}
				if n, rec := count(); n != 1 || rec != 1 {
					t.Errorf("a refused key stored: %d disclosures, %d entries", n, rec)
				}
			})
		}

		// A form shown again after an error keeps its key, and its corrected post is stored once.
		_, page, _ = official.Get(manage)
		key2 := formKey(t, page)
		bad := form("Quy chế hai", key2)
		bad.Del("decision_date")
		code, page, _ = official.PostMultipart(manage, manage, bad, pdf)
		if code != http.StatusBadRequest || formKey(t, page) != key2 {
			t.Fatalf("a failed form: %d, key kept %v", code, formKey(t, page) == key2)
		}
		code, _, h = official.PostMultipart(manage, manage, form("Quy chế hai", key2), pdf)
		if code != http.StatusSeeOther || h.Get("Location") == first {
			t.Fatalf("the corrected post: %d %s", code, h.Get("Location"))
		}
		if n, _ := count(); n != 2 {
			t.Errorf("%d disclosures, want 2", n)
		}

		// Another official of the same commune posting under the first one's key gets their own disclosure.
		made, err := a.Auth.CreateOfficial(ctx, nil, auth.NewOfficial{FullName: "Cán bộ thứ hai", Email: "hai@x.vn", Role: auth.CommuneOfficial, UnitCode: demo.CommuneCode})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Auth.Activate(ctx, made.ActivationLink[strings.LastIndex(made.ActivationLink, "/")+1:], demo.Password); err != nil {
			t.Fatal(err)
		}
		second := signIn(t, srv, "hai@x.vn", demo.Password)
		code, _, h = second.PostMultipart(manage, manage, form("Quy chế dân chủ", key), pdf)
		if code != http.StatusSeeOther || h.Get("Location") == first {
			t.Fatalf("another official under the same key: %d %s (the first's: %s)", code, h.Get("Location"), first)
		}
		if n, _ := count(); n != 3 {
			t.Errorf("%d disclosures, want 3", n)
		}

		// Posts of one key at once: one disclosure, every post sent to it.
		_, page, _ = official.Get(manage)
		key3, token := formKey(t, page), regexp.MustCompile(`name="csrf" value="([A-Z2-7]+)"`).FindStringSubmatch(page)[1]
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		v := form("Quy chế ba", key3)
		v.Set("csrf", token)
		for k, vs := range v {
			for _, x := range vs {
				mw.WriteField(k, x)
			}
		}
		w, _ := mw.CreateFormFile("files", "quy-che.pdf")
		w.Write(pdfBytes)
		mw.Close()
		const posts = 8
		locs, codes := make([]string, posts), make([]int, posts)
		var wg sync.WaitGroup
		for i := range posts {
			wg.Go(func() {
				resp, err := official.C.Post(srv.URL+manage, mw.FormDataContentType(), bytes.NewReader(buf.Bytes()))
				if err != nil {
					return
				}
				resp.Body.Close()
				codes[i], locs[i] = resp.StatusCode, resp.Header.Get("Location")
			})
		}
		wg.Wait()
		for i := range posts {
			if codes[i] != http.StatusSeeOther || locs[i] != locs[0] {
				t.Errorf("post %d at once: %d %s (post 0: %s)", i, codes[i], locs[i], locs[0])
			}
		}
		if n, rec := count(); n != 4 || rec != 4 {
			t.Errorf("after %d posts at once: %d disclosures, %d entries, want 4 and 4", posts, n, rec)
		}
	})
}
