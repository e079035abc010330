package redact_test

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/redact"
)

// refused checks that err is an apperr.CodeInvalid with message key.
func refused(t *testing.T, err error, code apperr.Code, key string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error; want %s %s", code, key)
	}
	if got := apperr.CodeOf(err); got != code {
		t.Errorf("code %s, want %s (%v)", got, code, err)
	}
	if got := apperr.KeyOf(err); got != key {
		t.Errorf("key %q, want %q (%v)", got, key, err)
	}
}

func lines(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "%d 0.1 0.1 0.2 0.2\n", i%redact.MaxPages+1)
	}
	return b.String()
}

func TestParseBoxes(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []redact.Box
		key  string // "" when taken
	}{
		{"one box", "1 0.1 0.2 0.3 0.4", []redact.Box{{0, 0.1, 0.2, 0.3, 0.4}}, ""},
		{"blank lines, tabs, CRLF", "\n\n2\t0 0  1 1\r\n \n3 0.5 0.5 0.5 0.5\n", []redact.Box{{1, 0, 0, 1, 1}, {2, 0.5, 0.5, 0.5, 0.5}}, ""},
		{"exponent as a browser writes it", "1 1e-7 0 0.5 2.5E-1", []redact.Box{{0, 1e-7, 0, 0.5, 0.25}}, ""},
		{"last page", strconv.Itoa(redact.MaxPages) + " 0 0 1 1", []redact.Box{{redact.MaxPages - 1, 0, 0, 1, 1}}, ""},
		{"invalid UTF-8", "1 0 0 \xff 1", nil, "redact.err.text"},
		{"empty", "", nil, "redact.err.no_boxes"},
		{"only blank lines", " \n\t\r\n", nil, "redact.err.no_boxes"},
		{"four values", "1 0 0 1", nil, "redact.err.fields"},
		{"six values", "1 0 0 1 1 1", nil, "redact.err.fields"},
		{"page 0", "0 0 0 1 1", nil, "redact.err.page"},
		{"negative page", "-1 0 0 1 1", nil, "redact.err.page"},
		{"page with a sign", "+1 0 0 1 1", nil, "redact.err.page"},
		{"fractional page", "1.5 0 0 1 1", nil, "redact.err.page"},
		{"page past the cap", strconv.Itoa(redact.MaxPages+1) + " 0 0 1 1", nil, "redact.err.page"},
		{"page overflowing int", "99999999999999999999999 0 0 1 1", nil, "redact.err.page"},
		{"NaN", "1 NaN 0 0.5 0.5", nil, "redact.err.number"},
		{"nan lower case", "1 0 nan 0.5 0.5", nil, "redact.err.number"},
		{"Inf", "1 0 0 Inf 0.5", nil, "redact.err.number"},
		{"overflow to infinity", "1 0 0 0.5 1e400", nil, "redact.err.number"},
		{"hexadecimal", "1 0x1p-2 0 0.5 0.5", nil, "redact.err.number"},
		{"underscore", "1 0 0 0.5 0_5", nil, "redact.err.number"},
		{"comma decimal", "1 0,5 0 0.5 0.5", nil, "redact.err.number"},
		{"two points", "1 0.1.2 0 0.5 0.5", nil, "redact.err.number"},
		{"negative x", "1 -0.1 0 0.5 0.5", nil, "redact.err.outside"},
		{"negative y", "1 0 -0.5 0.5 0.5", nil, "redact.err.outside"},
		{"zero width", "1 0 0 0 0.5", nil, "redact.err.outside"},
		{"negative height", "1 0 0 0.5 -0.5", nil, "redact.err.outside"},
		{"past the right edge", "1 0.6 0 0.5 0.5", nil, "redact.err.outside"},
		{"past the bottom", "1 0 0.5 0.5 0.6", nil, "redact.err.outside"},
		{"width above 1", "1 0 0 1.5 1", nil, "redact.err.outside"},
		{"x at 1", "1 1 0 0.1 0.1", nil, "redact.err.outside"},
		{"second line bad", "1 0 0 1 1\n2 0 0 2 1", nil, "redact.err.outside"},
		{"too many boxes", lines(redact.MaxBoxes + 1), nil, "redact.err.too_many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := redact.ParseBoxes(tt.in)
			if tt.key != "" {
				refused(t, err, apperr.CodeInvalid, tt.key)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// The cap itself is taken, and a refusal names the line it is about.
func TestParseBoxesCapAndLine(t *testing.T) {
	got, err := redact.ParseBoxes(lines(redact.MaxBoxes))
	if err != nil || len(got) != redact.MaxBoxes {
		t.Fatalf("%d boxes, %v; want %d", len(got), err, redact.MaxBoxes)
	}
	_, err = redact.ParseBoxes("\n1 0 0 1 1\n\n1 0 0 x 1\n")
	var e *apperr.Error
	if !errors.As(err, &e) || e.Msg.Key != "redact.err.number" || len(e.Msg.Args) != 2 || e.Msg.Args[0] != 4 || e.Msg.Args[1] != "x" {
		t.Errorf("got %#v, want redact.err.number on line 4 quoting x", err)
	}
}

// A box whose edge is a rounding error past the page is taken and cut there.
func TestParseBoxesEdge(t *testing.T) {
	x, w := math.Nextafter(math.Nextafter(0.5, 1), 1), 0.5 // a hair past the right edge
	if x+w <= 1 {
		t.Fatalf("the test needs a sum above 1, got %v", x+w)
	}
	got, err := redact.ParseBoxes(fmt.Sprintf("1 %v 0 %v 1", x, w))
	if err != nil {
		t.Fatal(err)
	}
	if b := got[0]; b.X+b.W > 1 {
		t.Errorf("box %v reaches %v, past the page", b, b.X+b.W)
	}
}

// A refusal quotes at most 20 characters of what was typed.
func TestParseBoxesQuotesShort(t *testing.T) {
	_, err := redact.ParseBoxes("1 0 0 " + strings.Repeat("9", 5000) + "x 1")
	var e *apperr.Error
	if !errors.As(err, &e) || e.Msg.Key != "redact.err.number" {
		t.Fatalf("got %v, want redact.err.number", err)
	}
	if s, _ := e.Msg.Args[1].(string); utf8.RuneCountInString(s) > 21 {
		t.Errorf("quoted %d characters", utf8.RuneCountInString(s))
	}
}

func FuzzParseBoxes(f *testing.F) {
	f.Add("1 0.1 0.2 0.3 0.4")
	f.Add("\n2\t0 0 1 1\r\n")
	f.Fuzz(func(t *testing.T, s string) {
		boxes, err := redact.ParseBoxes(s)
		if err != nil {
			if apperr.CodeOf(err) != apperr.CodeInvalid || !strings.HasPrefix(apperr.KeyOf(err), "redact.err.") {
				t.Fatalf("refusal %v is not a redact.err key with CodeInvalid", err)
			}
			return
		}
		if len(boxes) == 0 || len(boxes) > redact.MaxBoxes {
			t.Fatalf("%d boxes taken", len(boxes))
		}
		var again strings.Builder
		for _, b := range boxes {
			if b.Page < 0 || b.Page >= redact.MaxPages || !(b.X >= 0 && b.Y >= 0 && b.W > 0 && b.H > 0 && b.X+b.W <= 1 && b.Y+b.H <= 1) {
				t.Fatalf("box %v taken from %q", b, s)
			}
			fmt.Fprintf(&again, "%d %s %s %s %s\n", b.Page+1, g(b.X), g(b.Y), g(b.W), g(b.H))
		}
		back, err := redact.ParseBoxes(again.String())
		if err != nil || fmt.Sprint(back) != fmt.Sprint(boxes) {
			t.Fatalf("boxes %v written as %q read back as %v, %v", boxes, again.String(), back, err)
		}
	})
}

func g(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
