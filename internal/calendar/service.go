// Package calendar keeps the days off and working days decided each year (the
// Prime Minister's decisions, new holidays) in the database, lets the system
// administrator edit them in the back office, and gives every process the
// current legal.Calendar: the statutory defaults, the decisions shipped with
// danchu, then the stored overrides.
package calendar

import (
	"context"
	"database/sql"
	"fmt"
	"io"
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

// Service is the stored calendar.
type Service struct {
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
func NewService(d *db.DB, g *auth.Guard) *Service { return &Service{db: d, guard: g, maxAge: MaxAge} }

// signature changes whenever a row is added or removed.
func (s *Service) signature(ctx context.Context) (string, error) {
	var n, maxID int64
	if err := s.db.QueryRowContext(ctx, "select count(*), coalesce(max(id), 0) from calendar_overrides").Scan(&n, &maxID); err != nil {
		return "", fmt.Errorf("calendar signature: %w", err)
	}
	return fmt.Sprintf("%d:%d", n, maxID), nil
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

func (s *Service) invalidate() {
	s.mu.Lock()
	s.cal = nil
	s.mu.Unlock()
}

// Overrides lists the stored overrides by date.
func (s *Service) Overrides(ctx context.Context) ([]Stored, error) {
	rows, err := s.db.QueryContext(ctx, "select id, day, kind, name from calendar_overrides order by day")
	if err != nil {
		return nil, fmt.Errorf("calendar overrides: %w", err)
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var o Stored
		var day string
		if err := rows.Scan(&o.ID, &day, &o.Kind, &o.Name); err != nil {
			return nil, err
		}
		if o.Date, err = legal.ParseDate(day); err != nil {
			return nil, fmt.Errorf("stored calendar day %q: %w", day, err)
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// Import adds the lines of a calendar file (date,kind,name), all or nothing: a
// bad line, or a date already stored, refuses the whole file.
func (s *Service) Import(ctx context.Context, a *auth.Actor, r io.Reader) (int, error) {
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
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var clash []string
		for _, o := range ov {
			var n int
			if err := tx.QueryRowContext(ctx, "select count(*) from calendar_overrides where day = $1", o.Date.String()).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				clash = append(clash, o.Date.VN())
			}
		}
		if len(clash) > 0 {
			return apperr.New(apperr.CodeConflict, "calendar.err.clash", strings.Join(clash, ", "))
		}
		now := s.db.NowMillis()
		err := s.db.InsertBatches(ctx, tx, "calendar_overrides", []string{"id", "day", "kind", "name", "created_by", "created_at"}, len(ov),
			func(i int) []any {
				return []any{s.db.NewID(), ov[i].Date.String(), ov[i].Kind, ov[i].Name, a.AccountID, now}
			}, nil)
		if err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, auth.ManageCalendar, 0, "calendar", "import", nil, ov)
	})
	if err != nil {
		return 0, err
	}
	s.invalidate()
	return len(ov), nil
}

// Delete removes one stored override.
func (s *Service) Delete(ctx context.Context, a *auth.Actor, id int64) error {
	if err := s.guard.Can(ctx, a, auth.ManageCalendar, 0); err != nil {
		return err
	}
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var o Stored
		var day string
		err := tx.QueryRowContext(ctx, "select id, day, kind, name from calendar_overrides where id = $1", id).Scan(&o.ID, &day, &o.Kind, &o.Name)
		if err == sql.ErrNoRows {
			return apperr.New(apperr.CodeNotFound, "calendar.err.no_override")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "delete from calendar_overrides where id = $1", id); err != nil {
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
