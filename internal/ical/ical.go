// Package ical writes iCalendar (RFC 5545) calendars people subscribe to on a
// phone: a commune's meetings, vote days and consultation windows. It knows
// nothing of where events come from; the capabilities make Events and the
// calendar room (internal/calendar) serves them.
//
// What it writes: CRLF line ends; lines folded at 75 octets, never inside a
// UTF-8 sequence; TEXT values escaped (\\ \; \, \n) with control characters
// and invalid UTF-8 dropped; UIDs "<event's key>@<host>", stable as long as the
// event is; all-day events as DTSTART;VALUE=DATE with DTEND the day after the
// last (exclusive, §3.6.1); timed events in UTC (…Z), so no VTIMEZONE is
// needed. There is no METHOD, so DTSTAMP is the event's last revision
// (§3.8.7.2) and a calendar of unchanged events is the same bytes each time.
package ical

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"danchu/internal/legal"
)

// ContentType is the media type of a calendar.
const ContentType = "text/calendar; charset=utf-8"

// Event is one VEVENT. It is all-day when First is set (First to Last,
// inclusive; a zero Last is First), else timed from Start to End.
type Event struct {
	Key         string // unique and stable within the host ("vote-123"); the UID is Key@host
	Summary     string
	Description string
	Location    string
	URL         string // the event's page; a path ("/quyet-dinh/1") is made absolute by the server
	Categories  []string
	First, Last legal.Date
	Start, End  time.Time
	Created     time.Time
	Modified    time.Time // LAST-MODIFIED and DTSTAMP; moves whenever what the event says changes
	Sequence    int       // revisions of its dates or status (RFC 5545 §3.8.7.4)
	Cancelled   bool      // STATUS:CANCELLED (else CONFIRMED)
	Busy        bool      // TRANSP:OPAQUE (a meeting); else TRANSPARENT (a window of days)
}

// Calendar is a VCALENDAR.
type Calendar struct {
	Name        string        // NAME (RFC 7986) and X-WR-CALNAME
	Description string        // DESCRIPTION (RFC 7986) and X-WR-CALDESC
	URL         string        // the page the calendar belongs to
	Host        string        // the right-hand side of every UID
	Refresh     time.Duration // REFRESH-INTERVAL (RFC 7986) and X-PUBLISHED-TTL: how often to fetch it again
	Events      []Event
}

// Bytes writes the calendar; events are sorted by start then key, so the
// output depends only on the events.
func (c Calendar) Bytes() []byte {
	evs := append([]Event(nil), c.Events...)
	sort.SliceStable(evs, func(i, j int) bool {
		si, sj := evs[i].start(), evs[j].start()
		if !si.Equal(sj) {
			return si.Before(sj)
		}
		return evs[i].Key < evs[j].Key
	})
	var w writer
	w.line("BEGIN", "", "VCALENDAR")
	w.line("VERSION", "", "2.0")
	w.line("PRODID", "", "-//danchu//Dan chu o co so//VI")
	w.line("CALSCALE", "", "GREGORIAN")
	if c.Name != "" {
		w.line("NAME", "", Text(c.Name))
		w.line("X-WR-CALNAME", "", Text(c.Name))
	}
	if c.Description != "" {
		w.line("DESCRIPTION", "", Text(c.Description))
		w.line("X-WR-CALDESC", "", Text(c.Description))
	}
	if c.URL != "" {
		w.line("URL", ";VALUE=URI", uri(c.URL))
	}
	w.line("X-WR-TIMEZONE", "", "Asia/Ho_Chi_Minh")
	if c.Refresh > 0 {
		d := duration(c.Refresh)
		w.line("REFRESH-INTERVAL", ";VALUE=DURATION", d)
		w.line("X-PUBLISHED-TTL", "", d)
	}
	for _, e := range evs {
		e.write(&w, c.Host)
	}
	w.line("END", "", "VCALENDAR")
	return w.b.Bytes()
}

func (e Event) start() time.Time {
	if !e.First.IsZero() {
		return time.Date(e.First.Year, e.First.Month, e.First.Day, 0, 0, 0, 0, vietnam)
	}
	return e.Start
}

// vietnam is UTC+7 all year (no summer time): where an all-day event's day begins.
var vietnam = time.FixedZone("ICT", 7*3600)

func (e Event) write(w *writer, host string) {
	w.line("BEGIN", "", "VEVENT")
	w.line("UID", "", Text(e.Key+"@"+host))
	stamp := e.Modified
	if stamp.IsZero() {
		stamp = e.Created
	}
	w.line("DTSTAMP", "", utc(stamp))
	if !e.First.IsZero() {
		last := e.Last
		if last.IsZero() || last.Before(e.First) {
			last = e.First
		}
		w.line("DTSTART", ";VALUE=DATE", date(e.First))
		w.line("DTEND", ";VALUE=DATE", date(last.AddDays(1)))
	} else {
		end := e.End
		if end.Before(e.Start) {
			end = e.Start
		}
		w.line("DTSTART", "", utc(e.Start))
		w.line("DTEND", "", utc(end))
	}
	w.line("SUMMARY", ";LANGUAGE=vi", Text(e.Summary))
	if e.Description != "" {
		w.line("DESCRIPTION", ";LANGUAGE=vi", Text(e.Description))
	}
	if e.Location != "" {
		w.line("LOCATION", ";LANGUAGE=vi", Text(e.Location))
	}
	if e.URL != "" {
		w.line("URL", ";VALUE=URI", uri(e.URL))
	}
	if len(e.Categories) > 0 {
		cs := make([]string, len(e.Categories))
		for i, c := range e.Categories {
			cs[i] = Text(c)
		}
		w.line("CATEGORIES", ";LANGUAGE=vi", strings.Join(cs, ","))
	}
	if e.Cancelled {
		w.line("STATUS", "", "CANCELLED")
	} else {
		w.line("STATUS", "", "CONFIRMED")
	}
	if e.Busy {
		w.line("TRANSP", "", "OPAQUE")
	} else {
		w.line("TRANSP", "", "TRANSPARENT")
	}
	w.line("SEQUENCE", "", fmt.Sprint(max(e.Sequence, 0)))
	if !e.Created.IsZero() {
		w.line("CREATED", "", utc(e.Created))
	}
	if !e.Modified.IsZero() {
		w.line("LAST-MODIFIED", "", utc(e.Modified))
	}
	w.line("END", "", "VEVENT")
}

// Text escapes a TEXT value (§3.3.11): backslash, semicolon, comma and line
// breaks; other control characters and invalid UTF-8 are dropped.
func Text(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\':
			b.WriteString(`\\`)
		case r == ';':
			b.WriteString(`\;`)
		case r == ',':
			b.WriteString(`\,`)
		case r == '\n' || r == '\r':
			b.WriteString(`\n`)
		case r == '\t':
			b.WriteRune(' ')
		case r < 0x20 || r == 0x7f:
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// uri keeps a URI value on its line: no control characters, no spaces.
func uri(s string) string {
	return strings.Map(func(r rune) rune {
		if r <= 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

func utc(t time.Time) string   { return t.UTC().Format("20060102T150405Z") }
func date(d legal.Date) string { return fmt.Sprintf("%04d%02d%02d", d.Year, d.Month, d.Day) }

// duration is an RFC 5545 dur-value of whole minutes ("PT6H", "PT90M", "P1D").
func duration(d time.Duration) string {
	m := int(d / time.Minute)
	switch {
	case m <= 0:
		return "PT1M"
	case m%(24*60) == 0:
		return fmt.Sprintf("P%dD", m/(24*60))
	case m%60 == 0:
		return fmt.Sprintf("PT%dH", m/60)
	}
	return fmt.Sprintf("PT%dM", m)
}

// MaxLine is the longest content line, in octets, without its CRLF (§3.1).
const MaxLine = 75

// writer writes content lines folded at MaxLine octets.
type writer struct{ b bytes.Buffer }

func (w *writer) line(name, params, value string) {
	Fold(&w.b, name+params+":"+value)
}

// Fold writes one content line: at most MaxLine octets per physical line, a
// continuation line beginning with one space (which counts), every line ended
// by CRLF; a fold never splits a UTF-8 sequence.
func Fold(b *bytes.Buffer, s string) {
	limit := MaxLine
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		if cut == 0 { // no rune starts in the line (bytes that are not UTF-8): cut anyway, or this loops forever
			cut = limit
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = MaxLine - 1
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}
