// Package planimporttest writes plans as Word files for tests: a seed's text
// as the paragraphs of a minimal WordprocessingML package, the way a converter
// or a writer lays it out. planimport.ParseDOCX reads such a file as the same
// plan as its text; the plans' import page takes it as an upload.
package planimporttest

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"strings"
)

// ContentTypes is the [Content_Types].xml of a Word file.
const ContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`

// DOCX writes a minimal WordprocessingML package: [Content_Types].xml, the
// main part (document), and the numbering part when given.
func DOCX(document, numbering string) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	parts := [][2]string{{"[Content_Types].xml", ContentTypes}, {"word/document.xml", document}}
	if numbering != "" {
		parts = append(parts, [2]string{"word/numbering.xml", numbering})
	}
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			panic(err) // a bytes.Buffer does not fail
		}
		io.WriteString(w, p[1])
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// Seed is a seed's text (planimport.Seed) as a Word file (Document).
func Seed(text string) []byte { return DOCX(Document(text), "") }

// Bomb is a Word file whose main part inflates to n bytes of spaces from a
// few kilobytes per megabyte: a zip bomb, with its directory telling the truth.
func Bomb(n int) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	w, _ := zw.Create("[Content_Types].xml")
	io.WriteString(w, ContentTypes)
	w, _ = zw.Create("word/document.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for n > 0 {
		k := min(n, len(chunk))
		w.Write(chunk[:k])
		n -= k
	}
	zw.Close()
	return buf.Bytes()
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// Document is a seed's text as Word paragraphs: a paragraph for each run of
// lines between blank lines, its lines separated by w:br, each line one
// w:r/w:t (a tab as w:tab), the way a converter or a writer would lay it out.
func Document(text string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	for _, para := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n\n") {
		para = strings.Trim(para, "\n")
		if strings.TrimSpace(para) == "" {
			continue
		}
		b.WriteString("<w:p>")
		for i, ln := range strings.Split(para, "\n") {
			b.WriteString("<w:r>")
			if i > 0 {
				b.WriteString("<w:br/>")
			}
			for j, part := range strings.Split(ln, "\t") {
				if j > 0 {
					b.WriteString("<w:tab/>")
				}
				b.WriteString(`<w:t xml:space="preserve">` + esc(part) + `</w:t>`)
			}
			b.WriteString("</w:r>")
		}
		b.WriteString("</w:p>")
	}
	b.WriteString("</w:body></w:document>")
	return b.String()
}
