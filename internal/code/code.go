// Package code makes short codes people read aloud, type on a phone and copy
// from paper: tracking codes (PA-7K3Q-9MXD) and ballot receipts (7K3Q-9MXD). The
// alphabet is Crockford's base 32: digits and capitals without I, L, O and U, and
// Parse forgives the usual misreadings (o for 0, i and l for 1, lower case,
// spaces).
package code

import (
	"crypto/rand"
	"strings"
)

// Alphabet is Crockford's base 32.
const Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// New returns prefix (if any) and two groups of four random characters:
// 40 bits, "PA-7K3Q-9MXD".
func New(prefix string) string {
	b := make([]byte, 8)
	rand.Read(b)
	out := make([]byte, 0, len(prefix)+10)
	if prefix != "" {
		out = append(out, prefix...)
		out = append(out, '-')
	}
	for i, x := range b {
		if i == 4 {
			out = append(out, '-')
		}
		out = append(out, Alphabet[int(x)&31])
	}
	return string(out)
}

// Parse normalises what someone typed into the canonical form of a code with
// the given prefix ("" for none): "pa 7k3q 9mxd" and "PA-7K3Q-9MXD" give the
// same. It reports false when the rest is not eight characters of the alphabet.
// Only ASCII is read: strings.ToUpper would turn the Turkish dotless ı into I
// (so 1) and the long ſ into S, a code the person did not type.
func Parse(s, prefix string) (string, bool) {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return "", false
		}
	}
	s = strings.ToUpper(strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '-' || r == '.' }), ""))
	if prefix != "" {
		if !strings.HasPrefix(s, prefix) {
			return "", false
		}
		s = s[len(prefix):]
	}
	if len(s) != 8 {
		return "", false
	}
	b := []byte(s)
	for i, c := range b {
		switch c {
		case 'O':
			c = '0'
		case 'I', 'L':
			c = '1'
		}
		if !strings.ContainsRune(Alphabet, rune(c)) {
			return "", false
		}
		b[i] = c
	}
	out := string(b[:4]) + "-" + string(b[4:])
	if prefix != "" {
		out = prefix + "-" + out
	}
	return out, true
}
