package legal

import "testing"

// BenchmarkWorkingDayDeadline: a deadline 30 working days out, with the year's
// calendar already built (target ≤ 1 µs) and cold (a new calendar each time, so
// the year is built first; the lunar months stay cached process-wide).
func BenchmarkWorkingDayDeadline(b *testing.B) {
	from := DateOf(2026, 12, 10) // crosses into 2027
	b.Run("cached", func(b *testing.B) {
		c := NewCalendar(Decided())
		c.AddWorkingDays(from, 30)
		for b.Loop() {
			c.AddWorkingDays(from, 30)
		}
	})
	b.Run("cold", func(b *testing.B) {
		ov := Decided()
		for b.Loop() {
			NewCalendar(ov).AddWorkingDays(from, 30)
		}
	})
	b.Run("rule-cached", func(b *testing.B) {
		c, cat := NewCalendar(Decided()), DefaultCatalogue()
		for b.Loop() {
			if _, err := cat.Compute(c, "info.electronic.complex", from, Options{Extended: true}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
