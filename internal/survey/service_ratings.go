package survey

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
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

// RateState is an interaction a citizen may rate, as the rating page shows it.
type RateState struct {
	Interaction
	Unit  org.Unit
	Rated bool       // rated already
	Until legal.Date // the last day it may be rated
	Late  bool       // that day is past
}

// Rateable is the interaction a may rate, with whether it was rated and
// until when it may be.
func (s *Service) Rateable(ctx context.Context, a *auth.Actor, kind, ref string) (RateState, error) {
	if a == nil || a.Kind != auth.Citizen {
		return RateState{}, apperr.New(apperr.CodeForbidden, "survey.err.citizens_only")
	}
	if s.interactions == nil || RatingURL(kind, "x") == "" {
		return RateState{}, NotRateable()
	}
	it, err := s.interactions.Interaction(ctx, a, kind, ref)
	if c := apperr.CodeOf(err); c == apperr.CodeNotFound || c == apperr.CodeForbidden || c == apperr.CodeInvalid || c == apperr.CodeConflict {
		return RateState{}, NotRateable()
	}
	if err != nil {
		return RateState{}, fmt.Errorf("interaction to rate: %w", err)
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return RateState{}, err
	}
	st := RateState{Interaction: it, Until: it.Day.AddDays(RateWithin)}
	st.Unit, _ = t.Unit(it.UnitID)
	if st.Unit.Type.Level() == org.VillageLevel { // a village's ratings are its commune's cell, for good
		if c, ok := t.Unit(st.Unit.ParentID); ok {
			st.Unit, st.UnitID = c, c.ID
		}
	}
	st.Late = CheckInTime(it.Day, s.today()) != nil
	st.Rated, err = rated(ctx, s.db, it.Kind, it.Ref)
	return st, err
}

// RateLink is where a may rate the interaction: "" when they may not (not
// theirs, rated already, too late).
func (s *Service) RateLink(ctx context.Context, a *auth.Actor, kind, ref string) string {
	if a == nil || a.Kind != auth.Citizen {
		return ""
	}
	st, err := s.Rateable(ctx, a, kind, ref)
	if err != nil || st.Rated || st.Late {
		return ""
	}
	return RatingURL(st.Kind, st.Ref)
}

// Rate records a citizen's scores of an interaction of theirs, once, within
// RateWithin days. Only the counters of the unit's month grow (a village's:
// its commune's, as the tree is on that day, so that a later reorganisation
// never moves a published cell): the scores are kept nowhere else, and no
// audit line ties them to the citizen.
func (s *Service) Rate(ctx context.Context, a *auth.Actor, kind, ref string, sc Scores) error {
	st, err := s.Rateable(ctx, a, kind, ref)
	if err != nil {
		return err
	}
	if st.Rated {
		return apperr.New(apperr.CodeConflict, "survey.err.rated")
	}
	if err := CheckInTime(st.Day, s.today()); err != nil {
		return err
	}
	if err := CheckScores(sc); err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		month := Month(s.today()) // read in the transaction: a rating is never counted into a quarter already over
		fresh, err := claimRating(ctx, tx, st.Kind, st.Ref)
		if err != nil {
			return err
		}
		if !fresh { // rated meanwhile, from another tab
			return apperr.New(apperr.CodeConflict, "survey.err.rated")
		}
		for i, c := range Criteria {
			if err := bumpRating(ctx, tx, st.UnitID, month, st.Kind, c, sc[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// quarters are the current quarter (running) and the four before it, the
// current one first, empty.
func (s *Service) quarters() []RatingPeriod {
	from, to := office.Quarter(s.today())
	ps := make([]RatingPeriod, 5)
	for i := range ps {
		ps[i] = RatingPeriod{From: from.AddMonths(-3 * i), To: to.AddMonths(-3 * i), Running: i == 0}
	}
	return ps
}

// cells are the ratings under path in the periods ps, per owner: the unit
// they were counted under (a commune for its villages' ratings, or any other
// unit). A cell is what is published or not, whole: every figure shown above
// a unit is a sum of published cells, so that no subtraction uncovers a
// hidden one, and a cell never changes once its quarter is over.
func (s *Service) cells(ctx context.Context, path string, ps []RatingPeriod) (map[int64][]RatingPeriod, error) {
	cs, err := ratingCountsIn(ctx, s.db, path, Month(ps[len(ps)-1].From), Month(ps[0].To))
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
	return by, nil
}

// within sums, per period, the cells of the owners that are id or under it:
// a period that is over takes only published cells (the others' ratings are
// only counted, as Hidden); the running one counts every rating (only its
// count is shown).
func within(t *org.Tree, cells map[int64][]RatingPeriod, id int64, ps []RatingPeriod) []RatingPeriod {
	out := slices.Clone(ps)
	for owner, cs := range cells {
		if owner != id && !t.Within(owner, id) {
			continue
		}
		for i, c := range cs {
			if c.Running || c.Shown() {
				out[i].Merge(c)
			} else {
				out[i].Hidden += c.N
			}
		}
	}
	return out
}

// Ratings are the ratings of u and the units under it: the current quarter
// (its count only), the four quarters before it, then the total of those
// published.
func (s *Service) Ratings(ctx context.Context, u org.Unit) ([]RatingPeriod, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	ps := s.quarters()
	cells, err := s.cells(ctx, u.Path, ps)
	if err != nil {
		return nil, err
	}
	out := within(t, cells, u.ID, ps)
	total := RatingPeriod{From: ps[len(ps)-1].From, To: ps[1].To, Total: true}
	for _, p := range out[1:] {
		if p.Shown() {
			total.Merge(p)
		}
		total.Hidden += p.Hidden
	}
	return append(out, total), nil
}

// ratingFigures are the communes' rating figure for the province's table:
// over the last quarter that is over (the current one is not published),
// scores of 4 or 5 of all scores; none for a commune whose quarter is not
// published.
func (s *Service) ratingFigures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64]office.Figure, error) {
	last := []RatingPeriod{{From: p.From.AddMonths(-3), To: p.From}}
	cells, err := s.cells(ctx, province.Path, last)
	if err != nil {
		return nil, err
	}
	out := map[int64]office.Figure{}
	for _, c := range communes {
		if r := within(t, cells, c.ID, last)[0]; r.Shown() {
			sat, all := r.Satisfied()
			out[c.ID] = office.Figure{N: int(sat), Of: int(all)}
		}
	}
	return out, nil
}

// RatingRow is a unit's ratings over a quarter as the open data gives them
// (schema SatisfactionRatingRow): the published cells only, of the four
// quarters before the current one.
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

// RatingRows are the published cells of the units under u, newest quarter
// first per unit, in the units' order; a unit closed since (merged away)
// keeps its rows, as the figures above it keep its cells: one query.
func (s *Service) RatingRows(ctx context.Context, u org.Unit) ([]RatingRow, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	ps := s.quarters()[1:]
	cells, err := s.cells(ctx, u.Path, ps)
	if err != nil {
		return nil, err
	}
	owners := make([]org.Unit, 0, len(cells))
	for id := range cells {
		if x, ok := t.Unit(id); ok {
			owners = append(owners, x)
		}
	}
	slices.SortFunc(owners, func(a, b org.Unit) int { return strings.Compare(a.Path, b.Path) })
	var out []RatingRow
	for _, x := range owners {
		for _, p := range cells[x.ID] {
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

// lastRating is when the published ratings under path last changed: the
// start of the current quarter, when the quarters before it hold ratings (a
// quarter is published as it ends, and no rating's time is kept), in epoch
// milliseconds (0: none).
func (s *Service) lastRating(ctx context.Context, path string) (int64, error) {
	from, _ := office.Quarter(s.today())
	m, err := lastRatingMonth(ctx, s.db, path, Month(from))
	if err != nil || m == "" {
		return 0, err
	}
	return time.Date(from.Year, from.Month, 1, 0, 0, 0, 0, time.FixedZone("ICT", 7*3600)).UnixMilli(), nil
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
