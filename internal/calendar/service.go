// Package calendar keeps the days off and working days decided each year (the
// Prime Minister's decisions, new holidays) in the database, lets the system
// administrator edit them in the back office, and gives every process the
// current legal.Calendar: the statutory defaults, the decisions shipped with
// danchu, then the stored overrides.
package calendar

import (
	"context"
	"database/sql"
	"io"
	"strconv"
	"strings"
	"sync"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/legal"
)

// Stored is an override kept in the database.
type Stored struct {
	ID int64
	legal.Override
}

// Service is the stored calendar. The reads come from the embedded Store; every
// write goes through a method here, in one transaction.
type Service struct {
	*Store
	db    *db.DB
	guard *auth.Guard

	mu      sync.Mutex
	sig     string
	cal     *legal.Calendar
	checked time.Time
	maxAge  time.Duration
}

// MaxAge is how long a process trusts its calendar before checking for changes
// made by another process.
const MaxAge = 5 * time.Second

// NewService returns the service.
func NewService(d *db.DB, g *auth.Guard) *Service {
	return &Service{Store: NewStore(d), db: d, guard: g, maxAge: MaxAge}
}

// Calendar returns the current calendar (statutory days, shipped decisions,
// stored overrides), rebuilt only when the stored overrides changed.
func (s *Service) Calendar(ctx context.Context) (*legal.Calendar, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cal != nil && time.Since(s.checked) < s.maxAge {
		return s.cal, nil
	}
	sig, err := s.signature(ctx)
	if err != nil {
		return nil, err
	}
	if s.cal == nil || sig != s.sig {
		stored, err := s.Overrides(ctx)
		if err != nil {
			return nil, err
		}
		ov := make([]legal.Override, len(stored))
		for i, o := range stored {
			ov[i] = o.Override
		}
		s.cal, s.sig = legal.NewCalendar(legal.Decided(), ov), sig
	}
	s.checked = time.Now()
	return s.cal, nil
}

// Now is the service's clock (the database's, so tests can set it).
func (s *Service) Now() time.Time { return s.db.Now() }

func (s *Service) invalidate() {
	s.mu.Lock()
	s.cal = nil
	s.mu.Unlock()
}

// Import adds the lines of a calendar file (date,kind,name), all or nothing: a
// bad line, or a date already stored, refuses the whole file.
func (s *Service) Import(ctx context.Context, a *auth.Actor, r io.Reader) (int, error) {
	return s.ImportOnce(ctx, a, r, db.Idem{})
}

// ImportOnce is Import for a form carrying a key (web.FormIdem): the same
// form posted again answers how many days the first post stored, instead of
// refusing its days as already stored.
func (s *Service) ImportOnce(ctx context.Context, a *auth.Actor, r io.Reader, idem db.Idem) (int, error) {
	if err := s.guard.Can(ctx, a, auth.ManageCalendar, 0); err != nil {
		return 0, err
	}
	ov, err := legal.ParseOverrides(r)
	if err != nil {
		return 0, apperr.New(apperr.CodeInvalid, "calendar.err.file", err.Error())
	}
	if len(ov) == 0 {
		return 0, apperr.New(apperr.CodeInvalid, "calendar.err.empty")
	}
	for _, o := range ov {
		if o.Date.Year < legal.FirstYear || o.Date.Year > legal.LastYear {
			return 0, apperr.New(apperr.CodeInvalid, "calendar.err.date_range", o.Date, legal.FirstYear, legal.LastYear)
		}
	}
	var first string
	var repeated bool
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		first, repeated, err = s.db.Once(ctx, tx, idem.In("calendar.import", a.AccountID), func() (string, error) {
			return strconv.Itoa(len(ov)), s.importIn(ctx, tx, a, ov)
		})
		return err
	})
	if err != nil {
		return 0, err
	}
	if repeated {
		return strconv.Atoi(first)
	}
	s.invalidate()
	return len(ov), nil
}

// importIn stores the days of an import in tx, refusing any day stored already.
func (s *Service) importIn(ctx context.Context, tx *sql.Tx, a *auth.Actor, ov []legal.Override) error {
	var clash []string
	for _, o := range ov {
		stored, err := dayStored(ctx, tx, o.Date)
		if err != nil {
			return err
		}
		if stored {
			clash = append(clash, o.Date.VN())
		}
	}
	if len(clash) > 0 {
		return apperr.New(apperr.CodeConflict, "calendar.err.clash", strings.Join(clash, ", "))
	}
	if err := insertOverrides(ctx, tx, s.db, ov, a.AccountID, s.db.NowMillis()); err != nil {
		return err
	}
	return s.guard.Record(ctx, tx, a, auth.ManageCalendar, 0, "calendar", "import", nil, ov)
}

// Delete removes one stored override.
func (s *Service) Delete(ctx context.Context, a *auth.Actor, id int64) error {
	if err := s.guard.Can(ctx, a, auth.ManageCalendar, 0); err != nil {
		return err
	}
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		o, day, err := findOverride(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := deleteOverride(ctx, tx, id); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, auth.ManageCalendar, 0, "calendar", day, map[string]string{"day": day, "kind": o.Kind, "name": o.Name}, nil)
	})
	if err != nil {
		return err
	}
	s.invalidate()
	return nil
}
