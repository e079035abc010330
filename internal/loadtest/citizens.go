package loadtest

import (
	"context"
	"database/sql"
	"fmt"

	"danchu/internal/auth"
	"danchu/internal/db"
)

// signedIn are citizens with an open session each, written directly.
type signedIn struct {
	IDs          []int64
	Tokens, CSRF []string
}

// signInCitizens writes n citizen accounts (phones phonePrefix + 7 digits) and a
// session for each; tag keeps the tokens of two generators apart.
func signInCitizens(ctx context.Context, d *db.DB, tx *sql.Tx, n int, tag, phonePrefix string) (signedIn, error) {
	s := signedIn{IDs: make([]int64, n), Tokens: make([]string, n), CSRF: make([]string, n)}
	for i := range n {
		s.IDs[i] = d.NewID()
		s.Tokens[i], s.CSRF[i] = fmt.Sprintf("%sTOKEN%032d", tag, i), fmt.Sprintf("%sCSRF%031d", tag, i)
	}
	now := d.NowMillis()
	if err := d.InsertBatches(ctx, tx, "accounts", []string{"id", "kind", "full_name", "phone", "password_hash", "status", "totp_secret", "totp_enabled",
		"totp_last", "failed_logins", "retry_at", "created_at", "updated_at"}, n, func(i int) []any {
		return []any{s.IDs[i], "citizen", fmt.Sprintf("Người dân %d", i+1), fmt.Sprintf("%s%07d", phonePrefix, i), "", "active", "", false, 0, 0, 0, now, now}
	}, nil); err != nil {
		return s, err
	}
	err := d.InsertBatches(ctx, tx, "sessions", []string{"hash", "account_id", "stage", "csrf", "created_at", "seen_at", "expires_at", "ip",
		"user_agent"}, n, func(i int) []any {
		return []any{auth.HashToken(s.Tokens[i]), s.IDs[i], "full", s.CSRF[i], now, now, now + 86_400_000, "127.0.0.1", "loadtest"}
	}, nil)
	return s, err
}
