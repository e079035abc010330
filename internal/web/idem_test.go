package web_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/web"
)

func urlencoded(t *testing.T, v url.Values) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(v.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if err := r.ParseForm(); err != nil {
		t.Fatal(err)
	}
	return r
}

func withFile(t *testing.T, v url.Values, name string, data []byte) *http.Request {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	w, _ := mw.CreateFormFile("files", name)
	w.Write(data)
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "/", &b)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		t.Fatal(err)
	}
	return r
}

// FormIdem's fingerprint is of what was posted, not of the form token or the
// key: the same content under another token is the same post; any field,
// value, file name or file byte changed is another.
func TestFormIdem(t *testing.T) {
	base := url.Values{"title": {"Quy chế"}, "tags": {"a", "b"}, "csrf": {"TOKEN1"}, "key": {"abc123"}}
	edit := func(f func(url.Values)) url.Values {
		v := url.Values{}
		for k, x := range base {
			v[k] = append([]string(nil), x...)
		}
		f(v)
		return v
	}
	first, err := web.FormIdem(urlencoded(t, base))
	if err != nil || first.Key != "abc123" || first.Fingerprint == "" {
		t.Fatalf("FormIdem = %+v, %v", first, err)
	}
	fileFirst, _ := web.FormIdem(withFile(t, base, "a.pdf", []byte("%PDF-1")))
	cases := []struct {
		name string
		r    *http.Request
		same bool
		fp   string
	}{
		{"another form token", urlencoded(t, edit(func(v url.Values) { v.Set("csrf", "TOKEN2") })), true, first.Fingerprint},
		{"another title", urlencoded(t, edit(func(v url.Values) { v.Set("title", "Quy chế 2") })), false, first.Fingerprint},
		{"values reordered", urlencoded(t, edit(func(v url.Values) { v["tags"] = []string{"b", "a"} })), false, first.Fingerprint},
		{"a field added", urlencoded(t, edit(func(v url.Values) { v.Set("note", "") })), false, first.Fingerprint},
		{"a value moved to another field", urlencoded(t, edit(func(v url.Values) { v.Set("title", "Quy chếa"); v["tags"] = []string{"b"} })), false, first.Fingerprint},
		// Values that spell the next field's marker and name: f, tags.
		{"values spelling another field", urlencoded(t, url.Values{"csrf": {"TOKEN1"}, "key": {"abc123"}, "tag": {"a", "f", "title", "Quy chế"}}), false,
			mustFP(t, url.Values{"csrf": {"TOKEN1"}, "key": {"abc123"}, "tag": {"a"}, "title": {"Quy chế"}})},
		{"the same file", withFile(t, base, "a.pdf", []byte("%PDF-1")), true, fileFirst.Fingerprint},
		{"a file's bytes", withFile(t, base, "a.pdf", []byte("%PDF-2")), false, fileFirst.Fingerprint},
		{"a file's name", withFile(t, base, "b.pdf", []byte("%PDF-1")), false, fileFirst.Fingerprint},
		{"no file", urlencoded(t, base), false, fileFirst.Fingerprint},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := web.FormIdem(c.r)
			if err != nil {
				t.Fatal(err)
			}
			if (got.Fingerprint == c.fp) != c.same {
				t.Errorf("same fingerprint = %v, want %v", got.Fingerprint == c.fp, c.same)
			}
		})
	}
	for _, bad := range []string{strings.Repeat("k", db.MaxIdemKey+1), "k k", "khóa"} {
		if _, err := web.FormIdem(urlencoded(t, edit(func(v url.Values) { v.Set("key", bad) }))); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("key %q: %v, want an invalid error", bad, err)
		}
	}
	if k, err := web.FormIdem(urlencoded(t, edit(func(v url.Values) { v.Del("key") }))); err != nil || k.Key != "" {
		t.Errorf("no key: %+v %v, want no claim", k, err)
	}
}

func mustFP(t *testing.T, v url.Values) string {
	t.Helper()
	k, err := web.FormIdem(urlencoded(t, v))
	if err != nil {
		t.Fatal(err)
	}
	return k.Fingerprint
}
