package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base32"
)

// maskEncoding writes a masked token in the alphabet of the token itself
// (random.Secret): A–Z and 2–7, no padding.
var maskEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// MaskToken is what a page writes in place of the viewer's form token: a
// fresh random pad and the token XOR that pad, so that no two pages carry
// the same bytes for it. A compressed page that reflects what a visitor typed
// (a query, a next address) beside the token then tells an attacker who
// measures its length nothing about the token (BREACH); TokenMatches takes
// it back.
func MaskToken(token string) string {
	b := make([]byte, 2*len(token))
	rand.Read(b[:len(token)]) // never fails (crypto/rand)
	for i := range len(token) {
		b[len(token)+i] = b[i] ^ token[i]
	}
	return maskEncoding.EncodeToString(b)
}

// TokenMatches reports, in constant time for a given token, whether got (a
// form's masked token, or the token itself as a script sends it in
// X-CSRF-Token) is token. An empty token matches nothing.
func TokenMatches(got, token string) bool {
	if token == "" {
		return false
	}
	if len(got) == len(token) {
		return subtle.ConstantTimeCompare([]byte(got), []byte(token)) == 1
	}
	b, err := maskEncoding.DecodeString(got)
	if err != nil || len(b) != 2*len(token) {
		return false
	}
	plain := make([]byte, len(token))
	for i := range plain {
		plain[i] = b[i] ^ b[len(token)+i]
	}
	return subtle.ConstantTimeCompare(plain, []byte(token)) == 1
}
