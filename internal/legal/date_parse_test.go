package legal

import "testing"

// A date is read as a date field sends it or as Vietnamese write it; an
// impossible one is refused either way.
func TestParseDateBothWays(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Date
		ok   bool
	}{
		{"2026-03-15", DateOf(2026, 3, 15), true},
		{"15/03/2026", DateOf(2026, 3, 15), true},
		{"5/3/2026", DateOf(2026, 3, 5), true},
		{"30/02/2026", Date{}, false},
		{"2026-02-30", Date{}, false},
		{"03/15/2026", Date{}, false},
		{"15.03.2026", Date{}, false},
	} {
		got, err := ParseDate(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseDate(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
