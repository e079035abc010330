package document

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// renderPDF writes d as a PDF under dir (and under DANCHU_DOC_SAMPLES when
// set, to look at) and returns its path.
func renderPDF(t testing.TB, dir, name string, d Doc) string {
	t.Helper()
	var b bytes.Buffer
	if err := WritePDF(&b, d); err != nil {
		t.Fatalf("WritePDF(%s): %v", name, err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")) {
		t.Fatalf("WritePDF(%s) wrote no PDF", name)
	}
	if s := os.Getenv("DANCHU_DOC_SAMPLES"); s != "" {
		writeFile(t, s, name, b.Bytes())
	}
	return writeFile(t, dir, name, b.Bytes())
}

// contains fails for each wanted phrase the text lacks (white space compared
// loosely: columns and justified lines space words out).
func contains(t *testing.T, what, text string, want ...string) {
	t.Helper()
	f := flat(text)
	for _, w := range want {
		if !strings.Contains(f, flat(w)) {
			t.Errorf("%s: no %q in\n%s", what, w, text)
		}
	}
}

func lacks(t *testing.T, what, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(flat(text), w) {
			t.Errorf("%s: %q should not be there", what, w)
		}
	}
}

// stateText and partyText are what the samples' pages must show, in
// whichever format they were written.
var stateText = []string{
	"UBND TỈNH QUẢNG TRỊ", "VĂN PHÒNG",
	"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
	"Số: 05/KH-UBND", "Quảng Trị, ngày 05 tháng 01 năm 2026",
	"KẾ HOẠCH", "Thực hiện công tác Dân chủ ở cơ sở",
	"Căn cứ Luật Thực hiện dân chủ ở cơ sở ngày 10 tháng 11 năm 2022;",
	"I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "II. NỘI DUNG", "III. TỔ CHỨC THỰC HIỆN",
	"- Phát huy tinh thần chủ động", "nâng cao tinh thần trách nhiệm", "phong cách Hồ Chí Minh",
	"Nơi nhận:", "- ĐUK CQ&DN tỉnh (b/c);", "- Sở Nội vụ (b/c);", "- Lưu: VT, HCTC.",
	"KT. CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", "Nguyễn Cửu",
}

var partyText = []string{
	"TỈNH ỦY BẮC GIANG", "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 09-CT/TU",
	"Bắc Giang, ngày 10 tháng 8 năm 2021", "CHỈ THỊ", "8. Tổ chức thực hiện",
	"Nơi nhận:", "- Ban Bí thư Trung ương Đảng (báo cáo);", "- Lưu Văn phòng Tỉnh ủy.",
	"T/M BAN THƯỜNG VỤ", "BÍ THƯ", "Dương Văn Thái", "khối đại đoàn kết toàn dân",
}

func TestPDFState(t *testing.T) {
	dir := t.TempDir()
	f := renderPDF(t, dir, "state.pdf", stateSample())
	checkA4(t, f)
	text := pdfToText(t, f, 0, 0)
	contains(t, "state PDF", text, stateText...)
	lacks(t, "state PDF", text, "ĐẢNG CỘNG SẢN VIỆT NAM", "Số 05")
	layout := runTool(t, "pdftotext", "-layout", "-enc", "UTF-8", f, "-")
	contains(t, "state PDF (-layout)", layout, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
		"Số: 05/KH-UBND", "Quảng Trị, ngày 05 tháng 01 năm 2026", "I. MỤC ĐÍCH, YÊU CẦU", "- Lưu: VT, HCTC.")
	// The header is two columns: the issuer and the motto on one line.
	if !lineWith(layout, "UBND TỈNH QUẢNG TRỊ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") {
		t.Errorf("the parent body and the national name are not side by side:\n%s", layout)
	}
	if !lineWith(layout, "Số: 05/KH-UBND", "Quảng Trị, ngày 05 tháng 01 năm 2026") {
		t.Errorf("the number and the date line are not side by side:\n%s", layout)
	}
	if !lineWith(layout, "Nơi nhận:", "KT. CHÁNH VĂN PHÒNG") {
		t.Errorf("\"Nơi nhận:\" is not at the signature's height:\n%s", layout)
	}
}

// lineWith reports whether one line of text holds a and, to its right, b.
func lineWith(text, a, b string) bool {
	for _, l := range strings.Split(text, "\n") {
		i := strings.Index(l, a)
		if i >= 0 && strings.Contains(l[i+len(a):], b) {
			return true
		}
	}
	return false
}

func TestPDFReport(t *testing.T) {
	f := renderPDF(t, t.TempDir(), "report.pdf", reportSample())
	checkA4(t, f)
	contains(t, "report PDF", pdfToText(t, f, 0, 0), reportText...)
}

func TestPDFParty(t *testing.T) {
	dir := t.TempDir()
	f := renderPDF(t, dir, "party.pdf", partySample())
	checkA4(t, f)
	text := runTool(t, "pdftotext", "-layout", "-enc", "UTF-8", f, "-")
	contains(t, "party PDF", text, partyText...)
	lacks(t, "party PDF", text, "CỘNG HÒA XÃ HỘI", "Độc lập", "Số:")
	if !lineWith(text, "TỈNH ỦY BẮC GIANG", "ĐẢNG CỘNG SẢN VIỆT NAM") {
		t.Errorf("the issuer and \"ĐẢNG CỘNG SẢN VIỆT NAM\" are not side by side:\n%s", text)
	}
	// The star under the issuer, the number under it.
	lines := nonEmpty(text)
	if len(lines) < 3 || lines[1] != "*" || !strings.HasPrefix(lines[2], "Số 09-CT/TU") {
		t.Errorf("want the issuer, \"*\", then the number; got %q", lines[:min(3, len(lines))])
	}
}

// nonEmpty is the trimmed non-blank lines of text.
func nonEmpty(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func TestPDFFontsEmbedded(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"state.pdf", "party.pdf"} {
		d := stateSample()
		if name == "party.pdf" {
			d = partySample()
		}
		out := runTool(t, "pdffonts", renderPDF(t, dir, name, d))
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) < 3 {
			t.Fatalf("pdffonts lists no font:\n%s", out)
		}
		seen := map[string]bool{}
		for _, l := range lines[2:] {
			f := strings.Fields(l)
			// name type... encoding emb sub uni object ID: emb is the 5th field from the end.
			if len(f) < 7 {
				t.Fatalf("pdffonts line %q", l)
			}
			// fpdf names a UTF-8 font "utf8" + its family key + its style
			// ("utf8liberationserifB"); the font program is Liberation Serif's.
			if !strings.Contains(strings.ToLower(f[0]), "liberationserif") {
				t.Errorf("%s: font %s is not Liberation Serif", name, f[0])
			}
			if emb := f[len(f)-5]; emb != "yes" {
				t.Errorf("%s: font %s not embedded (emb = %s)\n%s", name, f[0], emb, out)
			}
			if !strings.Contains(l, "CID TrueType") {
				t.Errorf("%s: font %s is not an embedded TrueType (CID) font: %q", name, f[0], l)
			}
			seen[strings.TrimPrefix(f[0][strings.Index(f[0], "+")+1:], "utf8")] = true
		}
		// Regular, Bold and Italic at least (the date line is italic, the headings bold).
		for _, want := range []string{fontKey(""), fontKey("B"), fontKey("I")} {
			if !seen[want] {
				t.Errorf("%s: %s not used; fonts %v", name, want, seen)
			}
		}
	}
}

// TestPDFPageNumbers: a long plan shows its page number centred at the top
// from page 2 on, and none on page 1.
func TestPDFPageNumbers(t *testing.T) {
	dir := t.TempDir()
	f := renderPDF(t, dir, "long.pdf", longPlan())
	pages := checkA4(t, f)
	if pages < 8 {
		t.Fatalf("the long plan has %d pages, want about 10", pages)
	}
	checkPageNumbers(t, f, pages)
}

// checkPageNumbers: page 1 starts with the header and holds no line "1";
// pages 2.. start with their number, centred.
func checkPageNumbers(t *testing.T, f string, pages int) {
	t.Helper()
	for p := 1; p <= min(pages, 3); p++ {
		layout := runTool(t, "pdftotext", "-layout", "-enc", "UTF-8", "-f", itoa(p), "-l", itoa(p), f, "-")
		lines := nonEmpty(layout)
		if len(lines) == 0 {
			t.Fatalf("page %d is empty", p)
		}
		if p == 1 {
			for _, l := range lines {
				if l == "1" {
					t.Errorf("page 1 shows a page number")
				}
			}
			continue
		}
		if lines[0] != itoa(p) {
			t.Errorf("page %d starts with %q, want its number", p, lines[0])
		}
		// Centred: the number sits about the middle of the line's width.
		for _, l := range strings.Split(layout, "\n") {
			if strings.TrimSpace(l) == itoa(p) {
				lead := utf8.RuneCountInString(l) - utf8.RuneCountInString(strings.TrimLeft(l, " "))
				if lead < 20 {
					t.Errorf("page %d: the number is not centred (%d spaces before it)", p, lead)
				}
				break
			}
		}
	}
}

// fontKey is the name fpdf gives the family in a style.
func fontKey(style string) string { return strings.ToLower(fontFamily) + style }

func itoa(n int) string { return strconv.Itoa(n) }
