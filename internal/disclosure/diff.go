package disclosure

import "strings"

// DiffLine is a line of a line-by-line comparison: Op is ' ' (same), '-' (only in
// the older text) or '+' (only in the newer).
type DiffLine struct {
	Op   byte
	Text string
}

// maxDiffLines bounds the work of a comparison (n×m cells).
const maxDiffLines = 3000

// Diff compares two texts line by line (longest common subsequence). Texts longer
// than maxDiffLines lines are shown as removed and added whole.
func Diff(older, newer string) []DiffLine {
	a, b := strings.Split(older, "\n"), strings.Split(newer, "\n")
	if len(a) > maxDiffLines || len(b) > maxDiffLines {
		var out []DiffLine
		for _, l := range a {
			out = append(out, DiffLine{'-', l})
		}
		for _, l := range b {
			out = append(out, DiffLine{'+', l})
		}
		return out
	}
	// lcs[i][j]: length of the common subsequence of a[i:] and b[j:].
	lcs := make([][]int32, len(a)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []DiffLine
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, DiffLine{' ', a[i]})
			i++
			j++
		case lcs[i+1][j] >= lcs[i][j+1]:
			out = append(out, DiffLine{'-', a[i]})
			i++
		default:
			out = append(out, DiffLine{'+', b[j]})
			j++
		}
	}
	for ; i < len(a); i++ {
		out = append(out, DiffLine{'-', a[i]})
	}
	for ; j < len(b); j++ {
		out = append(out, DiffLine{'+', b[j]})
	}
	return out
}
