package survey

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/indicator"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Representation is the households a citizen represents (org.Service).
type Representation interface {
	HouseholdsRepresentedBy(ctx context.Context, accountID int64) ([]org.Household, error)
}

// Service is the surveys. Reads come from the embedded Store; every write
// goes through a method here, in one transaction with its guard check and its
// audit record.
type Service struct {
	*Store
	db           *db.DB
	units        *org.Service
	guard        *auth.Guard
	households   Representation
	interactions Interactions
}

// NewService returns the service.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, hs Representation) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, households: hs}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// territory is the current province or commune id once the guard let a run
// its surveys.
func (s *Service) territory(ctx context.Context, a *auth.Actor, id int64) (org.Unit, error) {
	if err := s.guard.Can(ctx, a, auth.RunSurveys, id); err != nil {
		return org.Unit{}, err
	}
	return s.place(ctx, id)
}

func (s *Service) place(ctx context.Context, id int64) (org.Unit, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	u, ok := t.Unit(id)
	if !ok || !u.Current() || !u.Territory() {
		return org.Unit{}, apperr.New(apperr.CodeNotFound, "survey.err.unit_not_found")
	}
	return u, nil
}

// own is survey id of unit u: another unit's is not found.
func own(ctx context.Context, q querier, u org.Unit, id int64) (Survey, error) {
	x, err := surveyByID(ctx, q, id)
	if err != nil || x.UnitID != u.ID {
		return Survey{}, apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	return x, nil
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, event string, unitID, id int64, after any) error {
	return s.guard.RecordEvent(ctx, tx, a, auth.RunSurveys, event, unitID, "survey", strconv.FormatInt(id, 10), nil, after)
}

// Surveys are the unit's surveys, drafts included, for its officials.
func (s *Service) Surveys(ctx context.Context, a *auth.Actor, unitID int64) ([]Survey, error) {
	if _, err := s.territory(ctx, a, unitID); err != nil {
		return nil, err
	}
	return surveysOf(ctx, s.db, unitID, false)
}

// PublicSurveys are the unit's surveys that are open or closed.
func (s *Service) PublicSurveys(ctx context.Context, u org.Unit) ([]Survey, error) {
	return surveysOf(ctx, s.db, u.ID, true)
}

// Survey is one of the unit's, with its questions, for its officials.
func (s *Service) Survey(ctx context.Context, a *auth.Actor, unitID, id int64) (Survey, []Question, error) {
	u, err := s.territory(ctx, a, unitID)
	if err != nil {
		return Survey{}, nil, err
	}
	x, err := own(ctx, s.db, u, id)
	if err != nil {
		return Survey{}, nil, err
	}
	qs, err := questionsOf(ctx, s.db, x.ID)
	return x, qs, err
}

// Create builds a survey, as a draft: its questions are fixed when it opens.
func (s *Service) Create(ctx context.Context, a *auth.Actor, unitID int64, d DraftSurvey, idem db.Idem) (Survey, error) {
	u, err := s.territory(ctx, a, unitID)
	if err != nil {
		return Survey{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Survey{}, err
	}
	now := s.db.NowMillis()
	x := Survey{ID: s.db.NewID(), UnitID: u.ID, Title: d.Title, Intro: d.Intro, Audience: d.Audience, OpensOn: d.OpensOn, ClosesOn: d.ClosesOn,
		Status: Draft, CreatedAt: now, UpdatedAt: now}
	for i := range d.Questions {
		d.Questions[i].ID = s.db.NewID()
	}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, _, err = s.db.Once(ctx, tx, idem.In("survey.create", a.AccountID, u.ID), func() (string, error) {
			if err := insertSurvey(ctx, tx, x, a.AccountID); err != nil {
				return "", err
			}
			if err := insertQuestions(ctx, tx, s.db, x.ID, d.Questions); err != nil {
				return "", err
			}
			return strconv.FormatInt(x.ID, 10), s.record(ctx, tx, a, "survey.created", u.ID, x.ID, map[string]any{"title": x.Title, "questions": len(d.Questions)})
		})
		return err
	})
	if err != nil {
		return Survey{}, fmt.Errorf("create survey: %w", err)
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Survey{}, err
	}
	return surveyByID(ctx, s.db, id)
}

// SetStatus opens a draft or closes an open survey.
func (s *Service) SetStatus(ctx context.Context, a *auth.Actor, unitID, id int64, to string) error {
	u, err := s.territory(ctx, a, unitID)
	if err != nil {
		return err
	}
	from := map[string]string{Open: Draft, Closed: Open}[to]
	if from == "" {
		return apperr.New(apperr.CodeInvalid, "survey.err.status")
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		x, err := own(ctx, tx, u, id)
		if err != nil {
			return err
		}
		if to == Open && x.ClosesOn.Before(s.today()) {
			return apperr.New(apperr.CodeConflict, "survey.err.past_close", x.ClosesOn.VN())
		}
		ok, err := setStatus(ctx, tx, x.ID, from, to, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "survey.err.changed")
		}
		return s.record(ctx, tx, a, "survey."+to, u.ID, x.ID, nil)
	})
}

// Respond records a citizen's answers to an open survey of a unit whose
// household they represent: once per citizen, or once per household.
func (s *Service) Respond(ctx context.Context, a *auth.Actor, id int64, ans Answer) error {
	if a == nil || a.Kind != auth.Citizen {
		return apperr.New(apperr.CodeForbidden, "survey.err.citizens_only")
	}
	x, err := surveyByID(ctx, s.db, id)
	if err != nil || x.Status == Draft {
		return apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	if _, err := s.place(ctx, x.UnitID); err != nil { // a unit merged away takes no answers
		return apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	if !x.OpenOn(s.today()) {
		return apperr.New(apperr.CodeConflict, "survey.err.not_open", x.OpensOn.VN(), x.ClosesOn.VN())
	}
	whos, err := s.respondents(ctx, a, x)
	if err != nil {
		return err
	}
	qs, err := questionsOf(ctx, s.db, x.ID)
	if err != nil {
		return err
	}
	if ans, err = CheckAnswer(qs, ans); err != nil {
		return err
	}
	now := s.db.NowMillis()
	today := s.today()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		// Read again in the transaction: a survey closed meanwhile takes nothing.
		if now, err := lockSurvey(ctx, tx, x.ID); err != nil || !now.OpenOn(today) {
			if err != nil {
				return err
			}
			return apperr.New(apperr.CodeConflict, "survey.err.not_open", now.OpensOn.VN(), now.ClosesOn.VN())
		}
		fresh := false
		for _, who := range whos { // a representative of two households answers for the next one
			if fresh, err = claimResponse(ctx, tx, x.ID, who, now); err != nil {
				return err
			}
			if fresh {
				break
			}
		}
		if !fresh {
			return apperr.New(apperr.CodeConflict, "survey.err.answered")
		}
		for _, q := range qs {
			if q.Kind == Text {
				if t := ans.Texts[q.N]; t != "" {
					if err := insertText(ctx, tx, s.db.NewID(), x.ID, q.ID, t, now); err != nil {
						return err
					}
				}
				continue
			}
			for _, c := range ans.Choices[q.N] {
				if err := bump(ctx, tx, q.ID, c); err != nil {
					return err
				}
				if q.Satisfaction {
					if err := indicator.Count(ctx, tx, indicator.Fact{Code: SatisfiedIndicator, UnitID: x.UnitID, Day: today,
						Num: indicator.One(c+1 >= Satisfied), Den: 1}); err != nil {
						return err
					}
				}
			}
		}
		return bumpResponses(ctx, tx, x.ID, now)
	})
}

// respondents are who may answer for a: the citizen, or each active
// household of the unit they represent; one who represents no active
// household of the unit may not answer.
func (s *Service) respondents(ctx context.Context, a *auth.Actor, x Survey) ([]string, error) {
	hs, err := s.households.HouseholdsRepresentedBy(ctx, a.AccountID)
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, h := range hs {
		if !h.Active || (h.VillageID != x.UnitID && !t.Within(h.VillageID, x.UnitID)) {
			continue
		}
		if x.Audience != Households {
			return []string{"a:" + strconv.FormatInt(a.AccountID, 10)}, nil
		}
		out = append(out, "h:"+strconv.FormatInt(h.ID, 10))
	}
	if len(out) == 0 {
		return nil, apperr.New(apperr.CodeForbidden, "survey.err.not_resident")
	}
	return out, nil
}

// Answered reports whether a (or each household they represent) answered
// the survey; one who may not answer it has nothing to answer.
func (s *Service) Answered(ctx context.Context, a *auth.Actor, x Survey) (bool, error) {
	whos, err := s.respondents(ctx, a, x)
	if apperr.CodeOf(err) == apperr.CodeForbidden {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	for _, who := range whos {
		ok, err := answered(ctx, s.db, x.ID, who)
		if err != nil || !ok {
			return false, err
		}
	}
	return true, nil
}

// Questions are a survey's questions.
func (s *Service) Questions(ctx context.Context, id int64) ([]Question, error) {
	return questionsOf(ctx, s.db, id)
}

// QuestionResult is a question's counts.
type QuestionResult struct {
	Question Question
	Labels   []string
	Counts   []int64
	Shares   []int // per cent of the answers to the question (multi: of the responses)
	Total    int64 // answers to it (multi: choices made)
	Mean     float64
	Texts    []string // free text: the newest, for the unit's officials only
}

// Results are a survey's counts, read from the counters.
type Results struct {
	Survey    Survey
	Questions []QuestionResult
	// Satisfied is, over its satisfaction questions, the answers of 4 or 5 of all (per cent; -1: none).
	Satisfied int
}

// PublicResults are the results of an open or closed survey, without free text.
func (s *Service) PublicResults(ctx context.Context, id int64) (Results, org.Unit, error) {
	x, err := surveyByID(ctx, s.db, id)
	if err != nil || x.Status == Draft {
		return Results{}, org.Unit{}, apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	u, err := s.place(ctx, x.UnitID)
	if err != nil {
		return Results{}, org.Unit{}, apperr.New(apperr.CodeNotFound, "survey.err.not_found")
	}
	r, err := s.results(ctx, x, false)
	return r, u, err
}

// OfficialResults are the results with the free-text answers, for the unit's officials.
func (s *Service) OfficialResults(ctx context.Context, a *auth.Actor, unitID, id int64) (Results, error) {
	u, err := s.territory(ctx, a, unitID)
	if err != nil {
		return Results{}, err
	}
	x, err := own(ctx, s.db, u, id)
	if err != nil {
		return Results{}, err
	}
	return s.results(ctx, x, true)
}

func (s *Service) results(ctx context.Context, x Survey, texts bool) (Results, error) {
	qs, err := questionsOf(ctx, s.db, x.ID)
	if err != nil {
		return Results{}, err
	}
	cs, err := countsOf(ctx, s.db, x.ID)
	if err != nil {
		return Results{}, err
	}
	r := tally(x, qs, cs)
	if texts {
		for i, q := range r.Questions {
			if q.Question.Kind == Text {
				if r.Questions[i].Texts, err = textsOf(ctx, s.db, q.Question.ID, 200); err != nil {
					return Results{}, err
				}
			}
		}
	}
	return r, nil
}

// tally lays a survey's counters out per question: counts, shares, the
// scale's mean, and the satisfied share over its satisfaction questions.
func tally(x Survey, qs []Question, cs []count) Results {
	by := map[int64][]int64{}
	for _, q := range qs {
		by[q.ID] = make([]int64, q.Choices())
	}
	for _, c := range cs {
		if v := by[c.questionID]; c.choice >= 0 && c.choice < len(v) {
			v[c.choice] = c.n
		}
	}
	r := Results{Survey: x, Satisfied: -1}
	var sat, all int64
	for _, q := range qs {
		qr := QuestionResult{Question: q, Counts: by[q.ID], Labels: q.Options}
		if q.Kind == Scale {
			qr.Labels = ScaleLabels
		}
		var weighted int64
		for i, n := range qr.Counts {
			qr.Total += n
			weighted += int64(i+1) * n
			if q.Satisfaction {
				all += n
				if i+1 >= Satisfied {
					sat += n
				}
			}
		}
		base := qr.Total
		if q.Kind == Multi {
			base = x.Responses
		}
		for _, n := range qr.Counts {
			qr.Shares = append(qr.Shares, Share(n, base))
		}
		if q.Kind == Scale && qr.Total > 0 {
			qr.Mean = float64(weighted) / float64(qr.Total)
		}
		r.Questions = append(r.Questions, qr)
	}
	if all > 0 {
		r.Satisfied = Share(sat, all)
	}
	return r
}

// ScaleLabels name the scale's points.
var ScaleLabels = []string{"1 — Rất không hài lòng", "2 — Không hài lòng", "3 — Bình thường", "4 — Hài lòng", "5 — Rất hài lòng"}
