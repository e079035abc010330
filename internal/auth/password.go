package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"fmt"
	"strings"
	"sync/atomic"
	"unicode"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/search"

	"github.com/trustelem/zxcvbn"
	"golang.org/x/crypto/argon2"
)

// MinPasswordScore is the least zxcvbn score (0–4) a password must reach on top of
// the length rule: 3 is "safely unguessable" against an online attack that is
// throttled, and a slow hash offline (zxcvbn: about 10^8 guesses).
const MinPasswordScore = 3

// MinPasswordLength is the shortest password accepted (issue 3).
const MinPasswordLength = 12

// MaxPasswordLength bounds the work of hashing one.
const MaxPasswordLength = 128

//go:embed data/common-passwords.txt
var commonList []byte

var common = func() map[string]bool {
	m := map[string]bool{}
	sc := bufio.NewScanner(bytes.NewReader(commonList))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			m[squash(l)] = true
		}
	}
	return m
}()

// squash is how passwords are compared with the list: folded, no spaces.
func squash(s string) string { return strings.ReplaceAll(search.Fold(s), " ", "") }

// CheckPassword says why pw is not good enough for an account with the given name
// and e-mail, or returns nil.
func CheckPassword(pw, name, email string) error {
	n := utf8.RuneCountInString(pw)
	switch {
	case n < MinPasswordLength:
		return apperr.New(apperr.CodeInvalid, "auth.err.password_short", MinPasswordLength, n).Mark("password")
	case n > MaxPasswordLength:
		return apperr.New(apperr.CodeInvalid, "auth.err.password_long", MaxPasswordLength).Mark("password")
	}
	s := squash(pw)
	if common[s] {
		return apperr.New(apperr.CodeInvalid, "auth.err.password_common").Mark("password")
	}
	distinct := map[rune]bool{}
	for _, r := range s {
		distinct[r] = true
	}
	if len(distinct) < 5 {
		return apperr.New(apperr.CodeInvalid, "auth.err.password_repetitive").Mark("password")
	}
	if local, _, _ := strings.Cut(strings.ToLower(email), "@"); len(local) >= 4 && strings.Contains(s, squash(local)) {
		return apperr.New(apperr.CodeInvalid, "auth.err.password_email").Mark("password")
	}
	for _, part := range strings.Fields(search.Fold(name)) {
		if len(part) >= 4 && strings.Contains(s, part) && len(s)-len(part) < 8 {
			return apperr.New(apperr.CodeInvalid, "auth.err.password_name").Mark("password")
		}
	}
	if onlyDigits(pw) {
		return apperr.New(apperr.CodeInvalid, "auth.err.password_digits").Mark("password")
	}
	if strength(pw, name, email) < MinPasswordScore {
		return apperr.New(apperr.CodeInvalid, "auth.err.password_weak").Mark("password")
	}
	return nil
}

// strength is zxcvbn's score of pw, with the account's name and e-mail (whole,
// their parts, and folded without diacritics) as words an attacker would try first.
func strength(pw, name, email string) int {
	var inputs []string
	add := func(s string) {
		for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			if len(w) >= 3 {
				inputs = append(inputs, w)
			}
		}
	}
	for _, s := range []string{name, search.Fold(name), email} {
		if s != "" {
			inputs = append(inputs, strings.ToLower(s))
			add(s)
		}
	}
	if local, _, ok := strings.Cut(strings.ToLower(email), "@"); ok {
		inputs = append(inputs, local)
	}
	return zxcvbn.PasswordStrength(pw, inputs).Score
}

func onlyDigits(s string) bool {
	for _, r := range s {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// argon2id parameters: OWASP's floor (19 MiB, 2 passes, 1 lane), kept modest
// so that a commune's small server signs people in quickly. They are stored with
// each hash, so they can be raised later without breaking old ones.
const (
	argonMemory  = 19 * 1024
	argonTime    = 2
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns the PHC string of pw: $argon2id$v=19$m=…,t=…,p=…$salt$key.
func HashPassword(pw string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key))
}

// dummyHash is compared against when there is no such account, so that a wrong
// e-mail takes as long as a wrong password.
var dummyHash = HashPassword("không có tài khoản này / no such account")

// hashRuns counts the password hashes computed, for the tests that check that
// an unknown account goes through the same hash as a real one.
var hashRuns atomic.Int64

// PasswordMatches reports whether pw matches the PHC string.
func PasswordMatches(phc, pw string) bool {
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	hashRuns.Add(1)
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
