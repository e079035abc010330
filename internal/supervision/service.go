package supervision

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Calendars is the process's calendar of working days (calendar.Service).
type Calendars interface {
	Calendar(ctx context.Context) (*legal.Calendar, error)
}

// Publisher puts an act on the public record (audit.Service).
type Publisher interface {
	AppendData(ctx context.Context, tx *sql.Tx, r audit.Record, data any) error
}

// Candidate is a person a village of the commune elected to a board at its
// community meeting (LDC Art 15 item 5), as the decisions capability knows it.
type Candidate struct {
	MatterID, VillageID int64
	Matter              string // the matter's title
	Name                string
	HeldOn              legal.Date
	Recognised          bool // the Front recognised the result (Art 21(2))
}

// Elections are the board elections of a commune (decision.Service, wired
// by app).
type Elections interface {
	BoardElections(ctx context.Context, communeID int64) ([]Candidate, error)
}

// Accounts finds an official's account by e-mail (auth.Service): a board's
// member who acts for it in danchu has one.
type Accounts interface {
	OfficialID(ctx context.Context, email string) (int64, bool, error)
}

// Service is supervision by the people. Reads come from the embedded Store;
// every write goes through a method here, in one transaction with its guard
// check and its audit record.
type Service struct {
	*Store
	db    *db.DB
	units *org.Service
	guard *auth.Guard
	cals  Calendars
	cat   *legal.Catalogue
	// Record is the public record recognitions, conclusions and answers go on.
	Record Publisher
	// Elections lend the elected members of inspection boards (nil: none).
	Elections Elections
	// Accounts link a member to their official account (nil: no links).
	Accounts Accounts
}

// NewService returns the service.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, cals Calendars) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, cals: cals, cat: legal.DefaultCatalogue()}
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// commune is the current commune id once the guard let a do action there.
func (s *Service) commune(ctx context.Context, a *auth.Actor, action auth.Action, id int64) (org.Unit, *org.Tree, error) {
	if err := s.guard.Can(ctx, a, action, id); err != nil {
		return org.Unit{}, nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, nil, err
	}
	u, ok := t.Unit(id)
	if !ok || !u.Current() || u.Type.Level() != org.CommuneLevel {
		return org.Unit{}, nil, apperr.New(apperr.CodeNotFound, "supervision.err.unit_not_found")
	}
	return u, t, nil
}

// ownBoard is board id of commune u: another commune's board is not found.
func ownBoard(ctx context.Context, q querier, u org.Unit, id int64, lock bool) (Board, error) {
	var b Board
	var err error
	if tx, ok := q.(*sql.Tx); ok && lock {
		b, err = lockBoard(ctx, tx, id)
	} else {
		b, err = boardByID(ctx, q, id)
	}
	if err != nil {
		return Board{}, err
	}
	if b.CommuneID != u.ID {
		return Board{}, apperr.New(apperr.CodeNotFound, "supervision.err.no_board")
	}
	return b, nil
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, action auth.Action, event string, unitID int64, objType string, objID int64, after any) error {
	return s.guard.RecordEvent(ctx, tx, a, action, event, unitID, objType, strconv.FormatInt(objID, 10), nil, after)
}

func (s *Service) publish(ctx context.Context, tx *sql.Tx, r audit.Record, data any) error {
	if s.Record == nil {
		return nil
	}
	return s.Record.AppendData(ctx, tx, r, data)
}

// answering is the guard of a body answering what was addressed to it: the
// action on unitID by a role bound to that very unit — an official of the
// unit above answers nothing in its name.
func (s *Service) answering(ctx context.Context, a *auth.Actor, unitID int64) error {
	if err := s.guard.Can(ctx, a, auth.AnswerSupervision, unitID); err != nil {
		return err
	}
	for _, g := range a.Grants {
		if g.UnitID == unitID && g.Role.Allows(auth.AnswerSupervision) {
			return nil
		}
	}
	return apperr.New(apperr.CodeNotFound, "supervision.err.no_rec")
}

// front reports whether a acts for the commune's Front (asked before a
// transaction: the guard reads outside it).
func (s *Service) front(ctx context.Context, a *auth.Actor, u org.Unit) bool {
	return s.guard.Can(ctx, a, auth.RecognizeFront, u.ID) == nil
}

// mayAct refuses an official who neither acts for the commune's Front nor
// sits on board b: a board's plans, writings and recommendations are its own.
func mayAct(ctx context.Context, q querier, a *auth.Actor, front bool, b Board) error {
	if front {
		return nil
	}
	ok, err := isMember(ctx, q, b.ID, a.AccountID)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(apperr.CodeForbidden, "supervision.err.not_member", b.Name)
	}
	return nil
}

func changed(ok bool) error {
	if !ok {
		return apperr.New(apperr.CodeConflict, "supervision.err.changed")
	}
	return nil
}

func villagesOf(t *org.Tree, u org.Unit) []org.Unit {
	var out []org.Unit
	for _, v := range t.Descendants(u.ID) {
		if v.Current() && v.Type.Level() == org.VillageLevel {
			out = append(out, v)
		}
	}
	return out
}

// AddWorkingDays is the n-th working day after d on the process's calendar.
func (s *Service) AddWorkingDays(ctx context.Context, d legal.Date, n int) (legal.Date, error) {
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return d, err
	}
	for n > 0 {
		if d = d.AddDays(1); cal.IsWorkingDay(d) {
			n--
		}
	}
	return d, nil
}

// --- reads for the back office ---

// Boards are the commune's boards, for an official who may record supervision there.
func (s *Service) Boards(ctx context.Context, a *auth.Actor, communeID int64) ([]Board, error) {
	if _, _, err := s.commune(ctx, a, auth.Supervise, communeID); err != nil {
		return nil, err
	}
	return boardsOf(ctx, s.db, communeID)
}

// BoardView is a board with what it holds.
type BoardView struct {
	Board     Board
	Members   []BoardMember
	Plans     []Plan
	Writings  []Writing
	Recs      []Rec
	Villages  int
	Size      int        // an inspection board: the members it must have
	NoticeDue legal.Date // an investment board: the last day to tell the investor
}

// Board is a board of the commune with its members, plans, writings and
// recommendations (drafts included), for an official who may record there.
func (s *Service) Board(ctx context.Context, a *auth.Actor, communeID, id int64) (BoardView, error) {
	u, t, err := s.commune(ctx, a, auth.Supervise, communeID)
	if err != nil {
		return BoardView{}, err
	}
	return s.view(ctx, t, u, id, false)
}

func (s *Service) view(ctx context.Context, t *org.Tree, u org.Unit, id int64, public bool) (BoardView, error) {
	b, err := ownBoard(ctx, s.db, u, id, false)
	if err != nil {
		return BoardView{}, err
	}
	v := BoardView{Board: b, Villages: len(villagesOf(t, u))}
	v.Size = InspectionSize(v.Villages)
	if b.Kind == Investment && !b.StartsOn.IsZero() {
		cal, err := s.cals.Calendar(ctx)
		if err != nil {
			return v, err
		}
		if res, err := s.cat.Compute(cal, "bgsdt.notice", b.StartsOn, legal.Options{}); err == nil {
			v.NoticeDue = res.Due
		}
	}
	if v.Members, err = membersOf(ctx, s.db, id); err != nil {
		return v, err
	}
	if v.Plans, err = plansOf(ctx, s.db, id); err != nil {
		return v, err
	}
	if v.Writings, err = writingsOf(ctx, s.db, id, public); err != nil {
		return v, err
	}
	v.Recs, err = recsOfBoard(ctx, s.db, id)
	return v, err
}

// Candidates are the people the commune's villages elected to its
// inspection board who are not members yet.
func (s *Service) Candidates(ctx context.Context, communeID int64) ([]Candidate, error) {
	if s.Elections == nil {
		return nil, nil
	}
	cs, err := s.Elections.BoardElections(ctx, communeID)
	if err != nil {
		return nil, err
	}
	ms, err := membersIn(ctx, s.db, communeID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(cs, func(c Candidate) bool {
		return slices.ContainsFunc(ms, func(m BoardMember) bool { return m.MatterID == c.MatterID && m.Name == c.Name })
	}), nil
}

// Recommendations are those of the commune's boards, for the Front's list by state.
func (s *Service) Recommendations(ctx context.Context, a *auth.Actor, communeID int64) ([]Rec, error) {
	if _, _, err := s.commune(ctx, a, auth.Supervise, communeID); err != nil {
		return nil, err
	}
	return recsOfCommune(ctx, s.db, communeID)
}

// Addressed are the recommendations addressed to a unit, for its officials
// who answer them.
func (s *Service) Addressed(ctx context.Context, a *auth.Actor, unitID int64) ([]Rec, error) {
	if err := s.answering(ctx, a, unitID); err != nil {
		return nil, err
	}
	return recsTo(ctx, s.db, unitID)
}

// Recommendation is one addressed to the unit: another unit's is not found.
func (s *Service) Recommendation(ctx context.Context, a *auth.Actor, unitID, id int64) (Rec, error) {
	if err := s.answering(ctx, a, unitID); err != nil {
		return Rec{}, err
	}
	x, err := recByID(ctx, s.db, id)
	if err != nil || x.AddresseeID != unitID {
		return Rec{}, apperr.New(apperr.CodeNotFound, "supervision.err.no_rec")
	}
	return x, nil
}

// Addressees are the bodies a commune's board may address: the commune's
// people's committee and the agencies and units attached under it.
func (s *Service) Addressees(ctx context.Context, communeID int64) ([]org.Unit, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	u, ok := t.Unit(communeID)
	if !ok {
		return nil, apperr.New(apperr.CodeNotFound, "supervision.err.unit_not_found")
	}
	out := []org.Unit{u}
	for _, x := range t.Descendants(u.ID) {
		if x.Current() && x.Type.Level() == org.Attached {
			out = append(out, x)
		}
	}
	return out, nil
}

// --- boards ---

// CreateBoard creates a board of the commune: the Front's act (LDC Arts 36,
// 41: the Front recognises the inspection board, creates each investment board).
func (s *Service) CreateBoard(ctx context.Context, a *auth.Actor, communeID int64, d BoardDraft, idem db.Idem) (Board, error) {
	u, _, err := s.commune(ctx, a, auth.RecognizeFront, communeID)
	if err != nil {
		return Board{}, err
	}
	if d, err = d.Check(s.today()); err != nil {
		return Board{}, err
	}
	now := s.db.NowMillis()
	b := Board{ID: s.db.NewID(), CommuneID: u.ID, Kind: d.Kind, Name: d.Name, Project: d.Project, Funding: d.Funding, Investor: d.Investor,
		StartsOn: d.StartsOn, TermTo: d.TermTo, Status: Forming, CreatedAt: now, UpdatedAt: now}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, _, err = s.db.Once(ctx, tx, idem.In("supervision.board", a.AccountID, u.ID), func() (string, error) {
			if d.Kind == Inspection {
				bs, err := boardsOf(ctx, tx, u.ID)
				if err != nil {
					return "", err
				}
				if slices.ContainsFunc(bs, func(x Board) bool { return x.Kind == Inspection && x.Status != Dissolved }) {
					return "", apperr.New(apperr.CodeConflict, "supervision.err.one_inspection", InspectionLaw)
				}
			}
			if err := insertBoard(ctx, tx, b, a.AccountID); err != nil {
				if db.IsUniqueViolation(err) { // another Front officer's, at the same moment
					return "", apperr.New(apperr.CodeConflict, "supervision.err.one_inspection", InspectionLaw)
				}
				return "", err
			}
			return strconv.FormatInt(b.ID, 10), s.record(ctx, tx, a, auth.RecognizeFront, "supervision.board", u.ID, "sup_board", b.ID, d)
		})
		return err
	})
	if err != nil {
		return Board{}, fmt.Errorf("create board: %w", err)
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Board{}, err
	}
	return boardByID(ctx, s.db, id)
}

// AddMember adds a member to a board, checked against the law: an
// inspection board's members are those a village elected (a by-election
// while six months of the term remain); an investment board's declare no
// relative among the project's parties.
func (s *Service) AddMember(ctx context.Context, a *auth.Actor, communeID, boardID int64, d MemberDraft, idem db.Idem) (BoardMember, error) {
	u, t, err := s.commune(ctx, a, auth.RecognizeFront, communeID)
	if err != nil {
		return BoardMember{}, err
	}
	today := s.today()
	villages := villagesOf(t, u)
	if d.VillageID != 0 && !slices.ContainsFunc(villages, func(v org.Unit) bool { return v.ID == d.VillageID }) {
		return BoardMember{}, apperr.New(apperr.CodeInvalid, "supervision.err.f.village").Mark("village")
	}
	var cands []Candidate
	if d.MatterID != 0 {
		if s.Elections != nil {
			if cands, err = s.Elections.BoardElections(ctx, u.ID); err != nil {
				return BoardMember{}, err
			}
		}
		i := slices.IndexFunc(cands, func(c Candidate) bool { return c.MatterID == d.MatterID && c.Name == d.Name })
		if i < 0 {
			return BoardMember{}, apperr.New(apperr.CodeInvalid, "supervision.err.not_elected", InspectionLaw).Mark("matter")
		}
		if !cands[i].Recognised {
			return BoardMember{}, apperr.New(apperr.CodeInvalid, "supervision.err.unrecognised").Mark("matter")
		}
		if cands[i].HeldOn.Before(today.AddMonths(-ElectionAge)) {
			return BoardMember{}, apperr.New(apperr.CodeInvalid, "supervision.err.old_election", cands[i].HeldOn.VN(), ElectionAge).Mark("matter")
		}
		d.VillageID = cands[i].VillageID
	}
	m := BoardMember{ID: s.db.NewID(), BoardID: boardID, VillageID: d.VillageID, JoinedOn: today}
	if d.Email = strings.TrimSpace(d.Email); d.Email != "" {
		var ok bool
		if s.Accounts != nil {
			if m.AccountID, ok, err = s.Accounts.OfficialID(ctx, d.Email); err != nil {
				return BoardMember{}, err
			}
		}
		if !ok {
			return BoardMember{}, apperr.New(apperr.CodeInvalid, "supervision.err.member_invalid").
				WithFields(map[string]apperr.Msg{"email": apperr.M("supervision.err.f.account")})
		}
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := ownBoard(ctx, tx, u, boardID, true)
		if err != nil {
			return err
		}
		switch {
		case b.Status == Dissolved:
			return apperr.New(apperr.CodeConflict, "supervision.err.dissolved")
		case b.Status == Recognised && b.Kind == Inspection && !CanByElect(today, b.TermTo):
			return apperr.New(apperr.CodeInvalid, "supervision.err.byelection_late", ByElectionGap, b.TermTo.VN(), InspectionLaw)
		}
		_, _, err = s.db.Once(ctx, tx, idem.In("supervision.member", a.AccountID, b.ID), func() (string, error) {
			ms, err := membersOf(ctx, tx, b.ID)
			if err != nil {
				return "", err
			}
			if d.MatterID != 0 && slices.ContainsFunc(ms, func(x BoardMember) bool { return x.MatterID == d.MatterID && x.Name == d.Name }) {
				return "", apperr.New(apperr.CodeConflict, "supervision.err.already_member")
			}
			ps := make([]Person, len(ms))
			for i, x := range ms {
				ps[i] = x.Person()
			}
			if d, err = CheckMember(b.Kind, len(villages), ps, d); err != nil {
				return "", err
			}
			m.Name, m.Position, m.Origin, m.MatterID, m.Declared = d.Name, d.Position, d.Origin, d.MatterID, d.Declared()
			if err := insertMember(ctx, tx, m, s.db.NowMillis()); err != nil {
				return "", err
			}
			if err := touchBoard(ctx, tx, b.ID, s.db.NowMillis()); err != nil {
				return "", err
			}
			return strconv.FormatInt(m.ID, 10), s.record(ctx, tx, a, auth.RecognizeFront, "supervision.member", u.ID, "sup_board", b.ID, d)
		})
		return err
	})
	if err != nil {
		return BoardMember{}, fmt.Errorf("add member: %w", err)
	}
	return m, nil
}

// RemoveMember records that a member left the board (resignation, dismissal
// by the village, moving away): they stay in its history.
func (s *Service) RemoveMember(ctx context.Context, a *auth.Actor, communeID, boardID, memberID int64) error {
	u, _, err := s.commune(ctx, a, auth.RecognizeFront, communeID)
	if err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := ownBoard(ctx, tx, u, boardID, true)
		if err != nil {
			return err
		}
		ok, err := leaveMember(ctx, tx, b.ID, memberID, s.today())
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeNotFound, "supervision.err.no_member")
		}
		if err := touchBoard(ctx, tx, b.ID, s.db.NowMillis()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, auth.RecognizeFront, "supervision.member_left", u.ID, "sup_board", b.ID, map[string]any{"member": memberID})
	})
}

// Recognise is the commune Front's recognition of a board whose composition
// the law allows; it goes on the public record.
func (s *Service) Recognise(ctx context.Context, a *auth.Actor, communeID, boardID int64) error {
	u, t, err := s.commune(ctx, a, auth.RecognizeFront, communeID)
	if err != nil {
		return err
	}
	villages := len(villagesOf(t, u))
	today := s.today()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := ownBoard(ctx, tx, u, boardID, true)
		if err != nil {
			return err
		}
		if b.Status != Forming {
			return apperr.New(apperr.CodeConflict, "supervision.err.not_forming")
		}
		ms, err := membersOf(ctx, tx, b.ID)
		if err != nil {
			return err
		}
		ps := make([]Person, len(ms))
		names := make([]string, len(ms))
		for i, x := range ms {
			ps[i], names[i] = x.Person(), x.Name
		}
		if err := CheckComposition(b.Kind, villages, ps); err != nil {
			return err
		}
		ok, err := setBoardStatus(ctx, tx, b.ID, Forming, Recognised, today, "", s.db.NowMillis())
		if err := changed(ok); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, auth.RecognizeFront, "supervision.recognised", u.ID, "sup_board", b.ID, map[string]any{"members": names}); err != nil {
			return err
		}
		return s.publish(ctx, tx, audit.Record{UnitID: u.ID, Kind: "supervision.recognised", ObjectType: "sup_board", ObjectID: strconv.FormatInt(b.ID, 10),
			Summary: b.Name}, map[string]any{"kind": b.Kind, "name": b.Name, "project": b.Project, "members": names, "on": today.String(), "url": PublicURL(u)})
	})
}

// Notified records the day an investment board's plan and composition were
// sent to the investor (legal: bgsdt.notice, at least 45 days before).
func (s *Service) Notified(ctx context.Context, a *auth.Actor, communeID, boardID int64, on legal.Date) error {
	u, _, err := s.commune(ctx, a, auth.RecognizeFront, communeID)
	if err != nil {
		return err
	}
	today := s.today()
	if on.IsZero() || today.Before(on) {
		return apperr.New(apperr.CodeInvalid, "supervision.err.notified_day").Mark("notified_on")
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := ownBoard(ctx, tx, u, boardID, true)
		if err != nil {
			return err
		}
		if b.Kind != Investment || b.Status == Dissolved {
			return apperr.New(apperr.CodeConflict, "supervision.err.not_investment")
		}
		if err := setNotified(ctx, tx, b.ID, on, s.db.NowMillis()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, auth.RecognizeFront, "supervision.notified", u.ID, "sup_board", b.ID, map[string]any{"on": on.String()})
	})
}

// Dissolve ends a recognised board: an investment board when its project is
// handed over, an inspection board when its term is over (before the next
// one is recognised), a Front team when its supervision is done.
func (s *Service) Dissolve(ctx context.Context, a *auth.Actor, communeID, boardID int64, on legal.Date, note string) error {
	u, _, err := s.commune(ctx, a, auth.RecognizeFront, communeID)
	if err != nil {
		return err
	}
	today := s.today()
	if on.IsZero() || today.Before(on) {
		return apperr.New(apperr.CodeInvalid, "supervision.err.handover_day").Mark("handed_over")
	}
	p := web.Problems{}
	note = p.Text("note", note, 2000, false)
	if err := p.Err(apperr.New(apperr.CodeInvalid, "supervision.err.dissolve_invalid")); err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := ownBoard(ctx, tx, u, boardID, true)
		if err != nil {
			return err
		}
		ok, err := setBoardStatus(ctx, tx, b.ID, Recognised, Dissolved, on, note, s.db.NowMillis())
		if err := changed(ok); err != nil {
			return err
		}
		return s.record(ctx, tx, a, auth.RecognizeFront, "supervision.dissolved", u.ID, "sup_board", b.ID, map[string]any{"on": on.String(), "note": note})
	})
}

// --- the board's work ---

// working is a recognised board of the commune, locked, within its term,
// for an official who may act for it.
func (s *Service) working(ctx context.Context, tx *sql.Tx, a *auth.Actor, front bool, u org.Unit, id int64) (Board, error) {
	b, err := ownBoard(ctx, tx, u, id, true)
	if err != nil {
		return Board{}, err
	}
	if err := mayAct(ctx, tx, a, front, b); err != nil {
		return Board{}, err
	}
	switch {
	case b.Status != Recognised:
		return Board{}, apperr.New(apperr.CodeConflict, "supervision.err.not_working")
	case !b.TermTo.IsZero() && b.TermTo.Before(s.today()):
		return Board{}, apperr.New(apperr.CodeConflict, "supervision.err.term_ended", b.TermTo.VN())
	}
	return b, nil
}

// AddPlan files a board's plan; an inspection plan must have been sent at
// least five working days before the inspection (legal: bttnd.plan).
func (s *Service) AddPlan(ctx context.Context, a *auth.Actor, communeID, boardID int64, d PlanDraft, idem db.Idem) (Plan, error) {
	u, _, err := s.commune(ctx, a, auth.Supervise, communeID)
	if err != nil {
		return Plan{}, err
	}
	front := s.front(ctx, a, u)
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{ID: s.db.NewID(), BoardID: boardID, CreatedAt: s.db.NowMillis()}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := s.working(ctx, tx, a, front, u, boardID)
		if err != nil {
			return err
		}
		if d, err = d.Check(b.Kind, s.today(), s.cat, cal); err != nil {
			return err
		}
		p.Period, p.Title, p.Body, p.Subject, p.StartsOn, p.SentOn = d.Period, d.Title, d.Body, d.Subject, d.StartsOn, d.SentOn
		first, _, err = s.db.Once(ctx, tx, idem.In("supervision.plan", a.AccountID, b.ID), func() (string, error) {
			if err := insertPlan(ctx, tx, p, a.AccountID); err != nil {
				return "", err
			}
			if err := touchBoard(ctx, tx, b.ID, p.CreatedAt); err != nil {
				return "", err
			}
			return strconv.FormatInt(p.ID, 10), s.record(ctx, tx, a, auth.Supervise, "supervision.plan", u.ID, "sup_board", b.ID, d)
		})
		return err
	})
	if err != nil {
		return Plan{}, fmt.Errorf("add plan: %w", err)
	}
	if p.ID, err = db.ResultID(first); err != nil {
		return Plan{}, err
	}
	return p, nil
}

// AddWriting files a board's conclusion (findings and evidence) or its
// report to the Front, as a draft: it stays internal until published.
func (s *Service) AddWriting(ctx context.Context, a *auth.Actor, communeID, boardID int64, d WritingDraft, idem db.Idem) (Writing, error) {
	u, _, err := s.commune(ctx, a, auth.Supervise, communeID)
	if err != nil {
		return Writing{}, err
	}
	front := s.front(ctx, a, u)
	w := Writing{ID: s.db.NewID(), BoardID: boardID, CreatedAt: s.db.NowMillis()}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := s.working(ctx, tx, a, front, u, boardID)
		if err != nil {
			return err
		}
		if d, err = d.Check(b.Kind, b.Funding); err != nil {
			return err
		}
		if d.PlanID != 0 {
			ok, err := planOfBoard(ctx, tx, b.ID, d.PlanID)
			if err != nil {
				return err
			}
			if !ok {
				return apperr.New(apperr.CodeInvalid, "supervision.err.f.plan").Mark("plan")
			}
		}
		w.Kind, w.PlanID, w.Area, w.Period, w.Title, w.Body, w.Evidence = d.Kind, d.PlanID, d.Area, d.Period, d.Title, d.Body, d.Evidence
		first, _, err = s.db.Once(ctx, tx, idem.In("supervision.writing", a.AccountID, b.ID), func() (string, error) {
			if err := insertWriting(ctx, tx, w, a.AccountID); err != nil {
				return "", err
			}
			return strconv.FormatInt(w.ID, 10), s.record(ctx, tx, a, auth.Supervise, "supervision.writing", u.ID, "sup_board", b.ID, d)
		})
		return err
	})
	if err != nil {
		return Writing{}, fmt.Errorf("add writing: %w", err)
	}
	if w.ID, err = db.ResultID(first); err != nil {
		return Writing{}, err
	}
	return w, nil
}

// Publish publishes a board's conclusion or report: it shows on the board's
// public page, and a conclusion goes on the public record.
func (s *Service) Publish(ctx context.Context, a *auth.Actor, communeID, boardID, id int64) error {
	u, _, err := s.commune(ctx, a, auth.Supervise, communeID)
	if err != nil {
		return err
	}
	front := s.front(ctx, a, u)
	today := s.today()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := ownBoard(ctx, tx, u, boardID, true)
		if err != nil {
			return err
		}
		if err := mayAct(ctx, tx, a, front, b); err != nil {
			return err
		}
		w, err := writingByID(ctx, tx, id)
		if err != nil || w.BoardID != b.ID {
			return apperr.New(apperr.CodeNotFound, "supervision.err.no_writing")
		}
		ok, err := publishWriting(ctx, tx, w.ID, today)
		if err := changed(ok); err != nil {
			return err
		}
		if err := touchBoard(ctx, tx, b.ID, s.db.NowMillis()); err != nil {
			return err
		}
		if err := s.record(ctx, tx, a, auth.Supervise, "supervision.published", u.ID, "sup_writing", w.ID, map[string]any{"title": w.Title}); err != nil {
			return err
		}
		if w.Kind != Conclusion { // a report is the Front's: it shows on the board's page only
			return nil
		}
		return s.publish(ctx, tx, audit.Record{UnitID: u.ID, Kind: "supervision." + w.Kind, ObjectType: "sup_writing", ObjectID: strconv.FormatInt(w.ID, 10),
			Summary: b.Name + ": " + w.Title}, map[string]any{"board": b.Name, "title": w.Title, "body": w.Body, "evidence": w.Evidence,
			"area": w.Area, "period": w.Period, "on": today.String(), "url": BoardURL(u, b.ID)})
	})
}

// Recommend sends a board's recommendation to a body of the commune, which
// must answer within 15 days (legal: supervision.answer).
func (s *Service) Recommend(ctx context.Context, a *auth.Actor, communeID, boardID int64, d RecDraft, idem db.Idem) (Rec, error) {
	u, _, err := s.commune(ctx, a, auth.Supervise, communeID)
	if err != nil {
		return Rec{}, err
	}
	front := s.front(ctx, a, u)
	today := s.today()
	addressees, err := s.Addressees(ctx, u.ID)
	if err != nil {
		return Rec{}, err
	}
	if d.AddresseeID != 0 && !slices.ContainsFunc(addressees, func(x org.Unit) bool { return x.ID == d.AddresseeID }) {
		return Rec{}, apperr.New(apperr.CodeInvalid, "supervision.err.f.addressee").Mark("addressee")
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Rec{}, err
	}
	x := Rec{ID: s.db.NewID(), BoardID: boardID, CommuneID: u.ID, CreatedAt: s.db.NowMillis()}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := s.working(ctx, tx, a, front, u, boardID)
		if err != nil {
			return err
		}
		if d, err = d.Check(b.Kind, today); err != nil {
			return err
		}
		res, err := s.cat.Compute(cal, "supervision.answer", d.SentOn, legal.Options{})
		if err != nil {
			return err
		}
		x.AddresseeID, x.Kind, x.Subject, x.Body, x.SentOn, x.DueOn = d.AddresseeID, d.Kind, d.Subject, d.Body, d.SentOn, res.Due
		first, _, err = s.db.Once(ctx, tx, idem.In("supervision.rec", a.AccountID, b.ID), func() (string, error) {
			if err := insertRec(ctx, tx, x, a.AccountID); err != nil {
				return "", err
			}
			if err := touchBoard(ctx, tx, b.ID, x.CreatedAt); err != nil {
				return "", err
			}
			return strconv.FormatInt(x.ID, 10), s.record(ctx, tx, a, auth.Supervise, "supervision.recommended", u.ID, "sup_rec", x.ID, d)
		})
		return err
	})
	if err != nil {
		return Rec{}, fmt.Errorf("recommend: %w", err)
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Rec{}, err
	}
	return recByID(ctx, s.db, id)
}

// Answer is the addressed body's answer to a recommendation, once; whether
// it came within the 15 days is kept, and the answer goes on the public
// record. A body the recommendation was not addressed to gets 404.
func (s *Service) Answer(ctx context.Context, a *auth.Actor, unitID, id int64, text string) (Rec, error) {
	if err := s.answering(ctx, a, unitID); err != nil {
		return Rec{}, err
	}
	text, err := CheckAnswer(text)
	if err != nil {
		return Rec{}, err
	}
	today := s.today()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		x, err := recByID(ctx, tx, id)
		if err != nil || x.AddresseeID != unitID {
			return apperr.New(apperr.CodeNotFound, "supervision.err.no_rec")
		}
		ok, err := answerRec(ctx, tx, x.ID, text, today, a.AccountID)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "supervision.err.answered")
		}
		if err := touchBoard(ctx, tx, x.BoardID, s.db.NowMillis()); err != nil {
			return err
		}
		state := StateOf(x.DueOn, today, today)
		if err := s.record(ctx, tx, a, auth.AnswerSupervision, "supervision.answer", unitID, "sup_rec", x.ID, map[string]any{"state": state}); err != nil {
			return err
		}
		t, err := s.units.Tree(ctx)
		if err != nil {
			return err
		}
		c, _ := t.Unit(x.CommuneID)
		return s.publish(ctx, tx, audit.Record{UnitID: x.CommuneID, Kind: "supervision.answered", ObjectType: "sup_rec", ObjectID: strconv.FormatInt(x.ID, 10),
			Summary: x.Subject}, map[string]any{"board": x.BoardName, "subject": x.Subject, "sent_on": x.SentOn.String(), "due_on": x.DueOn.String(),
			"answered_on": today.String(), "on_time": state == OnTime, "answer": text, "url": PublicURL(c)})
	})
	if err != nil {
		return Rec{}, fmt.Errorf("answer recommendation: %w", err)
	}
	return recByID(ctx, s.db, id)
}
