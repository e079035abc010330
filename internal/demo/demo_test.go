package demo_test

import (
	"context"
	"danchu/internal/vault"
	"io"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/decision"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web/webtest"
)

func seed(t *testing.T, d *db.DB) (*app.App, demo.Seeded) {
	t.Helper()
	a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
	keys, err := vault.Parse([]byte(vault.KeyLine(1)))
	if err != nil {
		t.Fatal(err)
	}
	a.SetVault(keys)
	start := time.Now()
	sum, err := demo.Seed(context.Background(), services(a))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seeded in %v", time.Since(start))
	if !sum.Loaded {
		t.Fatal("a fresh database was not seeded")
	}
	return a, sum
}

func services(a *app.App) demo.Services {
	return demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose, Consult: a.Consult, Decide: a.Decide, Feedback: a.Feedback, Steer: a.Steer, Plans: a.Plans, Cases: a.Cases, Receive: a.Receive, Oversee: a.Oversee, Surveys: a.Surveys}
}

func unit(t *testing.T, a *app.App, code string) org.Unit {
	t.Helper()
	u, err := a.Units.UnitByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// The demo leaves every state the product has where a visitor can see it:
// each kind of disclosure, an open and a synthesised consultation, a matter in
// each state, feedback in each status with ratings and a hot spot, non-empty
// statistics, two communes with households; the public record verifies; the
// clock is given back; the pages count the households the start message prints.
func TestSeedShowsEveryState(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, sum := seed(t, d)
		if d.Now().Before(time.Now().Add(-time.Minute)) {
			t.Errorf("the clock was not given back: %v", d.Now())
		}
		commune, second := unit(t, a, demo.CommuneCode), unit(t, a, demo.SecondCode)
		today := legal.Today(time.Now())

		// Disclosures: every category, one amended, one late, one archived, one withdrawn, files attached.
		posted, err := a.Disclose.Board(ctx, commune, disclosure.Posted, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		cats, amended, late := map[int]bool{}, 0, 0
		for _, it := range posted {
			cats[it.Category] = true
			if it.Version > 1 {
				amended++
			}
			if it.Late {
				late++
			}
		}
		for _, c := range disclosure.CommuneCategories {
			if !cats[c.N] {
				t.Errorf("no posted disclosure in category %d (%s)", c.N, c.Name)
			}
		}
		if amended == 0 || late == 0 {
			t.Errorf("posted: %d amended, %d late", amended, late)
		}
		for _, status := range []string{disclosure.Archived, disclosure.Withdrawn} {
			if its, err := a.Disclose.Board(ctx, commune, status, 0, 100); err != nil || len(its) == 0 {
				t.Errorf("no %s disclosure (%v)", status, err)
			}
		}
		files := 0
		for _, it := range posted {
			x, err := a.Disclose.Get(ctx, nil, it.ID)
			if err != nil {
				t.Fatal(err)
			}
			files += len(x.Files)
		}
		if files < 2 {
			t.Errorf("%d files attached to the posted disclosures", files)
		}
		if its, _ := a.Disclose.Board(ctx, second, disclosure.Posted, 0, 100); len(its) == 0 {
			t.Error("the second commune's board is empty")
		}

		// Consultations: one open with answered and unanswered comments and offline opinions; one synthesised.
		open, err := a.Consult.Get(ctx, nil, sum.OpenConsultation)
		if err != nil {
			t.Fatal(err)
		}
		if !open.Taking(today) || open.Answered == 0 || open.Answered >= open.Comments {
			t.Errorf("open consultation: taking %v, %d of %d answered", open.Taking(today), open.Answered, open.Comments)
		}
		cs, err := a.Consult.Comments(ctx, open.ID, 0, 500, false)
		if err != nil {
			t.Fatal(err)
		}
		offline := 0
		for _, c := range cs {
			if c.Source != "online" {
				offline++
			}
		}
		if offline == 0 {
			t.Error("no offline opinion in the open consultation")
		}
		closed, err := a.Consult.Get(ctx, nil, sum.ClosedConsultation)
		if err != nil {
			t.Fatal(err)
		}
		if closed.Status != consultation.Synthesized || closed.Decision == "" || closed.Answered != closed.Comments || closed.Comments == 0 {
			t.Errorf("closed consultation: %s, %d of %d answered, decision %q", closed.Status, closed.Answered, closed.Comments, closed.Decision)
		}

		// Matters in each state.
		ms, err := a.Decide.List(ctx, commune.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		states := map[string]int{}
		for _, m := range ms {
			vs, err := a.Decide.Votes(ctx, m.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, v := range vs {
				if v.Open(today) && v.Method == decision.Online {
					states["voting"]++
				} else if v.Open(today) && today.Before(v.HeldOn) {
					states["noticed"]++
				}
			}
			recog := decision.EffectOf(m.Subject, m.Scope) == decision.OnCommuneRecog || decision.EffectOf(m.Subject, m.Scope) == decision.OnFrontRecog
			switch {
			case m.Status == decision.StatusFailed:
				states["failed"]++
			case decision.InForce(m) && recog:
				states["in force after recognition"]++
			case m.Status == decision.StatusPassed && m.SubmittedOn == "":
				states["counted"]++
			case m.SubmittedOn != "" && m.Recognition == "" && recog:
				states["awaiting recognition"]++
			}
		}
		for _, s := range []string{"noticed", "voting", "counted", "awaiting recognition", "in force after recognition", "failed"} {
			if states[s] == 0 {
				t.Errorf("no matter %s (%v)", s, states)
			}
		}
		if mine, ok, err := a.Decide.Mine(ctx, nil, sum.OpenVote); err != nil || ok || mine.Voted {
			t.Errorf("Mine without an actor: %v %v %v", mine, ok, err)
		}
		if v, err := a.Decide.Vote(ctx, sum.OpenVote); err != nil || v.Method != decision.Online || !v.Open(today) ||
			v.Tally.Agree+v.Tally.Disagree+v.Tally.OtherOpinion != 9 {
			t.Errorf("the open vote (9 households voted): %+v %v", v, err)
		}
		if ms, _ := a.Decide.List(ctx, second.ID, 0, 100); len(ms) == 0 {
			t.Error("the second commune has no matter")
		}

		// Feedback in each status, with ratings, a transfer, a duplicate merged, a reopening.
		items, err := a.Feedback.Requests(ctx, commune, lastDays())
		if err != nil {
			t.Fatal(err)
		}
		statuses, rated, merged, reopened, transferred, photos := map[string]bool{}, 0, 0, 0, 0, 0
		for _, it := range items {
			statuses[it.Status] = true
			photos += it.Photos
			if it.Rating > 0 {
				rated++
			}
			if it.MergedInto != 0 {
				merged++
			}
			if it.Reopened {
				reopened++
			}
			if it.HandlerID == second.ID {
				transferred++
			}
		}
		for _, s := range feedback.Statuses {
			if !statuses[s.Name] {
				t.Errorf("no feedback %s", s.Name)
			}
		}
		if rated < 2 || merged == 0 || reopened == 0 || transferred == 0 || photos < 2 {
			t.Errorf("feedback: %d rated, %d merged, %d reopened, %d transferred, %d photos", rated, merged, reopened, transferred, photos)
		}
		spots, err := a.Feedback.HotSpots(ctx, commune.ID)
		if err != nil || len(spots) == 0 {
			t.Errorf("no hot spot (%v)", err)
		}
		st, err := a.Feedback.Stats(ctx, commune.ID)
		if err != nil {
			t.Fatal(err)
		}
		if st.Received == 0 || st.Answered == 0 || st.Rated == 0 {
			t.Errorf("empty statistics: %+v", st)
		}

		// The demo accounts sign in with the shared password, as before.
		for _, acc := range demo.Accounts {
			if _, err := a.Auth.SignIn(ctx, acc.Email, demo.Password, "127.0.0.1", "test"); err != nil {
				t.Errorf("%s: %v", acc.Email, err)
			}
		}
		if len(sum.Citizens) == 0 {
			t.Error("no citizen represents a household")
		}

		// The public record verifies, vouched rows included.
		n, _, err := a.Audit.Verify(ctx)
		if err != nil || n < 50 {
			t.Errorf("verify: %d entries, %v", n, err)
		}

		// Two communes with households, and the pages count what the start message prints.
		if len(sum.Communes) != 2 {
			t.Fatalf("%d communes", len(sum.Communes))
		}
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		defer srv.Close()
		b := webtest.New(t, srv.URL)
		for _, c := range sum.Communes {
			if c.Active == 0 || c.Active > c.Households {
				t.Errorf("%s: %d active of %d", c.Name, c.Active, c.Households)
			}
			code, page, _ := b.Get("/xa/" + c.Code)
			shown := 0
			for _, m := range regexp.MustCompile(`(\d+) hộ`).FindAllStringSubmatch(page, -1) {
				k, _ := strconv.Atoi(m[1])
				shown += k
			}
			if code != 200 || shown != c.Active {
				t.Errorf("/xa/%s: %d, its villages count %d households, the demo prints %d active", c.Code, code, shown, c.Active)
			}
		}
		for page, want := range map[string]string{
			"/xa/" + demo.CommuneCode + "/cong-khai":         "trễ hạn",
			"/xa/" + demo.CommuneCode + "/cong-khai/luu-tru": "mưa lũ",
			"/xa/" + demo.CommuneCode + "/quyet-dinh":        "Hương ước thôn Đông Phước",
			"/xa/" + demo.CommuneCode + "/phan-anh/thong-ke": "Hài lòng",
			"/minh-bach": "Công nhận kết quả",
		} {
			if code, body, _ := b.Get(page); code != 200 || !strings.Contains(body, want) {
				t.Errorf("%s: %d, lacks %q", page, code, want)
			}
		}
		// The commune's list says where each matter stands (Matter.Stage), not only passed or failed.
		_, list, _ := b.Get("/xa/" + demo.CommuneCode + "/quyet-dinh")
		for _, want := range []string{"Đang bàn, biểu quyết", "Đã thông qua, chờ xã công nhận", "Đã thông qua, có hiệu lực", "Không thông qua"} {
			if !strings.Contains(list, want) {
				t.Errorf("the commune's list of matters does not say %q", want)
			}
		}

		// The province's steering committee: seed 004's positions, one who left, a regulation, a meeting.
		province := unit(t, a, demo.ProvinceCode)
		c, err := a.Steer.CommitteeOf(ctx, province.ID)
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, m := range c.Members {
			lines = append(lines, string(m.Position)+" "+m.Office)
		}
		if got := strings.Join(lines, "|"); got != "head Bí thư Thành ủy|deputy Chủ tịch UBND thành phố|deputy Trưởng Ban Dân vận Thành ủy|"+
			"member Chủ tịch Ủy ban MTTQ Việt Nam thành phố|member Giám đốc Sở Nội vụ" {
			t.Errorf("steering committee: %s", got)
		}
		if c.Regulation == "" || c.RegulationRef.Number != "02-QC/BCĐ" || len(c.Members[2].Units) != 2 {
			t.Errorf("committee %+v", c)
		}
		hist, err := a.Steer.History(ctx, c.ID)
		if err != nil || len(hist) != 8 || hist[0].Kind != "updated" || hist[1].Kind != "left" {
			t.Errorf("history %d lines, %v", len(hist), err)
		}
		if ms, err := a.Steer.Meetings(ctx, c.ID); err != nil || len(ms) != 1 || len(ms[0].Attendees) != 4 || ms[0].Conclusions == "" {
			t.Errorf("meetings %+v, %v", ms, err)
		}

		// Plans: the seeds issued by the province's bodies, the province's own
		// plan assigned to every commune (one done with evidence, one in
		// progress, one late), and Đan Điền's plan implementing it.
		if sum.Plans != 5 {
			t.Errorf("%d plans issued", sum.Plans)
		}
		for _, sp := range demo.SeedPlans {
			items, err := a.Plans.UnitPlans(ctx, unit(t, a, demo.ProvinceCode+"-"+sp.Body).ID, 0, 10)
			if err != nil || len(items) != 1 {
				t.Errorf("plans of %s: %+v, %v", sp.Body, items, err)
			}
		}
		issued, err := a.Plans.UnitPlans(ctx, province.ID, 0, 10)
		if err != nil || len(issued) != 1 || issued[0].Number != "05/KH-UBND" {
			t.Fatalf("the province's plans: %+v, %v", issued, err)
		}
		// Public (LDC Art 11): the province's and Đan Điền's people's committees'
		// plans, each once on the public record; the bodies' seed plans stay internal.
		if pub, err := a.Plans.PublicPlans(ctx, province, 0, 10); err != nil || len(pub) != 1 || pub[0].Number != "05/KH-UBND" {
			t.Errorf("the province's public plans: %+v, %v", pub, err)
		}
		if pub, err := a.Plans.PublicPlans(ctx, commune, 0, 10); err != nil || len(pub) != 1 || pub[0].Number != "12/KH-UBND" {
			t.Errorf("Đan Điền's public plans: %+v, %v", pub, err)
		}
		if n := db.Count(t, a.DB, "select count(*) from public_record where kind = 'plan.published'"); n != 2 {
			t.Errorf("%d plans on the public record, want 2", n)
		}
		in, err := a.Auth.SignIn(ctx, "tinh@danchu.demo", demo.Password, "127.0.0.1", "test")
		if err != nil {
			t.Fatal(err)
		}
		_, tinh, err := a.Auth.Session(ctx, in.Token)
		if err != nil {
			t.Fatal(err)
		}
		dash, err := a.Plans.Dashboard(ctx, tinh, issued[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		communes := 0
		tree, _ := a.Units.Tree(ctx)
		for _, u := range tree.Descendants(province.ID) {
			if u.Type.Level() == org.CommuneLevel {
				communes++
			}
		}
		tp := dash.Tasks[0]
		if tp.Assigned != communes || tp.Done != 1 || tp.InProgress != 1 || tp.Late != 1 || dash.WithPlan != 1 {
			t.Errorf("dashboard: %d communes; first task %+v; %d with their own plan", communes, tp, dash.WithPlan)
		}
		mine, err := a.Plans.UnitAssignments(ctx, commune.ID, 0, 10)
		if err != nil || len(mine) != 1 || mine[0].Status != "done" {
			t.Fatalf("Đan Điền's assignments: %+v, %v", mine, err)
		}
		if _, f, err := a.Plans.ReportFile(ctx, tinh, mine[0].ID, reportOf(t, a, mine[0].ID), 1); err != nil {
			t.Errorf("the evidence file: %v", err)
		} else {
			f.Close()
		}
		lateOnes, err := a.Plans.UnitAssignments(ctx, unit(t, a, demo.LateCommuneCode).ID, 0, 10)
		if err != nil || len(lateOnes) != 1 || !lateOnes[0].Late(today) {
			t.Errorf("the late commune's assignment: %+v, %v", lateOnes, err)
		}
	})
}

// A second load on a database that has data writes nothing.
func TestSeedTwiceLoadsNothing(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, _ := seed(t, d)
		before, head, err := a.Audit.Verify(ctx)
		if err != nil {
			t.Fatal(err)
		}
		items, _ := a.Feedback.Requests(ctx, unit(t, a, demo.CommuneCode), lastDays())
		again, err := demo.Seed(ctx, services(a))
		if err != nil || again.Loaded || again.Disclosures != 0 || len(again.Citizens) != 0 {
			t.Fatalf("second load: %+v, %v", again, err)
		}
		after, head2, err := a.Audit.Verify(ctx)
		if err != nil || after != before || head2 != head {
			t.Errorf("the public record moved: %d → %d entries (%v)", before, after, err)
		}
		items2, _ := a.Feedback.Requests(ctx, unit(t, a, demo.CommuneCode), lastDays())
		if len(items2) != len(items) {
			t.Errorf("feedback items: %d → %d", len(items), len(items2))
		}
	})
}

// The story's every step is allowed by the services whatever today is: the
// 60 days across Tết, across the new year, across a 29 February.
func TestSeedAnyDay(t *testing.T) {
	for _, day := range []string{"2026-03-10", "2027-01-05", "2028-03-01", "2026-05-04"} {
		t.Run(day, func(t *testing.T) {
			d := db.OpenTest(t, db.SQLite)
			a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
			t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
			now, err := time.Parse(time.DateTime, day+" 09:30:00")
			if err != nil {
				t.Fatal(err)
			}
			sum, err := demo.SeedAt(context.Background(), services(a), now)
			if err != nil || !sum.Loaded || sum.Matters != 10 || sum.Feedback == 0 {
				t.Fatalf("seeded as of %s: %+v, %v", day, sum, err)
			}
			if _, _, err := a.Audit.Verify(context.Background()); err != nil {
				t.Error(err)
			}
		})
	}
}

// lastDays selects the feedback of the seeded 60 days (Open311's list spans
// 90 days at most).
func lastDays() feedback.RequestFilter {
	now := time.Now()
	return feedback.RequestFilter{Start: now.AddDate(0, 0, -89).UnixMilli(), End: now.Add(time.Hour).UnixMilli()}
}

// reportOf is the latest report of an assignment, which must carry a file.
func reportOf(t *testing.T, a *app.App, assignment int64) int64 {
	t.Helper()
	rs, err := a.Plans.Reports(context.Background(), assignment)
	if err != nil || len(rs) == 0 || len(rs[0].Files) != 1 || rs[0].Files[0].ContentType != "application/pdf" {
		t.Fatalf("reports of %d: %+v, %v", assignment, rs, err)
	}
	return rs[0].ID
}

// TestSeedCases: the demo's complaints and denunciations, written through
// casework, show each part of it at work: a published conclusion and a
// published second-instance decision, a feedback item converted, a case
// refused out of time, anonymous information checked, a vault read with its
// reason, and a case still waiting to be accepted.
func TestSeedCases(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		for _, c := range []struct {
			what, q string
			want    int
		}{
			{"cases", "select count(*) from cases", 9}, // with the two that reception answers opened
			{"entered at the reception desk", "select count(*) from cases where channel = 'desk' and source = 'Tiếp công dân'", 2},
			{"published", "select count(*) from case_publications", 2},
			{"second instance", "select count(*) from cases where instance = 2 and status = 'sent'", 1},
			{"converted from feedback", "select count(*) from cases where feedback_id is not null and channel = 'feedback' and status = 'accepted'", 1},
			{"out of time", "select count(*) from cases where out_of_time and status = 'refused'", 1},
			{"information checked", "select count(*) from cases where kind = 'information' and status = 'checked'", 1},
			{"waiting", "select count(*) from cases where status = 'received'", 3},
			{"vault reads with a reason", "select count(*) from case_vault_reads where what = 'identity' and reason <> '' and allowed", 1},
			{"on the public record", "select count(*) from public_record where kind = 'case.published'", 2},
		} {
			var n int
			if err := d.QueryRow(c.q).Scan(&n); err != nil || n != c.want {
				t.Errorf("%s: %d, want %d (%v)", c.what, n, c.want, err)
			}
		}
	})
}

// TestSeedReception: the demo's citizen reception, written through the
// reception service, shows each part of it at work.
func TestSeedReception(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d)
		for _, c := range []struct {
			what, q string
			want    int
		}{
			{"leaders", "select count(*) from reception_leaders where active", 3},
			{"offices", "select count(*) from reception_offices", 2},
			{"a session moved, with its notice", "select count(*) from reception_sessions where status = 'moved' and notice <> '' and moved_to is not null", 1},
			{"a session missed", "select count(*) from reception_sessions where status = 'missed'", 1},
			{"a mixed petition split, both halves sealed", "select count(*) from reception_visits where sealed and name = '' and identity <> ''", 2},
			{"a mass visit transferred", "select count(*) from reception_visits where mass and outcome = 'transferred' and transferred_to <> ''", 1},
			{"answers that opened a case or an item", "select count(*) from reception_visits where case_code <> ''", 3},
			{"entries waiting", "select count(*) from reception_visits where outcome = ''", 2},
			{"bookings ahead", "select count(*) from reception_bookings where status = 'booked'", 2},
			{"bookings received", "select count(*) from reception_bookings where status = 'received'", 2},
			{"on the public record", "select count(*) from public_record where kind = 'reception.moved'", 1},
			{"a dialogue held", "select count(*) from reception_meetings where kind = 'dialogue' and status = 'held'", 1},
			{"conferences held, told in time, plans sent", "select count(*) from reception_meetings where kind = 'conference' and status = 'held' and noticed_on <> '' and plan_sent <> ''", 2},
			{"a conference planned ahead", "select count(*) from reception_meetings where kind = 'conference' and status = 'planned'", 1},
			{"a question answered, a commitment open", "select count(*) from reception_meeting_items where (kind = 'question' and done_on <> '') or (kind = 'commitment' and done_on = '')", 2},
		} {
			var n int
			if err := d.QueryRow(c.q).Scan(&n); err != nil || n != c.want {
				t.Errorf("%s: %d, want %d (%v)", c.what, n, c.want, err)
			}
		}
		var held int
		if err := d.QueryRow("select count(*) from reception_sessions where status = 'held'").Scan(&held); err != nil || held < 6 {
			t.Errorf("%d sessions held (%v), want at least 6", held, err)
		}
	})
}
