package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// icsEvents reads the VEVENTs of a calendar: each property by its name, with
// its parameters ("DTSTART;VALUE=DATE"), its value unfolded.
func icsEvents(t *testing.T, body string) []map[string]string {
	t.Helper()
	if strings.Count(body, "\n") != strings.Count(body, "\r\n") {
		t.Fatal("calendar has lines not ended by CRLF")
	}
	var out []map[string]string
	var ev map[string]string
	for _, l := range strings.Split(strings.ReplaceAll(body, "\r\n ", ""), "\r\n") {
		name, value, _ := strings.Cut(l, ":")
		switch {
		case l == "BEGIN:VEVENT":
			ev = map[string]string{}
		case l == "END:VEVENT":
			out = append(out, ev)
			ev = nil
		case ev != nil:
			ev[name] = value
		}
	}
	return out
}

func TestCommuneCalendar(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := livingDemo(t, d)
		visitor := webtest.New(t, srv.URL)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		get := func(path string) []map[string]string {
			t.Helper()
			code, body, h := visitor.Get(path)
			if code != http.StatusOK || h.Get("Content-Type") != "text/calendar; charset=utf-8" {
				t.Fatalf("%s: %d %s", path, code, h.Get("Content-Type"))
			}
			if h.Get("Set-Cookie") != "" {
				t.Errorf("%s sets a cookie: %s", path, h.Get("Set-Cookie"))
			}
			if !strings.HasPrefix(body, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") || !strings.HasSuffix(body, "END:VCALENDAR\r\n") {
				t.Fatalf("%s is not one VCALENDAR:\n%.300s", path, body)
			}
			return icsEvents(t, body)
		}
		events := get("/xa/" + demo.CommuneCode + "/lich.ics")
		byUID := map[string]map[string]string{}
		for _, e := range events {
			if byUID[e["UID"]] != nil {
				t.Errorf("UID %s twice", e["UID"])
			}
			byUID[e["UID"]] = e
			if e["DTSTAMP"] == "" || e["SUMMARY;LANGUAGE=vi"] == "" || !strings.HasPrefix(e["URL;VALUE=URI"], srv.URL+"/") || e["SEQUENCE"] != "0" ||
				e["LAST-MODIFIED"] == "" || e["STATUS"] != "CONFIRMED" {
				t.Errorf("event lacks what it should say: %v", e)
			}
		}
		host := strings.TrimPrefix(srv.URL, "http://")
		date := func(d legal.Date) string { return strings.ReplaceAll(d.String(), "-", "") }

		// Every vote of the commune's matters is there, on its day, linking to its matter.
		matters, err := a.Decide.List(ctx, commune.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := 0
		for _, m := range matters {
			votes, err := a.Decide.Votes(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range votes {
				want++
				e := byUID[fmt.Sprintf("vote-%d@%s", v.ID, host)]
				first := v.HeldOn
				if v.Method == decision.Online {
					first = v.NoticedOn
				}
				switch {
				case e == nil:
					t.Errorf("vote %d (%s, %s) is not in the calendar", v.ID, v.Method, m.Title)
				case e["DTSTART;VALUE=DATE"] != date(first) || e["DTEND;VALUE=DATE"] != date(v.HeldOn.AddDays(1)):
					t.Errorf("vote %d on %s–%s: DTSTART %s DTEND %s", v.ID, first, v.HeldOn, e["DTSTART;VALUE=DATE"], e["DTEND;VALUE=DATE"])
				case e["URL;VALUE=URI"] != srv.URL+decision.URL(m.ID) || !strings.Contains(e["SUMMARY;LANGUAGE=vi"], strings.NewReplacer(",", `\,`, ";", `\;`).Replace(m.Title)):
					t.Errorf("vote %d: URL %s, summary %s; want the matter %q", v.ID, e["URL;VALUE=URI"], e["SUMMARY;LANGUAGE=vi"], m.Title)
				case v.Method == decision.Meeting && e["TRANSP"] != "OPAQUE":
					t.Errorf("a meeting is not busy time: %v", e)
				case v.Status == decision.StatusClosed && !strings.Contains(e["DESCRIPTION;LANGUAGE=vi"], "Kết quả") && !strings.Contains(e["DESCRIPTION;LANGUAGE=vi"], "kiểm phiếu") &&
					!strings.Contains(e["DESCRIPTION;LANGUAGE=vi"], "không đủ số hộ"):
					t.Errorf("counted vote %d says nothing of its outcome: %s", v.ID, e["DESCRIPTION;LANGUAGE=vi"])
				}
			}
		}
		// Every public consultation, over its window.
		cs, err := a.Consult.List(ctx, commune.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			want++
			e := byUID[fmt.Sprintf("consultation-%d@%s", c.ID, host)]
			if e == nil || e["DTSTART;VALUE=DATE"] != date(c.OpensOn) || e["DTEND;VALUE=DATE"] != date(c.ClosesOn.AddDays(1)) || e["TRANSP"] != "TRANSPARENT" ||
				e["URL;VALUE=URI"] != fmt.Sprintf("%s/lay-y-kien/%d", srv.URL, c.ID) {
				t.Errorf("consultation %d (%s–%s) in the calendar as %v", c.ID, c.OpensOn, c.ClosesOn, e)
			}
		}
		if want < 5 || len(events) != want {
			t.Errorf("the calendar has %d events, the commune's lists %d", len(events), want)
		}

		// A narrower span holds exactly the events whose days meet it, for each source.
		var all []decision.Vote
		for _, m := range matters {
			vs, _ := a.Decide.Votes(ctx, m.ID)
			all = append(all, vs...)
		}
		for _, v := range all {
			from, to := v.HeldOn, v.HeldOn
			wantKeys := map[string]bool{}
			for _, w := range all {
				if !w.HeldOn.Before(from) && !to.Before(w.NoticedOn) {
					wantKeys[fmt.Sprintf("vote-%d", w.ID)] = true
				}
			}
			for _, c := range cs {
				if !c.ClosesOn.Before(from) && !to.Before(c.OpensOn) {
					wantKeys[fmt.Sprintf("consultation-%d", c.ID)] = true
				}
			}
			ve, err := a.Decide.Events(ctx, commune, from, to)
			if err != nil {
				t.Fatal(err)
			}
			ce, err := a.Consult.Events(ctx, commune, from, to)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, e := range append(ve, ce...) {
				got[e.Key] = true
			}
			if fmt.Sprint(got) != fmt.Sprint(wantKeys) {
				t.Errorf("span %s–%s: events %v, want %v", from, to, got, wantKeys)
			}
		}

		// A consultation made staff-only is gone; the second commune's calendar holds none of Đan Điền's events.
		if len(cs) == 0 {
			t.Fatal("the demo has no consultation in Đan Điền")
		}
		if _, err := d.Raw().ExecContext(ctx, "update consultations set staff_only = true where id = $1", cs[0].ID); err != nil {
			t.Fatal(err)
		}
		for _, e := range get("/xa/" + demo.CommuneCode + "/lich.ics") {
			if e["UID"] == fmt.Sprintf("consultation-%d@%s", cs[0].ID, host) {
				t.Errorf("a staff-only consultation is in the public calendar: %v", e)
			}
		}
		second := get("/xa/" + demo.SecondCode + "/lich.ics")
		if len(second) == 0 {
			t.Error("the second commune's calendar is empty")
		}
		for _, e := range second {
			if byUID[e["UID"]] != nil {
				t.Errorf("Đan Điền's event %s is in the second commune's calendar", e["UID"])
			}
		}

		// Only communes have one; the commune page links to it.
		for _, p := range []string{"/xa/00000/lich.ics", "/xa/" + demo.CommuneCode + "-01/lich.ics", "/xa/46/lich.ics"} {
			if code, _, _ := visitor.Get(p); code != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", p, code)
			}
		}
		_, page, _ := visitor.Get("/xa/" + demo.CommuneCode)
		for _, w := range []string{`href="/xa/` + demo.CommuneCode + `/lich.ics"`, `href="webcal://` + host + `/xa/` + demo.CommuneCode + `/lich.ics"`,
			"Thêm vào lịch điện thoại", srv.URL + "/xa/" + demo.CommuneCode + "/lich.ics</code>"} {
			if !strings.Contains(page, w) {
				t.Errorf("the commune page lacks %s", w)
			}
		}
	})
}
