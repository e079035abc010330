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
	// The running quarter is never published, however many.
	p.Running = true
	if p.Shown() || p.SatisfiedShare() != -1 {
		t.Error("the running quarter is published")
	}
	var sum survey.RatingPeriod
	sum.Merge(p)
	sum.Merge(p)
	if sum.N != 10 || sum.Means()[2] != 3.4 {
		t.Errorf("merged: N %d, means %v", sum.N, sum.Means())
	}
}

func TestCheckInTime(t *testing.T) {
	day := legal.DateOf(2026, time.December, 1)
	for _, tt := range []struct {
		today legal.Date
		ok    bool
	}{{day, true}, {day.AddDays(survey.RateWithin), true}, {day.AddDays(survey.RateWithin + 1), false}} {
		err := survey.CheckInTime(day, tt.today)
		if (err == nil) != tt.ok || (err != nil && apperr.CodeOf(err) != apperr.CodeConflict) {
			t.Errorf("rated on %s: %v", tt.today.VN(), err)
		}
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
// exactly one rating is counted, on both engines. A quarter's figures are
// published only once it is over and with five ratings or more: during it,
// only its count; a village's ratings are its commune's; a commune whose
// quarter is not published adds nothing to the province's figures, so no
// subtraction uncovers it; an interaction is rated within 30 days only.
func TestRateOnceUnderRace(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		f := setup(t, d, 1)
		ctx := context.Background()
		its := fakeInteractions{}
		refs := []string{"PA-0001", "PA-0002", "PA-0003", "PA-0004", "PA-0005", "PA-0006"}
		for i, ref := range refs {
			unit := f.danDien.ID
			if i == 5 {
				unit = f.v1.ID // handled by the village: the commune's cell
			}
			its[ref] = survey.Interaction{Kind: survey.FeedbackRating, Ref: ref, UnitID: unit, Day: legal.Today(f.now)}
		}
		for _, ref := range []string{"PX-0001", "PX-0002"} {
			its[ref] = survey.Interaction{Kind: survey.FeedbackRating, Ref: ref, UnitID: f.phuXuan.ID, Day: legal.Today(f.now)}
		}
		its["OLD-0001"] = survey.Interaction{Kind: survey.FeedbackRating, Ref: "OLD-0001", UnitID: f.danDien.ID, Day: legal.Today(f.now).AddDays(-31)}
		f.svc.SetInteractions(its)
		cit := f.reps[0]
		ok := apperrtest.AtOnce(t, 6, func(int) error { return f.svc.Rate(ctx, cit, survey.FeedbackRating, "PA-0001", survey.Scores{5, 5, 5}) })
		if ok != 1 || db.Count(t, d, "select coalesce(sum(n), 0) from rating_counts where criterion = 'attitude'") != 1 {
			t.Fatalf("%d ratings taken of one interaction", ok)
		}
		for _, c := range []struct {
			a    *auth.Actor
			kind string
			ref  string
			code apperr.Code
		}{
			{cit, survey.ReceptionRating, "PA-0002", apperr.CodeNotFound}, // the wrong kind
			{cit, "other", "PA-0002", apperr.CodeNotFound},
			{f.official, survey.FeedbackRating, "PA-0002", apperr.CodeForbidden},
			{cit, survey.FeedbackRating, "OLD-0001", apperr.CodeConflict}, // 31 days ago
		} {
			if err := f.svc.Rate(ctx, c.a, c.kind, c.ref, survey.Scores{5, 5, 5}); apperr.CodeOf(err) != c.code {
				t.Errorf("rate %s %s: %v, want %s", c.kind, c.ref, err, c.code)
			}
		}
		if st, err := f.svc.Rateable(ctx, cit, survey.FeedbackRating, "OLD-0001"); err != nil || !st.Late || f.svc.RateLink(ctx, cit, survey.FeedbackRating, "OLD-0001") != "" {
			t.Errorf("a late interaction: %+v %v", st, err)
		}
		if f.svc.RateLink(ctx, cit, survey.FeedbackRating, "PA-0001") != "" || f.svc.RateLink(ctx, cit, survey.FeedbackRating, "PA-0002") == "" {
			t.Error("the link is offered for a rated interaction, or not for one to rate")
		}
		for _, ref := range refs[1:] {
			if err := f.svc.Rate(ctx, cit, survey.FeedbackRating, ref, survey.Scores{4, 3, 2}); err != nil {
				t.Fatal(err)
			}
		}
		for _, ref := range []string{"PX-0001", "PX-0002"} {
			if err := f.svc.Rate(ctx, cit, survey.FeedbackRating, ref, survey.Scores{1, 1, 1}); err != nil {
				t.Fatal(err)
			}
		}
		t0, err := org.NewService(d).Tree(ctx)
		if err != nil {
			t.Fatal(err)
		}
		province, _ := t0.Unit(f.danDien.ParentID)
		// December: the quarter runs; its count only.
		ps, err := f.svc.Ratings(ctx, f.danDien)
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != 6 || !ps[0].Running || ps[0].N != 6 || ps[0].Shown() || ps[5].N != 0 {
			t.Fatalf("December: %+v", ps)
		}
		figs, err := f.svc.Figures(ctx, t0, province, []org.Unit{f.danDien, f.phuXuan}, office.PeriodOf(legal.Today(f.now)))
		if err != nil {
			t.Fatal(err)
		}
		if got := figs[f.danDien.ID][1]; got.Of != 0 {
			t.Errorf("the running quarter in the province's table: %+v", got)
		}
		// January: the fourth quarter is over and published for Đan Điền
		// (six ratings), not for Phú Xuân (two), whose ratings the province
		// does not add either.
		f.now = time.Date(2027, 1, 2, 9, 0, 0, 0, f.now.Location())
		ps, _ = f.svc.Ratings(ctx, f.danDien)
		if !ps[1].Shown() || ps[1].N != 6 || ps[1].Quarter() != 4 || !ps[5].Total || ps[5].N != 6 {
			t.Fatalf("January: %+v", ps)
		}
		// 3 (5,5,5) + 5·1 (the 4 of each 4,3,2) = 8 of 18 scores = 44 %.
		if got := ps[1].SatisfiedShare(); got != 44 {
			t.Errorf("the fourth quarter: %d%% satisfied", got)
		}
		if pp, _ := f.svc.Ratings(ctx, province); pp[1].N != 6 || pp[1].Hidden != 2 || pp[5].N != 6 {
			t.Errorf("the province adds a hidden commune: %d, %d", pp[1].N, pp[5].N)
		}
		if pp, _ := f.svc.Ratings(ctx, f.phuXuan); pp[1].Shown() || pp[1].N != 0 || pp[1].Hidden != 2 || pp[5].Hidden != 2 {
			t.Errorf("Phú Xuân's two ratings: %+v", pp[1])
		}
		figs, _ = f.svc.Figures(ctx, t0, province, []org.Unit{f.danDien, f.phuXuan}, office.PeriodOf(legal.Today(f.now)))
		if got := figs[f.danDien.ID][1]; got.N != 8 || got.Of != 18 || figs[f.phuXuan.ID][1].Of != 0 {
			t.Errorf("the province's table over the last quarter: %+v, Phú Xuân %+v", got, figs[f.phuXuan.ID][1])
		}
		rows, err := f.svc.RatingRows(ctx, province)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].UnitCode != f.danDien.Code || rows[0].Quarter != "2026-Q4" || rows[0].Ratings != 6 || rows[0].To != "2026-12-31" {
			t.Errorf("open data: %+v", rows)
		}
	})
}
