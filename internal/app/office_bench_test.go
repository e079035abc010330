package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
)

// The province table's data: every room's figures of all communes of Thành
// phố Hồ Chí Minh (168 communes and wards in the official list), each commune
// with 20 disclosures, 4 consultations of 10 comments, 6 matters, 40 feedback
// items and its counters. One query per room.
//
//	go test ./internal/app/ -run '^$' -bench ProvinceTable -benchtime 200x
func BenchmarkProvinceTable(b *testing.B) {
	db.EachB(b, func(b *testing.B, d *db.DB) {
		ctx := context.Background()
		a := app.New(&config.Config{DataDir: b.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
		b.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
		if _, err := demo.Load(ctx, a.Units); err != nil {
			b.Fatal(err)
		}
		d.Now = func() time.Time { return workDay }
		province, err := a.Units.UnitByCode(ctx, "79")
		if err != nil {
			b.Fatal(err)
		}
		tree, err := a.Units.Tree(ctx)
		if err != nil {
			b.Fatal(err)
		}
		var communes []org.Unit
		for _, c := range tree.Descendants(province.ID) {
			if c.ParentID == province.ID {
				communes = append(communes, c)
			}
		}
		seedProvince(b, d, communes)
		rooms := []office.Room{a.Disclose, a.Consult, a.Decide, a.Feedback}
		per := office.PeriodOf(legal.Today(workDay))
		figures := func(b *testing.B, rooms ...office.Room) {
			for b.Loop() {
				for _, r := range rooms {
					m, err := r.Figures(ctx, tree, province, communes, per)
					if err != nil || len(m) == 0 {
						b.Fatalf("%T: %v, %d communes", r, err, len(m))
					}
				}
			}
			b.ReportMetric(float64(len(communes)), "communes")
		}
		b.Run("all", func(b *testing.B) { figures(b, rooms...) })
		for _, r := range rooms {
			b.Run(fmt.Sprintf("%T", r)[1:], func(b *testing.B) { figures(b, r) })
		}
	})
}

// seedProvince writes each commune's rows in one transaction.
func seedProvince(b *testing.B, d *db.DB, communes []org.Unit) {
	b.Helper()
	tx, err := d.Raw().Begin()
	if err != nil {
		b.Fatal(err)
	}
	id := int64(1_000_000)
	next := func() int64 { id++; return id }
	run := func(q string, args ...any) {
		if _, err := tx.Exec(q, args...); err != nil {
			b.Fatalf("%v\n%s", err, q)
		}
	}
	for _, c := range communes {
		for i := range 20 {
			posting := fmt.Sprintf("2026-%02d-%02d", 9+i%3, 1+i)
			run(`insert into disclosures (id, unit_id, board_id, staff_only, category, status, version, title, body, decision_date, due_date,
				posting_start, min_end, late, search_text, published_at, updated_at, withdraw_reason, created_by)
				values ($1, $2, $2, false, 1, 'posted', 1, 'Tiêu đề', '', $3, $3, $3, '2026-12-31', $4, 'tieu de', 1, 1, '', 0)`, next(), c.ID, posting, i%4 == 0)
		}
		for range 4 {
			cid := next()
			run(`insert into consultations (id, unit_id, board_id, staff_only, subject, title, intro, forms, opens_on, closes_on, short_basis,
				status, comments, answered, hidden, decision, adopted, against_reason, created_by, created_at, updated_at)
				values ($1, $2, $2, false, 1, 'Dự thảo', '', 'online', '2026-11-01', '2026-11-25', '', 'open', 10, 6, 1, '', false, '', 0, 1, 1)`, cid, c.ID)
			for range 10 {
				cm := next()
				run(`insert into consultation_comments (id, consultation_id, part, author_id, show_name, display_name, stance, body, source,
					source_note, idem_key, hidden_reason, created_at, edited_at) values ($1, $2, 0, 0, false, '', 'agree', 'Ý kiến', 'meeting', '', $3, '', 1, 0)`,
					cm, cid, fmt.Sprint("k", cm))
			}
		}
		for i := range 6 {
			submitted := ""
			if i%2 == 0 {
				submitted = "2026-11-05"
			}
			run(`insert into matters (id, unit_id, commune_id, scope, subject, title, body, proposer, backers, status, decided_on,
				created_by, created_at, updated_at, submitted_on) values ($1, $2, $2, 'village', 6, 'Việc', '', 'head', 0, 'passed', '2026-11-03', 0, 1, 1, $3)`,
				next(), c.ID, submitted)
		}
		for i := range 40 {
			n := next()
			run(`insert into feedback_items (id, code, kind, category, unit_id, handler_id, description, address, author_id, contact, status,
				due_on, answer, rating, rating_note, reopened, idem_key, created_at, updated_at)
				values ($1, $2, 'feedback', 'moi-truong', $3, $3, 'Mô tả', '', 0, '', $4, '2026-11-18', '', 0, '', false, $2, 1, 1)`,
				n, fmt.Sprint("PA-", n), c.ID, []string{"received", "answered", "closed", "in_progress"}[i%4])
		}
		run("insert into feedback_counters (unit_id, received, answered, on_time, rated, satisfied) values ($1, 40, 20, 15, 10, 7)", c.ID)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}
