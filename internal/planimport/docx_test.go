package planimport

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"io"
	"reflect"
	"strings"
	"testing"

	"danchu/internal/document"
	"danchu/internal/planimport/planimporttest"
)

const contentTypes = planimporttest.ContentTypes

// makeDOCX writes a minimal Word file (planimporttest.DOCX).
func makeDOCX(t testing.TB, document, numbering string) []byte {
	t.Helper()
	return planimporttest.DOCX(document, numbering)
}

func esc(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

// seedDocument is a seed's text as Word paragraphs (planimporttest.Document).
func seedDocument(text string) string { return planimporttest.Document(text) }

// TestDOCXSeeds: each seed written as a .docx reads as the same plan as its text.
func TestDOCXSeeds(t *testing.T) {
	for _, s := range []string{"000", "001", "002", "003", "004"} {
		t.Run(s, func(t *testing.T) {
			text := seed(t, s)
			want, err := Parse(text)
			if err != nil {
				t.Fatal(err)
			}
			file := makeDOCX(t, seedDocument(text), "")
			got, err := ParseFile("ke-hoach.docx", bytes.NewReader(file), int64(len(file)))
			if err != nil {
				t.Fatal(err)
			}
			checkDraft(t, got)
			if !reflect.DeepEqual(got.Doc, want.Doc) || !reflect.DeepEqual(got.Tasks, want.Tasks) || !reflect.DeepEqual(got.Targets, want.Targets) || got.TitleBy != want.TitleBy {
				t.Errorf("the .docx reads otherwise than the text:\n%+v\n%+v", got.Doc.Body[:3], want.Doc.Body[:3])
			}
			// By content, not by name: the same zip named .txt is read as a .docx.
			if again, err := ParseFile("plan.txt", bytes.NewReader(file), int64(len(file))); err != nil || len(again.Tasks) != len(want.Tasks) {
				t.Errorf("a zip named .txt: %v", err)
			}
		})
	}
}

// TestDOCXNumbering: Word's automatic numbers and bullets are read as text.
func TestDOCXNumbering(t *testing.T) {
	p := func(num, ilvl, text string) string {
		ppr := ""
		if num != "" {
			ppr = `<w:pPr><w:numPr><w:ilvl w:val="` + ilvl + `"/><w:numId w:val="` + num + `"/></w:numPr></w:pPr>`
		}
		return `<w:p>` + ppr + `<w:r><w:rPr><w:b/></w:rPr><w:t>` + esc(text) + `</w:t></w:r></w:p>`
	}
	doc := `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		p("", "", "KẾ HOẠCH") + p("", "", "Về thực hiện dân chủ ở cơ sở năm 2026") +
		p("1", "0", "MỤC ĐÍCH, YÊU CẦU") + p("2", "0", "Đạt 100% thôn tổ chức hội nghị.") +
		p("1", "0", "NHIỆM VỤ") + p("2", "0", "UBND các huyện triển khai.") + p("1", "1", "Sở Nội vụ chủ trì, phối hợp với Công an tỉnh kiểm tra, hằng quý báo cáo.") +
		p("1", "1", "Ban Dân vận Tỉnh ủy hướng dẫn, xong trước ngày 30/6/2026.") +
		`<w:tbl><w:tr><w:tc>` + p("", "", "Nơi nhận:") + p("2", "0", "Sở Nội vụ (b/c);") + `</w:tc><w:tc>` + p("", "", "TM. ỦY BAN NHÂN DÂN") + p("", "", "Nguyễn Văn A") + `</w:tc></w:tr></w:tbl>` +
		`</w:body></w:document>`
	numbering := `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl><w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%2."/></w:lvl></w:abstractNum>
<w:abstractNum w:abstractNumId="11"><w:lvl w:ilvl="0"><w:numFmt w:val="bullet"/><w:lvlText w:val="-"/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num><w:num w:numId="2"><w:abstractNumId w:val="11"/></w:num></w:numbering>`
	file := makeDOCX(t, doc, numbering)
	d, err := ParseDOCX(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	checkDraft(t, d)
	var got []string
	for _, b := range d.Doc.Body {
		got = append(got, b.Number+"|"+b.Text)
	}
	want := []string{"I.|MỤC ĐÍCH, YÊU CẦU", "|Đạt 100% thôn tổ chức hội nghị.", "II.|NHIỆM VỤ", "|UBND các huyện triển khai.",
		"1.|Sở Nội vụ chủ trì, phối hợp với Công an tỉnh kiểm tra, hằng quý báo cáo.",
		"2.|Ban Dân vận Tỉnh ủy hướng dẫn, xong trước ngày 30/6/2026."}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("body %q\nwant %q", got, want)
	}
	if len(d.Targets) != 1 || d.Targets[0].Value != "Đạt 100%" {
		t.Errorf("targets %+v", d.Targets)
	}
	// The item under II. is a task of II; the headings 1. and 2. have nothing under them: tasks too.
	if len(d.Tasks) != 3 || d.Tasks[0].Lead != "UBND các huyện" || d.Tasks[0].Section != "II" ||
		d.Tasks[1].Lead != "Sở Nội vụ" || d.Tasks[1].With[0] != "Công an tỉnh" || d.Tasks[1].Recurrence != "quarterly" || d.Tasks[1].Section != "II.1" ||
		d.Tasks[2].Lead != "Ban Dân vận Tỉnh ủy" || d.Tasks[2].Deadline != "trước ngày 30/6/2026" {
		t.Errorf("tasks %+v", d.Tasks)
	}
	if len(d.Doc.Recipients) != 1 || d.Doc.Recipients[0] != (document.Recipient{Name: "Sở Nội vụ", Note: "b/c"}) || d.Doc.Signature.Name != "Nguyễn Văn A" {
		t.Errorf("recipients %+v signature %+v", d.Doc.Recipients, d.Doc.Signature)
	}
}

func TestDOCXRefusals(t *testing.T) {
	bomb := planimporttest.Bomb(MaxDocumentXML + 1<<20)
	var noMain bytes.Buffer
	zw := zip.NewWriter(&noMain)
	io.WriteString(must(zw.Create("[Content_Types].xml")), contentTypes)
	io.WriteString(must(zw.Create("xl/workbook.xml")), "<workbook/>")
	zw.Close()
	good := makeDOCX(t, seedDocument(seed(t, "000")), "")
	for _, tc := range []struct {
		name, file string
		data       []byte
		key        string
		arg        any
	}{
		{"main part over 32 MB", "a.docx", bomb, "planimport.err.docx_too_large", MaxDocumentXML >> 20},
		{"a spreadsheet", "a.docx", noMain.Bytes(), "planimport.err.not_docx", nil},
		{"bad XML", "a.docx", makeDOCX(t, `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p>`, ""), "planimport.err.docx_xml", nil},
		{"nested too deep", "a.docx", makeDOCX(t, `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">`+strings.Repeat("<w:sdt>", 100000), ""), "planimport.err.docx_xml", nil},
		{"no plan inside", "a.docx", makeDOCX(t, seedDocument("xin chào"), ""), "planimport.err.no_title", 1},
		{"cut short", "a.docx", good[:len(good)/2], "planimport.err.docx_zip", nil},
		{"text named .docx", "a.docx", []byte("KẾ HOẠCH\n\nI. MỘT\n"), "planimport.err.not_docx", nil},
		{"a PDF", "a.pdf", []byte("%PDF-1.7\n"), "planimport.err.file_type", ".pdf"},
		{"a .doc", "a.doc", []byte("\xd0\xcf\x11\xe0"), "planimport.err.file_type", ".doc"},
		{"binary named .txt", "a.txt", []byte("\xd0\xcf\x11\xe0\x00\x00"), "planimport.err.encoding", 1},
		{"text too large", "a.md", bytes.Repeat([]byte("a"), MaxTextBytes+1), "planimport.err.too_large", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile(tc.file, bytes.NewReader(tc.data), int64(len(tc.data)))
			wantRefusal(t, err, tc.key, tc.arg)
		})
	}
}

func must(w io.Writer, err error) io.Writer {
	if err != nil {
		panic(err)
	}
	return w
}

// A list whose start is huge (<w:start w:val="999999999999"/>) must not be
// written out as that many X's (memory without bound): beyond the numerals
// the reader knows (I–XXXIX) a Roman level prints its number in figures.
func TestDOCXHugeRomanStart(t *testing.T) {
	doc := `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>` +
		`<w:p><w:r><w:t>KẾ HOẠCH</w:t></w:r></w:p><w:p><w:r><w:t>Về thực hiện dân chủ ở cơ sở năm 2026</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>MỤC ĐÍCH</w:t></w:r></w:p>` +
		`<w:p><w:pPr><w:numPr><w:ilvl w:val="0"/><w:numId w:val="1"/></w:numPr></w:pPr><w:r><w:t>NHIỆM VỤ</w:t></w:r></w:p></w:body></w:document>`
	numbering := `<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="10"><w:lvl w:ilvl="0"><w:start w:val="5000000"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="%1."/></w:lvl></w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="10"/></w:num></w:numbering>`
	file := makeDOCX(t, doc, numbering)
	text, err := docxText(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(text, "XXXXX") || !strings.Contains(text, "5000000. MỤC ĐÍCH") || !strings.Contains(text, "5000001. NHIỆM VỤ") || len(text) > 500 {
		t.Errorf("text of %d bytes: %.200q", len(text), text)
	}
	for v, want := range map[int]string{1: "I", 4: "IV", 39: "XXXIX", 40: "40", -3: "-3"} {
		if got := formatNumber("upperRoman", v); got != want {
			t.Errorf("formatNumber(upperRoman, %d) = %q, want %q", v, got, want)
		}
	}
}
