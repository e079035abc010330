package document

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// renderDOCX writes d as a DOCX, checks the package (checkDOCX) and returns the bytes.
func renderDOCX(t testing.TB, name string, d Doc) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDOCX(&b, d); err != nil {
		t.Fatalf("WriteDOCX(%s): %v", name, err)
	}
	checkDOCX(t, name, b.Bytes())
	if s := os.Getenv("DANCHU_DOC_SAMPLES"); s != "" {
		writeFile(t, s, name, b.Bytes())
	}
	return b.Bytes()
}

// docxParts are the parts every file has.
var docxParts = []string{"[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/styles.xml",
	"word/settings.xml", "word/header1.xml", "word/_rels/document.xml.rels", "docProps/core.xml"}

// checkDOCX opens the zip with archive/zip, checks the parts are there and
// decodes every XML part to its end (well-formed), and returns the parts' text.
func checkDOCX(t testing.TB, name string, data []byte) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("%s: not a zip: %v", name, err)
	}
	parts := map[string]string{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatalf("%s: %s: %v", name, f.Name, err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %s: %v", name, f.Name, err)
		}
		parts[f.Name] = string(body)
		dec := xml.NewDecoder(bytes.NewReader(body))
		for {
			_, err := dec.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %s is not well-formed XML: %v", name, f.Name, err)
			}
		}
	}
	for _, p := range docxParts {
		if _, ok := parts[p]; !ok {
			t.Errorf("%s: no part %s", name, p)
		}
	}
	return parts
}

func TestDOCXPackage(t *testing.T) {
	parts := checkDOCX(t, "state.docx", renderDOCX(t, "state.docx", stateSample()))
	doc := parts["word/document.xml"]
	for _, want := range []string{
		`<w:pgSz w:w="11906" w:h="16838"/>`,                         // A4 portrait
		`w:top="1134" w:right="1134" w:bottom="1134" w:left="1701"`, // 20, 20, 20, 30 mm
		`<w:titlePg/>`,      // no number on page 1
		`w:firstLine="720"`, // 1.27 cm
		"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 05/KH-UBND", "Quảng Trị, ngày 05 tháng 01 năm 2026",
		"- ĐUK CQ&amp;DN tỉnh (b/c);", "Nguyễn Cửu",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("document.xml lacks %q", want)
		}
	}
	if !strings.Contains(parts["docProps/core.xml"], "<dc:title>Kế hoạch Thực hiện công tác Dân chủ ở cơ sở") {
		t.Errorf("core.xml has no title: %s", parts["docProps/core.xml"])
	}
	if !strings.Contains(parts["word/header1.xml"], "PAGE") {
		t.Errorf("header1.xml has no page number field")
	}
	if !strings.Contains(parts["word/styles.xml"], `w:ascii="Times New Roman"`) {
		t.Errorf("styles.xml does not ask for Times New Roman")
	}
}

// convert turns every .docx in dir into a PDF with LibreOffice (one run, a
// private profile so parallel runs do not clash) and returns the PDFs' directory.
func convert(t *testing.T, dir string) string {
	t.Helper()
	soffice := tool(t, "soffice")
	tool(t, "pdftotext")
	files, _ := filepath.Glob(filepath.Join(dir, "*.docx"))
	out := filepath.Join(dir, "pdf")
	profile := "file://" + filepath.ToSlash(filepath.Join(t.TempDir(), "lo-profile"))
	args := append([]string{"-env:UserInstallation=" + profile, "--headless", "--norestore", "--convert-to", "pdf", "--outdir", out}, files...)
	cmd := exec.Command(soffice, args...)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, b)
	}
	return out
}

// TestDOCXLibreOffice: LibreOffice opens the files and lays them out on A4
// with the header, number, date line, headings and recipients in correct
// Vietnamese, and the page number from page 2 on.
func TestDOCXLibreOffice(t *testing.T) {
	tool(t, "soffice")
	dir := t.TempDir()
	docs := map[string]Doc{"state": stateSample(), "party": partySample(), "long": longPlan(), "report": reportSample()}
	for name, d := range docs {
		writeFile(t, dir, name+".docx", renderDOCX(t, name+".docx", d))
	}
	out := convert(t, dir)
	pdf := func(name string) string { return filepath.Join(out, name+".pdf") }

	checkA4(t, pdf("state"))
	contains(t, "state DOCX", pdfToText(t, pdf("state"), 0, 0), stateText...)
	party := pdfToText(t, pdf("party"), 0, 0)
	contains(t, "party DOCX", party, partyText...)
	lacks(t, "party DOCX", party, "CỘNG HÒA XÃ HỘI", "Số:")
	layout := runTool(t, "pdftotext", "-layout", "-enc", "UTF-8", pdf("state"), "-")
	if !lineWith(layout, "Số: 05/KH-UBND", "Quảng Trị, ngày 05 tháng 01 năm 2026") {
		t.Errorf("DOCX: the number and the date line are not side by side:\n%s", layout)
	}
	checkA4(t, pdf("report"))
	contains(t, "report DOCX", pdfToText(t, pdf("report"), 0, 0), reportText...)
	pages := checkA4(t, pdf("long"))
	if pages < 8 {
		t.Fatalf("the long plan has %d pages in LibreOffice, want about 10", pages)
	}
	checkPageNumbers(t, pdf("long"), pages)
}
