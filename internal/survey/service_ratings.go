package survey

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
)

// Interaction is something a citizen did with a unit that they may rate.
type Interaction struct {
	Kind, Ref string     // the kind and the interaction's code
	UnitID    int64      // the unit whose officials served
	Day       legal.Date // the day of the visit or the answer
}

// Interactions finds a citizen's interaction that can be rated: their
// answered feedback item, or a reception visit of theirs. One that does not
// exist, is someone else's or is not yet done is not found.
type Interactions interface {
	Interaction(ctx context.Context, a *auth.Actor, kind, ref string) (Interaction, error)
}

// NotRateable is the one refusal of an interaction that cannot be rated, for
// an Interactions to give: whether it exists is not told.
func NotRateable() error { return apperr.New(apperr.CodeNotFound, "survey.err.rating_not_found") }

// SetInteractions wires the interactions the citizens rate (app).
func (s *Service) SetInteractions(i Interactions) { s.interactions = i }

// Rateable is the interaction a may rate, and whether it was rated.
func (s *Service) Rateable(ctx context.Context, a *auth.Actor, kind, ref string) (Interaction, org.Unit, bool, error) {
	if a == nil || a.Kind != auth.Citizen {
		return Interaction{}, org.Unit{}, false, apperr.New(apperr.CodeForbidden, "survey.err.citizens_only")
	}
	if s.interactions == nil || RatingURL(kind, "x") == "" {
		return Interaction{}, org.Unit{}, false, NotRateable()
	}
	it, err := s.interactions.Interaction(ctx, a, kind, ref)
	if c := apperr.CodeOf(err); c == apperr.CodeNotFound || c == apperr.CodeForbidden || c == apperr.CodeInvalid || c == apperr.CodeConflict {
		return Interaction{}, org.Unit{}, false, NotRateable()
	}
	if err != nil {
		return Interaction{}, org.Unit{}, false, fmt.Errorf("interaction to rate: %w", err)
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return Interaction{}, org.Unit{}, false, err
	}
	u, _ := t.Unit(it.UnitID)
	done, err := rated(ctx, s.db, it.Kind, it.Ref)
	return it, u, done, err
}

// Rate records a citizen's scores of an interaction of theirs, once. Only the
// counters of the unit's month grow: the scores are kept nowhere else, and no
// audit line ties them to the citizen.
func (s *Service) Rate(ctx context.Context, a *auth.Actor, kind, ref string, sc Scores) error {
	it, _, done, err := s.Rateable(ctx, a, kind, ref)
	if err != nil {
		return err
	}
	if done {
		return apperr.New(apperr.CodeConflict, "survey.err.rated")
	}
	if err := CheckScores(sc); err != nil {
		return err
	}
	month := Month(s.today())
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		fresh, err := claimRating(ctx, tx, it.Kind, it.Ref, it.UnitID, month)
		if err != nil {
			return err
		}
		if !fresh { // rated meanwhile, from another tab
			return apperr.New(apperr.CodeConflict, "survey.err.rated")
		}
		for i, c := range Criteria {
			if err := bumpRating(ctx, tx, it.UnitID, month, it.Kind, c, sc[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// Ratings are the ratings of u and the units under it over the last four
// quarters, the current one first, then their total.
func (s *Service) Ratings(ctx context.Context, u org.Unit) ([]RatingPeriod, error) {
	ps := s.quarters()
	total := RatingPeriod{From: ps[3].From, To: ps[0].To, Total: true}
	cs, err := ratingCountsIn(ctx, s.db, u.Path, Month(total.From), Month(total.To))
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		total.Add(c.criterion, c.score, c.n)
		for i := range ps {
			if c.month >= Month(ps[i].From) && c.month < Month(ps[i].To) {
				ps[i].Add(c.criterion, c.score, c.n)
			}
		}
	}
	return append(ps, total), nil
}

// quarters are the last four quarters, the current one first, empty.
func (s *Service) quarters() []RatingPeriod {
	from, to := office.Quarter(s.today())
	ps := make([]RatingPeriod, 4)
	for i := range ps {
		ps[i] = RatingPeriod{From: from.AddMonths(-3 * i), To: to.AddMonths(-3 * i)}
	}
	return ps
}

// ratingFigures are the communes' rating figure over period p: scores of 4 or
// 5 of all scores, none for a commune with fewer than MinShown ratings.
func (s *Service) ratingFigures(ctx context.Context, t *org.Tree, province org.Unit, p office.Period) (map[int64]office.Figure, error) {
	cs, err := ratingCountsIn(ctx, s.db, province.Path, Month(p.From), Month(p.To))
	if err != nil {
		return nil, err
	}
	by := map[int64]*RatingPeriod{}
	for _, c := range cs {
		id := c.unitID
		if u, ok := t.Unit(id); ok && u.Type.Level() == org.VillageLevel {
			id = u.ParentID
		}
		if by[id] == nil {
			by[id] = &RatingPeriod{}
		}
		by[id].Add(c.criterion, c.score, c.n)
	}
	out := map[int64]office.Figure{}
	for id, r := range by {
		if r.Shown() {
			sat, all := r.Satisfied()
			out[id] = office.Figure{N: int(sat), Of: int(all)}
		}
	}
	return out, nil
}

// RatingRow is a unit's ratings over a quarter as the open data gives them
// (schema SatisfactionRatingRow). A quarter with fewer than MinShown ratings
// is left out, as on the pages.
type RatingRow struct {
	UnitCode   string  `json:"unit_code"`
	Quarter    string  `json:"quarter"`
	From       string  `json:"from"`
	To         string  `json:"to"`
	Ratings    int64   `json:"ratings"`
	Attitude   float64 `json:"attitude_mean"`
	Timeliness float64 `json:"timeliness_mean"`
	Result     float64 `json:"result_mean"`
	Satisfied  int     `json:"satisfied_percent"`
}

// RatingRows are the ratings of u and each unit under it, per quarter of the
// last four, newest first: one query.
func (s *Service) RatingRows(ctx context.Context, u org.Unit) ([]RatingRow, error) {
	ps := s.quarters()
	cs, err := ratingCountsIn(ctx, s.db, u.Path, Month(ps[len(ps)-1].From), Month(ps[0].To))
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	by := map[int64][]RatingPeriod{}
	for _, c := range cs {
		if by[c.unitID] == nil {
			by[c.unitID] = slices.Clone(ps)
		}
		for i := range ps {
			if c.month >= Month(ps[i].From) && c.month < Month(ps[i].To) {
				by[c.unitID][i].Add(c.criterion, c.score, c.n)
			}
		}
	}
	var out []RatingRow
	for _, x := range append([]org.Unit{u}, t.Descendants(u.ID)...) {
		for _, p := range by[x.ID] {
			if !p.Shown() {
				continue
			}
			m := p.Means()
			out = append(out, RatingRow{UnitCode: x.Code, Quarter: fmt.Sprintf("%d-Q%d", p.From.Year, p.Quarter()), From: p.From.String(),
				To: p.To.AddDays(-1).String(), Ratings: p.N, Attitude: round2(m[0]), Timeliness: round2(m[1]), Result: round2(m[2]), Satisfied: p.SatisfiedShare()})
		}
	}
	return out, nil
}

// lastRating is when the ratings under path last changed, to the month (no
// rating's time is kept): the first day of its newest month, in epoch
// milliseconds (0: none).
func lastRating(ctx context.Context, q querier, path string) (int64, error) {
	m, err := lastRatingMonth(ctx, q, path)
	if err != nil || m == "" {
		return 0, err
	}
	d, err := legal.ParseDate(m + "-01")
	if err != nil {
		return 0, err
	}
	return time.Date(d.Year, d.Month, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600)).UnixMilli(), nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
