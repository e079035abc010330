package app_test

import (
	"archive/zip"
	"bytes"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"danchu/internal/app"
	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/document"
	"danchu/internal/files/filestest"
	"danchu/internal/planimport/planimporttest"
	"danchu/internal/web"
	"danchu/internal/web/webtest"
)

// TestPlanAttacks: a hostile read of the plans' public pages, their open
// data and an assignee's reading of the plan its task comes from. Every
// refusal checks its status and what it says.
func TestPlanAttacks(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := t.Context()
		a, srv := planSite(t, d)
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		commune := signIn(t, srv, "xa@danchu.demo", demo.Password)
		visitor := webtest.New(t, srv.URL)
		msg := func(key string, args ...any) string {
			return html.EscapeString(webtest.Vietnamese(t, apperr.New(apperr.CodeInvalid, key, args...)))
		}
		save := func(unit, number, key string) string {
			t.Helper()
			list := "/quan-tri/don-vi/" + unit + "/ke-hoach"
			v := url.Values{"text": {number + "\n…"}, "kind": {"ke-hoach"}, "number": {number}, "style": {"state"}, "date": {"2026-01-05"},
				"summary": {"Kế hoạch " + number}, "remind_days": {"7"}, "key": {key}}
			code, _, hd := province.Post(list, list, v)
			if code != http.StatusSeeOther {
				t.Fatalf("save %s: %d", number, code)
			}
			return strings.TrimPrefix(hd.Get("Location"), "/quan-tri/ke-hoach/")
		}
		own := save("46", "05/KH-UBND", "k-atk-1")
		second := save("46", "06/KH-UBND", "k-atk-2")
		internal := save("46-BCS", "162-KH/BCS", "k-atk-3")
		danDien, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		quangDien, _ := a.Units.UnitByCode(ctx, demo.SecondCode)
		assignTo := func(id string, unit int64, key string) string {
			t.Helper()
			p, err := a.Plans.Get(ctx, officialActor(t, a, "tinh@danchu.demo"), mustID(t, id))
			if err != nil || len(p.Tasks) == 0 {
				t.Fatalf("plan %s: %v", id, err)
			}
			planURL := "/quan-tri/ke-hoach/" + id
			assign := fmt.Sprintf("%s/nhiem-vu/%d/giao", planURL, p.Tasks[0].ID)
			if code, _, _ := province.Post(planURL, assign, url.Values{"units": {fmt.Sprint(unit)}, "key": {key}}); code != http.StatusSeeOther {
				t.Fatalf("assign %s to %d: %d", id, unit, code)
			}
			return assign
		}
		assignOwn := assignTo(own, danDien.ID, "k-atk-4")         // Đan Điền only
		assignSecond := assignTo(second, quangDien.ID, "k-atk-5") // Quảng Điền only
		theirs, err := a.Plans.UnitAssignments(ctx, quangDien.ID, 0, 10)
		if err != nil || len(theirs) != 1 {
			t.Fatalf("Quảng Điền's assignments: %v %v", theirs, err)
		}

		t.Run("who is not assigned does not read the plan", func(t *testing.T) {
			// A sibling commune, the village head, the Front, the inspector
			// and the viewer of the commune given the task: none holds
			// plan.report on Đan Điền, so the plan is not found for them.
			for _, email := range []string{"quangdien@danchu.demo", "truongthon@danchu.demo", "mattran@danchu.demo", "thanhtra@danchu.demo", "xem@danchu.demo"} {
				b := signIn(t, srv, email, demo.Password)
				for _, path := range []string{"/quan-tri/ke-hoach/" + own, "/quan-tri/ke-hoach/" + own + ".pdf", "/quan-tri/ke-hoach/" + own + ".docx",
					"/quan-tri/ke-hoach/" + internal} {
					if code, page, _ := b.Get(path); code != http.StatusNotFound || strings.Contains(page, "05/KH-UBND") || strings.Contains(page, "KẾ HOẠCH") {
						t.Errorf("%s reads %s: %d", email, path, code)
					}
				}
			}
			// Đan Điền reads the plan of its own task, not the plan given to Quảng Điền, nor its assignment.
			for _, path := range []string{"/quan-tri/ke-hoach/" + second, "/quan-tri/ke-hoach/" + second + ".pdf", "/quan-tri/ke-hoach/" + second + ".docx",
				fmt.Sprintf("/quan-tri/nhiem-vu/%d", theirs[0].ID), "/quan-tri/ke-hoach/" + internal} {
				if code, page, _ := commune.Get(path); code != http.StatusNotFound || strings.Contains(page, "06/KH-UBND") {
					t.Errorf("Đan Điền reads %s: %d", path, code)
				}
			}
			if code, _, _ := commune.Get("/quan-tri/ke-hoach/" + own); code != http.StatusOK {
				t.Errorf("Đan Điền does not read the plan of its task: %d", code)
			}
			// Nor assigns, its own plan's task or the other.
			before := db.Count(t, d, "select count(*) from plan_assignments")
			for _, path := range []string{assignOwn, assignSecond} {
				if code, _, _ := commune.Post("/quan-tri/ke-hoach/"+own, path, url.Values{"all": {"1"}, "key": {"k-atk-x" + path}}); code != http.StatusNotFound {
					t.Errorf("Đan Điền assigns %s: %d", path, code)
				}
			}
			if n := db.Count(t, d, "select count(*) from plan_assignments"); n != before {
				t.Errorf("%d assignments after refused assigning, want %d", n, before)
			}
			// Nor the issuer's list, nor imports a plan under the issuer's name.
			plansBefore := db.Count(t, d, "select count(*) from plans")
			if code, _, _ := commune.Get("/quan-tri/don-vi/46/ke-hoach"); code != http.StatusNotFound {
				t.Errorf("Đan Điền reads the province's plans list: %d", code)
			}
			for _, path := range []string{"/quan-tri/don-vi/46/ke-hoach/doc", "/quan-tri/don-vi/46/ke-hoach"} {
				if code, _, _ := commune.Post("/quan-tri/ke-hoach/"+own, path, url.Values{"text": {"09/KH-UBND\n…"}, "kind": {"ke-hoach"}, "number": {"09/KH-UBND"},
					"style": {"state"}, "summary": {"Giả danh"}, "key": {"k-atk-fake" + path}}); code != http.StatusNotFound {
					t.Errorf("Đan Điền posts %s: %d", path, code)
				}
			}
			if n := db.Count(t, d, "select count(*) from plans"); n != plansBefore {
				t.Errorf("%d plans after refused imports, want %d", n, plansBefore)
			}
			// A visitor signed in as nobody is sent to sign in, never shown the plan.
			if code, page, hd := visitor.Get("/quan-tri/ke-hoach/" + own + ".pdf"); code != http.StatusSeeOther || !strings.HasPrefix(hd.Get("Location"), "/dang-nhap") ||
				strings.Contains(page, "KẾ HOẠCH") {
				t.Errorf("an anonymous visitor reads the back-office pdf: %d %s", code, hd.Get("Location"))
			}
		})

		t.Run("paging parameters", func(t *testing.T) {
			for _, v := range []string{"-1", "abc", "99999999999999999999", "%FF", "1e3", "+5"} {
				code, page, _ := visitor.Get("/tinh/46/ke-hoach?truoc=" + v)
				if code != http.StatusBadRequest || !strings.Contains(page, "truoc") || strings.Contains(page, "162-KH/BCS") {
					t.Errorf("truoc=%s: %d, want 400 naming the parameter", v, code)
				}
			}
			for _, q := range []string{"cursor=abc", "cursor=-1", "cursor=%FF", "limit=-1", "limit=0", "limit=1000000", "limit=abc", "limit=%FF"} {
				code, body, _ := visitor.Get("/api/v1/units/46/plans?" + q)
				want, field := apperr.New(apperr.CodeInvalid, "web.err.api_cursor"), "cursor"
				if strings.HasPrefix(q, "limit") {
					want, field = apperr.New(apperr.CodeInvalid, "web.err.api_limit", web.APIMaxLimit), "limit"
				}
				if strings.HasSuffix(q, "%FF") { // not UTF-8: refused before the list reads it
					want = apperr.New(apperr.CodeInvalid, "web.err.text_encoding_field", field)
				}
				if code != http.StatusBadRequest || !strings.Contains(body, `"code":"invalid"`) || !strings.Contains(body, `"fields":["`+field+`"]`) ||
					!strings.Contains(body, strings.ReplaceAll(webtest.Vietnamese(t, want), `"`, `\"`)) {
					t.Errorf("%s: %d %s, want 400 naming %s", q, code, body, field)
				}
			}
			// Not a province's or a commune's code: not found, saying so.
			for _, code := range []string{"46-BCS", demo.CommuneCode + "-01", "99999", "%FF", "46%00", "01-" + demo.CommuneCode} {
				status, body, _ := visitor.Get("/api/v1/units/" + code + "/plans")
				if status != http.StatusNotFound || !strings.Contains(body, `"code":"not_found"`) || !strings.Contains(body, "Không tìm thấy đơn vị.") {
					t.Errorf("the plans of %s: %d %s", code, status, body)
				}
			}
			// A page past the end is empty, not an error.
			if code, page, _ := visitor.Get("/tinh/46/ke-hoach?truoc=1"); code != http.StatusOK || strings.Contains(page, "05/KH-UBND") {
				t.Errorf("truoc=1: %d", code)
			}
			if code, body, _ := visitor.Get("/api/v1/units/46/plans?limit=1"); code != http.StatusOK || !strings.Contains(body, `"next_cursor"`) || strings.Count(body, `"number"`) != 1 {
				t.Errorf("limit=1: %d %s", code, body)
			}
			_ = msg
		})

		t.Run("the addresses of a plan's files", func(t *testing.T) {
			pub := "/tinh/46/ke-hoach/" + own
			for _, path := range []string{pub + ".pdf.docx", pub + ".docx.pdf", pub + ".docx.docx", pub + ".PDF", pub + "%00.pdf", pub + "/", pub + ".html"} {
				if code, body, _ := visitor.Get(path); code != http.StatusNotFound || strings.Contains(body, "KẾ HOẠCH 05") {
					t.Errorf("%s: %d, want 404", path, code)
				}
			}
			for _, path := range []string{"/quan-tri/ke-hoach/" + own + ".pdf.docx", "/quan-tri/ke-hoach/" + own + ".docx.pdf"} {
				if code, _, _ := province.Get(path); code != http.StatusNotFound {
					t.Errorf("%s: %d, want 404", path, code)
				}
			}
		})

		t.Run("HEAD and cache headers as other public pages", func(t *testing.T) {
			_, _, home := visitor.Get("/tinh/46")
			for _, path := range []string{"/tinh/46/ke-hoach", "/tinh/46/ke-hoach/" + own, "/xa/" + demo.CommuneCode + "/ke-hoach", "/api/v1/units/46/plans"} {
				code, _, hd := visitor.Get(path)
				if code != http.StatusOK {
					t.Fatalf("%s: %d", path, code)
				}
				if !strings.HasPrefix(path, "/api/") && hd.Get("Cache-Control") != home.Get("Cache-Control") {
					t.Errorf("%s: Cache-Control %q, the province's page %q", path, hd.Get("Cache-Control"), home.Get("Cache-Control"))
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodHead, srv.URL+path, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || len(b) != 0 {
					t.Errorf("HEAD %s: %d with %d bytes", path, resp.StatusCode, len(b))
				}
			}
			// A signed-in official's view of a public page is not kept by a shared cache.
			if _, _, hd := province.Get("/tinh/46/ke-hoach/" + own); strings.Contains(hd.Get("Cache-Control"), "public") {
				t.Errorf("a signed-in page is public in caches: %q", hd.Get("Cache-Control"))
			}
			for _, path := range []string{"/tinh/46/ke-hoach/" + internal, "/tinh/46/ke-hoach/" + internal + ".pdf"} {
				req, _ := http.NewRequestWithContext(ctx, http.MethodHead, srv.URL+path, nil)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusNotFound {
					t.Errorf("HEAD %s: %d, want 404", path, resp.StatusCode)
				}
			}
		})
	})
}

// TestPlanImportFileAttacks: files an attacker or a careless user sends to
// the import: the text's encodings and line ends read as the pasted text, or
// refused saying what to do, the pasted text kept and nothing saved.
func TestPlanImportFileAttacks(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		_, srv := planSiteReading(t, d, nil)
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		list := "/quan-tri/don-vi/46/ke-hoach"
		seed, want := pastedSeed(t, province, list)
		same := func(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }
		for _, tc := range []struct {
			name string
			file webtest.File
		}{
			{"a UTF-8 BOM", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: []byte("\ufeff" + seed)}},
			{"CRLF line ends", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: []byte(strings.ReplaceAll(seed, "\n", "\r\n"))}},
			{"no extension", webtest.File{Field: "file", Name: "ke-hoach", Content: []byte(seed)}},
		} {
			code, page, _ := province.PostMultipart(list, list+"/doc", url.Values{}, tc.file)
			if code != http.StatusOK {
				t.Errorf("%s: %d %s", tc.name, code, flashOf(page))
				continue
			}
			if got := previewForm(t, page, list); !maps.EqualFunc(got, want, same) {
				t.Errorf("%s reads otherwise than the pasted text:\n%v\n%v", tc.name, got, want)
			}
		}
		msg := func(key string, args ...any) string {
			return html.EscapeString(webtest.Vietnamese(t, apperr.New(apperr.CodeInvalid, key, args...)))
		}
		utf16 := []byte{0xFF, 0xFE}
		for _, r := range "KẾ HOẠCH\n" {
			utf16 = append(utf16, byte(r), byte(r>>8))
		}
		deep := planimporttest.DOCX(`<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`+
			strings.Repeat("<w:p>", 100000)+strings.Repeat("</w:p>", 100000)+`</w:body></w:document>`, "")
		// A Word file of 20 001 parts (the reader takes 10 000).
		var many bytes.Buffer
		zw := zip.NewWriter(&many)
		for i, name := range append([]string{"[Content_Types].xml", "word/document.xml"}, make([]string, 19999)...) {
			if name == "" {
				name = fmt.Sprintf("word/media/p%d.xml", i)
			}
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store})
			if err != nil {
				t.Fatal(err)
			}
			switch i {
			case 0:
				io.WriteString(w, planimporttest.ContentTypes)
			case 1:
				io.WriteString(w, planimporttest.Document(seed))
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		refuseFiles(t, province, list, []refusedFile{
			{"a name with its folders", webtest.File{Field: "file", Name: `C:\fakepath\ke-hoach.pdf`, Content: filestest.PDF("Kế hoạch")},
				msg("plans.err.file_type", "ke-hoach.pdf", "PDF")},
			{"a long name", webtest.File{Field: "file", Name: strings.Repeat("a", 300) + ".pdf", Content: filestest.PDF("Kế hoạch")},
				msg("plans.err.file_type", strings.Repeat("a", 80)+"…", "PDF")},
			{"too many parts", webtest.File{Field: "file", Name: "nhieu.docx", Content: many.Bytes()}, msg("planimport.err.docx_entries", 20001, 10000)},
			{"UTF-16 text", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: utf16}, msg("planimport.err.encoding", 1)},
			{"NUL bytes", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: []byte("KẾ HOẠCH\nI. MỤC\x00ĐÍCH\n")}, strings.ReplaceAll(msg("planimport.err.binary", 2, "U+0000"), "+", "&#43;")},
			{"a photo named .txt", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")}, msg("plans.err.file_type", "ke-hoach.txt", "PNG")},
			{"a spreadsheet named .docx", webtest.File{Field: "file", Name: "ke-hoach.docx", Content: filestest.XLSX("Kế hoạch")}, msg("plans.err.file_type", "ke-hoach.docx", "XLSX")},
			{"a program named .md", webtest.File{Field: "file", Name: "ke-hoach.md", Content: []byte("MZ\x90\x00\x03\x00\x00\x00")}, msg("planimport.err.encoding", 1)},
			{"XML nested too deep", webtest.File{Field: "file", Name: "sau.docx", Content: deep}, msg("planimport.err.docx_xml", "nesting deeper than 256")},
		})
		if n := db.Count(t, d, "select count(*) from plans"); n != 0 {
			t.Errorf("%d plans after the refused files", n)
		}
	})
}

// countingWriter is fakeWriter counting the documents it lays out.
type countingWriter struct {
	fakeWriter
	n *atomic.Int64
}

func (c countingWriter) PDF(w io.Writer, d document.Doc) error {
	c.n.Add(1)
	return c.fakeWriter.PDF(w, d)
}

// TestPublicPlanFilesKept: an anonymous visitor's requests for a public plan's
// PDF are answered from the rendered-page cache, not laid out each time
// (tens of milliseconds a page); an internal plan's address is never kept.
func TestPublicPlanFilesKept(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		var n atomic.Int64
		_, srv := planSiteWith(t, d, func(a *app.App) { a.PlanWriter, a.PlanImporter = countingWriter{n: &n}, fakeImporter{} })
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		save := func(unit, number, key string) string {
			list := "/quan-tri/don-vi/" + unit + "/ke-hoach"
			code, _, hd := province.Post(list, list, url.Values{"text": {number + "\n…"}, "kind": {"ke-hoach"}, "number": {number}, "style": {"state"},
				"summary": {"Kế hoạch " + number}, "remind_days": {"7"}, "key": {key}})
			if code != http.StatusSeeOther {
				t.Fatalf("save %s: %d", number, code)
			}
			return strings.TrimPrefix(hd.Get("Location"), "/quan-tri/ke-hoach/")
		}
		own, internal := save("46", "05/KH-UBND", "k-kept-1"), save("46-BCS", "162-KH/BCS", "k-kept-2")
		visitor := webtest.New(t, srv.URL)
		for range 3 {
			if code, body, _ := visitor.Get("/tinh/46/ke-hoach/" + own + ".pdf"); code != http.StatusOK || body != "PDF KẾ HOẠCH 05/KH-UBND" {
				t.Fatalf("pdf: %d %q", code, body)
			}
		}
		if got := n.Load(); got != 1 {
			t.Errorf("the PDF laid out %d times for 3 requests, want once", got)
		}
		// A made-up query does not step past the cache: sent to the file's one address.
		for _, q := range []string{"?x=1", "?x=2&y=3"} {
			if code, _, hd := visitor.Get("/tinh/46/ke-hoach/" + own + ".pdf" + q); code != http.StatusMovedPermanently || hd.Get("Location") != "/tinh/46/ke-hoach/"+own+".pdf" {
				t.Errorf("pdf%s: %d %q", q, code, hd.Get("Location"))
			}
		}
		if got := n.Load(); got != 1 {
			t.Errorf("the PDF laid out %d times with made-up queries, want once", got)
		}
		for range 2 {
			if code, _, _ := visitor.Get("/tinh/46/ke-hoach/" + internal + ".pdf"); code != http.StatusNotFound {
				t.Errorf("the internal plan's pdf: %d", code)
			}
		}
		if got := n.Load(); got != 1 {
			t.Errorf("the internal plan's PDF was laid out (%d)", got)
		}
		// The page itself shows today's counts: rendered each time, as before.
		if code, _, _ := visitor.Get("/tinh/46/ke-hoach/" + own); code != http.StatusOK {
			t.Errorf("the plan's page: %d", code)
		}
	})
}
