package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
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
		return "", apperr.Invalid("Địa chỉ thư điện tử chưa đúng (ví dụ: ten@xa.gov.vn).", map[string]string{"email": "invalid"})
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
	return apperr.Invalid("Số điện thoại di động chưa đúng (ví dụ: 0912 345 678).", map[string]string{"phone": "invalid"})
}

// CheckName checks a full name.
func CheckName(s string) (string, error) {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" || utf8.RuneCountInString(s) > 100 {
		return "", apperr.Invalid("Họ và tên phải có, tối đa 100 ký tự.", map[string]string{"full_name": "invalid"})
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

// retryMessage tells a person, in Vietnamese, when they may try again: after
// wrong passwords (factor "password") or wrong second-factor codes.
func retryMessage(factor string, locked bool, until time.Time, now time.Time) string {
	wait := until.Sub(now).Round(time.Second)
	if factor == factorSecond {
		if locked {
			return fmt.Sprintf("Xác thực hai lớp tạm khóa do nhập sai mã nhiều lần. Hãy thử lại sau %s, lúc %s. Nếu không phải bạn nhập, mật khẩu của bạn đã lộ: hãy đặt lại mật khẩu và báo quản trị viên.",
				vnDuration(wait), until.In(vietnam).Format("15:04"))
		}
		return fmt.Sprintf("Bạn đã nhập sai mã nhiều lần. Để bảo vệ tài khoản, hãy đợi %s rồi thử lại.", vnDuration(wait))
	}
	if locked {
		return fmt.Sprintf("Đăng nhập từ địa chỉ mạng này tạm khóa do nhập sai mật khẩu nhiều lần. Hãy thử lại sau %s, lúc %s, hoặc đặt lại mật khẩu qua thư điện tử (“Quên mật khẩu”). Nếu không phải bạn nhập, hãy báo quản trị viên.",
			vnDuration(wait), until.In(vietnam).Format("15:04"))
	}
	return fmt.Sprintf("Bạn đã nhập sai mật khẩu nhiều lần. Để bảo vệ tài khoản, hãy đợi %s rồi thử lại.", vnDuration(wait))
}

var vietnam = time.FixedZone("ICT", 7*3600)

func vnDuration(d time.Duration) string {
	if d < time.Minute {
		return fmt.Sprintf("%d giây", int(d.Seconds()+0.5))
	}
	return fmt.Sprintf("%d phút", int((d+59*time.Second)/time.Minute))
}
