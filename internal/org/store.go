package org

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/search"
)

// Store is the SQL of units and households, the same text on SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

const unitCols = `id, coalesce(code, ''), name, type, coalesce(short_name, ''), coalesce(parent_id, 0), path, depth, valid_from, coalesce(valid_to, '')`

// current is the condition for units in force.
const current = `valid_to is null`

type scanner interface{ Scan(dest ...any) error }

func scanUnit(s scanner) (Unit, error) {
	var u Unit
	err := s.Scan(&u.ID, &u.Code, &u.Name, &u.Type, &u.ShortName, &u.ParentID, &u.Path, &u.Depth, &u.ValidFrom, &u.ValidTo)
	return u, err
}

type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func queryUnits(ctx context.Context, q querier, query string, args ...any) ([]Unit, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var us []Unit
	for rows.Next() {
		u, err := scanUnit(rows)
		if err != nil {
			return nil, err
		}
		us = append(us, u)
	}
	return us, rows.Err()
}

func findUnit(ctx context.Context, q querier, where string, args ...any) (Unit, error) {
	u, err := scanUnit(q.QueryRowContext(ctx, "select "+unitCols+" from units where "+where, args...))
	if errors.Is(err, sql.ErrNoRows) {
		return Unit{}, apperr.New(apperr.CodeNotFound, "org.err.unit_not_found")
	}
	return u, err
}

// unitByID returns the unit with id, in force or not.
func unitByID(ctx context.Context, q querier, id int64) (Unit, error) {
	return findUnit(ctx, q, "id = $1", id)
}

// currentUnit returns the unit with id if it is in force.
func currentUnit(ctx context.Context, q querier, id int64) (Unit, error) {
	return findUnit(ctx, q, "id = $1 and "+current, id)
}

// unitByCode returns the unit in force with the official code.
func unitByCode(ctx context.Context, q querier, code string) (Unit, error) {
	return findUnit(ctx, q, "code = $1 and "+current, code)
}

// UnitByID returns the unit with id, in force or not.
func (s *Store) UnitByID(ctx context.Context, id int64) (Unit, error) {
	u, err := unitByID(ctx, s.db, id)
	if err != nil {
		return Unit{}, fmt.Errorf("unit %d: %w", id, err)
	}
	return u, nil
}

// UnitByCode returns the unit in force with the official code.
func (s *Store) UnitByCode(ctx context.Context, code string) (Unit, error) {
	u, err := unitByCode(ctx, s.db, code)
	if err != nil {
		return Unit{}, fmt.Errorf("unit code %q: %w", code, err)
	}
	return u, nil
}

// Children returns the units in force directly under id, by name.
func (s *Store) Children(ctx context.Context, id int64) ([]Unit, error) {
	us, err := queryUnits(ctx, s.db, "select "+unitCols+" from units where parent_id = $1 and "+current+" order by name_folded", id)
	if err != nil {
		return nil, fmt.Errorf("children of unit %d: %w", id, err)
	}
	return us, nil
}

// Descendants returns every unit in force below u (its subtree without u), by path.
func (s *Store) Descendants(ctx context.Context, u Unit) ([]Unit, error) {
	us, err := queryUnits(ctx, s.db, "select "+unitCols+" from units where path > $1 and path < $2 and "+current+" order by path",
		u.Path, pathUpperBound(u.Path))
	if err != nil {
		return nil, fmt.Errorf("descendants of unit %d: %w", u.ID, err)
	}
	return us, nil
}

// Ancestors returns the units above u, from the root down (as recorded in its path).
func (s *Store) Ancestors(ctx context.Context, u Unit) ([]Unit, error) {
	ids, err := ancestorIDs(u.Path)
	if err != nil {
		return nil, fmt.Errorf("ancestors of unit %d: %w", u.ID, err)
	}
	if len(ids) == 0 {
		return nil, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	us, err := queryUnits(ctx, s.db, "select "+unitCols+" from units where id in ("+strings.Join(ph, ",")+") order by depth", args...)
	if err != nil {
		return nil, fmt.Errorf("ancestors of unit %d: %w", u.ID, err)
	}
	return us, nil
}

// UnitsOfTypes returns the units in force of the given types, by code.
func (s *Store) UnitsOfTypes(ctx context.Context, types ...Type) ([]Unit, error) {
	ph := make([]string, len(types))
	args := make([]any, len(types))
	for i, t := range types {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), string(t)
	}
	us, err := queryUnits(ctx, s.db, "select "+unitCols+" from units where type in ("+strings.Join(ph, ",")+") and "+current+" order by code", args...)
	if err != nil {
		return nil, fmt.Errorf("units of types %v: %w", types, err)
	}
	return us, nil
}

// Search returns up to limit units in force whose folded name contains the folded
// query, provinces before communes before villages, then by name.
func (s *Store) Search(ctx context.Context, query string, limit int) ([]Unit, error) {
	q := search.Fold(query)
	if q == "" {
		return nil, nil
	}
	q = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(q)
	us, err := queryUnits(ctx, s.db, "select "+unitCols+` from units
		where name_folded like $1 escape '\' and `+current+` order by depth, name_folded limit $2`, "%"+q+"%", limit)
	if err != nil {
		return nil, fmt.Errorf("search units %q: %w", query, err)
	}
	return us, nil
}

// CountByType returns how many units in force there are of each type.
func (s *Store) CountByType(ctx context.Context) (map[Type]int, error) {
	rows, err := s.db.QueryContext(ctx, "select type, count(*) from units where "+current+" group by type")
	if err != nil {
		return nil, fmt.Errorf("count units: %w", err)
	}
	defer rows.Close()
	m := map[Type]int{}
	for rows.Next() {
		var t Type
		var n int
		if err := rows.Scan(&t, &n); err != nil {
			return nil, err
		}
		m[t] = n
	}
	return m, rows.Err()
}

// insertUnits writes units whose ID, Path and Depth are set.
func insertUnits(ctx context.Context, tx *sql.Tx, d *db.DB, us []Unit, progress func(done int)) error {
	now := d.NowMillis()
	return d.InsertBatches(ctx, tx, "units",
		[]string{"id", "code", "name", "name_folded", "type", "short_name", "parent_id", "path", "depth", "valid_from", "created_at", "updated_at"},
		len(us), func(i int) []any {
			u := us[i]
			return []any{u.ID, nullString(u.Code), u.Name, search.Fold(u.Name), string(u.Type), nullString(u.ShortName), nullInt(u.ParentID), u.Path, u.Depth, u.ValidFrom, now, now}
		}, progress)
}

// insertHouseholds writes households whose ID is set.
func insertHouseholds(ctx context.Context, tx *sql.Tx, d *db.DB, hs []Household) error {
	now := d.NowMillis()
	return d.InsertBatches(ctx, tx, "households",
		[]string{"id", "village_id", "code", "head_name", "address", "members", "representative_name", "active", "created_at", "updated_at"},
		len(hs), func(i int) []any {
			h := hs[i]
			return []any{h.ID, h.VillageID, h.Code, h.HeadName, h.Address, h.Members, h.RepresentativeName, h.Active, now, now}
		}, nil)
}

// Successors returns the units that took over from id by a reorganization.
func (s *Store) Successors(ctx context.Context, id int64) ([]Unit, error) {
	us, err := queryUnits(ctx, s.db, "select "+unitCols+" from units where id in (select to_id from unit_successions where from_id = $1) order by name_folded", id)
	if err != nil {
		return nil, fmt.Errorf("successors of %d: %w", id, err)
	}
	return us, nil
}

const householdCols = `id, village_id, code, head_name, address, members, representative_name, active, coalesce(representative_account_id, 0)`

func queryHouseholds(ctx context.Context, q querier, where string, args ...any) ([]Household, error) {
	rows, err := q.QueryContext(ctx, "select "+householdCols+" from households where "+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var hs []Household
	for rows.Next() {
		var h Household
		if err := rows.Scan(&h.ID, &h.VillageID, &h.Code, &h.HeadName, &h.Address, &h.Members, &h.RepresentativeName, &h.Active,
			&h.RepresentativeAccountID); err != nil {
			return nil, err
		}
		hs = append(hs, h)
	}
	return hs, rows.Err()
}

// Households returns the register of a village, by code.
func (s *Store) Households(ctx context.Context, villageID int64) ([]Household, error) {
	hs, err := queryHouseholds(ctx, s.db, "village_id = $1 order by code", villageID)
	if err != nil {
		return nil, fmt.Errorf("households of %d: %w", villageID, err)
	}
	return hs, nil
}

// HouseholdByID returns one household.
func (s *Store) HouseholdByID(ctx context.Context, id int64) (Household, error) {
	hs, err := queryHouseholds(ctx, s.db, "id = $1", id)
	if err != nil {
		return Household{}, fmt.Errorf("household %d: %w", id, err)
	}
	if len(hs) == 0 {
		return Household{}, apperr.New(apperr.CodeNotFound, "org.err.household_not_found")
	}
	return hs[0], nil
}

// HouseholdsRepresentedBy returns the households an account represents.
func (s *Store) HouseholdsRepresentedBy(ctx context.Context, accountID int64) ([]Household, error) {
	hs, err := queryHouseholds(ctx, s.db, "representative_account_id = $1 order by code", accountID)
	if err != nil {
		return nil, fmt.Errorf("households of account %d: %w", accountID, err)
	}
	return hs, nil
}

// BindRepresentative makes accountID (0: nobody) the representative of a
// household inside tx, and returns the household as it was before.
func BindRepresentative(ctx context.Context, tx *sql.Tx, householdID, accountID int64, now int64) (Household, error) {
	hs, err := queryHouseholds(ctx, tx, "id = $1", householdID)
	if err != nil {
		return Household{}, fmt.Errorf("household %d: %w", householdID, err)
	}
	if len(hs) == 0 {
		return Household{}, apperr.New(apperr.CodeNotFound, "org.err.household_not_found")
	}
	if _, err := tx.ExecContext(ctx, "update households set representative_account_id = $1, updated_at = $2 where id = $3",
		nullInt(accountID), now, householdID); err != nil {
		return Household{}, fmt.Errorf("bind representative: %w", err)
	}
	return hs[0], nil
}

// HouseholdCounts returns the number of active households of each of the given villages.
func (s *Store) HouseholdCounts(ctx context.Context, villageIDs []int64) (map[int64]int, error) {
	m := map[int64]int{}
	if len(villageIDs) == 0 {
		return m, nil
	}
	ph := make([]string, len(villageIDs))
	args := make([]any, len(villageIDs))
	for i, id := range villageIDs {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := s.db.QueryContext(ctx, "select village_id, count(*) from households where active and village_id in ("+strings.Join(ph, ",")+") group by village_id", args...)
	if err != nil {
		return nil, fmt.Errorf("count households: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		m[id] = n
	}
	return m, rows.Err()
}

// unitsIndex returns the units in force that have a code, by code.
func unitsIndex(ctx context.Context, tx *sql.Tx) (map[string]Unit, error) {
	us, err := queryUnits(ctx, tx, "select "+unitCols+" from units where code is not null and "+current)
	if err != nil {
		return nil, fmt.Errorf("index units: %w", err)
	}
	m := make(map[string]Unit, len(us))
	for _, u := range us {
		m[u.Code] = u
	}
	return m, nil
}

// householdCodes returns the codes of a village's households.
func householdCodes(ctx context.Context, tx *sql.Tx, villageID int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, "select code from households where village_id = $1", villageID)
	if err != nil {
		return nil, fmt.Errorf("household codes: %w", err)
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		m[c] = true
	}
	return m, rows.Err()
}

// allUnits reads every unit, in force or not.
func allUnits(ctx context.Context, q querier) ([]Unit, error) {
	return queryUnits(ctx, q, "select "+unitCols+" from units")
}

func unitsVersion(ctx context.Context, q querier) (int64, error) {
	var v int64
	if err := q.QueryRowContext(ctx, "select version from units_version where id = 1").Scan(&v); err != nil {
		return 0, fmt.Errorf("units version: %w", err)
	}
	return v, nil
}

// bumpUnitsVersion is called in every transaction that changes units.
func bumpUnitsVersion(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, "update units_version set version = version + 1 where id = 1"); err != nil {
		return fmt.Errorf("raise units version: %w", err)
	}
	return nil
}

// analyzeUnits refreshes the planner's statistics of units (after a bulk
// import).
func analyzeUnits(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, "analyze units")
	return err
}

// shortNameTaken reports whether another body in force under parentID (not
// exceptID) has the short name.
func shortNameTaken(ctx context.Context, q querier, parentID int64, shortName string, exceptID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, "select count(*) from units where parent_id = $1 and short_name = $2 and id <> $3 and "+current+" and type in "+attachedTypesSQL,
		parentID, shortName, exceptID).Scan(&n)
	return n > 0, err
}

// attachedTypesSQL is the list of the attached types as SQL: the bodies whose
// short names differ among siblings, as in the index units_short_name (a new
// attached type is added to both; TestAttachedTypesSQL checks this list).
const attachedTypesSQL = `('co-quan', 'doanh-nghiep', 'to-chuc-dang', 'mat-tran', 'phong-ban')`

// setUnitFields changes the name and short name of unit id; it reports whether
// a unit in force moved.
func setUnitFields(ctx context.Context, tx *sql.Tx, id int64, name, shortName string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update units set name = $1, name_folded = $2, short_name = $3, updated_at = $4 where id = $5 and "+current,
		name, search.Fold(name), nullString(shortName), now, id)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// closeUnit ends unit id's time in force on validTo.
func closeUnit(ctx context.Context, tx *sql.Tx, id int64, validTo string, now int64) error {
	_, err := tx.ExecContext(ctx, "update units set valid_to = $1, updated_at = $2 where id = $3", validTo, now, id)
	return err
}

// insertSuccession records that to took over from fromID on effectiveFrom.
func insertSuccession(ctx context.Context, tx *sql.Tx, fromID, toID int64, effectiveFrom, resolution string) error {
	_, err := tx.ExecContext(ctx, "insert into unit_successions (from_id, to_id, effective_from, resolution) values ($1, $2, $3, $4)",
		fromID, toID, effectiveFrom, resolution)
	return err
}

// moveChildren puts the units in force directly under fromID under toID.
func moveChildren(ctx context.Context, tx *sql.Tx, fromID, toID int64) error {
	_, err := tx.ExecContext(ctx, "update units set parent_id = $1 where parent_id = $2 and "+current, toID, fromID)
	return err
}

// moveSubtree rewrites the paths and depths of the units in force below from
// so that they hang below to.
func moveSubtree(ctx context.Context, tx *sql.Tx, from, to Unit) error {
	_, err := tx.ExecContext(ctx, `update units set path = cast($1 as text) || substr(path, $2), depth = depth + $3
				where path > $4 and path < $5 and `+current,
		to.Path, len(from.Path)+1, to.Depth-from.Depth, from.Path, pathUpperBound(from.Path))
	return err
}

// moveHouseholds moves the households of village fromID to toID.
func moveHouseholds(ctx context.Context, tx *sql.Tx, fromID, toID, now int64) error {
	_, err := tx.ExecContext(ctx, "update households set village_id = $1, updated_at = $2 where village_id = $3", toID, now, fromID)
	return err
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullInt(n int64) any {
	if n == 0 {
		return nil
	}
	return n
}
