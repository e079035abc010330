package app_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

// Pages lead back to where they belong: a consultation and a matter to their
// commune (and village), a village to what it decides, the commune's list of
// matters names each one's village; a tracking code is found however typed.
func TestPagesLinkToTheirUnits(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := demoSite(t, d)
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
		visitor := webtest.New(t, srv.URL)
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		communeURL, villageURL := `href="/xa/`+demo.CommuneCode+`"`, `href="/thon/`+village.Code+`"`

		manage := commune.OfficeURL("lay-y-kien")
		code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế dân chủ xã"},
			"parts": {"## Chương I\nQuy định chung"}, "forms": {"online"}, "closes_on": {time.Now().AddDate(0, 0, 40).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("open a consultation: %d", code)
		}
		if _, page, _ := visitor.Get(strings.Replace(hd.Get("Location"), "/quan-tri", "", 1)); !strings.Contains(page, communeURL) {
			t.Errorf("the consultation page does not link to its commune (%s)", communeURL)
		}

		manage = village.OfficeURL("quyet-dinh")
		code, _, hd = head.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa thôn"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose in the village: %d", code)
		}
		inVillage := strings.Replace(hd.Get("Location"), "/quan-tri", "", 1)
		manage = commune.OfficeURL("quyet-dinh")
		code, _, hd = official.Post(manage, manage, url.Values{"subject": {"1"}, "title": {"Mức đóng góp làm đường liên thôn"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose commune-wide: %d", code)
		}
		communeWide := strings.Replace(hd.Get("Location"), "/quan-tri", "", 1)
		if _, page, _ := visitor.Get(inVillage); !strings.Contains(page, communeURL) || !strings.Contains(page, villageURL) {
			t.Errorf("the matter's page does not link to its commune and village")
		}
		if _, page, _ := visitor.Get(communeWide); !strings.Contains(page, communeURL) {
			t.Errorf("the commune-wide matter's page does not link to its commune")
		}
		_, page, _ := visitor.Get("/xa/" + demo.CommuneCode + "/quyet-dinh")
		for _, want := range []string{`<span>Giờ mở cửa nhà văn hóa thôn</span><span class="kind">` + village.Name, `<span>Mức đóng góp làm đường liên thôn</span><span class="kind">Toàn xã`} {
			if !strings.Contains(page, want) {
				t.Errorf("the commune's list of matters lacks %q", want)
			}
		}
		list := "/xa/" + demo.CommuneCode + "/quyet-dinh?thon=" + village.Code
		if _, page, _ := visitor.Get("/thon/" + village.Code); !strings.Contains(page, `href="`+strings.ReplaceAll(list, "&", "&amp;")+`"`) {
			t.Errorf("the village page does not link to %s", list)
		}
		if code, page, _ := visitor.Get(list); code != 200 || !strings.Contains(page, inVillage) || strings.Contains(page, communeWide) {
			t.Errorf("the village's matters (%s): %d, want the village's matter and not the commune-wide one not voted there yet", list, code)
		}
		if code, _, _ := visitor.Get("/xa/" + demo.CommuneCode + "/quyet-dinh?thon=99999-01"); code != http.StatusNotFound {
			t.Errorf("a village of no such code: %d", code)
		}

		page = "/xa/" + demo.CommuneCode + "/phan-anh"
		code, _, hd = visitor.PostMultipart(page, page, url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "place": {fmt.Sprint(village.ID)},
			"description": {"Đèn đường hỏng"}, "key": {"links-1"}})
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			t.Fatalf("send feedback: %d", code)
		}
		body := strings.TrimPrefix(m[1], "PA-")
		for _, typed := range []string{m[1], strings.ToLower(m[1]), body, strings.ToLower(strings.ReplaceAll(body, "-", " ")), " " + body[:2] + " " + body[2:] + " "} {
			code, _, hd := visitor.Get("/phan-anh?ma=" + url.QueryEscape(typed))
			if code != http.StatusSeeOther || hd.Get("Location") != "/phan-anh/"+m[1] {
				t.Errorf("tracking code typed %q: %d %s", typed, code, hd.Get("Location"))
			}
		}
		if code, _, _ := visitor.Get("/phan-anh?ma=ZZZZZZZZ"); code != http.StatusNotFound {
			t.Errorf("a code of no item: %d", code)
		}
	})
}
