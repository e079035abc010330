package decision

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// Statuses of a matter and of a vote.
const (
	StatusOpen   = "open"
	StatusPassed = "passed"
	StatusFailed = "failed"
	StatusClosed = "closed"
)

// Choices on a ballot.
const (
	ChoiceAgree    = "agree"
	ChoiceDisagree = "disagree"
	ChoiceOther    = "other"
)

// MaxOpinion is the longest "other opinion" on an online ballot.
const MaxOpinion = 2000

// Matter is a matter put to the households.
type Matter struct {
	ID, UnitID, CommuneID int64
	Scope                 Scope
	Subject               int
	Title, Body           string
	Initiative            bool
	Backers               int
	Status                string
	DecidedOn             string
	ProposedOn            legal.Date
	Candidates            []string // an election (items 4–5); empty for a yes/no question
	Seats                 int
	DraftID               int64 // a hương ước: the consultation that posted its draft
	// After the decision (Arts 20–22).
	Minutes, MinutesSHA256       string
	SubmittedOn                  string
	Recognition, RecognitionNote string // '' | recognized | refused, and the reasons of a refusal
	RecognizedOn                 string
	AnnulledOn, AnnulReason      string
}

// Vote is one vote on a matter in one village.
type Vote struct {
	ID, MatterID, VillageID int64
	Method                  Method
	NoticedOn, HeldOn       legal.Date
	Households, OptedIn     int
	Present                 int
	Tally                   Tally
	Status                  string
	Passed, LackedNumbers   bool
	Team                    []string
	Secretary               string
	ClosedAt                int64 // epoch milliseconds: when the count was entered or the online vote closed (0: open)
}

// ClosesFrom is the first day an online vote may be closed: the day after its
// announced last day (the households may vote until that day is over).
func (v Vote) ClosesFrom() legal.Date { return v.HeldOn.AddDays(1) }

// Open reports whether the vote takes ballots on day d.
func (v Vote) Open(d legal.Date) bool { return v.Status == StatusOpen && !v.HeldOn.Before(d) }

// Service is the community decisions capability. The reads come from the
// embedded Store; every write goes through a method here, in one transaction.
type Service struct {
	*Store
	db      *db.DB
	units   *org.Service
	guard   *auth.Guard
	rec     *audit.Service
	cal     legal.Source
	drafts  Drafts
	ballots *db.GroupCommit[ballot]
	recent  *db.Memo[int64, Vote] // online votes read for ballots, kept for a second
}

// Drafts finds the comment window of the consultation that carried a draft
// (the consultation capability, wired by the app).
type Drafts interface {
	Window(ctx context.Context, id int64) (unitID int64, opens, closes legal.Date, err error)
}

// NewService starts the service and its ballot writer (stop it with Close).
func NewService(d *db.DB, units *org.Service, g *auth.Guard, rec *audit.Service, cal legal.Source, drafts Drafts) *Service {
	s := &Service{Store: NewStore(d), db: d, units: units, guard: g, rec: rec, cal: cal, drafts: drafts, recent: db.NewMemo[int64, Vote](time.Second, 10_000)}
	s.ballots = db.NewGroupCommit(d, 500, 2*time.Millisecond, s.writeBallots)
	return s
}

// Close writes the ballots still queued and stops the writer.
func (s *Service) Close() { s.ballots.Close() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// Now is the service's clock (the database's, so tests can set it).
func (s *Service) Now() time.Time { return s.db.Now() }

// Proposal is a matter as an official puts it.
type Proposal struct {
	UnitID     int64 // a village, or a commune for a commune-wide matter
	Subject    int
	Title      string
	Body       string
	Initiative bool // proposed by citizens (Art 16), with Backers households behind it
	Backers    int
	Candidates []string // an election (items 4–5): the candidates; none for a yes/no question (a dismissal)
	Seats      int      // how many are elected (a village head: 1)
	DraftID    int64    // a hương ước: the consultation that posted its draft
	Idem       db.Idem  // the form's key (web.FormIdem): a retried post proposes once
}

// Propose records a matter for a village or, for items 1–2, for a whole commune.
func (s *Service) Propose(ctx context.Context, a *auth.Actor, p Proposal) (Matter, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return Matter{}, err
	}
	u, ok := t.Unit(p.UnitID)
	if !ok || !u.Current() {
		return Matter{}, apperr.New(apperr.CodeNotFound, "decision.err.unit_not_found")
	}
	m := Matter{ID: s.db.NewID(), UnitID: u.ID, Subject: p.Subject, Title: strings.TrimSpace(p.Title), Body: strings.TrimSpace(p.Body),
		Initiative: p.Initiative, Backers: p.Backers, Status: StatusOpen, ProposedOn: s.today(), Candidates: cleanNames(p.Candidates), Seats: max(p.Seats, 1), DraftID: p.DraftID}
	switch u.Type.Level() {
	case org.VillageLevel:
		m.Scope, m.CommuneID = VillageScope, u.ParentID
	case org.CommuneLevel:
		m.Scope, m.CommuneID = CommuneScope, u.ID
	default:
		return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.unit_level").Mark("unit")
	}
	if err := s.guard.Can(ctx, a, auth.DecideMatters, u.ID); err != nil {
		return Matter{}, err
	}
	if err := CheckScope(p.Subject, m.Scope); err != nil {
		return Matter{}, err
	}
	switch {
	case len(m.Candidates) > 0 && m.Subject != VillageHead && m.Subject != Boards:
		return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.not_election").Mark("candidates")
	case m.Subject == VillageHead && m.Seats != 1:
		return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.one_head").Mark("seats")
	case len(m.Candidates) > 0 && m.Seats > len(m.Candidates):
		return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.seats_over", m.Seats, len(m.Candidates)).Mark("seats")
	}
	if m.Subject == Convention {
		if err := s.findDraft(ctx, m); err != nil {
			return Matter{}, err
		}
	} else {
		m.DraftID = 0
	}
	if m.Title == "" || utf8.RuneCountInString(m.Title) > MaxTitle {
		return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.title_required").Mark("title")
	}
	if p.Initiative {
		n, err := s.householdCount(ctx, u)
		if err != nil {
			return Matter{}, err
		}
		// Dismissing the village head on the households' petition needs half of them (ND 59 Art 9).
		if m.Subject == VillageHead && len(m.Candidates) == 0 && !DismissalPetition(p.Backers, n) {
			return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.dismissal_backers", p.Backers, n, (n+1)/2).Mark("backers")
		}
		if !InitiativeBacked(p.Backers, n) {
			return Matter{}, apperr.New(apperr.CodeInvalid, "decision.err.initiative_backers", p.Backers, n, (n+9)/10).Mark("backers")
		}
	} else {
		m.Backers = 0
	}
	now := s.db.NowMillis()
	var first string
	var repeated bool
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		first, repeated, err = s.db.Once(ctx, tx, p.Idem.In("decision.propose", a.AccountID, p.UnitID), func() (string, error) {
			if err := insertMatter(ctx, tx, m, a.AccountID, now); err != nil {
				return "", err
			}
			return fmt.Sprint(m.ID), s.record(ctx, tx, a, m, "decision.proposed", "Đưa ra Nhân dân bàn và quyết định: "+m.Title, map[string]any{"subject": m.Subject, "scope": m.Scope})
		})
		return err
	})
	if err == nil && repeated { // the same form posted again: the matter the first post proposed
		id, perr := db.ResultID(first)
		if perr != nil {
			return Matter{}, perr
		}
		return findMatter(ctx, s.db, id)
	}
	return m, err
}

func proposer(initiative bool) string {
	if initiative {
		return "initiative"
	}
	return "head"
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, m Matter, kind, what string, data map[string]any) error {
	data["matter"], data["title"], data["url"] = m.ID, m.Title, fmt.Sprintf("/quyet-dinh/%d", m.ID)
	if err := s.guard.RecordEvent(ctx, tx, a, auth.DecideMatters, kind, m.UnitID, "matter", fmt.Sprint(m.ID), nil, data); err != nil {
		return err
	}
	return s.rec.AppendData(ctx, tx, audit.Record{UnitID: m.UnitID, Kind: kind, ObjectType: "matter", ObjectID: fmt.Sprint(m.ID), Summary: what}, data)
}

// Notice is how an official calls a vote in one village.
type Notice struct {
	VillageID int64
	Method    Method
	HeldOn    string   // YYYY-MM-DD: the meeting or ballot day; online, the last day
	OptedIn   int      // online: households that agreed to vote online
	Team      []string // ballot team or online team (3–5); a meeting chooses its committee on the day
}

// Notice calls a vote and fixes its electorate: the active households of the
// village today. Meetings and ballots are noticed at least two days ahead
// (Art 18; ND 59 Arts 3–4).
func (s *Service) Notice(ctx context.Context, a *auth.Actor, matterID int64, n Notice) (Vote, error) {
	m, err := findMatter(ctx, s.db, matterID)
	if err != nil {
		return Vote{}, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return Vote{}, err
	}
	village, ok := t.Unit(n.VillageID)
	if !ok || village.Type.Level() != org.VillageLevel || (village.ID != m.UnitID && village.ParentID != m.UnitID) {
		return Vote{}, apperr.New(apperr.CodeNotFound, "decision.err.village_not_in_scope")
	}
	if err := s.guard.Can(ctx, a, auth.DecideMatters, village.ID); err != nil {
		return Vote{}, err
	}
	if m.Status != StatusOpen {
		return Vote{}, apperr.New(apperr.CodeConflict, "decision.err.decided")
	}
	held, err := legal.ParseDate(n.HeldOn)
	if err != nil {
		return Vote{}, apperr.New(apperr.CodeInvalid, "decision.err.date_required").Mark("held_on")
	}
	today := s.today()
	if n.Method != Online {
		cal, err := s.cal.Calendar(ctx)
		if err != nil {
			return Vote{}, err
		}
		res, err := legal.DefaultCatalogue().Compute(cal, "meeting.notice", held, legal.Options{})
		if err != nil {
			return Vote{}, apperr.New(apperr.CodeInvalid, "decision.err.date_invalid").Mark("held_on")
		}
		if res.Due.Before(today) {
			return Vote{}, apperr.New(apperr.CodeInvalid, "decision.err.notice", held.VN(), res.Due.VN(), EarliestDay("meeting.notice", today).VN()).Mark("held_on")
		}
	} else if held.Before(today) {
		return Vote{}, apperr.New(apperr.CodeInvalid, "decision.err.online_past").Mark("held_on")
	}
	if m.Subject == Convention {
		if err := s.checkDraft(ctx, m, held); err != nil {
			return Vote{}, err
		}
	}
	// Electing a village head: the plan (the matter) comes at least 20 days before (ND 59 Art 6).
	if m.Subject == VillageHead && n.Method == Meeting {
		steps, err := s.ElectionTimeline(ctx, held, m.ProposedOn)
		if err != nil {
			return Vote{}, err
		}
		if steps[0].Late {
			return Vote{}, apperr.New(apperr.CodeInvalid, "decision.err.election_plan", m.ProposedOn.VN(), EarliestDay("village-head.plan", m.ProposedOn).VN()).Mark("held_on")
		}
	}
	team := cleanNames(n.Team)
	v := Vote{ID: s.db.NewID(), MatterID: m.ID, VillageID: village.ID, Method: n.Method, NoticedOn: today, HeldOn: held, OptedIn: n.OptedIn,
		Status: StatusOpen, Team: team}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		open, failed, err := votesIn(ctx, tx, m.ID, village.ID)
		if err != nil {
			return err
		}
		if open > 0 {
			return apperr.New(apperr.CodeConflict, "decision.err.vote_running")
		}
		hs, err := electorate(ctx, tx, village.ID)
		if err != nil {
			return err
		}
		v.Households, v.Tally.Households = len(hs), len(hs)
		if v.Households == 0 {
			return apperr.New(apperr.CodeInvalid, "decision.err.village_no_households").Mark("households")
		}
		if err := CheckMethod(m.Subject, n.Method, MethodFacts{MeetingFailed: failed > 0, OptedIn: n.OptedIn, Households: v.Households}); err != nil {
			return err
		}
		if n.Method != Meeting {
			if err := CheckTeam(len(team)); err != nil {
				return err
			}
		}
		if err := insertVote(ctx, tx, s.db, v, hs, a.AccountID, s.db.NowMillis()); err != nil {
			return err
		}
		return s.record(ctx, tx, a, m, "decision.noticed", fmt.Sprintf("Thông báo biểu quyết (%s) tại %s ngày %s: %s", MethodNames[v.Method],
			village.Name, v.HeldOn.VN(), m.Title), map[string]any{"vote": v.ID, "method": v.Method, "held_on": v.HeldOn.String(), "households": v.Households})
	})
	return v, err
}

// MethodNames name the methods.
var MethodNames = map[Method]string{Meeting: "họp cộng đồng dân cư", Ballot: "phát phiếu lấy ý kiến hộ gia đình", Online: "biểu quyết trực tuyến"}

func cleanNames(names []string) []string {
	var out []string
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, n)
		}
	}
	return out
}

// MyBallot is what a representative sees of their household in a vote.
type MyBallot struct {
	HouseholdID   int64
	HouseholdCode string
	Voted         bool
	Receipt       string
	Choice        string // agree | disagree | other: shown to the representative only
	At            int64
}

// Mine returns the household the actor represents in a vote's electorate, and
// its ballot if it has voted (ok false: the actor represents none of them).
func (s *Service) Mine(ctx context.Context, a *auth.Actor, voteID int64) (MyBallot, bool, error) {
	var b MyBallot
	if a == nil || a.Kind != auth.Citizen {
		return b, false, nil
	}
	return s.ballotOf(ctx, voteID, a.AccountID)
}

// checkDraft refuses a vote on a hương ước whose draft was not posted for
// comment at least 30 days, in its village or commune, before the vote (ND 61/2023).
func (s *Service) checkDraft(ctx context.Context, m Matter, voteDay legal.Date) error {
	if err := s.findDraft(ctx, m); err != nil {
		return err
	}
	_, opens, closes, _ := s.drafts.Window(ctx, m.DraftID)
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return err
	}
	r, err := legal.DefaultCatalogue().Compute(cal, "huong-uoc.posting", opens, legal.Options{})
	if err != nil {
		return err
	}
	if closes.Before(r.Due) {
		return apperr.New(apperr.CodeInvalid, "decision.err.draft_too_short", opens.VN(), closes.VN(), r.Due.VN()).Mark("draft")
	}
	if !closes.Before(voteDay) {
		return apperr.New(apperr.CodeInvalid, "decision.err.draft_still_open", closes.VN()).Mark("draft")
	}
	return nil
}

// findDraft checks a hương ước names the consultation of its draft, in its
// village or commune.
func (s *Service) findDraft(ctx context.Context, m Matter) error {
	if m.DraftID == 0 || s.drafts == nil {
		return apperr.New(apperr.CodeInvalid, "decision.err.draft_required").Mark("draft")
	}
	unit, _, _, err := s.drafts.Window(ctx, m.DraftID)
	if err != nil || (unit != m.UnitID && unit != m.CommuneID) {
		return apperr.New(apperr.CodeInvalid, "decision.err.draft_not_found").Mark("draft")
	}
	return nil
}

// NextReview is the next annual review of a hương ước in force: 18 November
// (ND 61/2023), on or after today.
func NextReview(today legal.Date) legal.Date {
	d := legal.DateOf(today.Year, time.November, 18)
	if d.Before(today) {
		d = legal.DateOf(today.Year+1, time.November, 18)
	}
	return d
}

// EarliestDay is the first day an event timed by a rule counted backwards in
// calendar days (a notice, an election plan) can be held when the step it
// needs is taken on day from: the rule's length after it.
func EarliestDay(rule string, from legal.Date) legal.Date {
	r, _ := legal.DefaultCatalogue().Rule(rule)
	return from.AddDays(r.Base)
}
