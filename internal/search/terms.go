package search

import (
	"html/template"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// MaxTerms bounds the words of one query.
const MaxTerms = 10

// IndexText is what the full-text indexes of both engines are given: the folded
// text with every character that is not a letter or digit turned into a space, so
// that SQLite FTS5 (unicode61) and PostgreSQL (to_tsvector 'simple') cut it into
// exactly the same words.
func IndexText(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		for _, r := range Fold(p) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(r)
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteByte(' ')
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// Terms are the distinct words of a query as the index knows them (at most
// MaxTerms, each at most 40 bytes).
func Terms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(IndexText(q)) {
		if len(w) > 40 || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, w)
		if len(out) == MaxTerms {
			break
		}
	}
	return out
}

// Highlight escapes s for HTML and wraps each word whose folded form is one of
// terms in <mark>: "Quy chế" is marked for the term "che".
func Highlight(s string, terms []string) template.HTML {
	want := map[string]bool{}
	for _, t := range terms {
		want[t] = true
	}
	var out strings.Builder
	rs := []rune(norm.NFC.String(s))
	for i := 0; i < len(rs); {
		if !unicode.IsLetter(rs[i]) && !unicode.IsDigit(rs[i]) {
			out.WriteString(template.HTMLEscapeString(string(rs[i])))
			i++
			continue
		}
		j := i
		var folded strings.Builder
		for j < len(rs) && (unicode.IsLetter(rs[j]) || unicode.IsDigit(rs[j]) || unicode.Is(unicode.Mn, rs[j])) {
			if f := foldRune(rs[j]); f >= 0 {
				folded.WriteRune(f)
			}
			j++
		}
		word := template.HTMLEscapeString(string(rs[i:j]))
		if want[folded.String()] {
			out.WriteString("<mark>" + word + "</mark>")
		} else {
			out.WriteString(word)
		}
		i = j
	}
	return template.HTML(out.String())
}
