package decision_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"danchu/internal/audit"
	"danchu/internal/db"
	"danchu/internal/decision"
)

// The public decision page renders the matter's title and the vote's tally and
// result from the matters and votes rows: a forged title or count there is
// reported on every entry that carries it (before, verify said OK).
func TestVerifyChecksWhatTheDecisionPageShows(t *testing.T) {
	for _, c := range []struct {
		name, forge, kind string
		n                 int // entries reported
	}{
		{"title", "update matters set title = 'FORGED TITLE'", "the title of matter", 4},
		{"tally", "update votes set agree = 4, disagree = 0", "the tally or result of vote", 1},
		{"result", "update votes set passed = not passed", "the tally or result of vote", 1},
	} {
		t.Run(c.name, func(t *testing.T) {
			db.Each(t, func(t *testing.T, d *db.DB) {
				f := setup(t, d, 4)
				ctx := context.Background()
				f.rec.Vouch("decision.", f.svc.RecordCheck())
				f.submitted(t, decision.Infrastructure, "Làm đường bê tông ngõ 5")
				if _, _, err := f.rec.Verify(ctx); err != nil {
					t.Fatalf("intact record: %v", err)
				}
				if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, c.forge)
					return err
				}); err != nil {
					t.Fatal(err)
				}
				_, _, err := f.rec.Verify(ctx)
				var ps audit.Problems
				if !errors.As(err, &ps) {
					t.Fatalf("verify = %v, want the problems (record: %s)", err, recordKinds(t, f))
				}
				for _, p := range ps {
					if !strings.Contains(p.Reason, c.kind) {
						t.Errorf("entry %d: %q, want %q", p.Seq, p.Reason, c.kind)
					}
				}
				if len(ps) != c.n {
					t.Errorf("verify reported %d entries, want %d (record: %s):\n%v", len(ps), c.n, recordKinds(t, f), fmt.Sprint(err))
				}
			})
		})
	}
}
