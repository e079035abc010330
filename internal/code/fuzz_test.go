package code

import (
	"regexp"
	"strings"
	"testing"
)

var canonical = map[string]*regexp.Regexp{
	"":   regexp.MustCompile(`^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`),
	"PA": regexp.MustCompile(`^PA-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`),
	"KN": regexp.MustCompile(`^KN-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`),
}

// FuzzParse: a tracking code (PA-…, KN-…) or ballot receipt as typed is read
// into its canonical form or refused; the canonical form reads as itself, and
// what was typed holds, apart from spaces, dashes and dots, exactly its
// characters (o for 0, i and l for 1, any case) — nothing else, no other
// script's look-alike letters.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"pa 7k3q 9mxd", "PA-7K3Q-9MXD", "pa-oi1l-9mxd", "7k3q9mxd", "KN-7K3Q-9MXD", "PA-7K3Q-9MX", "PA-7K3Q-9MXU",
		"PA-7K3Q-<b>1", "p.a.7k3q.9mxd", "PA--7K3Q--9MXD", "PAPA-7K3Q", "ıııı-ıııı", "ſſſſ-ſſſſ", "7K3Q\u00a09MXD", "ＰＡ-7K3Q-9MXD", ""} {
		for _, p := range []string{"", "PA", "KN"} {
			f.Add(s, p)
		}
	}
	f.Fuzz(func(t *testing.T, s, prefix string) {
		re, known := canonical[prefix]
		if !known {
			return // the prefixes are the program's, never typed
		}
		got, ok := Parse(s, prefix)
		if !ok {
			if got != "" {
				t.Fatalf("Parse(%q, %q) refused with %q", s, prefix, got)
			}
			return
		}
		if !re.MatchString(got) {
			t.Fatalf("Parse(%q, %q) = %q, not canonical", s, prefix, got)
		}
		if again, ok := Parse(got, prefix); !ok || again != got {
			t.Fatalf("Parse(%q) = %q, then %q %v", s, got, again, ok)
		}
		typed := strings.Map(func(r rune) rune {
			switch r {
			case ' ', '-', '.':
				return -1
			case 'o', 'O':
				return '0'
			case 'i', 'I', 'l', 'L':
				return '1'
			}
			if r >= 'a' && r <= 'z' {
				return r - 'a' + 'A'
			}
			return r
		}, s)
		if typed != strings.ReplaceAll(got, "-", "") {
			t.Fatalf("Parse(%q, %q) = %q: not what was typed", s, prefix, got)
		}
	})
}
