package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/plans"
	"danchu/internal/web/webtest"
)

// The public side of plans, both engines: the province's own plan is public
// when saved (one public-record entry though its form is posted twice), a
// Party body's plan stays internal unless its issuer ticks "công khai cho
// nhân dân", and then shows; the lists, the plan page and its downloads show
// public plans only, under their own territory; every other address is 404
// and the internal plan is in no list, dataset or record.
func TestPublicPlanPages(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := planSite(t, d)
		province := signIn(t, srv, "tinh@danchu.demo", demo.Password)
		commune := signIn(t, srv, "xa@danchu.demo", demo.Password)
		visitor := webtest.New(t, srv.URL)
		save := func(b *webtest.Browser, unit, number, key string, public bool) string {
			t.Helper()
			list := "/quan-tri/don-vi/" + unit + "/ke-hoach"
			text := number + "\n…"
			code, page, _ := b.Post(list, list+"/doc", url.Values{"text": {text}})
			if code != http.StatusOK {
				t.Fatalf("preview for %s: %d", unit, code)
			}
			asks := strings.Contains(page, `name="public"`)
			if asks != strings.Contains(unit, "-") { // the form asks an attached body only
				t.Errorf("%s: the form asks whether to disclose: %v", unit, asks)
			}
			v := url.Values{"text": {text}, "kind": {"ke-hoach"}, "number": {number}, "style": {"state"}, "date": {"2026-01-05"},
				"summary": {"Kế hoạch " + number}, "remind_days": {"7"}, "key": {key}}
			if public {
				v.Set("public", "1")
			}
			code, _, hd := b.Post(list, list, v)
			if code != http.StatusSeeOther {
				t.Fatalf("save %s: %d", number, code)
			}
			return strings.TrimPrefix(hd.Get("Location"), "/quan-tri/ke-hoach/")
		}
		own := save(province, "46", "05/KH-UBND", "k-pub-1", false)
		if again := save(province, "46", "05/KH-UBND", "k-pub-1", false); again != own { // the same form posted again
			t.Errorf("the retried form saved %s, want %s", again, own)
		}
		internal := save(province, "46-BCS", "162-KH/BCS", "k-pub-2", false)
		shown := save(province, "46-TU", "09-CT/TU", "k-pub-3", true)
		mine := save(commune, demo.CommuneCode, "12/KH-UBND", "k-pub-4", false)
		if n := db.Count(t, d, "select count(*) from plans"); n != 4 {
			t.Fatalf("%d plans, want 4", n)
		}
		if n := db.Count(t, d, "select count(*) from public_record where kind = 'plan.published' and object_id = '"+own+"'"); n != 1 {
			t.Errorf("the province's plan is %d times on the public record, want once", n)
		}
		if n := db.Count(t, d, "select count(*) from public_record where kind = 'plan.published'"); n != 3 {
			t.Errorf("%d plans on the public record, want 3", n)
		}
		if n := db.Count(t, d, "select count(*) from public_record where object_id = '"+internal+"'"); n != 0 {
			t.Errorf("the internal plan is on the public record")
		}
		// The task goes to every commune: counted on the public page.
		p, err := a.Plans.Get(ctx, officialActor(t, a, "tinh@danchu.demo"), mustID(t, own))
		if err != nil || len(p.Tasks) != 1 {
			t.Fatalf("plan %v", err)
		}
		planURL := "/quan-tri/ke-hoach/" + own
		if code, _, _ := province.Post(planURL, fmt.Sprintf("%s/nhiem-vu/%d/giao", planURL, p.Tasks[0].ID), url.Values{"all": {"1"}, "key": {"k-pub-5"}}); code != http.StatusSeeOther {
			t.Fatalf("assign: %d", code)
		}
		assigned := db.Count(t, d, "select count(*) from plan_assignments")
		if code, page, _ := province.Get(planURL); code != http.StatusOK || !strings.Contains(page, `href="/tinh/46/ke-hoach/`+own+`"`) {
			t.Errorf("the back-office page does not link its public page: %d", code)
		}
		if code, page, _ := province.Get("/quan-tri/ke-hoach/" + internal); code != http.StatusOK || !strings.Contains(page, "Không công khai") {
			t.Errorf("the back-office page of the internal plan: %d", code)
		}

		// The lists.
		code, page, _ := visitor.Get("/tinh/46/ke-hoach")
		if code != http.StatusOK || !strings.Contains(page, "05/KH-UBND") || !strings.Contains(page, "09-CT/TU") || strings.Contains(page, "162-KH/BCS") ||
			strings.Contains(page, internal) || strings.Contains(page, "12/KH-UBND") {
			t.Errorf("/tinh/46/ke-hoach: %d %s", code, page)
		}
		if strings.Index(page, "09-CT/TU") > strings.Index(page, "05/KH-UBND") {
			t.Error("the province's list is not newest first")
		}
		code, page, _ = visitor.Get("/xa/" + demo.CommuneCode + "/ke-hoach")
		if code != http.StatusOK || !strings.Contains(page, `href="/xa/`+demo.CommuneCode+`/ke-hoach/`+mine+`"`) || strings.Contains(page, "05/KH-UBND") {
			t.Errorf("the commune's list: %d", code)
		}
		if code, page, _ := visitor.Get("/tinh/46/ke-hoach?truoc=" + shown); code != http.StatusOK || !strings.Contains(page, "05/KH-UBND") || strings.Contains(page, "09-CT/TU") {
			t.Errorf("the list's next page: %d", code)
		}
		// The plan page and its files.
		pub := "/tinh/46/ke-hoach/" + own
		code, page, _ = visitor.Get(pub)
		// The deadline (31/03/2026) has passed on the machine's clock: every assignment not done is late.
		for _, want := range []string{"KẾ HOẠCH 05/KH-UBND", "Xây dựng kế hoạch thực hiện của xã", "Nguyễn Văn A", "31/03/2026",
			fmt.Sprintf("%d lượt giao việc: 0 đã hoàn thành, 0 đang thực hiện, 0 chưa bắt đầu, %d quá hạn.", assigned, assigned)} {
			if code != http.StatusOK || !strings.Contains(page, want) {
				t.Errorf("public plan page: %d, no %q", code, want)
			}
		}
		for _, never := range []string{"Cán bộ", "/quan-tri/", "tinh@danchu.demo"} {
			if strings.Contains(page, never) {
				t.Errorf("public plan page shows %q", never)
			}
		}
		if code, body, hd := visitor.Get(pub + ".pdf"); code != http.StatusOK || body != "PDF KẾ HOẠCH 05/KH-UBND" || hd.Get("Content-Type") != "application/pdf" {
			t.Errorf("public pdf: %d %q", code, body)
		}
		if code, body, _ := visitor.Get(pub + ".docx"); code != http.StatusOK || body != "DOCX KẾ HOẠCH 05/KH-UBND" {
			t.Errorf("public docx: %d %q", code, body)
		}
		if code, _, _ := visitor.Get("/tinh/46/ke-hoach/" + shown); code != http.StatusOK {
			t.Errorf("the disclosed directive: %d", code)
		}
		// Not public, or not of this territory: 404 on every address.
		var bad []string
		for _, id := range []string{internal, "123456789", "abc", "-1"} {
			bad = append(bad, "/tinh/46/ke-hoach/"+id)
		}
		bad = append(bad, "/xa/"+demo.CommuneCode+"/ke-hoach/"+own, "/xa/"+demo.SecondCode+"/ke-hoach/"+mine, "/tinh/01/ke-hoach/"+own,
			"/tinh/01/ke-hoach/"+mine, "/tinh/46/ke-hoach/"+mine, "/xa/46/ke-hoach", "/tinh/"+demo.CommuneCode+"/ke-hoach",
			"/xa/"+demo.CommuneCode+"-01/ke-hoach", "/xa/99999/ke-hoach", "/tinh/46-BCS/ke-hoach", "/xa/46/ke-hoach/"+own)
		for _, path := range bad {
			for _, ext := range []string{"", ".pdf", ".docx"} {
				if strings.HasSuffix(path, "/ke-hoach") && ext != "" {
					continue
				}
				if code, page, _ := visitor.Get(path + ext); code != http.StatusNotFound || strings.Contains(page, "162-KH/BCS") {
					t.Errorf("%s%s: %d, want 404", path, ext, code)
				}
			}
		}
		// The open data and the public record.
		for _, u := range []string{"/api/v1/units/46/plans", "/api/v1/units/46/plans?format=csv", "/minh-bach.json", "/minh-bach", "/du-lieu-mo?tinh=46"} {
			code, body, _ := visitor.Get(u)
			if code != http.StatusOK || strings.Contains(body, internal) || strings.Contains(body, "162-KH/BCS") {
				t.Errorf("%s: %d, or the internal plan shows", u, code)
			}
		}
		_, body, _ := visitor.Get("/api/v1/units/46/plans")
		var list struct{ Items []plans.PlanRow }
		if err := json.Unmarshal([]byte(body), &list); err != nil || len(list.Items) != 2 {
			t.Fatalf("the plans dataset: %v %s", err, body)
		}
		if r := list.Items[1]; r.Number != "05/KH-UBND" || r.ID != own || r.IssuerName != "Thành phố Huế" || r.Tasks != 1 || r.Assignments != assigned ||
			r.Done+r.InProgress+r.NotStarted+r.Late != assigned || r.URL != pub {
			t.Errorf("the province plan's row %+v", r)
		}
		if _, page, _ := visitor.Get("/minh-bach"); strings.Count(page, "Công khai kế hoạch") != 3 {
			t.Errorf("the public record page shows %d published plans, want 3", strings.Count(page, "Công khai kế hoạch"))
		}
		if code, _, _ := visitor.Get("/api/v1/units/" + demo.CommuneCode + "-01/plans"); code != http.StatusNotFound {
			t.Errorf("a village's plans: %d", code)
		}
		// The homes link the lists.
		for _, c := range []struct{ home, link string }{{"/tinh/46", "/tinh/46/ke-hoach"}, {"/xa/" + demo.CommuneCode, "/xa/" + demo.CommuneCode + "/ke-hoach"}} {
			if _, page, _ := visitor.Get(c.home); !strings.Contains(page, `href="`+c.link+`"`) {
				t.Errorf("%s does not link %s", c.home, c.link)
			}
		}
	})
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	var id int64
	if _, err := fmt.Sscan(s, &id); err != nil {
		t.Fatal(err)
	}
	return id
}
