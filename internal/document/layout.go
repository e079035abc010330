package document

import (
	_ "embed"
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"
)

// The page and type sizes both writers use: NĐ 30/2020/NĐ-CP Phụ lục I, Phần
// I, Mục I (khổ giấy A4, lề trên/dưới 20–25 mm, trái 30–35 mm, phải 15–20 mm)
// and Mục II (cỡ chữ of each element); Party bodies: HD 36-HD/VPTW.
const (
	pageW, pageH = 210.0, 297.0 // A4 portrait, mm
	marginTop    = 20.0
	marginBottom = 20.0
	marginLeft   = 30.0
	marginRight  = 20.0
	textW        = pageW - marginLeft - marginRight // 160 mm

	firstIndent = 12.7 // mm, 1.27 cm
	paraSpace   = 6.0  // pt before a paragraph (≥ 6 pt)
	lineFactor  = 1.26 // line height / type size: a little over single spacing

	sigSpace = 25.0 // mm left blank for the signature and seal
)

// The fonts: Liberation Serif, metric-compatible with Times New Roman (the
// font NĐ 30 names), SIL Open Font License (fonts/LICENSE).
var (
	//go:embed fonts/LiberationSerif-Regular.ttf
	fontRegular []byte
	//go:embed fonts/LiberationSerif-Bold.ttf
	fontBold []byte
	//go:embed fonts/LiberationSerif-Italic.ttf
	fontItalic []byte
	//go:embed fonts/LiberationSerif-BoldItalic.ttf
	fontBoldItalic []byte
)

// fontFamily is the PDF family name; wordFont the font the DOCX asks for
// (LibreOffice substitutes Liberation Serif for it, with the same metrics).
const (
	fontFamily = "LiberationSerif"
	wordFont   = "Times New Roman"
)

func addFonts(p *fpdf.Fpdf) {
	p.AddUTF8FontFromBytes(fontFamily, "", fontRegular)
	p.AddUTF8FontFromBytes(fontFamily, "B", fontBold)
	p.AddUTF8FontFromBytes(fontFamily, "I", fontItalic)
	p.AddUTF8FontFromBytes(fontFamily, "BI", fontBoldItalic)
}

// sizes are the type sizes (pt) of each element, by style.
type sizes struct {
	parent, issuer, number float64 // left header
	motto1, motto2, date   float64 // right header
	kind, summary, body    float64
	recvHead, recipients   float64
	sign, pageNo           float64
}

func sizesOf(s Style) sizes {
	if s == Party {
		// HD 36-HD/VPTW: tên cơ quan 14, "ĐẢNG CỘNG SẢN VIỆT NAM" 15, nội dung 14–15.
		return sizes{parent: 14, issuer: 14, number: 14, motto1: 15, date: 14,
			kind: 15, summary: 14, body: 14, recvHead: 14, recipients: 12, sign: 14, pageNo: 14}
	}
	return sizes{parent: 12, issuer: 12, number: 13, motto1: 12, motto2: 13, date: 13,
		kind: 14, summary: 14, body: 14, recvHead: 12, recipients: 11, sign: 14, pageNo: 14}
}

// header is the geometry of the two-column header table, in mm.
type header struct {
	leftW, rightW float64
	mottoRule     float64 // length of the rule under the motto's last line
}

// headerOf sizes the two columns: the right one holds the motto on one line
// (it never wraps), the left one the rest.
func headerOf(s Style) header {
	z := sizesOf(s)
	m := Motto(s)
	w := measure("B", z.motto1, m[0])
	rule := w
	if len(m) > 1 {
		rule = measure("B", z.motto2, m[1])
		w = max(w, rule)
	}
	right := min(w+6, textW*0.66)
	return header{leftW: textW - right, rightW: right, mottoRule: rule}
}

var measurer struct {
	sync.Mutex
	p *fpdf.Fpdf
}

// measure is the width (mm) of s at size pt in the style ("", "B", "I",
// "BI"), from the fonts' own metrics — the DOCX writer uses it to size rules
// and columns exactly as the PDF writer does.
func measure(style string, size float64, s string) float64 {
	measurer.Lock()
	defer measurer.Unlock()
	if measurer.p == nil {
		p := fpdf.New("P", "mm", "A4", "")
		addFonts(p)
		p.AddPage()
		measurer.p = p
	}
	measurer.p.SetFont(fontFamily, style, size)
	return measurer.p.GetStringWidth(pdfText(s))
}

// balancedWidth is the width (mm) a centred title of w mm needs to break
// into even lines (pdfDoc.balanced), for the DOCX writer's indents; Word
// breaks lines as greedily as pdfDoc.wrap, with the same metrics.
func balancedWidth(style string, size float64, s string, w float64) float64 {
	measure("", size, "") // makes the measurer
	measurer.Lock()
	defer measurer.Unlock()
	d := &pdfDoc{p: measurer.p}
	return d.balanced(run{text: pdfText(s), style: style, size: size, w: w})
}

// pdfText replaces what the embedded fonts cannot draw: U+FFFD (the
// replacement of invalid UTF-8; Liberation has no glyph for it) and anything
// outside the Basic Multilingual Plane (fpdf addresses glyphs by 16-bit code)
// become "?".
func pdfText(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return r == 0xfffd || r > 0xffff }) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == 0xfffd || r > 0xffff {
			return '?'
		}
		return r
	}, s)
}

func ptMM(pt float64) float64 { return pt * 25.4 / 72 }
