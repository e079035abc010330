// Package vault seals what must stay secret at rest — a denouncer's identity
// and whatever reveals it (Luật Tố cáo 2018 Art 47(1)(b), Art 56: name,
// address, handwriting and all personal information kept secret) — with
// AES-256-GCM from the standard library, under keys that are not in the
// database: a key file given at start.
//
// A sealed value names the key it was sealed with, so that keys can be
// rotated: a new key is added to the file as the current one, values sealed
// before still open with the old key (kept in the file until Rotate has
// sealed them again), and Stale says which ones still use it. The additional
// data (aad) binds a value to its place — a case and a field — so that a
// sealed value copied into another row does not open there.
package vault

import (
	"bufio"
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// version is the first byte of a sealed value.
const version = 1

// headerSize is the version byte and the key's ID (uint32, big-endian).
const headerSize = 1 + 4

// KeySize is the length of a key: AES-256.
const KeySize = 32

var (
	// ErrUnknownKey: the value was sealed with a key the key file no longer
	// (or never) had.
	ErrUnknownKey = errors.New("vault: sealed with a key not in the key file")
	// ErrOpen: the value was altered, is cut short, or belongs to another
	// place (another aad).
	ErrOpen = errors.New("vault: sealed value altered or not of this place")
)

// Keyring is the keys of a key file; the current one seals.
type Keyring struct {
	keys    map[uint32]cipher.AEAD
	tags    map[uint32][]byte // each key's tag key (Tag), derived from it
	current uint32
}

// Parse reads a key file: one key a line, "ID base64-of-32-bytes", IDs
// positive and distinct; '#' starts a comment. The last key is the current
// one. Errors name the line and never print a key.
func Parse(b []byte) (*Keyring, error) {
	k := &Keyring{keys: map[uint32]cipher.AEAD{}, tags: map[uint32][]byte{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if i := strings.IndexByte(line, '#'); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("vault key file line %d: want \"ID KEY\" (the key in base64)", n)
		}
		id, err := strconv.ParseUint(f[0], 10, 32)
		if err != nil || id == 0 {
			return nil, fmt.Errorf("vault key file line %d: the ID must be a whole number from 1 to %d", n, uint32(1<<32-1))
		}
		if _, dup := k.keys[uint32(id)]; dup {
			return nil, fmt.Errorf("vault key file line %d: key %d is given twice", n, id)
		}
		raw, err := base64.StdEncoding.DecodeString(f[1])
		if err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("vault key file line %d: key %d is not %d bytes in base64 (32 random bytes in base64: head -c 32 /dev/urandom | base64)", n, id, KeySize)
		}
		aead, err := newAEAD(raw)
		if err != nil {
			return nil, err
		}
		k.keys[uint32(id)], k.current = aead, uint32(id)
		m := hmac.New(sha256.New, raw)
		m.Write([]byte("danchu vault tag v1"))
		k.tags[uint32(id)] = m.Sum(nil)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vault key file: %w", err)
	}
	if len(k.keys) == 0 {
		return nil, errors.New("vault key file: no key (32 random bytes in base64: head -c 32 /dev/urandom | base64)")
	}
	return k, nil
}

// Load reads the key file at path. It refuses a file that others than its
// owner may read or write: the keys are what keeps the vault secret.
func Load(path string) (*Keyring, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("vault key file: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("vault key file %s: mode %v lets others read it; chmod 600 it", path, st.Mode().Perm())
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("vault key file %s: not a regular file", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("vault key file: %w", err)
	}
	return Parse(b)
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("vault: %w", err)
	}
	return cipher.NewGCM(block)
}

// KeyLine is a new key line for a key file, with ID id: a random key.
func KeyLine(id uint32) string {
	key := make([]byte, KeySize)
	rand.Read(key) // never fails (crypto/rand)
	return fmt.Sprintf("%d %s", id, base64.StdEncoding.EncodeToString(key))
}

// AppendKey adds a new current key to the key file at path (created 0600 when
// missing), with the next ID, and returns that ID.
func AppendKey(path string) (uint32, error) {
	var next uint32 = 1
	b, err := os.ReadFile(path)
	switch {
	case err == nil:
		k, err := Parse(b)
		if err != nil {
			return 0, err
		}
		for id := range k.keys {
			next = max(next, id+1)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return 0, fmt.Errorf("vault key file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return 0, fmt.Errorf("vault key file: %w", err)
	}
	if len(b) > 0 && b[len(b)-1] != '\n' {
		f.WriteString("\n")
	}
	_, err = fmt.Fprintln(f, KeyLine(next))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return 0, fmt.Errorf("vault key file: %w", err)
	}
	return next, nil
}

// Current is the ID of the key that seals.
func (k *Keyring) Current() uint32 { return k.current }

// Seal encrypts plain for the place aad under the current key: version, key
// ID, a random nonce, the ciphertext and its tag.
func (k *Keyring) Seal(plain, aad []byte) []byte {
	aead := k.keys[k.current]
	out := make([]byte, headerSize, headerSize+aead.NonceSize()+len(plain)+aead.Overhead())
	out[0] = version
	binary.BigEndian.PutUint32(out[1:], k.current)
	nonce := make([]byte, aead.NonceSize())
	rand.Read(nonce)
	out = append(out, nonce...)
	return aead.Seal(out, nonce, plain, append(out[:headerSize:headerSize], aad...))
}

// Open decrypts a value Seal made for the place aad.
func (k *Keyring) Open(sealed, aad []byte) ([]byte, error) {
	id, ok := keyOf(sealed)
	if !ok {
		return nil, ErrOpen
	}
	aead, ok := k.keys[id]
	if !ok {
		return nil, fmt.Errorf("%w (key %d)", ErrUnknownKey, id)
	}
	rest := sealed[headerSize:]
	if len(rest) < aead.NonceSize()+aead.Overhead() {
		return nil, ErrOpen
	}
	plain, err := aead.Open(nil, rest[:aead.NonceSize()], rest[aead.NonceSize():], append(sealed[:headerSize:headerSize], aad...))
	if err != nil {
		return nil, ErrOpen
	}
	return plain, nil
}

// Stale says whether sealed was sealed with a key other than the current one
// (Rotate seals it again).
func (k *Keyring) Stale(sealed []byte) bool {
	id, ok := keyOf(sealed)
	return ok && id != k.current
}

// Rotate opens sealed and seals it again under the current key (unchanged
// when already current).
func (k *Keyring) Rotate(sealed, aad []byte) ([]byte, error) {
	if !k.Stale(sealed) {
		if _, err := k.Open(sealed, aad); err != nil {
			return nil, err
		}
		return sealed, nil
	}
	plain, err := k.Open(sealed, aad)
	if err != nil {
		return nil, err
	}
	return k.Seal(plain, aad), nil
}

func keyOf(sealed []byte) (uint32, bool) {
	if len(sealed) < headerSize || sealed[0] != version {
		return 0, false
	}
	return binary.BigEndian.Uint32(sealed[1:headerSize]), true
}

// Tag is a keyed hash of data under the current key, "ID:…": a blind index,
// so that a row can be found by a value (a lodging account) without the
// table naming it. Whoever has the database but not the key file cannot
// compute it.
func (k *Keyring) Tag(data []byte) string { return k.tagWith(k.current, data) }

// Tags are data's tags under every key of the file, the current one first: a
// look-up matches rows tagged before a rotation too, until Rotate's caller
// has tagged them again.
func (k *Keyring) Tags(data []byte) []string {
	out := []string{k.Tag(data)}
	for id := range k.keys {
		if id != k.current {
			out = append(out, k.tagWith(id, data))
		}
	}
	return out
}

func (k *Keyring) tagWith(id uint32, data []byte) string {
	m := hmac.New(sha256.New, k.tags[id])
	m.Write(data)
	return strconv.FormatUint(uint64(id), 10) + ":" + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
