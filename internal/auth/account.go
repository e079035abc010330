package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/random"
)

// Account statuses.
const (
	Pending  = "pending" // created, waiting for the person to set a password
	Active   = "active"
	Disabled = "disabled"
)

// Account is a person who signs in.
type Account struct {
	ID           int64
	Kind         Kind
	FullName     string
	Email        string
	Phone        string
	PasswordHash string
	Status       string
	TOTPSecret   string
	TOTPEnabled  bool
	TOTPLast     int64
}

// Policy is the configurable part of identity and access.
type Policy struct {
	Require2FA    bool          // officials whose roles publish or decide must use a second factor
	SlowAfter     int           // failed sign-ins before each further attempt must wait
	LockAfter     int           // failed sign-ins that lock the account for LockFor
	LockFor       time.Duration //
	OfficialIdle  time.Duration // an official's session ends after this long unused
	OfficialMax   time.Duration // … and after this long in any case
	CitizenIdle   time.Duration
	CitizenMax    time.Duration
	ActivationTTL time.Duration
	ResetTTL      time.Duration
	BaseURL       string // the public address, for links in messages ("http://127.0.0.1:8080")
	SecureCookies bool   // set the Secure flag (on unless the site is plain HTTP)
	// SignInPerMinute bounds attempts on every sign-in form per IP address;
	// WritesPerMinute bounds every form post per IP address and per account.
	SignInPerMinute, WritesPerMinute int
}

// DefaultPolicy is the policy when nothing is configured.
func DefaultPolicy() Policy {
	return Policy{Require2FA: true, SlowAfter: 3, LockAfter: 10, LockFor: 15 * time.Minute,
		OfficialIdle: 30 * time.Minute, OfficialMax: 12 * time.Hour, CitizenIdle: 7 * 24 * time.Hour, CitizenMax: 30 * 24 * time.Hour,
		ActivationTTL: 72 * time.Hour, ResetTTL: time.Hour, BaseURL: "http://127.0.0.1:8080", SignInPerMinute: 20, WritesPerMinute: 60}
}

// NormalizeEmail lower-cases and checks an e-mail address.
func NormalizeEmail(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || !strings.Contains(s[strings.LastIndex(s, "@"):], ".") {
		return "", apperr.New(apperr.CodeInvalid, "auth.err.email").Mark("email")
	}
	return s, nil
}

// NormalizePhone turns a Vietnamese mobile number (0912 345 678, +84 912…, 84912…)
// into +84XXXXXXXXX.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == ' ' || r == '.' || r == '-' || r == '(' || r == ')' || (r == '+' && b.Len() == 0):
		default:
			return "", badPhone()
		}
	}
	d := b.String()
	switch {
	case strings.HasPrefix(d, "84") && len(d) == 11:
		d = d[2:]
	case strings.HasPrefix(d, "0") && len(d) == 10:
		d = d[1:]
	default:
		return "", badPhone()
	}
	if !strings.ContainsAny(d[:1], "35789") {
		return "", badPhone()
	}
	return "+84" + d, nil
}

func badPhone() error {
	return apperr.New(apperr.CodeInvalid, "auth.err.phone").Mark("phone")
}

// CheckName checks a full name.
func CheckName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > 100 {
		return "", apperr.New(apperr.CodeInvalid, "auth.err.name").Mark("full_name")
	}
	return s, nil
}

// newToken returns a random token for a link or cookie and the SHA-256 kept of it.
func newToken() (token, hash string) {
	token = random.Secret()
	return token, tokenHash(token)
}

// HashToken is what is stored of a cookie value or link token (SHA-256, hex).
func HashToken(token string) string { return tokenHash(token) }

func tokenHash(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// retryMessage tells a person when they may try again: after wrong passwords
// (factor "password") or wrong second-factor codes. The wait and the clock time
// are its arguments (the time of day in Vietnam, HH:MM), so that a real and an
// unknown account get the same message for the same wait.
func retryMessage(factor string, locked bool, until time.Time, now time.Time) apperr.Msg {
	wait, at := waitMessage(until.Sub(now).Round(time.Second)), until.In(vietnam).Format("15:04")
	switch {
	case factor == factorSecond && locked:
		return apperr.M("auth.err.second_locked", wait, at)
	case factor == factorSecond:
		return apperr.M("auth.err.second_slow", wait)
	case locked:
		return apperr.M("auth.err.password_locked", wait, at)
	}
	return apperr.M("auth.err.password_slow", wait)
}

var vietnam = time.FixedZone("ICT", 7*3600)

// waitMessage is a wait in seconds under a minute, in whole minutes (rounded up) from one.
func waitMessage(d time.Duration) apperr.Msg {
	if d < time.Minute {
		return apperr.M("auth.wait.seconds", int(d.Seconds()+0.5))
	}
	return apperr.M("auth.wait.minutes", int((d+59*time.Second)/time.Minute))
}
