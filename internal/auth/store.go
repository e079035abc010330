package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/notify"
)

// Store is the SQL of identity: accounts, roles, links, second factors, claims
// (here), sign-in failures and codes (store_signin.go), sessions
// (store_sessions.go), role invitations (store_roles.go); the same text on
// SQLite and PostgreSQL.
type Store struct{ db *db.DB }

// NewStore returns a store on d.
func NewStore(d *db.DB) *Store { return &Store{db: d} }

// querier reads: a *db.DB, a *db.Cached or a *sql.Tx. Functions that write take
// the *sql.Tx of a RunInTx.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// accountCols are the columns of Account. (accounts.failed_logins and retry_at
// are no longer read: failures are counted per account and source in
// signin_failures.)
const accountCols = `id, kind, full_name, coalesce(email, ''), coalesce(phone, ''), password_hash, status, totp_secret, totp_enabled,
	totp_last`

func scanAccount(row *sql.Row) (Account, error) {
	var a Account
	err := row.Scan(&a.ID, &a.Kind, &a.FullName, &a.Email, &a.Phone, &a.PasswordHash, &a.Status, &a.TOTPSecret, &a.TOTPEnabled,
		&a.TOTPLast)
	if errors.Is(err, sql.ErrNoRows) {
		return a, apperr.New(apperr.CodeNotFound, "auth.err.no_account")
	}
	return a, err
}

func accountWhere(ctx context.Context, q querier, where string, args ...any) (Account, error) {
	return scanAccount(q.QueryRowContext(ctx, "select "+accountCols+" from accounts where "+where, args...))
}

// accountByID returns the account with id.
func accountByID(ctx context.Context, q querier, id int64) (Account, error) {
	return accountWhere(ctx, q, "id = $1", id)
}

// officialByID returns the official's account with id.
func officialByID(ctx context.Context, q querier, id int64) (Account, error) {
	return accountWhere(ctx, q, "id = $1 and kind = $2", id, string(Official))
}

// officialByEmail returns the official's account with the e-mail.
func officialByEmail(ctx context.Context, q querier, email string) (Account, error) {
	return accountWhere(ctx, q, "kind = $1 and email = $2", string(Official), email)
}

// citizenByAddress returns the citizen's account with the phone (ChannelSMS)
// or e-mail (ChannelEmail).
func citizenByAddress(ctx context.Context, q querier, channel, address string) (Account, error) {
	col := "phone"
	if channel == ChannelEmail {
		col = "email"
	}
	return accountWhere(ctx, q, "kind = $1 and "+col+" = $2", string(Citizen), address)
}

// accountByOIDC returns the account of an OpenID Connect issuer and subject.
func accountByOIDC(ctx context.Context, q querier, issuer, subject string) (Account, error) {
	return accountWhere(ctx, q, "oidc_issuer = $1 and oidc_subject = $2", issuer, subject)
}

// setOIDC ties the account to an OpenID Connect issuer and subject.
func setOIDC(ctx context.Context, tx *sql.Tx, id int64, issuer, subject string) error {
	_, err := tx.ExecContext(ctx, "update accounts set oidc_issuer = $1, oidc_subject = $2 where id = $3", issuer, subject, id)
	return err
}

// setFullName sets the account's full name.
func setFullName(ctx context.Context, tx *sql.Tx, id int64, name string, now int64) error {
	_, err := tx.ExecContext(ctx, "update accounts set full_name = $1, updated_at = $2 where id = $3", name, now, id)
	return err
}

// setPassword sets the account's password hash and status, only while its
// status is still from; false: it changed meanwhile.
func setPassword(ctx context.Context, tx *sql.Tx, id int64, hash, status string, now int64, from string) (bool, error) {
	res, err := tx.ExecContext(ctx, `update accounts set password_hash = $1, status = $2, updated_at = $3
			where id = $4 and status = $5`, hash, status, now, id, from)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// setStatus moves the account from status from to status to; false: its status
// changed meanwhile.
func setStatus(ctx context.Context, tx *sql.Tx, id int64, from, to string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update accounts set status = $1, updated_at = $2 where id = $3 and status = $4", to, now, id, from)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n != 0, nil
}

// setTOTPSecret stores a second-factor secret not yet confirmed.
func setTOTPSecret(ctx context.Context, tx *sql.Tx, id int64, secret string, now int64) error {
	_, err := tx.ExecContext(ctx, "update accounts set totp_secret = $1, updated_at = $2 where id = $3", secret, now, id)
	return err
}

// enableTOTP turns the second factor on, its code of step used.
func enableTOTP(ctx context.Context, tx *sql.Tx, id, step, now int64) error {
	_, err := tx.ExecContext(ctx, "update accounts set totp_enabled = true, totp_last = $1, updated_at = $2 where id = $3", step, now, id)
	return err
}

// useTOTPStep records that the code of step was used, if no code of that step
// or a later one was; false: one was.
func useTOTPStep(ctx context.Context, tx *sql.Tx, id, step int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update accounts set totp_last = $1 where id = $2 and totp_last < $1", step, id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// replaceRecoveryCodes replaces the account's recovery codes by those hashes.
func replaceRecoveryCodes(ctx context.Context, tx *sql.Tx, id int64, hashes []string) error {
	if _, err := tx.ExecContext(ctx, "delete from recovery_codes where account_id = $1", id); err != nil {
		return err
	}
	for _, h := range hashes {
		if _, err := tx.ExecContext(ctx, "insert into recovery_codes (account_id, code_hash) values ($1, $2)", id, h); err != nil {
			return err
		}
	}
	return nil
}

// useRecoveryCode marks the account's unused recovery code with hash used;
// false: there is none.
func useRecoveryCode(ctx context.Context, tx *sql.Tx, id int64, hash string, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update recovery_codes set used_at = $1 where account_id = $2 and code_hash = $3 and used_at is null", now, id, hash)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func insertAccount(ctx context.Context, q *sql.Tx, a Account, now int64) error {
	_, err := q.ExecContext(ctx, `insert into accounts (id, kind, full_name, email, phone, password_hash, status, totp_secret, totp_enabled,
		totp_last, failed_logins, retry_at, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, '', false, 0, 0, 0, $8, $8)`,
		a.ID, string(a.Kind), a.FullName, nullString(a.Email), nullString(a.Phone), a.PasswordHash, a.Status, now)
	if err != nil {
		return fmt.Errorf("insert account: %w", err)
	}
	return nil
}

// grantsOf returns the roles in force of an account.
func grantsOf(ctx context.Context, q querier, accountID int64) ([]Grant, error) {
	rows, err := q.QueryContext(ctx, "select id, role, coalesce(unit_id, 0) from roles where account_id = $1 and revoked_at is null order by id", accountID)
	if err != nil {
		return nil, fmt.Errorf("roles of %d: %w", accountID, err)
	}
	defer rows.Close()
	var gs []Grant
	for rows.Next() {
		var g Grant
		if err := rows.Scan(&g.ID, &g.Role, &g.UnitID); err != nil {
			return nil, err
		}
		gs = append(gs, g)
	}
	return gs, rows.Err()
}

func insertGrant(ctx context.Context, q *sql.Tx, id, accountID int64, g Grant, by, now int64) error {
	_, err := q.ExecContext(ctx, "insert into roles (id, account_id, role, unit_id, granted_by, created_at) values ($1, $2, $3, $4, $5, $6)",
		id, accountID, string(g.Role), nullID(g.UnitID), by, now)
	if err != nil {
		return fmt.Errorf("insert role: %w", err)
	}
	return nil
}

// killLinks deletes the account's unused link tokens of purpose.
func killLinks(ctx context.Context, tx *sql.Tx, accountID int64, purpose string) error {
	_, err := tx.ExecContext(ctx, "delete from tokens where account_id = $1 and purpose = $2 and used_at is null", accountID, purpose)
	return err
}

// killAllLinks deletes every unused link token of the account.
func killAllLinks(ctx context.Context, tx *sql.Tx, accountID int64) error {
	_, err := tx.ExecContext(ctx, "delete from tokens where account_id = $1 and used_at is null", accountID)
	return err
}

func insertToken(ctx context.Context, q *sql.Tx, hash string, accountID int64, purpose string, expires, now int64) error {
	_, err := q.ExecContext(ctx, "insert into tokens (hash, account_id, purpose, expires_at, created_at) values ($1, $2, $3, $4, $5)",
		hash, accountID, purpose, expires, now)
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

// useToken marks a link's token used and returns its account, or an error saying
// what to do when it is unknown, used or expired.
func useToken(ctx context.Context, q *sql.Tx, token, purpose string, now int64) (int64, error) {
	var accountID, expires int64
	var used sql.NullInt64
	err := q.QueryRowContext(ctx, "select account_id, expires_at, used_at from tokens where hash = $1 and purpose = $2",
		tokenHash(token), purpose).Scan(&accountID, &expires, &used)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return 0, apperr.New(apperr.CodeNotFound, "auth.err.link_unknown")
	case err != nil:
		return 0, fmt.Errorf("token: %w", err)
	case used.Valid:
		return 0, apperr.New(apperr.CodeConflict, "auth.err.link_used")
	case now >= expires:
		return 0, apperr.New(apperr.CodeConflict, "auth.err.link_expired")
	}
	res, err := q.ExecContext(ctx, "update tokens set used_at = $1 where hash = $2 and used_at is null", now, tokenHash(token))
	if err != nil {
		return 0, fmt.Errorf("use token: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 { // used meanwhile, by a request that committed first
		return 0, apperr.New(apperr.CodeConflict, "auth.err.link_used")
	}
	return accountID, nil
}

func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// Contacts returns where to notify each account that has a contact: its e-mail
// when it has one, otherwise its phone (by SMS).
func Contacts(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, ids []int64) (map[int64]notify.Note, error) {
	out := map[int64]notify.Note{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		ph := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		rows, err := q.QueryContext(ctx, "select id, coalesce(email, ''), coalesce(phone, '') from accounts where id in ("+strings.Join(ph, ", ")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("contacts: %w", err)
		}
		for rows.Next() {
			var id int64
			var email, phone string
			if err := rows.Scan(&id, &email, &phone); err != nil {
				rows.Close()
				return nil, err
			}
			switch {
			case email != "":
				out[id] = notify.Note{AccountID: id, Channel: notify.Email, Address: email}
			case phone != "":
				out[id] = notify.Note{AccountID: id, Channel: notify.Phone, Address: phone}
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Holders returns the accounts whose roles allow action on exactly unitID (not
// through a unit above it): the people a capability reminds of that unit's work.
func Holders(ctx context.Context, q db.Querier, action Action, unitID int64) ([]int64, error) {
	var roles []string
	for _, r := range Roles {
		if r.Allows(action) && r != SysAdmin {
			roles = append(roles, "'"+string(r)+"'")
		}
	}
	ids, err := db.Int64s(ctx, q, "select distinct r.account_id from roles r join accounts a on a.id = r.account_id where r.unit_id = $1 and r.revoked_at is null and a.status = 'active' and r.role in ("+
		strings.Join(roles, ", ")+") order by r.account_id", unitID)
	if err != nil {
		return nil, fmt.Errorf("holders of %s: %w", action, err)
	}
	return ids, nil
}

// roleHolding is a role in force with its holder's account.
type roleHolding struct {
	ID, AccountID, UnitID int64 // UnitID 0: the whole country
	Role                  Role
	Name, Email, Status   string
}

// rolesInForce returns every role in force with its holder, by the holder's name.
func rolesInForce(ctx context.Context, q querier) ([]roleHolding, error) {
	rows, err := q.QueryContext(ctx, `select r.id, r.account_id, a.full_name, coalesce(a.email, ''), a.status, r.role, coalesce(r.unit_id, 0)
		from roles r join accounts a on a.id = r.account_id where r.revoked_at is null order by a.full_name, r.id`)
	if err != nil {
		return nil, fmt.Errorf("officials: %w", err)
	}
	defer rows.Close()
	var out []roleHolding
	for rows.Next() {
		var h roleHolding
		if err := rows.Scan(&h.ID, &h.AccountID, &h.Name, &h.Email, &h.Status, &h.Role, &h.UnitID); err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// insertClaim stores a household claim code by its hash.
func insertClaim(ctx context.Context, tx *sql.Tx, hash string, householdID, by, expires, now int64) error {
	if _, err := tx.ExecContext(ctx, `insert into household_claims (code_hash, household_id, created_by, expires_at, created_at)
		values ($1, $2, $3, $4, $5)`, hash, householdID, by, expires, now); err != nil {
		return fmt.Errorf("store claim: %w", err)
	}
	return nil
}

// claimByHash returns the household of a claim code, when it expires and whether
// it was used (sql.ErrNoRows: no such code).
func claimByHash(ctx context.Context, q querier, hash string) (householdID, expires int64, used bool, err error) {
	var usedAt sql.NullInt64
	err = q.QueryRowContext(ctx, "select household_id, expires_at, used_at from household_claims where code_hash = $1", hash).
		Scan(&householdID, &expires, &usedAt)
	return householdID, expires, usedAt.Valid, err
}

// useClaim marks an unused claim code used by the account; false: it was used meanwhile.
func useClaim(ctx context.Context, tx *sql.Tx, hash string, by, now int64) (bool, error) {
	res, err := tx.ExecContext(ctx, "update household_claims set used_at = $1, used_by = $2 where code_hash = $3 and used_at is null", now, by, hash)
	if err != nil {
		return false, fmt.Errorf("use claim: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// Names returns the full name of each account of ids that exists.
func Names(ctx context.Context, q interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		ph := make([]string, len(chunk))
		args := make([]any, len(chunk))
		for i, id := range chunk {
			ph[i], args[i] = fmt.Sprintf("$%d", i+1), id
		}
		rows, err := q.QueryContext(ctx, "select id, full_name from accounts where id in ("+strings.Join(ph, ", ")+")", args...)
		if err != nil {
			return nil, fmt.Errorf("names: %w", err)
		}
		for rows.Next() {
			var id int64
			var name string
			if err := rows.Scan(&id, &name); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = name
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
