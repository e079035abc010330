package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"danchu/internal/legal"
)

// FuzzFold: any content line, even one that is not UTF-8, is written as
// physical lines of at most MaxLine octets, each ended by CRLF, continuations
// beginning with a space, that unfold to the line; a valid UTF-8 sequence is
// never split.
func FuzzFold(f *testing.F) {
	for _, s := range []string{"SUMMARY:Họp", "X:" + strings.Repeat("a", 73), "X:" + strings.Repeat("a", 74), "S:" + strings.Repeat("ệ", 100),
		"S:" + strings.Repeat("𝔸", 40), strings.Repeat("\x80", 200), "a\r\nb", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		var b bytes.Buffer
		Fold(&b, line)
		out := b.String()
		if !strings.HasSuffix(out, "\r\n") || len(out) > 2*len(line)+2 {
			t.Fatalf("Fold(%q) = %q", line, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n ")
		for i, l := range lines {
			if len(l)+min(i, 1) > MaxLine {
				t.Fatalf("Fold(%q): line %d is %d octets", line, i, len(l)+min(i, 1))
			}
			if utf8.ValidString(line) && !utf8.ValidString(l) {
				t.Fatalf("Fold(%q) splits a UTF-8 sequence: %q", line, l)
			}
		}
		if got := strings.Join(lines, ""); got != line {
			t.Fatalf("Fold(%q) unfolds to %q", line, got)
		}
	})
}

// FuzzCalendar: whatever officials typed in an event (a title, a place, a
// description, an address), the calendar a phone subscribes to keeps its
// structure: CRLF lines of at most 75 octets in valid UTF-8, no bare CR or
// LF, exactly the properties written (none injected by a line break or a
// colon), and each TEXT value unescapes to what was typed, control
// characters and invalid UTF-8 dropped.
func FuzzCalendar(f *testing.F) {
	f.Add("Họp thôn", "dòng 1\r\ndòng 2\ndòng 3\r", "Nhà văn hóa; thôn 1, xã 2", "/quyet-dinh/1", "vote-1", "danchu.example", "a,b")
	f.Add("x\r\nEND:VEVENT\r\nBEGIN:VEVENT", "\\n\\,", "bad \xff\xfe utf-8", "https://a.vn/x y\r\nX:1", "k\n", "h;o,s\\t", "\x00\x07\x7f")
	f.Add(strings.Repeat("ệ", 60), strings.Repeat("𝔸;", 40), "\t", "", "", "", "")
	f.Fuzz(func(t *testing.T, summary, description, location, link, key, host, category string) {
		start := time.Date(2026, 3, 15, 8, 0, 0, 0, time.UTC)
		c := Calendar{Name: summary, Description: description, URL: link, Host: host, Refresh: time.Hour, Events: []Event{
			{Key: key, Summary: summary, Description: description, Location: location, URL: link, Categories: []string{category, summary},
				Start: start, End: start.Add(time.Hour), Modified: start},
			{Key: key + "2", Summary: location, First: legal.DateOf(2026, 3, 16), Created: start},
		}}
		out := string(c.Bytes())
		if !utf8.ValidString(out) || !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\n") != strings.Count(out, "\r\n") || strings.Count(out, "\r") != strings.Count(out, "\r\n") {
			t.Fatalf("calendar not in CRLF lines of UTF-8: %q", out)
		}
		for _, l := range strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n") {
			if len(l) > MaxLine {
				t.Fatalf("line of %d octets: %q", len(l), l)
			}
		}
		props := map[string][]string{}
		var order []string
		for _, l := range strings.Split(strings.TrimSuffix(strings.ReplaceAll(out, "\r\n ", ""), "\r\n"), "\r\n") {
			name, value, ok := strings.Cut(l, ":")
			if !ok {
				t.Fatalf("a line without a property: %q", l)
			}
			name, _, _ = strings.Cut(name, ";")
			props[name] = append(props[name], value)
			order = append(order, name)
		}
		for name, n := range map[string]int{"BEGIN": 3, "END": 3, "SUMMARY": 2, "DESCRIPTION": 2 * btoi(description != ""), "LOCATION": btoi(location != ""),
			"URL": 2 * btoi(link != ""), "CATEGORIES": 1, "UID": 2, "DTSTART": 2, "STATUS": 2, "SEQUENCE": 2, "NAME": btoi(summary != "")} {
			if len(props[name]) != n {
				t.Fatalf("%d %s properties, want %d: %q", len(props[name]), name, n, out)
			}
		}
		if order[0] != "BEGIN" || order[len(order)-1] != "END" {
			t.Fatalf("calendar not enclosed: %q", out)
		}
		if got := unescape(props["SUMMARY"][0], t); got != typed(location) && got != typed(summary) {
			t.Fatalf("SUMMARY %q, typed %q", got, summary)
		}
		if got := unescape(props["UID"][0], t); got != typed(key+"@"+host) && got != typed(key+"2@"+host) {
			t.Fatalf("UID %q, typed %q", got, key+"@"+host)
		}
		for _, u := range props["URL"] {
			if strings.ContainsFunc(u, func(r rune) bool { return r <= 0x20 || r == 0x7f }) {
				t.Fatalf("URL %q", u)
			}
		}
		if cats := splitText(props["CATEGORIES"][0]); len(cats) != 2 || unescape(cats[0], t) != typed(category) {
			t.Fatalf("CATEGORIES %q, typed %q", props["CATEGORIES"][0], category)
		}
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// typed is what a TEXT value should read as: the text without invalid UTF-8
// and control characters, a tab as a space, every line break a "\n".
func typed(s string) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, ""), "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\r':
			return '\n'
		case r == '\t':
			return ' '
		case r == '\n':
			return r
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}

// unescape reads a TEXT value (§3.3.11); an unescaped , or ; fails t.
func unescape(v string, t *testing.T) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && i+1 < len(v):
			i++
			switch v[i] {
			case 'n', 'N':
				b.WriteByte('\n')
			case '\\', ';', ',':
				b.WriteByte(v[i])
			default:
				t.Fatalf("bad escape in %q", v)
			}
		case c == '\\', c == ';', c == ',':
			t.Fatalf("unescaped %q in %q", c, v)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// splitText splits a list of TEXT values at the commas that are not escaped.
func splitText(v string) []string {
	var out []string
	start := 0
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '\\':
			i++
		case ',':
			out = append(out, v[start:i])
			start = i + 1
		}
	}
	return append(out, v[start:])
}
