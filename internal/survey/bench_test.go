package survey_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/survey"
)

// BenchmarkResults reads the results of a survey with 200,000 answers (the
// responses and free texts stored, the counters at their sums) against the
// same survey with none, in the same run: the results read the counters, so
// both take the same few queries. It reports the p95 of the calls.
func BenchmarkResults(b *testing.B) {
	db.EachB(b, func(b *testing.B, d *db.DB) {
		f := setup(b, d, 1)
		ctx := context.Background()
		empty, full := f.survey(b, survey.Residents), f.survey(b, survey.Residents)
		for _, x := range []survey.Survey{empty, full} {
			if err := f.svc.SetStatus(ctx, f.official, f.danDien.ID, x.ID, survey.Open); err != nil {
				b.Fatal(err)
			}
		}
		const n = 200_000
		qs, err := f.svc.Questions(ctx, full.ID)
		if err != nil {
			b.Fatal(err)
		}
		err = d.RunInTx(ctx, func(tx *sql.Tx) error {
			if err := d.InsertBatches(ctx, tx, "survey_responses", []string{"survey_id", "who", "created_at"}, n, func(i int) []any {
				return []any{full.ID, fmt.Sprintf("a:%d", i), int64(i)}
			}, nil); err != nil {
				return err
			}
			if err := d.InsertBatches(ctx, tx, "survey_texts", []string{"id", "survey_id", "question_id", "body", "created_at"}, n/10, func(i int) []any {
				return []any{d.NewID(), full.ID, qs[3].ID, "Ý kiến số " + fmt.Sprint(i), int64(i)}
			}, nil); err != nil {
				return err
			}
			for _, q := range qs[:3] {
				for c := range q.Choices() {
					if _, err := tx.ExecContext(ctx, "update survey_counts set n = $1 where question_id = $2 and choice = $3", int64(n/q.Choices()), q.ID, c); err != nil {
						return err
					}
				}
			}
			_, err := tx.ExecContext(ctx, "update surveys set responses = $1 where id = $2", n, full.ID)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		for _, c := range []struct {
			name string
			id   int64
		}{{"none", empty.ID}, {"200k", full.ID}} {
			b.Run(c.name, func(b *testing.B) {
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					r, _, err := f.svc.PublicResults(ctx, c.id)
					took = append(took, time.Since(start))
					if err != nil || (c.id == full.ID && r.Survey.Responses != n) {
						b.Fatalf("%v %d", err, r.Survey.Responses)
					}
				}
				slices.Sort(took)
				b.ReportMetric(float64(took[len(took)*95/100].Microseconds())/1000, "p95-ms")
			})
		}
	})
}
