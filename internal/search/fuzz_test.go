package search

import (
	"html"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FuzzTerms: a search query gives at most MaxTerms distinct words of at most
// 40 bytes, each a word of the query's index text (letters and digits only),
// which index the same; the index text is idempotent.
func FuzzTerms(f *testing.F) {
	for _, s := range []string{"  dat   dai, ĐẤT <script> ", "a b c d e f g h i j k l", "Quy chế dân chủ (sửa đổi) — Đợt 2/2026", "' OR 1=1 --", "\"quy\" AND NOT che*",
		"NEAR(a b)", strings.Repeat("x", 41) + " y", "ǅ ß ﬁ İ", "\xff\xfe", "o\u0302\u0300", "١٢٣"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		idx := IndexText(q)
		if IndexText(idx) != idx {
			t.Fatalf("IndexText not idempotent: %q -> %q -> %q", q, idx, IndexText(idx))
		}
		if !utf8.ValidString(idx) {
			t.Fatalf("IndexText(%q) = %q", q, idx)
		}
		words := map[string]bool{}
		for _, w := range strings.Fields(idx) {
			words[w] = true
		}
		terms := Terms(q)
		if len(terms) > MaxTerms {
			t.Fatalf("Terms(%q): %d terms", q, len(terms))
		}
		seen := map[string]bool{}
		for _, w := range terms {
			if w == "" || len(w) > 40 || seen[w] || !words[w] || strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
				t.Fatalf("Terms(%q) = %q", q, terms)
			}
			seen[w] = true
			if IndexText(w) != w {
				t.Fatalf("Terms(%q): %q indexes as %q", q, w, IndexText(w))
			}
		}
	})
}

// FuzzHighlight: a snippet is the text, escaped, with <mark> around whole
// words and nothing else: removing the marks and unescaping gives the text
// back (in NFC), and only a word that folds to a term is marked.
func FuzzHighlight(f *testing.F) {
	f.Add("Quy chế dân chủ ở cơ sở", "che dan")
	f.Add("Đất đai <b>xã</b>", "dat")
	f.Add("dânchủ", "dan")
	f.Add("<mark>x</mark> &amp; \"'", "mark x")
	f.Add("o\u0302\u0300 \xff", "o")
	f.Fuzz(func(t *testing.T, s, q string) {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return // snippets are of stored text: valid UTF-8 without NUL since the text boundary (html/template writes NUL as U+FFFD)
		}
		terms := Terms(q)
		out := string(Highlight(s, terms))
		plain := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(out)
		if strings.ContainsAny(plain, "<>\"'") {
			t.Fatalf("Highlight(%q, %q) = %q: not escaped", s, terms, out)
		}
		if got := html.UnescapeString(plain); got != norm.NFC.String(s) {
			t.Fatalf("Highlight(%q, %q) = %q, reads %q", s, terms, out, got)
		}
		want := map[string]bool{}
		for _, w := range terms {
			want[w] = true
		}
		for _, part := range strings.Split(out, "<mark>")[1:] {
			word, _, ok := strings.Cut(part, "</mark>")
			if !ok || !want[Fold(html.UnescapeString(word))] {
				t.Fatalf("Highlight(%q, %q) marks %q", s, terms, word)
			}
		}
	})
}
