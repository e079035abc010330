// Package webtest is a browser for HTTP tests: it keeps cookies, does not follow
// redirects, and sends forms with the CSRF token read from the page they come from.
package webtest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"testing"
)

// Browser is one visitor of a test server.
type Browser struct {
	T    testing.TB
	Base string
	C    *http.Client
}

// New returns a browser for the server at base (httptest.Server.URL).
func New(t testing.TB, base string) *Browser {
	jar, _ := cookiejar.New(nil)
	return &Browser{T: t, Base: base, C: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// Get fetches path and returns the status, body and headers.
func (b *Browser) Get(path string) (int, string, http.Header) {
	b.T.Helper()
	return b.read(b.C.Get(b.Base + path))
}

var csrfField = regexp.MustCompile(`name="csrf" value="([A-Z2-7]+)"`)

// token copies into v the CSRF token of the page at formPath ("": none).
func (b *Browser) token(formPath string, v url.Values) {
	b.T.Helper()
	if formPath == "" {
		return
	}
	_, page, _ := b.Get(formPath)
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		b.T.Fatalf("no csrf field on %s", formPath)
	}
	v.Set("csrf", m[1])
}

// read returns a response's status, body and headers.
func (b *Browser) read(resp *http.Response, err error) (int, string, http.Header) {
	b.T.Helper()
	if err != nil {
		b.T.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

// Post sends form v to path, with the CSRF token of the page at formPath ("": none).
func (b *Browser) Post(formPath, path string, v url.Values) (int, string, http.Header) {
	b.T.Helper()
	b.token(formPath, v)
	return b.read(b.C.PostForm(b.Base+path, v))
}

// File is a file to send in a multipart form.
type File struct {
	Field, Name string
	Content     []byte
}

// PostMultipart sends a multipart form with files, with the CSRF token of formPath.
func (b *Browser) PostMultipart(formPath, path string, v url.Values, files ...File) (int, string, http.Header) {
	b.T.Helper()
	b.token(formPath, v)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range v {
		for _, x := range vs {
			mw.WriteField(k, x)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile(f.Field, f.Name)
		if err != nil {
			b.T.Fatal(err)
		}
		w.Write(f.Content)
	}
	mw.Close()
	return b.read(b.C.Post(b.Base+path, mw.FormDataContentType(), &body))
}

// Follow is the page a post's redirect (303) leads to: its status, body and
// headers, fetched with the same cookies (so the notice of Server.Done is on
// it). A post that answered otherwise is returned as it is.
func (b *Browser) Follow(code int, body string, hd http.Header) (int, string, http.Header) {
	b.T.Helper()
	if code != http.StatusSeeOther {
		return code, body, hd
	}
	return b.Get(hd.Get("Location"))
}
