package planimport

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"danchu/internal/apperr"
)

// Bounds of what Parse reads: a plan is a few dozen pages; more is not a plan
// pasted by a person, and refusing it keeps the parser's work bounded.
const (
	MaxTextBytes = 2 << 20
	MaxLines     = 20000
	// maxSplits bounds the cuts at glued emphasis in one line (seed 001's
	// header line has 3), so that the logical lines stay within 9 × MaxLines.
	maxSplits = 8
	// maxWarnings bounds the warnings of a draft: past that many, the text is
	// not a plan to correct line by line.
	maxWarnings = 200
)

// line is one logical line of the input: its text without markup, and the
// 1-based number of the source line it starts on.
type line struct {
	n    int
	text string
	// emph: the whole line was bold or italic in the source (an unnumbered
	// heading in the body, a signature line).
	emph bool
	// md: the line was a Markdown heading ("## …").
	md bool
}

// checkText refuses what is not text: more than MaxTextBytes or MaxLines,
// bytes that are not UTF-8, control characters other than tab, line and page
// breaks (a binary file). The error names the line.
func checkText(text string) error {
	if len(text) > MaxTextBytes {
		return apperr.New(apperr.CodeInvalid, "planimport.err.too_large", MaxTextBytes>>20)
	}
	if n := strings.Count(text, "\n") + 1; n > MaxLines {
		return apperr.New(apperr.CodeInvalid, "planimport.err.too_many_lines", n, MaxLines)
	}
	ln := 1
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if r == utf8.RuneError && size <= 1 {
			return apperr.New(apperr.CodeInvalid, "planimport.err.encoding", ln)
		}
		switch {
		case r == '\n':
			ln++
		case r == '\t' || r == '\r' || r == '\f' || r == '\u00ad':
		case unicode.IsControl(r) || r == '\ufffe' || r == '\uffff' || (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069'):
			return apperr.New(apperr.CodeInvalid, "planimport.err.binary", ln, fmt.Sprintf("U+%04X", r))
		}
		i += size
	}
	return nil
}

var (
	mdHeading = regexp.MustCompile(`^#{1,6}(\s+|$)`)
	htmlTag   = regexp.MustCompile(`</?[A-Za-z][A-Za-z0-9]*(\s[^<>]{0,80})?/?>`)
	entities  = strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'")
)

// logicalLines turns the text into logical lines. A Markdown emphasis span
// (**…**) left open at the end of a line continues on the next line (converted
// titles broken over lines), unless the line ends with a hard break (two spaces
// or a backslash) or the next line is blank. A line is cut where an emphasis
// marker is glued between two words ("NAM*Hưng Yên…", "2015****1- Kết quả"):
// the converter lost the line break there. Markup is removed.
func logicalLines(text string) []line {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	raw := strings.Split(text, "\n")
	var out []line
	var stack []int // open emphasis markers (1 or 2 asterisks)
	var cur strings.Builder
	curN, md := 0, false
	flush := func() {
		if curN != 0 {
			out = append(out, splitMarkup(cur.String(), curN, md)...)
		}
		cur.Reset()
		curN, md = 0, false
	}
	for i, s := range raw {
		s = strings.ReplaceAll(s, "\f", " ")
		hard := strings.HasSuffix(s, "  ") || strings.HasSuffix(s, `\`)
		t := strings.TrimSpace(strings.ReplaceAll(s, "\u00a0", " "))
		if t == "" {
			flush()
			stack = stack[:0]
			continue
		}
		if curN == 0 {
			curN = i + 1
			if loc := mdHeading.FindStringIndex(t); loc != nil {
				md = true
				t = strings.TrimRight(strings.TrimSpace(t[loc[1]:]), "# ")
			}
		} else {
			cur.WriteByte(' ')
		}
		cur.WriteString(strings.TrimSuffix(t, `\`))
		if strings.Trim(t, "*") != "" { // a line of asterisks only is a separator
			stack = emphasis(t, stack)
		}
		if len(stack) == 0 || hard {
			flush()
		}
	}
	flush()
	return out
}

// emphasis updates the stack of open emphasis markers with the runs of
// asterisks of s: a run closes what is open (** then *) and opens the rest.
func emphasis(s string, stack []int) []int {
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			i += 2
			continue
		}
		if s[i] != '*' {
			i++
			continue
		}
		k := 0
		for i < len(s) && s[i] == '*' {
			k++
			i++
		}
		for k > 0 {
			switch top := len(stack) - 1; {
			case top >= 0 && stack[top] == 2 && k >= 2:
				stack, k = stack[:top], k-2
			case top >= 0 && stack[top] == 1:
				stack, k = stack[:top], k-1
			case k >= 2:
				stack, k = append(stack, 2), k-2
			default:
				stack, k = append(stack, 1), k-1
			}
		}
	}
	return stack
}

// splitMarkup removes the markup of one logical line and cuts it where an
// emphasis run is glued between two words (a lost line break).
func splitMarkup(s string, n int, md bool) []line {
	s = htmlTag.ReplaceAllStringFunc(s, func(t string) string {
		if strings.HasPrefix(strings.ToLower(t), "<br") {
			return " "
		}
		return ""
	})
	s = entities.Replace(s)
	var out []line
	var b strings.Builder
	startRun, lastRune := false, rune(0)
	first, hasText := true, false
	splits := 0 // a header line glued by a converter has a few; more is not a lost line break
	emit := func(endRun bool) {
		t := tidy(b.String())
		if t != "" {
			out = append(out, line{n: n, text: t, emph: startRun && endRun, md: md})
		}
		b.Reset()
		lastRune, hasText = 0, false
	}
	for i := 0; i < len(s); {
		c := s[i]
		if c == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!<>|~\"'", s[i+1]) >= 0 {
			b.WriteByte(s[i+1])
			lastRune, hasText = rune(s[i+1]), true
			i += 2
			first = false
			continue
		}
		if c == '*' {
			j := i
			for j < len(s) && s[j] == '*' {
				j++
			}
			next, _ := utf8.DecodeRuneInString(s[j:])
			switch {
			case first || !hasText:
				startRun = true
			case j == len(s) || strings.TrimSpace(s[j:]) == "":
				emit(true)
			case (isWordRune(lastRune) || lastRune == '.') && isWordRune(next) && splits < maxSplits:
				emit(true)
				startRun = true
				splits++
			}
			i = j
			first = false
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		if r != ' ' {
			lastRune, hasText = r, true
		}
		first = false
		i += size
	}
	emit(false)
	return out
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// tidy is text as kept: NFC, spaces collapsed, and no run of markup
// characters left ("**", "##" are never kept, even escaped).
func tidy(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	for strings.Contains(s, "**") {
		s = strings.ReplaceAll(s, "**", "*")
	}
	for strings.Contains(s, "##") {
		s = strings.ReplaceAll(s, "##", "#")
	}
	return norm.NFC.String(strings.Trim(s, " *"))
}

// upper reports whether s has letters and all of them are capitals.
func upper(s string) bool {
	has := false
	for _, r := range s {
		if unicode.IsLetter(r) {
			if !unicode.IsUpper(r) {
				return false
			}
			has = true
		}
	}
	return has
}

// lowerStart reports whether s starts with a lower-case letter.
func lowerStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsLower(r)
}

// terminated reports whether s ends a sentence (or a clause a list goes on from).
func terminated(s string) bool {
	s = strings.TrimRight(s, " ”\"')»")
	if s == "" {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune(".;:!?…", r)
}

// cut shortens s to n characters for a warning, reading no further.
func cut(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// longer reports whether s has more than n characters, reading no further.
func longer(s string, n int) bool { return len(cut(s, n)) < len(s) }
