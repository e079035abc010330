package disclosure

import (
	"strconv"
	"strings"
)

// DiffLine is a line of a line-by-line comparison: Op is ' ' (same), '-' (only in
// the older text) or '+' (only in the newer).
type DiffLine struct {
	Op   byte
	Text string
}

// Diff compares two texts line by line: a shortest edit script (Myers' O(ND)
// algorithm in linear space, split at the middle snake), so a 3,000-line body
// costs memory in proportion to its lines, not to their product, and time
// bounded by maxWork. Within a changed stretch the removed lines come before
// the added ones.
func Diff(older, newer string) []DiffLine {
	a, b := strings.Split(older, "\n"), strings.Split(newer, "\n")
	delA, insB := changes(a, b)
	return merge(a, b, delA, insB)
}

// changes marks the lines of a removed and the lines of b added by a shortest
// edit script from a to b.
func changes(a, b []string) (delA, insB []bool) {
	delA, insB = make([]bool, len(a)), make([]bool, len(b))
	// Lines are compared as numbers; a line that does not occur on the other side
	// cannot be kept, so it is marked at once and left out of the search (an
	// all-changed text then costs one pass).
	ids := make(map[string]int32, len(a)+len(b))
	inA := map[int32]bool{}
	ia := make([]int32, len(a))
	for i, l := range a {
		id, ok := ids[l]
		if !ok {
			id = int32(len(ids))
			ids[l] = id
		}
		ia[i] = id
		inA[id] = true
	}
	inB := make(map[int32]bool, len(b))
	ib := make([]int32, len(b))
	for j, l := range b {
		id, ok := ids[l]
		if !ok {
			id = int32(len(ids))
			ids[l] = id
		}
		ib[j] = id
		inB[id] = true
	}
	var ra, rb []int32 // the lines that may be kept, and where they are
	var pa, pb []int
	for i, id := range ia {
		if inB[id] {
			ra, pa = append(ra, id), append(pa, i)
		} else {
			delA[i] = true
		}
	}
	for j, id := range ib {
		if inA[id] {
			rb, pb = append(rb, id), append(pb, j)
		} else {
			insB[j] = true
		}
	}
	n := len(ra) + len(rb) + 3
	m := &myers{a: ra, b: rb, da: make([]bool, len(ra)), db: make([]bool, len(rb)), v1: make([]int, n), v2: make([]int, n)}
	m.compare(0, len(ra), 0, len(rb))
	for i, d := range m.da {
		delA[pa[i]] = d
	}
	for j, d := range m.db {
		insB[pb[j]] = d
	}
	return delA, insB
}

// merge writes the comparison from the marks.
func merge(a, b []string, delA, insB []bool) []DiffLine {
	out := make([]DiffLine, 0, max(len(a), len(b)))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case i < len(a) && delA[i]:
			out = append(out, DiffLine{'-', a[i]})
			i++
		case j < len(b) && insB[j]:
			out = append(out, DiffLine{'+', b[j]})
			j++
		default: // kept: a[i] == b[j]
			out = append(out, DiffLine{' ', b[j]})
			i++
			j++
		}
	}
	return out
}

// myers finds a shortest edit script between a and b, marking in da the
// removed elements of a and in db the added ones of b. v1 and v2 are the
// furthest-reaching paths of the forward and backward searches, shared by every
// level of the recursion (each level is done with them before it recurses).
type myers struct {
	a, b   []int32
	da, db []bool
	v1, v2 []int
	work   int // steps taken by the searches so far
}

// maxWork bounds the search, which is O((N+M)·D): a body whose 3,000 lines are
// all kept but shuffled would take 16 million steps (a third of a second, in
// the transaction of the amendment). Past the bound, what is left to compare is
// shown as removed and added whole — still a true comparison, only not the
// shortest. Ordinary corrections take no steps at all (their changed lines
// occur on one side only and are set aside first); moving half of a 3,000-line
// text, 2.3 million.
const maxWork = 2_500_000

// compare marks the changes between a[aLo:aHi] and b[bLo:bHi].
func (m *myers) compare(aLo, aHi, bLo, bHi int) {
	for aLo < aHi && bLo < bHi && m.a[aLo] == m.b[bLo] {
		aLo, bLo = aLo+1, bLo+1
	}
	for aLo < aHi && bLo < bHi && m.a[aHi-1] == m.b[bHi-1] {
		aHi, bHi = aHi-1, bHi-1
	}
	switch {
	case aLo == aHi:
		for j := bLo; j < bHi; j++ {
			m.db[j] = true
		}
	case bLo == bHi:
		for i := aLo; i < aHi; i++ {
			m.da[i] = true
		}
	default:
		x, y, ok := m.middle(aLo, aHi, bLo, bHi)
		if !ok { // nothing in common, or the search is over its bound
			for i := aLo; i < aHi; i++ {
				m.da[i] = true
			}
			for j := bLo; j < bHi; j++ {
				m.db[j] = true
			}
			return
		}
		m.compare(aLo, x, bLo, y)
		m.compare(x, aHi, y, bHi)
	}
}

// middle runs the forward and the backward search together until they meet and
// returns the meeting point, which lies on a shortest edit script (Myers 1986,
// section 4b; the bounds on k follow Neil Fraser's diff-match-patch); ok is
// false past maxWork. The two ends differ (compare strips common prefixes and
// suffixes), so the point splits the problem into two strictly smaller ones.
func (m *myers) middle(aLo, aHi, bLo, bHi int) (x, y int, ok bool) {
	a, b := m.a[aLo:aHi], m.b[bLo:bHi]
	n, mm := len(a), len(b)
	maxD := (n + mm + 1) / 2
	off, size := maxD, 2*maxD+2
	v1, v2 := m.v1[:size], m.v2[:size]
	for i := range v1 {
		v1[i], v2[i] = -1, -1
	}
	v1[off+1], v2[off+1] = 0, 0
	delta := n - mm
	front := delta%2 != 0 // which search detects the overlap
	var k1start, k1end, k2start, k2end int
	for d := 0; d < maxD; d++ {
		if m.work > maxWork {
			return 0, 0, false
		}
		for k1 := -d + k1start; k1 <= d-k1end; k1 += 2 {
			m.work++
			k1o := off + k1
			var x1 int
			if k1 == -d || (k1 != d && v1[k1o-1] < v1[k1o+1]) {
				x1 = v1[k1o+1]
			} else {
				x1 = v1[k1o-1] + 1
			}
			y1 := x1 - k1
			for x1 < n && y1 < mm && a[x1] == b[y1] {
				x1, y1 = x1+1, y1+1
				m.work++
			}
			v1[k1o] = x1
			switch {
			case x1 > n:
				k1end += 2
			case y1 > mm:
				k1start += 2
			case front:
				if k2o := off + delta - k1; k2o >= 0 && k2o < size && v2[k2o] != -1 && x1 >= n-v2[k2o] {
					return aLo + x1, bLo + y1, true
				}
			}
		}
		for k2 := -d + k2start; k2 <= d-k2end; k2 += 2 {
			m.work++
			k2o := off + k2
			var x2 int
			if k2 == -d || (k2 != d && v2[k2o-1] < v2[k2o+1]) {
				x2 = v2[k2o+1]
			} else {
				x2 = v2[k2o-1] + 1
			}
			y2 := x2 - k2
			for x2 < n && y2 < mm && a[n-x2-1] == b[mm-y2-1] {
				x2, y2 = x2+1, y2+1
				m.work++
			}
			v2[k2o] = x2
			switch {
			case x2 > n:
				k2end += 2
			case y2 > mm:
				k2start += 2
			case !front:
				if k1o := off + delta - k2; k1o >= 0 && k1o < size && v1[k1o] != -1 {
					x1 := v1[k1o]
					y1 := off + x1 - k1o
					if x1 >= n-x2 {
						return aLo + x1, bLo + y1, true
					}
				}
			}
		}
	}
	return 0, 0, false
}

// EditScript is the compact form of a comparison stored with a version: runs of
// kept, removed and added lines ("=12 -1 +2 =40"), read back with the two
// bodies by ApplyScript.
func EditScript(lines []DiffLine) string {
	var sb strings.Builder
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j].Op == lines[i].Op {
			j++
		}
		if sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		op := lines[i].Op
		if op == ' ' {
			op = '='
		}
		sb.WriteByte(op)
		sb.WriteString(strconv.Itoa(j - i))
		i = j
	}
	return sb.String()
}

// ApplyScript rebuilds the comparison of older and newer from its stored
// script; ok is false if the script does not fit the two texts.
func ApplyScript(script, older, newer string) (out []DiffLine, ok bool) {
	a, b := strings.Split(older, "\n"), strings.Split(newer, "\n")
	out = make([]DiffLine, 0, max(len(a), len(b)))
	i, j := 0, 0
	for _, run := range strings.Fields(script) {
		n, err := strconv.Atoi(run[1:])
		if err != nil || n <= 0 {
			return nil, false
		}
		switch run[0] {
		case '=':
			if n > len(a)-i || n > len(b)-j { // not i+n: a huge n overflows it (found by FuzzDiff)
				return nil, false
			}
			for range n {
				if a[i] != b[j] {
					return nil, false
				}
				out = append(out, DiffLine{' ', b[j]})
				i, j = i+1, j+1
			}
		case '-':
			if n > len(a)-i {
				return nil, false
			}
			for range n {
				out = append(out, DiffLine{'-', a[i]})
				i++
			}
		case '+':
			if n > len(b)-j {
				return nil, false
			}
			for range n {
				out = append(out, DiffLine{'+', b[j]})
				j++
			}
		default:
			return nil, false
		}
	}
	if i != len(a) || j != len(b) {
		return nil, false
	}
	return out, true
}

// DiffFrom is the comparison of v with prev, the version before it: the one
// stored when v was made. A correction made before comparisons were stored
// (migration 0036) has none; it is compared here, on each view, and nothing is
// written (a read writes nothing; with the linear-space Diff this costs a few
// milliseconds at 3,000 lines, and only for those old corrections).
func (v Version) DiffFrom(prev Version) []DiffLine {
	if v.script.Valid {
		if d, ok := ApplyScript(v.script.String, prev.Body, v.Body); ok {
			return d
		}
	}
	return Diff(prev.Body, v.Body)
}
