package consultation

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
	"danchu/internal/notify"
	"danchu/internal/org"
)

// Statuses of a consultation.
const (
	Open        = "open" // taking comments until closes_on, then waiting for the synthesis
	Synthesized = "synthesized"
)

// Consultation is one consultation with its counters.
type Consultation struct {
	ID, UnitID, BoardID int64
	StaffOnly           bool
	Subject             int
	Title, Intro        string
	Forms               []string
	OpensOn, ClosesOn   legal.Date
	ShortBasis          string
	Status              string
	Comments, Answered  int
	Hidden              int
	Decision            string
	Adopted             bool
	AgainstReason       string
	SynthesizedAt       int64
	Parts               []Part
}

// Service is the consultation capability. The reads come from the embedded
// Store; every write goes through a method here, in one transaction.
type Service struct {
	*Store
	db     *db.DB
	units  *org.Service
	guard  *auth.Guard
	rec    *audit.Service
	cal    legal.Source
	intake *db.GroupCommit[comment]
	out    *notify.Outbox

	recent *db.Memo[int64, Consultation] // consultations read for comments, kept for a second
}

// forComment returns the consultation a comment is for, from a one-second
// memory: the window and the parts do not change while comments pour in.
func (s *Service) forComment(ctx context.Context, a *auth.Actor, id int64) (Consultation, error) {
	if c, ok := s.recent.Get(id); ok {
		return c, nil
	}
	c, err := s.Get(ctx, a, id)
	if err != nil || c.StaffOnly { // staff consultations depend on who asks: never shared
		return c, err
	}
	s.recent.Put(id, c)
	return c, nil
}

// NewService starts the service and its comment writer (stop it with Close).
// Citizens are told of answers through out.
func NewService(d *db.DB, units *org.Service, g *auth.Guard, rec *audit.Service, cal legal.Source, out *notify.Outbox) *Service {
	s := &Service{Store: NewStore(d), db: d, units: units, guard: g, rec: rec, cal: cal, out: out, recent: db.NewMemo[int64, Consultation](time.Second, 10_000)}
	s.intake = db.NewGroupCommit(d, 500, 2*time.Millisecond, s.writeComments)
	return s
}

// Close writes the comments still queued and stops the writer.
func (s *Service) Close() { s.intake.Close() }

func (s *Service) today() legal.Date { return legal.Today(s.db.Now()) }

// Now is the service's clock (the database's, so tests can set it).
func (s *Service) Now() time.Time { return s.db.Now() }

// NowMillis is Now in Unix milliseconds.
func (s *Service) NowMillis() int64 { return s.db.NowMillis() }

// Open opens a consultation on a commune, a village or an agency (staff only).
func (s *Service) Open(ctx context.Context, a *auth.Actor, d Draft) (Consultation, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return Consultation{}, err
	}
	u, ok := t.Unit(d.UnitID)
	if !ok || !u.Current() {
		return Consultation{}, apperr.New(apperr.CodeNotFound, "consultation.err.unit_not_found")
	}
	board, staff, ok := t.BoardOf(u)
	if !ok {
		return Consultation{}, apperr.New(apperr.CodeInvalid, "consultation.err.unit_level")
	}
	if err := s.guard.Can(ctx, a, auth.Consult, u.ID); err != nil {
		return Consultation{}, err
	}
	cal, err := s.cal.Calendar(ctx)
	if err != nil {
		return Consultation{}, err
	}
	w, err := CheckDraft(d, s.today(), cal)
	if err != nil {
		return Consultation{}, err
	}
	now := s.db.NowMillis()
	c := Consultation{ID: s.db.NewID(), UnitID: u.ID, BoardID: board.ID, StaffOnly: staff, Subject: d.Subject, Title: strings.TrimSpace(d.Title),
		Intro: strings.TrimSpace(d.Intro), Forms: d.Forms, OpensOn: w.Opens, ClosesOn: w.Closes, Status: Open}
	if w.Short {
		c.ShortBasis = strings.TrimSpace(d.ShortBasis)
	}
	for i, p := range d.Parts {
		c.Parts = append(c.Parts, Part{N: i + 1, Heading: strings.TrimSpace(p.Heading), Body: strings.TrimSpace(p.Body)})
	}
	var first string
	var repeated bool
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		first, repeated, err = s.db.Once(ctx, tx, d.Idem.In("consultation.open", a.AccountID, u.ID), func() (string, error) {
			if err := insertConsultation(ctx, tx, s.db, c, a.AccountID, now); err != nil {
				return "", err
			}
			return fmt.Sprint(c.ID), s.record(ctx, tx, a, c, "consultation.opened", "Mở lấy ý kiến: "+c.Title, nil, map[string]any{"closes_on": c.ClosesOn.String(), "parts": len(c.Parts), "short_basis": c.ShortBasis})
		})
		return err
	})
	if err == nil && repeated { // the same form posted again: the consultation the first post opened
		id, perr := db.ResultID(first)
		if perr != nil {
			return Consultation{}, perr
		}
		return find(ctx, s.db, id)
	}
	return c, err
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, a *auth.Actor, c Consultation, kind, what string, before any, data map[string]any) error {
	data["id"], data["title"], data["url"] = c.ID, c.Title, fmt.Sprintf("/lay-y-kien/%d", c.ID)
	if err := s.guard.RecordEvent(ctx, tx, a, auth.Consult, kind, c.UnitID, "consultation", fmt.Sprint(c.ID), before, data); err != nil {
		return err
	}
	return s.publish(ctx, tx, c, kind, what, data)
}

// publish appends an event to the public record (not for staff consultations).
func (s *Service) publish(ctx context.Context, tx *sql.Tx, c Consultation, kind, what string, data map[string]any) error {
	data["id"], data["title"], data["url"] = c.ID, c.Title, fmt.Sprintf("/lay-y-kien/%d", c.ID)
	if c.StaffOnly {
		return nil
	}
	return s.rec.AppendData(ctx, tx, audit.Record{UnitID: c.UnitID, Kind: kind, ObjectType: "consultation", ObjectID: fmt.Sprint(c.ID), Summary: what}, data)
}

// Get returns a consultation (staff consultations: to officials of the agency only).
func (s *Service) Get(ctx context.Context, a *auth.Actor, id int64) (Consultation, error) {
	c, err := find(ctx, s.db.Cached(), id)
	if err != nil {
		return c, err
	}
	if c.StaffOnly {
		if err := s.guard.CanReadStaff(ctx, a, c.BoardID); err != nil {
			return Consultation{}, err
		}
	}
	return c, nil
}

// ForOffice returns a consultation as last written, to an official who may
// manage it.
func (s *Service) ForOffice(ctx context.Context, a *auth.Actor, id int64) (Consultation, error) {
	c, err := s.latest(ctx, id)
	if err != nil {
		return c, err
	}
	if err := s.guard.Can(ctx, a, auth.Consult, c.UnitID); err != nil {
		return Consultation{}, err
	}
	return c, nil
}

// Taking reports whether comments are taken on day d.
func (c Consultation) Taking(d legal.Date) bool {
	return c.Status == Open && !d.Before(c.OpensOn) && !c.ClosesOn.Before(d)
}

// CloseDue writes to the public record the close of every window that ended
// before today, with the number of opinions received: from then on the count
// cannot be changed unseen. It returns how many it closed.
func (s *Service) CloseDue(ctx context.Context) (int, error) {
	due, err := s.dueToClose(ctx, s.today())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range due {
		did := false
		err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
			claimed, comments, err := claimClose(ctx, tx, c.ID, s.db.NowMillis())
			if err != nil || !claimed {
				did = false
				return err
			}
			did = true
			return s.publish(ctx, tx, c, "consultation.closed", fmt.Sprintf("Kết thúc lấy ý kiến (%d ý kiến): %s", comments, c.Title),
				map[string]any{"closes_on": c.ClosesOn.String(), "comments": comments})
		})
		if err != nil {
			return n, fmt.Errorf("close consultation %d: %w", c.ID, err)
		}
		if did {
			n++
		}
	}
	return n, nil
}

// Window returns a public consultation's unit and comment window, for the
// capabilities that require a draft to have been posted (a hương ước).
func (s *Service) Window(ctx context.Context, id int64) (unitID int64, opens, closes legal.Date, err error) {
	c, err := s.Get(ctx, nil, id)
	if err != nil {
		return 0, legal.Date{}, legal.Date{}, err
	}
	return c.UnitID, c.OpensOn, c.ClosesOn, nil
}
