package document

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// tool finds a command-line tool the tests run (poppler's pdftotext, pdffonts,
// pdfinfo, pdftoppm; LibreOffice's soffice). Without it the test skips —
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
func runTool(t testing.TB, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(tool(t, name), args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return out.String()
}

// writeFile writes data under dir and returns its path.
func writeFile(t testing.TB, dir, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// pdfText runs pdftotext on pages first..last (0: all) of the PDF.
func pdfToText(t testing.TB, file string, first, last int) string {
	t.Helper()
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", strconv.Itoa(first), "-l", strconv.Itoa(last))
	}
	return runTool(t, "pdftotext", append(args, file, "-")...)
}

// flat collapses runs of white space so that text laid out in columns or
// justified with wide gaps compares as written.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

var sizeRE = regexp.MustCompile(`Page size:\s+([0-9.]+) x ([0-9.]+) pts`)
var pagesRE = regexp.MustCompile(`Pages:\s+(\d+)`)

// pdfInfo returns the page size (pts) and the page count pdfinfo reports.
func pdfInfo(t testing.TB, file string) (w, h float64, pages int) {
	t.Helper()
	out := runTool(t, "pdfinfo", file)
	m := sizeRE.FindStringSubmatch(out)
	n := pagesRE.FindStringSubmatch(out)
	if m == nil || n == nil {
		t.Fatalf("pdfinfo gave no page size or count:\n%s", out)
	}
	w, _ = strconv.ParseFloat(m[1], 64)
	h, _ = strconv.ParseFloat(m[2], 64)
	pages, _ = strconv.Atoi(n[1])
	return w, h, pages
}

// checkA4 fails unless the PDF's pages are A4 portrait (595 x 842 pts, ±1).
func checkA4(t testing.TB, file string) int {
	t.Helper()
	w, h, pages := pdfInfo(t, file)
	if w < 594 || w > 596.5 || h < 841 || h > 843 {
		t.Errorf("%s: page size %v x %v pts, want A4 595 x 842", filepath.Base(file), w, h)
	}
	return pages
}
