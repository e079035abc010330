package planimport

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/document"
	"danchu/internal/legal"
)

// Kinds are the document types a title may name, longest first.
var kinds = []string{
	"CHƯƠNG TRÌNH HÀNH ĐỘNG", "CHƯƠNG TRÌNH", "KẾ HOẠCH", "ĐỀ ÁN", "CHỈ THỊ", "NGHỊ QUYẾT",
	"QUYẾT ĐỊNH", "KẾT LUẬN", "HƯỚNG DẪN", "QUY CHẾ", "QUY ĐỊNH", "THÔNG BÁO", "BÁO CÁO",
	"TỜ TRÌNH", "PHƯƠNG ÁN", "CÔNG VĂN",
}

var (
	reNumberLine = regexp.MustCompile(`^Số\s*:?\s*(.*)$`)
	rePlaceDate  = regexp.MustCompile(`^(.*?)[,\s]*ngày\s+(\d{1,2}|[.…\s]*)\s+tháng\s+(\d{1,2}|[.…\s]*)\s+năm\s+(\d{4})\s*$`)
	rePlaceDMY   = regexp.MustCompile(`^(\pL[^,]{0,60}),\s*(\d{1,2})/(\d{1,2})/(\d{4})$`)
	reSeparator  = regexp.MustCompile(`^[-_=*~.…\s]+$`)
	reSign       = regexp.MustCompile(`^(TM|T/M|T\.M|KT|TL|TUQ|Q|QUYỀN)[.\s/]`)
	reSigned     = regexp.MustCompile(`(?i)^\(?\s*(đã ký|ký|ký tên|ký và đóng dấu|đã ký và đóng dấu|ký, đóng dấu|ký tên, đóng dấu|đóng dấu)\s*\)?\.?$`)
	reRecipients = regexp.MustCompile(`(?i)^nơi nhận\s*:?$`)
	reWebFooter  = regexp.MustCompile(`^(Nguồn tin|Nguồn|Tác giả)\s*:`)
	reBodyDate   = regexp.MustCompile(`^ngày\s+(?:(\d{1,2})/(\d{1,2})/(\d{4})\b|(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})\b)`)
	reNormNumber = regexp.MustCompile(`\s*([-/])\s*`)
)

// Parse reads a plan from pasted text or Markdown: the header, the title, the
// bases, the body, the recipients and the signature (see the package doc for
// the rules), then its tasks and targets. Input that is not a plan is refused
// with a coded error naming the line.
func Parse(text string) (Draft, error) {
	if err := checkText(text); err != nil {
		return Draft{}, err
	}
	if strings.TrimSpace(text) == "" {
		return Draft{}, apperr.New(apperr.CodeInvalid, "planimport.err.empty", 1)
	}
	p := &parser{lines: logicalLines(strings.TrimPrefix(text, "\ufeff"))}
	if len(p.lines) == 0 {
		return Draft{}, apperr.New(apperr.CodeInvalid, "planimport.err.empty", 1)
	}
	if err := p.parse(); err != nil {
		return Draft{}, err
	}
	p.findTasks()
	p.findTargets()
	return p.d, nil
}

type parser struct {
	lines []line
	d     Draft
	// src is the source line of each block of d.Doc.Body.
	src []int
}

func (p *parser) warn(l line, m apperr.Msg) {
	if len(p.d.Warnings) >= maxWarnings {
		return
	}
	p.d.Warnings = append(p.d.Warnings, Problem{Line: l.n, Text: cut(l.text, 200), Msg: m})
}

// kindOf is the kind a title line names and what follows it on the line, or ok false.
func kindOf(s string) (kind, rest string, ok bool) {
	if !upper(s) || len(strings.Fields(s)) > 14 {
		return "", "", false
	}
	for _, k := range kinds {
		if s == k {
			return k, "", true
		}
		if strings.HasPrefix(s, k+" ") {
			return k, strings.TrimSpace(s[len(k):]), true
		}
	}
	return "", "", false
}

func (p *parser) parse() error {
	ls := p.lines
	// The title: the first line naming a kind, among the lines before the body
	// can start; else, for a text without one (an article), a first line in capitals.
	title := -1
	for i, l := range ls {
		if i > 40 || isHeadingLine(l.text) {
			break
		}
		if _, _, ok := kindOf(l.text); ok {
			title = i
			break
		}
	}
	if title < 0 {
		for i, l := range ls {
			if i > 10 {
				break
			}
			if upper(l.text) && len(strings.Fields(l.text)) >= 3 && !isHeadingLine(l.text) && !reNumberLine.MatchString(l.text) && !isMotto(l.text) {
				title = i
				p.d.Doc.Summary = l.text
				p.warn(l, apperr.M("planimport.warn.no_kind"))
				break
			}
		}
	}
	if title < 0 {
		return apperr.New(apperr.CodeInvalid, "planimport.err.no_title", ls[0].n)
	}
	p.header(ls[:title])
	i := title + 1
	if p.d.Doc.Summary == "" {
		k, rest, _ := kindOf(ls[title].text)
		p.d.Doc.Kind = k
		if i < len(ls) && upper(ls[i].text) && strings.HasPrefix(ls[i].text, "CỦA ") {
			p.d.TitleBy = ls[i].text
			i++
		}
		sum := rest
		if sum == "" && i < len(ls) && isSummary(ls[i].text) {
			sum = ls[i].text
			i++
		}
		var b strings.Builder
		b.WriteString(sum)
		for sum != "" && i < len(ls) && lowerStart(ls[i].text) && !isHeadingLine(ls[i].text) {
			b.WriteString(" " + ls[i].text)
			i++
		}
		p.d.Doc.Summary = b.String()
	}
	for i < len(ls) && reSeparator.MatchString(ls[i].text) {
		i++
	}
	for i < len(ls) && strings.HasPrefix(ls[i].text, "Kính gửi") {
		a := strings.TrimSpace(strings.TrimLeft(strings.TrimPrefix(ls[i].text, "Kính gửi"), ":"))
		if a != "" {
			p.d.Doc.Addressees = append(p.d.Doc.Addressees, strings.TrimSpace(strings.TrimLeft(a, "-+ ")))
		}
		i++
		for i < len(ls) && itemMarker(ls[i].text) != "" {
			p.d.Doc.Addressees = append(p.d.Doc.Addressees, strings.TrimRight(itemText(ls[i].text), ";,. "))
			i++
		}
	}
	// Bases: the paragraphs that open with "Căn cứ" or "Thực hiện".
	for i < len(ls) && (strings.HasPrefix(ls[i].text, "Căn cứ") || strings.HasPrefix(ls[i].text, "Thực hiện")) && !isHeadingLine(ls[i].text) {
		var b strings.Builder
		b.WriteString(ls[i].text)
		i++
		for i < len(ls) && continues(b.String(), ls[i], false) {
			b.WriteString(" " + ls[i].text)
			i++
		}
		p.d.Doc.Bases = append(p.d.Doc.Bases, b.String())
	}
	body := ls[i:]
	// A web page's footer ends the text ("Nguồn tin: …").
	for j, l := range body {
		if reWebFooter.MatchString(l.text) {
			p.warn(l, apperr.M("planimport.warn.web_footer"))
			body = body[:j]
			break
		}
	}
	end := tailStart(body)
	p.body(body[:end])
	p.tail(body[end:])
	headings := 0
	for _, b := range p.d.Doc.Body {
		if b.Kind == document.Heading {
			headings++
		}
	}
	if headings == 0 {
		return apperr.New(apperr.CodeInvalid, "planimport.err.no_sections", ls[title].n)
	}
	return nil
}

func isMotto(s string) bool {
	u := strings.ToUpper(s)
	return strings.HasPrefix(u, "CỘNG HÒA XÃ HỘI") || strings.HasPrefix(u, "CỘNG HOÀ XÃ HỘI") || strings.HasPrefix(u, "ĐỘC LẬP") || u == "ĐẢNG CỘNG SẢN VIỆT NAM"
}

// isSummary: the line after the title is its summary unless it opens the bases or the body.
func isSummary(s string) bool {
	return !strings.HasPrefix(s, "Căn cứ") && !strings.HasPrefix(s, "Kính gửi") && !isHeadingLine(s) &&
		itemMarker(s) == "" && !reSeparator.MatchString(s)
}

// header reads the lines before the title: the bodies (Parent, Issuer), the
// number, the place and date, and the Party's or the State's motto.
func (p *parser) header(ls []line) {
	doc := &p.d.Doc
	var bodies []string
	for _, l := range ls {
		t := l.text
		switch {
		case strings.ToUpper(t) == "ĐẢNG CỘNG SẢN VIỆT NAM":
			doc.Style = document.Party
		case isMotto(t) || reSeparator.MatchString(t):
		case reNumberLine.MatchString(t):
			p.number(l, reNumberLine.FindStringSubmatch(t)[1])
		case rePlaceDate.MatchString(t):
			m := rePlaceDate.FindStringSubmatch(t)
			doc.Place = strings.TrimSpace(strings.TrimRight(m[1], ", "))
			p.date(l, m[2], m[3], m[4])
		case rePlaceDMY.MatchString(t):
			m := rePlaceDMY.FindStringSubmatch(t)
			doc.Place = m[1]
			p.date(l, m[2], m[3], m[4])
		case upper(t):
			bodies = append(bodies, t)
		}
	}
	switch len(bodies) {
	case 0:
	case 1:
		doc.Issuer = bodies[0]
	default:
		doc.Parent, doc.Issuer = bodies[0], strings.Join(bodies[1:], " ")
	}
}

// number reads "162-KH/BCS", "05/KH-UBND" or "     /KH-UBND". A number
// written N-XX/YY is a Party body's (Hướng dẫn 36-HD/VPTW).
func (p *parser) number(l line, s string) {
	s = reNormNumber.ReplaceAllString(strings.TrimSpace(s), "$1")
	doc := &p.d.Doc
	d := 0
	for d < len(s) && s[d] >= '0' && s[d] <= '9' {
		d++
	}
	if d == len(s) || (s[d] != '-' && s[d] != '/') {
		if s != "" {
			p.warn(l, apperr.M("planimport.warn.number"))
		}
		return
	}
	if d > 0 {
		doc.Number = s
	}
	doc.Symbol = s[d+1:]
	if s[d] == '-' && strings.Contains(doc.Symbol, "/") {
		doc.Style = document.Party
	}
}

// date reads day, month and year (a blank day or month leaves the date zero);
// an impossible date is a warning.
func (p *parser) date(l line, day, month, year string) {
	dd, e1 := strconv.Atoi(strings.TrimSpace(day))
	mm, e2 := strconv.Atoi(strings.TrimSpace(month))
	if e1 != nil || e2 != nil {
		return
	}
	d, err := legal.ParseDate(fmt.Sprintf("%d/%d/%s", dd, mm, year))
	if err != nil {
		p.warn(l, apperr.M("planimport.warn.date", fmt.Sprintf("%s/%s/%s", day, month, year)))
		return
	}
	p.d.Doc.Date = d
}

// tailStart is where the body ends: at "Nơi nhận:" or at the signature's
// authority line ("TM. …", "KT. …") after the last heading, whichever comes first.
func tailStart(ls []line) int {
	last := -1
	for i, l := range ls {
		if isHeadingLine(l.text) {
			last = i
		}
	}
	for i := last + 1; i < len(ls); i++ {
		t := ls[i].text
		if reRecipients.MatchString(t) || (upper(t) && reSign.MatchString(t)) {
			return i
		}
	}
	return len(ls)
}

// tail reads the recipients and the signature.
func (p *parser) tail(ls []line) {
	doc := &p.d.Doc
	inList := false
	for _, l := range ls {
		t := l.text
		switch {
		case reRecipients.MatchString(t):
			inList = true
		case inList && itemMarker(t) != "":
			if r := recipient(itemText(t)); r.Name != "" {
				doc.Recipients = append(doc.Recipients, r)
			}
		case reSigned.MatchString(t) || reSeparator.MatchString(t):
		case upper(t):
			inList = false
			doc.Signature.Lines = append(doc.Signature.Lines, t)
		default:
			inList = false
			if doc.Signature.Name == "" && len(doc.Signature.Lines) > 0 && len(strings.Fields(t)) <= 6 {
				doc.Signature.Name = t
			} else {
				p.warn(l, apperr.M("planimport.warn.tail_line"))
			}
		}
	}
}

var (
	reNoteParen = regexp.MustCompile(`\s*\(([^()]{1,40})\)\s*$`)
	reNoteWords = regexp.MustCompile(`\s+(để báo cáo|để biết|để thực hiện|để chỉ đạo|để phối hợp)$`)
)

// recipient reads one line of "Nơi nhận:": the name and a note such as
// "(b/c)", "(để báo cáo)" or "để báo cáo" (Note "b/c"); "Lưu: …" keeps its
// parentheses (the drafter's initials).
func recipient(s string) document.Recipient {
	s = strings.TrimRight(s, ";,. ")
	if strings.HasPrefix(s, "Lưu") {
		return document.Recipient{Name: s}
	}
	note := ""
	if m := reNoteParen.FindStringSubmatchIndex(s); m != nil {
		note, s = s[m[2]:m[3]], s[:m[0]]
	} else if m := reNoteWords.FindStringSubmatchIndex(s); m != nil {
		note, s = s[m[2]:m[3]], s[:m[0]]
	}
	note = strings.TrimSpace(note)
	switch n := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(note), "để ")); n {
	case "b/c", "báo cáo", "bc":
		note = "b/c"
	case "t/h", "thực hiện", "th":
		note = "t/h"
	}
	return document.Recipient{Name: strings.TrimRight(s, ";,. "), Note: note}
}

// Heading numbers, by level: a part ("Phần thứ hai", level 0), a Roman
// numeral ("II.", "II-", level 1), an Arabic number ("2.", "2-", "2)", level
// 2), a dotted number ("2.1.", "2.1-", level 3, "2.1.1" level 4), a letter
// ("a)", level 3), an ordinal word ("Hai là,", level 2).
var (
	rePart    = regexp.MustCompile(`^(?i:phần\s+thứ\s+(nhất|hai|ba|tư|bốn|năm|sáu|bảy|tám|chín|mười))[.:]?(\s+|$)(.*)$`)
	reRoman   = regexp.MustCompile(`^([IVX]{1,5})\s*[.\-–:)]\s*(.*)$`)
	reDotted  = regexp.MustCompile(`^(\d{1,2}(?:\.\d{1,2}){1,3})\s*[.\-–)]?\s+(\pL.*|["“(].*)$`)
	reArabic  = regexp.MustCompile(`^(\d{1,2})\s*[.\-–)]\s*(\pL.*|["“(].*)$`)
	reLetter  = regexp.MustCompile(`^([a-zđ])\s*\)\s*(\pL.*|["“(].*)$`)
	reOrdinal = regexp.MustCompile(`^(Một|Hai|Ba|Bốn|Năm|Sáu|Bảy|Tám|Chín|Mười)\s+là\s*[,:]\s*(.*)$`)
)

var ordinals = map[string]int{"nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10}

// heading is a numbered heading read from a line.
type heading struct {
	level  int
	number string // as printed
	value  int    // its place in its list (the last part of a dotted number)
	text   string
}

func roman(s string) int {
	vals := map[byte]int{'I': 1, 'V': 5, 'X': 10}
	n := 0
	for i := 0; i < len(s); i++ {
		v := vals[s[i]]
		if i+1 < len(s) && vals[s[i+1]] > v {
			n -= v
		} else {
			n += v
		}
	}
	// Only canonical numerals: "IIV" is not one.
	if toRoman(n) != s {
		return 0
	}
	return n
}

func toRoman(n int) string {
	var b strings.Builder
	for _, p := range []struct {
		v int
		s string
	}{{10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= p.v {
			b.WriteString(p.s)
			n -= p.v
		}
	}
	return b.String()
}

func parseHeading(s string) (heading, bool) {
	if m := rePart.FindStringSubmatch(s); m != nil {
		return heading{0, strings.TrimSpace(strings.TrimRight(s[:len(s)-len(m[3])], " .:")), ordinals[strings.ToLower(m[1])], m[3]}, true
	}
	if m := reRoman.FindStringSubmatch(s); m != nil {
		if v := roman(m[1]); v > 0 && (m[2] == "" || !lowerStart(m[2])) {
			return heading{1, numberOf(s, m[2]), v, m[2]}, true
		}
	}
	if m := reDotted.FindStringSubmatch(s); m != nil {
		parts := strings.Split(m[1], ".")
		v, _ := strconv.Atoi(parts[len(parts)-1])
		return heading{min(len(parts)+1, 4), numberOf(s, m[2]), v, m[2]}, true
	}
	if m := reArabic.FindStringSubmatch(s); m != nil {
		v, _ := strconv.Atoi(m[1])
		return heading{2, numberOf(s, m[2]), v, m[2]}, true
	}
	if m := reLetter.FindStringSubmatch(s); m != nil {
		return heading{3, numberOf(s, m[2]), int(strings.Index("abcdđefghijklmnopqrstuvwxyz", m[1])) + 1, m[2]}, true
	}
	if m := reOrdinal.FindStringSubmatch(s); m != nil && m[2] != "" {
		return heading{2, numberOf(s, m[2]), ordinals[strings.ToLower(m[1])], m[2]}, true
	}
	return heading{}, false
}

// numberOf is the number as printed: the line without its text.
func numberOf(s, text string) string { return strings.TrimSpace(s[:len(s)-len(text)]) }

func isHeadingLine(s string) bool { _, ok := parseHeading(s); return ok }

// itemMarker is the list marker a line starts with ("-", "+", "•"), or "".
func itemMarker(s string) string {
	for _, m := range []string{"- ", "+ ", "• ", "– ", "· "} {
		if strings.HasPrefix(s, m) && strings.TrimSpace(s[len(m):]) != "" {
			return strings.TrimSpace(m)
		}
	}
	if strings.HasPrefix(s, "•") && len(s) > len("•") {
		return "•"
	}
	return ""
}

func itemText(s string) string {
	m := itemMarker(s)
	return strings.TrimSpace(strings.TrimPrefix(s, m))
}

// continues reports whether l goes on from text (a line broken in the
// source): it starts in lower case, or text ended without punctuation and l
// is a plain line (a paragraph or item broken at a page's end). A heading is
// only continued by a line in lower case.
func continues(text string, l line, heading bool) bool {
	t := l.text
	if isHeadingLine(t) || itemMarker(t) != "" || reRecipients.MatchString(t) || reSeparator.MatchString(t) {
		return false
	}
	if lowerStart(t) {
		return true
	}
	if heading { // a numbered paragraph broken before a number ("… trong Nghị định" / "145/2020/NĐ-CP …")
		r, _ := utf8.DecodeRuneInString(t)
		return longer(text, 200) && !terminated(text) && unicode.IsDigit(r)
	}
	return !heading && !terminated(text) && !l.emph && !l.md
}

// body turns the lines into blocks: headings, items and paragraphs, joining
// lines broken in the source, and warns of heading numbers out of order.
func (p *parser) body(ls []line) {
	doc := &p.d.Doc
	var last [5]int // the value of the last heading of each level
	curLevel := 0   // level of the current heading
	// The text of the last block grows in cur (a line broken over many lines
	// costs no copy of what came before).
	var cur strings.Builder
	add := func(b document.Block, n int) {
		if k := len(doc.Body); k > 0 {
			doc.Body[k-1].Text = cur.String()
		}
		cur.Reset()
		cur.WriteString(b.Text)
		doc.Body = append(doc.Body, b)
		p.src = append(p.src, n)
	}
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		t := l.text
		if reSeparator.MatchString(t) {
			continue
		}
		if n := len(doc.Body); n > 0 {
			prev := &doc.Body[n-1]
			if continues(cur.String(), l, prev.Kind == document.Heading) && cur.Len() > 0 {
				cur.WriteString(" " + t)
				continue
			}
		}
		if h, ok := parseHeading(t); ok {
			if h.text == "" && i+1 < len(ls) && !isHeadingLine(ls[i+1].text) && itemMarker(ls[i+1].text) == "" {
				h.text = ls[i+1].text // "Phần thứ hai" then its title on the next line
				i++
			}
			want := last[h.level] + 1
			if h.value != want {
				p.warn(l, apperr.M("planimport.warn.heading_order", h.number, want))
			}
			last[h.level] = h.value
			for k := h.level + 1; k < len(last); k++ {
				last[k] = 0
			}
			curLevel = max(h.level, 1)
			add(document.Block{Kind: document.Heading, Level: h.level, Number: h.number, Text: h.text}, l.n)
			continue
		}
		if m := itemMarker(t); m != "" {
			lvl := 1
			if m == "+" {
				lvl = 2
			}
			add(document.Block{Kind: document.Item, Level: lvl, Text: itemText(t)}, l.n)
			continue
		}
		if (l.emph || l.md) && !longer(t, 150) {
			// A bold line alone is a heading without a number, one level below the current.
			add(document.Block{Kind: document.Heading, Level: min(curLevel+1, 4), Text: t}, l.n)
			continue
		}
		add(document.Block{Kind: document.Paragraph, Text: t}, l.n)
	}
	if k := len(doc.Body); k > 0 {
		doc.Body[k-1].Text = cur.String()
	}
	for i, b := range doc.Body {
		// A date written "ngày 30/02/2024" or "ngày 30 tháng 02 năm 2024" that does not exist.
		for at := 0; ; {
			k := strings.Index(b.Text[at:], "ngày")
			if k < 0 {
				break
			}
			at += k
			m := reBodyDate.FindStringSubmatch(prefix(b.Text[at:], 40))
			at += len("ngày")
			if m == nil {
				continue
			}
			d, mo, y := m[1], m[2], m[3]
			if d == "" {
				d, mo, y = m[4], m[5], m[6]
			}
			if _, err := legal.ParseDate(d + "/" + mo + "/" + y); err != nil {
				p.warn(line{n: p.src[i], text: b.Text}, apperr.M("planimport.warn.date", d+"/"+mo+"/"+y))
			}
		}
	}
}
