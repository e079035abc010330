package files

import (
	"bytes"
	"errors"
	"strconv"
)

// checkPDF reports whether a PDF is whole: a file cut short (a dropped
// upload, a copy interrupted, a save that did not finish) has lost its end,
// and its end is where a PDF starts to be read. It checks, without any
// dependency and without decompressing anything:
//   - the file ends with %%EOF (PDF white space after it allowed);
//   - the startxref just before it holds an offset inside the file where a
//     cross-reference section starts: an `xref` table (whose subsections parse
//     and whose objects lie inside the file, followed by a `trailer`
//     dictionary) or a cross-reference stream object `N G obj << /Type /XRef
//     … >> stream … endstream`;
//   - that trailer (or stream dictionary) names the document's /Root;
//   - each earlier section its /Prev (or a hybrid file's /XRefStm) names,
//     for the incremental updates, is one too.
//
// It is not a full parser: a file whose objects are damaged inside but whose
// skeleton is whole passes, as it opens in most readers (which repair such
// files) anyway.
func checkPDF(b []byte) error {
	end := len(b)
	for end > 0 && isPDFSpace(b[end-1]) {
		end--
	}
	if !bytes.HasSuffix(b[:end], []byte("%%EOF")) {
		return errors.New("no %%EOF at the end")
	}
	end -= len("%%EOF")
	sx := bytes.LastIndex(b[:end], []byte("startxref"))
	if sx < 0 {
		return errors.New("no startxref before %%EOF")
	}
	p := skipSpace(b, sx+len("startxref"), end)
	off, p, ok := readInt(b, p, end)
	if !ok || skipSpace(b, p, end) != end {
		return errors.New("startxref holds no offset")
	}
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if off <= 0 || off >= sx || seen[off] || n > 1000 {
			return errors.New("a cross-reference offset points outside the file or loops")
		}
		seen[off] = true
		trailer, err := xrefSection(b, off, sx)
		if err != nil {
			return err
		}
		if n == 0 {
			if v, ok := trailer["Root"]; !ok || v.kind != pdfRef {
				return errors.New("the trailer names no /Root")
			}
		}
		if v, ok := trailer["XRefStm"]; ok {
			if v.kind != pdfInt || v.n <= 0 || v.n >= sx || seen[v.n] {
				return errors.New("bad /XRefStm")
			}
			seen[v.n] = true
			if _, err := xrefStream(b, v.n, sx); err != nil {
				return err
			}
		}
		v, ok := trailer["Prev"]
		if !ok {
			return nil
		}
		if v.kind != pdfInt {
			return errors.New("bad /Prev")
		}
		off = v.n
	}
}

// xrefSection checks the cross-reference section at off (a table or a
// stream) and returns its trailer dictionary; limit is where the last
// startxref is (nothing the section holds may reach past it).
func xrefSection(b []byte, off, limit int) (map[string]pdfValue, error) {
	p := skipSpace(b, off, limit) // some writers point at the line break before
	if bytes.HasPrefix(b[p:limit], []byte("xref")) {
		return xrefTable(b, p+len("xref"), limit)
	}
	return xrefStream(b, p, limit)
}

// xrefTable checks the subsections of a cross-reference table from p (just
// after the keyword) and reads the trailer dictionary after them.
func xrefTable(b []byte, p, limit int) (map[string]pdfValue, error) {
	for {
		p = skipSpace(b, p, limit)
		if bytes.HasPrefix(b[p:limit], []byte("trailer")) {
			d, _, err := readDict(b, skipSpace(b, p+len("trailer"), limit), limit)
			return d, err
		}
		first, q, ok := readInt(b, p, limit)
		if !ok {
			return nil, errors.New("a cross-reference table is cut or malformed")
		}
		count, q, ok := readInt(b, skipSpace(b, q, limit), limit)
		if !ok || first < 0 || count < 0 || count > (limit-q)/18+1 {
			return nil, errors.New("a cross-reference subsection is cut or malformed")
		}
		p = q
		for range count {
			var off int
			p = skipSpace(b, p, limit)
			if off, p, ok = readInt(b, p, limit); !ok {
				return nil, errors.New("a cross-reference entry is cut")
			}
			if _, p, ok = readInt(b, skipSpace(b, p, limit), limit); !ok {
				return nil, errors.New("a cross-reference entry is cut")
			}
			p = skipSpace(b, p, limit)
			if p >= limit || (b[p] != 'n' && b[p] != 'f') {
				return nil, errors.New("a cross-reference entry is cut")
			}
			if b[p] == 'n' && off >= limit {
				return nil, errors.New("an object lies past the end of the file")
			}
			p++
		}
	}
}

// xrefStream checks the cross-reference stream object at p and returns its
// dictionary: `N G obj`, a dictionary of /Type /XRef with a direct /Length,
// then that many bytes of stream and `endstream`.
func xrefStream(b []byte, p, limit int) (map[string]pdfValue, error) {
	bad := errors.New("startxref points at neither an xref table nor an xref stream")
	var ok bool
	if _, p, ok = readInt(b, p, limit); !ok {
		return nil, bad
	}
	if _, p, ok = readInt(b, skipSpace(b, p, limit), limit); !ok {
		return nil, bad
	}
	p = skipSpace(b, p, limit)
	if !bytes.HasPrefix(b[p:limit], []byte("obj")) {
		return nil, bad
	}
	d, p, err := readDict(b, skipSpace(b, p+len("obj"), limit), limit)
	if err != nil {
		return nil, err
	}
	if t, ok := d["Type"]; !ok || t.kind != pdfName || t.s != "XRef" {
		return nil, bad
	}
	n, ok := d["Length"]
	if !ok || (n.kind != pdfInt && n.kind != pdfRef) || n.n < 0 {
		return nil, errors.New("an xref stream has no /Length")
	}
	p = skipSpace(b, p, limit)
	if !bytes.HasPrefix(b[p:limit], []byte("stream")) {
		return nil, errors.New("an xref stream has no stream")
	}
	p += len("stream")
	if p < limit && b[p] == '\r' {
		p++
	}
	if p < limit && b[p] == '\n' {
		p++
	}
	if n.kind == pdfRef { // not allowed, but written by some: look for its end instead
		if !bytes.Contains(b[p:limit], []byte("endstream")) {
			return nil, errors.New("an xref stream is cut")
		}
		return d, nil
	}
	if n.n > limit-p {
		return nil, errors.New("an xref stream is cut")
	}
	p = skipSpace(b, p+n.n, limit)
	if !bytes.HasPrefix(b[p:limit], []byte("endstream")) {
		return nil, errors.New("an xref stream is cut")
	}
	return d, nil
}

// pdfValue is what checkPDF needs of a dictionary's value: its kind, a
// name's text, an integer's value.
type pdfValue struct {
	kind int
	s    string
	n    int
}

const (
	pdfOther = iota
	pdfInt
	pdfName
	pdfRef
)

// readDict reads the dictionary `<< … >>` at p and returns its top-level
// entries and the position after it.
func readDict(b []byte, p, limit int) (map[string]pdfValue, int, error) {
	bad := errors.New("a trailer dictionary is cut or malformed")
	if !bytes.HasPrefix(b[p:limit], []byte("<<")) {
		return nil, p, bad
	}
	p += 2
	d := map[string]pdfValue{}
	for {
		p = skipSpace(b, p, limit)
		if bytes.HasPrefix(b[p:limit], []byte(">>")) {
			return d, p + 2, nil
		}
		if p >= limit || b[p] != '/' {
			return nil, p, bad
		}
		key, q := readName(b, p, limit)
		v, q, ok := readValue(b, skipSpace(b, q, limit), limit, 0)
		if !ok {
			return nil, p, bad
		}
		d[key], p = v, q
	}
}

// readValue reads one object at p (depth bounds nesting), telling an
// indirect reference `N G R` from an integer.
func readValue(b []byte, p, limit, depth int) (pdfValue, int, bool) {
	if p >= limit || depth > 64 {
		return pdfValue{}, p, false
	}
	switch c := b[p]; {
	case c == '/':
		s, q := readName(b, p, limit)
		return pdfValue{kind: pdfName, s: s}, q, true
	case c == '(':
		q, ok := skipString(b, p, limit)
		return pdfValue{}, q, ok
	case c == '<' && p+1 < limit && b[p+1] == '<':
		p += 2
		for {
			p = skipSpace(b, p, limit)
			if bytes.HasPrefix(b[p:limit], []byte(">>")) {
				return pdfValue{}, p + 2, true
			}
			var ok bool
			if _, p, ok = readValue(b, p, limit, depth+1); !ok {
				return pdfValue{}, p, false
			}
		}
	case c == '<':
		q := bytes.IndexByte(b[p:limit], '>')
		if q < 0 {
			return pdfValue{}, limit, false
		}
		return pdfValue{}, p + q + 1, true
	case c == '[':
		p++
		for {
			p = skipSpace(b, p, limit)
			if p < limit && b[p] == ']' {
				return pdfValue{}, p + 1, true
			}
			var ok bool
			if _, p, ok = readValue(b, p, limit, depth+1); !ok {
				return pdfValue{}, p, false
			}
		}
	case c >= '0' && c <= '9':
		n, q, _ := readInt(b, p, limit)
		if q < limit && (b[q] == '.' || isRegular(b[q])) { // a real number
			return pdfValue{}, skipRegular(b, q, limit), true
		}
		// N G R is a reference; N alone an integer.
		r := skipSpace(b, q, limit)
		if _, r2, ok := readInt(b, r, limit); ok && r > q {
			r2 = skipSpace(b, r2, limit)
			if r2 < limit && b[r2] == 'R' && (r2+1 == limit || !isRegular(b[r2+1])) {
				return pdfValue{kind: pdfRef, n: n}, r2 + 1, true
			}
		}
		return pdfValue{kind: pdfInt, n: n}, q, true
	case isRegular(c): // true, false, null, a signed or real number
		q := skipRegular(b, p, limit)
		return pdfValue{}, q, q > p
	}
	return pdfValue{}, p, false
}

// skipString skips a literal string `( … )` with its nested parentheses and
// escapes.
func skipString(b []byte, p, limit int) (int, bool) {
	depth := 0
	for ; p < limit; p++ {
		switch b[p] {
		case '\\':
			p++
		case '(':
			depth++
		case ')':
			if depth--; depth == 0 {
				return p + 1, true
			}
		}
	}
	return limit, false
}

func readName(b []byte, p, limit int) (string, int) {
	q := skipRegular(b, p+1, limit)
	return string(b[p+1 : q]), q
}

// readInt reads the digits at p (at most 10: offsets and object numbers).
func readInt(b []byte, p, limit int) (int, int, bool) {
	q := p
	for q < limit && q-p < 11 && b[q] >= '0' && b[q] <= '9' {
		q++
	}
	if q == p || q-p > 10 {
		return 0, p, false
	}
	n, err := strconv.Atoi(string(b[p:q]))
	return n, q, err == nil
}

// skipSpace skips PDF white space and comments.
func skipSpace(b []byte, p, limit int) int {
	for p < limit {
		switch {
		case isPDFSpace(b[p]):
			p++
		case b[p] == '%':
			for p < limit && b[p] != '\n' && b[p] != '\r' {
				p++
			}
		default:
			return p
		}
	}
	return p
}

func skipRegular(b []byte, p, limit int) int {
	for p < limit && isRegular(b[p]) {
		p++
	}
	return p
}

func isPDFSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

// isRegular: neither white space nor a delimiter.
func isRegular(c byte) bool {
	return !isPDFSpace(c) && !bytes.ContainsRune([]byte("()<>[]{}/%"), rune(c))
}
