package steering

import (
	"strings"
	"testing"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/legal"
)

// FuzzMemberCheck: a member's form is accepted only within its bounds, trimmed
// and on one line; anything else is refused as invalid input, never a panic
// or another code.
func FuzzMemberCheck(f *testing.F) {
	f.Add("head", "Nguyễn Văn A", "Bí thư Tỉnh ủy", "Chỉ đạo chung", "125-QĐ/TU", "2026-03-05")
	f.Add("member", " ", "x\ny", strings.Repeat("a", MaxArea+1), "", "2026-13-01")
	f.Add("deputy", "\xff", "Chủ tịch", "", "1/QĐ", "05/03/2026")
	today := legal.DateOf(2026, 3, 10)
	f.Fuzz(func(t *testing.T, pos, name, office, area, number, date string) {
		d := MemberDraft{Position: Position(pos), Name: name, Office: office, Area: area, Decision: Decision{Number: number}}
		d.Decision.Date, _ = legal.ParseDate(date)
		got, err := d.Check(today)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("code %s: %v", apperr.CodeOf(err), err)
			}
			return
		}
		for _, s := range []string{got.Name, got.Office, got.Decision.Number} {
			if s == "" || s != strings.TrimSpace(s) || strings.ContainsAny(s, "\r\n") || utf8.RuneCountInString(s) > MaxName {
				t.Fatalf("accepted %q", s)
			}
		}
		if !got.Position.Valid() || today.Before(got.Decision.Date) || got.Decision.Date.IsZero() || utf8.RuneCountInString(got.Area) > MaxArea {
			t.Fatalf("accepted %+v", got)
		}
	})
}

// FuzzMeetingCheck: a meeting is accepted only with a date not after today,
// a time of day or none, a place, a chair and a content within bounds; its
// attendees are trimmed and non-empty.
func FuzzMeetingCheck(f *testing.F) {
	f.Add("2026-03-09", "08:00", "Hội trường", "Chủ trì", "A\n\nB", "Nội dung")
	f.Add("2026-03-11", "25:61", "", "x\ny", " ", "")
	f.Add("09/03/2026", "8:0", "\t", "a", "\xff", "b")
	today := legal.DateOf(2026, 3, 10)
	f.Fuzz(func(t *testing.T, date, at, place, chair, attendees, content string) {
		d := MeetingDraft{StartsAt: at, Place: place, Chair: chair, Attendees: strings.Split(attendees, "\n"), Content: content}
		d.HeldOn, _ = legal.ParseDate(date)
		got, err := d.Check(today)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("code %s: %v", apperr.CodeOf(err), err)
			}
			return
		}
		if got.HeldOn.IsZero() || today.Before(got.HeldOn) || (got.StartsAt != "" && !validTime(got.StartsAt)) || got.Place == "" || got.Chair == "" || got.Content == "" {
			t.Fatalf("accepted %+v", got)
		}
		for _, a := range got.Attendees {
			if a == "" || a != strings.TrimSpace(a) {
				t.Fatalf("attendee %q", a)
			}
		}
		// Minutes are made of anything accepted.
		doc := Meeting{HeldOn: got.HeldOn, StartsAt: got.StartsAt, Place: got.Place, Chair: got.Chair, Attendees: got.Attendees, Content: got.Content}.Minutes(Issuer{}, "")
		if len(doc.Body) < 5 || doc.Kind != "BIÊN BẢN" {
			t.Fatalf("minutes of %+v: %+v", got, doc)
		}
	})
}
