package redact_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"danchu/internal/apperr"
	"danchu/internal/redact"
)

// tool finds a poppler tool the tests run. Without it the test skips —
// unless DANCHU_REQUIRE_DOCTOOLS is set (CI sets it), when it fails.
func tool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("DANCHU_REQUIRE_DOCTOOLS") != "" {
			t.Fatalf("%s is required (DANCHU_REQUIRE_DOCTOOLS is set): %v", name, err)
		}
		t.Skipf("%s not installed", name)
	}
	return p
}

// runTool runs a tool and returns its standard output; a non-zero exit fails the test.
func runTool(t testing.TB, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.Bytes()
}

func needTools(t testing.TB) {
	t.Helper()
	for _, name := range []string{"pdftoppm", "pdfinfo", "pdftotext"} {
		tool(t, name)
	}
}

func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The secret page of the test document: 500×300 pt, the secret word written
// at secretAt (its baseline's start) and another word, kept, at keptAt.
const (
	pageW, pageH = 500.0, 300.0
	secret       = "SECRETWORD"
	kept         = "KEEPTHISWORD"
)

var secretAt, keptAt = [2]float64{72, 100}, [2]float64{280, 250}

// secretBox covers the secret word (14 pt Helvetica, about 95 pt long).
var secretBox = redact.Box{Page: 1, X: 60 / pageW, Y: 80 / pageH, W: 200 / pageW, H: 30 / pageH}

// letter is a three-page PDF written with fpdf: A4 with a greeting, the
// secret page (landscape), US Letter with a signature line.
func letter(t testing.TB) []byte {
	t.Helper()
	p := fpdf.New("P", "pt", "A4", "")
	p.SetFont("Helvetica", "", 14)
	p.AddPage()
	p.Text(72, 100, "Dear inspector, page one.")
	p.AddPageFormat("L", fpdf.SizeType{Wd: pageH, Ht: pageW})
	p.Text(secretAt[0], secretAt[1], secret)
	p.Text(keptAt[0], keptAt[1], kept)
	p.AddPageFormat("P", fpdf.SizeType{Wd: 612, Ht: 792})
	p.Text(72, 700, "Signed, page three.")
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

var sizeRE = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([0-9.]+) x ([0-9.]+) pts`)

// pageSizes is each page's size as pdfinfo reports it.
func pageSizes(t testing.TB, file string) [][2]float64 {
	t.Helper()
	var out [][2]float64
	for _, m := range sizeRE.FindAllStringSubmatch(string(runTool(t, "pdfinfo", "-f", "1", "-l", "1000", file)), -1) {
		w, _ := strconv.ParseFloat(m[2], 64)
		h, _ := strconv.ParseFloat(m[3], 64)
		out = append(out, [2]float64{w, h})
	}
	return out
}

// pageImage draws page n (from 1) of file at 72 dpi: one pixel a point.
func pageImage(t testing.TB, file string, n int) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(runTool(t, "pdftoppm", "-png", "-cropbox", "-r", "72", "-singlefile",
		"-f", strconv.Itoa(n), "-l", strconv.Itoa(n), file)))
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func text(t testing.TB, file string) string {
	t.Helper()
	return string(runTool(t, "pdftotext", "-enc", "UTF-8", file, "-"))
}

// The redacted copy has the pages of the original, each at its size, drawn as
// pictures: the secret word is black pixels, pdftotext finds no word at all in
// it (there is no text layer to copy from), the rest of the page looks as it
// did, and the temporary folder is gone.
func TestPDF(t *testing.T) {
	needTools(t)
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	in := letter(t)
	inFile := writeFile(t, "in.pdf", in)
	if got := text(t, inFile); !strings.Contains(got, secret) || !strings.Contains(got, kept) {
		t.Fatalf("pdftotext of the original does not find %s and %s:\n%s", secret, kept, got)
	}
	out, err := redact.PDF(context.Background(), in, []redact.Box{secretBox})
	if err != nil {
		t.Fatal(err)
	}
	outFile := writeFile(t, "out.pdf", out)
	if got := strings.TrimSpace(strings.ReplaceAll(text(t, outFile), "\f", "")); got != "" {
		t.Errorf("pdftotext finds text in the redacted copy: %q", got)
	}
	if bytes.Contains(out, []byte(secret)) {
		t.Error("the redacted copy holds the secret word")
	}
	want, got := pageSizes(t, inFile), pageSizes(t, outFile)
	if len(want) != 3 || len(got) != len(want) {
		t.Fatalf("pages %v, want %v (3 pages)", got, want)
	}
	for i := range want {
		if math.Abs(got[i][0]-want[i][0]) > 0.01 || math.Abs(got[i][1]-want[i][1]) > 0.01 {
			t.Errorf("page %d is %v pt, was %v", i+1, got[i], want[i])
		}
	}
	before, after := pageImage(t, inFile, 2), pageImage(t, outFile, 2)
	if before.Bounds() != after.Bounds() || before.Bounds().Dx() != int(pageW) {
		t.Fatalf("page 2 drawn %v, was %v", after.Bounds(), before.Bounds())
	}
	x0, y0 := int(secretBox.X*pageW), int(secretBox.Y*pageH)
	x1, y1 := x0+int(secretBox.W*pageW), y0+int(secretBox.H*pageH)
	var inkBefore, far int
	var diff float64
	for y := range int(pageH) {
		for x := range int(pageW) {
			r, g, b, _ := rgb(after.At(x, y))
			r0, g0, b0, _ := rgb(before.At(x, y))
			switch {
			case x >= x0+2 && x < x1-2 && y >= y0+2 && y < y1-2:
				if max(r, g, b) > 40 {
					t.Fatalf("pixel (%d,%d) in the box is %d,%d,%d, not black", x, y, r, g, b)
				}
				if max(r0, g0, b0) < 128 {
					inkBefore++
				}
			case x < x0-3 || x >= x1+3 || y < y0-3 || y >= y1+3:
				far++
				diff += math.Abs(float64(r-r0)) + math.Abs(float64(g-g0)) + math.Abs(float64(b-b0))
			}
		}
	}
	if inkBefore < 100 {
		t.Errorf("only %d dark pixels in the box on the original: the box misses the word", inkBefore)
	}
	if mean := diff / float64(far) / 3; mean > 3 {
		t.Errorf("page 2 away from the box differs from the original by %.1f on average", mean)
	}
	// The kept word is still ink where it was written.
	ink := 0
	for y := int(keptAt[1]) - 10; y < int(keptAt[1]); y++ {
		for x := int(keptAt[0]); x < int(keptAt[0])+100; x++ {
			if r, g, b, _ := rgb(after.At(x, y)); max(r, g, b) < 128 {
				ink++
			}
		}
	}
	if ink < 100 {
		t.Errorf("only %d dark pixels where %s was written", ink, kept)
	}
	if left, _ := os.ReadDir(tmp); len(left) != 0 {
		t.Errorf("the temporary folder was left: %v", left)
	}
}

// rawPDF is a one-page PDF whose page dictionary has extra entries and shows
// words at (72, 72) of its media box.
func rawPDF(page, words string) []byte {
	stream := fmt.Sprintf("BT /F1 24 Tf 72 72 Td (%s) Tj ET", words)
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R " + page + " /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(stream), stream),
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f\r\n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// A page with a crop box and turned a quarter is redacted as a viewer shows
// it: the new page is the crop box's size, turned; a box over all of it leaves
// it black and without words.
func TestPDFTurnedCropped(t *testing.T) {
	needTools(t)
	in := rawPDF("/MediaBox [0 0 600 400] /CropBox [50 50 550 350] /Rotate 90", "TURNEDSECRET")
	inFile := writeFile(t, "in.pdf", in)
	if !strings.Contains(text(t, inFile), "TURNEDSECRET") {
		t.Fatal("pdftotext of the original does not find its word")
	}
	out, err := redact.PDF(context.Background(), in, []redact.Box{{Page: 0, X: 0, Y: 0, W: 1, H: 1}})
	if err != nil {
		t.Fatal(err)
	}
	outFile := writeFile(t, "out.pdf", out)
	if got := pageSizes(t, outFile); len(got) != 1 || got[0] != [2]float64{300, 500} {
		t.Errorf("page sizes %v, want [[300 500]] (the crop box turned)", got)
	}
	if strings.Contains(text(t, outFile), "TURNEDSECRET") {
		t.Error("the word is in the redacted copy")
	}
	img := pageImage(t, outFile, 1)
	for _, p := range []image.Point{{5, 5}, {150, 250}, {295, 495}} {
		if r, g, b, _ := rgb(img.At(p.X, p.Y)); max(r, g, b) > 40 {
			t.Errorf("pixel %v is %d,%d,%d, not black", p, r, g, b)
		}
	}
}

// blank is a PDF of n empty A4 pages.
func blank(t testing.TB, n int) []byte {
	t.Helper()
	p := fpdf.New("P", "pt", "A4", "")
	for range n {
		p.AddPage()
	}
	var b bytes.Buffer
	if err := p.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestPDFRefused(t *testing.T) {
	needTools(t)
	doc := letter(t)
	tests := []struct {
		name  string
		data  []byte
		boxes []redact.Box
		key   string
	}{
		{"box on a page the PDF lacks", doc, []redact.Box{secretBox, {Page: 3, X: 0, Y: 0, W: 1, H: 1}}, "redact.err.no_page"},
		{"box past the edge", doc, []redact.Box{{Page: 0, X: 0.5, Y: 0, W: 0.6, H: 1}}, "redact.err.box"},
		{"NaN box", doc, []redact.Box{{Page: 0, X: 0, Y: 0, W: math.NaN(), H: 1}}, "redact.err.box"},
		{"too many boxes", doc, make([]redact.Box, redact.MaxBoxes+1), "redact.err.too_many"},
		{"too many pages", blank(t, redact.MaxPages+1), nil, "redact.err.pdf_pages"},
		{"not a PDF", []byte("hello, this is not a PDF"), nil, "redact.err.pdf_unreadable"},
		{"cut short", doc[:len(doc)/3], nil, "redact.err.pdf_unreadable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := redact.PDF(context.Background(), tt.data, tt.boxes)
			refused(t, err, apperr.CodeInvalid, tt.key)
			if out != nil {
				t.Error("a refusal returned a PDF")
			}
		})
	}
}

// The refusal of a box on a missing page says which box, which page and how
// many pages there are, counted from 1.
func TestPDFNoPageSays(t *testing.T) {
	needTools(t)
	_, err := redact.PDF(context.Background(), letter(t), []redact.Box{secretBox, {Page: 5, X: 0, Y: 0, W: 1, H: 1}})
	var e *apperr.Error
	if !errors.As(err, &e) || fmt.Sprint(e.Msg.Args) != "[2 6 3]" {
		t.Errorf("got %v, want redact.err.no_page with box 2, page 6, 3 pages", err)
	}
}

// Without poppler on the server, PDF says the server cannot redact PDFs.
func TestPDFWithoutPoppler(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := redact.PDF(context.Background(), blank(t, 1), nil)
	refused(t, err, apperr.CodeUnavailable, "redact.err.pdf_tools")
}

// A cancelled request stops the redaction: no PDF, the context's error, not a
// refusal of the file.
func TestPDFCancelled(t *testing.T) {
	needTools(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	out, err := redact.PDF(ctx, letter(t), nil)
	if out != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("got %d bytes, %v; want context.Canceled", len(out), err)
	}
	if c := apperr.CodeOf(err); c == apperr.CodeInvalid {
		t.Errorf("a cancelled redaction is refused as %s", c)
	}
}
