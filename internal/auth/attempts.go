package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
)

// Sign-in attempts (issue 15), decided as a bank's online banking does:
//
//   - Wrong passwords are counted per account AND source (the client's IP
//     address), in signin_failures. From Policy.SlowAfter failures on, each
//     further attempt from that source must wait (1 s, doubling); at
//     Policy.LockAfter that source is locked out of that account for
//     Policy.LockFor. Failures from other sources never lock this one: a
//     stranger who types ten wrong passwords from elsewhere does not keep the
//     owner out, and the owner signs in from where they succeed. A right
//     password clears only its own source's count.
//   - The owner locked out from their own source (a shared office address)
//     proves their mailbox with a reset link: setting a password clears the
//     password counts of the account from every source.
//   - Second-factor codes (TOTP and recovery codes alike) are counted on their
//     own, per account across every source (only someone who knows the
//     password gets that far, so rotating addresses must not buy guesses), and
//     lock like passwords do. A right password never resets them; only a right
//     code does.
//   - An e-mail with no account is counted exactly like one with an account:
//     the counter is keyed by the hash of the normalised e-mail, the password
//     hash is computed against a dummy, and the answers (code, message,
//     Retry-After) are the same at every step.
//
// A count older than failureMemory starts again from zero.
const (
	factorPassword = "password"
	factorSecond   = "second"
	failureMemory  = 24 * time.Hour
)

// subjectOf is the key of an official's e-mail in signin_failures.
func subjectOf(email string) string { return tokenHash("official|" + email) }

// throttle refuses an attempt made before the retry time of (subject, factor, source).
func (s *Service) throttle(ctx context.Context, subject, factor, source string) error {
	var n int
	var retryAt int64
	err := s.db.QueryRowContext(ctx, "select failures, retry_at from signin_failures where subject = $1 and factor = $2 and source = $3",
		subject, factor, source).Scan(&n, &retryAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign-in attempts: %w", err)
	}
	now := s.db.Now()
	if until := time.UnixMilli(retryAt); now.Before(until) {
		return apperr.TooMany(until.Sub(now), "%s", retryMessage(factor, n >= s.policy.LockAfter, until, now))
	}
	return nil
}

// countFailure adds a failure to (subject, factor, source) in tx, sets when the
// next attempt may come, writes the audit entry (accountID 0: no such account)
// and returns the error to show.
func (s *Service) countFailure(ctx context.Context, subject, factor, source string, accountID int64, name string) error {
	now := s.db.Now()
	var n int
	var until time.Time
	what := "auth.sign_in_failed"
	if factor == factorSecond {
		what = "auth.totp_failed"
	}
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `insert into signin_failures (subject, factor, source, failures, retry_at, updated_at) values ($1, $2, $3, 1, 0, $4)
			on conflict (subject, factor, source) do update set
			failures = case when signin_failures.updated_at < $5 then 1 else signin_failures.failures + 1 end, updated_at = $4
			returning failures`, subject, factor, source, now.UnixMilli(), now.Add(-failureMemory).UnixMilli()).Scan(&n); err != nil {
			return fmt.Errorf("count failed sign-in: %w", err)
		}
		until = time.Time{}
		switch {
		case n >= s.policy.LockAfter:
			until = now.Add(s.policy.LockFor)
		case n >= s.policy.SlowAfter:
			until = now.Add(time.Second << min(n-s.policy.SlowAfter, 10))
		}
		if !until.IsZero() {
			if _, err := tx.ExecContext(ctx, "update signin_failures set retry_at = $1 where subject = $2 and factor = $3 and source = $4",
				until.UnixMilli(), subject, factor, source); err != nil {
				return fmt.Errorf("slow down sign-in: %w", err)
			}
		}
		return s.logAccount(ctx, tx, accountID, name, what, audit.Denied, fmt.Sprintf("failures=%d", n))
	})
	if err != nil {
		return err
	}
	wrong := "Sai địa chỉ thư điện tử hoặc mật khẩu."
	if factor == factorSecond {
		wrong = "Mã xác thực không đúng hoặc đã hết hạn."
	}
	switch {
	case n >= s.policy.LockAfter:
		return apperr.TooMany(s.policy.LockFor, "%s %s", wrong, retryMessage(factor, true, until, now))
	case !until.IsZero():
		return apperr.Invalid(wrong+" "+retryMessage(factor, false, until, now), map[string]string{"password": "wrong"})
	}
	return apperr.Invalid(wrong, map[string]string{"password": "wrong"})
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
