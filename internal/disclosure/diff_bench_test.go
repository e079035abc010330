package disclosure_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"danchu/internal/disclosure"
)

// pair3000 is a 3,000-line body and its correction: every 20th line reworded,
// a line inserted and one removed every 50.
func pair3000() (string, string) {
	var a, b []string
	for i := range 3000 {
		l := fmt.Sprintf("Điều %d. Ủy ban nhân dân xã công khai khoản thu %d đồng cho hạng mục số %d.", i/10+1, i*1000, i)
		a = append(a, l)
		switch {
		case i%50 == 3:
		case i%20 == 7:
			b = append(b, l+" (đã sửa)")
		default:
			b = append(b, l)
		}
		if i%50 == 11 {
			b = append(b, fmt.Sprintf("Bổ sung: dòng mới số %d.", i))
		}
	}
	return strings.Join(a, "\n"), strings.Join(b, "\n")
}

// BenchmarkDiff3000: one comparison of a 3,000-line pair, the work an
// amendment does once (run with -benchmem).
func BenchmarkDiff3000(b *testing.B) {
	older, newer := pair3000()
	allNew := strings.ReplaceAll(newer, "xã", "phường") // every line changed
	b.Run("edits", func(b *testing.B) {
		for b.Loop() {
			disclosure.Diff(older, newer)
		}
	})
	b.Run("all-changed", func(b *testing.B) {
		for b.Loop() {
			disclosure.Diff(older, allNew)
		}
	})
	b.Run("shuffled", func(b *testing.B) { // every line kept, in another order: the bounded worst case
		lines := strings.Split(older, "\n")
		rand.New(rand.NewPCG(1, 1)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
		shuffled := strings.Join(lines, "\n")
		for b.Loop() {
			disclosure.Diff(older, shuffled)
		}
	})
	b.Run("stored", func(b *testing.B) { // what a page view does: rebuild from the stored script
		script := disclosure.EditScript(disclosure.Diff(older, newer))
		for b.Loop() {
			if _, ok := disclosure.ApplyScript(script, older, newer); !ok {
				b.Fatal("script does not fit")
			}
		}
	})
}
