package disclosure_test

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"danchu/internal/disclosure"
)

func render(ls []disclosure.DiffLine) string {
	var sb strings.Builder
	for _, l := range ls {
		sb.WriteByte(l.Op)
		sb.WriteString(l.Text)
		sb.WriteByte('|')
	}
	return sb.String()
}

func TestDiff(t *testing.T) {
	tests := []struct {
		name, older, newer, want string
	}{
		{"BothEmpty", "", "", " |"},
		{"FromEmpty", "", "Dòng một\nDòng hai", "-|+Dòng một|+Dòng hai|"},
		{"ToEmpty", "a\nb", "", "-a|-b|+|"},
		{"Identical", "Điều 1.\nĐiều 2.", "Điều 1.\nĐiều 2.", " Điều 1.| Điều 2.|"},
		{"AllChanged", "a\nb\nc", "x\ny", "-a|-b|-c|+x|+y|"},
		{"OneLineReworded", "Thu phí: 10.000 đồng\nHạn nộp: 15/01/2027\nNơi nộp: UBND xã",
			"Thu phí: 12.000 đồng\nHạn nộp: 15/01/2027\nNơi nộp: UBND xã",
			"-Thu phí: 10.000 đồng|+Thu phí: 12.000 đồng| Hạn nộp: 15/01/2027| Nơi nộp: UBND xã|"},
		{"Inserted", "Ủy ban nhân dân xã\nniêm yết công khai", "Ủy ban nhân dân xã\nHội đồng nhân dân xã\nniêm yết công khai",
			" Ủy ban nhân dân xã|+Hội đồng nhân dân xã| niêm yết công khai|"},
		{"Removed", "một\nhai\nba", "một\nba", " một|-hai| ba|"},
		// The same words in another Unicode form are another line: the page shows
		// what changed in the stored bytes ("Uỷ" with the tone on y, "Ủy" on U).
		{"VietnameseToneMark", "Uỷ ban nhân dân\nxã Hương Long", "Ủy ban nhân dân\nxã Hương Long", "-Uỷ ban nhân dân|+Ủy ban nhân dân| xã Hương Long|"},
		{"TrailingNewline", "a\nb", "a\nb\n", " a| b|+|"},
		{"Moved", "a\nb\nc\nd", "c\nd\na\nb", "-a|-b| c| d|+a|+b|"},
		{"RepeatedBlankLines", "\n\nx\n\n", "\ny\n\n\n", " |+y| |-x| | |"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := disclosure.Diff(tt.older, tt.newer)
			if r := render(got); r != tt.want {
				t.Errorf("Diff(%q, %q)\n got %s\nwant %s", tt.older, tt.newer, r, tt.want)
			}
			back, ok := disclosure.ApplyScript(disclosure.EditScript(got), tt.older, tt.newer)
			if !ok || !slices.Equal(back, got) {
				t.Errorf("script %q does not give the diff back (ok %v)", disclosure.EditScript(got), ok)
			}
		})
	}
}

// lcsLength is the reference: the length of a longest common subsequence.
func lcsLength(a, b []string) int {
	prev, cur := make([]int, len(b)+1), make([]int, len(b)+1)
	for i := range a {
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// TestDiffIsShortest: on random texts over a small alphabet (many repeated
// lines), the diff rebuilds both texts and keeps as many lines as the longest
// common subsequence — it is a shortest edit script.
func TestDiffIsShortest(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	words := []string{"", "a", "b", "c", "Điều 1", "xã"}
	text := func(n int) []string {
		out := make([]string, 1+r.IntN(n))
		for i := range out {
			out[i] = words[r.IntN(len(words))]
		}
		return out
	}
	for i := range 2000 {
		n := 40
		if i%20 == 0 {
			n = 400
		}
		a, b := text(n), text(n)
		d := disclosure.Diff(strings.Join(a, "\n"), strings.Join(b, "\n"))
		var olds, news []string
		kept := 0
		for _, l := range d {
			if l.Op != '+' {
				olds = append(olds, l.Text)
			}
			if l.Op != '-' {
				news = append(news, l.Text)
			}
			if l.Op == ' ' {
				kept++
			}
		}
		if !slices.Equal(olds, a) || !slices.Equal(news, b) {
			t.Fatalf("diff of %q and %q does not rebuild them: %s", a, b, render(d))
		}
		if want := lcsLength(a, b); kept != want {
			t.Fatalf("diff of %q and %q keeps %d lines, the longest common subsequence has %d", a, b, kept, want)
		}
	}
}

// TestDiffBounded: 3,000 lines kept but shuffled go past the search's bound;
// the comparison is still true (it rebuilds both texts), only longer.
func TestDiffBounded(t *testing.T) {
	older, _ := pair3000()
	lines := strings.Split(older, "\n")
	rand.New(rand.NewPCG(1, 1)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	newer := strings.Join(lines, "\n")
	var olds, news []string
	for _, l := range disclosure.Diff(older, newer) {
		if l.Op != '+' {
			olds = append(olds, l.Text)
		}
		if l.Op != '-' {
			news = append(news, l.Text)
		}
	}
	if strings.Join(olds, "\n") != older || strings.Join(news, "\n") != newer {
		t.Fatal("the bounded comparison does not rebuild the two texts")
	}
}

func TestApplyScriptRefusesWhatDoesNotFit(t *testing.T) {
	// A huge count overflowed i+n and ran past the lines (a panic, found by FuzzDiff).
	for _, s := range []string{"", "=3", "=1 +1", "-2 +2 =1", "x2", "=0 -2 +1", "=a", "=1 -9223372036854775807", "=1 +9223372036854775807", "=1 =9223372036854775807"} {
		if _, ok := disclosure.ApplyScript(s, "a\nb", "a\nc"); ok {
			t.Errorf("script %q accepted for a 2-line pair it does not describe", s)
		}
	}
	if got, ok := disclosure.ApplyScript("=1 -1 +1", "a\nb", "a\nc"); !ok || render(got) != " a|-b|+c|" {
		t.Errorf("good script: %s, %v", render(got), ok)
	}
}
