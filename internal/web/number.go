package web

import (
	"net/http"
	"strconv"
	"strings"

	"danchu/internal/apperr"
)

// MaxNumber is the largest whole number a form field takes (a count of
// households, a number of days, a year): anything longer is a typing slip, not
// a number that overflows.
const MaxNumber = 999_999_999

// Numbers reads the whole numbers of a form strictly, one field after the
// other, and collects what is wrong with each: a typed "70 hộ", "-3", "7 0",
// "1.000" or an overflowing number is never read as 0 (or as a part of it).
//
//	n := web.FormNumbers(r)
//	present := n.Int("present", apperr.M("decision.field.present"))
//	seats := n.Optional("seats", apperr.M("decision.field.seats"), 1)
//	if err := n.Err(); err != nil {
//		// web.FailForm: the form again, with what was typed and each field's message
//	}
//
// label names the field as the form shows it (a key of the room's catalog,
// checked by apperr.TestMessageKeys at the call); the messages say which field, what was typed and what to type.
// The values come from r.FormValue: a posted form, or the query of a GET.
type Numbers struct {
	r   *http.Request
	err *apperr.Error
}

// FormNumbers starts reading the numbers of r's form.
func FormNumbers(r *http.Request) *Numbers { return &Numbers{r: r} }

// Int reads a required field: empty is an error.
func (n *Numbers) Int(name string, label apperr.Msg) int {
	return n.read(name, label, n.r.FormValue(name), true, 0)
}

// Optional reads a field that may be left empty (or absent): then it is def.
func (n *Numbers) Optional(name string, label apperr.Msg, def int) int {
	return n.read(name, label, n.r.FormValue(name), false, def)
}

// Ints reads every value of a repeated field (each required), in order.
func (n *Numbers) Ints(name string, label apperr.Msg) []int {
	var out []int
	for _, v := range n.r.Form[name] {
		out = append(out, n.read(name, label, v, true, 0))
	}
	return out
}

// Err is nil when every field read was a number, else an invalid error (400)
// whose message is the first bad field's and whose field messages name each.
func (n *Numbers) Err() error {
	if n.err == nil {
		return nil
	}
	return n.err
}

func (n *Numbers) read(name string, label apperr.Msg, v string, required bool, def int) int {
	x, msg := ParseNumber(v, label)
	switch {
	case msg.Key == "":
		return x
	case msg.Key == "web.err.number_required" && !required:
		return def
	}
	if n.err == nil {
		n.err = apperr.New(apperr.CodeInvalid, "web.err.numbers", msg) // the first bad field's message
	}
	if _, seen := n.err.FieldMsgs[name]; !seen {
		n.err.Field(name, msg)
	}
	return 0
}

// ParseNumber reads a whole number from 0 to MaxNumber typed in the field
// label names: surrounding spaces are dropped; anything but
// decimal digits (a sign, a unit, a space or a separator inside) is refused.
// The message is zero when v is a number, else what the person should read.
func ParseNumber(v string, label apperr.Msg) (int, apperr.Msg) {
	s := strings.TrimSpace(v)
	if s == "" {
		return 0, apperr.M("web.err.number_required", label)
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, apperr.M("web.err.number", label, clip(s))
		}
	}
	x, err := strconv.Atoi(s)
	if err != nil || x > MaxNumber {
		return 0, apperr.M("web.err.number_too_large", label, clip(s), MaxNumber)
	}
	return x, apperr.Msg{}
}

// Decimal reads an optional decimal number (a coordinate: "16.4637", the
// comma "16,4637" as Vietnamese write it, a leading minus): ok is false when
// the field is empty or wrong (then Err says which and how to type it).
// Exponents, "NaN", "Inf", hex and digit separators are refused.
func (n *Numbers) Decimal(name string, label apperr.Msg) (float64, bool) {
	s := strings.TrimSpace(n.r.FormValue(name))
	if s == "" {
		return 0, false
	}
	x, ok := parseDecimal(s)
	if !ok {
		msg := apperr.M("web.err.decimal", label, clip(s))
		if n.err == nil {
			n.err = apperr.New(apperr.CodeInvalid, "web.err.numbers", msg) // the first bad field's message
		}
		n.err.Field(name, msg)
	}
	return x, ok
}

func parseDecimal(s string) (float64, bool) {
	body := strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.Replace(body, ",", ".", 1), ".")
	if whole == "" || len(whole)+len(frac) > 18 {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	x, err := strconv.ParseFloat(strings.Replace(s, ",", ".", 1), 64)
	return x, err == nil
}
