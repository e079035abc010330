package web

import (
	"net/http/httptest"
	"testing"

	"danchu/internal/apperr"
)

func TestPageParam(t *testing.T) {
	for _, tt := range []struct {
		q    string
		want int
		ok   bool
	}{
		{"", 1, true}, {"trang=", 1, true}, {"trang=1", 1, true}, {"trang=10000", 10000, true},
		{"trang=0", 0, false}, {"trang=-1", 0, false}, {"trang=abc", 0, false}, {"trang=10001", 0, false},
		{"trang=99999999999999999999", 0, false}, {"trang=+2", 0, false}, {"trang=2.0", 0, false},
	} {
		r := httptest.NewRequest("GET", "/x?"+tt.q, nil)
		n, err := PageParam(r, "trang")
		if tt.ok && (err != nil || n != tt.want) || !tt.ok && apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("%q: %d %v", tt.q, n, err)
		}
	}
}

func TestCursorParam(t *testing.T) {
	for q, want := range map[string]int64{"": 0, "truoc=5": 5, "truoc=9223372036854775807": 9223372036854775807} {
		r := httptest.NewRequest("GET", "/x?"+q, nil)
		if n, err := CursorParam(r, "truoc"); err != nil || n != want {
			t.Errorf("%q: %d %v", q, n, err)
		}
	}
	for _, q := range []string{"truoc=0", "truoc=-5", "truoc=+5", "truoc=%205", "truoc=9223372036854775808", "truoc=99999999999999999999", "truoc=x"} {
		r := httptest.NewRequest("GET", "/x?"+q, nil)
		if _, err := CursorParam(r, "truoc"); apperr.CodeOf(err) != apperr.CodeInvalid {
			t.Errorf("%q: %v, want invalid", q, err)
		}
	}
}
