// Package filestest makes real, whole documents for tests of uploads: PDFs
// as a writer lays them out (a cross-reference table or stream, incremental
// updates) and Office files as a zip with their parts. files.Blobs.Put
// accepts them, and refuses them cut short.
package filestest

import (
	"archive/zip"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// pdfObjects are the objects of a one-page PDF showing text (1: the catalog).
func pdfObjects(text string) []string {
	text = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`).Replace(text)
	stream := fmt.Sprintf("BT /F1 14 Tf 72 760 Td (%s) Tj ET", text)
	return []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
}

// writeObjects writes the header and objects; it returns their offsets.
func writeObjects(b *bytes.Buffer, objs []string) []int {
	b.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	return offsets
}

// PDF is a one-page PDF showing text, with a cross-reference table.
func PDF(text string) []byte {
	var b bytes.Buffer
	offsets := writeObjects(&b, pdfObjects(text))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /ID [<%x> <%x>] >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, text, text, xref)
	return b.Bytes()
}

// PDFXRefStream is a one-page PDF showing text whose cross-reference section
// is a stream (PDF 1.5 and later, as most office suites write): an
// uncompressed one, which the format allows.
func PDFXRefStream(text string) []byte {
	var b bytes.Buffer
	objs := pdfObjects(text)
	offsets := writeObjects(&b, objs)
	n := len(objs) + 1 // the xref stream itself
	offsets = append(offsets, b.Len())
	var rows bytes.Buffer
	rows.Write([]byte{0, 0, 0, 0, 0, 0xff, 0xff})
	for _, off := range offsets {
		rows.Write([]byte{1, byte(off >> 24), byte(off >> 16), byte(off >> 8), byte(off), 0, 0})
	}
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n", n, n+1, rows.Len())
	b.Write(rows.Bytes())
	fmt.Fprintf(&b, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", offsets[n-1])
	return b.Bytes()
}

// Update appends an incremental update to pdf (made by PDF): a new content
// stream for its page showing text, a cross-reference table for it and a
// trailer whose /Prev is the previous section.
func Update(pdf []byte, text string) []byte {
	prev := bytes.LastIndex(pdf, []byte("startxref"))
	prevOff, err := strconv.Atoi(strings.Fields(string(pdf[prev+len("startxref"):]))[0])
	if err != nil {
		panic("filestest.Update: not a PDF made by filestest.PDF")
	}
	b := bytes.NewBuffer(append([]byte(nil), pdf...))
	stream := fmt.Sprintf("BT /F1 14 Tf 72 700 Td (%s) Tj ET", text)
	off := b.Len()
	fmt.Fprintf(b, "4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", len(stream), stream)
	xref := b.Len()
	fmt.Fprintf(b, "xref\n0 1\n0000000000 65535 f\r\n4 1\n%010d 00000 n\r\n", off)
	fmt.Fprintf(b, "trailer\n<< /Size 6 /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", prevOff, xref)
	return b.Bytes()
}

// zipOf writes parts (name, content, in order) as a zip, deflated.
func zipOf(parts ...[2]string) []byte {
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	for _, p := range parts {
		f, err := w.Create(p[0])
		if err != nil {
			panic(err)
		}
		f.Write([]byte(p[1]))
	}
	if err := w.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

const rels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="%s"/></Relationships>`

// DOCX is a Word document of paragraphs (one per line of text), as Word
// reads it.
func DOCX(text string) []byte {
	var body strings.Builder
	for _, line := range strings.Split(text, "\n") {
		fmt.Fprintf(&body, `<w:p><w:r><w:t xml:space="preserve">%s</w:t></w:r></w:p>`, xmlText(line))
	}
	// Enough text that the main part is spread over several deflate blocks.
	for i := range 200 {
		fmt.Fprintf(&body, `<w:p><w:r><w:t>Điều %d. Nội dung công khai theo quy định.</w:t></w:r></w:p>`, i+1)
	}
	return zipOf(
		[2]string{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		[2]string{"_rels/.rels", fmt.Sprintf(rels, "word/document.xml")},
		[2]string{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` + body.String() + `</w:body></w:document>`},
	)
}

// XLSX is a workbook of one sheet with text in A1, as Excel reads it.
func XLSX(text string) []byte {
	return zipOf(
		[2]string{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		[2]string{"_rels/.rels", fmt.Sprintf(rels, "xl/workbook.xml")},
		[2]string{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		[2]string{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
		[2]string{"xl/worksheets/sheet1.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>` + xmlText(text) + `</t></is></c></row></sheetData></worksheet>`},
	)
}

func xmlText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// PDFLinearized is a one-page PDF laid out as a linearized ("fast web
// view") file: a first cross-reference section before the objects, whose
// trailer names /Root and, in /Prev, the main section at the end; the last
// startxref points back to the first section, and the first section's own
// startxref is 0.
func PDFLinearized(text string) []byte {
	objs := pdfObjects(text)
	var head bytes.Buffer
	head.WriteString("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
	first := head.Len()
	// The first section, its numbers fixed-width so its length is known before the offsets.
	section := func(offsets []int, prev int) string {
		var s strings.Builder
		fmt.Fprintf(&s, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
		for _, off := range offsets {
			fmt.Fprintf(&s, "%010d 00000 n\r\n", off)
		}
		fmt.Fprintf(&s, "trailer\n<< /Size %d /Root 1 0 R /Prev %010d >>\nstartxref\n0\n%%%%EOF\n", len(objs)+1, prev)
		return s.String()
	}
	size := len(section(make([]int, len(objs)), 0))
	var body bytes.Buffer
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = first + size + body.Len()
		fmt.Fprintf(&body, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	main := first + size + body.Len()
	var b bytes.Buffer
	b.Write(head.Bytes())
	b.WriteString(section(offsets, main))
	b.Write(body.Bytes())
	fmt.Fprintf(&b, "xref\n0 1\n0000000000 65535 f\r\ntrailer\n<< /Size %d >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, first)
	return b.Bytes()
}
