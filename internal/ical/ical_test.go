package ical

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"danchu/internal/legal"
)

func TestText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"Họp thôn", "Họp thôn"},
		{`a,b;c\d`, `a\,b\;c\\d`},
		{"dòng 1\r\ndòng 2\ndòng 3\r", `dòng 1\ndòng 2\ndòng 3\n`},
		{"tab\there", "tab here"},
		{"bell\x07 and \x7f gone", "bell and  gone"},
		{"bad \xff\xfe utf-8", "bad  utf-8"},
	} {
		if got := Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// unfold undoes Fold (§3.1): a CRLF followed by one space is removed.
func unfold(s string) string { return strings.ReplaceAll(s, "\r\n ", "") }

func TestFold(t *testing.T) {
	for _, tt := range []struct {
		name string
		line string
	}{
		{"short", "SUMMARY:Họp"},
		{"exactly 75 octets", "X:" + strings.Repeat("a", 73)},
		{"76 octets", "X:" + strings.Repeat("a", 74)},
		{"Vietnamese, 3-octet letters across every fold", "DESCRIPTION:" + strings.Repeat("Nhân dân bàn và quyết định việc xây dựng đường giao thông nông thôn; ", 6)},
		{"only multibyte", "S:" + strings.Repeat("ệ", 100)}, // ệ is 3 octets: 75 is no boundary of them after "S:"
		{"4-octet runes", "S:" + strings.Repeat("𝔸", 40)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			Fold(&b, tt.line)
			out := b.String()
			if !strings.HasSuffix(out, "\r\n") || strings.Count(out, "\n") != strings.Count(out, "\r\n") {
				t.Fatalf("lines not ended by CRLF: %q", out)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			for i, l := range lines {
				if len(l) > MaxLine {
					t.Errorf("line %d is %d octets: %q", i, len(l), l)
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d splits a UTF-8 sequence: %q", i, l)
				}
				if i > 0 && !strings.HasPrefix(l, " ") {
					t.Errorf("continuation line %d does not start with a space: %q", i, l)
				}
				if i < len(lines)-1 && len(l) < MaxLine-3 {
					t.Errorf("line %d folded early (%d octets): %q", i, len(l), l)
				}
			}
			if got := unfold(strings.TrimSuffix(out, "\r\n")); got != tt.line {
				t.Errorf("unfolded %q, want %q", got, tt.line)
			}
			if wantLines := 1; len(tt.line) <= MaxLine && len(lines) != wantLines {
				t.Errorf("a line of %d octets was folded into %d", len(tt.line), len(lines))
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	ict := time.FixedZone("ICT", 7*3600)
	created := time.Date(2026, 11, 1, 9, 0, 0, 0, ict)
	changed := time.Date(2026, 11, 20, 20, 30, 0, 0, ict)
	c := Calendar{Name: "Lịch Xã Đan Điền", Description: "Họp, biểu quyết, lấy ý kiến", URL: "https://x.vn/xa/19885", Host: "x.vn", Refresh: 6 * time.Hour,
		Events: []Event{
			{Key: "consultation-2", Summary: "Lấy ý kiến: Quy chế, dự thảo; lần 2", First: legal.DateOf(2026, 11, 25), Last: legal.DateOf(2026, 12, 14),
				URL: "https://x.vn/lay-y-kien/2", Created: created, Modified: changed, Categories: []string{"Lấy ý kiến", "a,b"}},
			{Key: "vote-1", Summary: "Họp thôn", Description: "Dòng 1\nDòng 2", Location: "Thôn Đông Phước, Xã Đan Điền", First: legal.DateOf(2026, 11, 20),
				Created: created, Modified: created, Sequence: 2, Cancelled: true, Busy: true},
			{Key: "meet-3", Summary: "Tiếp công dân", Start: time.Date(2026, 11, 20, 8, 0, 0, 0, ict), End: time.Date(2026, 11, 20, 11, 30, 0, 0, ict), Created: created},
		}}
	out := string(c.Bytes())
	if strings.Count(out, "\n") != strings.Count(out, "\r\n") {
		t.Fatalf("a bare LF: %q", out)
	}
	lines := strings.Split(unfold(out), "\r\n")
	if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-2] != "END:VCALENDAR" || lines[len(lines)-1] != "" {
		t.Errorf("not one VCALENDAR: first %q, last %q", lines[0], lines[len(lines)-2])
	}
	has := func(want ...string) {
		t.Helper()
		for _, w := range want {
			found := false
			for _, l := range lines {
				found = found || l == w
			}
			if !found {
				t.Errorf("no line %q in\n%s", w, out)
			}
		}
	}
	has("VERSION:2.0", "PRODID:-//danchu//Dan chu o co so//VI", "NAME:Lịch Xã Đan Điền", "X-WR-CALNAME:Lịch Xã Đan Điền",
		`DESCRIPTION:Họp\, biểu quyết\, lấy ý kiến`, "REFRESH-INTERVAL;VALUE=DURATION:PT6H", "X-PUBLISHED-TTL:PT6H",
		// an all-day window: DTEND is the day after the last (exclusive)
		"UID:consultation-2@x.vn", "DTSTART;VALUE=DATE:20261125", "DTEND;VALUE=DATE:20261215", `SUMMARY;LANGUAGE=vi:Lấy ý kiến: Quy chế\, dự thảo\; lần 2`,
		"URL;VALUE=URI:https://x.vn/lay-y-kien/2", `CATEGORIES;LANGUAGE=vi:Lấy ý kiến,a\,b`, "DTSTAMP:20261120T133000Z", "LAST-MODIFIED:20261120T133000Z",
		"CREATED:20261101T020000Z", "STATUS:CONFIRMED", "TRANSP:TRANSPARENT", "SEQUENCE:0",
		// one day, cancelled, revised twice
		"UID:vote-1@x.vn", "DTSTART;VALUE=DATE:20261120", "DTEND;VALUE=DATE:20261121", `DESCRIPTION;LANGUAGE=vi:Dòng 1\nDòng 2`,
		`LOCATION;LANGUAGE=vi:Thôn Đông Phước\, Xã Đan Điền`, "STATUS:CANCELLED", "TRANSP:OPAQUE", "SEQUENCE:2",
		// timed: in UTC; no LAST-MODIFIED given, DTSTAMP is its creation
		"UID:meet-3@x.vn", "DTSTART:20261120T010000Z", "DTEND:20261120T043000Z", "DTSTAMP:20261101T020000Z")
	// Sorted by start: the vote day (00:00 in Vietnam) before the timed one (08:00) before the window.
	order := []string{}
	for _, l := range lines {
		if strings.HasPrefix(l, "UID:") {
			order = append(order, l)
		}
	}
	if strings.Join(order, " ") != "UID:vote-1@x.vn UID:meet-3@x.vn UID:consultation-2@x.vn" {
		t.Errorf("events in order %q", order)
	}
	if strings.Count(out, "BEGIN:VEVENT") != 3 || strings.Count(out, "END:VEVENT") != 3 {
		t.Errorf("want 3 events:\n%s", out)
	}
	if again := string(c.Bytes()); again != out {
		t.Error("the same events wrote different bytes")
	}
}

func TestDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{6 * time.Hour: "PT6H", 90 * time.Minute: "PT90M", 48 * time.Hour: "P2D", 0: "PT1M"} {
		if got := duration(d); got != want {
			t.Errorf("duration(%v) = %q, want %q", d, got, want)
		}
	}
}

// A line of bytes that are not UTF-8 (no rune starts within 75 octets) is
// still folded: Fold looped forever on it, writing empty lines (found by
// FuzzFold). The writers sanitise their values, so no calendar carried one.
func TestFoldNotUTF8(t *testing.T) {
	line := strings.Repeat("\x80", 200)
	var b bytes.Buffer
	Fold(&b, line)
	if got := unfold(strings.TrimSuffix(b.String(), "\r\n")); got != line || strings.Count(b.String(), "\r\n") != 3 {
		t.Errorf("folded %q", b.String())
	}
}
