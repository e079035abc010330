//go:build e2e

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/auth"
	"danchu/internal/consultation"
	"danchu/internal/decision"
	"danchu/internal/demo"
	"danchu/internal/legal"
)

// icalEvent is an event as ical.js (e2e/ical/parse.mjs) understood it.
type icalEvent struct {
	UID, Summary, Description, Location, URL string
	AllDay                                   bool
	Start, End                               string
	Status, Transp                           string
	Sequence                                 int
	Dtstamp, LastModified                    string
	Categories                               []string
}

// TestCalendarIndependentParser reads a commune's calendar with ical.js, a
// parser written for Thunderbird, not for danchu: every vote of the commune's
// matters and every public consultation is there with its days, title, page
// and dates as the database has them; a title full of what iCalendar escapes,
// long enough to be folded through Vietnamese letters, comes back whole.
func TestCalendarIndependentParser(t *testing.T) {
	dir, _ := filepath.Abs("ical")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "ical.js", "dist", "ical.js")); err != nil {
		t.Fatalf("ical.js is not installed: run (cd e2e/ical && npm install) — .ci/run does: %v", err)
	}
	a, _ := startDemo(t)
	ctx := context.Background()
	commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := a.DB.QueryRowContext(ctx, "select id from accounts where email = $1", "xa@danchu.demo").Scan(&id); err != nil {
		t.Fatal(err)
	}
	official := &auth.Actor{AccountID: id, Kind: auth.Official, Grants: []auth.Grant{{Role: auth.CommuneOfficial, UnitID: commune.ID}}}
	today := legal.Today(time.Now())
	tricky := `Dự thảo "Quy chế; phối hợp", điều 1, 2 \ 3 — ` + strings.Repeat("bảo vệ môi trường, giữ gìn cảnh quan thôn xóm ", 3)
	tricky = strings.TrimSpace(tricky)
	c, err := a.Consult.Open(ctx, official, consultation.Draft{UnitID: commune.ID, Subject: 1, Title: tricky,
		Intro: "Dòng một.\nDòng hai; có dấu phẩy, chấm phẩy.", Parts: []consultation.Part{{Heading: "Điều 1", Body: "Nội dung."}},
		Forms: []string{"online"}, ClosesOn: today.AddDays(25).String()})
	if err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command("node", filepath.Join(dir, "parse.mjs"), a.URL()+"/xa/"+demo.CommuneCode+"/lich.ics")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("ical.js: %v\n%s", err, stderr)
	}
	var got struct {
		ContentType, Name, Calname, Version string
		RefreshSeconds                      int
		Events                              []icalEvent
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("parser output: %v\n%s", err, out)
	}
	if got.ContentType != "text/calendar; charset=utf-8" || got.Version != "2.0" || got.Name != "Lịch "+commune.Name || got.Calname != got.Name ||
		got.RefreshSeconds != 6*3600 {
		t.Errorf("calendar: %+v", got)
	}
	byUID := map[string]icalEvent{}
	host := strings.TrimPrefix(a.URL(), "http://")
	for _, e := range got.Events {
		byUID[e.UID] = e
		if !e.AllDay || e.Status != "CONFIRMED" || e.Sequence != 0 || e.Dtstamp == "" || e.Dtstamp != e.LastModified || !strings.HasPrefix(e.URL, a.URL()+"/") {
			t.Errorf("event as ical.js read it: %+v", e)
		}
	}
	day := func(d legal.Date) string { return d.String() }
	want := 0

	tree, err := a.Units.Tree(ctx)
	if err != nil {
		t.Fatal(err)
	}
	matters, err := a.Decide.List(ctx, commune.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	methods := map[decision.Method]string{decision.Meeting: "Họp cộng đồng dân cư", decision.Ballot: "Phát phiếu lấy ý kiến hộ gia đình", decision.Online: "Biểu quyết trực tuyến"}
	for _, m := range matters {
		votes, err := a.Decide.Votes(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range votes {
			want++
			e, ok := byUID[fmt.Sprintf("vote-%d@%s", v.ID, host)]
			first := v.HeldOn
			if v.Method == decision.Online {
				first = v.NoticedOn
			}
			village, _ := tree.Unit(v.VillageID)
			if !ok || e.Summary != methods[v.Method]+": "+m.Title || e.Start != day(first) || e.End != day(v.HeldOn.AddDays(1)) ||
				e.URL != a.URL()+decision.URL(m.ID) || !strings.Contains(e.Location, village.Name+", "+commune.Name) ||
				!strings.Contains(e.Description, fmt.Sprintf("%d hộ có quyền biểu quyết", v.Households)) || len(e.Categories) != 1 {
				t.Errorf("vote %d (%s %s–%s, %s) read by ical.js as %+v", v.ID, v.Method, first, v.HeldOn, m.Title, e)
			}
		}
	}
	cs, err := a.Consult.List(ctx, commune.ID, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range cs {
		want++
		e, ok := byUID[fmt.Sprintf("consultation-%d@%s", x.ID, host)]
		if !ok || e.Summary != "Lấy ý kiến: "+x.Title || e.Start != day(x.OpensOn) || e.End != day(x.ClosesOn.AddDays(1)) || e.Transp != "TRANSPARENT" ||
			e.URL != fmt.Sprintf("%s/lay-y-kien/%d", a.URL(), x.ID) {
			t.Errorf("consultation %d (%s–%s, %q) read by ical.js as %+v", x.ID, x.OpensOn, x.ClosesOn, x.Title, e)
		}
	}
	if len(got.Events) != want || want < 6 {
		t.Errorf("ical.js read %d events; the commune's lists have %d", len(got.Events), want)
	}
	// The title with quotes, ; , \ and a long run of Vietnamese letters, and the intro's line break.
	e := byUID[fmt.Sprintf("consultation-%d@%s", c.ID, host)]
	if e.Summary != "Lấy ý kiến: "+tricky || !strings.Contains(e.Description, "hết ngày "+today.AddDays(25).VN()+".\nDòng một. Dòng hai; có dấu phẩy, chấm phẩy.\n") {
		t.Errorf("the escaped, folded title or intro came back as %q / %q", e.Summary, e.Description)
	}
}
