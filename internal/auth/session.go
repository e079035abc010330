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

// touchEvery limits writes: seen_at is refreshed at most once per thirtieth of
// the idle limit (officials 1 min, citizens 5.6 h), and written with the others of
// the same second in one transaction (see WriteSeen).
func (s *Service) touchEvery(k Kind) time.Duration {
	idle, _ := s.lifetimes(k)
	return idle / 30
}

func (s *Service) lifetimes(k Kind) (idle, max time.Duration) {
	if k == Citizen {
		return s.policy.CitizenIdle, s.policy.CitizenMax
	}
	return s.policy.OfficialIdle, s.policy.OfficialMax
}

// newSession stores a session for the account and returns its cookie value.
func (s *Service) newSession(ctx context.Context, q *sql.Tx, acc Account, stage, ip, ua string) (string, error) {
	token, hash := newToken()
	csrf, _ := newToken()
	now := s.db.Now()
	_, max := s.lifetimes(acc.Kind)
	if len(ua) > 300 {
		ua = ua[:300]
	}
	if err := insertSession(ctx, q, hash, acc.ID, stage, csrf, now.UnixMilli(), now.Add(max).UnixMilli(), ip, ua); err != nil {
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
	now := s.db.Now()
	if ss, a, ok := s.sessions.get(hash, now); ok {
		if idle, _ := s.lifetimes(a.Kind); now.Sub(time.UnixMilli(ss.SeenAt)) < idle {
			if now.Sub(time.UnixMilli(ss.SeenAt)) >= s.touchEvery(a.Kind) {
				s.sessions.touch(hash, now.UnixMilli())
			}
			return ss, a, nil
		}
	}
	ss, a, err := s.loadSession(ctx, hash)
	if err == nil && ss != nil {
		s.sessions.put(hash, ss, a, now)
	}
	return ss, a, err
}

// SessionMaxAge is how soon a sign-out or a changed role in another process takes
// effect here (in this process, at once): each process reads the change log
// (session_changes) this often, in a job of the program (PollSessionChanges),
// and trusts nothing it cached of a changed account. A process that does not
// run the job (a command, a test) never serves a session from its cache.
const SessionMaxAge = time.Second

// Background work of the session cache, run by the program's jobs (app), never
// inside a request: how often each runs.
const (
	PollSessionsEvery = SessionMaxAge // PollSessionChanges
	WriteSeenEvery    = time.Second   // WriteSeen
	PruneSessionEvery = time.Hour     // PruneSessionChanges
)

// changeWindow is how far back each read of the change log looks: a change
// committed late, or stamped by a process whose clock is behind, is still seen.
const changeWindow = 30 * time.Second

// sessionCache keeps the sessions this process has read, so that a request costs
// no database read while the entry is younger than sessionTrust and no change to
// its account has been logged since it was read.
type sessionCache struct {
	mu       sync.Mutex
	cur, old map[string]cachedSession // two generations: the older one is dropped when the newer fills
	changed  map[int64]time.Time      // account → when this process last saw it changed
	polled   time.Time                // when the change log was last read
	touches  map[string]int64         // session hash → seen_at not yet written
}

// sessionCacheSize bounds each generation (about 400 bytes an entry: at most
// 80 MB for 200,000 sessions).
const sessionCacheSize = 100_000

// sessionTrust is how long an entry serves before it is read again; the marks of
// changed accounts are kept longer (changedKept), so none expires while an entry
// it concerns could still serve.
const (
	sessionTrust = 10 * time.Minute
	changedKept  = 2 * sessionTrust
)

type cachedSession struct {
	ss Session
	a  Actor
	at time.Time // when it was read: older than a change to its account means stale
}

func (c *sessionCache) get(hash string, now time.Time) (*Session, *Actor, bool) {
	c.mu.Lock()
	e, ok := c.cur[hash]
	if !ok {
		e, ok = c.old[hash]
	}
	changed, stale := c.changed[e.ss.AccountID]
	fresh := now.Sub(c.polled) < 2*SessionMaxAge // the log is being read
	c.mu.Unlock()
	if !ok || !fresh || (stale && !e.at.After(changed)) || now.Before(e.at) ||
		now.Sub(e.at) >= sessionTrust || now.UnixMilli() >= e.ss.ExpiresAt {
		return nil, nil, false
	}
	a := e.a // copies: callers may not change what others read
	return &e.ss, &a, true
}

func (c *sessionCache) put(hash string, ss *Session, a *Actor, at time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.cur) >= sessionCacheSize || c.cur == nil {
		c.old, c.cur = c.cur, make(map[string]cachedSession, 1024)
	}
	c.cur[hash] = cachedSession{*ss, *a, at}
}

// forget stops trusting what is cached of an account, from now.
func (c *sessionCache) forget(accountID int64, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = map[int64]time.Time{}
	}
	if now.After(c.changed[accountID]) {
		c.changed[accountID] = now
	}
}

// PollSessionChanges reads the change log: the accounts it names are marked
// changed at the time of the read, and a mark outlives any cached entry it could
// concern. The cache serves only while the log has been read within
// 2×SessionMaxAge, so the program runs this every PollSessionsEvery.
func (s *Service) PollSessionChanges(ctx context.Context) error {
	now := s.db.Now()
	accounts, err := s.changedSince(ctx, now.Add(-changeWindow).UnixMilli())
	if err != nil {
		return fmt.Errorf("read session changes: %w", err) // the cache stays unused until a read succeeds
	}
	c := &s.sessions
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.changed == nil {
		c.changed = map[int64]time.Time{}
	}
	for id, at := range c.changed {
		if now.Sub(at) > changedKept {
			delete(c.changed, id)
		}
	}
	for _, id := range accounts {
		c.changed[id] = now
	}
	c.polled = now
	return nil
}

// PruneSessionChanges deletes the change log older than an hour: it is read
// back changeWindow only.
func (s *Service) PruneSessionChanges(ctx context.Context) error {
	before := s.db.Now().Add(-time.Hour).UnixMilli()
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := pruneSessionChanges(ctx, tx, before); err != nil {
			return fmt.Errorf("prune session changes: %w", err)
		}
		return nil
	})
}

// WriteSeen stores the seen_at of the sessions used since the last write, in
// one transaction: a surge of voters would otherwise queue one write each
// behind the ballots. The program runs it every WriteSeenEvery and once more
// when it stops; a crash loses at most a second of them (a session may then
// reach its idle limit up to that much sooner).
func (s *Service) WriteSeen(ctx context.Context) error {
	c := &s.sessions
	c.mu.Lock()
	touches := c.touches
	c.touches = nil
	c.mu.Unlock()
	if len(touches) == 0 {
		return nil
	}
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error { return writeSeen(ctx, tx, touches) })
	if err != nil {
		c.mu.Lock() // keep them for the next round, unless newer ones came
		if c.touches == nil {
			c.touches = touches
		} else {
			for h, at := range touches {
				if at > c.touches[h] {
					c.touches[h] = at
				}
			}
		}
		c.mu.Unlock()
		return fmt.Errorf("touch %d sessions: %w", len(touches), err)
	}
	return nil
}

// touch queues seen_at for writing and updates the cached copy.
func (c *sessionCache) touch(hash string, at int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.touches == nil {
		c.touches = map[string]int64{}
	}
	c.touches[hash] = at
	for _, m := range []map[string]cachedSession{c.cur, c.old} {
		if e, ok := m[hash]; ok {
			e.ss.SeenAt = at
			m[hash] = e
		}
	}
}

// changedSessions logs, in the transaction that makes it, a change to the
// sessions or the actor of an account; the caller then calls s.forgetLocal.
func (s *Service) changedSessions(ctx context.Context, q *sql.Tx, accountID int64) error {
	if err := insertSessionChange(ctx, q, s.db.NewID(), accountID, s.db.NowMillis()); err != nil {
		return fmt.Errorf("log session change: %w", err)
	}
	return nil
}

// forgetLocal makes a committed change to the account's sessions effective in
// this process at once.
func (s *Service) forgetLocal(accountID int64) { s.sessions.forget(accountID, s.db.Now()) }

func (s *Service) loadSession(ctx context.Context, hash string) (*Session, *Actor, error) {
	r, err := s.sessionByHash(ctx, hash)
	ss, kind, name, status, email, phone := r.ss, r.kind, r.name, r.status, r.email, r.phone
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("load session: %w", err)
	}
	now := s.db.Now()
	idle, _ := s.lifetimes(kind)
	if status != Active || now.UnixMilli() >= ss.ExpiresAt || now.Sub(time.UnixMilli(ss.SeenAt)) >= idle {
		err := s.db.RunInTx(ctx, func(tx *sql.Tx) error { return deleteSession(ctx, tx, ss.Hash) })
		return nil, nil, err
	}
	if now.Sub(time.UnixMilli(ss.SeenAt)) >= s.touchEvery(kind) {
		s.sessions.touch(ss.Hash, now.UnixMilli())
		ss.SeenAt = now.UnixMilli()
	}
	actor := &Actor{AccountID: ss.AccountID, Name: name, Kind: kind, Email: email, Phone: phone}
	if ss.Stage == StageFull && kind == Official { // citizens hold no roles
		if actor.Grants, err = s.cachedGrants(ctx, ss.AccountID); err != nil {
			return nil, nil, err
		}
	}
	return &ss, actor, nil
}

// SignOut ends one session.
func (s *Service) SignOut(ctx context.Context, token string) error {
	var account int64
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		account, err = endSession(ctx, tx, tokenHash(token))
		switch {
		case errors.Is(err, sql.ErrNoRows): // already ended
			return nil
		case err != nil:
			return fmt.Errorf("sign out: %w", err)
		}
		return s.changedSessions(ctx, tx, account)
	})
	if err == nil && account != 0 {
		s.forgetLocal(account)
	}
	return err
}

// SignOutEverywhere ends every session of the account, on every device.
func (s *Service) SignOutEverywhere(ctx context.Context, accountID int64) error {
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := deleteSessionsOf(ctx, tx, accountID); err != nil {
			return fmt.Errorf("sign out everywhere: %w", err)
		}
		return s.changedSessions(ctx, tx, accountID)
	})
	if err != nil {
		return err
	}
	s.forgetLocal(accountID)
	acc, err := s.Account(ctx, accountID)
	if err != nil {
		return err
	}
	return s.logAccount(ctx, nil, accountID, acc.FullName, "auth.sign_out_everywhere", audit.OK, "")
}

// rotate replaces a session by a new one at a new stage (a new cookie value after
// each step up, so that a value seen before signing in is worth nothing after).
func (s *Service) rotate(ctx context.Context, tx *sql.Tx, old *Session, acc Account, stage, ip, ua string) (string, error) {
	// Marked here, before the commit: a read racing with it is caught by the next
	// read of the change log, which looks back changeWindow.
	defer s.forgetLocal(old.AccountID)
	if err := deleteSession(ctx, tx, old.Hash); err != nil {
		return "", fmt.Errorf("rotate session: %w", err)
	}
	if err := s.changedSessions(ctx, tx, old.AccountID); err != nil {
		return "", err
	}
	return s.newSession(ctx, tx, acc, stage, ip, ua)
}
