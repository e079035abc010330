package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/text/unicode/norm"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

func TestText(t *testing.T) {
	composed := "Nguyễn Thị Hồng, thôn Đông"
	for _, tc := range []struct {
		name, in, want string
		code           apperr.Code
		field          string
	}{
		{"ASCII", "Thon 1", "Thon 1", "", ""},
		{"Composed", composed, composed, "", ""},
		{"Decomposed", norm.NFD.String(composed), composed, "", ""},
		{"LinesAndTabs", "dòng 1\r\ndòng 2\tcột", "dòng 1\r\ndòng 2\tcột", "", ""},
		{"InvalidByte", "Th\xf4n", "", apperr.CodeInvalid, "encoding"},
		{"TruncatedSequence", "Hồ\xe1\xbb", "", apperr.CodeInvalid, "encoding"},
		{"Surrogate", "a\xed\xa0\x80b", "", apperr.CodeInvalid, "encoding"},
		{"NUL", "a\x00b", "", apperr.CodeInvalid, "control"},
		{"Escape", "a\x1b[31mb", "", apperr.CodeInvalid, "control"},
		{"DEL", "a\x7fb", "", apperr.CodeInvalid, "control"},
		{"C1", "a\u0085b", "", apperr.CodeInvalid, "control"},
		{"RightToLeftOverride", "Thôn \u202eabc", "", apperr.CodeInvalid, "control"},
		{"LeftToRightEmbedding", "a\u202ab", "", apperr.CodeInvalid, "control"},
		{"PopDirectionalFormatting", "a\u202cb", "", apperr.CodeInvalid, "control"},
		{"RightToLeftIsolate", "a\u2067b\u2069", "", apperr.CodeInvalid, "control"},
		{"FirstStrongIsolate", "a\u2068b", "", apperr.CodeInvalid, "control"},
		{"InteriorBOM", "Hồ\ufeffSơ", "", apperr.CodeInvalid, "control"},
		{"LeadingBOMRemoved", "\ufeffHồ sơ", "Hồ sơ", "", ""},
		{"BidiMarksKept", "a\u200eb\u200fc\u061cd", "a\u200eb\u200fc\u061cd", "", ""},
		{"LineSeparator", "dòng 1\u2028dòng 2\u2029dòng 3", "dòng 1\ndòng 2\ndòng 3", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := web.Text("title", tc.in)
			if tc.code == "" {
				if err != nil || got != tc.want {
					t.Fatalf("Text = %q, %v; want %q", got, err, tc.want)
				}
				return
			}
			var e *apperr.Error
			if apperr.CodeOf(err) != tc.code || !asError(err, &e) || apperr.KeyOf(err) != "web.err.text_"+tc.field+"_field" {
				t.Fatalf("Text = %q, %v; want %s web.err.text_%s_field", got, err, tc.code, tc.field)
			}
			if _, marked := e.FieldMsgs["title"]; !marked {
				t.Fatalf("Text = %v: the field title is not marked", err)
			}
		})
	}
}

func asError(err error, e **apperr.Error) bool {
	x, ok := err.(*apperr.Error)
	*e = x
	return ok
}

// The shell checks the query and the form of every request before its
// handler; under an API prefix the refusal is written in the API's format.
func TestTextBoundary(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	echo := func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.FormValue("q"))
		w.Write([]byte("ok"))
	}
	s.HandleFunc("GET /tim", echo)
	s.HandleFunc("POST /gui", echo)
	s.HandleFunc("POST /khac/gui", echo)
	s.APIErrors("/khac/", func(w http.ResponseWriter, r *http.Request, err error) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(web.StatusOf(err))
		w.Write([]byte(`[{"code":400}]`))
	})
	s.AllowCrossSite("POST /khac/gui")
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	nfd := norm.NFD.String("hồ sơ")
	post := func(path string, v url.Values) (*http.Response, string) {
		resp, err := http.PostForm(srv.URL+path, v)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		return resp, string(b)
	}
	for _, tc := range []struct {
		name   string
		do     func() (*http.Response, string)
		status int
		body   string
	}{
		{"QueryNotUTF8", func() (*http.Response, string) {
			resp, err := http.Get(srv.URL + "/tim?q=%C3")
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp, string(b)
		}, 400, "không phải UTF-8"},
		{"QueryNFD", func() (*http.Response, string) {
			resp, err := http.Get(srv.URL + "/tim?q=" + url.QueryEscape(nfd))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp, string(b)
		}, 200, "ok"},
		{"FormNotUTF8", func() (*http.Response, string) { return post("/gui", url.Values{"q": {"\xff"}}) }, 400, "không phải UTF-8"},
		{"FieldNameNotUTF8", func() (*http.Response, string) { return post("/gui", url.Values{"\xff": {"x"}}) }, 400, "không phải UTF-8"},
		{"FormNFD", func() (*http.Response, string) { return post("/gui", url.Values{"q": {nfd}}) }, 200, "ok"},
		{"APIFormat", func() (*http.Response, string) { return post("/khac/gui", url.Values{"q": {"\x00"}}) }, 400, `[{"code":400}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen = nil
			resp, body := tc.do()
			if resp.StatusCode != tc.status || !strings.Contains(body, tc.body) {
				t.Fatalf("%d %q, want %d with %q", resp.StatusCode, body, tc.status, tc.body)
			}
			switch {
			case tc.status != 200 && len(seen) != 0:
				t.Errorf("the handler ran on a refused request: %q", seen)
			case tc.status == 200 && (len(seen) != 1 || seen[0] != "hồ sơ" || !norm.NFC.IsNormalString(seen[0])):
				t.Errorf("the handler saw %q, want the text in NFC", seen)
			}
		})
	}
}
