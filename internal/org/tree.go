package org

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"danchu/internal/db"
)

// Tree is an immutable snapshot of every unit, in force and closed, sorted by path so
// that a subtree is a contiguous run and an ancestry is a path prefix. It answers the
// questions asked on every request (is this unit inside that one, what is below a
// province) without a database round trip.
type Tree struct {
	Version int64
	units   []Unit           // by path
	pos     map[int64]int32  // id -> index in units
	codes   map[string]int32 // official code of a unit in force -> index in units
}

func newTree(version int64, us []Unit) *Tree {
	slices.SortFunc(us, func(a, b Unit) int { return cmp.Compare(a.Path, b.Path) })
	t := &Tree{Version: version, units: us, pos: make(map[int64]int32, len(us)), codes: make(map[string]int32, len(us))}
	for i, u := range us {
		t.pos[u.ID] = int32(i)
		if u.Code != "" && u.Current() {
			t.codes[u.Code] = int32(i)
		}
	}
	return t
}

// Len is the number of units in the snapshot.
func (t *Tree) Len() int { return len(t.units) }

// Unit returns the unit with id, in force or not.
func (t *Tree) Unit(id int64) (Unit, bool) {
	i, ok := t.pos[id]
	if !ok {
		return Unit{}, false
	}
	return t.units[i], true
}

// ByCode returns the unit in force with an official code.
func (t *Tree) ByCode(code string) (Unit, bool) {
	i, ok := t.codes[code]
	if !ok {
		return Unit{}, false
	}
	return t.units[i], true
}

// BoardOf returns the board a unit's public matters belong to: a commune's own,
// a village's commune, an agency's own (staff only). ok is false for other units.
func (t *Tree) BoardOf(u Unit) (board Unit, staff, ok bool) {
	switch {
	case u.Type.Level() == CommuneLevel:
		return u, false, true
	case u.Type.Level() == VillageLevel:
		b, found := t.Unit(u.ParentID)
		return b, false, found
	case u.Type == Agency:
		return u, true, true
	}
	return Unit{}, false, false
}

// Path returns the materialised path of id ("" when there is no such unit).
func (t *Tree) Path(id int64) string {
	if i, ok := t.pos[id]; ok {
		return t.units[i].Path
	}
	return ""
}

// Within reports whether unit id is ancestor itself or lies below it.
func (t *Tree) Within(id, ancestor int64) bool {
	p, a := t.Path(id), t.Path(ancestor)
	return p != "" && a != "" && strings.HasPrefix(p, a)
}

// Descendants returns a copy of the units in force below id, by path (the same
// answer as Store.Descendants).
func (t *Tree) Descendants(id int64) []Unit {
	i, ok := t.pos[id]
	if !ok {
		return nil
	}
	prefix := t.units[i].Path
	var out []Unit
	for _, u := range t.units[i+1:] {
		if !strings.HasPrefix(u.Path, prefix) {
			break
		}
		if u.Current() {
			out = append(out, u)
		}
	}
	return out
}

// Ancestors returns the units above id, from the root down.
func (t *Tree) Ancestors(id int64) []Unit {
	u, ok := t.Unit(id)
	if !ok {
		return nil
	}
	ids, _ := ancestorIDs(u.Path)
	out := make([]Unit, 0, len(ids))
	for _, aid := range ids {
		if a, ok := t.Unit(aid); ok {
			out = append(out, a)
		}
	}
	return out
}

// treeCache keeps the current Tree of a process. A snapshot is trusted for maxAge;
// after that the next reader compares the units_version counter (one indexed
// read) and reloads only when another process changed the units. Changes made
// through this process's Service drop the snapshot at once.
type treeCache struct {
	d      *db.DB
	maxAge time.Duration

	mu      sync.Mutex // one loader at a time
	cur     atomic.Pointer[Tree]
	checked atomic.Int64 // monotonic nanoseconds of the last version check
	epoch   time.Time
}

func newTreeCache(d *db.DB, maxAge time.Duration) *treeCache {
	return &treeCache{d: d, maxAge: maxAge, epoch: time.Now()}
}

func (c *treeCache) since() int64 { return int64(time.Since(c.epoch)) }

func (c *treeCache) get(ctx context.Context) (*Tree, error) {
	t := c.cur.Load()
	if t != nil && c.maxAge > 0 && c.since()-c.checked.Load() < int64(c.maxAge) {
		return t, nil
	}
	v, err := unitsVersion(ctx, c.d.Cached())
	if err != nil {
		return nil, err
	}
	if t != nil && t.Version == v {
		c.checked.Store(c.since())
		return t, nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t := c.cur.Load(); t != nil && t.Version == v {
		return t, nil
	}
	t, err = loadTree(ctx, c.d)
	if err != nil {
		return nil, err
	}
	c.cur.Store(t)
	c.checked.Store(c.since())
	return t, nil
}

// invalidate drops the snapshot after a change made by this process.
func (c *treeCache) invalidate() { c.cur.Store(nil) }

// loadTree reads every unit. The version is read before and after: equal
// versions mean no change to units committed in between (every change raises it
// in its own transaction), so the snapshot is consistent without a long read
// transaction.
func loadTree(ctx context.Context, d *db.DB) (*Tree, error) {
	for range 5 {
		v1, err := unitsVersion(ctx, d)
		if err != nil {
			return nil, err
		}
		us, err := allUnits(ctx, d)
		if err != nil {
			return nil, fmt.Errorf("load unit tree: %w", err)
		}
		v2, err := unitsVersion(ctx, d)
		if err != nil {
			return nil, err
		}
		if v1 == v2 {
			return newTree(v1, us), nil
		}
	}
	return nil, fmt.Errorf("load unit tree: units kept changing while being read")
}
