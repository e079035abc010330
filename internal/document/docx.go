package document

import (
	"archive/zip"
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// WriteDOCX writes d as a Word file (WordprocessingML in a zip, written with
// the standard library) in the layout of its style: the same page, header
// table, title, body, recipients and signature as WritePDF, with the page
// number in the header from page 2 on. Every field is cleaned first, so any
// Doc gives a valid file.
func WriteDOCX(w io.Writer, d Doc) error {
	z := zip.NewWriter(w)
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypes},
		{"_rels/.rels", rootRels},
		{"docProps/core.xml", coreXML(Title(d), time.Now().UTC())},
		{"docProps/app.xml", appXML},
		{"word/_rels/document.xml.rels", documentRels},
		{"word/document.xml", documentXML(d)},
		{"word/styles.xml", stylesXML(sizesOf(d.Style).body)},
		{"word/settings.xml", settingsXML},
		{"word/header1.xml", headerXML(sizesOf(d.Style).pageNo, true)},
		{"word/header2.xml", headerXML(sizesOf(d.Style).pageNo, false)},
	}
	for _, p := range parts {
		f, err := z.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return fmt.Errorf("document: docx: %w", err)
		}
		if _, err := io.WriteString(f, p.body); err != nil {
			return fmt.Errorf("document: docx: %w", err)
		}
	}
	if err := z.Close(); err != nil {
		return fmt.Errorf("document: docx: %w", err)
	}
	return nil
}

const xmlHead = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"

const contentTypes = xmlHead + `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
	`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
	`<Default Extension="xml" ContentType="application/xml"/>` +
	`<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>` +
	`<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>` +
	`<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>` +
	`<Override PartName="/word/header1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
	`<Override PartName="/word/header2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/>` +
	`<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>` +
	`<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>` +
	`</Types>`

const rootRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>` +
	`</Relationships>`

const documentRels = xmlHead + `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` +
	`<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>` +
	`<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>` +
	`<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header1.xml"/>` +
	`<Relationship Id="rId4" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/header" Target="header2.xml"/>` +
	`</Relationships>`

const appXML = xmlHead + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>danchu</Application></Properties>`

const settingsXML = xmlHead + `<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
	`<w:defaultTabStop w:val="720"/><w:characterSpacingControl w:val="doNotCompress"/>` +
	`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
	`</w:settings>`

func coreXML(title string, now time.Time) string {
	ts := now.Format("2006-01-02T15:04:05Z")
	return xmlHead + `<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" ` +
		`xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">` +
		`<dc:title>` + esc(title) + `</dc:title><dc:creator>danchu</dc:creator><dc:language>vi-VN</dc:language>` +
		`<dcterms:created xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:created>` +
		`<dcterms:modified xsi:type="dcterms:W3CDTF">` + ts + `</dcterms:modified>` +
		`</cp:coreProperties>`
}

func stylesXML(body float64) string {
	return xmlHead + `<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` +
		`<w:docDefaults><w:rPrDefault><w:rPr>` +
		`<w:rFonts w:ascii="` + wordFont + `" w:hAnsi="` + wordFont + `" w:eastAsia="` + wordFont + `" w:cs="` + wordFont + `"/>` +
		fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, hp(body), hp(body)) +
		`<w:lang w:val="vi-VN" w:eastAsia="vi-VN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault></w:docDefaults>` +
		`<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/></w:style>` +
		`<w:style w:type="paragraph" w:styleId="Header"><w:name w:val="header"/><w:basedOn w:val="Normal"/></w:style>` +
		`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="0" w:type="dxa"/>` +
		`<w:bottom w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` +
		`</w:styles>`
}

// headerXML is the page header: the page number centred (default), or
// nothing (the first page's header: NĐ 30 prints no number on page 1).
func headerXML(size float64, number bool) string {
	var p string
	if number {
		p = `<w:p><w:pPr><w:pStyle w:val="Header"/><w:jc w:val="center"/></w:pPr>` +
			fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:fldChar w:fldCharType="begin"/></w:r>`, hp(size)) +
			fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>`, hp(size)) +
			fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:fldChar w:fldCharType="separate"/></w:r>`, hp(size)) +
			fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:t>2</w:t></w:r>`, hp(size)) +
			fmt.Sprintf(`<w:r><w:rPr><w:sz w:val="%d"/></w:rPr><w:fldChar w:fldCharType="end"/></w:r>`, hp(size)) +
			`</w:p>`
	} else {
		p = `<w:p><w:pPr><w:pStyle w:val="Header"/></w:pPr></w:p>`
	}
	return xmlHead + `<w:hdr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">` + p + `</w:hdr>`
}

// hp is a size in pt as Word's half-points.
func hp(pt float64) int { return int(math.Round(pt * 2)) }

// tw is a length in mm as twentieths of a point.
func tw(mm float64) int { return int(math.Round(mm / 25.4 * 1440)) }

// esc escapes text for XML character data and attributes (clean has already
// dropped what XML 1.0 cannot carry).
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// para is one paragraph of the DOCX.
type para struct {
	text          string
	bold, italic  bool
	under         bool
	size          float64
	jc            string  // "left", "center", "both"
	firstLine     float64 // mm
	indL, indR    float64 // mm
	before, after float64 // pt
	keepNext      bool
	rule          bool // a rule (bottom border of an empty line) instead of text: the short lines of the header and title
}

func (p para) xml() string {
	var b strings.Builder
	b.WriteString(`<w:p><w:pPr>`)
	if p.keepNext {
		b.WriteString(`<w:keepNext/>`)
	}
	if p.rule {
		b.WriteString(`<w:pBdr><w:bottom w:val="single" w:sz="6" w:space="0" w:color="000000"/></w:pBdr>`)
	}
	line := `w:line="264" w:lineRule="auto"`
	if p.rule {
		// An empty line 3 pt high: its bottom border is the rule, a little
		// under the text above.
		line = `w:line="60" w:lineRule="exact"`
	}
	fmt.Fprintf(&b, `<w:spacing w:before="%d" w:after="%d" %s/>`, int(p.before*20), int(p.after*20), line)
	if p.indL != 0 || p.indR != 0 || p.firstLine != 0 {
		fmt.Fprintf(&b, `<w:ind w:left="%d" w:right="%d" w:firstLine="%d"/>`, tw(p.indL), tw(p.indR), tw(p.firstLine))
	}
	jc := p.jc
	if jc == "" {
		jc = "left"
	}
	fmt.Fprintf(&b, `<w:jc w:val="%s"/>`, jc)
	b.WriteString(`</w:pPr>`)
	if p.text != "" {
		b.WriteString(`<w:r><w:rPr>`)
		if p.bold {
			b.WriteString(`<w:b/><w:bCs/>`)
		}
		if p.italic {
			b.WriteString(`<w:i/><w:iCs/>`)
		}
		// CT_RPr's order: b, i, then sz, then u (Word refuses other orders).
		if p.size != 0 {
			fmt.Fprintf(&b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, hp(p.size), hp(p.size))
		}
		if p.under {
			b.WriteString(`<w:u w:val="single"/>`)
		}
		b.WriteString(`</w:rPr><w:t xml:space="preserve">`)
		b.WriteString(esc(p.text))
		b.WriteString(`</w:t></w:r>`)
	}
	b.WriteString(`</w:p>`)
	return b.String()
}

// rulePara is a centred rule of length l mm in a column w mm wide.
func rulePara(w, l float64) para {
	l = min(l, w)
	return para{rule: true, indL: (w - l) / 2, indR: (w - l) / 2}
}

// table writes a borderless table of rows of cells, each cell a list of
// paragraphs, with the given column widths (mm).
func table(b *strings.Builder, widths []float64, rows [][][]para) {
	// CT_TblPr's order: tblW, tblBorders, tblLayout, tblCellMar.
	b.WriteString(`<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/>`)
	b.WriteString(`<w:tblBorders><w:top w:val="nil"/><w:left w:val="nil"/><w:bottom w:val="nil"/><w:right w:val="nil"/><w:insideH w:val="nil"/><w:insideV w:val="nil"/></w:tblBorders>`)
	b.WriteString(`<w:tblLayout w:type="fixed"/>`)
	b.WriteString(`<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(b, `<w:gridCol w:w="%d"/>`, tw(w))
	}
	b.WriteString(`</w:tblGrid>`)
	for _, row := range rows {
		b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		for i, cell := range row {
			fmt.Fprintf(b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, tw(widths[i]))
			if len(cell) == 0 {
				cell = []para{{}}
			}
			for _, p := range cell {
				b.WriteString(p.xml())
			}
			b.WriteString(`</w:tc>`)
		}
		b.WriteString(`</w:tr>`)
	}
	b.WriteString(`</w:tbl>`)
}

func documentXML(d Doc) string {
	z, h := sizesOf(d.Style), headerOf(d.Style)
	var b strings.Builder
	b.WriteString(xmlHead + `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" ` +
		`xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:body>`)

	// The header table: row 1 the bodies and the motto, row 2 the number and the date.
	var left, right []para
	if p := clean(d.Parent); p != "" {
		left = append(left, para{text: strings.ToUpper(p), size: z.parent, jc: "center"})
	}
	if iss := strings.ToUpper(clean(d.Issuer)); iss != "" {
		left = append(left, para{text: iss, bold: true, size: z.issuer, jc: "center"})
		if d.Style == Party {
			left = append(left, para{text: "*", size: z.issuer, jc: "center"})
		} else {
			wi := min(measure("B", z.issuer, iss), h.leftW)
			left = append(left, rulePara(h.leftW, wi*0.4))
		}
	}
	m := Motto(d.Style)
	if d.Style == Party {
		right = append(right, para{text: m[0], bold: true, under: true, size: z.motto1, jc: "center"})
	} else {
		right = append(right, para{text: m[0], bold: true, size: z.motto1, jc: "center"},
			para{text: m[1], bold: true, size: z.motto2, jc: "center"}, rulePara(h.rightW, h.mottoRule))
	}
	table(&b, []float64{h.leftW, h.rightW}, [][][]para{
		{left, right},
		{{{text: NumberLine(d.Style, d.Number, d.Symbol), size: z.number, jc: "center", before: 3}},
			{{text: DateLine(d.Place, d.Date), italic: true, size: z.date, jc: "center", before: 3}}},
	})

	// The title.
	kind, sum := strings.ToUpper(clean(d.Kind)), clean(d.Summary)
	if kind != "" {
		b.WriteString(para{text: kind, bold: true, size: z.kind, jc: "center", before: 24, keepNext: true}.xml())
	}
	if sum != "" {
		before := 0.0
		if kind == "" {
			before = 24
		}
		// Even lines, as in the PDF; 1 mm of slack for Word's rounding.
		bw := min(balancedWidth("B", z.summary, sum, textW*0.9)+1, textW*0.9)
		b.WriteString(para{text: sum, bold: true, size: z.summary, jc: "center", before: before, keepNext: true,
			indL: (textW - bw) / 2, indR: (textW - bw) / 2}.xml())
		ws := min(measure("B", z.summary, sum), textW*0.9)
		b.WriteString(rulePara(textW, max(ws*0.4, 20)).xml())
	}

	for _, a := range AddresseeLines(d.Addressees) {
		if strings.HasPrefix(a, "- ") {
			b.WriteString(para{text: a, indL: textW * 0.3}.xml())
		} else {
			b.WriteString(para{text: a, jc: "center", before: paraSpace}.xml())
		}
	}
	for _, l := range BasisLines(d.Bases) {
		b.WriteString(para{text: l, italic: true, jc: "both", firstLine: firstIndent, before: paraSpace}.xml())
	}
	for _, blk := range d.Body {
		p := para{jc: "both", firstLine: firstIndent, before: paraSpace}
		switch blk.Kind {
		case Heading:
			p.text, p.bold, p.keepNext = HeadingText(blk), true, true
			switch {
			case blk.Level == 3:
				p.italic = true
			case blk.Level >= 4:
				p.bold, p.italic = false, true
			}
		case Item:
			p.text = ItemText(blk)
		default:
			p.text = clean(blk.Text)
		}
		if p.text != "" {
			b.WriteString(p.xml())
		}
	}

	// "Nơi nhận:" left and the signature right, one table row kept on a page.
	recv := RecipientLines(d.Recipients)
	var sig []string
	for _, l := range d.Signature.Lines {
		if l = strings.ToUpper(clean(l)); l != "" {
			sig = append(sig, l)
		}
	}
	name := clean(d.Signature.Name)
	if len(recv) > 0 || len(sig) > 0 || name != "" {
		b.WriteString(para{before: paraSpace}.xml())
		var lc, rc []para
		if len(recv) > 0 {
			head := para{text: "Nơi nhận:", bold: true, italic: true, size: z.recvHead}
			if d.Style == Party {
				head.bold, head.italic, head.under = false, false, true
			}
			lc = append(lc, head)
			for _, l := range recv {
				lc = append(lc, para{text: l, size: z.recipients})
			}
		}
		for _, l := range sig {
			rc = append(rc, para{text: l, bold: true, size: z.sign, jc: "center"})
		}
		if name != "" {
			rc = append(rc, para{text: name, bold: true, size: z.sign, jc: "center", before: sigSpace / 25.4 * 72})
		}
		leftW := textW * 0.48
		table(&b, []float64{leftW, textW - leftW}, [][][]para{{lc, rc}})
	}

	// The section: A4 portrait, the margins, the number header from page 2.
	// Word needs a paragraph after the last table; a 1 pt one, so that it
	// does not spill onto a page of its own.
	fmt.Fprintf(&b, `<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/><w:rPr><w:sz w:val="2"/></w:rPr></w:pPr></w:p><w:sectPr><w:headerReference w:type="default" r:id="rId3"/><w:headerReference w:type="first" r:id="rId4"/>`+
		`<w:pgSz w:w="11906" w:h="16838"/>`+
		`<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`+
		`<w:titlePg/></w:sectPr></w:body></w:document>`,
		tw(marginTop), tw(marginRight), tw(marginBottom), tw(marginLeft), tw(marginTop/2-3), tw(marginBottom/2))
	return b.String()
}
