package app_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/web/webtest"
)

var csrfField = regexp.MustCompile(`name="csrf" value="([A-Z2-7]+)"`)

// kind is a form's action with its household, role or account number left out.
func kind(action string) string {
	return regexp.MustCompile(`/(ho-gia-dinh|can-bo|tai-khoan)/\d+`).ReplaceAllString(action, "/$1/N")
}

// TestFormsOfferedOnlyToWhomTheyServe signs in each demo role and reads the
// back-office pages of decision (a matter awaiting recognition),
// consultation, disclosure, feedback and office. Every form a page shows
// posts without a refusal (not 403 or 404: it may still be invalid as
// sent), and every form the page shows another role but not this one is
// refused (403 or 404): what a page offers is the guard's decision.
func TestFormsOfferedOnlyToWhomTheyServe(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		// Many posts from one address: the write limit is not what is tested here.
		a, srv := siteWith(t, d, &config.Config{DataDir: t.TempDir(), LimitWrites: 100_000, LimitSignIn: 100_000}, io.Discard)
		ctx := t.Context()
		commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
		village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")

		// A village matter voted at a meeting, counted and submitted: it awaits the commune's recognition.
		head := signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/quyet-dinh", village.OfficeKey())
		code, _, hd := head.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Giờ mở cửa nhà văn hóa"}})
		if code != http.StatusSeeOther {
			t.Fatalf("propose: %d", code)
		}
		matter := hd.Get("Location")
		day := time.Now().AddDate(0, 0, 3)
		if code, _, _ := head.Post(matter, matter+"/thong-bao", url.Values{"village": {fmt.Sprint(village.ID)}, "method": {"meeting"},
			"held_on": {day.Format("2006-01-02")}}); code != http.StatusSeeOther {
			t.Fatalf("notice: %d", code)
		}
		d.Now = func() time.Time { return day.Add(time.Hour) }
		head = signIn(t, srv, "truongthon@danchu.demo", demo.Password)
		_, page, _ := head.Get(matter)
		count := regexp.MustCompile(`action="(/quan-tri/bieu-quyet/\d+/ket-qua)"`).FindStringSubmatch(page)
		if count == nil {
			t.Fatal("no count form for the village head")
		}
		households := db.Count(t, d, "select count(*) from households where village_id = $1 and active", village.ID)
		if code, _, _ := head.Post(matter, count[1], url.Values{"present": {fmt.Sprint(households)}, "agree": {fmt.Sprint(households)}, "disagree": {"0"}, "other": {"0"},
			"committee": {"A\nB\nC"}, "secretary": {"D"}}); code != http.StatusSeeOther {
			t.Fatalf("count: %d", code)
		}
		if code, _, _ := head.Post(matter, matter+"/gui", url.Values{"head": {"A"}, "front": {"B"}, "rep1": {"C"}, "rep2": {"D"}, "confirm": {"1"}}); code != http.StatusSeeOther {
			t.Fatalf("submit: %d", code)
		}
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		consult := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
		code, _, hd = official.Post(consult, consult, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế"}, "parts": {"## I\nA"},
			"forms": {"online"}, "closes_on": {day.AddDate(0, 0, 30).Format("2006-01-02")}})
		if code != http.StatusSeeOther {
			t.Fatalf("open a consultation: %d", code)
		}
		pages := []string{
			matter,
			hd.Get("Location"),
			fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey()),
			fmt.Sprintf("/quan-tri/don-vi/%s/phan-anh", commune.OfficeKey()),
			fmt.Sprintf("/quan-tri/don-vi/%s/ho-gia-dinh", village.OfficeKey()),
		}
		// The province administrator last: the office's forms it is shown lock and revoke.
		roles := []string{"truongthon", "xa", "mattran", "thanhtra", "xem", "tinh"}
		type seen struct {
			b     *webtest.Browser
			csrf  string
			forms map[string][]webtest.Form // page -> the post forms it shows this role
		}
		views := map[string]seen{}
		shownTo := map[string][]string{} // page -> every form action shown to some role
		for _, role := range roles {
			b := signIn(t, srv, role+"@danchu.demo", demo.Password)
			_, home, _ := b.Get("/quan-tri")
			s := seen{b: b, forms: map[string][]webtest.Form{}}
			if m := csrfField.FindStringSubmatch(home); m != nil {
				s.csrf = m[1]
			}
			for _, p := range pages {
				code, body, _ := b.Get(p)
				if code != http.StatusOK {
					continue
				}
				for _, f := range webtest.Forms(body) {
					if f.Method != "post" || f.Action == "/dang-xuat" {
						continue
					}
					if f.Action == "" {
						f.Action = p
					}
					// One form of each kind (a list of households shows the same two on every row).
					if slices.ContainsFunc(s.forms[p], func(g webtest.Form) bool { return kind(g.Action) == kind(f.Action) }) {
						continue
					}
					s.forms[p] = append(s.forms[p], f)
					if !slices.ContainsFunc(shownTo[p], func(a string) bool { return kind(a) == kind(f.Action) }) {
						shownTo[p] = append(shownTo[p], f.Action)
					}
				}
			}
			views[role] = s
		}
		if !slices.Contains(shownTo[matter], matter+"/cong-nhan") {
			t.Fatalf("no role is offered the recognition form: %v", shownTo[matter])
		}
		// Not shown, refused: before anything else is posted.
		for _, role := range roles {
			s := views[role]
			for _, p := range pages {
				for _, action := range shownTo[p] {
					if slices.ContainsFunc(s.forms[p], func(f webtest.Form) bool { return kind(f.Action) == kind(action) }) {
						continue
					}
					if code, _, _ := s.b.Post("", action, url.Values{"csrf": {s.csrf}}); code != http.StatusForbidden && code != http.StatusNotFound {
						t.Errorf("%s is not shown the form %s on %s, but its post answers %d, not a refusal", role, action, p, code)
					}
				}
			}
		}
		// Shown, served.
		for _, role := range roles {
			s := views[role]
			for _, p := range pages {
				for _, f := range s.forms[p] {
					v := f.Values()
					if code, body, _ := s.b.Post("", f.Action, v); code == http.StatusForbidden || code == http.StatusNotFound || code >= 500 {
						t.Errorf("%s is shown the form %s on %s, and its post is refused: %d %s", role, f.Action, p, code, strings.TrimSpace(mainOf(body)))
					}
				}
			}
		}
	})
}
