package auth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/notify"
	"danchu/internal/org"
)

// One-time sign-in codes for citizens (issue 3): 6 digits, 5 minutes, 5 attempts.
const (
	CodeTTL      = 5 * time.Minute
	CodeAttempts = 5
)

// Channels a code is sent by.
const (
	ChannelSMS   = "sms"
	ChannelEmail = "email"
)

// CodeLimits bound how many codes are sent. They are counted in the database,
// so they hold across every process. The quota that protects a number is
// counted per source: a stranger who asks for codes to someone else's number
// from his own IP spends only his own quota, never the owner's. The ceiling
// across every source keeps SMS flooding of one number bounded; it is above
// what one source may send in AddressWindow (PerSource in each Window: 12 an
// hour), so that one stranger alone, however patient, never reaches it, and an
// owner is stopped by it only when several sources flood the number at once.
type CodeLimits struct {
	PerSource int           // codes to one address asked from one IP, per Window
	PerIP     int           // codes to any address asked from one IP, per Window
	Window    time.Duration //
	// PerAddress bounds the codes to one address from every IP together, per AddressWindow.
	PerAddress    int
	AddressWindow time.Duration
}

// DefaultCodeLimits: 3 codes per (address, IP) and 20 per IP in 15 minutes,
// and 15 per address in an hour whoever asks.
var DefaultCodeLimits = CodeLimits{PerSource: 3, PerIP: 20, Window: 15 * time.Minute, PerAddress: 15, AddressWindow: time.Hour}

// ParseAddress reads a phone number or an e-mail address and says which.
func ParseAddress(s string) (channel, address string, err error) {
	if strings.Contains(s, "@") {
		a, err := NormalizeEmail(s)
		return ChannelEmail, a, err
	}
	a, err := NormalizePhone(s)
	if err != nil {
		return "", "", apperr.New(apperr.CodeInvalid, "auth.err.address").Mark("address")
	}
	return ChannelSMS, a, nil
}

func codeHash(address, code string, id int64) string {
	return tokenHash(fmt.Sprintf("%d|%s|%s", id, address, code))
}

// PendingCode is a citizen's sign-in waiting for its code. Token is for the
// browser that asked (a cookie); only its SHA-256 is stored, with the code, so
// that only that browser can try the code: a stranger who knows the address
// cannot spend its attempts.
type PendingCode struct {
	Token, Channel, Address string
}

// SendCode queues a sign-in code to a phone (SMS) or an e-mail address, through
// the outbox in the transaction that stores it (the answer never depends on
// delivery), and returns the pending sign-in.
func (s *Service) SendCode(ctx context.Context, address, ip string) (PendingCode, error) {
	channel, address, err := ParseAddress(address)
	if err != nil {
		return PendingCode{}, err
	}
	now := s.db.Now()
	l := s.codeLimits
	for _, c := range []struct {
		address, ip string // "": any
		window      time.Duration
		max         int
	}{
		{address, ip, l.Window, l.PerSource},
		{address, "", l.AddressWindow, l.PerAddress},
		{"", ip, l.Window, l.PerIP},
	} {
		n, oldest, err := s.codesSent(ctx, c.address, c.ip, now.Add(-c.window).UnixMilli())
		if err != nil {
			return PendingCode{}, fmt.Errorf("count codes: %w", err)
		}
		if n < c.max {
			continue
		}
		wait, minutes := time.UnixMilli(oldest.Int64).Add(c.window).Sub(now), int(c.window.Minutes())
		switch {
		case c.address == "":
			return PendingCode{}, apperr.New(apperr.CodeTooMany, "auth.err.codes_per_ip", n, minutes).After(wait)
		case c.ip == "":
			return PendingCode{}, apperr.New(apperr.CodeTooMany, "auth.err.codes_per_address_all", n, address, minutes).After(wait)
		}
		return PendingCode{}, apperr.New(apperr.CodeTooMany, "auth.err.codes_per_address", n, address, minutes).After(wait)
	}
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return PendingCode{}, err
	}
	code := fmt.Sprintf("%06d", n.Int64())
	id := s.db.NewID()
	token, hash := newToken()
	text := fmt.Sprintf("Mã đăng nhập danchu của bạn: %s. Mã dùng được trong 5 phút. Không đưa mã này cho ai, kể cả cán bộ.", code)
	note := notify.Note{Kind: "auth.code", Channel: notify.Phone, Address: address, Text: text}
	if channel == ChannelEmail {
		note.Channel, note.Subject, note.Text = notify.Email, "Mã đăng nhập danchu: "+code, text+"\n"
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := insertCode(ctx, tx, id, channel, address, codeHash(address, code, id), now.Add(CodeTTL).UnixMilli(), ip, now.UnixMilli(), hash); err != nil {
			return fmt.Errorf("store code: %w", err)
		}
		return s.outbox.Add(ctx, tx, note)
	})
	if err != nil {
		return PendingCode{}, err
	}
	s.outbox.Wake()
	return PendingCode{Token: token, Channel: channel, Address: address}, nil
}

// pendingCode is the code row of a pending sign-in's token.
type pendingCode struct {
	id, expires      int64
	channel, address string
	hash             string
	used             sql.NullInt64
}

func (s *Service) pendingCode(ctx context.Context, token string) (pendingCode, error) {
	if token == "" || len(token) > 100 {
		return pendingCode{}, errNoPending
	}
	p, err := s.codeOfPending(ctx, tokenHash(token))
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNoPending
	}
	if err != nil {
		return p, fmt.Errorf("find code: %w", err)
	}
	return p, nil
}

var errNoPending = apperr.New(apperr.CodeInvalid, "auth.err.code_none").Mark("code")

// PendingAddress returns where the code of a pending sign-in went ("" when the
// token is unknown), for the code page to show it masked.
func (s *Service) PendingAddress(ctx context.Context, token string) (string, error) {
	p, err := s.pendingCode(ctx, token)
	if err == errNoPending {
		return "", nil
	}
	return p.address, err
}

// SignInWithCode checks the code of the pending sign-in token and opens a
// citizen session, creating the citizen's account on first sign-in.
func (s *Service) SignInWithCode(ctx context.Context, token, code, ip, ua string) (string, error) {
	code = strings.TrimSpace(code)
	now := s.db.NowMillis()
	p, err := s.pendingCode(ctx, token)
	switch {
	case err != nil:
		return "", err
	case p.used.Valid:
		return "", apperr.New(apperr.CodeInvalid, "auth.err.code_used").Mark("code")
	case now >= p.expires:
		return "", apperr.New(apperr.CodeInvalid, "auth.err.code_expired").Mark("code")
	}
	id, address, channel := p.id, p.address, p.channel
	// Count the attempt, committed, before comparing, so that parallel guesses cannot exceed the limit.
	var attempts int
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		attempts, err = countCodeAttempt(ctx, tx, id, CodeAttempts)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return "", apperr.New(apperr.CodeInvalid, "auth.err.code_exhausted", CodeAttempts).Mark("code")
	}
	if err != nil {
		return "", fmt.Errorf("count attempt: %w", err)
	}
	if subtle.ConstantTimeCompare([]byte(codeHash(address, code, id)), []byte(p.hash)) != 1 {
		if left := CodeAttempts - attempts; left > 0 {
			return "", apperr.New(apperr.CodeInvalid, "auth.err.code_wrong", left).Mark("code")
		}
		return "", apperr.New(apperr.CodeInvalid, "auth.err.code_exhausted", CodeAttempts).Mark("code")
	}
	var session string
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		ok, err := useCode(ctx, tx, id, now)
		if err != nil {
			return err
		}
		if !ok {
			return apperr.New(apperr.CodeConflict, "auth.err.code_just_used")
		}
		acc, err := citizenByAddress(ctx, tx, channel, address)
		if apperr.CodeOf(err) == apperr.CodeNotFound {
			acc = Account{ID: s.db.NewID(), Kind: Citizen, Status: Active}
			if channel == ChannelEmail {
				acc.Email = address
			} else {
				acc.Phone = address
			}
			err = insertAccount(ctx, tx, acc, now)
		}
		if err != nil {
			return err
		}
		if acc.Status != Active {
			return apperr.New(apperr.CodeForbidden, "auth.err.citizen_locked")
		}
		if session, err = s.newSession(ctx, tx, acc, StageFull, ip, ua); err != nil {
			return err
		}
		return s.audit.Log(ctx, tx, s.guard.entry(ctx, &Actor{AccountID: acc.ID, Name: acc.FullName, Kind: Citizen}, "citizen",
			"auth.citizen_sign_in", 0, "account", fmt.Sprint(acc.ID), nil, nil, audit.OK, channel))
	})
	return session, err
}

// SetName sets a citizen's own full name.
func (s *Service) SetName(ctx context.Context, a *Actor, name string) error {
	name, err := CheckName(name)
	if err != nil {
		return err
	}
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := setFullName(ctx, tx, a.AccountID, name, s.db.NowMillis()); err != nil {
			return fmt.Errorf("set name: %w", err)
		}
		return s.changedSessions(ctx, tx, a.AccountID) // the actor's name is cached with the session
	})
	if err == nil {
		s.forgetLocal(a.AccountID)
	}
	return err
}

// ClaimTTL is how long a household claim code works.
const ClaimTTL = 30 * 24 * time.Hour

// IssueClaim makes a claim code for a household: the village head hands it to the
// household, whose representative enters it to bind their citizen account.
func (s *Service) IssueClaim(ctx context.Context, a *Actor, householdID int64) (string, error) {
	h, err := s.households.HouseholdByID(ctx, householdID)
	if err != nil {
		return "", err
	}
	if err := s.guard.Can(ctx, a, ManageHouseholds, h.VillageID); err != nil {
		return "", err
	}
	code := claimCode()
	now := s.db.Now()
	err = s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := insertClaim(ctx, tx, tokenHash(normRecovery(code)), h.ID, a.AccountID, now.Add(ClaimTTL).UnixMilli(), now.UnixMilli()); err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, ManageHouseholds, h.VillageID, "household_claim", fmt.Sprint(h.ID), nil, nil)
	})
	return code, err
}

func claimCode() string {
	c := recoveryCode() // 10 characters of an unambiguous alphabet
	return c[:4] + "-" + c[6:10]
}

// Claim binds the citizen to the household of a claim code as its representative,
// replacing the one before.
func (s *Service) Claim(ctx context.Context, a *Actor, code string) (org.Household, error) {
	if a == nil || a.Kind != Citizen {
		return org.Household{}, apperr.New(apperr.CodeForbidden, "auth.err.claim_citizens_only")
	}
	now := s.db.NowMillis()
	var h org.Household
	err := s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		hash := tokenHash(normRecovery(code))
		householdID, expires, used, err := claimByHash(ctx, tx, hash)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return apperr.New(apperr.CodeNotFound, "auth.err.claim_wrong")
		case err != nil:
			return err
		case used:
			return apperr.New(apperr.CodeConflict, "auth.err.claim_used")
		case now >= expires:
			return apperr.New(apperr.CodeConflict, "auth.err.claim_expired")
		}
		ok, err := useClaim(ctx, tx, hash, a.AccountID, now)
		if err != nil {
			return err
		}
		if !ok { // used meanwhile
			return apperr.New(apperr.CodeConflict, "auth.err.claim_used")
		}
		before, err := org.BindRepresentative(ctx, tx, householdID, a.AccountID, now)
		if err != nil {
			return err
		}
		h = before
		h.RepresentativeAccountID = a.AccountID
		return s.audit.Log(ctx, tx, s.guard.entry(ctx, a, "citizen", "household.representative_claimed", h.VillageID, "household", fmt.Sprint(h.ID),
			map[string]int64{"representative": before.RepresentativeAccountID}, map[string]int64{"representative": a.AccountID}, audit.OK, ""))
	})
	return h, err
}

// ConfirmRepresentative binds, on an official's word, the citizen account with
// that phone or e-mail (the citizen must have signed in once) as the household's
// representative; address "" removes the representative.
func (s *Service) ConfirmRepresentative(ctx context.Context, a *Actor, householdID int64, address string) error {
	h, err := s.households.HouseholdByID(ctx, householdID)
	if err != nil {
		return err
	}
	if err := s.guard.Can(ctx, a, ManageHouseholds, h.VillageID); err != nil {
		return err
	}
	var citizen int64
	if strings.TrimSpace(address) != "" {
		channel, addr, err := ParseAddress(address)
		if err != nil {
			return err
		}
		acc, err := citizenByAddress(ctx, s.db, channel, addr)
		if apperr.CodeOf(err) == apperr.CodeNotFound {
			return apperr.New(apperr.CodeNotFound, "auth.err.no_citizen", addr)
		}
		if err != nil {
			return err
		}
		citizen = acc.ID
	}
	return s.db.RunInTx(ctx, func(tx *sql.Tx) error {
		before, err := org.BindRepresentative(ctx, tx, h.ID, citizen, s.db.NowMillis())
		if err != nil {
			return err
		}
		return s.guard.Record(ctx, tx, a, ManageHouseholds, h.VillageID, "household", fmt.Sprint(h.ID),
			map[string]int64{"representative": before.RepresentativeAccountID}, map[string]int64{"representative": citizen})
	})
}
