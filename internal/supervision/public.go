package supervision

import (
	"context"
	"net/http"
	"strconv"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/office"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Page is the back-office page of a commune's supervision (the Front's and
// the boards'); AnswerPage the page of a unit's recommendations to answer.
const (
	Page       = "giam-sat"
	AnswerPage = "kien-nghi-giam-sat"
)

// PublicURL is a commune's public supervision page.
func PublicURL(u org.Unit) string { return "/xa/" + u.Code + "/" + Page }

// BoardURL is a board's public page.
func BoardURL(u org.Unit, id int64) string { return PublicURL(u) + "/" + strconv.FormatInt(id, 10) }

// PublicBoards are the commune's boards the public sees: recognised or
// dissolved (one still forming is the Front's work), with their members,
// plans, published conclusions and reports, and recommendations.
func (s *Service) PublicBoards(ctx context.Context, t *org.Tree, u org.Unit) ([]BoardView, error) {
	bs, err := boardsOf(ctx, s.db, u.ID)
	if err != nil {
		return nil, err
	}
	var out []BoardView
	for _, b := range bs {
		if b.Status == Forming {
			continue
		}
		v, err := s.view(ctx, t, u, b.ID, true)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// PublicBoard is one of them (a board still forming is not found).
func (s *Service) PublicBoard(ctx context.Context, t *org.Tree, u org.Unit, id int64) (BoardView, error) {
	v, err := s.view(ctx, t, u, id, true)
	if err != nil {
		return BoardView{}, err
	}
	if v.Board.Status == Forming {
		return BoardView{}, apperr.New(apperr.CodeNotFound, "supervision.err.no_board")
	}
	return v, nil
}

// PublicRecs are the recommendations of the commune's recognised boards.
func (s *Service) PublicRecs(ctx context.Context, u org.Unit) ([]Rec, error) {
	return recsOfCommune(ctx, s.db, u.ID)
}

// PublicLink is the link a commune's page gives to its supervision page
// (org.Room, wired by app).
func (s *Service) PublicLink(u org.Unit) (web.Link, bool) {
	if u.Type.Level() != org.CommuneLevel {
		return web.Link{}, false
	}
	return web.Link{Text: apperr.M("supervision.public.link"), URL: PublicURL(u)}, true
}

// --- open data ---

// RecRow is a recommendation as the open data gives it (schema SupervisionRecommendationRow).
type RecRow struct {
	ID         string `json:"id"`
	UnitCode   string `json:"unit_code"`
	UnitName   string `json:"unit_name"`
	Board      string `json:"board"`
	BoardKind  string `json:"board_kind"`
	Kind       string `json:"kind"`
	Addressee  string `json:"addressee"`
	Subject    string `json:"subject"`
	SentOn     string `json:"sent_on"`
	DueOn      string `json:"due_on"`
	AnsweredOn string `json:"answered_on"`
	State      string `json:"state"`
	Answer     string `json:"answer"`
}

// Rows are the recommendations of the communes under territory u sent from from on.
func (s *Service) Rows(ctx context.Context, t *org.Tree, u org.Unit, from legal.Date) ([]RecRow, error) {
	xs, err := recsIn(ctx, s.db, u.Path, from)
	if err != nil {
		return nil, err
	}
	today := s.today()
	out := make([]RecRow, 0, len(xs))
	for _, x := range xs {
		c, _ := t.Unit(x.CommuneID)
		to, _ := t.Unit(x.AddresseeID)
		out = append(out, RecRow{ID: strconv.FormatInt(x.ID, 10), UnitCode: c.Code, UnitName: c.Name, Board: x.BoardName, BoardKind: x.BoardKind,
			Kind: x.Kind, Addressee: to.Name, Subject: x.Subject, SentOn: x.SentOn.String(), DueOn: x.DueOn.String(),
			AnsweredOn: dayText(x.AnsweredOn), State: x.State(today), Answer: x.Answer})
	}
	return out, nil
}

// Datasets are the open data of supervision for a province or commune.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if !u.Territory() {
		return nil, nil
	}
	at, err := lastChange(ctx, s.db, u.Path)
	if err != nil {
		return nil, err
	}
	return []web.Dataset{{Key: "supervision-recommendations", Title: apperr.M("supervision.data.recs"), About: apperr.M("supervision.data.recs_about"),
		URL: "/api/v1/units/" + u.Code + "/supervision-recommendations", Columns: web.Columns[RecRow](), UpdatedAt: at}}, nil
}

func (h *handlers) apiRecs(w http.ResponseWriter, r *http.Request) {
	u, t, ok := org.APITerritory(h.web, h.units, w, r)
	if !ok {
		return
	}
	today := legal.Today(h.svc.Now())
	rows, err := h.svc.Rows(r.Context(), t, u, legal.DateOf(today.Year-1, 1, 1))
	web.SendRows(h.web, w, r, "kien-nghi-giam-sat-"+u.Code, rows, err)
}

// --- the back office ---

// Due is the officials' home's work: per unit, the recommendations it has to
// answer (late ones marked); for the level above, those its units let run
// late (raised to it); for a commune's Front, the boards still forming.
func (s *Service) Due(ctx context.Context, units []org.Unit) ([]office.Item, error) {
	if len(units) == 0 {
		return nil, nil
	}
	today := s.today()
	ids := make([]int64, 0, len(units))
	for _, u := range units {
		ids = append(ids, u.ID)
	}
	own, err := openTo(ctx, s.db, ids, today, false)
	if err != nil {
		return nil, err
	}
	below, err := openTo(ctx, s.db, ids, today, true)
	if err != nil {
		return nil, err
	}
	var out []office.Item
	for _, c := range own {
		out = append(out, office.Item{Kind: "supervision.work.answer", UnitID: c.unitID, Action: auth.AnswerSupervision, Page: AnswerPage,
			Count: c.n, Overdue: c.late, Earliest: day(c.earliest)})
	}
	for _, c := range below {
		out = append(out, office.Item{Kind: "supervision.work.escalated", UnitID: c.unitID, Action: auth.ViewBackOffice, Page: Page + "/tre-han",
			Count: c.n, Overdue: c.late, Earliest: day(c.earliest)})
	}
	counts, err := forming(ctx, s.db, ids)
	if err != nil {
		return nil, err
	}
	for _, u := range units {
		if n := counts[u.ID]; n > 0 {
			out = append(out, office.Item{Kind: "supervision.work.forming", UnitID: u.ID, Action: auth.RecognizeFront, Page: Page, Count: n})
		}
	}
	return out, nil
}

// Columns are supervision's figures in the province table: whether the
// commune's inspection board is recognised, and of the recommendations due
// this quarter so far, how many were answered within their 15 days.
func (s *Service) Columns() []office.Column {
	return []office.Column{{Key: "ban-ttnd", Label: "supervision.figures.board", Percent: true},
		{Key: "kien-nghi", Label: "supervision.figures.answered", Percent: true}}
}

// Figures are those columns per commune: two queries for the province.
func (s *Service) Figures(ctx context.Context, t *org.Tree, province org.Unit, communes []org.Unit, p office.Period) (map[int64][]office.Figure, error) {
	bs, err := boardsIn(ctx, s.db, province.Path)
	if err != nil {
		return nil, err
	}
	xs, err := recsIn(ctx, s.db, province.Path, p.From.AddDays(-31))
	if err != nil {
		return nil, err
	}
	board := map[int64]bool{}
	for _, b := range bs {
		if b.Kind == Inspection && b.Status == Recognised && !TermEnded(b.TermTo, p.Today) {
			board[b.CommuneID] = true
		}
	}
	answered := map[int64]*office.Figure{}
	for _, c := range communes {
		answered[c.ID] = &office.Figure{}
	}
	for _, x := range xs {
		f := answered[x.CommuneID]
		if f == nil || x.DueOn.Before(p.From) || !x.DueOn.Before(p.Today) {
			continue // only those whose 15 days ended this quarter, before today
		}
		f.Of++
		if x.State(p.Today) == OnTime {
			f.N++
		}
	}
	out := make(map[int64][]office.Figure, len(communes))
	for _, c := range communes {
		out[c.ID] = []office.Figure{{N: boolInt(board[c.ID]), Of: 1}, *answered[c.ID]}
	}
	return out, nil
}

// Late are the recommendations addressed to the units directly under u and
// still unanswered past their 15 days: the list the level above sees.
func (s *Service) Late(ctx context.Context, a *auth.Actor, u org.Unit) ([]Rec, error) {
	if err := s.guard.Can(ctx, a, auth.ViewBackOffice, u.ID); err != nil {
		return nil, err
	}
	return lateTo(ctx, s.db, u.ID, s.today())
}
