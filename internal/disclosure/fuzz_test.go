package disclosure

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"

	"danchu/internal/web"
)

// FuzzDiff: the comparison of two versions shows the older text in its ' '
// and '-' lines and the newer in its ' ' and '+' lines, and its stored script
// rebuilds exactly it; a script that does not fit the texts (a damaged row)
// is refused, never a panic.
func FuzzDiff(f *testing.F) {
	f.Add("a\nb\nc", "a\nx\nc", "=1 -1 +1 =1")
	f.Add("", "một\nhai", "=1")
	f.Add("a\nb", "a\nb", "=9223372036854775807")
	f.Add("a\nb\nc", "a", "=1 -9223372036854775807")
	f.Add("x", "y", "-1 +1 +0 ?1 =")
	f.Fuzz(func(t *testing.T, older, newer, script string) {
		d := Diff(older, newer)
		var a, b []string
		for _, l := range d {
			switch l.Op {
			case ' ':
				a, b = append(a, l.Text), append(b, l.Text)
			case '-':
				a = append(a, l.Text)
			case '+':
				b = append(b, l.Text)
			default:
				t.Fatalf("Diff(%q, %q): op %q", older, newer, l.Op)
			}
		}
		if strings.Join(a, "\n") != older || strings.Join(b, "\n") != newer {
			t.Fatalf("Diff(%q, %q) = %q", older, newer, d)
		}
		back, ok := ApplyScript(EditScript(d), older, newer)
		if !ok || len(back) != len(d) {
			t.Fatalf("ApplyScript(EditScript(Diff(%q, %q))) = %q %v", older, newer, back, ok)
		}
		for i := range d {
			if back[i] != d[i] {
				t.Fatalf("ApplyScript(EditScript(Diff(%q, %q))) = %q", older, newer, back)
			}
		}
		if out, ok := ApplyScript(script, older, newer); ok && len(out) > len(strings.Split(older, "\n"))+len(strings.Split(newer, "\n")) {
			t.Fatalf("ApplyScript(%q) = %d lines", script, len(out))
		}
	})
}

// FuzzAtom: whatever a disclosure's title, summary and unit name hold (as
// the text boundary lets them in), the feed is well-formed XML that reads
// back the same texts: nothing typed closes an element or adds one.
func FuzzAtom(f *testing.F) {
	f.Add("Công khai ngân sách", "Dự toán <b>2026</b> & \"quyết toán\"", "Xã Đan Điền")
	f.Add("]]></title><entry>", "\r\n\t", "a\u2028b")
	f.Add("\ufffe\uffff", "\U0001F600", "")
	f.Fuzz(func(t *testing.T, title, summary, unit string) {
		var err error
		for _, p := range []*string{&title, &summary, &unit} {
			if *p, err = web.Text("", *p); err != nil {
				return
			}
		}
		feed := atomFeed{Lang: "vi", Title: "Công khai — " + unit, ID: "https://x.vn/1", Author: atomPerson{Name: unit},
			Entries: []atomEntry{{Title: title, ID: "https://x.vn/1/2", Category: atomCategory{Term: "1", Label: unit},
				Summary: atomText{Type: "text", Text: web.Excerpt(web.MarkdownText(summary), 280)}}}}
		var b bytes.Buffer
		b.WriteString(xml.Header)
		if err := xml.NewEncoder(&b).Encode(feed); err != nil {
			t.Fatalf("encode: %v", err)
		}
		var back atomFeed
		if err := xml.Unmarshal(b.Bytes(), &back); err != nil {
			t.Fatalf("feed of %q, %q, %q is not XML: %v\n%s", title, summary, unit, err, b.String())
		}
		if len(back.Entries) != 1 || len(back.Link) != 0 {
			t.Fatalf("feed of %q, %q, %q has %d entries", title, summary, unit, len(back.Entries))
		}
		e := back.Entries[0]
		if e.Title != xmlText(title) || e.Category.Label != xmlAttr(unit) || back.Author.Name != xmlText(unit) || e.Summary.Text != xmlText(feed.Entries[0].Summary.Text) {
			t.Fatalf("feed of %q, %q, %q reads back %q, %q, %q", title, summary, unit, e.Title, e.Summary.Text, e.Category.Label)
		}
	})
}

// xmlText is s as XML 1.0 can carry it: a character XML has no place for
// written as U+FFFD (as encoding/xml does).
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		if r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF) {
			return r
		}
		return '\uFFFD'
	}, s)
}

// xmlAttr is s as an attribute reads back (the same as text: encoding/xml
// escapes tab and line breaks in attributes).
func xmlAttr(s string) string { return xmlText(s) }
