package reception

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/code"
	"danchu/internal/db"
	"danchu/internal/indicator"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
	"danchu/internal/random"
	"danchu/internal/web"
)

// Sealer seals a denunciation's identity under the vault's keys (vault.Keyring).
type Sealer interface {
	Seal(plain, aad []byte) []byte
	Open(sealed, aad []byte) ([]byte, error)
}

// Calendars is the process's calendar of working days (calendar.Service).
type Calendars interface {
	Calendar(ctx context.Context) (*legal.Calendar, error)
}

// Publisher puts an act on the public record (audit.Service).
type Publisher interface {
	AppendData(ctx context.Context, tx *sql.Tx, r audit.Record, data any) error
}

// Petition is what a visit's answer hands to the room that resolves it.
type Petition struct {
	Kind                 string // Complaint, Denunciation or Proposal
	UnitID               int64
	Received             legal.Date
	Name, Address, Phone string
	People               int
	Content, Request     string
	Earlier              string
	KnownOn              legal.Date // a complaint: the day the decision or act was known
	Number, Year         int        // the entry in the reception book
	Key                  string     // one case per visit, however often the answer is retried
}

// Opened is the case a petition became.
type Opened struct{ Code, URL string }

// Intake opens the case a visit becomes: casework for complaints and
// denunciations, feedback for petitions (wired by app). An official who may
// not open it there gets that room's refusal.
type Intake interface {
	Open(ctx context.Context, a *auth.Actor, p Petition) (Opened, error)
}

// Service is citizen reception. The reads come from the embedded Store; every
// write goes through a method here, in one transaction with its guard check
// and its audit record.
type Service struct {
	*Store
	db     *db.DB
	units  *org.Service
	guard  *auth.Guard
	cals   Calendars
	cat    *legal.Catalogue
	outbox *notify.Outbox
	vault  Sealer
	// Intake opens the cases answers create (nil: an answer that would open
	// one is refused).
	Intake Intake
	// Record is the public record a moved session's notice goes on.
	Record Publisher
	// MassFrom is how many people make a visit "đông người" (configuration).
	MassFrom int
	// Online allows a video link on a session (Law 2025's online reception).
	Online bool
	// RateURL is where one who was received rates the officials (LDC 2022
	// Art 35(2)(a); set by app; nil or "": no link — not theirs, rated, or
	// too late).
	RateURL func(ctx context.Context, a *auth.Actor, code string) string
}

// NewService returns the service.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, cals Calendars, outbox *notify.Outbox) *Service {
	return &Service{Store: NewStore(d), db: d, units: units, guard: g, cals: cals, cat: legal.DefaultCatalogue(), outbox: outbox,
		MassFrom: MassFrom, Online: true}
}

// SetVault gives the service the vault's keys: without them a denunciation
// is not entered in the book.
func (s *Service) SetVault(v Sealer) { s.vault = v }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// unit is the unit in force with id once the guard let a in: a province, a
// commune or an agency (who must receive citizens).
func (s *Service) unit(ctx context.Context, a *auth.Actor, id int64) (org.Unit, error) {
	if err := s.guard.Can(ctx, a, auth.ReceiveCitizens, id); err != nil {
		return org.Unit{}, err
	}
	return s.receiving(ctx, id)
}

func (s *Service) receiving(ctx context.Context, id int64) (org.Unit, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return org.Unit{}, err
	}
	u, ok := t.Unit(id)
	if !ok || !u.Current() || len(RolesFor(u.Type)) == 0 {
		return org.Unit{}, apperr.New(apperr.CodeNotFound, "reception.err.unit_not_found")
	}
	return u, nil
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, event string, unitID int64, objType string, objID int64, after any) error {
	return s.guard.RecordEvent(ctx, tx, a, auth.ReceiveCitizens, event, unitID, objType, strconv.FormatInt(objID, 10), nil, after)
}

func changed(ok bool) error {
	if !ok {
		return apperr.New(apperr.CodeConflict, "reception.err.changed")
	}
	return nil
}

// --- the office ---

// Office is the unit's reception office (ok false: not yet described).
func (s *Service) Office(ctx context.Context, unitID int64) (Office, bool, error) {
	return officeOf(ctx, s.db, unitID)
}

// SaveOffice sets where and when the unit receives citizens.
func (s *Service) SaveOffice(ctx context.Context, a *auth.Actor, unitID int64, d OfficeDraft) error {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return err
	}
	if d, err = d.Check(); err != nil {
		return err
	}
	o := Office{UnitID: u.ID, Address: d.Address, Hours: d.Hours, Phone: d.Phone, UpdatedAt: s.db.NowMillis()}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := saveOffice(ctx, tx, o); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "reception.office", u.ID, "reception_office", u.ID, d)
	})
}

// --- leaders ---

// Leaders are the unit's leaders who receive citizens, for its officials.
func (s *Service) Leaders(ctx context.Context, a *auth.Actor, unitID int64) ([]Leader, error) {
	if _, err := s.unit(ctx, a, unitID); err != nil {
		return nil, err
	}
	return leadersOf(ctx, s.db, unitID)
}

// AddLeader adds a leader who must receive citizens.
func (s *Service) AddLeader(ctx context.Context, a *auth.Actor, unitID int64, d LeaderDraft, idem db.Idem) (Leader, error) {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Leader{}, err
	}
	if d, err = d.Check(u.Type); err != nil {
		return Leader{}, err
	}
	l := Leader{ID: s.db.NewID(), UnitID: u.ID, Role: d.Role, Name: d.Name, Title: d.Title, Active: true, CreatedAt: s.db.NowMillis()}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, _, err = s.db.Once(ctx, tx, idem.In("reception.leader", a.AccountID, u.ID), func() (string, error) {
			if err := insertLeader(ctx, tx, l); err != nil {
				return "", err
			}
			return strconv.FormatInt(l.ID, 10), s.record(ctx, tx, a, "reception.leader", u.ID, "reception_leader", l.ID, d)
		})
		return err
	})
	if err != nil {
		return Leader{}, fmt.Errorf("add reception leader: %w", err)
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Leader{}, err
	}
	return leaderByID(ctx, s.db, id)
}

// SetLeaderActive stops (or resumes) a leader's schedule: a leader who left
// keeps their past sessions.
func (s *Service) SetLeaderActive(ctx context.Context, a *auth.Actor, unitID, id int64, active bool) error {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return err
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		l, err := leaderByID(ctx, tx, id)
		if err != nil || l.UnitID != u.ID {
			return apperr.New(apperr.CodeNotFound, "reception.err.no_leader")
		}
		ok, err := setLeaderActive(ctx, tx, id, active)
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		return s.record(ctx, tx, a, "reception.leader_active", u.ID, "reception_leader", id, map[string]any{"active": active})
	})
}

// --- sessions ---

// Month is a leader's month against the minimum: the check of the days
// planned (and held), and how many were held, moved and missed.
type Month struct {
	Leader              Leader
	Year                int
	Month               time.Month
	Check               legal.MonthCheck
	Held, Moved, Missed int
	Sessions            []Session
	Minimum             legal.ReceptionMinimum
	From, To            legal.Date
	Past                bool // the month is over: what was planned and not held is missing
}

// month checks the leader's sessions of (year, m).
func (s *Service) month(ctx context.Context, q querier, cal *legal.Calendar, l Leader, year int, m time.Month) (Month, error) {
	first := legal.DateOf(year, m, 1)
	last := first.AddMonths(1).AddDays(-1)
	// A week belongs to the month of its Monday: its end may be in the next month.
	ss, err := leaderSessions(ctx, q, l.ID, first, last.AddDays(6))
	if err != nil {
		return Month{}, err
	}
	out := Month{Leader: l, Year: year, Month: m, Minimum: l.Minimum(), From: first, To: last, Past: last.Before(s.today())}
	var days []legal.Date
	for _, x := range ss {
		if x.Counts() {
			days = append(days, x.Day)
		}
		if last.Before(x.Day) {
			continue
		}
		out.Sessions = append(out.Sessions, x)
		switch x.Status {
		case Held:
			out.Held++
		case Moved:
			out.Moved++
		case Missed:
			out.Missed++
		}
	}
	out.Check = legal.CheckReception(out.Minimum, cal, year, m, days)
	return out, nil
}

// LeaderMonth is a leader of the unit and their month.
func (s *Service) LeaderMonth(ctx context.Context, a *auth.Actor, unitID, leaderID int64, year int, m time.Month) (Month, error) {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Month{}, err
	}
	l, err := leaderByID(ctx, s.db, leaderID)
	if err != nil || l.UnitID != u.ID {
		return Month{}, apperr.New(apperr.CodeNotFound, "reception.err.no_leader")
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Month{}, err
	}
	return s.month(ctx, s.db, cal, l, year, m)
}

// Months are the unit's active leaders and their month.
func (s *Service) Months(ctx context.Context, unitID int64, year int, m time.Month) ([]Month, error) {
	ls, err := leadersOf(ctx, s.db, unitID)
	if err != nil {
		return nil, err
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return nil, err
	}
	var out []Month
	for _, l := range ls {
		if !l.Active {
			continue
		}
		mo, err := s.month(ctx, s.db, cal, l, year, m)
		if err != nil {
			return nil, err
		}
		out = append(out, mo)
	}
	return out, nil
}

// AddSession plans a session; the leader's month is checked against the
// minimum with it (a short month is flagged, not refused: the schedule is
// the unit's to complete).
func (s *Service) AddSession(ctx context.Context, a *auth.Actor, unitID int64, d SessionDraft, idem db.Idem) (Session, Month, error) {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return Session{}, Month{}, err
	}
	if d, err = d.Check(s.today(), s.Online); err != nil {
		return Session{}, Month{}, err
	}
	l, err := leaderByID(ctx, s.db, d.LeaderID)
	if err != nil || l.UnitID != u.ID || !l.Active {
		return Session{}, Month{}, apperr.New(apperr.CodeInvalid, "reception.err.session_invalid").
			WithFields(map[string]apperr.Msg{"leader": apperr.M("reception.err.f.leader")})
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return Session{}, Month{}, err
	}
	if !cal.IsWorkingDay(d.Day) {
		return Session{}, Month{}, apperr.New(apperr.CodeInvalid, "reception.err.session_invalid").
			WithFields(map[string]apperr.Msg{"day": apperr.M("reception.err.f.day_off", d.Day.VN())})
	}
	now := s.db.NowMillis()
	x := Session{ID: s.db.NewID(), UnitID: u.ID, LeaderID: l.ID, Day: d.Day, Starts: d.Starts, Ends: d.Ends, Place: d.Place,
		VideoURL: d.VideoURL, Slots: d.Slots, Status: Planned, CreatedAt: now, UpdatedAt: now, Version: 1}
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, _, err = s.db.Once(ctx, tx, idem.In("reception.session", a.AccountID, u.ID), func() (string, error) {
			if err := insertSession(ctx, tx, x); err != nil {
				return "", err
			}
			return strconv.FormatInt(x.ID, 10), s.record(ctx, tx, a, "reception.session", u.ID, "reception_session", x.ID, sessionSummary(x))
		})
		return err
	})
	if err != nil {
		return Session{}, Month{}, fmt.Errorf("add reception session: %w", err)
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Session{}, Month{}, err
	}
	if x, err = sessionByID(ctx, s.db, id); err != nil {
		return Session{}, Month{}, err
	}
	mo, err := s.month(ctx, s.db, cal, l, x.Day.Year, mondayMonth(x.Day))
	return x, mo, err
}

// mondayMonth is the month whose check a day counts in: its week's Monday's
// (a weekly minimum), which is the day's own month but for the first days of
// a month whose week began in the one before.
func mondayMonth(d legal.Date) time.Month {
	wd := int(d.Weekday()+6) % 7 // Monday 0
	return d.AddDays(-wd).Month
}

func sessionSummary(x Session) map[string]any {
	return map[string]any{"leader": x.LeaderID, "day": x.Day.String(), "starts": x.Starts, "ends": x.Ends, "place": x.Place,
		"slots": x.Slots, "online": x.VideoURL != "", "status": x.Status}
}

// ownSession is the unit's session id, once the guard let a in; another
// unit's is "not found".
func (s *Service) ownSession(ctx context.Context, a *auth.Actor, unitID, id int64) (org.Unit, Session, error) {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return u, Session{}, err
	}
	x, err := sessionByID(ctx, s.db, id)
	if err != nil || x.UnitID != u.ID {
		return u, Session{}, apperr.New(apperr.CodeNotFound, "reception.err.no_session")
	}
	return u, x, nil
}

// ownVisit is the unit's entry id, once the guard let a in; another unit's
// is "not found".
func (s *Service) ownVisit(ctx context.Context, a *auth.Actor, unitID, id int64) (org.Unit, visitRow, error) {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return u, visitRow{}, err
	}
	v, err := visitByID(ctx, s.db, id)
	if err != nil || v.UnitID != u.ID {
		return u, visitRow{}, apperr.New(apperr.CodeNotFound, "reception.err.no_visit")
	}
	return u, v, nil
}

// SessionView is a session with its bookings and the visits of its day.
type SessionView struct {
	Session
	Bookings []Booking
	Visits   []Visit
	Leader   Leader
}

// Session is one of the unit's sessions for its officials; another unit's
// is "not found".
func (s *Service) Session(ctx context.Context, a *auth.Actor, unitID, id int64) (SessionView, error) {
	_, x, err := s.ownSession(ctx, a, unitID, id)
	if err != nil {
		return SessionView{}, err
	}
	v := SessionView{Session: x}
	if v.Bookings, err = bookingsOf(ctx, s.db, id); err != nil {
		return v, err
	}
	vs, err := sessionVisits(ctx, s.db, id)
	if err != nil {
		return v, err
	}
	for _, r := range vs {
		v.Visits = append(v.Visits, r.Visit)
	}
	v.Leader, err = leaderByID(ctx, s.db, x.LeaderID)
	return v, err
}

// Sessions are the unit's sessions in [from, to].
func (s *Service) Sessions(ctx context.Context, unitID int64, from, to legal.Date) ([]Session, error) {
	return sessionsOf(ctx, s.db, unitID, from, to)
}

// Close records what became of a planned session: held, missed (with the
// reason) or moved to another day (with the public notice; the bookings move
// with it and their citizens are told).
func (s *Service) Close(ctx context.Context, a *auth.Actor, unitID, id int64, version int, to, notice string, next *SessionDraft) (Session, error) {
	u, x, err := s.ownSession(ctx, a, unitID, id)
	if err != nil {
		return Session{}, err
	}
	today := s.today()
	if err := CanMove(x, today, to); err != nil {
		return Session{}, err
	}
	p := web.Problems{}
	notice = p.Text("notice", notice, 2000, to != Held)
	var nx Session
	if to == Moved {
		if next == nil {
			next = &SessionDraft{}
		}
		next.LeaderID = x.LeaderID
		d, err := next.Check(today, s.Online)
		if err != nil {
			return Session{}, err
		}

		cal, err := s.cals.Calendar(ctx)
		if err != nil {
			return Session{}, err
		}
		if !cal.IsWorkingDay(d.Day) {
			p.Add("day", apperr.M("reception.err.f.day_off", d.Day.VN()))
		}
		now := s.db.NowMillis()
		nx = Session{ID: s.db.NewID(), UnitID: u.ID, LeaderID: x.LeaderID, Day: d.Day, Starts: d.Starts, Ends: d.Ends, Place: d.Place,
			VideoURL: d.VideoURL, Slots: d.Slots, Status: Planned, CreatedAt: now, UpdatedAt: now, Version: 1}
	}
	if err := p.Err(apperr.New(apperr.CodeInvalid, "reception.err.close_invalid")); err != nil {
		return Session{}, err
	}
	now := s.db.NowMillis()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if to == Moved {
			if err := insertSession(ctx, tx, nx); err != nil {
				return err
			}
		}
		ok, err := closeSession(ctx, tx, x.ID, version, to, nx.ID, notice, now)
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		after := map[string]any{"status": to, "notice": notice}
		if to == Held || to == Missed { // a session moved counts on its new day
			if err := indicator.Count(ctx, tx, indicator.Fact{Code: HeldIndicator, UnitID: u.ID, Day: x.Day, Num: indicator.One(to == Held), Den: 1}); err != nil {
				return err
			}
		}
		if to == Moved {
			// The bookings still waiting move, counted here, in the transaction.
			n, err := moveBookings(ctx, tx, x.ID, nx.ID)
			if err != nil {
				return err
			}
			if n > nx.Slots {
				return apperr.New(apperr.CodeInvalid, "reception.err.close_invalid").
					WithFields(map[string]apperr.Msg{"slots": apperr.M("reception.err.f.slots_booked", n)})
			}
			if err := setBooked(ctx, tx, nx.ID, n); err != nil {
				return err
			}
			after["to"] = sessionSummary(nx)
			if err := s.tellMoved(ctx, tx, u, x, nx, notice); err != nil {
				return err
			}
			if s.Record != nil {
				if err := s.Record.AppendData(ctx, tx, audit.Record{UnitID: u.ID, Kind: "reception.moved", ObjectType: "reception_session",
					ObjectID: strconv.FormatInt(x.ID, 10), Summary: x.LeaderName + ": " + x.Day.VN() + " → " + nx.Day.VN()},
					map[string]any{"leader": x.LeaderName, "title": x.LeaderTitle, "from": x.Day.String(), "to": nx.Day.String(),
						"starts": nx.Starts, "place": nx.Place, "notice": notice, "url": ScheduleURL(u)}); err != nil {
					return err
				}
			}
		}
		return s.record(ctx, tx, a, "reception.session_"+to, u.ID, "reception_session", x.ID, after)
	})
	if err != nil {
		return Session{}, fmt.Errorf("close reception session: %w", err)
	}
	return sessionByID(ctx, s.db, x.ID)
}

// tellMoved texts each citizen booked in x that it moved to nx.
func (s *Service) tellMoved(ctx context.Context, tx *sql.Tx, u org.Unit, x, nx Session, notice string) error {
	bs, err := bookingsOf(ctx, tx, nx.ID)
	if err != nil {
		return err
	}
	for _, b := range bs {
		if b.Status != Booked {
			continue
		}
		text := fmt.Sprintf("%s: buổi tiếp công dân ngày %s đã dời sang %s, %s, tại %s. Lý do: %s. Mã lịch hẹn %s vẫn giữ nguyên.",
			u.Name, x.Day.VN(), nx.Day.VN(), nx.Starts, nx.Place, notice, b.Code)
		if err := s.outbox.Add(ctx, tx, notify.Note{Kind: "reception.moved", Channel: notify.Phone, Address: b.Phone, Text: text,
			Link: TrackURL(b.Code)}); err != nil {
			return err
		}
	}
	return nil
}

// --- booking ---

// TrackURL is where a citizen follows a booking or a visit by its code.
func TrackURL(c string) string { return "/tiep-cong-dan/tra-cuu?ma=" + c }

// ScheduleURL is a unit's public schedule.
func ScheduleURL(u org.Unit) string { return org.UnitURL(u) + "/" + PublicPage }

// Book books a slot for a citizen (a nil actor: not signed in). A session
// full, past or not planned is refused with the unit's next free one.
func (s *Service) Book(ctx context.Context, a *auth.Actor, d BookingDraft) (Booking, error) {
	x, err := sessionByID(ctx, s.db, d.SessionID)
	if err != nil {
		return Booking{}, err
	}
	u, err := s.receiving(ctx, x.UnitID)
	if err != nil {
		return Booking{}, err
	}
	if d, err = d.Check(auth.NormalizePhone); err != nil {
		return Booking{}, err
	}
	now := s.db.Now()
	if !x.Bookable(now) {
		return Booking{}, s.noRoom(ctx, x, false)
	}
	b := Booking{ID: s.db.NewID(), SessionID: x.ID, UnitID: u.ID, Code: code.New(BookingPrefix), Name: d.Name, Phone: d.Phone,
		Topic: d.Topic, People: d.People, Status: Booked, CreatedAt: now.UnixMilli()}
	scope := "anonymous"
	if a != nil {
		b.AccountID, scope = a.AccountID, strconv.FormatInt(a.AccountID, 10)
	}
	key := db.Idem{Key: d.IdemKey, Fingerprint: db.Fingerprint(d.Name, d.Phone, d.Topic, strconv.Itoa(d.People))}.In("reception.book", scope, x.ID)
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		first, _, err = s.db.Once(ctx, tx, key, func() (string, error) {
			// The slot first: its row lock orders two bookings of one phone.
			ok, err := takeSlot(ctx, tx, x.ID)
			if err != nil {
				return "", err
			}
			if !ok {
				return "", s.noRoom(ctx, x, true)
			}
			if n, err := phoneBookings(ctx, tx, x.ID, b.Phone); err != nil {
				return "", err
			} else if n > 0 {
				return "", apperr.New(apperr.CodeConflict, "reception.err.phone_booked").Mark("phone")
			}
			if err := insertBooking(ctx, tx, b); err != nil {
				return "", err
			}
			text := fmt.Sprintf("%s: đã đặt lịch tiếp công dân %s, %s %s–%s, tại %s. Mã lịch hẹn: %s (dùng để tra cứu hoặc hủy).",
				u.Name, x.LeaderName, x.Day.VN(), x.Starts, x.Ends, x.Place, b.Code)
			if x.VideoURL != "" {
				text += " Tiếp trực tuyến: " + x.VideoURL
			}
			return strconv.FormatInt(b.ID, 10), s.outbox.Add(ctx, tx, notify.Note{Kind: "reception.booked", Channel: notify.Phone,
				Address: b.Phone, AccountID: b.AccountID, Text: text, Link: TrackURL(b.Code)})
		})
		return err
	})
	if err != nil {
		return Booking{}, err
	}
	id, err := db.ResultID(first)
	if err != nil {
		return Booking{}, err
	}
	s.outbox.Wake()
	return bookingByID(ctx, s.db, id)
}

// NextFree is the unit's next session after x that a citizen may still
// book (nil: none).
func (s *Service) NextFree(ctx context.Context, x Session) (*Session, error) {
	now := s.db.Now()
	ss, err := freeAfter(ctx, s.db, x.UnitID, legal.Today(now), x.ID)
	if err != nil {
		return nil, err
	}
	for _, n := range ss {
		if n.Bookable(now) {
			n.VideoURL = ""
			return &n, nil
		}
	}
	return nil, nil
}

// noRoom refuses a booking in x (full, or begun or closed) with the unit's
// next session that has room.
func (s *Service) noRoom(ctx context.Context, x Session, full bool) error {
	n, err := s.NextFree(ctx, x)
	if err != nil {
		return err
	}
	if n != nil {
		args := []any{n.Day.WeekdayVN(), n.Day.VN(), n.Starts, n.LeaderName, n.Place}
		if full {
			return apperr.New(apperr.CodeConflict, "reception.err.session_full_next", args...).Mark("session")
		}
		return apperr.New(apperr.CodeConflict, "reception.err.session_past_next", args...).Mark("session")
	}
	if full {
		return apperr.New(apperr.CodeConflict, "reception.err.session_full").Mark("session")
	}
	return apperr.New(apperr.CodeConflict, "reception.err.session_past").Mark("session")
}

// Cancel cancels a booking by its code, until its session begins. A wrong
// code, a code already cancelled or used and a session begun are refused
// alike: the answer does not tell whether the code exists.
func (s *Service) Cancel(ctx context.Context, typed string) error {
	wrong := apperr.New(apperr.CodeInvalid, "reception.err.cancel_code").Mark("code")
	c, ok := code.Parse(typed, BookingPrefix)
	if !ok {
		return wrong
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		b, err := bookingByCode(ctx, tx, c)
		if apperr.CodeOf(err) == apperr.CodeNotFound {
			return wrong
		}
		if err != nil {
			return err
		}
		x, err := sessionByID(ctx, tx, b.SessionID)
		if err != nil {
			return err
		}
		if b.Status != Booked || !x.Bookable(s.db.Now()) {
			return wrong
		}
		ok, err := setBookingStatus(ctx, tx, b.ID, Booked, Cancelled)
		if err != nil {
			return err
		}
		if !ok {
			return wrong
		}
		return freeSlot(ctx, tx, x.ID)
	})
}

// Tracked is what the holder of a code sees: the booking's session, its
// status, and the book's entries with their answers. No name is shown.
type Tracked struct {
	Code    string
	Unit    org.Unit
	Session *Session
	Booking *Booking
	Visits  []Visit
	Cancels bool // the booking may still be cancelled
	Today   legal.Date
}

// Track finds what a code holds; a code that holds nothing is "not found".
func (s *Service) Track(ctx context.Context, typed string) (Tracked, error) {
	c, ok := ParseCode(typed)
	if !ok {
		return Tracked{}, apperr.New(apperr.CodeNotFound, "reception.err.track").Mark("ma")
	}
	out := Tracked{Code: c, Today: s.today()}
	unitID := int64(0)
	if b, err := bookingByCode(ctx, s.db, c); err == nil {
		x, err := sessionByID(ctx, s.db, b.SessionID)
		if err != nil {
			return out, err
		}
		b.Name, b.Phone = "", ""
		out.Booking, out.Session, unitID = &b, &x, b.UnitID
		out.Cancels = b.Status == Booked && x.Bookable(s.db.Now())
	} else if apperr.CodeOf(err) != apperr.CodeNotFound {
		return out, err
	}
	vs, err := visitsByCode(ctx, s.db, c)
	if err != nil {
		return out, err
	}
	for _, v := range vs {
		pv := v.Visit
		pv.Name, pv.Address, pv.Phone = "", "", ""
		out.Visits = append(out.Visits, pv)
		unitID = v.UnitID
	}
	if unitID == 0 {
		return out, apperr.New(apperr.CodeNotFound, "reception.err.track").Mark("ma")
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return out, err
	}
	out.Unit, _ = t.Unit(unitID)
	return out, nil
}

// ReceivedBy is what code c holds once its holder was received, for the
// citizen a to rate the officials (LDC 2022 Art 35(2)(a)): a booking a made
// signed in, or a booking or a walk-in visit entered with a's phone. The code
// alone is not enough: the officials who wrote the book read it. Any other
// code is "not found".
func (s *Service) ReceivedBy(ctx context.Context, a *auth.Actor, typed string) (Tracked, error) {
	wrong := apperr.New(apperr.CodeNotFound, "reception.err.track").Mark("ma")
	if a == nil || a.Kind != auth.Citizen {
		return Tracked{}, wrong
	}
	t, err := s.Track(ctx, typed)
	if err != nil || len(t.Visits) == 0 {
		if err == nil || apperr.CodeOf(err) == apperr.CodeNotFound {
			err = wrong
		}
		return Tracked{}, err
	}
	phone, _ := auth.NormalizePhone(a.Phone)
	samePhone := func(p string) bool {
		n, err := auth.NormalizePhone(p)
		return phone != "" && err == nil && n == phone
	}
	if t.Booking != nil {
		b, err := bookingByCode(ctx, s.db, t.Code)
		if err != nil {
			return Tracked{}, err
		}
		if b.AccountID != 0 { // booked signed in: its account's, whatever the phone
			if b.AccountID == a.AccountID {
				return t, nil
			}
			return Tracked{}, wrong
		}
		if samePhone(b.Phone) {
			return t, nil
		}
	}
	// The phone the book holds (a denunciation's sealed; the official may
	// have corrected it at the desk).
	vs, err := visitsByCode(ctx, s.db, t.Code)
	if err != nil {
		return Tracked{}, err
	}
	for _, v := range vs {
		who, err := s.unseal(v)
		if err != nil {
			return Tracked{}, err
		}
		if samePhone(who.Phone) {
			return t, nil
		}
	}
	return Tracked{}, wrong
}

// Remind texts the citizens booked in tomorrow's sessions, once each; it
// returns how many were reminded. The server's job runs it.
func (s *Service) Remind(ctx context.Context) (int, error) {
	tomorrow := s.today().AddDays(1)
	n := 0
	for {
		bs, err := toRemind(ctx, s.db, tomorrow, 200)
		if err != nil || len(bs) == 0 {
			return n, err
		}
		err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
			for _, b := range bs {
				ok, err := markReminded(ctx, tx, b.ID)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				x, err := sessionByID(ctx, tx, b.SessionID)
				if err != nil {
					return err
				}
				u, err := s.receiving(ctx, x.UnitID)
				if err != nil {
					u.Name = ""
				}
				text := fmt.Sprintf("%s nhắc lịch: ngày mai %s, %s, %s tiếp công dân tại %s. Mã lịch hẹn %s. Không đến được, xin hủy để nhường chỗ.",
					u.Name, x.Day.VN(), x.Starts, x.LeaderName, x.Place, b.Code)
				if err := s.outbox.Add(ctx, tx, notify.Note{Kind: "reception.reminder", Channel: notify.Phone, Address: b.Phone,
					AccountID: b.AccountID, Text: text, Link: TrackURL(b.Code)}); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("reception reminders: %w", err)
		}
		s.outbox.Wake()
	}
}

// --- the reception book ---

// identity is what a denunciation's entry seals.
type identity struct {
	Name    string `json:"name"`
	Address string `json:"address"`
	Phone   string `json:"phone"`
}

func (s *Service) seal(id int64, who identity) string {
	plain, _ := json.Marshal(who)
	return base64.StdEncoding.EncodeToString(s.vault.Seal(plain, aad(id)))
}

func aad(id int64) []byte { return []byte("reception_visit:" + strconv.FormatInt(id, 10)) }

func (s *Service) unseal(v visitRow) (identity, error) {
	if !v.Sealed {
		return identity{v.Name, v.Address, v.Phone}, nil
	}
	if s.vault == nil {
		return identity{}, apperr.New(apperr.CodeUnavailable, "reception.err.no_vault_key")
	}
	raw, err := base64.StdEncoding.DecodeString(v.identity)
	if err != nil {
		return identity{}, err
	}
	plain, err := s.vault.Open(raw, aad(v.ID))
	if err != nil {
		return identity{}, fmt.Errorf("open visit %d: %w", v.ID, err)
	}
	var who identity
	return who, json.Unmarshal(plain, &who)
}

// Enter writes a visit in the book: from a booking (its code), in a session
// of the unit, or a walk-in. A mixed petition becomes two entries, the
// complaint and the denunciation. It returns the entries and the code the
// citizen follows them by.
func (s *Service) Enter(ctx context.Context, a *auth.Actor, unitID int64, d VisitDraft) ([]Visit, string, error) {
	u, err := s.unit(ctx, a, unitID)
	if err != nil {
		return nil, "", err
	}
	today := s.today()
	if d, err = d.Check(today, auth.NormalizePhone); err != nil {
		return nil, "", err
	}
	if (d.Kind == Denunciation || d.Kind == Mixed) && s.vault == nil {
		return nil, "", apperr.New(apperr.CodeUnavailable, "reception.err.no_vault_key")
	}
	var b *Booking
	if d.BookingCode != "" {
		bk, err := bookingByCode(ctx, s.db, d.BookingCode)
		if err != nil || bk.UnitID != u.ID || bk.Status != Booked {
			return nil, "", apperr.New(apperr.CodeInvalid, "reception.err.visit_invalid").
				WithFields(map[string]apperr.Msg{"booking": apperr.M("reception.err.f.booking")})
		}
		b, d.SessionID = &bk, bk.SessionID
	}
	if d.SessionID != 0 {
		x, err := sessionByID(ctx, s.db, d.SessionID)
		if err != nil || x.UnitID != u.ID {
			return nil, "", apperr.New(apperr.CodeInvalid, "reception.err.visit_invalid").
				WithFields(map[string]apperr.Msg{"session": apperr.M("reception.err.f.session")})
		}
		if x.Day != d.Day {
			return nil, "", apperr.New(apperr.CodeInvalid, "reception.err.visit_invalid").
				WithFields(map[string]apperr.Msg{"day": apperr.M("reception.err.f.session_day", x.Day.VN())})
		}
	}
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return nil, "", err
	}
	res, err := s.cat.Compute(cal, "reception.answer", d.Day, legal.Options{})
	if err != nil {
		return nil, "", err
	}
	citizenCode := code.New(VisitPrefix)
	if b != nil {
		citizenCode = b.Code
	}
	now := s.db.NowMillis()
	parts := []struct{ kind, content string }{{d.Kind, d.Content}}
	if d.Kind == Mixed {
		parts = []struct{ kind, content string }{{Complaint, d.Content}, {Denunciation, d.Content2}}
	}
	var ids []int64
	fp := db.Fingerprint(d.Day.String(), d.Name, d.Address, d.Phone, d.Kind, d.Content, d.Content2, d.Earlier, d.Request, d.Done, strconv.Itoa(d.People),
		d.BookingCode, strconv.FormatInt(d.SessionID, 10))
	key := db.Idem{Key: d.IdemKey, Fingerprint: fp}.In("reception.visit", a.AccountID, u.ID)
	var first string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ids = ids[:0]
		var err error
		first, _, err = s.db.Once(ctx, tx, key, func() (string, error) {
			parent := int64(0)
			for _, p := range parts {
				n, err := nextNumber(ctx, tx, u.ID, d.Day.Year)
				if err != nil {
					return "", err
				}
				v := visitRow{Visit: Visit{ID: s.db.NewID(), UnitID: u.ID, Year: d.Day.Year, Number: n, Day: d.Day, SessionID: d.SessionID,
					ParentID: parent, Code: citizenCode, Name: d.Name, Address: d.Address, Phone: d.Phone, People: d.People,
					Mass: d.People >= s.MassFrom, Kind: p.kind, Content: p.content, Earlier: d.Earlier, Request: d.Request, Done: d.Done,
					Due: res.Due, CreatedBy: a.AccountID, CreatedAt: now}, intakeKey: "reception:" + random.Key()}
				if b != nil {
					v.BookingID = b.ID
				}
				// A mixed petition's halves share a code: both are sealed, or
				// the complaint's would name the denouncer.
				if p.kind == Denunciation || d.Kind == Mixed {
					v.identity, v.Sealed = s.seal(v.ID, identity{d.Name, d.Address, d.Phone}), true
					v.Name, v.Address, v.Phone = "", "", ""
				}
				if err := insertVisit(ctx, tx, v); err != nil {
					return "", err
				}
				if err := s.record(ctx, tx, a, "reception.visit", u.ID, "reception_visit", v.ID, map[string]any{"number": n,
					"year": v.Year, "kind": v.Kind, "people": v.People, "mass": v.Mass, "due": v.Due.String(), "sealed": v.Sealed}); err != nil {
					return "", err
				}
				if parent == 0 {
					parent = v.ID
				}
				ids = append(ids, v.ID)
			}
			if b != nil {
				ok, err := setBookingStatus(ctx, tx, b.ID, Booked, Received)
				if err != nil {
					return "", err
				}
				if err := changed(ok); err != nil {
					return "", err
				}
				// A sealed entry's booking keeps nothing of who booked or why.
				if d.Kind == Denunciation || d.Kind == Mixed {
					if err := clearBooking(ctx, tx, b.ID); err != nil {
						return "", err
					}
				}
			}
			return strconv.FormatInt(ids[0], 10), nil
		})
		return err
	})
	if err != nil {
		return nil, "", fmt.Errorf("enter reception visit: %w", err)
	}
	firstID, err := db.ResultID(first)
	if err != nil {
		return nil, "", err
	}
	v, err := visitByID(ctx, s.db, firstID)
	if err != nil {
		return nil, "", err
	}
	out := []Visit{v.Visit}
	if rows, err := visitsByCode(ctx, s.db, v.Code); err == nil {
		for _, r := range rows {
			if r.ParentID == v.ID {
				out = append(out, r.Visit)
			}
		}
	}
	return out, v.Code, nil
}

// VisitView is an entry with who came (opened from the vault for a
// denunciation: only its reader's page shows it).
type VisitView struct {
	Visit
	Session *Session
	Part    *Visit // the other half of a split petition
}

// Visit is an entry of the unit's book; another unit's is "not found".
func (s *Service) Visit(ctx context.Context, a *auth.Actor, unitID, id int64) (VisitView, error) {
	_, v, err := s.ownVisit(ctx, a, unitID, id)
	if err != nil {
		return VisitView{}, err
	}
	out := VisitView{Visit: v.Visit}
	if v.SessionID != 0 {
		if x, err := sessionByID(ctx, s.db, v.SessionID); err == nil {
			out.Session = &x
		}
	}
	rows, err := visitsByCode(ctx, s.db, v.Code)
	if err != nil {
		return out, err
	}
	for _, r := range rows {
		if r.ID != v.ID && (r.ParentID == v.ID || v.ParentID == r.ID) {
			p := r.Visit
			out.Part = &p
		}
	}
	return out, nil
}

// Entries are the unit's book, newest first (open: the entries not yet answered).
func (s *Service) Entries(ctx context.Context, a *auth.Actor, unitID int64, open bool, limit int) ([]Visit, error) {
	if _, err := s.unit(ctx, a, unitID); err != nil {
		return nil, err
	}
	rows, err := book(ctx, s.db, unitID, open, limit)
	if err != nil {
		return nil, err
	}
	out := make([]Visit, len(rows))
	for i, r := range rows {
		out[i] = r.Visit
	}
	return out, nil
}

// BookOfYear is the unit's book of a year in its order, for its export: a
// sealed entry's name, address and phone stay sealed.
func (s *Service) BookOfYear(ctx context.Context, a *auth.Actor, unitID int64, year int) ([]Visit, error) {
	if _, err := s.unit(ctx, a, unitID); err != nil {
		return nil, err
	}
	rows, err := bookOfYear(ctx, s.db, unitID, year)
	if err != nil {
		return nil, err
	}
	out := make([]Visit, len(rows))
	for i, r := range rows {
		out[i] = r.Visit
	}
	return out, nil
}

// Answer tells the citizen the outcome of an entry (Art 28): accepted or to
// be verified opens the case where danchu resolves it; refused gives the
// reason; transferred names to whom. The citizen is texted and sees it by
// the code. An answer that opens a case first claims the entry (Opening), so
// that two officials answering at once cannot both open one; the case is
// opened with the entry's own key, so a retry after a failure, by anyone,
// opens the same case.
func (s *Service) Answer(ctx context.Context, a *auth.Actor, unitID, id int64, ans Answer) (Visit, error) {
	u, v, err := s.ownVisit(ctx, a, unitID, id)
	if err != nil {
		return Visit{}, err
	}
	if v.Answered() {
		return Visit{}, apperr.New(apperr.CodeConflict, "reception.err.answered")
	}
	if ans.Version != v.Version {
		return Visit{}, apperr.New(apperr.CodeConflict, "reception.err.changed")
	}
	if ans, err = ans.Check(v.Kind); err != nil {
		return Visit{}, err
	}
	opens := Opens(v.Kind, ans.Outcome)
	if opens && v.Kind == Proposal && u.Type.Level() != org.CommuneLevel {
		// Feedback is a commune's (and its villages'): elsewhere a petition is transferred.
		return Visit{}, apperr.New(apperr.CodeInvalid, "reception.err.answer_invalid").
			WithFields(map[string]apperr.Msg{"outcome": apperr.M("reception.err.f.proposal_unit")})
	}
	if v.Outcome == Opening && !opens {
		return Visit{}, apperr.New(apperr.CodeConflict, "reception.err.opening")
	}
	who, err := s.unseal(v)
	if err != nil {
		return Visit{}, err
	}
	today := s.today()
	if opens {
		if s.Intake == nil {
			return Visit{}, apperr.New(apperr.CodeConflict, "reception.err.no_intake")
		}
		if v.Outcome == "" {
			if err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
				ok, err := claimVisit(ctx, tx, v.ID, v.Version, s.db.NowMillis())
				if err != nil {
					return err
				}
				return changed(ok)
			}); err != nil {
				return Visit{}, err
			}
			v.Version++
		}
		o, err := s.Intake.Open(ctx, a, Petition{Kind: v.Kind, UnitID: u.ID, Received: v.Day, Name: who.Name, Address: who.Address,
			Phone: who.Phone, People: v.People, Content: v.Content, Request: v.Request, Earlier: v.Earlier, KnownOn: ans.KnownOn,
			Number: v.Number, Year: v.Year, Key: v.intakeKey})
		if err != nil {
			// The entry waits again for its answer (the refusal says why).
			if rerr := s.db.RunInTx(ctx, func(tx *sql.Tx) error { return releaseVisit(ctx, tx, v.ID, s.db.NowMillis()) }); rerr != nil {
				return Visit{}, fmt.Errorf("%w (and releasing the entry: %v)", err, rerr)
			}
			return Visit{}, err
		}
		v.CaseCode, v.CaseURL = o.Code, o.URL
	}
	v.Outcome, v.OutcomeNote, v.TransferredTo, v.AnsweredOn = ans.Outcome, ans.Note, ans.TransferredTo, today
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := answerVisit(ctx, tx, v.Visit, v.Version, s.db.NowMillis())
		if err != nil {
			return err
		}
		if err := changed(ok); err != nil {
			return err
		}
		if who.Phone != "" {
			n := notify.Note{Kind: "reception.answered", Channel: notify.Phone, Address: who.Phone, Text: answerText(u, v.Visit),
				Link: TrackURL(v.Code), Sealed: v.Sealed}
			if err := s.outbox.Add(ctx, tx, n); err != nil {
				return err
			}
		}
		return s.record(ctx, tx, a, "reception.answered", u.ID, "reception_visit", v.ID, map[string]any{"outcome": v.Outcome,
			"case": v.CaseCode, "late": v.Late(today)})
	})
	if err != nil {
		return Visit{}, fmt.Errorf("answer reception visit: %w", err)
	}
	s.outbox.Wake()
	out, err := visitByID(ctx, s.db, id)
	return out.Visit, err
}

// answerText is the text the citizen gets.
func answerText(u org.Unit, v Visit) string {
	head := fmt.Sprintf("%s trả lời nội dung anh/chị trình bày ngày %s (sổ tiếp công dân số %d/%d): ", u.Name, v.Day.VN(), v.Number, v.Year)
	switch v.Outcome {
	case Accepted:
		if v.CaseCode != "" {
			return head + "đã thụ lý, mã hồ sơ " + v.CaseCode + "."
		}
		return head + "đã tiếp nhận. " + v.OutcomeNote
	case Verify:
		return head + "cần xác minh thêm trước khi thụ lý, mã hồ sơ " + v.CaseCode + ". " + v.OutcomeNote
	case Refused:
		return head + "không thụ lý. Lý do: " + v.OutcomeNote
	default:
		return head + "đã chuyển đến " + v.TransferredTo + " để giải quyết theo thẩm quyền. " + v.OutcomeNote
	}
}

// WorkingDay is d, or the first working day after it.
func (s *Service) WorkingDay(ctx context.Context, d legal.Date) (legal.Date, error) {
	cal, err := s.cals.Calendar(ctx)
	if err != nil {
		return d, err
	}
	for !cal.IsWorkingDay(d) {
		d = d.AddDays(1)
	}
	return d, nil
}
