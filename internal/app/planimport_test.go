package app_test

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/app"
	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/files/filestest"
	"danchu/internal/planimport"
	"danchu/internal/planimport/planimporttest"
	"danchu/internal/plans"
	"danchu/internal/web/webtest"
)

// previewForm is the preview's form to save the plan, without what differs
// between two renderings or sources (the CSRF token, the idempotency key, the
// text sent back).
func previewForm(t *testing.T, page, action string) url.Values {
	t.Helper()
	f, ok := webtest.FormTo(page, action)
	if !ok {
		t.Fatalf("no form to %s in the preview", action)
	}
	v := f.Values()
	for _, k := range []string{"csrf", "key", "text"} {
		v.Del(k)
	}
	return v
}

// TestPlanImportFile: the import form takes the plan's Word or text file as it
// takes its pasted text (the same preview, the same plan saved), and refuses a
// file it cannot read with what to do, keeping the pasted text and saving nothing.
func TestPlanImportFile(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		a, srv := planSiteReading(t, d, nil)
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		list := "/quan-tri/don-vi/46/ke-hoach"
		seed, want := pastedSeed(t, province, list)
		docx := planimporttest.Seed(seed)
		for _, tc := range []struct {
			name string
			file webtest.File
		}{
			{"a Word file", webtest.File{Field: "file", Name: "ke-hoach.docx", Content: docx}},
			{"a Word file named otherwise", webtest.File{Field: "file", Name: "ke-hoach.bin", Content: docx}},
			{"a text file", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: []byte(seed)}},
			{"a Markdown file", webtest.File{Field: "file", Name: "ke-hoach.md", Content: []byte(seed)}},
		} {
			// The pasted text is not read when a file is chosen.
			code, page, _ := province.PostMultipart(list, list+"/doc", url.Values{"text": {"không phải kế hoạch"}}, tc.file)
			if code != http.StatusOK {
				t.Fatalf("%s: %d", tc.name, code)
			}
			if got := previewForm(t, page, list); !maps.EqualFunc(got, want, func(a, b []string) bool { return strings.Join(a, "\x00") == strings.Join(b, "\x00") }) {
				t.Errorf("%s reads otherwise than the pasted text:\n%v\n%v", tc.name, got, want)
			}
		}

		// Saved from the Word file's preview: the plan as read.
		_, page, _ := province.PostMultipart(list, list+"/doc", url.Values{}, webtest.File{Field: "file", Name: "ke-hoach.docx", Content: docx})
		f, _ := webtest.FormTo(page, list)
		save := f.Values()
		save.Del("csrf")
		save.Set("key", "k-file-1")
		if !strings.Contains(save.Get("text"), "KẾ HOẠCH") {
			t.Fatalf("the preview does not carry the file's text: %.200q", save.Get("text"))
		}
		code, _, hd := province.PostMultipart(list, list, save)
		if code != http.StatusSeeOther {
			t.Fatalf("save from the file: %d", code)
		}
		parsed, _ := planimport.Parse(seed)
		if n := db.Count(t, d, "select count(*) from plan_tasks"); n != len(parsed.Tasks) || n == 0 {
			t.Errorf("%d tasks saved from the file, the text has %d", n, len(parsed.Tasks))
		}
		if code, page, _ := province.Get(hd.Get("Location")); code != http.StatusOK || !strings.Contains(page, html.EscapeString(want.Get("summary"))) {
			t.Errorf("the plan saved from the file: %d", code)
		}
		// A task led by the Sở Nội vụ, a body of the province: its lead is linked to it.
		items, err := a.Plans.UnitPlans(context.Background(), hueID(t, a), 0, 1)
		if err != nil || len(items) != 1 {
			t.Fatalf("plans: %v %v", items, err)
		}
		p, err := a.Plans.Get(context.Background(), officialActor(t, a, "tinh@danchu.demo"), items[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		linked := 0
		for _, task := range p.Tasks {
			code, page, _ := province.Get(fmt.Sprintf("%s/nhiem-vu/%d", plans.PlanURL(p.ID), task.ID))
			switch {
			case code != http.StatusOK:
				t.Errorf("task page: %d", code)
			case task.Lead == "Sở Nội vụ":
				linked++
				if !strings.Contains(page, `<a href="/quan-tri/don-vi/46-SNV/ke-hoach" title="Sở Nội vụ">Sở Nội vụ</a>`) {
					t.Errorf("the lead Sở Nội vụ is not linked to its body")
				}
			case task.Lead != "" && task.LeadUnitID != 0:
				t.Errorf("lead %q linked to unit %d", task.Lead, task.LeadUnitID)
			}
		}
		if code, _, _ := province.Get("/quan-tri/don-vi/46-SNV/ke-hoach"); code != http.StatusOK {
			t.Errorf("the lead's link: %d", code)
		}
		if linked == 0 {
			t.Errorf("no task of seed 000 led by the Sở Nội vụ")
		}

		// Refused: the message says what to do, the pasted text stays, nothing is saved.
		cut := docx[:len(docx)*2/3]
		msg := func(key string, args ...any) string {
			return html.EscapeString(webtest.Vietnamese(t, apperr.New(apperr.CodeInvalid, key, args...)))
		}
		big := bytes.Repeat([]byte("a"), plans.MaxImportFile+1)
		refuseFiles(t, province, list, []refusedFile{
			{"a zip bomb", webtest.File{Field: "file", Name: "bom.docx", Content: planimporttest.Bomb(planimport.MaxDocumentXML + 1<<20)},
				msg("planimport.err.docx_too_large", planimport.MaxDocumentXML>>20)},
			{"a PDF named .docx", webtest.File{Field: "file", Name: "ke-hoach.docx", Content: filestest.PDF("Kế hoạch")},
				msg("plans.err.file_type", "ke-hoach.docx", "PDF")},
			{"a cut Word file", webtest.File{Field: "file", Name: "ke-hoach.docx", Content: cut},
				msg("files.err.damaged", "ke-hoach.docx", "DOCX")},
			{"text not UTF-8", webtest.File{Field: "file", Name: "ke-hoach.txt", Content: []byte("K\xca HO\xc1CH\n")},
				msg("planimport.err.encoding", 1)},
			{"an old Word file", webtest.File{Field: "file", Name: "ke-hoach.doc", Content: []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")},
				msg("planimport.err.file_type", ".doc")},
			{"a spreadsheet", webtest.File{Field: "file", Name: "ke-hoach.xlsx", Content: filestest.XLSX("Kế hoạch")},
				msg("plans.err.file_type", "ke-hoach.xlsx", "XLSX")},
			{"an empty file", webtest.File{Field: "file", Name: "ke-hoach.docx"},
				msg("files.err.empty", "ke-hoach.docx")},
			{"a Word file without text", webtest.File{Field: "file", Name: "trong.docx", Content: planimporttest.Seed("")},
				msg("plans.err.file_empty", "trong.docx")},
			{"a file too large", webtest.File{Field: "file", Name: "lon.txt", Content: big},
				msg("files.err.file_too_large", "lon.txt", plans.MaxImportFile>>20)},
		})
		if n := db.Count(t, d, "select count(*) from plans"); n != 1 {
			t.Errorf("%d plans after the refused files", n)
		}
	})
}

// flashOf is the flash error of a page (for a failing test's message).
func flashOf(page string) string {
	if i := strings.Index(page, `class="flash err"`); i >= 0 {
		return page[i:min(len(page), i+600)]
	}
	return "(no error shown)"
}

func hueID(t *testing.T, a *app.App) int64 {
	t.Helper()
	u, err := a.Units.UnitByCode(context.Background(), demo.ProvinceCode)
	if err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// pastedSeed is seed 000 pasted into the import form at list, and the
// preview's form it answers.
func pastedSeed(t *testing.T, province *webtest.Browser, list string) (string, url.Values) {
	t.Helper()
	seed, err := planimport.Seed(0)
	if err != nil {
		t.Fatal(err)
	}
	code, page, _ := province.PostMultipart(list, list+"/doc", url.Values{"text": {seed}})
	if code != http.StatusOK {
		t.Fatalf("pasted: %d", code)
	}
	want := previewForm(t, page, list)
	if len(want) < 5 || want.Get("number") == "" {
		t.Fatalf("the pasted seed's preview: %v", want)
	}
	return seed, want
}

// refusedFile is a file the import form refuses, and what it says (escaped).
type refusedFile struct {
	name string
	file webtest.File
	want string
}

// refuseFiles posts each file to the import form at list beside a pasted
// text: 400 with its message, the text kept in the form.
func refuseFiles(t *testing.T, province *webtest.Browser, list string, cases []refusedFile) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, page, _ := province.PostMultipart(list, list+"/doc", url.Values{"text": {"05/KH-UBND đã dán"}}, tc.file)
			if code != http.StatusBadRequest || !strings.Contains(page, tc.want) {
				t.Errorf("%d, want 400 with %q:\n%s", code, tc.want, flashOf(page))
			}
			if !strings.Contains(page, ">05/KH-UBND đã dán</textarea>") {
				t.Errorf("the form lost the pasted text")
			}
		})
	}
}
