package document

import (
	"fmt"
	"io"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// WritePDF writes d as a PDF (A4, Liberation Serif embedded) in the layout of
// its style. Every field is cleaned first (invalid UTF-8 replaced, control
// characters dropped), so any Doc gives a valid file.
func WritePDF(w io.Writer, d Doc) error {
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(marginLeft, marginTop, marginRight)
	p.SetAutoPageBreak(false, marginBottom)
	p.SetCompression(true)
	addFonts(p)
	title := pdfText(Title(d))
	p.SetTitle(title, true)
	p.SetSubject(title, true)
	p.SetCreator("danchu", true)
	p.SetProducer("danchu (fpdf)", true)
	r := &pdfDoc{p: p, z: sizesOf(d.Style), h: headerOf(d.Style), style: d.Style}
	// The page number: centred in the top margin, from page 2 on (NĐ 30/2020
	// Phụ lục I, Phần I, Mục II, khoản 11 — không hiển thị số trang thứ nhất).
	p.SetHeaderFuncMode(func() {
		if p.PageNo() < 2 {
			return
		}
		p.SetFont(fontFamily, "", r.z.pageNo)
		s := fmt.Sprint(p.PageNo())
		p.Text(marginLeft+(textW-p.GetStringWidth(s))/2, marginTop/2+ptMM(r.z.pageNo)/3, s)
	}, false)
	p.AddPage()
	r.y = marginTop
	r.render(d)
	if err := p.Error(); err != nil {
		return fmt.Errorf("document: pdf: %w", err)
	}
	return p.Output(w)
}

type pdfDoc struct {
	p     *fpdf.Fpdf
	z     sizes
	h     header
	style Style
	y     float64 // top of the next line, mm
}

// align is how a block's lines sit in their column.
type align int

const (
	left align = iota
	center
	justify
)

// run is one block of text to lay out: font, size, column and alignment.
type run struct {
	text   string
	style  string // "", "B", "I", "BI"
	size   float64
	x, w   float64 // column
	indent float64 // first line
	align  align
	under  bool // underlined (Party's "ĐẢNG CỘNG SẢN VIỆT NAM")
}

func lineH(size float64) float64 { return ptMM(size) * lineFactor }

// wrap breaks the text of r into lines that fit its column: at spaces, and
// inside a word longer than the line (a 5,000-letter heading still wraps).
func (d *pdfDoc) wrap(r run) [][]string {
	r.text = pdfText(r.text) // never a rune fpdf cannot measure
	d.p.SetFont(fontFamily, r.style, r.size)
	space := d.p.GetStringWidth(" ")
	var lines [][]string
	var cur []string
	curW := 0.0
	avail := r.w - r.indent
	flush := func() {
		lines = append(lines, cur)
		cur, curW = nil, 0
		avail = r.w
	}
	// Words are split at spaces only: no-break spaces (the clerk's blanks) stay.
	for _, word := range strings.FieldsFunc(r.text, func(c rune) bool { return c == ' ' }) {
		ww := d.p.GetStringWidth(word)
		for ww > avail && len(cur) == 0 {
			// A word longer than a line: cut it where it overflows.
			cut := cutAt(d.p, word, avail)
			cur = []string{word[:cut]}
			flush()
			word = word[cut:]
			ww = d.p.GetStringWidth(word)
		}
		if word == "" {
			continue
		}
		need := ww
		if len(cur) > 0 {
			need += space
		}
		if curW+need > avail+0.01 && len(cur) > 0 {
			flush()
			need = ww
			if ww > avail {
				for ww > avail {
					cut := cutAt(d.p, word, avail)
					cur = []string{word[:cut]}
					flush()
					word = word[cut:]
					ww = d.p.GetStringWidth(word)
				}
				if word == "" {
					continue
				}
				need = ww
			}
		}
		cur = append(cur, word)
		curW += need
	}
	if len(cur) > 0 || len(lines) == 0 {
		lines = append(lines, cur)
	}
	return lines
}

// cutAt is the byte offset of the longest prefix of word (whole runes, at
// least one) that fits in w.
func cutAt(p *fpdf.Fpdf, word string, w float64) int {
	cut, acc := 0, 0.0
	for i, r := range word {
		cw := p.GetStringWidth(string(r))
		if acc+cw > w && i > 0 {
			return i
		}
		acc += cw
		cut = i + len(string(r))
	}
	return cut
}

// balanced is the narrowest column width that keeps r on as many lines as
// its full width does: a centred title then breaks into even lines instead
// of leaving one word alone on the last.
func (d *pdfDoc) balanced(r run) float64 {
	n := len(d.wrap(r))
	if n < 2 || n > 6 {
		return r.w
	}
	lo, hi := r.w/float64(n), r.w
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		t := r
		t.w = mid
		if len(d.wrap(t)) > n {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// need starts a new page when h mm do not fit under the cursor.
func (d *pdfDoc) need(h float64) {
	if d.y+h > pageH-marginBottom {
		d.p.AddPage()
		d.y = marginTop
	}
}

// put lays out r from the cursor, breaking pages between lines, and returns
// the width of its widest line.
func (d *pdfDoc) put(r run) float64 {
	lines := d.wrap(r)
	lh := lineH(r.size)
	space := d.p.GetStringWidth(" ")
	widest := 0.0
	for i, words := range lines {
		d.need(lh)
		d.p.SetFont(fontFamily, r.style, r.size)
		x := r.x
		avail := r.w
		if i == 0 {
			x += r.indent
			avail -= r.indent
		}
		wordsW := 0.0
		for _, w := range words {
			wordsW += d.p.GetStringWidth(w)
		}
		natural := wordsW + space*float64(max(len(words)-1, 0))
		widest = max(widest, natural)
		gap := space
		switch r.align {
		case center:
			x += (avail - natural) / 2
		case justify:
			if i < len(lines)-1 && len(words) > 1 {
				gap = (avail - wordsW) / float64(len(words)-1)
			}
		}
		base := d.y + (lh-ptMM(r.size))/2 + ptMM(r.size)*0.75
		if r.align == justify && gap != space {
			for _, w := range words {
				d.p.Text(x, base, w)
				x += d.p.GetStringWidth(w) + gap
			}
		} else if len(words) > 0 {
			line := strings.Join(words, " ")
			d.p.Text(x, base, line)
			if r.under {
				d.rule(x, x+natural, base+0.6)
			}
		}
		d.y += lh
	}
	return widest
}

// rule draws a horizontal rule (đường kẻ ngang, nét liền) at y.
func (d *pdfDoc) rule(x1, x2, y float64) {
	d.p.SetLineWidth(0.25)
	d.p.Line(x1, y, x2, y)
}

// centredRule draws a rule of length l centred in the column at the cursor.
func (d *pdfDoc) centredRule(x, w, l float64) {
	l = min(l, w)
	d.rule(x+(w-l)/2, x+(w+l)/2, d.y+0.8)
	d.y += 1.8
}

func (d *pdfDoc) render(doc Doc) {
	d.header(doc)
	d.title(doc)
	z := d.z
	for _, a := range AddresseeLines(doc.Addressees) {
		// "Kính gửi:" centred when alone on its line, the list under it indented.
		if strings.HasPrefix(a, "- ") {
			d.put(run{text: a, size: z.body, x: marginLeft + textW*0.3, w: textW * 0.7, align: left})
		} else {
			d.put(run{text: a, size: z.body, x: marginLeft, w: textW, align: center})
		}
	}
	if len(doc.Addressees) > 0 {
		d.y += ptMM(paraSpace)
	}
	for _, b := range BasisLines(doc.Bases) {
		d.y += ptMM(paraSpace)
		d.put(run{text: b, style: "I", size: z.body, x: marginLeft, w: textW, indent: firstIndent, align: justify})
	}
	for _, b := range doc.Body {
		d.block(b)
	}
	d.signature(doc)
}

// header draws the two-column header table: left the parent and issuing body
// with the short rule (Party: the star) and the number; right the motto with
// its rule and the place-and-date line.
func (d *pdfDoc) header(doc Doc) {
	z, h := d.z, d.h
	lx, rx := marginLeft, marginLeft+h.leftW
	top := d.y
	if p := clean(doc.Parent); p != "" {
		d.put(run{text: strings.ToUpper(p), size: z.parent, x: lx, w: h.leftW, align: center})
	}
	iss := strings.ToUpper(clean(doc.Issuer))
	if iss != "" {
		wi := d.put(run{text: iss, style: "B", size: z.issuer, x: lx, w: h.leftW, align: center})
		if d.style == Party {
			d.put(run{text: "*", size: z.issuer, x: lx, w: h.leftW, align: center})
		} else {
			d.centredRule(lx, h.leftW, wi*0.4)
		}
	}
	leftY := d.y
	d.y = top
	m := Motto(d.style)
	if d.style == Party {
		d.put(run{text: m[0], style: "B", size: z.motto1, x: rx, w: h.rightW, align: center, under: true})
	} else {
		d.put(run{text: m[0], style: "B", size: z.motto1, x: rx, w: h.rightW, align: center})
		d.put(run{text: m[1], style: "B", size: z.motto2, x: rx, w: h.rightW, align: center})
		d.centredRule(rx, h.rightW, h.mottoRule)
	}
	// The second row: the number left, the place and date right, on one line.
	d.y = max(leftY, d.y) + 1.5
	row := d.y
	d.put(run{text: NumberLine(d.style, doc.Number, doc.Symbol), size: z.number, x: lx, w: h.leftW, align: center})
	leftY = d.y
	d.y = row
	d.put(run{text: DateLine(doc.Place, doc.Date), style: "I", size: z.date, x: rx, w: h.rightW, align: center})
	d.y = max(leftY, d.y)
}

// title draws the kind in capitals and the summary under it, with its rule.
func (d *pdfDoc) title(doc Doc) {
	z := d.z
	kind := strings.ToUpper(clean(doc.Kind))
	sum := clean(doc.Summary)
	if kind == "" && sum == "" {
		d.y += ptMM(paraSpace)
		return
	}
	d.y += 10
	if kind != "" {
		d.put(run{text: kind, style: "B", size: z.kind, x: marginLeft, w: textW, align: center})
	}
	if sum != "" {
		r := run{text: sum, style: "B", size: z.summary, x: marginLeft + textW*0.05, w: textW * 0.9, align: center}
		r.w = d.balanced(r)
		r.x = marginLeft + (textW-r.w)/2
		ws := d.put(r)
		d.y += 0.6
		d.centredRule(marginLeft, textW, max(ws*0.4, 20))
	}
	d.y += ptMM(paraSpace)
}

func (d *pdfDoc) block(b Block) {
	z := d.z
	r := run{size: z.body, x: marginLeft, w: textW, indent: firstIndent, align: justify}
	switch b.Kind {
	case Heading:
		r.text = HeadingText(b)
		r.style = "B"
		switch {
		case b.Level == 3:
			r.style = "BI"
		case b.Level >= 4:
			r.style = "I"
		}
		// Keep a heading with the first lines of what follows it.
		d.need(ptMM(paraSpace) + 3*lineH(z.body))
	case Item:
		r.text = ItemText(b)
	default:
		r.text = clean(b.Text)
	}
	if r.text == "" {
		return
	}
	d.y += ptMM(paraSpace)
	d.put(r)
}

// signature draws "Nơi nhận:" and its list on the left and the signing block
// on the right, side by side from the same height, kept on one page.
func (d *pdfDoc) signature(doc Doc) {
	z := d.z
	recv := RecipientLines(doc.Recipients)
	var sig []string
	for _, l := range doc.Signature.Lines {
		if l = strings.ToUpper(clean(l)); l != "" {
			sig = append(sig, l)
		}
	}
	name := clean(doc.Signature.Name)
	if len(recv) == 0 && len(sig) == 0 && name == "" {
		return
	}
	leftW := textW * 0.48
	sigX, sigW := marginLeft+leftW, textW-leftW
	// The height of both columns, to keep them on one page (a list longer
	// than a page continues on the next, the signature under it).
	height := func(r run, lines ...string) float64 {
		h := 0.0
		for _, l := range lines {
			r.text = pdfText(l)
			h += float64(len(d.wrap(r))) * lineH(r.size)
		}
		return h
	}
	hSig := height(run{style: "B", size: z.sign, w: sigW}, sig...) + sigSpace + lineH(z.sign)
	hRecv := lineH(z.recvHead) + height(run{size: z.recipients, w: leftW - 2}, recv...)
	d.y += ptMM(paraSpace) * 2
	d.need(min(max(hSig, hRecv), pageH-marginTop-marginBottom))
	top := d.y
	page := d.p.PageNo()
	if len(recv) > 0 {
		head := run{text: "Nơi nhận:", style: "BI", size: z.recvHead, x: marginLeft, w: leftW}
		if d.style == Party {
			head.style, head.under = "", true
		}
		d.put(head)
		for _, l := range recv {
			d.put(run{text: l, size: z.recipients, x: marginLeft, w: leftW - 2})
		}
	}
	endRecv, endPage := d.y, d.p.PageNo()
	if endPage != page {
		// The list ran over a page: the signature goes under it.
		top = d.y
		page = endPage
	}
	d.y = top
	for _, l := range sig {
		d.put(run{text: l, style: "B", size: z.sign, x: sigX, w: sigW, align: center})
	}
	if name != "" {
		d.y += sigSpace
		d.put(run{text: name, style: "B", size: z.sign, x: sigX, w: sigW, align: center})
	}
	if d.p.PageNo() == page {
		d.y = max(d.y, endRecv)
	}
}
