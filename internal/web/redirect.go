package web

import (
	"net/url"
	"strings"
	"unicode/utf8"
)

// SafeNext is the one decision on where a user-supplied redirect target (next=
// after signing in, the language switch) may send a browser: a path on this
// site, or "/" for anything else. It refuses, in the value as given and in each
// percent-decoded form of it, what a browser could read as another site: "//host"
// and "/\host" (browsers treat a backslash as a slash), schemes ("javascript:",
// "https://x"), control characters (a browser drops a tab or a newline, so
// "/\t/host" becomes "//host"), spaces, and invalid UTF-8.
func SafeNext(raw string) string {
	if !localPath(raw, true) {
		return "/"
	}
	s := raw
	for range 3 { // %252F%252F decodes twice to //
		d, err := url.PathUnescape(s)
		if err != nil {
			return "/"
		}
		if d == s {
			break
		}
		if !localPath(d, false) {
			return "/"
		}
		s = d
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") {
		return "/"
	}
	return raw
}

// localPath reports whether s starts like a path on this site. A decoded form
// (strict false) may hold spaces, which a search query does.
func localPath(s string, strict bool) bool {
	if len(s) == 0 || len(s) > 2048 || s[0] != '/' || !utf8.ValidString(s) {
		return false
	}
	if len(s) > 1 && (s[1] == '/' || s[1] == '\\') {
		return false
	}
	for _, r := range s {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '\u2028', r == '\u2029':
			return false
		case strict && (r == ' ' || r == '\\'):
			return false
		}
	}
	return true
}
