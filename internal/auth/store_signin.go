package auth

import (
	"context"
	"database/sql"
	"fmt"
)

// The SQL of signing in: the failure counts of signin_failures and the
// citizens' one-time codes of otp_codes.

// signinFailures returns the failures counted for (subject, factor, source) and
// when the next attempt may come (sql.ErrNoRows: none counted).
func (s *Store) signinFailures(ctx context.Context, subject, factor, source string) (n int, retryAt int64, err error) {
	err = s.db.QueryRowContext(ctx, "select failures, retry_at from signin_failures where subject = $1 and factor = $2 and source = $3",
		subject, factor, source).Scan(&n, &retryAt)
	return n, retryAt, err
}

// addFailure counts a failure of (subject, factor, source) at now, starting
// again from one when the last was before forgetBefore, and returns the count.
func addFailure(ctx context.Context, tx *sql.Tx, subject, factor, source string, now, forgetBefore int64) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `insert into signin_failures (subject, factor, source, failures, retry_at, updated_at) values ($1, $2, $3, 1, 0, $4)
			on conflict (subject, factor, source) do update set
			failures = case when signin_failures.updated_at < $5 then 1 else signin_failures.failures + 1 end, updated_at = $4
			returning failures`, subject, factor, source, now, forgetBefore).Scan(&n)
	return n, err
}

// setRetryAt sets when the next attempt of (subject, factor, source) may come.
func setRetryAt(ctx context.Context, tx *sql.Tx, subject, factor, source string, retryAt int64) error {
	_, err := tx.ExecContext(ctx, "update signin_failures set retry_at = $1 where subject = $2 and factor = $3 and source = $4",
		retryAt, subject, factor, source)
	return err
}

// clearFailures forgets the failures of (subject, factor) from source, or from
// every source when source is "*".
func clearFailures(ctx context.Context, tx *sql.Tx, subject, factor, source string) error {
	q, args := "delete from signin_failures where subject = $1 and factor = $2 and source = $3", []any{subject, factor, source}
	if source == "*" {
		q, args = "delete from signin_failures where subject = $1 and factor = $2", args[:2]
	}
	if _, err := tx.ExecContext(ctx, q, args...); err != nil {
		return fmt.Errorf("clear sign-in failures: %w", err)
	}
	return nil
}

// codesSent counts the codes sent since since to an address, asked from an IP
// address, or both ("" matches any), and returns when the oldest of them was.
func (s *Store) codesSent(ctx context.Context, address, ip string, since int64) (n int, oldest sql.NullInt64, err error) {
	q, args := "select count(*), min(created_at) from otp_codes where created_at > $1", []any{since}
	for _, c := range []struct{ col, val string }{{"address", address}, {"ip", ip}} {
		if c.val != "" { // each column by its own index
			args = append(args, c.val)
			q += fmt.Sprintf(" and %s = $%d", c.col, len(args))
		}
	}
	err = s.db.QueryRowContext(ctx, q, args...).Scan(&n, &oldest)
	return n, oldest, err
}

// insertCode stores a sign-in code by its hash, for the browser whose token
// hashes to pendingHash.
func insertCode(ctx context.Context, tx *sql.Tx, id int64, channel, address, hash string, expires int64, ip string, now int64, pendingHash string) error {
	_, err := tx.ExecContext(ctx, `insert into otp_codes (id, channel, address, code_hash, attempts, expires_at, ip, created_at, pending_hash)
			values ($1, $2, $3, $4, 0, $5, $6, $7, $8)`, id, channel, address, hash, expires, ip, now, pendingHash)
	return err
}

// codeOfPending returns the code row of a pending sign-in by the hash of its
// token (sql.ErrNoRows: none).
func (s *Store) codeOfPending(ctx context.Context, pendingHash string) (pendingCode, error) {
	var p pendingCode
	err := s.db.QueryRowContext(ctx, `select id, channel, address, code_hash, expires_at, used_at from otp_codes where pending_hash = $1`,
		pendingHash).Scan(&p.id, &p.channel, &p.address, &p.hash, &p.expires, &p.used)
	return p, err
}

// countCodeAttempt counts an attempt at code id while fewer than limit were
// made, and returns the attempts so far (sql.ErrNoRows: limit reached).
func countCodeAttempt(ctx context.Context, tx *sql.Tx, id int64, limit int) (int, error) {
	var attempts int
	err := tx.QueryRowContext(ctx, "update otp_codes set attempts = attempts + 1 where id = $1 and attempts < $2 returning attempts", id, limit).Scan(&attempts)
	return attempts, err
}

// useCode marks code id used at now; false: it was used meanwhile.
func useCode(ctx context.Context, tx *sql.Tx, id, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update otp_codes set used_at = $1 where id = $2 and used_at is null", now, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}
