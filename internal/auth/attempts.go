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
	n, retryAt, err := s.signinFailures(ctx, subject, factor, source)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign-in attempts: %w", err)
	}
	now := s.db.Now()
	if until := time.UnixMilli(retryAt); now.Before(until) {
		return &apperr.Error{Code: apperr.CodeTooMany, Msg: retryMessage(factor, n >= s.policy.LockAfter, until, now), RetryAfter: until.Sub(now)}
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
		var err error
		if n, err = addFailure(ctx, tx, subject, factor, source, now.UnixMilli(), now.Add(-failureMemory).UnixMilli()); err != nil {
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
			if err := setRetryAt(ctx, tx, subject, factor, source, until.UnixMilli()); err != nil {
				return fmt.Errorf("slow down sign-in: %w", err)
			}
		}
		return s.logAccount(ctx, tx, accountID, name, what, audit.Denied, fmt.Sprintf("failures=%d", n))
	})
	if err != nil {
		return err
	}
	return wrongAnswer(factor, n >= s.policy.LockAfter, until, now, s.policy.LockFor)
}

// wrongAnswer is the error for a wrong password or code: the wrong answer, and
// when the next attempt may come if it must wait (until non-zero); locked, it is
// a CodeTooMany for lockFor. It depends only on its arguments, which are the same
// for a real and an unknown account.
func wrongAnswer(factor string, locked bool, until, now time.Time, lockFor time.Duration) *apperr.Error {
	code, field := apperr.CodeInvalid, "password"
	if locked {
		code = apperr.CodeTooMany
	}
	if factor == factorSecond {
		field = "code"
	}
	var e *apperr.Error
	switch {
	case until.IsZero() && factor == factorSecond:
		e = apperr.New(code, "auth.err.bad_code")
	case until.IsZero():
		e = apperr.New(code, "auth.err.bad_credentials")
	case factor == factorSecond:
		e = apperr.New(code, "auth.err.bad_code_then", retryMessage(factor, locked, until, now))
	default:
		e = apperr.New(code, "auth.err.bad_credentials_then", retryMessage(factor, locked, until, now))
	}
	if locked {
		return e.After(lockFor)
	}
	return e.Mark(field)
}
