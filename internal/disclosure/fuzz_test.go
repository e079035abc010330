package disclosure

import (
	"strings"
	"testing"
)

// FuzzDiff: the comparison of two versions shows the older text in its ' '
// and '-' lines and the newer in its ' ' and '+' lines, and its stored script
// rebuilds exactly it; a script that does not fit the texts (a damaged row)
// is refused, never a panic.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nx\nc", "=1 -1 +1 =1")
	f.Add("", "một\nhai", "=1")
	f.Add("a\nb", "a\nb", "=9223372036854775807")
	f.Add("a\nb\nc", "a", "=1 -9223372036854775807")
	f.Add("x", "y", "-1 +1 +0 ?1 =")
	f.Fuzz(func(t *testing.T, older, newer, script string) {
		d := Diff(older, newer)
		var a, b []string
		for _, l := range d {
			switch l.Op {
			case ' ':
				a, b = append(a, l.Text), append(b, l.Text)
			case '-':
				a = append(a, l.Text)
			case '+':
				b = append(b, l.Text)
			default:
				t.Fatalf("Diff(%q, %q): op %q", older, newer, l.Op)
			}
		}
		if strings.Join(a, "\n") != older || strings.Join(b, "\n") != newer {
			t.Fatalf("Diff(%q, %q) = %q", older, newer, d)
		}
		back, ok := ApplyScript(EditScript(d), older, newer)
		if !ok || len(back) != len(d) {
			t.Fatalf("ApplyScript(EditScript(Diff(%q, %q))) = %q %v", older, newer, back, ok)
		}
		for i := range d {
			if back[i] != d[i] {
				t.Fatalf("ApplyScript(EditScript(Diff(%q, %q))) = %q", older, newer, back)
			}
		}
		if out, ok := ApplyScript(script, older, newer); ok && len(out) > len(strings.Split(older, "\n"))+len(strings.Split(newer, "\n")) {
			t.Fatalf("ApplyScript(%q) = %d lines", script, len(out))
		}
	})
}
