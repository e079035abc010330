package org

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// Service is the use cases of units and households. The read methods come from
// the embedded Store; every write goes through a method here, in one transaction.
type Service struct {
	*Store
	db   *db.DB
	tree *treeCache
}

// TreeMaxAge is how long a process trusts its snapshot of the unit tree before it
// checks the database for changes made by another process.
const TreeMaxAge = time.Second

// NewService returns the service on d.
func NewService(d *db.DB) *Service {
	return &Service{Store: NewStore(d), db: d, tree: newTreeCache(d, TreeMaxAge)}
}

// SetTreeMaxAge changes TreeMaxAge for this service (0: check on every read). Call it
// before the service is shared.
func (s *Service) SetTreeMaxAge(d time.Duration) { s.tree.maxAge = d }

// Tree returns the current snapshot of the unit tree.
func (s *Service) Tree(ctx context.Context) (*Tree, error) { return s.tree.get(ctx) }

// Descendants returns every unit in force below u, by path, from the tree snapshot.
func (s *Service) Descendants(ctx context.Context, u Unit) ([]Unit, error) {
	t, err := s.Tree(ctx)
	if err != nil {
		return nil, err
	}
	return t.Descendants(u.ID), nil
}

// UnitByCode returns the unit in force with the official code, from the tree
// snapshot (Store.UnitByCode asks the database).
func (s *Service) UnitByCode(ctx context.Context, code string) (Unit, error) {
	t, err := s.Tree(ctx)
	if err != nil {
		return Unit{}, err
	}
	u, ok := t.ByCode(code)
	if !ok {
		return Unit{}, fmt.Errorf("unit code %q: %w", code, apperr.New(apperr.CodeNotFound, "org.err.unit_not_found"))
	}
	return u, nil
}

// CommuneByCode returns the commune (xã, phường, đặc khu) with a code; any other
// unit is "not found".
func (s *Service) CommuneByCode(ctx context.Context, code string) (Unit, error) {
	u, err := s.UnitByCode(ctx, code)
	if err == nil && u.Type.Level() != CommuneLevel {
		err = apperr.New(apperr.CodeNotFound, "org.err.commune_not_found")
	}
	return u, err
}

// Ancestors returns the units above u, from the root down, from the tree snapshot.
func (s *Service) Ancestors(ctx context.Context, u Unit) ([]Unit, error) {
	t, err := s.Tree(ctx)
	if err != nil {
		return nil, err
	}
	return t.Ancestors(u.ID), nil
}

// changeUnits runs fn in a transaction that also raises the units version, and
// drops this process's snapshot once it is over.
func (s *Service) changeUnits(ctx context.Context, fn func(tx *sql.Tx) error) error {
	defer s.tree.invalidate()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return bumpUnitsVersion(ctx, tx)
	})
}

// ImportUnits loads an official list of units (columns code, name, type,
// parent_code, optional valid_from and short_name) all or nothing: any bad line is reported in an
// *ImportError with its line number and nothing is written. progress, if not nil,
// is told how many units are written so far.
func (s *Service) ImportUnits(ctx context.Context, r io.Reader, progress func(done, total int)) (ImportResult, error) {
	t, err := readCSV(r, "code", "name", "type")
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.changeUnits(ctx, func(tx *sql.Tx) error {
		res = ImportResult{ByType: map[Type]int{}} // a retried transaction starts the count again
		placed, err := unitsIndex(ctx, tx)
		if err != nil {
			return err
		}
		plan, lineErrs := planUnits(t, placed)
		if len(lineErrs) > 0 {
			return &ImportError{Lines: lineErrs}
		}
		// A short name the file gives a body under a unit already in force must
		// not be a sibling's (the file's own lines were compared by planUnits).
		for _, p := range plan {
			parent, ok := placed[p.parentCode]
			if p.ShortName == "" || p.Type.Level() != Attached || !ok {
				continue
			}
			taken, err := shortNameTaken(ctx, tx, parent.ID, p.ShortName, 0)
			if err != nil {
				return fmt.Errorf("short name: %w", err)
			}
			if taken {
				lineErrs = append(lineErrs, LineError{p.line, fmt.Sprintf("tên viết tắt %s đã có ở một đơn vị khác trực thuộc %s", p.ShortName, p.parentCode)})
			}
		}
		if len(lineErrs) > 0 {
			return &ImportError{Lines: lineErrs}
		}
		// Parents come first in plan, so each parent is placed before its children.
		us := make([]Unit, len(plan))
		for i, p := range plan {
			u := p.Unit
			u.ID = s.db.NewID()
			parent := placed[p.parentCode] // zero Unit for a province
			u.ParentID = parent.ID
			u.Path = childPath(parent.Path, u.ID)
			if u.Code != "" {
				placed[u.Code] = u
			}
			us[i] = u
			res.ByType[u.Type]++
		}
		res.Written = len(us)
		return insertUnits(ctx, tx, s.db, us, func(done int) {
			if progress != nil {
				progress(done, len(us))
			}
		})
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import units: %w", err)
	}
	// A bulk import changes the table's statistics: refresh them so that the planner
	// keeps using the path index for subtrees (PostgreSQL otherwise scans until
	// autovacuum gets round to it).
	if err := s.db.RunInTx(ctx, func(tx *sql.Tx) error { return analyzeUnits(ctx, tx) }); err != nil {
		return res, fmt.Errorf("analyze units after import: %w", err)
	}
	return res, nil
}

// ImportHouseholds loads a village's household register (columns code, head_name,
// address, members, representative_name, optional active), all or nothing.
func (s *Service) ImportHouseholds(ctx context.Context, villageCode string, r io.Reader) (ImportResult, error) {
	t, err := readCSV(r, "code", "head_name", "address", "members", "representative_name")
	if err != nil {
		return ImportResult{}, err
	}
	var res ImportResult
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		v, err := unitByCode(ctx, tx, villageCode)
		if err != nil {
			return apperr.New(apperr.CodeNotFound, "org.err.no_village_code", villageCode)
		}
		if v.Type.Level() != VillageLevel {
			return apperr.New(apperr.CodeInvalid, "org.err.not_village", villageCode, v.Type.Label(), v.Name)
		}
		existing, err := householdCodes(ctx, tx, v.ID)
		if err != nil {
			return err
		}
		hs, lineErrs := planHouseholds(t, v.ID, existing)
		if len(lineErrs) > 0 {
			return &ImportError{Lines: lineErrs}
		}
		for i := range hs {
			hs[i].ID = s.db.NewID()
		}
		res.Written = len(hs)
		return insertHouseholds(ctx, tx, s.db, hs)
	})
	if err != nil {
		return ImportResult{}, fmt.Errorf("import households of %s: %w", villageCode, err)
	}
	return res, nil
}

// Also is what a caller writes in the transaction of a change of units, after
// it: the guard's audit record of the official who made it (org knows no
// officials). before is the zero Unit for a new unit.
type Also func(tx *sql.Tx, before, after Unit) error

// CreateUnit adds one unit under parentID (0 for a province) and returns it.
func (s *Service) CreateUnit(ctx context.Context, u Unit, parentID int64) (Unit, error) {
	return s.CreateUnitWith(ctx, u, parentID, db.Idem{}, nil)
}

// CreateUnitWith is CreateUnit from a form: idem (scoped by the caller: its
// action, account and unit) makes a repeated post answer the unit the first
// one made, and also runs in the transaction.
func (s *Service) CreateUnitWith(ctx context.Context, u Unit, parentID int64, idem db.Idem, also Also) (Unit, error) {
	if u.ValidFrom == "" {
		u.ValidFrom = s.db.Now().In(vietnam).Format(DateLayout)
	}
	u.Name = strings.TrimSpace(u.Name)
	if err := u.Validate(); err != nil {
		return Unit{}, err
	}
	err := s.changeUnits(ctx, func(tx *sql.Tx) error {
		var parent Unit
		if parentID != 0 {
			var err error
			if parent, err = currentUnit(ctx, tx, parentID); err != nil {
				return apperr.New(apperr.CodeNotFound, "org.err.no_parent")
			}
		}
		if !AllowedParent(u.Type, parent.Type) {
			return apperr.New(apperr.CodeInvalid, "org.err.parent_type", u.Type.Label(), orNone(parent.Type.Label()))
		}
		u.ID, u.ParentID = s.db.NewID(), parentID
		u.Path, u.Depth = childPath(parent.Path, u.ID), parent.Depth+1
		if parentID == 0 {
			u.Depth = 0
		}
		first, repeated, err := s.db.Once(ctx, tx, idem, func() (string, error) {
			if err := s.checkShortName(ctx, tx, u, parentID, 0); err != nil {
				return "", err
			}
			err := insertUnits(ctx, tx, s.db, []Unit{u}, nil)
			if db.IsUniqueViolation(err) {
				return "", apperr.New(apperr.CodeConflict, "org.err.code_used", u.Code)
			}
			if err == nil && also != nil {
				err = also(tx, Unit{}, u)
			}
			return strconv.FormatInt(u.ID, 10), err
		})
		if err == nil && repeated {
			var id int64
			if id, err = db.ResultID(first); err == nil {
				u, err = unitByID(ctx, tx, id)
			}
		}
		return err
	})
	if err != nil {
		return Unit{}, fmt.Errorf("create unit %q: %w", u.Name, err)
	}
	return u, nil
}

// checkShortName refuses a body's short name that a sibling in force (other
// than exceptID) already has.
func (s *Service) checkShortName(ctx context.Context, tx *sql.Tx, u Unit, parentID, exceptID int64) error {
	if u.ShortName == "" || u.Type.Level() != Attached || parentID == 0 {
		return nil
	}
	taken, err := shortNameTaken(ctx, tx, parentID, u.ShortName, exceptID)
	if err != nil {
		return fmt.Errorf("short name: %w", err)
	}
	if taken {
		return apperr.New(apperr.CodeConflict, "org.err.short_name_used", u.ShortName).
			WithFields(map[string]apperr.Msg{"short_name": apperr.M("org.err.f.short_name_used", u.ShortName)})
	}
	return nil
}

// SetUnit changes the name and the short name of a unit in force (the unit
// register's edit form; a new name by a resolution is Reorganize).
func (s *Service) SetUnit(ctx context.Context, id int64, name, shortName string) (Unit, error) {
	return s.SetUnitWith(ctx, id, name, shortName, nil)
}

// SetUnitWith is SetUnit with also run in its transaction.
func (s *Service) SetUnitWith(ctx context.Context, id int64, name, shortName string, also Also) (Unit, error) {
	var u Unit
	err := s.changeUnits(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = currentUnit(ctx, tx, id); err != nil {
			return err
		}
		before := u
		u.Name, u.ShortName = strings.TrimSpace(name), strings.TrimSpace(shortName)
		if err := u.Validate(); err != nil {
			return err
		}
		if err := s.checkShortName(ctx, tx, u, u.ParentID, u.ID); err != nil {
			return err
		}
		moved, err := setUnitFields(ctx, tx, u.ID, u.Name, u.ShortName, s.db.NowMillis())
		if err != nil {
			return err
		}
		if !moved {
			return apperr.New(apperr.CodeConflict, "org.err.unit_changed")
		}
		if also != nil {
			return also(tx, before, u)
		}
		return nil
	})
	if err != nil {
		return Unit{}, fmt.Errorf("set unit %d: %w", id, err)
	}
	return u, nil
}

func orNone(s string) string {
	if s == "" {
		return "(không có đơn vị cha)"
	}
	return s
}

// AddHouseholds adds households to a village's register.
func (s *Service) AddHouseholds(ctx context.Context, villageID int64, hs []Household) error {
	for i := range hs {
		if err := hs[i].Validate(); err != nil {
			return fmt.Errorf("household %d: %w", i+1, err)
		}
		hs[i].ID, hs[i].VillageID = s.db.NewID(), villageID
	}
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		v, err := currentUnit(ctx, tx, villageID)
		if err != nil {
			return err
		}
		if v.Type.Level() != VillageLevel {
			return apperr.New(apperr.CodeInvalid, "org.err.households_village")
		}
		err = insertHouseholds(ctx, tx, s.db, hs)
		if db.IsUniqueViolation(err) {
			return apperr.New(apperr.CodeConflict, "org.err.household_code_used")
		}
		return err
	})
	if err != nil {
		return fmt.Errorf("add households to %d: %w", villageID, err)
	}
	return nil
}

// vietnam is the time zone legal dates are read in.
var vietnam = time.FixedZone("ICT", 7*3600)

// Reorganize carries out a merge or rename: the From units end on EffectiveFrom,
// the new unit begins that day under the same parent, their units in force move
// under it (with their subtrees) and so do the households of merged villages.
func (s *Service) Reorganize(ctx context.Context, r Reorganization) (Unit, error) {
	to := r.To
	to.ValidFrom = r.EffectiveFrom
	if err := to.Validate(); err != nil {
		return Unit{}, err
	}
	err := s.changeUnits(ctx, func(tx *sql.Tx) error {
		var from []Unit
		for _, id := range r.From {
			u, err := unitByID(ctx, tx, id)
			if err != nil {
				return err
			}
			from = append(from, u)
		}
		if err := r.Validate(from); err != nil {
			return err
		}
		parentID := r.ParentID
		if parentID == 0 {
			parentID = from[0].ParentID
		}
		var parent Unit
		if parentID != 0 {
			var err error
			if parent, err = currentUnit(ctx, tx, parentID); err != nil {
				return err
			}
		}
		if !AllowedParent(to.Type, parent.Type) {
			return apperr.New(apperr.CodeInvalid, "org.err.parent_type", to.Type.Label(), orNone(parent.Type.Label()))
		}
		for _, u := range from {
			if err := closeUnit(ctx, tx, u.ID, r.EffectiveFrom, s.db.NowMillis()); err != nil {
				return fmt.Errorf("close unit %d: %w", u.ID, err)
			}
		}
		to.ID, to.ParentID = s.db.NewID(), parentID
		to.Path, to.Depth = childPath(parent.Path, to.ID), 0
		if parentID != 0 {
			to.Depth = parent.Depth + 1
		}
		if err := insertUnits(ctx, tx, s.db, []Unit{to}, nil); err != nil {
			if db.IsUniqueViolation(err) {
				return apperr.New(apperr.CodeConflict, "org.err.code_taken", to.Code)
			}
			return err
		}
		for _, u := range from {
			if err := insertSuccession(ctx, tx, u.ID, to.ID, r.EffectiveFrom, strings.TrimSpace(r.Resolution)); err != nil {
				return fmt.Errorf("record succession: %w", err)
			}
			if err := moveChildren(ctx, tx, u.ID, to.ID); err != nil {
				return fmt.Errorf("move children of %d: %w", u.ID, err)
			}
			// The subtree in force now hangs below the new unit.
			if err := moveSubtree(ctx, tx, u, to); err != nil {
				return fmt.Errorf("move subtree of %d: %w", u.ID, err)
			}
			if err := moveHouseholds(ctx, tx, u.ID, to.ID, s.db.NowMillis()); err != nil {
				return fmt.Errorf("move households of %d: %w", u.ID, err)
			}
		}
		return nil
	})
	if err != nil {
		return Unit{}, fmt.Errorf("reorganize %v: %w", r.From, err)
	}
	return to, nil
}
