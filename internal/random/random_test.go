package random

import (
	"regexp"
	"testing"
)

func TestShapes(t *testing.T) {
	for _, tt := range []struct {
		name string
		make func() string
		re   *regexp.Regexp
	}{
		{"Key", Key, regexp.MustCompile(`^[0-9a-f]{24}$`)},
		{"Secret", Secret, regexp.MustCompile(`^[A-Z2-7]{52}$`)},
	} {
		seen := map[string]bool{}
		for range 1000 {
			k := tt.make()
			if !tt.re.MatchString(k) || seen[k] {
				t.Fatalf("%s: %q (repeated: %v), want %s and never twice", tt.name, k, seen[k], tt.re)
			}
			seen[k] = true
		}
	}
	if len(Secret()) != SecretLen {
		t.Errorf("Secret is not SecretLen long")
	}
}
