// Package redact makes the copy of an attachment that verifiers work on with
// what identifies a denouncer blacked out (Luật Tố cáo 2018, Art 47, 56: the
// denouncer's name, address and handwriting are kept secret). An official
// marks boxes on the pages; Image and PDF burn opaque black boxes into a new
// file, written afresh so that nothing of the original under a box, nor its
// metadata, nor (for a PDF) its text layer, remains. The original is kept by
// the caller.
package redact

import (
	"embed"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"danchu/internal/apperr"
)

// Locales holds the messages of this package's errors (locales/vi.json and
// locales/en.json); the web kernel merges them into every catalog.
//
//go:embed locales
var Locales embed.FS

// MaxBoxes is the most boxes one redaction takes.
const MaxBoxes = 200

// MaxPages is the most pages a PDF to redact may have.
const MaxPages = 200

// Box is a rectangle to black out on a page (0-based page; for an image always
// 0), in fractions of the page's width and height from its top-left corner:
// 0 <= X, Y; W, H > 0; X+W <= 1, Y+H <= 1.
type Box struct {
	Page       int
	X, Y, W, H float64
}

// slack is how far past the page's edge a box may reach and still be taken
// (then cut at the edge): a right edge of 0.7+0.3 is a hair above 1 in
// floating point.
const slack = 1e-9

// valid reports whether b lies within its page (see Box) and returns it cut
// at the page's edges by at most slack.
func (b Box) valid() (Box, bool) {
	for _, v := range []float64{b.X, b.Y, b.W, b.H} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return b, false
		}
	}
	if b.Page < 0 || b.X < 0 || b.Y < 0 || b.W <= 0 || b.H <= 0 || b.X+b.W > 1+slack || b.Y+b.H > 1+slack {
		return b, false
	}
	b.W, b.H = min(b.W, 1-b.X), min(b.H, 1-b.Y)
	return b, b.W > 0 && b.H > 0
}

// rect is the box's pixels on a page of w×h pixels: every pixel the box
// touches, even in part (x0, y0 inclusive; x1, y1 exclusive).
func (b Box) rect(w, h int) (x0, y0, x1, y1 int) {
	clamp := func(v float64, n int) int { return max(0, min(n, int(v))) }
	x0, y0 = clamp(math.Floor(b.X*float64(w)), w), clamp(math.Floor(b.Y*float64(h)), h)
	x1, y1 = clamp(math.Ceil((b.X+b.W)*float64(w)), w), clamp(math.Ceil((b.Y+b.H)*float64(h)), h)
	return x0, y0, max(x1, min(x0+1, w)), max(y1, min(y0+1, h))
}

// check refuses a box outside its page or on a page past pages (its number
// in the refusal counts from 1).
func check(boxes []Box, pages int) ([]Box, error) {
	if len(boxes) > MaxBoxes {
		return nil, apperr.New(apperr.CodeInvalid, "redact.err.too_many", MaxBoxes)
	}
	out := make([]Box, len(boxes))
	for i, b := range boxes {
		v, ok := b.valid()
		if !ok {
			return nil, apperr.New(apperr.CodeInvalid, "redact.err.box", i+1)
		}
		if b.Page >= pages {
			return nil, apperr.New(apperr.CodeInvalid, "redact.err.no_page", i+1, b.Page+1, pages)
		}
		out[i] = v
	}
	return out, nil
}

// ParseBoxes reads the boxes an official marked, as the redaction form sends
// them: one box per line, "page x y w h", the page counted from 1 as it is
// printed (Box.Page is that less one) and x, y, w, h fractions of the page's
// width and height written with '.' as the decimal point (an exponent, as a
// browser writes 1e-7, is taken). Blank lines are ignored; at least one box
// and at most MaxBoxes. A refusal (apperr.CodeInvalid) names the line.
func ParseBoxes(s string) ([]Box, error) {
	if !utf8.ValidString(s) {
		return nil, apperr.New(apperr.CodeInvalid, "redact.err.text")
	}
	var boxes []Box
	for i, line := range strings.Split(s, "\n") {
		n := i + 1
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(boxes) == MaxBoxes {
			return nil, apperr.New(apperr.CodeInvalid, "redact.err.too_many", MaxBoxes)
		}
		if len(f) != 5 {
			return nil, apperr.New(apperr.CodeInvalid, "redact.err.fields", n, len(f))
		}
		page, err := strconv.Atoi(f[0])
		if err != nil || page < 1 || page > MaxPages || f[0][0] == '+' {
			return nil, apperr.New(apperr.CodeInvalid, "redact.err.page", n, shown(f[0]), MaxPages)
		}
		var v [4]float64
		for k, word := range f[1:] {
			x, ok := fraction(word)
			if !ok {
				return nil, apperr.New(apperr.CodeInvalid, "redact.err.number", n, shown(word))
			}
			v[k] = x
		}
		b, ok := Box{Page: page - 1, X: v[0], Y: v[1], W: v[2], H: v[3]}.valid()
		if !ok {
			return nil, apperr.New(apperr.CodeInvalid, "redact.err.outside", n)
		}
		boxes = append(boxes, b)
	}
	if len(boxes) == 0 {
		return nil, apperr.New(apperr.CodeInvalid, "redact.err.no_boxes")
	}
	return boxes, nil
}

// fraction reads a decimal number written with digits, at most one '.', an
// optional sign and exponent: not "NaN", "Inf", hexadecimal or "1_0", which
// strconv.ParseFloat would also take.
func fraction(s string) (float64, bool) {
	for _, r := range s {
		if (r < '0' || r > '9') && r != '.' && r != 'e' && r != 'E' && r != '+' && r != '-' {
			return 0, false
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	return x, err == nil && !math.IsInf(x, 0) && !math.IsNaN(x)
}

// shown is a word of the form as a refusal quotes it: at most 20 characters.
func shown(s string) string {
	if utf8.RuneCountInString(s) <= 20 {
		return s
	}
	return string([]rune(s)[:20]) + "…"
}
