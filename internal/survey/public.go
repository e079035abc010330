package survey

import (
	"context"
	"strconv"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/web"
)

// SatisfiedIn is, over the surveys of u and the units under it (open or
// closed, this year and last), the answers of 4 or 5 to their satisfaction
// questions, in per cent of all (-1: none yet).
func (s *Service) SatisfiedIn(ctx context.Context, u org.Unit) (int, error) {
	today := s.today()
	rows, err := satisfactionIn(ctx, s.db, u.Path, legal.DateOf(today.Year-1, 1, 1), today.AddDays(1))
	if err != nil {
		return -1, err
	}
	var sat, all int64
	for _, r := range rows {
		sat, all = sat+r.satisfied, all+r.total
	}
	if all == 0 {
		return -1, nil
	}
	return Share(sat, all), nil
}

// Rows are the results of the public surveys of u and the units under it:
// three queries, whatever the number of units and surveys.
func (s *Service) Rows(ctx context.Context, u org.Unit) ([]ResultRow, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	xs, err := surveysUnder(ctx, s.db, u.Path)
	if err != nil {
		return nil, err
	}
	qs, err := questionsUnder(ctx, s.db, u.Path)
	if err != nil {
		return nil, err
	}
	cs, err := countsUnder(ctx, s.db, u.Path)
	if err != nil {
		return nil, err
	}
	ofUnit := map[int64][]Survey{}
	for _, x := range xs {
		ofUnit[x.UnitID] = append(ofUnit[x.UnitID], x)
	}
	questions, counts := map[int64][]Question{}, map[int64][]count{}
	for _, q := range qs {
		questions[q.surveyID] = append(questions[q.surveyID], q.Question)
	}
	for _, c := range cs {
		counts[c.surveyID] = append(counts[c.surveyID], c.count)
	}
	var out []ResultRow
	for _, x := range append([]org.Unit{u}, t.Descendants(u.ID)...) {
		if !x.Territory() {
			continue
		}
		for _, sv := range ofUnit[x.ID] {
			r := tally(sv, questions[sv.ID], counts[sv.ID])
			for _, q := range r.Questions {
				if q.Question.Kind == Text {
					continue
				}
				for i, n := range q.Counts {
					label := ""
					if i < len(q.Labels) {
						label = q.Labels[i]
					}
					out = append(out, ResultRow{SurveyID: strconv.FormatInt(sv.ID, 10), UnitCode: x.Code, Survey: sv.Title, Status: sv.Status,
						Question: q.Question.N, Text: q.Question.Text, Kind: q.Question.Kind, Option: label, Count: n, Share: q.Shares[i], Responses: sv.Responses})
				}
			}
		}
	}
	return out, nil
}

// Datasets are the open data of surveys for a province or commune.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if !u.Territory() {
		return nil, nil
	}
	at, err := lastChange(ctx, s.db, u.Path)
	if err != nil {
		return nil, err
	}
	rated, err := s.lastRating(ctx, u.Path)
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "survey-results", Title: apperr.M("survey.data.results"), About: apperr.M("survey.data.results_about"),
		URL: "/api/v1/units/" + u.Code + "/survey-results", Columns: web.Columns[ResultRow](), UpdatedAt: at},
		{Key: "satisfaction-ratings", Title: apperr.M("survey.data.ratings"), About: apperr.M("survey.data.ratings_about", MinShown),
			URL: "/api/v1/units/" + u.Code + "/satisfaction-ratings", Columns: web.Columns[RatingRow](), UpdatedAt: rated}}, nil
}

// PublicLink is the link a province's or commune's page gives to its surveys.
func (s *Service) PublicLink(u org.Unit) (web.Link, bool) {
	if !u.Territory() {
		return web.Link{}, false
	}
	return web.Link{Text: apperr.M("survey.public.link"), URL: ListURL(u)}, true
}

// Due: surveys have no deadlines of their own to wait on an official.
func (s *Service) Due(context.Context, []org.Unit) ([]office.Item, error) { return nil, nil }

// Columns are the surveys' figures in the province table: the people
// satisfied in surveys (answers of 4 or 5 to satisfaction questions; target
// above 80 %), and in the ratings after an interaction (scores of 4 or 5).
func (s *Service) Columns() []office.Column {
	return []office.Column{{Key: "hai-long", Label: "survey.figures.satisfied", Percent: true},
		{Key: "danh-gia", Label: "survey.figures.rated", Percent: true}}
}

// Figures are those columns per commune, over the quarter: two queries.
func (s *Service) Figures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64][]office.Figure, error) {
	rows, err := satisfactionIn(ctx, s.db, province.Path, p.From, p.To)
	if err != nil {
		return nil, err
	}
	by := map[int64]office.Figure{}
	for _, r := range rows {
		f := by[r.unitID]
		f.N, f.Of = f.N+int(r.satisfied), f.Of+int(r.total)
		by[r.unitID] = f
	}
	rated, err := s.ratingFigures(ctx, t, province, communes, p)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]office.Figure, len(communes))
	for _, c := range communes {
		out[c.ID] = []office.Figure{by[c.ID], rated[c.ID]}
	}
	return out, nil
}
