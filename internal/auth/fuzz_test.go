package auth

import (
	"regexp"
	"strings"
	"testing"

	"danchu/internal/apperr"
)

var vnMobile = regexp.MustCompile(`^\+84[35789][0-9]{8}$`)

// FuzzParseAddress: the address a citizen signs in with is a Vietnamese
// mobile number written +84XXXXXXXXX, made of the digits typed, or a lower-case
// e-mail address, or refused with an invalid error; a normalised address
// reads as itself.
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"0912 345 678", "+84 912.345.678", "84912345678", "(+84) 912-345-678", "0212345678", "+840912345678", "091234567",
		"++84912345678", "0912345678+", "dan@example.vn", "Dan@Example.VN ", "a@b", "a@b.c@d.e", "\"a b\"@x.vn", "Dân <dan@x.vn>", "a@x.vn\r\nBcc: b@y.vn",
		strings.Repeat("a", 250) + "@x.vn", "０９１２３４５６７８", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		channel, addr, err := ParseAddress(s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("ParseAddress(%q): %v", s, err)
			}
			return
		}
		switch channel {
		case ChannelSMS:
			digits := strings.Map(func(r rune) rune {
				if r >= '0' && r <= '9' {
					return r
				}
				return -1
			}, s)
			if !vnMobile.MatchString(addr) || !strings.HasSuffix(digits, addr[3:]) || len(digits) > 11 {
				t.Fatalf("ParseAddress(%q) = %q", s, addr)
			}
		case ChannelEmail:
			if addr != strings.ToLower(strings.TrimSpace(s)) || len(addr) > 254 || strings.ContainsAny(addr, " \r\n<>,") || strings.Count(addr, "@") != 1 && !strings.Contains(addr, "\"") {
				t.Fatalf("ParseAddress(%q) = %q", s, addr)
			}
		default:
			t.Fatalf("ParseAddress(%q): channel %q", s, channel)
		}
		if c2, a2, err := ParseAddress(addr); err != nil || c2 != channel || a2 != addr {
			t.Fatalf("ParseAddress(%q) = %q, then %q %q %v", s, addr, c2, a2, err)
		}
	})
}

// FuzzCodes: a recovery or claim code as typed normalises idempotently to
// upper case without dashes or spaces; the OIDC cookie reads back what
// String wrote and nothing with an empty part.
func FuzzCodes(f *testing.F) {
	f.Add("abcde-fghjk", "state.nonce.verifier")
	f.Add(" 2345 6789 ", "a..b")
	f.Add("ſ", "a.b.c.d")
	f.Fuzz(func(t *testing.T, code, cookie string) {
		n := normRecovery(code)
		if normRecovery(n) != n || strings.ContainsAny(n, "- ") {
			t.Fatalf("normRecovery(%q) = %q", code, n)
		}
		p, ok := ParsePending(cookie)
		if !ok {
			return
		}
		if p.State == "" || p.Nonce == "" || p.Verifier == "" || p.String() != cookie {
			t.Fatalf("ParsePending(%q) = %+v", cookie, p)
		}
		if back, ok := ParsePending(p.String()); !ok || back != p {
			t.Fatalf("ParsePending(%q) does not read back", cookie)
		}
	})
}
