package feedback_test

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/feedback"
)

// FuzzOpen311Params: whatever a client types as a comma list or a date
// window, the readers answer a bounded list or an invalid error, and a window
// they accept is at most 90 days, start before end.
func FuzzOpen311Params(f *testing.F) {
	for _, s := range []string{"open,closed", "open,,open, closed ,", strings.Repeat("a,", 150), "", ",,,", "2026-01-01", "2026-01-01T00:00:00Z",
		"2026-02-30", "9999-12-31T23:59:59+14:00", "0000-01-01", "2026-11-20T08:00:00+07:00", "hôm qua"} {
		f.Add(s, s)
	}
	f.Add("2026-01-01", "2026-04-01")
	f.Add("2026-04-01", "2026-01-01")
	f.Fuzz(func(t *testing.T, a, b string) {
		list, err := feedback.ListParam(url.Values{"x": {a, b}}, "x")
		if err != nil && apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Fatalf("list %q %q: %v", a, b, err)
		}
		if len(list) > feedback.MaxListValues || slices.Contains(list, "") {
			t.Fatalf("list %q %q: %q", a, b, list)
		}
		for i, v := range list {
			if strings.Contains(v, ",") || v != strings.TrimSpace(v) || slices.Index(list, v) != i {
				t.Fatalf("list %q %q: %q", a, b, list)
			}
		}
		for _, q := range []url.Values{{"start_date": {a}, "end_date": {b}}, {"start_date": {a}}, {"end_date": {b}}} {
			start, end, err := feedback.Window(q, 1_790_000_000_000)
			if err != nil {
				if apperr.CodeOf(err) != apperr.CodeInvalid {
					t.Fatalf("window %v: %v", q, err)
				}
				continue
			}
			if end < start || end-start > feedback.MaxWindow.Milliseconds() {
				t.Fatalf("window %v accepted as %d..%d", q, start, end)
			}
		}
	})
}

// The window's defaults and limits, as the spec puts them.
func TestOpen311Window(t *testing.T) {
	const now = int64(1_790_000_000_000)
	day := int64(24 * 3600 * 1000)
	for _, c := range []struct {
		name       string
		q          url.Values
		start, end int64
		refused    bool
	}{
		{"neither: the last 90 days", url.Values{}, now - 90*day, now, false},
		{"a start: the 90 days after it", url.Values{"start_date": {"2026-01-01T00:00:00Z"}}, 1767225600000, 1767225600000 + 90*day, false},
		{"an end: the 90 days before it", url.Values{"end_date": {"2026-04-01T00:00:00Z"}}, 1775001600000 - 90*day, 1775001600000, false},
		{"90 days", url.Values{"start_date": {"2026-01-01T00:00:00Z"}, "end_date": {"2026-04-01T00:00:00Z"}}, 1767225600000, 1775001600000, false},
		{"90 days and a second", url.Values{"start_date": {"2026-01-01T00:00:00Z"}, "end_date": {"2026-04-01T00:00:01Z"}}, 0, 0, true},
		{"backwards", url.Values{"start_date": {"2026-02-01"}, "end_date": {"2026-01-01"}}, 0, 0, true},
		{"not a date", url.Values{"start_date": {"01/01/2026"}}, 0, 0, true},
	} {
		start, end, err := feedback.Window(c.q, now)
		if c.refused {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Errorf("%s: %v, want refused", c.name, err)
			}
			continue
		}
		if err != nil || start != c.start || end != c.end {
			t.Errorf("%s: %d..%d %v, want %d..%d", c.name, start, end, err, c.start, c.end)
		}
	}
}
