package app_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/sheet/sheettest"
)

// TestSurveyPages builds, answers and reads a satisfaction survey over HTTP:
// a survey with a malformed question comes back with the line named and
// what was typed kept; opened, it is answered by a household's
// representative (once: the second post is refused), refused to a citizen of
// no household of the commune; the results page draws its bars on the
// server, the XLSX holds the counts, and free text stays with the officials.
func TestSurveyPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		logs := &logBuffer{}
		a, srv := caseSite(t, d, logs, false)
		ctx := context.Background()
		xa := signIn(t, srv, "xa@danchu.demo", demo.Password)
		base := "/quan-tri/don-vi/" + demo.CommuneCode + "/khao-sat"
		today := legal.Today(a.Surveys.Now())
		form := url.Values{"title": {"Khảo sát sự hài lòng năm nay"}, "audience": {"resident"}, "opens_on": {today.String()},
			"closes_on": {today.AddDays(20).String()}, "questions": {"[scale+*] Ông/bà hài lòng với cán bộ xã?\n\n[yesno] Có không?"}, "key": {"survey-k0"}}
		code, body, _ := xa.Post(base, base, form)
		if code != http.StatusBadRequest || !strings.Contains(body, "Dòng 3") || !strings.Contains(body, "Khảo sát sự hài lòng năm nay") {
			t.Fatalf("bad questions: %d %.1500s", code, mainOf(body))
		}
		form.Set("questions", "[scale+*] Ông/bà hài lòng với cán bộ xã?\n\n[text] Ý kiến khác")
		form.Set("key", "survey-k1")
		code, body, hd := xa.Post(base, base, form)
		if code != http.StatusSeeOther {
			t.Fatalf("create: %d %.1500s", code, mainOf(body))
		}
		manage := hd.Get("Location")
		id := manage[strings.LastIndex(manage, "/")+1:]
		if code, body, _ := xa.Post(manage, manage+"/trang-thai", url.Values{"to": {"open"}, "confirm": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("open: %d %.800s", code, mainOf(body))
		}
		// A household's representative answers; a second time is refused.
		cit := citizen(t, a, srv, logs, "0912 000 555")
		var account, household int64
		if err := d.QueryRow("select id from accounts where kind = 'citizen'").Scan(&account); err != nil {
			t.Fatal(err)
		}
		if err := d.QueryRow("select h.id from households h join units v on v.id = h.village_id where v.code = $1 order by h.id limit 1", demo.CommuneCode+"-01").Scan(&household); err != nil {
			t.Fatal(err)
		}
		public := "/khao-sat/" + id
		if code, body, _ := cit.Post(public, public, url.Values{"q1": {"4"}, "q2": {"Rất tốt"}}); code != http.StatusForbidden || !strings.Contains(body, "chưa gắn với hộ") {
			t.Errorf("a citizen of no household: %d %.800s", code, mainOf(body))
		}
		if _, err := d.Raw().ExecContext(ctx, "update households set representative_account_id = $1 where id = $2", account, household); err != nil {
			t.Fatal(err)
		}
		if code, body, _ := cit.Post(public, public, url.Values{"q1": {"9"}}); code != http.StatusBadRequest || !strings.Contains(body, "Lựa chọn không có") {
			t.Errorf("a point that is not one: %d %.800s", code, mainOf(body))
		}
		if code, body, _ := cit.Post(public, public, url.Values{"q1": {"4"}, "q2": {"Cán bộ tận tình"}}); code != http.StatusSeeOther {
			t.Fatalf("answer: %d %.800s", code, mainOf(body))
		}
		if code, _, _ := cit.Post(public, public, url.Values{"q1": {"0"}}); code != http.StatusConflict {
			t.Errorf("second answer: %d", code)
		}
		// The results: bars drawn on the server, no free text; the XLSX; the officials read the text.
		code, body, _ = cit.Get(public + "/ket-qua")
		if code != http.StatusOK || !strings.Contains(body, "<svg") || !strings.Contains(body, "100% hài lòng") || strings.Contains(body, "Cán bộ tận tình") {
			t.Fatalf("results: %d %.1500s", code, mainOf(body))
		}
		code, book, _ := cit.Get(public + "/ket-qua.xlsx")
		if code != http.StatusOK {
			t.Fatalf("xlsx: %d", code)
		}
		if c := sheettest.Cells(t, []byte(book), "Kết quả", "D9", "E9", "F9"); c[0].Shown != "5 — Rất hài lòng" || c[1].Shown != "1" || c[2].Shown != "100" {
			t.Errorf("xlsx cells: %+v", c)
		}
		if _, body, _ = xa.Get(manage); !strings.Contains(body, "Cán bộ tận tình") {
			t.Errorf("the officials' page lacks the free text: %.1500s", mainOf(body))
		}
		// Another commune's official: 404.
		px := otherOfficial(t, a, srv)
		if code, _, _ := px.Get("/quan-tri/don-vi/19753/khao-sat/" + id); code != http.StatusNotFound {
			t.Errorf("another commune's official: %d", code)
		}
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		if n, err := a.Surveys.SatisfiedIn(ctx, commune); err != nil || n != 100 {
			t.Errorf("satisfied: %d %v", n, err)
		}
		if _, body, _ := cit.Get("/xa/" + demo.CommuneCode + "/khao-sat"); !strings.Contains(body, "100% hài lòng") {
			t.Errorf("the commune's surveys: %.1500s", mainOf(body))
		}
	})
}
