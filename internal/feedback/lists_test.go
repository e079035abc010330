package feedback_test

import (
	"context"
	"testing"
	"time"

	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/feedback"
)

// TestForCitizen: the citizen's page lists the items the citizen sent, newest
// first, one more than asked (so the page knows there are more), with the
// tracking link, and marks those past their deadline; another citizen's and
// anonymous items never appear.
func TestForCitizen(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d)
		ctx := context.Background()
		other := &auth.Actor{AccountID: 502, Name: "Trần Thị Khác", Kind: auth.Citizen}
		sub := func(a *auth.Actor, key string) string {
			t.Helper()
			code, err := f.svc.Submit(ctx, a, feedback.Submission{Kind: feedback.Feedback, Category: "moi-truong", UnitID: f.village.ID,
				Description: "Đèn đường hỏng " + key, IdemKey: key})
			if err != nil {
				t.Fatal(err)
			}
			f.now = f.now.Add(time.Minute)
			return code
		}
		first, theirs, anon, second, third := sub(f.citizen, "a1"), sub(other, "b1"), sub(nil, "n1"), sub(f.citizen, "a2"), sub(f.citizen, "a3")
		f.now = f.now.AddDate(0, 2, 0) // every deadline passed
		ls, err := f.svc.ForCitizen(ctx, f.citizen, nil, 2)
		if err != nil || len(ls) != 1 {
			t.Fatalf("lists %d, %v", len(ls), err)
		}
		var got []string
		for _, e := range ls[0].Entries {
			got = append(got, e.URL)
			if !e.Late {
				t.Errorf("%s past its deadline not marked late", e.Title)
			}
		}
		want := []string{"/phan-anh/" + third, "/phan-anh/" + second, "/phan-anh/" + first}
		if len(got) != 3 || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
			t.Errorf("entries %v, want %v (newest first, one more than the 2 asked; never %s or %s)", got, want, theirs, anon)
		}
		if ls, _ := f.svc.ForCitizen(ctx, nil, nil, 5); len(ls) != 1 || len(ls[0].Entries) != 0 {
			t.Errorf("nobody signed in: %+v", ls)
		}
	})
}
