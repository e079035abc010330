// Package document is the official-document kernel: one description of a
// document of a state or Party body (Doc) that every capability fills in —
// plans, steering-committee decisions, minutes, reports, decisions,
// commendations — and writers that lay it out as Word (DOCX, written with the
// standard library) and PDF (fpdf, Liberation Serif embedded) in the layout of
// Nghị định 30/2020/NĐ-CP Phụ lục I (state bodies) or Hướng dẫn 36-HD/VPTW
// (Party bodies). docs/legal-rules.md §10 lists the rules.
package document

import (
	"io"
	"strings"

	"danchu/internal/legal"
)

// Style is whose layout rules a document follows.
type Style int

const (
	// State: Nghị định 30/2020/NĐ-CP Phụ lục I. "Số: 05/KH-UBND"; the national
	// motto top right.
	State Style = iota
	// Party: Hướng dẫn 36-HD/VPTW. "ĐẢNG CỘNG SẢN VIỆT NAM" top right;
	// numbers written "Số 09-CT/TU".
	Party
)

// Doc is an official document: its header, title, body, recipients and
// signature. Text is plain (no markup); capitals are written as they are to
// be printed.
type Doc struct {
	Style Style
	// Parent is the body above the issuer, first line of the left header
	// ("UBND TỈNH QUẢNG TRỊ", "TỈNH ỦY BẮC GIANG"); "" when there is none.
	Parent string
	// Issuer is the issuing body, bold under Parent ("VĂN PHÒNG", "BAN CÁN SỰ ĐẢNG UBND TỈNH").
	Issuer string
	// Number is the number and symbol without "Số" ("05/KH-UBND", "09-CT/TU");
	// "" leaves the number blank for the clerk ("Số:      /KH-UBND" needs Symbol).
	Number string
	// Symbol is the symbol alone ("KH-UBND"), used when Number is "".
	Symbol string
	// Place and Date make the italic line "Huế, ngày 05 tháng 01 năm 2026";
	// a zero Date leaves day and month blank.
	Place string
	Date  legal.Date
	// Kind is the type's name, printed as the title ("KẾ HOẠCH", "QUYẾT ĐỊNH").
	Kind string
	// Summary is the trích yếu under the title ("Thực hiện công tác dân chủ ở cơ sở năm 2024").
	Summary string
	// Addressees are the "Kính gửi:" lines of a report, submission or letter.
	Addressees []string
	// Bases are the căn cứ lines, printed italic (each ends ";", the last ".").
	Bases []string
	// Body is the content in reading order.
	Body []Block
	// Recipients is the "Nơi nhận:" list, the last usually "Lưu: VT, …".
	Recipients []Recipient
	Signature  Signature
}

// BlockKind is what a Block is.
type BlockKind int

const (
	Paragraph BlockKind = iota // justified, first-line indent
	Heading                    // numbered heading (Number + Text), bold
	Item                       // a "- " or "+ " item of a list
)

// Block is one heading, paragraph or list item of the body.
type Block struct {
	Kind BlockKind
	// Level of a heading: 1 for "I." (Roman, capitals), 2 for "1.", 3 for
	// "1.1." or "a)", 4 below; of an item: 1 for "-", 2 for "+".
	Level int
	// Number as printed before the text of a heading ("I.", "1.", "1.1.", "a)"); "" for none.
	Number string
	Text   string
}

// Recipient is one line of "Nơi nhận:" ("Sở Nội vụ", Note "b/c" for "để báo cáo").
type Recipient struct {
	Name string
	Note string
}

// Signature is the signing block: the authority lines in capitals ("TM. ỦY
// BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"), then the signer's name.
type Signature struct {
	Lines []string
	Name  string
}

// Writer lays a document out as Word and PDF: WriteDOCX and WritePDF, which
// app wires into the rooms (a room's tests run without LibreOffice).
type Writer interface {
	DOCX(w io.Writer, d Doc) error
	PDF(w io.Writer, d Doc) error
}

// Paragraphs splits a text typed in a form into blocks: a paragraph per
// non-empty line; a line that starts with "- " or "+ " is a list item (of
// the first or second level).
func Paragraphs(s string) []Block {
	var out []Block
	for _, line := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "":
		case strings.HasPrefix(line, "- "):
			out = append(out, Block{Kind: Item, Level: 1, Text: strings.TrimSpace(line[2:])})
		case strings.HasPrefix(line, "+ "):
			out = append(out, Block{Kind: Item, Level: 2, Text: strings.TrimSpace(line[2:])})
		default:
			out = append(out, Block{Kind: Paragraph, Text: line})
		}
	}
	return out
}
