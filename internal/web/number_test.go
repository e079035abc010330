package web

import (
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/apperr"
)

func TestFormNumbers(t *testing.T) {
	label := apperr.M("web.pager.label")
	for _, c := range []struct {
		typed string
		want  int
		key   string // "" : read
	}{
		{"70", 70, ""}, {" 70 ", 70, ""}, {"0", 0, ""}, {"007", 7, ""}, {"999999999", 999_999_999, ""},
		{"70 hộ", 0, "web.err.number"}, {"-3", 0, "web.err.number"}, {"+3", 0, "web.err.number"}, {"7 0", 0, "web.err.number"},
		{"1.000", 0, "web.err.number"}, {"١٢", 0, "web.err.number"}, {"1e3", 0, "web.err.number"},
		{"1000000000", 0, "web.err.number_too_large"}, {"99999999999999999999", 0, "web.err.number_too_large"},
		{"", 0, "web.err.number_required"}, {"   ", 0, "web.err.number_required"},
	} {
		r := httptest.NewRequest("POST", "/", strings.NewReader(url.Values{"n": {c.typed}}.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		n := FormNumbers(r)
		got := n.Int("n", label)
		err := n.Err()
		if c.key == "" {
			if err != nil || got != c.want {
				t.Errorf("%q: %d, %v; want %d", c.typed, got, err, c.want)
			}
			continue
		}
		var e *apperr.Error
		if !asErr(err, &e) || e.Code != apperr.CodeInvalid || e.Msg.Args[0].(apperr.Msg).Key != c.key || e.FieldMsgs["n"].Key != c.key || got != 0 {
			t.Errorf("%q: %d, %v; want the field n refused with %s", c.typed, got, err, c.key)
		}
	}
	// Optional: empty is the default, a wrong value still refused; every bad field is named.
	r := httptest.NewRequest("POST", "/", strings.NewReader("a=&b=x&c=5&d=1%2C5&e=-16.46&f=NaN&g=1e3"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	n := FormNumbers(r)
	if a := n.Optional("a", label, 1); a != 1 {
		t.Errorf("empty optional: %d", a)
	}
	n.Optional("b", label, 1)
	if c := n.Optional("c", label, 1); c != 5 {
		t.Errorf("optional 5: %d", c)
	}
	if d, ok := n.Decimal("d", label); !ok || d != 1.5 {
		t.Errorf("decimal 1,5: %v %v", d, ok)
	}
	if e, ok := n.Decimal("e", label); !ok || e != -16.46 {
		t.Errorf("decimal -16.46: %v %v", e, ok)
	}
	n.Decimal("f", label)
	n.Decimal("g", label)
	var e *apperr.Error
	if !asErr(n.Err(), &e) || e.Msg.Args[0].(apperr.Msg).Key != "web.err.number" || len(e.FieldMsgs) != 3 || e.FieldMsgs["f"].Key != "web.err.decimal" || e.FieldMsgs["g"].Key != "web.err.decimal" {
		t.Errorf("fields: %v", n.Err())
	}
}

func asErr(err error, e **apperr.Error) bool {
	x, ok := err.(*apperr.Error)
	*e = x
	return ok
}
