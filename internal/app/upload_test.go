package app_test

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
)

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// bigUpload is a multipart body with the form's fields and its CSRF token
// first, then one file of size bytes, streamed (the test holds none of it).
func bigUpload(fields map[string]string, field string, size int64) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		f, _ := mw.CreateFormFile(field, "to.pdf")
		if _, err := io.Copy(f, io.LimitReader(zeros{}, size)); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(mw.Close())
	}()
	return pr, mw.FormDataContentType()
}

var csrfOf = regexp.MustCompile(`name="csrf" value="([A-Z2-7]+)"`)

// TestOversizedUpload: a form whose body is larger than its route allows is
// answered with the form again and the size it may have ("too large"), not
// with the CSRF refusal (whose token the middleware used to look for by
// parsing the body itself), and nothing is stored.
func TestOversizedUpload(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := demoSite(t, d)
		commune, err := a.Units.UnitByCode(t.Context(), demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		for _, tt := range []struct {
			name, page, field string
			size              int64
			want              string
			table             string
		}{
			{"Feedback", "/xa/" + demo.CommuneCode + "/phan-anh", "photos", 52 << 20, "lớn quá 51 MB", "feedback_items"},
			{"Disclosure", fmt.Sprintf("/quan-tri/don-vi/%d/cong-khai", commune.ID), "files", 111 << 20, "lớn quá 110 MB", "disclosures"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, page, _ := official.Get(tt.page)
				m := csrfOf.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("no csrf field on %s", tt.page)
				}
				body, ct := bigUpload(map[string]string{"csrf": m[1], "kind": "feedback", "category": "4", "title": "Quy chế", "description": "Rác"}, tt.field, tt.size)
				resp, err := official.C.Post(srv.URL+tt.page, ct, body)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				got := string(b)
				if resp.StatusCode != http.StatusBadRequest || !strings.Contains(got, tt.want) || strings.Contains(got, "Biểu mẫu đã hết hạn") ||
					!strings.Contains(got, `enctype="multipart/form-data"`) {
					t.Errorf("%d, want 400 with %q and the form again; got:\n%.3000s", resp.StatusCode, tt.want, got)
				}
				if n := db.Count(t, d, "select count(*) from "+tt.table); n != 0 {
					t.Errorf("%d rows stored in %s", n, tt.table)
				}
			})
		}
	})
}
