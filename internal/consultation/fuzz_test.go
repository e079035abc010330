package consultation

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"danchu/internal/apperr"
)

// FuzzParseParts: a draft typed in one box splits into parts numbered 1..n,
// each with a heading, bodies trimmed, and no text but headings and bodies:
// what was typed (spaces aside) is all there, in order, nothing added but the
// first part's "Phần 1" when the draft starts without a heading.
func FuzzParseParts(f *testing.F) {
	for _, s := range []string{"## Giao thông\nLàm đường\n\n## Điện\nKéo điện", "Điều 1. Phạm vi\nnội dung\nChương II\nĐiều 2.", "Lời mở đầu\n## A", "##  \n## B", "\r\n\r\n", "## ", "Điều  ", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		parts := ParseParts(text)
		var all strings.Builder
		for i, p := range parts {
			if p.N != i+1 || strings.TrimSpace(p.Heading) == "" || p.Body != strings.TrimSpace(p.Body) || p.Title() == "" {
				t.Fatalf("ParseParts(%q): part %d = %+v", text, i, p)
			}
			if utf8.ValidString(text) && (!utf8.ValidString(p.Heading) || !utf8.ValidString(p.Body)) {
				t.Fatalf("ParseParts(%q): part %d not UTF-8", text, i)
			}
			if !(i == 0 && p.Heading == "Phần 1" && !strings.Contains(text, "Phần 1")) {
				all.WriteString(p.Heading)
			}
			all.WriteString(p.Body)
		}
		squash := func(s string) string { return strings.Join(strings.Fields(strings.ReplaceAll(s, "#", "")), "") }
		if squash(all.String()) != squash(text) {
			t.Fatalf("ParseParts(%q) keeps %q", text, all.String())
		}
	})
}

// FuzzCheckComment: a comment is accepted only with a text of 1 to
// MaxComment characters of UTF-8, a known stance and a part of the draft, and
// else refused with an invalid error naming each bad field.
func FuzzCheckComment(f *testing.F) {
	f.Add("Đồng ý", Agree, 0, 3)
	f.Add("  ", "maybe", -1, 3)
	f.Add("\xff", Suggest, 4, 3)
	f.Fuzz(func(t *testing.T, body, stance string, part, parts int) {
		err := CheckComment(body, stance, part, parts)
		n := utf8.RuneCountInString(strings.TrimSpace(body))
		good := map[string]bool{
			"body":   n > 0 && n <= MaxComment && utf8.ValidString(body),
			"stance": stance == Agree || stance == Disagree || stance == Suggest,
			"part":   part >= 0 && part <= parts,
		}
		if err == nil {
			for field, ok := range good {
				if !ok {
					t.Fatalf("CheckComment(%q, %q, %d, %d) accepted a bad %s", body, stance, part, parts, field)
				}
			}
			return
		}
		e := asInvalid(t, err)
		for field, ok := range good {
			if _, marked := e[field]; marked == ok {
				t.Fatalf("CheckComment(%q, %q, %d, %d): %s marked %v", body, stance, part, parts, field, marked)
			}
		}
	})
}

// asInvalid is the field messages of an invalid error (failing t otherwise).
func asInvalid(t *testing.T, err error) map[string]apperr.Msg {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
		t.Fatalf("%v: not an invalid error", err)
	}
	return e.FieldMsgs
}
