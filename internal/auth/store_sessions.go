package auth

import (
	"context"
	"database/sql"

	"danchu/internal/db"
)

// The SQL of sessions and of their change log, session_changes.

// insertSession stores a session by the hash of its cookie value.
func insertSession(ctx context.Context, tx *sql.Tx, hash string, accountID int64, stage, csrf string, now, expires int64, ip, ua string) error {
	_, err := tx.ExecContext(ctx, `insert into sessions (hash, account_id, stage, csrf, created_at, seen_at, expires_at, ip, user_agent)
		values ($1, $2, $3, $4, $5, $5, $6, $7, $8)`, hash, accountID, stage, csrf, now, expires, ip, ua)
	return err
}

// sessionRow is a stored session with what its actor is made of.
type sessionRow struct {
	ss                         Session
	kind                       Kind
	name, status, email, phone string
}

// sessionByHash returns the session with its account's kind, name, status and
// contacts, through the prepared statements (sql.ErrNoRows: none).
func (s *Store) sessionByHash(ctx context.Context, hash string) (sessionRow, error) {
	var r sessionRow
	err := s.db.Cached().QueryRowContext(ctx, `select s.hash, s.account_id, s.stage, s.csrf, s.created_at, s.seen_at, s.expires_at, a.kind, a.full_name, a.status,
		coalesce(a.email, ''), coalesce(a.phone, '')
		from sessions s join accounts a on a.id = s.account_id where s.hash = $1`, hash).
		Scan(&r.ss.Hash, &r.ss.AccountID, &r.ss.Stage, &r.ss.CSRF, &r.ss.CreatedAt, &r.ss.SeenAt, &r.ss.ExpiresAt, &r.kind, &r.name, &r.status, &r.email, &r.phone)
	return r, err
}

// cachedGrants returns the roles in force of an account, through the prepared
// statements.
func (s *Store) cachedGrants(ctx context.Context, accountID int64) ([]Grant, error) {
	return grantsOf(ctx, s.db.Cached(), accountID)
}

// deleteSession ends the session with hash.
func deleteSession(ctx context.Context, tx *sql.Tx, hash string) error {
	_, err := tx.ExecContext(ctx, "delete from sessions where hash = $1", hash)
	return err
}

// endSession ends the session with hash and returns its account
// (sql.ErrNoRows: there was none).
func endSession(ctx context.Context, tx *sql.Tx, hash string) (int64, error) {
	var account int64
	err := tx.QueryRowContext(ctx, "delete from sessions where hash = $1 returning account_id", hash).Scan(&account)
	return account, err
}

// deleteSessionsOf ends every session of an account.
func deleteSessionsOf(ctx context.Context, tx *sql.Tx, accountID int64) error {
	_, err := tx.ExecContext(ctx, "delete from sessions where account_id = $1", accountID)
	return err
}

// writeSeen stores the seen_at of each session hash, never moving one back.
func writeSeen(ctx context.Context, tx *sql.Tx, touches map[string]int64) error {
	st, err := tx.PrepareContext(ctx, "update sessions set seen_at = $1 where hash = $2 and seen_at < $1")
	if err != nil {
		return err
	}
	defer st.Close()
	for hash, at := range touches {
		if _, err := st.ExecContext(ctx, at, hash); err != nil {
			return err
		}
	}
	return nil
}

// insertSessionChange logs a change to the sessions or the actor of an account.
func insertSessionChange(ctx context.Context, tx *sql.Tx, id, accountID, at int64) error {
	_, err := tx.ExecContext(ctx, "insert into session_changes (id, account_id, at) values ($1, $2, $3)", id, accountID, at)
	return err
}

// changedSince returns the accounts of the session changes logged since since.
func (s *Store) changedSince(ctx context.Context, since int64) ([]int64, error) {
	return db.Int64s(ctx, s.db, "select account_id from session_changes where at >= $1", since)
}

// pruneSessionChanges deletes the change log before before.
func pruneSessionChanges(ctx context.Context, tx *sql.Tx, before int64) error {
	_, err := tx.ExecContext(ctx, "delete from session_changes where at < $1", before)
	return err
}
