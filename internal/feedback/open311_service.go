package feedback

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/db"
	"danchu/internal/org"
	"danchu/internal/random"
)

// The service side of Open311 GeoReport v2 (the API is in open311.go): the
// keys applications send with, and the look-ups the API answers.

// Key is an Open311 API key issued in the back office (only its hash is kept).
type Key struct {
	ID        int64
	UnitID    int64
	Name      string
	CreatedAt int64
	RevokedAt int64
}

func hashKey(k string) string {
	h := sha256.Sum256([]byte(k))
	return hex.EncodeToString(h[:])
}

// IssueKey creates a key for an application sending feedback about a unit (a
// commune, or a province for all its communes) and returns it: it is shown
// once and never again.
func (s *Service) IssueKey(ctx context.Context, a *auth.Actor, unitID int64, name string) (string, error) {
	k, _, err := s.IssueKeyOnce(ctx, a, unitID, name, db.Idem{})
	return k, err
}

// IssueKeyOnce is IssueKey for a form carrying a key (web.FormIdem). The same
// form posted again issues no second key and returns repeated: the key was
// shown once, on the first answer, and is kept only hashed, so it cannot be
// shown again (the page says to revoke it and issue another if it was lost).
func (s *Service) IssueKeyOnce(ctx context.Context, a *auth.Actor, unitID int64, name string, idem db.Idem) (key string, repeated bool, err error) {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, unitID); err != nil {
		return "", false, err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return "", false, apperr.New(apperr.CodeInvalid, "feedback.err.key_name").Mark("name")
	}
	key = "dc311_" + strings.ToLower(random.Secret())
	id := s.db.NewID()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		_, repeated, err = s.db.Once(ctx, tx, idem.In("open311.issue", a.AccountID, unitID), func() (string, error) {
			if err := insertKey(ctx, tx, id, hashKey(key), unitID, name, a.AccountID, s.db.NowMillis()); err != nil {
				return "", err
			}
			return fmt.Sprint(id), s.guard.Record(ctx, tx, a, auth.HandleFeedback, unitID, "open311_key", fmt.Sprint(id), nil, name)
		})
		return err
	})
	if err != nil || repeated {
		return "", repeated, err
	}
	return key, false, nil
}

// Keys lists a unit's keys, newest first.
func (s *Service) Keys(ctx context.Context, a *auth.Actor, unitID int64) ([]Key, error) {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, unitID); err != nil {
		return nil, err
	}
	return s.unitKeys(ctx, unitID)
}

// RevokeKey stops a key at once (in this process; others within a minute).
func (s *Service) RevokeKey(ctx context.Context, a *auth.Actor, unitID, id int64) error {
	if err := s.guard.Can(ctx, a, auth.HandleFeedback, unitID); err != nil {
		return err
	}
	var hash string
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var ok bool
		var err error
		if hash, ok, err = revokeKey(ctx, tx, id, unitID, s.db.NowMillis()); err != nil {
			return err
		} else if !ok {
			return apperr.New(apperr.CodeNotFound, "feedback.err.key_gone")
		}
		return s.guard.Record(ctx, tx, a, auth.HandleFeedback, unitID, "open311_key", fmt.Sprint(id), "active", "revoked")
	})
	s.keys.Forget(hash)
	return err
}

// keyed is a key in force: its ID and its unit.
type keyed struct{ id, unit int64 }

// keyOf returns the key in force matching k.
func (s *Service) keyOf(ctx context.Context, k string) (keyed, bool, error) {
	h := hashKey(k)
	if v, ok := s.keys.Get(h); ok {
		return v, v.id != 0, nil
	}
	v, err := s.keyByHash(ctx, h)
	if err != nil {
		return v, false, err
	}
	s.keys.Put(h, v)
	return v, v.id != 0, nil
}

// Request is the item with a tracking code (as typed) for Open311, which shows
// only its public part (requestOf); false when there is none.
func (s *Service) Request(ctx context.Context, typed string) (Item, bool) {
	c, ok := s.resolveCode(ctx, typed)
	if !ok {
		return Item{}, false
	}
	it, err := s.itemByCode(ctx, c)
	return it, err == nil
}

// Requests lists for Open311 the items about a place (a commune and its
// villages, or a village) that f selects (created from f.Start to f.End, at
// most MaxWindow apart, of f.Categories and f.Statuses: nil for any), newest
// first, MaxRequests at most.
func (s *Service) Requests(ctx context.Context, place org.Unit, f RequestFilter) ([]Item, error) {
	if f.End < f.Start || f.End-f.Start > MaxWindow.Milliseconds() {
		return nil, apperr.New(apperr.CodeInvalid, "feedback.err.o311_window", int(MaxWindow.Hours()/24), (f.End-f.Start)/(24*3600*1000))
	}
	f.Places, f.Limit = []int64{place.ID}, MaxRequests
	if place.Type.Level() == org.CommuneLevel {
		t, err := s.units.Tree(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range t.Descendants(place.ID) {
			f.Places = append(f.Places, v.ID)
		}
	}
	return s.Store.Requests(ctx, f)
}
