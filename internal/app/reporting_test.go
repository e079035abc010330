package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/feedback"
	"danchu/internal/legal"
	"danchu/internal/reception"
	"danchu/internal/reporting"
	"danchu/internal/survey"
)

// TestRollupFromFacts checks the counters against the facts, on both
// engines: after the demo's sixty days, the feedback received in the
// quarter as counted when it arrived equals what a scan of the items says,
// for the province and as the sum of its communes and its own bodies.
func TestRollupFromFacts(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
		now := time.Date(2026, time.November, 20, 10, 0, 0, 0, time.FixedZone("ICT", 7*3600)) // the story: 21/09 to 20/11
		if _, err := demo.SeedAt(ctx, demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose, Consult: a.Consult,
			Decide: a.Decide, Feedback: a.Feedback, Steer: a.Steer, Plans: a.Plans, Cases: a.Cases, Receive: a.Receive, Oversee: a.Oversee,
			Surveys: a.Surveys}, now); err != nil {
			t.Fatal(err)
		}
		p := reporting.PeriodOf(reporting.Quarterly, legal.Today(now))
		ict := time.FixedZone("ICT", 7*3600)
		from := time.Date(p.From.Year, p.From.Month, 1, 0, 0, 0, 0, ict).UnixMilli()
		to := time.Date(p.To.Year, p.To.Month, 1, 0, 0, 0, 0, ict).UnixMilli()
		province, err := a.Units.UnitByCode(ctx, "46")
		if err != nil {
			t.Fatal(err)
		}
		lines, err := a.Reports.FromFacts(ctx, province, p)
		if err != nil {
			t.Fatal(err)
		}
		received := func(ls []reporting.Line) (float64, int) {
			for _, l := range ls {
				if l.Indicator.Code == feedback.ReceivedIndicator {
					return l.Figure, l.Reporting
				}
			}
			t.Fatalf("no %s in %+v", feedback.ReceivedIndicator, ls)
			return 0, 0
		}
		got, communes := received(lines)
		scanned := db.Count(t, d, `select count(*) from feedback_items i join units u on u.id = i.unit_id
			where u.path >= $1 and u.path < $2 and i.created_at >= $3 and i.created_at < $4`, province.Path, province.Path[:len(province.Path)-1]+"0", from, to)
		if scanned == 0 || int(got) != scanned || communes == 0 {
			t.Errorf("feedback received this quarter: counted %v (%d communes), scanned %d", got, communes, scanned)
		}
		line := func(ls []reporting.Line, code string) reporting.Line {
			for _, l := range ls {
				if l.Indicator.Code == code {
					return l
				}
			}
			t.Fatalf("no %s", code)
			return reporting.Line{}
		}
		hi := province.Path[:len(province.Path)-1] + "0"
		// Reception: sessions held of those closed as held or missed, by their day.
		held := line(lines, reception.HeldIndicator)
		if n, of := db.Count(t, d, `select count(*) from reception_sessions s join units u on u.id = s.unit_id where u.path >= $1 and u.path < $2
			and s.status = 'held' and s.day >= $3 and s.day < $4`, province.Path, hi, p.From.String(), p.To.String()),
			db.Count(t, d, `select count(*) from reception_sessions s join units u on u.id = s.unit_id where u.path >= $1 and u.path < $2
			and s.status in ('held', 'missed') and s.day >= $3 and s.day < $4`, province.Path, hi, p.From.String(), p.To.String()); of == 0 ||
			held.Value.Num != int64(n) || held.Value.Den != int64(of) {
			t.Errorf("sessions held: counted %d/%d, scanned %d/%d", held.Value.Num, held.Value.Den, n, of)
		}
		// Surveys: the answers of 4 or 5 to satisfaction questions, of all of them.
		sat := line(lines, survey.SatisfiedIndicator)
		if n, of := db.Count(t, d, `select coalesce(sum(c.n), 0) from survey_counts c join survey_questions q on q.id = c.question_id
			where q.satisfaction and c.choice >= 3`), db.Count(t, d, `select coalesce(sum(c.n), 0) from survey_counts c
			join survey_questions q on q.id = c.question_id where q.satisfaction`); of == 0 || sat.Value.Num != int64(n) || sat.Value.Den != int64(of) {
			t.Errorf("survey satisfaction: counted %d/%d, scanned %d/%d", sat.Value.Num, sat.Value.Den, n, of)
		}
		// The communes' own lines add up to the province's, with its bodies'.
		var sum float64
		for _, code := range []string{demo.CommuneCode, demo.SecondCode} {
			c, err := a.Units.UnitByCode(ctx, code)
			if err != nil {
				t.Fatal(err)
			}
			ls, err := a.Reports.FromFacts(ctx, c, p)
			if err != nil {
				t.Fatal(err)
			}
			n, r := received(ls)
			if r > 1 {
				t.Errorf("a commune reports for %d communes", r)
			}
			sum += n
		}
		own := db.Count(t, d, `select coalesce(sum(c.num), 0) from indicator_counts c join units u on u.id = c.unit_id
			where c.code = $1 and u.type not in ('xa', 'phuong', 'dac-khu', 'thon', 'to-dan-pho') and c.month >= $2 and c.month < $3`,
			feedback.ReceivedIndicator, p.From.String()[:7], p.To.String()[:7])
		if int(sum)+own != int(got) {
			t.Errorf("communes %v + the province's bodies %d ≠ the province %v", sum, own, got)
		}
	})
}

// TestReportRollupCommand is the command line's contract: JSON lines or CSV
// of every indicator, and each bad input refused with exit 2 and a message
// saying what to type.
func TestReportRollupCommand(t *testing.T) {
	dir := t.TempDir()
	dbFlag := "--db=sqlite:" + filepath.Join(dir, "r.db")
	ctx := context.Background()
	if code, _, errs := run(t, ctx, "seed", "--demo", dbFlag); code != 0 {
		t.Fatalf("seed: %d %s", code, errs)
	}
	period := reporting.PeriodOf(reporting.Yearly, legal.Today(time.Now()).AddDays(-30)).Code() // holds 30 of the story's 60 days
	code, out, errs := run(t, ctx, "report", "rollup", "--unit", "46", "--period", period, "--from-facts", dbFlag)
	if code != 0 {
		t.Fatalf("rollup: %d %s", code, errs)
	}
	type row struct {
		Code   string   `json:"code"`
		Value  *float64 `json:"value"`
		Target *float64 `json:"target"`
		Units  int      `json:"units_reporting"`
	}
	var rows []row
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var r row
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		rows = append(rows, r)
	}
	byCode := map[string]row{}
	for _, r := range rows {
		byCode[r.Code] = r
	}
	if r := byCode[feedback.ReceivedIndicator]; r.Value == nil || *r.Value == 0 || r.Target != nil || r.Units == 0 {
		t.Errorf("received: %+v", r)
	}
	if r := byCode[feedback.SatisfiedIndicator]; r.Target == nil || *r.Target != 80 {
		t.Errorf("satisfied: %+v", r)
	}
	for i := 1; i < len(rows); i++ {
		if rows[i-1].Code >= rows[i].Code {
			t.Errorf("not in the order of codes: %s, %s", rows[i-1].Code, rows[i].Code)
		}
	}
	code, out, _ = run(t, ctx, "report", "rollup", "--unit", demo.CommuneCode, "--period", period, "--from-facts", "--format", "csv", dbFlag)
	if lines := strings.Split(strings.TrimSpace(out), "\n"); code != 0 || lines[0] != "code,value,target,units_reporting" || len(lines) != len(rows)+1 {
		t.Errorf("csv: %d %q", code, out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--unit", "46", "--period", period}, "--from-facts"},
		{[]string{"--unit", "46", "--period", "2026-Q5", "--from-facts"}, "2026-Q3"},
		{[]string{"--unit", "99999", "--period", period, "--from-facts"}, "no such province or commune"},
		{[]string{"--unit", demo.CommuneCode + "-01", "--period", period, "--from-facts"}, "no such province or commune"},
		{[]string{"--unit", "46", "--period", period, "--from-facts", "--format", "xml"}, "usage"},
	} {
		code, _, errs := run(t, ctx, append(append([]string{"report", "rollup"}, c.args...), dbFlag)...)
		if code != 2 || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, %q (want %q)", c.args, code, errs, c.want)
		}
	}
}
