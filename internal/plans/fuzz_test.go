package plans_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"danchu/internal/legal"
	"danchu/internal/plans"
)

// FuzzDueOf: a deadline as written in an imported plan reads as a real day
// (one that round-trips through its ISO text) or as none, never a panic.
func FuzzDueOf(f *testing.F) {
	for _, s := range []string{"trước ngày 30/6/2024", "Quý II/2024", "năm 2025", "2024-06-30", "31/02/2024", "hằng năm", "", "quý", "quý IV/", "30/6/99999", "1/1/1/1/2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, ok := plans.DueOf(s)
		if !ok {
			if !d.IsZero() {
				t.Fatalf("DueOf(%q) = %v without ok", s, d)
			}
			return
		}
		back, err := legal.ParseDate(d.String())
		if err != nil || back != d || d.Year < 1990 || d.Year > 2100 {
			t.Fatalf("DueOf(%q) = %v, not a day (%v)", s, d, err)
		}
	})
}

// FuzzNumberKey: the key of a number is stable (the key of a key is itself)
// and has no spaces.
func FuzzNumberKey(f *testing.F) {
	for _, s := range []string{"Số: 05/KH-UBND", "162-KH/BCS", "Số 09-CT/TU", "", "so:", "  "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // text is checked at the boundary (web.Text)
		}
		k := plans.NumberKey(s)
		if strings.ContainsAny(k, " \t:") {
			t.Fatalf("NumberKey(%q) = %q has spaces", s, k)
		}
		if k2 := plans.NumberKey(k); k2 != k && !strings.HasPrefix(k, "so") {
			t.Fatalf("NumberKey not stable: %q → %q → %q", s, k, k2)
		}
	})
}
