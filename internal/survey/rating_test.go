package survey_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/apperr/apperrtest"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/survey"
)

func TestCheckScores(t *testing.T) {
	for _, tt := range []struct {
		sc    survey.Scores
		field string // "": accepted
	}{
		{survey.Scores{1, 3, 5}, ""},
		{survey.Scores{0, 3, 5}, "attitude"},
		{survey.Scores{4, 6, 5}, "timeliness"},
		{survey.Scores{4, 4, -1}, "result"},
	} {
		err := survey.CheckScores(tt.sc)
		if tt.field == "" {
			if err != nil {
				t.Errorf("%v refused: %v", tt.sc, err)
			}
			continue
		}
		var e *apperr.Error
		if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.FieldMsgs[tt.field].Key != "survey.err.rating_score" {
			t.Errorf("%v: %v, want invalid on %s", tt.sc, err, tt.field)
		}
	}
}

func TestRatingPeriod(t *testing.T) {
	var p survey.RatingPeriod
	for _, s := range []survey.Scores{{5, 4, 3}, {2, 3, 2}, {4, 4, 4}, {5, 5, 4}} {
		for i, c := range survey.Criteria {
			p.Add(c, s[i], 1)
		}
	}
	p.Add("attitude", 9, 1) // not a score: not counted
	p.Add("other", 5, 1)    // not a criterion: not counted
	if p.N != 4 || p.Shown() || p.SatisfiedShare() != -1 {
		t.Fatalf("four ratings: N %d, shown %v, share %d", p.N, p.Shown(), p.SatisfiedShare())
	}
	for i, c := range survey.Criteria {
		p.Add(c, survey.Scores{5, 5, 4}[i], 1)
	}
	// attitude 21/5, timeliness 21/5, result 17/5; 11 of 15 scores are 4 or 5.
	if got := p.Means(); !p.Shown() || got[0] != 4.2 || got[1] != 4.2 || got[2] != 3.4 || p.SatisfiedShare() != 73 {
		t.Errorf("five ratings: means %v, share %d", got, p.SatisfiedShare())
	}
}

// fakeInteractions stands for the feedback and reception rooms (app wires
// the real ones; internal/app's TestSatisfactionRatings rates them).
type fakeInteractions map[string]survey.Interaction // by ref

func (f fakeInteractions) Interaction(_ context.Context, a *auth.Actor, kind, ref string) (survey.Interaction, error) {
	it, ok := f[ref]
	if !ok || it.Kind != kind {
		return survey.Interaction{}, apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	return it, nil
}

// TestRateOnceUnderRace rates one interaction from many tabs at once:
// exactly one rating is counted, on both engines; the ratings fall in the
// month they were given, and the province's table shows a commune's share
// only from five ratings on.
func TestRateOnceUnderRace(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 1)
		ctx := context.Background()
		its := fakeInteractions{}
		for _, ref := range []string{"PA-0001", "PA-0002", "PA-0003", "PA-0004", "PA-0005", "PA-0006"} {
			its[ref] = survey.Interaction{Kind: survey.FeedbackRating, Ref: ref, UnitID: f.danDien.ID, Day: legal.Today(f.now)}
		}
		f.svc.SetInteractions(its)
		cit := f.reps[0]
		ok := apperrtest.AtOnce(t, 6, func(int) error { return f.svc.Rate(ctx, cit, survey.FeedbackRating, "PA-0001", survey.Scores{5, 5, 5}) })
		if ok != 1 || db.Count(t, d, "select coalesce(sum(n), 0) from rating_counts where criterion = 'attitude'") != 1 {
			t.Fatalf("%d ratings taken of one interaction", ok)
		}
		if err := f.svc.Rate(ctx, cit, survey.ReceptionRating, "PA-0002", survey.Scores{5, 5, 5}); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("the wrong kind: %v", err)
		}
		if err := f.svc.Rate(ctx, cit, "other", "PA-0002", survey.Scores{5, 5, 5}); apperr.CodeOf(err) != apperr.CodeNotFound {
			t.Errorf("no such kind: %v", err)
		}
		if err := f.svc.Rate(ctx, f.official, survey.FeedbackRating, "PA-0002", survey.Scores{5, 5, 5}); apperr.CodeOf(err) != apperr.CodeForbidden {
			t.Errorf("an official: %v", err)
		}
		// Three more in December, one in January: the quarter holds four, too few to show.
		for _, ref := range []string{"PA-0002", "PA-0003", "PA-0004"} {
			if err := f.svc.Rate(ctx, cit, survey.FeedbackRating, ref, survey.Scores{4, 3, 2}); err != nil {
				t.Fatal(err)
			}
		}
		p := office.PeriodOf(legal.Today(f.now))
		t0, err := org.NewService(d).Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		province, _ := t0.Unit(f.danDien.ParentID)
		figs, err := f.svc.Figures(ctx, t0, province, []org.Unit{f.danDien}, p)
		if err != nil {
			t.Fatal(err)
		}
		if got := figs[f.danDien.ID][1]; got.Of != 0 {
			t.Errorf("four ratings in the province's table: %+v", got)
		}
		f.now = time.Date(2027, 1, 2, 9, 0, 0, 0, f.now.Location())
		if err := f.svc.Rate(ctx, cit, survey.FeedbackRating, "PA-0005", survey.Scores{5, 5, 5}); err != nil {
			t.Fatal(err)
		}
		if figs, _ = f.svc.Figures(ctx, t0, province, []org.Unit{f.danDien}, p); figs[f.danDien.ID][1].Of != 0 {
			t.Error("January's rating counted in December's quarter")
		}
		if err := f.svc.Rate(ctx, cit, survey.FeedbackRating, "PA-0006", survey.Scores{5, 4, 1}); err != nil {
			t.Fatal(err)
		}
		// Q1 2027 holds two ratings, Q4 2026 four; the last four quarters six.
		ps, err := f.svc.Ratings(ctx, f.danDien)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 5 || ps[0].N != 2 || ps[1].N != 4 || !ps[4].Total || ps[4].N != 6 || !ps[4].Shown() || ps[1].Shown() {
			t.Fatalf("periods: %+v", ps)
		}
		// The total: 3 (5,5,5) + 3·1 (4 of (4,3,2)) + 2 (5,4 of (5,4,1)) + 3 (5,5,5) = 11 of 18 = 61 %.
		if got := ps[4].SatisfiedShare(); got != 61 {
			t.Errorf("satisfied over the year: %d%%", got)
		}
		// Phú Xuân's page shows none of Đan Điền's.
		if ps, _ := f.svc.Ratings(ctx, f.phuXuan); ps[4].N != 0 {
			t.Errorf("Phú Xuân counts %d ratings", ps[4].N)
		}
	})
}
