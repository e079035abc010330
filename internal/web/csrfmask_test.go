package web_test

import (
	"compress/gzip"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"

	"danchu/internal/web"
)

var formToken = regexp.MustCompile(`name="csrf" value="([A-Z2-7]+)"`)

// A page never carries the same bytes for the viewer's token twice (BREACH:
// a compressed page that reflects a visitor's input beside a constant secret
// leaks it by its length), and each page's value is taken back as the token.
func TestFormTokenMaskedOnEveryPage(t *testing.T) {
	srv := deliveryServer(t, time.Minute)
	seen := map[string]bool{}
	for range 3 {
		resp, zipped := get(t, srv, "GET", "/xa/19885/phan-anh?q=visitor-token", map[string]string{"Cookie": "danchu_csrf=visitor-token", "Accept-Encoding": "gzip"})
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q: the test is of a compressed page", resp.Header.Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(strings.NewReader(zipped))
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		body := string(b)
		m := formToken.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("no form token in %q", body)
		}
		if seen[m[1]] || strings.Contains(m[1], "visitor-token") {
			t.Errorf("the form token %q was sent before or is the token itself", m[1])
		}
		seen[m[1]] = true
		if !web.TokenMatches(m[1], "visitor-token") {
			t.Errorf("the page's token %q does not match the viewer's", m[1])
		}
	}
}

func TestTokenMatches(t *testing.T) {
	const token = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567ABCDEFGHIJKLMNOPQRST"
	masked := web.MaskToken(token)
	flipped := []byte(masked)
	flipped[len(flipped)-1] ^= 1
	other := web.MaskToken(strings.Replace(token, "A", "B", 1))
	tests := []struct {
		name, got, token string
		want             bool
	}{
		{"masked", masked, token, true},
		{"raw (a script's header)", token, token, true},
		{"another mask of the same", web.MaskToken(token), token, true},
		{"one bit changed", string(flipped), token, false},
		{"another token's mask", other, token, false},
		{"empty", "", token, false},
		{"no token", masked, "", false},
		{"not base32", strings.Repeat("!", len(masked)), token, false},
		{"too short", masked[:len(masked)-8], token, false},
		{"invalid UTF-8", "\xff\xfe" + masked[2:], token, false},
	}
	for _, tt := range tests {
		if got := web.TokenMatches(tt.got, tt.token); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
