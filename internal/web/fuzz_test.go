package web

// Fuzz targets of the kernel's readers of outside input (see "Fuzzing" in
// docs/ARCHITECTURE.md). go test replays their seeds (f.Add and
// testdata/fuzz/FuzzXxx); go test -fuzz '^FuzzXxx$' explores.

import (
	"bytes"
	"encoding/csv"
	"errors"
	"math"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"

	"danchu/internal/apperr"
)

// FuzzParseNumber: a whole number typed in a form is read exactly (what was
// typed, its spaces and leading zeros aside, is the number's decimal form,
// from 0 to MaxNumber) or refused with one of the three messages; what is read
// reads back the same.
func FuzzParseNumber(f *testing.F) {
	for _, s := range []string{"70", " 70 ", "0", "007", "999999999", "1000000000", "99999999999999999999", "70 hộ", "-3", "+3",
		"7 0", "1.000", "١٢", "1e3", "", "   ", "\u00a070\u00a0", "０１", "9223372036854775808", "\x80"} {
		f.Add(s)
	}
	label := M("web.pager.label")
	f.Fuzz(func(t *testing.T, s string) {
		x, msg := ParseNumber(s, label)
		if msg.Key != "" {
			switch msg.Key {
			case "web.err.number_required", "web.err.number", "web.err.number_too_large":
			default:
				t.Fatalf("ParseNumber(%q): message %q", s, msg.Key)
			}
			if x != 0 {
				t.Fatalf("ParseNumber(%q) refused but gave %d", s, x)
			}
			return
		}
		if x < 0 || x > MaxNumber {
			t.Fatalf("ParseNumber(%q) = %d, out of range", s, x)
		}
		digits := strings.TrimLeft(strings.TrimSpace(s), "0")
		if digits == "" {
			digits = "0"
		}
		if strconv.Itoa(x) != digits {
			t.Fatalf("ParseNumber(%q) = %d: not what was typed", s, x)
		}
		if y, m := ParseNumber(strconv.Itoa(x), label); y != x || m.Key != "" {
			t.Fatalf("ParseNumber(Itoa(%d)) = %d %q", x, y, m.Key)
		}
	})
}

// M is apperr.M (short, for the targets).
var M = apperr.M

// FuzzFormNumbers: the numbers of a posted form, required, optional and
// decimal, are read or the form is refused with an invalid error naming each
// bad field; a refused field reads 0 and a good one is never marked.
func FuzzFormNumbers(f *testing.F) {
	f.Add("70", "", "16.4637", "-107,5")
	f.Add("x", "5", "NaN", "1e3")
	f.Add("", "-1", "Inf", "0x10")
	f.Add(" 12 ", "0", "1,5", "-0")
	f.Add("12", "12", "123456789012345678", "1.2.3")
	label := M("web.pager.label")
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"a": {a}, "b": {b}, "c": {c}, "d": {d}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		n := FormNumbers(r)
		av := n.Int("a", label)
		bv := n.Optional("b", label, 7)
		cv, cok := n.Decimal("c", label)
		dv, dok := n.Decimal("d", label)
		bad := map[string]bool{}
		if _, m := ParseNumber(a, label); m.Key != "" {
			bad["a"] = true
		}
		if _, m := ParseNumber(b, label); m.Key != "" && m.Key != "web.err.number_required" {
			bad["b"] = true
		}
		for name, v := range map[string]string{"c": c, "d": d} {
			if s := strings.TrimSpace(v); s != "" {
				if _, ok := parseDecimal(s); !ok {
					bad[name] = true
				}
			}
		}
		err := n.Err()
		if len(bad) == 0 {
			if err != nil {
				t.Fatalf("%q %q %q %q: %v", a, b, c, d, err)
			}
		} else {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
				t.Fatalf("%q %q %q %q: %v, want an invalid error", a, b, c, d, err)
			}
			for _, name := range []string{"a", "b", "c", "d"} {
				if _, marked := e.FieldMsgs[name]; marked != bad[name] {
					t.Fatalf("%q %q %q %q: field %s marked %v, bad %v", a, b, c, d, name, marked, bad[name])
				}
			}
		}
		if (bad["a"] && av != 0) || (bad["b"] && bv != 0) || (strings.TrimSpace(b) == "" && bv != 7) {
			t.Fatalf("%q %q: read %d %d", a, b, av, bv)
		}
		for _, x := range []struct {
			v  float64
			ok bool
			s  string
		}{{cv, cok, c}, {dv, dok, d}} {
			if x.ok && (math.IsNaN(x.v) || math.IsInf(x.v, 0)) {
				t.Fatalf("Decimal(%q) = %v", x.s, x.v)
			}
		}
	})
}

// FuzzParseDecimal: a decimal is digits with at most one separator and a
// leading minus, and reads as the same number whichever separator was typed.
func FuzzParseDecimal(f *testing.F) {
	for _, s := range []string{"16.4637", "16,4637", "-107.5", "-0", "1e3", "NaN", "Inf", "0x10", "1_000", "1.2.3", "1,2,3", ".5", "5.", "-",
		"123456789012345678", "1234567890123456789", "+5", "--5", "1,5.3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, ok := parseDecimal(s)
		if !ok {
			return
		}
		if math.IsNaN(x) || math.IsInf(x, 0) || math.Abs(x) >= 1e18 {
			t.Fatalf("parseDecimal(%q) = %v", s, x)
		}
		body := strings.TrimPrefix(s, "-")
		if strings.Count(body, ".")+strings.Count(body, ",") > 1 || strings.Trim(body, "0123456789.,") != "" || body == "" || !strings.ContainsAny(body[:1], "0123456789") {
			t.Fatalf("parseDecimal(%q) accepted %v", s, x)
		}
		other := strings.NewReplacer(",", ".", ".", ",").Replace(s)
		if y, ok := parseDecimal(other); !ok || y != x {
			t.Fatalf("parseDecimal(%q) = %v but parseDecimal(%q) = %v %v", s, x, other, y, ok)
		}
	})
}

// FuzzParams: page numbers, keyset cursors (?truoc=, ?sau=) and IDs are
// positive whole numbers in range, their decimal form exactly, or an invalid
// error marking the parameter.
func FuzzParams(f *testing.F) {
	for _, s := range []string{"1", "2", "0", "-1", "+1", "10000", "10001", "9223372036854775807", "9223372036854775808", "01", " 1", "1 ", "1e3", "١", "abc", "%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseID(s)
		if ok && (id <= 0 || strconv.FormatInt(id, 10) != strings.TrimLeft(s, "0")) {
			t.Fatalf("ParseID(%q) = %d", s, id)
		}
		if !ok && id != 0 {
			t.Fatalf("ParseID(%q) refused with %d", s, id)
		}
		r := httptest.NewRequest("GET", "/?"+url.Values{"trang": {s}, "truoc": {s}}.Encode(), nil)
		page, err := PageParam(r, "trang")
		switch {
		case s == "" && (page != 1 || err != nil):
			t.Fatalf("PageParam(%q) = %d %v", s, page, err)
		case s != "" && err == nil && (!ok || page < 1 || page > MaxPage || int64(page) != id):
			t.Fatalf("PageParam(%q) = %d", s, page)
		case s != "" && err != nil && (ok && id <= MaxPage || !marks(err, "trang")):
			t.Fatalf("PageParam(%q): %v", s, err)
		}
		cur, err := CursorParam(r, "truoc")
		switch {
		case s == "" && (cur != 0 || err != nil):
			t.Fatalf("CursorParam(%q) = %d %v", s, cur, err)
		case s != "" && err == nil && cur != id:
			t.Fatalf("CursorParam(%q) = %d, ParseID %d", s, cur, id)
		case s != "" && err != nil && (ok || !marks(err, "truoc")):
			t.Fatalf("CursorParam(%q): %v", s, err)
		}
	})
}

// marks reports whether err is an invalid error marking field.
func marks(err error, field string) bool {
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
		return false
	}
	_, ok := e.FieldMsgs[field]
	return ok
}

// FuzzDecodeCursor: the API's opaque cursor reads back what EncodeCursor
// wrote, and anything else is 0 or an invalid error marking "cursor".
func FuzzDecodeCursor(f *testing.F) {
	for _, s := range []string{"", EncodeCursor(1), EncodeCursor(1 << 62), "YzE6MA", "YzE6LTE", "YzE6", "c1:5", "====", strings.Repeat("A", 65)} {
		f.Add(s, int64(42))
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		got, err := DecodeCursor(s)
		switch {
		case err != nil && !marks(err, "cursor"):
			t.Fatalf("DecodeCursor(%q): %v", s, err)
		case err != nil && got != 0:
			t.Fatalf("DecodeCursor(%q) refused with %d", s, got)
		case err == nil && s == "" && got != 0:
			t.Fatalf("DecodeCursor(\"\") = %d", got)
		case err == nil && s != "" && got <= 0:
			t.Fatalf("DecodeCursor(%q) = %d", s, got)
		}
		if n > 0 {
			if back, err := DecodeCursor(EncodeCursor(n)); err != nil || back != n {
				t.Fatalf("DecodeCursor(EncodeCursor(%d)) = %d %v", n, back, err)
			}
		}
	})
}

// markdownTags are the elements Markdown writes, and the attributes each may carry.
var markdownTags = map[string][]string{"p": nil, "br": nil, "h2": nil, "h3": nil, "h4": nil, "ul": nil, "ol": nil, "li": nil,
	"strong": nil, "em": nil, "a": {"href", "rel"}}

// FuzzMarkdown: whatever an official types, the HTML holds only the subset's
// elements, a link only to an http(s) address with rel="nofollow noopener", no
// other attribute; the text of the page is the text typed (in order, nothing
// added but marks); the output is valid UTF-8 when the input is, and bounded.
func FuzzMarkdown(f *testing.F) {
	for _, s := range []string{"Dòng một\ndòng hai\n\nĐoạn **hai**", "# Tiêu đề\n- một\n- *hai*\n1. ba", `<script>alert(1)</script><img src=x onerror="alert(2)">`,
		"[quyết định](https://hue.gov.vn/qd?a=1&b=2) [x](javascript:alert(1)) [y](data:text/html,hi)", `[a" onmouseover="x](https://e.vn/"x)`,
		"[**x**](https://a.vn) ***y*** *[z](https://b.vn)*", "#### sâu\n1) một\n2) hai\n* ba", "[a](https://a.vn/&quot;onmouseover=&quot;x)",
		"[a](https://a.vn/<b>)", "[a](//evil.vn) [b](https:evil) [c](HTTPS://X.VN)", "\r\n\r\n- \r\n", "**&lt;b&gt;**", "[&#34;](https://a.vn/&#34;)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		out := string(Markdown(src))
		if utf8.ValidString(src) && !utf8.ValidString(out) {
			t.Fatalf("Markdown(%q) = %q: invalid UTF-8", src, out)
		}
		if len(out) > 40+12*len(src) {
			t.Fatalf("Markdown of %d bytes wrote %d", len(src), len(out))
		}
		z := xhtml.NewTokenizer(strings.NewReader(out))
		var text strings.Builder
		for {
			tt := z.Next()
			if tt == xhtml.ErrorToken {
				break
			}
			tok := z.Token()
			switch tt {
			case xhtml.TextToken:
				text.WriteString(tok.Data)
			case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
				allowed, ok := markdownTags[tok.Data]
				if !ok {
					t.Fatalf("Markdown(%q) wrote <%s>: %q", src, tok.Data, out)
				}
				for _, a := range tok.Attr {
					if !strings.Contains(strings.Join(allowed, " "), a.Key) {
						t.Fatalf("Markdown(%q) wrote the attribute %s: %q", src, a.Key, out)
					}
					switch a.Key {
					case "href":
						u, err := url.Parse(a.Val)
						if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
							t.Fatalf("Markdown(%q) links to %q", src, a.Val)
						}
					case "rel":
						if a.Val != "nofollow noopener" {
							t.Fatalf("Markdown(%q): rel=%q", src, a.Val)
						}
					}
				}
			default:
				t.Fatalf("Markdown(%q) wrote a %v token: %q", src, tt, out)
			}
		}
		// Every letter shown was typed: the shown text, without spaces, is a
		// subsequence of the typed one (as the text boundary lets it in: the
		// HTML tokenizer reads a NUL, which never gets in, as U+FFFD).
		if _, err := Text("", src); err != nil || strings.ContainsRune(src, 0) {
			return
		}
		shown := strings.Join(strings.Fields(text.String()), "")
		typed := strings.Join(strings.Fields(src), "")
		if !subsequence(shown, typed) {
			t.Fatalf("Markdown(%q) shows %q, not typed", src, text.String())
		}
		if mt := MarkdownText(src); !subsequence(strings.Join(strings.Fields(mt), ""), typed) {
			t.Fatalf("MarkdownText(%q) = %q, not typed", src, mt)
		}
		for _, line := range strings.Split(src, "\n") {
			l := string(MarkdownLine(line))
			if strings.Contains(strings.ReplaceAll(strings.ReplaceAll(l, "<strong>", ""), "</strong>", ""), "<script") {
				t.Fatalf("MarkdownLine(%q) = %q", line, l)
			}
		}
	})
}

// subsequence reports whether the runes of a appear in b in order.
func subsequence(a, b string) bool {
	rb := []rune(b)
	j := 0
	for _, r := range a {
		for j < len(rb) && rb[j] != r {
			j++
		}
		if j == len(rb) {
			return false
		}
		j++
	}
	return true
}

// FuzzExcerpt: an excerpt is at most n characters and "…", cut between
// characters (valid UTF-8 from valid UTF-8), and a prefix of the text with
// its spaces collapsed.
func FuzzExcerpt(f *testing.F) {
	f.Add("Công khai ngân sách, đất đai", 18)
	f.Add("Đườngbêtôngthônđôngphước", 10)
	f.Add("  hai\n\ndòng  ", 20)
	f.Add("a b", 0)
	f.Add("Điều 1. Phạm vi, điều chỉnh", 16)
	f.Fuzz(func(t *testing.T, s string, n int) {
		if n < 0 || n > 1000 || !utf8.ValidString(s) {
			return
		}
		e := Excerpt(s, n)
		flat := strings.Join(strings.Fields(s), " ")
		if e == flat && utf8.RuneCountInString(flat) <= n {
			return
		}
		body, cut := strings.CutSuffix(e, "…")
		if !cut || !utf8.ValidString(e) || utf8.RuneCountInString(body) > n || !strings.HasPrefix(flat, body) || utf8.RuneCountInString(flat) <= n {
			t.Fatalf("Excerpt(%q, %d) = %q", s, n, e)
		}
	})
}

// FuzzSafeNext: a redirect target is "/" or the value itself, and a value
// kept is a path on this site however often it is decoded (never "//",
// "/\", a scheme, a host, a control character).
func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "/quan-tri", "/a%2Fb", "//evil.com", "/\\evil.com", "/\t/evil.com", "/%2F/evil.com", "/%252F%252Fevil.com",
		"/%25252F%25252Fevil.com", "javascript:alert(1)", "/%5Cevil.com", "/%09/evil.com", "/%E2%80%A8/x", "/x?next=//evil.com", "/%C0%AF"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		got := SafeNext(raw)
		if got == "/" {
			return
		}
		if got != raw {
			t.Fatalf("SafeNext(%q) = %q", raw, got)
		}
		s := raw
		for range 4 {
			if !utf8.ValidString(s) || len(s) < 1 || s[0] != '/' || (len(s) > 1 && (s[1] == '/' || s[1] == '\\')) {
				t.Fatalf("SafeNext(%q) kept it, a decoded form is %q", raw, s)
			}
			for _, r := range s {
				if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u2028' || r == '\u2029' {
					t.Fatalf("SafeNext(%q) kept a control character (%q)", raw, s)
				}
			}
			d, err := url.PathUnescape(s)
			if err != nil || d == s {
				break
			}
			s = d
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host != "" || u.Scheme != "" || u.User != nil {
			t.Fatalf("SafeNext(%q) kept an address of another site", raw)
		}
	})
}

// FuzzText: the text boundary keeps valid UTF-8 in NFC without control or
// bidi-override characters, is idempotent, and refuses with an invalid error.
func FuzzText(f *testing.F) {
	for _, s := range []string{"Hà Nội", "o\u0302\u0300", "\ufeffmã,tên", "a\u2028b\u2029c", "\x00", "\xff", "x\u202ey", "tab\tline\r\n", "\ufeff\ufeff", "\u0085", "\u200e"} {
		f.Add("ten", s)
	}
	f.Fuzz(func(t *testing.T, field, s string) {
		got, err := Text(field, s)
		if err != nil {
			var e *apperr.Error
			if !errors.As(err, &e) || e.Code != apperr.CodeInvalid {
				t.Fatalf("Text(%q): %v", s, err)
			}
			return
		}
		if !utf8.ValidString(got) || !norm.NFC.IsNormalString(got) || strings.ContainsAny(got, "\ufeff\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			t.Fatalf("Text(%q) = %q", s, got)
		}
		if again, err := Text(field, got); err != nil || again != got {
			t.Fatalf("Text not idempotent: %q -> %q -> %q %v", s, got, again, err)
		}
		if len(got) > 3*len(s) {
			t.Fatalf("Text(%q) grew to %d bytes", s, len(got))
		}
	})
}

// FuzzCSV: every text comes back from the CSV an export writes, as a
// spreadsheet reads it: the same cells, a formula only ever behind an apostrophe.
func FuzzCSV(f *testing.F) {
	for _, s := range []string{"=HYPERLINK(\"http://x\")", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a,b", "a\"b", "a\nb", "", "'=x", "\ufeff=x", "ồ"} {
		f.Add(s, int64(-5))
	}
	type row struct {
		Text string  `json:"text"`
		Opt  *string `json:"opt"`
		N    int64   `json:"n"`
	}
	f.Fuzz(func(t *testing.T, s string, n int64) {
		if !utf8.ValidString(s) {
			return // the text boundary keeps invalid UTF-8 out of the database
		}
		b, err := CSV([]row{{s, &s, n}, {s, nil, n}})
		if err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\ufeff")))).ReadAll()
		if err != nil || len(recs) != 3 {
			t.Fatalf("CSV of %q does not read back: %v %q", s, err, recs)
		}
		want := s
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			want = "'" + s
		}
		// encoding/csv drops a carriage return inside a quoted cell (\r\n reads as \n).
		want = strings.ReplaceAll(want, "\r", "")
		for _, rec := range recs[1:] {
			if strings.ReplaceAll(rec[0], "\r", "") != want || rec[2] != strconv.FormatInt(n, 10) {
				t.Fatalf("CSV of %q reads back %q", s, rec)
			}
			if c := rec[0]; c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Fatalf("CSV of %q starts a cell with %q", s, c[0])
			}
		}
		if strings.ReplaceAll(recs[1][1], "\r", "") != want || recs[2][1] != "" {
			t.Fatalf("CSV of %q: optional cells %q %q", s, recs[1][1], recs[2][1])
		}
	})
}

// FuzzNoneMatch: an If-None-Match header matches a tag it lists (weakly,
// whatever the spacing and its place in the list) or "*".
func FuzzNoneMatch(f *testing.F) {
	tag := ETagOf([]byte("page"))
	for _, s := range []string{"", "*", tag, "W/" + tag, `"a", ` + tag, `"a",,` + tag + " ,", `"a"`, ",,,", strings.Repeat(`"x",`, 100)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		listed := false
		for _, x := range strings.Split(header, ",") {
			x = strings.TrimPrefix(strings.TrimSpace(x), "W/")
			listed = listed || x == "*" || x == tag
		}
		if NoneMatch(header, tag) != listed {
			t.Fatalf("NoneMatch(%q) = %v", header, !listed)
		}
		if !NoneMatch(header+", "+tag, tag) || !NoneMatch("W/"+tag+","+header, tag) {
			t.Fatalf("NoneMatch(%q with the tag) = false", header)
		}
	})
}

// FuzzNegotiate: the coding chosen from an Accept-Encoding header is one the
// client accepts with q > 0 (named, or through "*"), never one it refused.
func FuzzNegotiate(f *testing.F) {
	for _, s := range []string{"", "gzip", "br", "gzip, br", "br;q=0, gzip", "*;q=0", "*", "gzip;q=0, *", "x-gzip", "gzip;q=NaN", "br;q=1e-400", "BR;Q=0.5, gzip;q=0.4", "identity"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, accept string) {
		enc := negotiate(accept)
		if enc == "" {
			return
		}
		if enc != encGzip && enc != encBrotli {
			t.Fatalf("negotiate(%q) = %q", accept, enc)
		}
		named, star := false, false
		for _, part := range strings.Split(accept, ",") {
			name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			name = strings.ToLower(strings.TrimSpace(name))
			if name == "x-gzip" {
				name = encGzip
			}
			zero := false
			for _, p := range strings.Split(params, ";") {
				k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
				if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
					q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
					zero = err != nil || !(q > 0 && q <= 1)
				}
			}
			if name == enc && !zero {
				named = true
			}
			if name == "*" && !zero {
				star = true
			}
		}
		if !named && !star {
			t.Fatalf("negotiate(%q) = %q, which it does not accept", accept, enc)
		}
	})
}

// FuzzNotice: a notice cookie is read only as written: a key of three words
// and whole numbers, each as strconv.Itoa writes it.
func FuzzNotice(f *testing.F) {
	for _, s := range []string{"feedback.notice.sent", "decision.notice.counted.3.12", "a.b", "a.b.c.-1", "a.b.c.01", "a.b.c.1.2.3.4.5.6.7", "x.y.z.+1", "a.b.c.999999999", "a.b.c.1000000000", "<.b.c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		key, args := parseNotice(v)
		if key == "" {
			if args != nil {
				t.Fatalf("parseNotice(%q): args without a key", v)
			}
			return
		}
		w := key
		for _, a := range args {
			n := a.(int)
			if n < 0 || n > 999_999_999 {
				t.Fatalf("parseNotice(%q): %d", v, n)
			}
			w += "." + strconv.Itoa(n)
		}
		if w != v || strings.ContainsAny(key, "<>\"'&") || strings.Count(key, ".") != 2 {
			t.Fatalf("parseNotice(%q) = %q %v", v, key, args)
		}
	})
}

// FuzzTokenMatches: a masked form token always matches its token, and a
// value matches a token only when it is the token or a mask of it.
func FuzzTokenMatches(f *testing.F) {
	f.Add("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
	f.Add("ABCDEFGH", "")
	f.Add("", "")
	f.Add("ABCD", "AAAAAAAAAAAAAAA")
	f.Fuzz(func(t *testing.T, token, got string) {
		if token != "" && !TokenMatches(MaskToken(token), token) {
			t.Fatalf("the mask of %q does not match it", token)
		}
		if !TokenMatches(got, token) {
			return
		}
		if got == token {
			return
		}
		b, err := maskEncoding.DecodeString(got)
		if err != nil || len(b) != 2*len(token) {
			t.Fatalf("TokenMatches(%q, %q): not a mask", got, token)
		}
		for i := range len(token) {
			if b[i]^b[len(token)+i] != token[i] {
				t.Fatalf("TokenMatches(%q, %q): not a mask of it", got, token)
			}
		}
	})
}
