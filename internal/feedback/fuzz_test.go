package feedback

import (
	"errors"
	"math"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"danchu/internal/apperr"
)

var trackingCode = regexp.MustCompile(`^(PA|KN)-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$`)

// FuzzTrackingCode: a tracking code as a citizen types it in the look-up
// form (or an Open311 client in service_request_id) gives canonical codes of
// either kind, the typed kind alone when a prefix was typed, both otherwise,
// and each reads back as itself.
func FuzzTrackingCode(f *testing.F) {
	for _, s := range []string{"pa 7k3q 9mxd", "KN-7K3Q-9MXD", "7k3q9mxd", "PA-7K3Q-9MX", "kn-oi1l-9mxd", "PAKN7K3Q9MXD", "PA-PA-7K3Q-9MXD", "", "ıııı-ıııı", "PA-7K3Q-9MXD,KN-7K3Q-9MXD"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		codes, ok := parseCode(typed)
		if !ok {
			if codes != nil {
				t.Fatalf("parseCode(%q) refused with %q", typed, codes)
			}
			return
		}
		if len(codes) != 1 && (len(codes) != 2 || codes[0][:2] != "PA" || codes[1][:2] != "KN" || codes[0][3:] != codes[1][3:]) {
			t.Fatalf("parseCode(%q) = %q", typed, codes)
		}
		for _, c := range codes {
			if !trackingCode.MatchString(c) {
				t.Fatalf("parseCode(%q) = %q, not a tracking code", typed, codes)
			}
			if again, ok := parseCode(c); !ok || len(again) != 1 || again[0] != c {
				t.Fatalf("parseCode(%q) = %q, then %q", typed, c, again)
			}
		}
	})
}

// FuzzParseCategories: a province's category list is read into at most
// MaxCategories valid categories (codes unique, parents known and top-level,
// days 1 to MaxCategoryDays, names without the list's separators) that
// FormatCategories writes back as the same list, or refused with an invalid
// error naming the lines.
func FuzzParseCategories(f *testing.F) {
	for _, s := range []string{"# Tỉnh Thừa Thiên Huế\nmoi-truong | Môi trường | 10\nngap-lut | Ngập lụt, sạt lở | 3 | moi-truong\n\ndat-dai | Đất đai | 15\n",
		"\n# nothing\n", "a | A", "Dat-Dai | Đất đai | 15", "a | A | 1\na | B | 2", "a | A | 0", "a | A | mười", "a | A | 5 | b",
		"a | A | 5\nb | B | 5 | a\nc | C | 5 | b", "a |  | 5", "a | A | +5", "a | A | 05", "a | A | 90", "a | A | 91", "a | A | 5 | a",
		"a | A\rB | 5\r\n", "a | A | 5 | | ", strings.Repeat("a | A | 5\n", 3)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		cs, err := ParseCategories(text)
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
				t.Fatalf("ParseCategories(%q): %v", text, err)
			}
			for name := range e.FieldMsgs {
				if name != "categories" && !strings.HasPrefix(name, linePrefix) {
					t.Fatalf("ParseCategories(%q): field %q", text, name)
				}
			}
			return
		}
		if len(cs) == 0 || len(cs) > MaxCategories {
			t.Fatalf("ParseCategories(%q): %d categories", text, len(cs))
		}
		seen := map[string]Category{}
		for _, c := range cs {
			p, hasParent := seen[c.Parent]
			switch {
			case !validCode(c.Code), seen[c.Code].Code != "":
				t.Fatalf("ParseCategories(%q): code %q", text, c.Code)
			case c.Days < 1 || c.Days > MaxCategoryDays:
				t.Fatalf("ParseCategories(%q): days %d", text, c.Days)
			case c.Name == "" || !utf8.ValidString(c.Name) || strings.ContainsAny(c.Name, "|\n") || c.Name != strings.TrimSpace(c.Name):
				t.Fatalf("ParseCategories(%q): name %q", text, c.Name)
			case c.Parent != "" && (!hasParent || p.Parent != ""):
				t.Fatalf("ParseCategories(%q): parent %q", text, c.Parent)
			}
			seen[c.Code] = c
		}
		for _, line := range strings.Split(text, "\n") {
			if f := strings.Split(line, "|"); len(f) >= 3 && !strings.HasPrefix(strings.TrimSpace(line), "#") {
				if d := strings.TrimSpace(f[2]); strings.Trim(d, "0123456789") != "" {
					t.Fatalf("ParseCategories(%q) read the days %q", text, d)
				}
			}
		}
		again, err := ParseCategories(FormatCategories(cs))
		if err != nil || len(again) != len(cs) {
			t.Fatalf("FormatCategories(ParseCategories(%q)) does not read back: %v", text, err)
		}
		for i := range cs {
			if again[i] != cs[i] {
				t.Fatalf("ParseCategories(%q): %+v reads back as %+v", text, cs[i], again[i])
			}
		}
	})
}

// FuzzOpen311Stamp: an Open311 date (RFC 3339, or a local date and time, or
// a date) is refused with an invalid error or read as an instant that, written
// as the API writes it, reads back as itself to the second.
func FuzzOpen311Stamp(f *testing.F) {
	for _, s := range []string{"2026-01-01", "2026-01-01T00:00:00Z", "2026-01-01T08:00:00", "2026-02-30", "9999-12-31T23:59:59+14:00", "0000-01-01",
		"2026-11-20T08:00:00.123456789+07:00", "2026-11-20T08:00:00+25:00", "hôm qua", "2026-1-1", "+2026-01-01"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		ms, err := parseStamp(s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("parseStamp(%q): %v", s, err)
			}
			return
		}
		want := time.UnixMilli(ms).Truncate(time.Second).UnixMilli()
		if back, err := parseStamp(stamp(ms)); err != nil || back != want {
			t.Fatalf("parseStamp(%q) = %d, written %q, read back %d %v", s, ms, stamp(ms), back, err)
		}
	})
}

// FuzzOpen311Filters: the status filter selects the open, the closed or every
// status, or is refused with an invalid error; the service codes and the
// tracking codes a GET lists are bounded lists of distinct, trimmed values.
func FuzzOpen311Filters(f *testing.F) {
	for _, s := range []string{"open", "closed", "open,closed", "open,,open, closed ,", "OPEN", "pending", "", strings.Repeat("open,", 101)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		values, err := listParam(url.Values{"status": {s}}, "status")
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("listParam(%q): %v", s, err)
			}
			return
		}
		st, err := statusFilter(values)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("statusFilter(%q): %v", values, err)
			}
			for _, v := range values {
				if v != "open" && v != "closed" {
					return
				}
			}
			t.Fatalf("statusFilter(%q) refused open/closed: %v", values, err)
		}
		for _, v := range values {
			if v != "open" && v != "closed" {
				t.Fatalf("statusFilter(%q) took %q", values, v)
			}
		}
		if st != nil && !sameStatuses(st, OpenStatuses) && !sameStatuses(st, ClosedStatuses) {
			t.Fatalf("statusFilter(%q) = %v", values, st)
		}
	})
}

func sameStatuses(a, b StatusList) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzCoords: the lat and long of the web form and of an Open311 POST are
// read as finite decimals (either separator) or refused with an invalid error
// marking the location; a place CheckPlace accepts lies within Vietnam's box.
// The Open311 file names read as requests.json or .xml only.
func FuzzCoords(f *testing.F) {
	f.Add("16.4637", "107.5909", "requests.json")
	f.Add("16,4637", "107,5909", "requests.xml")
	f.Add("NaN", "Inf", "requests.html")
	f.Add("-91", "1e3", "requests")
	f.Add("", "107.5", "a.b.json")
	f.Fuzz(func(t *testing.T, lat, lon, file string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"lat": {lat}, "long": {lon}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		la, lo, err := readCoords(r, "lat", "long")
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || la != nil || lo != nil {
				t.Fatalf("readCoords(%q, %q): %v", lat, lon, err)
			}
			if _, ok := e.FieldMsgs["location"]; !ok {
				t.Fatalf("readCoords(%q, %q): %v does not mark the location", lat, lon, err)
			}
		}
		if (la == nil) != (strings.TrimSpace(lat) == "") && err == nil {
			t.Fatalf("readCoords(%q, %q): lat %v", lat, lon, la)
		}
		if la != nil && lo != nil {
			if math.IsNaN(*la) || math.IsInf(*la, 0) || math.IsNaN(*lo) || math.IsInf(*lo, 0) {
				t.Fatalf("readCoords(%q, %q) = %v, %v", lat, lon, *la, *lo)
			}
			if CheckPlace(*la, *lo) == nil && (*la < 6.5 || *la > 23.4 || *lo < 102.14 || *lo > 117.9) {
				t.Fatalf("CheckPlace accepted %v, %v", *la, *lo)
			}
		}
		base, fm, ok := format(file)
		if ok && ((fm != "json" && fm != "xml") || base+"."+fm != file) {
			t.Fatalf("format(%q) = %q %q", file, base, fm)
		}
	})
}

// An Open311 date whose year in Vietnam's time the API cannot write back
// (RFC 3339 has four digits) is refused (found by FuzzOpen311Stamp: it was
// read, and written back as "10000-01-01T00:00:00+07:00").
func TestOpen311StampYears(t *testing.T) {
	for _, c := range []struct {
		s  string
		ok bool
	}{
		{"9999-12-31T23:59:59+07:00", true},
		{"9999-12-31T17:00:00Z", false},
		{"9999-12-31T7:00:00-10:00", false},
		{"0000-01-01T00:00:00+07:00", true},
		{"0000-01-01T00:00:00+14:00", false},
	} {
		_, err := parseStamp(c.s)
		if c.ok != (err == nil) || (err != nil && apperr.CodeOf(err) != apperr.CodeInvalid) {
			t.Errorf("parseStamp(%q): %v, want accepted %v", c.s, err, c.ok)
		}
	}
}
