package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
)

// Locales holds the messages of this package's errors (locales/vi.json and
// locales/en.json); the web kernel merges them into every catalog, since every
// room's creating form can meet a reused key.
//
//go:embed locales
var Locales embed.FS

// MaxIdemKey is the longest idempotency key a client may send (a UUID is 36
// characters, a form's random.Key 24).
const MaxIdemKey = 128

// Idem is what makes a create idempotent: a retried request (its answer was
// lost, the client sends it again) gets the first one's result instead of a
// second row. Key is the client's (a form's hidden field, Open311's
// Idempotency-Key); Scope is whose key it is, set by the service from the
// actor and the action (Idem.In), never by the client, so that one account's
// key can never reach another's result; Fingerprint is a hash of what was sent
// with the key (Fingerprint), so that the same key with other content is
// refused (ErrKeyReused) rather than answered with a result that is not its own.
type Idem struct {
	Scope, Key, Fingerprint string
	// Within, when set, is how long a stored key holds: one older than that is
	// taken as new (Open311 without a client key: the same content posted again
	// after the window is a new request).
	Within time.Duration
}

// In returns k scoped to parts joined by ":" (the action, the account, the unit…).
func (k Idem) In(parts ...any) Idem {
	s := make([]string, len(parts))
	for i, p := range parts {
		s[i] = fmt.Sprint(p)
	}
	k.Scope = strings.Join(s, ":")
	return k
}

// ErrKeyReused refuses a key already used with other content (409): nothing is
// stored, and the form is shown again with a new key.
var ErrKeyReused = apperr.New(apperr.CodeConflict, "db.err.key_reused")

// IsKeyReused reports whether err is ErrKeyReused.
func IsKeyReused(err error) bool { return errors.Is(err, ErrKeyReused) }

// IsKeyRefused reports whether err is Claim refusing the key itself (used
// with other content, or not a key): a refusal of that one create, which
// leaves the transaction usable for others. Any other error of Claim is the
// database's, and the transaction is lost.
func IsKeyRefused(err error) bool {
	return IsKeyReused(err) || apperr.KeyOf(err) == "db.err.key_format"
}

// CheckIdemKey refuses a key that is not 1–MaxIdemKey visible ASCII characters
// (400): a client's key is an opaque token, never text.
func CheckIdemKey(key string) error {
	ok := key != "" && len(key) <= MaxIdemKey
	for i := 0; ok && i < len(key); i++ {
		ok = key[i] > ' ' && key[i] < 0x7f
	}
	if !ok {
		return apperr.New(apperr.CodeInvalid, "db.err.key_format", MaxIdemKey).Mark("key")
	}
	return nil
}

// Fingerprint is the SHA-256 (hex) of parts, each length-prefixed so that
// ("ab", "c") and ("a", "bc") differ.
func Fingerprint(parts ...string) string {
	h := sha256.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write([]byte(p))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Claim takes k in tx, before the create it guards. fresh: the key is new (or
// older than k.Within), go on, create and Settle in the same transaction. Not
// fresh: the key is stored with the same fingerprint and result is what the
// first request answered. A key stored with another fingerprint is
// ErrKeyReused. A concurrent request with the same key waits on the row (the
// primary key) until the first commits, then finds its result; if the first
// rolled back, the second creates. An empty key claims nothing (fresh).
func (d *DB) Claim(ctx context.Context, tx *sql.Tx, k Idem) (result string, fresh bool, err error) {
	if k.Key == "" {
		return "", true, nil
	}
	if err := CheckIdemKey(k.Key); err != nil {
		return "", false, err
	}
	if k.Scope == "" {
		return "", false, fmt.Errorf("idempotency key %q without a scope", k.Key)
	}
	now := d.NowMillis()
	res, err := tx.ExecContext(ctx, `insert into idempotency_keys (scope, idem_key, fingerprint, result, created_at)
		values ($1, $2, $3, '', $4) on conflict (scope, idem_key) do nothing`, k.Scope, k.Key, k.Fingerprint, now)
	if err != nil {
		return "", false, fmt.Errorf("claim idempotency key: %w", err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		return "", true, nil
	}
	if k.Within > 0 {
		res, err := tx.ExecContext(ctx, `update idempotency_keys set fingerprint = $3, result = '', created_at = $4
			where scope = $1 and idem_key = $2 and created_at < $5`, k.Scope, k.Key, k.Fingerprint, now, now-k.Within.Milliseconds())
		if err != nil {
			return "", false, fmt.Errorf("claim idempotency key: %w", err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return "", true, nil
		}
	}
	var fp string
	err = tx.QueryRowContext(ctx, "select fingerprint, result from idempotency_keys where scope = $1 and idem_key = $2",
		k.Scope, k.Key).Scan(&fp, &result)
	switch {
	case err != nil:
		return "", false, fmt.Errorf("read idempotency key: %w", err)
	case fp != k.Fingerprint:
		return "", false, ErrKeyReused
	case result == "":
		return "", false, fmt.Errorf("idempotency key %q claimed twice in one transaction", k.Key)
	}
	return result, false, nil
}

// Settle records the result of the create k was claimed for (Claim fresh).
func (d *DB) Settle(ctx context.Context, tx *sql.Tx, k Idem, result string) error {
	if k.Key == "" {
		return nil
	}
	if result == "" {
		return fmt.Errorf("idempotency key %q settled without a result", k.Key)
	}
	_, err := tx.ExecContext(ctx, "update idempotency_keys set result = $3 where scope = $1 and idem_key = $2", k.Scope, k.Key, result)
	if err != nil {
		return fmt.Errorf("settle idempotency key: %w", err)
	}
	return nil
}

// Once runs create in tx unless k was used: Claim, create, Settle. repeated:
// create did not run and result is the first request's.
func (d *DB) Once(ctx context.Context, tx *sql.Tx, k Idem, create func() (string, error)) (result string, repeated bool, err error) {
	result, fresh, err := d.Claim(ctx, tx, k)
	if err != nil || !fresh {
		return result, !fresh && err == nil, err
	}
	if result, err = create(); err != nil {
		return "", false, err
	}
	return result, false, d.Settle(ctx, tx, k, result)
}

// IdemKeep is how long a key is kept: a retry comes within minutes; a week
// covers a form left open over a weekend and sent again.
const IdemKeep = 7 * 24 * time.Hour

// PruneIdem deletes the keys stored before before (epoch ms) and says how many.
func (d *DB) PruneIdem(ctx context.Context, before int64) (int64, error) {
	var n int64
	err := d.RunInTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "delete from idempotency_keys where created_at < $1", before)
		if err == nil {
			n, _ = res.RowsAffected()
		}
		return err
	})
	return n, err
}

// ResultID reads a result that is an ID (what most creates settle with).
func ResultID(result string) (int64, error) {
	id, err := strconv.ParseInt(result, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("stored result %q is not an ID: %w", result, err)
	}
	return id, nil
}
