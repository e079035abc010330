package consultation_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"danchu/internal/consultation"
	"danchu/internal/db"
	"danchu/internal/org"
)

// TestForCitizen: the citizen's page lists the citizen's own comments, newest
// first, with the answer, never another citizen's; and the consultations open
// now on the boards of the citizen's communes (not another commune's, not one
// whose window has closed).
func TestForCitizen(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		lan, binh := signInCitizen(t, f, "lan@example.vn"), signInCitizen(t, f, "binh@example.vn")
		c, err := f.svc.Open(ctx, f.official, draft(f))
		if err != nil {
			t.Fatal(err)
		}
		other := draft(f)
		other.UnitID, other.Title = f.phuXuan.ID, "Dự thảo của phường Phú Xuân"
		if _, err := f.svc.Open(ctx, f.other, other); err != nil {
			t.Fatal(err)
		}
		for _, x := range []struct {
			who  int
			body string
		}{{0, "Ý kiến thứ nhất của Lan"}, {1, "Ý kiến của Bình"}, {0, "Ý kiến thứ hai của Lan"}} {
			a := lan
			if x.who == 1 {
				a = binh
			}
			if err := f.svc.Comment(ctx, a, c.ID, 1, consultation.Suggest, x.body, false, x.body); err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Second)
		}
		ids := commentIDs(t, d, c.ID)
		if err := f.svc.Answer(ctx, f.official, c.ID, ids[:1], consultation.Accepted, "Xã tiếp thu ý kiến"); err != nil {
			t.Fatal(err)
		}
		ls, err := f.svc.ForCitizen(ctx, lan, []org.Unit{f.danDien}, 5)
		if err != nil || len(ls) != 2 {
			t.Fatalf("lists %d, %v", len(ls), err)
		}
		var lines []string
		for _, e := range ls[0].Entries {
			var s []string
			for _, l := range e.Lines {
				s = append(s, fmt.Sprint(l.Args...))
			}
			lines = append(lines, e.Status.Key+": "+strings.Join(s, " | "))
		}
		if len(lines) != 2 || !strings.Contains(lines[0], "Ý kiến thứ hai của Lan") || !strings.Contains(lines[0], "consultation.mine.waiting") ||
			!strings.Contains(lines[1], "Ý kiến thứ nhất của Lan") || !strings.Contains(lines[1], "Xã tiếp thu ý kiến") ||
			strings.Contains(strings.Join(lines, " "), "Bình") {
			t.Errorf("Lan's comments:\n%s", strings.Join(lines, "\n"))
		}
		if open := ls[1].Entries; len(open) != 1 || open[0].Title != c.Title {
			t.Errorf("open in Lan's commune: %+v, want only %q", open, c.Title)
		}
		f.now = f.now.AddDate(0, 1, 0) // the window has closed
		if ls, _ := f.svc.ForCitizen(ctx, lan, []org.Unit{f.danDien}, 5); len(ls[1].Entries) != 0 {
			t.Errorf("a closed consultation listed as open: %+v", ls[1].Entries)
		}
	})
}
