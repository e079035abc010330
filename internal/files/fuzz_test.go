package files

// Fuzz targets of the upload checks: the type sniffing, the file name, and
// the completeness of PDFs and Office files.

import (
	"archive/zip"
	"bytes"
	"os"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"danchu/internal/files/filestest"
)

// zipOf is a zip holding the named (empty) parts.
func zipOf(names ...string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, n := range names {
		w, _ := zw.Create(n)
		w.Write([]byte("<x/>"))
	}
	zw.Close()
	return b.Bytes()
}

// FuzzSniff: an upload is recognised only by its bytes, as one of the
// accepted types whose signature it carries (an Office file a zip with its
// content types and main part; bytes that only name those parts are taken as
// a damaged Office file, which the completeness check refuses), or refused;
// the name given never matters.
func FuzzSniff(f *testing.F) {
	for _, b := range [][]byte{[]byte("%PDF-1.7\n%%EOF"), {0xFF, 0xD8, 0xFF, 0xE0}, []byte("\x89PNG\r\n\x1a\n"), []byte("PK\x03\x04"), []byte("<html>"),
		zipOf("[Content_Types].xml", "word/document.xml"), zipOf("[Content_Types].xml", "xl/workbook.xml"), zipOf("word/document.xml"),
		zipOf("[Content_Types].xml"), []byte("%PDF"), nil} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ft, ok := sniff(b)
		if !ok {
			if ft != (fileType{}) {
				t.Fatalf("sniff refused with %+v", ft)
			}
			return
		}
		var sig bool
		switch ft {
		case typePDF:
			sig = bytes.HasPrefix(b, []byte("%PDF-"))
		case typeJPEG:
			sig = bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF})
		case typePNG:
			sig = bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n"))
		case typeDOCX, typeXLSX:
			main := "word/document.xml"
			if ft == typeXLSX {
				main = "xl/workbook.xml"
			}
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err == nil {
				has := map[string]bool{}
				for _, f := range zr.File {
					has[f.Name] = true
				}
				sig = has["[Content_Types].xml"] && has[main]
			} else {
				// Not a readable zip (cut short, say): sniff names it by
				// the part names in its bytes so the refusal can say the
				// file is damaged, and the completeness check must refuse it.
				sig = bytes.Contains(b, []byte("[Content_Types].xml")) && bytes.Contains(b, []byte(main))
				if complete(ft, b) == nil {
					t.Fatalf("%q is no readable zip, yet passed as a whole %s", b[:min(len(b), 40)], ft.ext)
				}
			}
		default:
			t.Fatalf("sniff gave %+v", ft)
		}
		if !sig {
			t.Fatalf("sniff(%q) = %s without its signature", b[:min(len(b), 40)], ft.ext)
		}
	})
}

// FuzzCleanName: a file name as sent keeps no folder, control character,
// quote or broken UTF-8, is at most 150 characters before the extension of
// its real type, and cleaning it again changes nothing.
func FuzzCleanName(f *testing.F) {
	for _, s := range []string{"Quyết định số 12.pdf", "../../etc/passwd", "C:\\Users\\a\\báo cáo.docx", "x.exe", "\x00\r\n\"a\".pdf", "..", ".", "...", "  ", "\xff\xfe.pdf",
		strings.Repeat("ệ", 200) + ".pdf", "a\u202e.fdp", "a/", "tệp\t.xlsx"} {
		f.Add(s)
	}
	types := []fileType{typePDF, typeDOCX, typeXLSX, typeJPEG, typePNG}
	f.Fuzz(func(t *testing.T, name string) {
		for _, ft := range types {
			got := cleanName(name, ft)
			base, ok := strings.CutSuffix(got, ft.ext)
			if !ok || base == "" || !utf8.ValidString(got) || utf8.RuneCountInString(base) > 150 || strings.ContainsAny(got, "/\\\"") ||
				strings.ContainsFunc(got, unicode.IsControl) {
				t.Fatalf("cleanName(%q, %s) = %q", name, ft.ext, got)
			}
			if again := cleanName(got, ft); again != got {
				t.Fatalf("cleanName(%q, %s) = %q, then %q", name, ft.ext, got, again)
			}
		}
	})
}

// FuzzComplete: the completeness checks of uploaded PDFs and Office files
// (checkPDF, checkOffice) read outside bytes to their end without panicking
// or inflating anything but the main parts; a PDF they pass ends with %%EOF
// after a startxref and is refused once anything but white space follows it,
// and an Office file they pass is a zip that holds its main part. Its seeds
// are whole files (the Chromium PDF 51 kB): fuzz it with -fuzzminimizetime
// 1000x (docs/ARCHITECTURE.md, Fuzzing), or each new input is minimized for up
// to 60 s.
func FuzzComplete(f *testing.F) {
	chromium, err := os.ReadFile("testdata/quyet-dinh-chromium.pdf")
	if err != nil {
		f.Fatal(err)
	}
	pdf := filestest.PDF("Quyết định")
	for _, b := range [][]byte{chromium, pdf, filestest.PDFXRefStream("Kế hoạch"), filestest.Update(pdf, "Sửa đổi"),
		filestest.PDFLinearized("Thông báo"), pdf[:len(pdf)/2], filestest.DOCX("Biên bản"), filestest.XLSX("Danh sách"),
		[]byte("%PDF-1.4\nxref\n0 99999999\ntrailer<</Root 1 0 R/Prev 9>>\nstartxref\n9\n%%EOF"), nil} {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if checkPDF(b) == nil {
			end := bytes.TrimRight(b, "\x00\t\n\f\r ")
			if !bytes.HasSuffix(end, []byte("%%EOF")) || !bytes.Contains(end, []byte("startxref")) {
				t.Fatalf("checkPDF passed %q without startxref … %%%%EOF at its end", b[max(0, len(b)-60):])
			}
			if checkPDF(append(bytes.Clone(b), "x"...)) == nil {
				t.Fatalf("checkPDF passed bytes after %%%%EOF")
			}
		}
		for _, main := range []string{"word/document.xml", "xl/workbook.xml"} {
			if checkOffice(b, "[Content_Types].xml", main) != nil {
				continue
			}
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("checkOffice passed what is no zip: %v", err)
			}
			has := map[string]bool{}
			for _, f := range zr.File {
				has[f.Name] = true
			}
			if !has["[Content_Types].xml"] || !has[main] {
				t.Fatalf("checkOffice passed a zip without %s", main)
			}
		}
	})
}
