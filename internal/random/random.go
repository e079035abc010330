// Package random makes the random strings of the kernel and the rooms: Key
// for what must be unique but is no secret (a form's idempotency key, a
// request ID, a mail's Message-ID), Secret for what grants something to whoever
// holds it (a session or link token, a CSRF token, an API key). Short codes
// people read aloud are package code's; numeric sign-in codes are auth's.
package random

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/hex"
)

// Key is 96 random bits in hex (24 characters): unique in practice, not a
// secret (it may be logged and shown).
func Key() string {
	b := make([]byte, 12)
	rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

// SecretLen is the length of a Secret.
const SecretLen = 52

// Secret is 256 random bits in unpadded base 32 (SecretLen characters of
// A–Z and 2–7): to be kept only hashed where it is stored.
func Secret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)
}
