package web_test

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/web"
)

func TestProblems(t *testing.T) {
	form := url.Values{"ok": {"2026-12-04"}, "vn": {"04/12/2026"}, "bad": {"ngày mai"}, "far": {"2300-01-01"}, "empty": {""}}
	r := httptest.NewRequest("POST", "/", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	p := web.Problems{}
	for _, c := range []struct {
		field, in string
		max       int
		required  bool
		want      string // the message key, "" for none
		out       string
	}{
		{"name", "  Lê Văn An  ", 20, true, "", "Lê Văn An"},
		{"blank", "   ", 20, true, "web.err.f.required", ""},
		{"optional", "", 20, false, "", ""},
		{"long", "ăăăăă", 4, false, "web.err.f.long", "ăăăăă"},
		{"nul", "a\x00b", 20, false, "web.err.f.utf8", "a\x00b"},
		{"utf8", "\xff", 20, false, "web.err.f.utf8", "\xff"},
	} {
		if got := p.Text(c.field, c.in, c.max, c.required); got != c.out {
			t.Errorf("Text(%q) = %q, want %q", c.in, got, c.out)
		}
		if p[c.field].Key != c.want {
			t.Errorf("%s: message %q, want %q", c.field, p[c.field].Key, c.want)
		}
	}
	if d := p.Day(r, "ok"); d != legal.DateOf(2026, 12, 4) || p["ok"].Key != "" {
		t.Errorf("Day(ok) = %s, %v", d, p["ok"])
	}
	for _, f := range []struct{ field, key string }{{"bad", "web.err.f.date"}, {"far", "web.err.f.date_range"}} {
		if d := p.Day(r, f.field); !d.IsZero() && f.field == "far" || p[f.field].Key != f.key {
			t.Errorf("Day(%s) = %s, message %v, want %s", f.field, d, p[f.field], f.key)
		}
	}
	if d := p.Day(r, "vn"); d != legal.DateOf(2026, 12, 4) || p["vn"].Key != "" { // typed as dd/mm/yyyy
		t.Errorf("Day(vn) = %s, %v", d, p["vn"])
	}
	if d := p.Day(r, "empty"); !d.IsZero() || p["empty"].Key != "" {
		t.Errorf("Day(empty) = %s, %v", d, p["empty"])
	}
	p.Add("name", apperr.M("first"))
	p.Add("name", apperr.M("second"))
	if p["name"].Key != "first" {
		t.Errorf("Add kept %q, want the first message", p["name"].Key)
	}
	err := p.Err(apperr.New(apperr.CodeInvalid, "form.invalid"))
	var e *apperr.Error
	if !errors.As(err, &e) || e.Code != apperr.CodeInvalid || e.FieldMsgs["blank"].Key != "web.err.f.required" || e.FieldMsgs["name"].Key != "first" {
		t.Fatalf("Err = %v", err)
	}
	if (web.Problems{}).Err(apperr.New(apperr.CodeInvalid, "form.invalid")) != nil {
		t.Error("no problems, yet an error")
	}
}
