package search

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// foldTable maps each rune below tableSize to its folded form (base letter, lower
// case, đ→d), or to -1 for a combining mark that folding drops. Built once from
// Unicode's decompositions, so that folding does not decompose every string.
const tableSize = 0x2000

var foldTable = func() *[tableSize]rune {
	var t [tableSize]rune
	for r := range rune(tableSize) {
		t[r] = slowFold(r)
	}
	return &t
}()

// slowFold folds one rune through its canonical decomposition.
func slowFold(r rune) rune {
	if r == 'đ' || r == 'Đ' {
		return 'd'
	}
	if unicode.Is(unicode.Mn, r) {
		return -1
	}
	for _, x := range norm.NFD.String(string(r)) {
		if !unicode.Is(unicode.Mn, x) {
			return unicode.ToLower(x)
		}
	}
	return unicode.ToLower(r)
}

// foldRune folds one rune (-1: drop it).
func foldRune(r rune) rune {
	if r >= 0 && r < tableSize {
		return foldTable[r]
	}
	return slowFold(r)
}

// Fold returns s without diacritics, with đ/Đ as d, in lower case and with runs of
// white space collapsed to one space: "Xã Đan Điền" folds to "xa dan dien".
func Fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := true // drop leading space
	for _, r := range s {
		if unicode.IsSpace(r) {
			if !space {
				b.WriteByte(' ')
				space = true
			}
			continue
		}
		f := foldRune(r)
		if f < 0 {
			continue
		}
		space = false
		b.WriteRune(f)
	}
	return strings.TrimRight(b.String(), " ")
}
