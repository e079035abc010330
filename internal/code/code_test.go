package code

import (
	"strings"
	"testing"
)

func TestNewAndParse(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		c := New("PA")
		if len(c) != 12 || !strings.HasPrefix(c, "PA-") || c[7] != '-' {
			t.Fatalf("code %q", c)
		}
		if got, ok := Parse(c, "PA"); !ok || got != c {
			t.Fatalf("Parse(%q) = %q %v", c, got, ok)
		}
		seen[c] = true
	}
	if len(seen) < 999 {
		t.Errorf("%d distinct codes of 1000", len(seen))
	}
	for _, tt := range []struct {
		in, prefix, want string
		ok               bool
	}{
		{"pa 7k3q 9mxd", "PA", "PA-7K3Q-9MXD", true},
		{"PA-7K3Q-9MXD", "PA", "PA-7K3Q-9MXD", true},
		{"pa-oi1l-9mxd", "PA", "PA-0111-9MXD", true},
		{"7k3q9mxd", "", "7K3Q-9MXD", true},
		{"KN-7K3Q-9MXD", "PA", "", false},
		{"PA-7K3Q-9MX", "PA", "", false},
		{"PA-7K3Q-9MXU", "PA", "", false},
		{"PA-7K3Q-<b>1", "PA", "", false},
	} {
		got, ok := Parse(tt.in, tt.prefix)
		if got != tt.want || ok != tt.ok {
			t.Errorf("Parse(%q, %q) = %q %v, want %q %v", tt.in, tt.prefix, got, ok, tt.want, tt.ok)
		}
	}
}

// Letters of other scripts that strings.ToUpper maps to ASCII are not read
// as the code's characters (found by FuzzParse).
func TestParseOnlyASCII(t *testing.T) {
	for _, s := range []string{"ıııı-ıııı", "ſſſſ-ſſſſ", "PA-7K3Q-9MXı", "7K3Q\u00a09MXD", "ＰＡ-7K3Q-9MXD"} {
		if got, ok := Parse(s, ""); ok {
			t.Errorf("Parse(%q) = %q, want refused", s, got)
		}
		if got, ok := Parse(s, "PA"); ok {
			t.Errorf("Parse(%q, PA) = %q, want refused", s, got)
		}
	}
}
