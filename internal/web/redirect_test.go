package web_test

import (
	"testing"

	"danchu/internal/web"
)

func TestSafeNext(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		// Paths on this site pass as they are.
		{"/", "/"},
		{"/quan-tri", "/quan-tri"},
		{"/quan-tri/don-vi/12/can-bo?trang=2#top", "/quan-tri/don-vi/12/can-bo?trang=2#top"},
		{"/cong-khai/tim?q=b%C3%A1o%20c%C3%A1o", "/cong-khai/tim?q=b%C3%A1o%20c%C3%A1o"},
		{"/a%2Fb", "/a%2Fb"},
		// Everything else goes home.
		{"", "/"},
		{"evil.com", "/"},
		{"quan-tri", "/"},
		{"//evil.com", "/"},
		{"///evil.com", "/"},
		{"/\\evil.com", "/"},
		{"\\\\evil.com", "/"},
		{"/\t/evil.com", "/"},
		{"/\n/evil.com", "/"},
		{"/\r\nLocation: https://evil.com", "/"},
		{"/\x00/evil.com", "/"},
		{"/\x7f/evil.com", "/"},
		{" //evil.com", "/"},
		{"/ /evil.com", "/"},
		{"/a\\b", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{"https://evil.com", "/"},
		{"http:/\\evil.com", "/"},
		{"data:text/html,x", "/"},
		{"/%2F/evil.com", "/"},
		{"/%2f%2fevil.com", "/"},
		{"%2F%2Fevil.com", "/"},
		{"/%5Cevil.com", "/"},
		{"/%5cevil.com", "/"},
		{"/%09/evil.com", "/"},
		{"/%0D%0ALocation:%20https://evil.com", "/"},
		{"/%252F%252Fevil.com", "/"},
		{"/%25252F%25252Fevil.com", "/"},
		{"/%zz", "/"},
		{"/\xff", "/"},
		{"/\u2028/evil.com", "/"},
	} {
		if got := web.SafeNext(tt.in); got != tt.want {
			t.Errorf("SafeNext(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
