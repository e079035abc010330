package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"

	"danchu/internal/audit"
)

// Session stages: a session is "full" once every factor the account needs has
// been given. Before that it can only finish signing in.
const (
	StageFull         = "full"
	StageSecondFactor = "second_factor" // password accepted, waiting for the code
	StageEnrol        = "enrol"         // password accepted, the account must set up a second factor first
)

// Session is a signed-in browser, stored server-side.
type Session struct {
	Hash      string
	AccountID int64
	Stage     string
	CSRF      string
	CreatedAt int64
	SeenAt    int64
	ExpiresAt int64
}

// touchEvery limits writes: seen_at is refreshed at most this often.
const touchEvery = time.Minute

func (s *Service) lifetimes(k Kind) (idle, max time.Duration) {
	if k == Citizen {
		return s.policy.CitizenIdle, s.policy.CitizenMax
	}
	return s.policy.OfficialIdle, s.policy.OfficialMax
}

// newSession stores a session for the account and returns its cookie value.
func (s *Service) newSession(ctx context.Context, q querier, acc Account, stage, ip, ua string) (string, error) {
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.db.Now()
	_, max := s.lifetimes(acc.Kind)
	if len(ua) > 300 {
		ua = ua[:300]
	}
	_, err := q.ExecContext(ctx, `insert into sessions (hash, account_id, stage, csrf, created_at, seen_at, expires_at, ip, user_agent)
		values ($1, $2, $3, $4, $5, $5, $6, $7, $8)`, hash, acc.ID, stage, csrf, now.UnixMilli(), now.Add(max).UnixMilli(), ip, ua)
	if err != nil {
		return "", fmt.Errorf("create session: %w", err)
	}
	return token, nil
}

// Session returns the session of a cookie value with its account and actor, or
// nil when there is none or it has expired (idle or absolute).
func (s *Service) Session(ctx context.Context, token string) (*Session, *Actor, error) {
	if token == "" || len(token) > 100 {
		return nil, nil, nil
	}
	hash := tokenHash(token)
	if ss, a, ok := s.sessions.get(hash, s.db.Now()); ok {
		return ss, a, nil
	}
	ss, a, err := s.loadSession(ctx, hash)
	if err == nil && ss != nil {
		s.sessions.put(hash, ss, a, s.db.Now())
	}
	return ss, a, err
}

// SessionMaxAge is how long a process trusts a session it has read: a sign-out
// or a changed role in another process takes effect within it (in this process,
// at once).
const SessionMaxAge = time.Second

// sessionCache keeps sessions read in the last SessionMaxAge, so that a burst of
// requests (comments, votes) costs one read per session and second.
type sessionCache struct {
	mu sync.Mutex
	m  map[string]cachedSession
}

type cachedSession struct {
	ss Session
	a  Actor
	at time.Time
}

func (c *sessionCache) get(hash string, now time.Time) (*Session, *Actor, bool) {
	c.mu.Lock()
	e, ok := c.m[hash]
	c.mu.Unlock()
	if !ok || now.Sub(e.at) >= SessionMaxAge || now.Before(e.at) || now.UnixMilli() >= e.ss.ExpiresAt {
		return nil, nil, false
	}
	a := e.a // copies: callers may not change what others read
	return &e.ss, &a, true
}

func (c *sessionCache) put(hash string, ss *Session, a *Actor, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= 100_000 {
		c.m = map[string]cachedSession{}
	}
	c.m[hash] = cachedSession{*ss, *a, now}
}

// forget drops every cached session: called after anything that ends a session
// or changes who someone is or what they may do.
func (c *sessionCache) forget() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}

func (s *Service) loadSession(ctx context.Context, hash string) (*Session, *Actor, error) {
	var ss Session
	var kind Kind
	var name, status, email, phone string
	err := s.db.Cached().QueryRowContext(ctx, `select s.hash, s.account_id, s.stage, s.csrf, s.created_at, s.seen_at, s.expires_at, a.kind, a.full_name, a.status,
		coalesce(a.email, ''), coalesce(a.phone, '')
		from sessions s join accounts a on a.id = s.account_id where s.hash = $1`, hash).
		Scan(&ss.Hash, &ss.AccountID, &ss.Stage, &ss.CSRF, &ss.CreatedAt, &ss.SeenAt, &ss.ExpiresAt, &kind, &name, &status, &email, &phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load session: %w", err)
	}
	now := s.db.Now()
	idle, _ := s.lifetimes(kind)
	if status != Active || now.UnixMilli() >= ss.ExpiresAt || now.Sub(time.UnixMilli(ss.SeenAt)) >= idle {
		_, err := s.db.ExecContext(ctx, "delete from sessions where hash = $1", ss.Hash)
		return nil, nil, err
	}
	if now.Sub(time.UnixMilli(ss.SeenAt)) >= touchEvery {
		if _, err := s.db.ExecContext(ctx, "update sessions set seen_at = $1 where hash = $2", now.UnixMilli(), ss.Hash); err != nil {
			return nil, nil, fmt.Errorf("touch session: %w", err)
		}
	}
	actor := &Actor{AccountID: ss.AccountID, Name: name, Kind: kind, Email: email, Phone: phone}
	if ss.Stage == StageFull && kind == Official { // citizens hold no roles
		if actor.Grants, err = grantsOf(ctx, s.db.Cached(), ss.AccountID); err != nil {
			return nil, nil, err
		}
	}
	return &ss, actor, nil
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	defer s.sessions.forget()
	if _, err := s.db.ExecContext(ctx, "delete from sessions where hash = $1", tokenHash(token)); err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// SignOutEverywhere ends every session of the account, on every device.
func (s *Service) SignOutEverywhere(ctx context.Context, accountID int64) error {
	defer s.sessions.forget()
	if _, err := s.db.ExecContext(ctx, "delete from sessions where account_id = $1", accountID); err != nil {
		return fmt.Errorf("sign out everywhere: %w", err)
	}
	acc, err := s.Account(ctx, accountID)
	if err != nil {
		return err
	}
	return s.logAccount(ctx, nil, accountID, acc.FullName, "auth.sign_out_everywhere", audit.OK, "")
}

// rotate replaces a session by a new one at a new stage (a new cookie value after
// each step up, so that a value seen before signing in is worth nothing after).
func (s *Service) rotate(ctx context.Context, tx *sql.Tx, old *Session, acc Account, stage, ip, ua string) (string, error) {
	defer s.sessions.forget()
	if _, err := tx.ExecContext(ctx, "delete from sessions where hash = $1", old.Hash); err != nil {
		return "", fmt.Errorf("rotate session: %w", err)
	}
	return s.newSession(ctx, tx, acc, stage, ip, ua)
}
