package document

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"danchu/internal/legal"

	"golang.org/x/text/unicode/norm"
)

// The pure rules of the layout: what each style prints, written once and used
// by both writers (docx.go, pdf.go).

// DateLine is the place-and-date line, "Huế, ngày 05 tháng 01 năm 2026": a day
// below 10 and the months 1 and 2 take a leading zero, other months do not
// ("ngày 14 tháng 8 năm 2023") — NĐ 30/2020/NĐ-CP Phụ lục I, Phần I, Mục II,
// khoản 4 (địa danh và thời gian ban hành); Hướng dẫn 36-HD/VPTW writes it the
// same way. A zero Date leaves day, month and year blank for the clerk
// ("ngày     tháng     năm", the gaps no-break spaces); an empty place prints the date alone.
func DateLine(place string, d legal.Date) string {
	place = clean(place)
	var date string
	if d == (legal.Date{}) {
		date = "ngày" + blank + "tháng" + blank + "năm"
	} else {
		month := fmt.Sprint(int(d.Month))
		if d.Month <= 2 {
			month = fmt.Sprintf("%02d", int(d.Month))
		}
		date = fmt.Sprintf("ngày %02d tháng %s năm %d", d.Day, month, d.Year)
	}
	if place == "" {
		return date
	}
	return place + ", " + date
}

// NumberLine is the number-and-symbol line. State bodies write "Số: 05/KH-UBND"
// (NĐ 30/2020/NĐ-CP Phụ lục I, Phần I, Mục II, khoản 3: a number below 10 takes a
// leading zero); Party bodies write "Số 09-CT/TU", no colon, a hyphen between
// number and symbol (Hướng dẫn 36-HD/VPTW, mục 3). An empty number leaves the
// blank the clerk fills in ("Số:      /KH-UBND", "Số     -CT/TU", the gap
// no-break spaces) when the
// symbol is known, and "Số:" alone when it is not.
func NumberLine(style Style, number, symbol string) string {
	number, symbol = clean(number), clean(symbol)
	prefix := "Số: "
	sep := "/"
	if style == Party {
		prefix, sep = "Số ", "-"
	}
	switch {
	case number != "":
		return prefix + padNumber(number)
	case symbol != "":
		return prefix + blank + sep + strings.TrimLeft(symbol, "/-")
	}
	return strings.TrimSpace(prefix)
}

// blank is the gap left for the clerk's pen: five no-break spaces, which no
// writer collapses or breaks.
const blank = "\u00a0\u00a0\u00a0\u00a0\u00a0"

// padNumber writes a one-digit leading number with its zero ("5/KH-UBND" →
// "05/KH-UBND", "9-CT/TU" → "09-CT/TU").
func padNumber(s string) string {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	if n == 1 {
		return "0" + s
	}
	return s
}

// Motto is the top-right heading of each style: the national name and motto
// (Quốc hiệu và Tiêu ngữ, NĐ 30/2020 Phụ lục I, Phần I, Mục II, khoản 1) for
// state bodies, "ĐẢNG CỘNG SẢN VIỆT NAM" for Party bodies (HD 36-HD/VPTW, mục 1).
func Motto(style Style) []string {
	if style == Party {
		return []string{"ĐẢNG CỘNG SẢN VIỆT NAM"}
	}
	return []string{"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"}
}

// BasisLines are the căn cứ lines as printed: each ends ";" and the last "."
// (NĐ 30/2020 Phụ lục I, Phần I, Mục II, khoản 6 — căn cứ ban hành), whatever
// the author ended them with; empty lines are dropped.
func BasisLines(bases []string) []string {
	return endLines(bases, func(s string) string { return s })
}

// RecipientLines are the "Nơi nhận:" list as printed: "- Sở Nội vụ (b/c);",
// the last ending "." ("- Lưu: VT, HCTC.") — NĐ 30/2020 Phụ lục I, Phần I,
// Mục II, khoản 9.
func RecipientLines(rs []Recipient) []string {
	lines := make([]string, 0, len(rs))
	for _, r := range rs {
		name := clean(r.Name)
		name = strings.TrimSpace(strings.TrimLeft(name, "-+• "))
		if name == "" {
			continue
		}
		if note := strings.Trim(clean(r.Note), "() "); note != "" {
			name = strings.TrimRight(name, ";,. ") + " (" + note + ")"
		}
		lines = append(lines, name)
	}
	return endLines(lines, func(s string) string { return "- " + s })
}

// endLines cleans lines, drops the empty ones and ends each ";" and the last ".".
func endLines(in []string, decorate func(string) string) []string {
	var out []string
	for _, s := range in {
		s = strings.TrimRight(clean(s), ";,.: ") // an opening that ends "…sau:" ends "." as the last basis
		if s != "" {
			out = append(out, decorate(s))
		}
	}
	for i := range out {
		if i == len(out)-1 {
			out[i] += "."
		} else {
			out[i] += ";"
		}
	}
	return out
}

// AddresseeLines are the "Kính gửi:" lines: one addressee on the line itself
// ("Kính gửi: Ủy ban nhân dân tỉnh."), several as a list under it, each
// "- …;" and the last "." (NĐ 30/2020 Phụ lục I, Phần I, Mục II, khoản 5 —
// văn bản có tên loại không có trích yếu và công văn).
func AddresseeLines(as []string) []string {
	lines := endLines(as, func(s string) string { return strings.TrimSpace(strings.TrimLeft(s, "-+• ")) })
	switch len(lines) {
	case 0:
		return nil
	case 1:
		return []string{"Kính gửi: " + lines[0]}
	}
	out := []string{"Kính gửi:"}
	for _, l := range lines {
		out = append(out, "- "+l)
	}
	return out
}

// HeadingText is a heading as printed: its number, then its text; a level-1
// heading (Roman numeral: "I. MỤC ĐÍCH, YÊU CẦU") is in capitals (NĐ 30/2020
// Phụ lục I, Phần I, Mục II, khoản 7.b: phần, chương bằng chữ số La Mã, in hoa đậm).
func HeadingText(b Block) string {
	t := clean(b.Text)
	if b.Level <= 1 {
		t = strings.ToUpper(t)
	}
	if n := clean(b.Number); n != "" {
		return n + " " + t
	}
	return t
}

// ItemText is a list item as printed: "- " at level 1, "+ " below; a marker
// the author wrote is replaced, not doubled.
func ItemText(b Block) string {
	t := strings.TrimSpace(strings.TrimLeft(clean(b.Text), "-+•"))
	if b.Level >= 2 {
		return "+ " + t
	}
	return "- " + t
}

// Title is the document's metadata title: its kind and summary ("Kế hoạch Thực
// hiện công tác dân chủ ở cơ sở năm 2024").
func Title(d Doc) string {
	return strings.TrimSpace(clean(d.Kind) + " " + clean(d.Summary))
}

// clean makes any field printable in both formats: invalid UTF-8 becomes
// U+FFFD, text is composed (NFC: a decomposed "ệ" — e + two combining marks —
// becomes the one precomposed letter the fonts draw well), tabs and line breaks
// become spaces, and other control characters (C0, C1, DEL) and the
// non-characters XML refuses (U+FFFE, U+FFFF) are dropped. Runs of spaces
// collapse to one and the ends are trimmed.
func clean(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = norm.NFC.String(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || r == '\u00a0' || unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		case r < 0x20 || (r >= 0x7f && r < 0xa0) || r == 0xfffe || r == 0xffff ||
			(r >= 0x200b && r <= 0x200f) || r == 0x2028 || r == 0x2029 || r == 0xfeff:
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
