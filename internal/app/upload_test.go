package app_test

import (
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"danchu/internal/audit"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
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
// answered 413 with the form again, the size it may have ("too large") and
// what was typed before the files, not with the CSRF refusal (whose token the
// middleware used to look for by parsing the body itself), and nothing is
// stored.
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
			want, typed       string
			table             string
		}{
			{"Feedback", "/xa/" + demo.CommuneCode + "/phan-anh", "photos", 52 << 20, "lớn quá 51 MB", ">Rác trên đường</textarea>", "feedback_items"},
			{"Disclosure", fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey()), "files", 111 << 20, "lớn quá 110 MB", `value="Quy chế dân chủ"`, "disclosures"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				_, page, _ := official.Get(tt.page)
				m := csrfOf.FindStringSubmatch(page)
				if m == nil {
					t.Fatalf("no csrf field on %s", tt.page)
				}
				body, ct := bigUpload(map[string]string{"csrf": m[1], "kind": "feedback", "category": "4", "title": "Quy chế dân chủ", "description": "Rác trên đường"}, tt.field, tt.size)
				resp, err := official.C.Post(srv.URL+tt.page, ct, body)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				b, _ := io.ReadAll(resp.Body)
				got := string(b)
				if resp.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(got, tt.want) || strings.Contains(got, "Biểu mẫu đã hết hạn") ||
					!strings.Contains(got, `enctype="multipart/form-data"`) || !strings.Contains(got, tt.typed) {
					t.Errorf("%d, want 413 with %q, the form again and %q typed; got:\n%.3000s", resp.StatusCode, tt.want, tt.typed, got)
				}
				if n := db.Count(t, d, "select count(*) from "+tt.table); n != 0 {
					t.Errorf("%d rows stored in %s", n, tt.table)
				}
			})
		}
	})
}

// TestRecordPages: the public record is read a page at a time; each cut page
// says so and links to the next, and following the links to the end shows
// every entry once, down to #1, with no link from the last page.
func TestRecordPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := demoSite(t, d)
		for i := range 120 {
			if _, err := a.Audit.AppendOne(t.Context(), audit.Record{Kind: "disclosure.posted", ObjectType: "disclosure", ObjectID: fmt.Sprint(i), Summary: "Đăng công khai"}); err != nil {
				t.Fatal(err)
			}
		}
		head, _, err := a.Audit.Head(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if head <= 50 {
			t.Fatalf("the demo has %d entries, not more than a page", head)
		}
		b := webtest.New(t, srv.URL)
		next, seqs, pages := "/minh-bach", map[string]bool{}, 0
		entry, link := regexp.MustCompile(`<span class="seq">#(\d+)</span>`), regexp.MustCompile(`<a href="([^"]+)" rel="next">`)
		for next != "" {
			pages++
			code, page, _ := b.Get(next)
			ms := entry.FindAllStringSubmatch(page, -1)
			if code != 200 || len(ms) == 0 {
				t.Fatalf("%s: %d with %d entries", next, code, len(ms))
			}
			for _, m := range ms {
				if seqs[m[1]] {
					t.Fatalf("%s: #%s shown twice", next, m[1])
				}
				seqs[m[1]] = true
			}
			m := link.FindStringSubmatch(page)
			if cut := strings.Contains(page, "danh sách còn nữa"); cut != (m != nil) {
				t.Fatalf("%s: says cut %v, next link %v", next, cut, m)
			}
			next = ""
			if m != nil {
				next = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		if int64(len(seqs)) != head || !seqs["1"] || pages < 2 {
			t.Errorf("%d pages showed %d entries, want all %d down to #1", pages, len(seqs), head)
		}
	})
}
