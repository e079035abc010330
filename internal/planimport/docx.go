package planimport

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"

	"danchu/internal/apperr"
)

// Bounds of a .docx: the main part (word/document.xml) and the numbering
// part uncompressed, whatever the zip's directory claims.
const (
	MaxDocumentXML  = 32 << 20
	maxNumberingXML = 4 << 20
	maxZipEntries   = 10000
	// maxDepth bounds the nesting of elements (a body, a table, a cell, a
	// paragraph, a run: a dozen in a real document), and with it the decoder's stack.
	maxDepth = 256
)

// ParseDOCX reads the text of a Word file (the paragraphs of
// word/document.xml: the text of its runs, tabs and breaks; a paragraph
// numbered by Word's numbering is given its number or bullet as text, read
// from word/numbering.xml; formatting is ignored), then parses it as Parse
// does. A file that is not a .docx, a damaged one or one whose main part is
// over MaxDocumentXML uncompressed is refused with a coded error.
func ParseDOCX(r io.ReaderAt, size int64) (Draft, error) {
	text, err := docxText(r, size)
	if err != nil {
		return Draft{}, err
	}
	return Parse(text)
}

func docxText(r io.ReaderAt, size int64) (string, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return "", apperr.New(apperr.CodeInvalid, "planimport.err.docx_zip", err.Error())
	}
	if len(zr.File) > maxZipEntries {
		return "", apperr.New(apperr.CodeInvalid, "planimport.err.docx_entries", len(zr.File), maxZipEntries)
	}
	var main, numbering *zip.File
	types := false
	for _, f := range zr.File {
		switch path.Clean(f.Name) {
		case "word/document.xml":
			main = f
		case "word/numbering.xml":
			numbering = f
		case "[Content_Types].xml":
			types = true
		}
	}
	if main == nil || !types {
		return "", apperr.New(apperr.CodeInvalid, "planimport.err.not_docx")
	}
	body, err := readPart(main, MaxDocumentXML)
	if err != nil {
		return "", err
	}
	var nums numbering_
	if numbering != nil {
		if b, err := readPart(numbering, maxNumberingXML); err == nil {
			nums = readNumbering(b) // a damaged numbering part costs the numbers, not the text
		}
	}
	return paragraphs(body, nums)
}

// readPart reads a zip entry, refusing one larger than limit uncompressed
// (counted while reading: the directory's size may lie).
func readPart(f *zip.File, limit int64) ([]byte, error) {
	if f.UncompressedSize64 > uint64(limit) {
		return nil, apperr.New(apperr.CodeInvalid, "planimport.err.docx_too_large", int(limit>>20))
	}
	rc, err := f.Open()
	if err != nil {
		return nil, apperr.New(apperr.CodeInvalid, "planimport.err.docx_zip", err.Error())
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, apperr.New(apperr.CodeInvalid, "planimport.err.docx_zip", err.Error())
	}
	if int64(len(b)) > limit {
		return nil, apperr.New(apperr.CodeInvalid, "planimport.err.docx_too_large", int(limit>>20))
	}
	return b, nil
}

const wordNS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

// level is one level of a Word list: its format and its text ("%1.").
type level struct {
	format string
	text   string
	start  int
}

// numbering_ maps a list (numId) to its levels.
type numbering_ map[string]map[int]level

func attr(e xml.StartElement, name string) string {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// readNumbering reads word/numbering.xml: abstract lists and the lists (num)
// that use them.
func readNumbering(b []byte) numbering_ {
	d := xml.NewDecoder(bytes.NewReader(b))
	abstract := map[string]map[int]level{}
	nums := map[string]string{}
	var curAbs, curNum string
	curLvl := -1
	depth := 0
	for {
		tok, err := d.Token()
		if err != nil {
			break
		}
		if _, end := tok.(xml.EndElement); end {
			depth--
		}
		e, ok := tok.(xml.StartElement)
		if ok {
			if depth++; depth > maxDepth {
				break // the numbers are lost, not the text
			}
		}
		if !ok || e.Name.Space != wordNS {
			continue
		}
		switch e.Name.Local {
		case "abstractNum":
			curAbs, curNum = attr(e, "abstractNumId"), ""
			abstract[curAbs] = map[int]level{}
		case "num":
			curNum, curAbs = attr(e, "numId"), ""
		case "abstractNumId":
			if curNum != "" {
				nums[curNum] = attr(e, "val")
			}
		case "lvl":
			curLvl, _ = strconv.Atoi(attr(e, "ilvl"))
			if curAbs != "" {
				abstract[curAbs][curLvl] = level{start: 1}
			}
		case "numFmt", "lvlText", "start":
			if curAbs == "" || curLvl < 0 {
				continue
			}
			l := abstract[curAbs][curLvl]
			switch e.Name.Local {
			case "numFmt":
				l.format = attr(e, "val")
			case "lvlText":
				l.text = attr(e, "val")
			case "start":
				l.start, _ = strconv.Atoi(attr(e, "val"))
			}
			abstract[curAbs][curLvl] = l
		}
	}
	out := numbering_{}
	for n, a := range nums {
		if lv, ok := abstract[a]; ok {
			out[n] = lv
		}
	}
	return out
}

// label is the number Word prints before a numbered paragraph.
func (n numbering_) label(counters map[string][]int, numID string, ilvl int) string {
	levels, ok := n[numID]
	if !ok || ilvl < 0 || ilvl > 8 {
		return ""
	}
	c := counters[numID]
	if c == nil {
		c = make([]int, 9)
		counters[numID] = c
	}
	l := levels[ilvl]
	if c[ilvl] == 0 {
		c[ilvl] = l.start - 1
	}
	c[ilvl]++
	for k := ilvl + 1; k < 9; k++ {
		c[k] = 0
	}
	if l.format == "bullet" || l.format == "none" {
		if l.format == "none" {
			return ""
		}
		return "-"
	}
	s := l.text
	for k := 0; k <= ilvl; k++ {
		v := c[k]
		if v == 0 {
			v = levels[k].start
		}
		s = strings.ReplaceAll(s, "%"+strconv.Itoa(k+1), formatNumber(levels[k].format, v))
	}
	return s
}

// formatNumber writes v as Word's level format does; a Roman level only up
// to XXXIX, the numerals the reader knows (a list's start is the file's: a
// huge one would be that many X's), in figures beyond.
func formatNumber(format string, v int) string {
	roman := v >= 1 && v <= 39
	switch {
	case format == "upperRoman" && roman:
		return toRoman(v)
	case format == "lowerRoman" && roman:
		return strings.ToLower(toRoman(v))
	case format == "lowerLetter" && v >= 1 && v <= 26:
		return string(rune('a' + v - 1))
	case format == "upperLetter" && v >= 1 && v <= 26:
		return string(rune('A' + v - 1))
	}
	return strconv.Itoa(v)
}

// paragraphs is the text of the w:p elements of the main part, a blank line
// between paragraphs (as converted text has them).
func paragraphs(b []byte, nums numbering_) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	var out strings.Builder
	var para strings.Builder
	inText, inPara := false, false
	numID, ilvl := "", 0
	counters := map[string][]int{}
	depth := 0
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return "", apperr.New(apperr.CodeInvalid, "planimport.err.docx_xml", err.Error())
		}
		if out.Len()+para.Len() > MaxTextBytes {
			return "", apperr.New(apperr.CodeInvalid, "planimport.err.too_large", MaxTextBytes>>20)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return "", apperr.New(apperr.CodeInvalid, "planimport.err.docx_xml", "nesting deeper than "+strconv.Itoa(maxDepth))
			}
			if e.Name.Space != wordNS {
				continue
			}
			switch e.Name.Local {
			case "p":
				inPara, numID, ilvl = true, "", 0
				para.Reset()
			case "t":
				inText = true
			case "tab":
				para.WriteByte('\t')
			case "br", "cr":
				para.WriteByte('\n')
			case "numId":
				numID = attr(e, "val")
			case "ilvl":
				ilvl, _ = strconv.Atoi(attr(e, "val"))
			}
		case xml.EndElement:
			depth--
			if e.Name.Space != wordNS {
				continue
			}
			switch e.Name.Local {
			case "t":
				inText = false
			case "p":
				if !inPara {
					continue
				}
				inPara = false
				text := para.String()
				if numID != "" && numID != "0" {
					if l := nums.label(counters, numID, ilvl); l != "" {
						text = l + " " + text
					}
				}
				out.WriteString(text)
				out.WriteString("\n\n")
			}
		case xml.CharData:
			if inText {
				para.Write(e)
			}
		}
	}
	return out.String(), nil
}

// ParseFile reads an uploaded plan by its content: a zip is a .docx
// (ParseDOCX); otherwise a file named .txt, .md or .markdown (or without an
// extension) is text (Parse). Anything else (.doc, .pdf) is refused.
func ParseFile(name string, r io.ReaderAt, size int64) (Draft, error) {
	text, err := FileText(name, r, size)
	if err != nil {
		return Draft{}, err
	}
	return Parse(text)
}

// FileText is the text ParseFile parses: a .docx's paragraphs (recognised by
// its content: a zip), or a text file's bytes (by its name: .txt, .md,
// .markdown or none; Parse refuses bytes that are not UTF-8 text). Anything
// else is refused with a coded error, as is a text over MaxTextBytes.
func FileText(name string, r io.ReaderAt, size int64) (string, error) {
	var head [4]byte
	n, _ := r.ReadAt(head[:], 0)
	if n == 4 && string(head[:]) == "PK\x03\x04" {
		return docxText(r, size)
	}
	switch ext := strings.ToLower(path.Ext(name)); ext {
	case ".txt", ".md", ".markdown", "":
	case ".docx":
		return "", apperr.New(apperr.CodeInvalid, "planimport.err.not_docx")
	default:
		return "", apperr.New(apperr.CodeInvalid, "planimport.err.file_type", ext)
	}
	if size > MaxTextBytes {
		return "", apperr.New(apperr.CodeInvalid, "planimport.err.too_large", MaxTextBytes>>20)
	}
	b, err := io.ReadAll(io.NewSectionReader(r, 0, MaxTextBytes+1))
	if err != nil {
		return "", fmt.Errorf("planimport: read %s: %w", name, err)
	}
	return string(b), nil
}
