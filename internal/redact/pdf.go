package redact

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"danchu/internal/apperr"
)

// How a PDF's pages are drawn: at DPI (enough to read a scanned letter and
// its handwriting), fewer for a page so large that it would have more than
// MaxPagePixels pixels; Chunk pages rendered at a time (the temporary folder
// then holds at most that many page pictures), each page written to the new
// PDF as a JPEG of PageQuality. A redaction takes at most Timeout; one PDF is
// redacted at a time in the process (a sender waits for it at most Wait).
const (
	DPI           = 150
	MaxPagePixels = 16_000_000
	Chunk         = 8
	PageQuality   = 85
	Timeout       = 3 * time.Minute
	Wait          = 30 * time.Second
)

// running is the one PDF redaction at a time: rendering a page takes a
// processor fully, and the machine has few.
var running = make(chan struct{}, 1)

// page is what pdfinfo says of one page: its size as shown (the crop box,
// turned by its rotation), in points.
type page struct{ w, h float64 }

// PDF returns a new PDF of data's pages, each drawn as a picture (poppler's
// pdftoppm, at DPI) with its boxes burned in opaque black, at the page's
// size as a viewer shows it (its crop box, turned as the page says). Nothing
// of the original is carried over but how the pages look: no text layer (the
// words under a box cannot be copied or searched out of it, nor any other
// word), no metadata, links, forms, attachments or scripts.
//
// A PDF of more than MaxPages pages, one poppler cannot read (damaged, or
// locked with a password) and a box on a page it lacks are refused
// (apperr.CodeInvalid); without poppler-utils on the server it says so
// (apperr.CodeUnavailable, redact.err.pdf_tools).
func PDF(ctx context.Context, data []byte, boxes []Box) ([]byte, error) {
	if _, err := check(boxes, math.MaxInt); err != nil { // the page count is known later
		return nil, err
	}
	pdftoppm, err1 := exec.LookPath("pdftoppm")
	pdfinfo, err2 := exec.LookPath("pdfinfo")
	if err := errors.Join(err1, err2); err != nil {
		return nil, &apperr.Error{Code: apperr.CodeUnavailable, Msg: apperr.M("redact.err.pdf_tools"), Err: err}
	}
	wait, cancel := context.WithTimeout(ctx, Wait)
	defer cancel()
	select {
	case running <- struct{}{}:
		defer func() { <-running }()
	case <-wait.Done():
		if ctx.Err() != nil {
			return nil, fmt.Errorf("wait to redact a PDF: %w", ctx.Err())
		}
		return nil, apperr.New(apperr.CodeTooMany, "redact.err.busy").After(Wait)
	}
	run, stop := context.WithTimeout(ctx, Timeout)
	defer stop()
	out, err := redactPDF(run, pdftoppm, pdfinfo, data, boxes)
	if err != nil && ctx.Err() == nil && errors.Is(run.Err(), context.DeadlineExceeded) {
		return nil, apperr.New(apperr.CodeInvalid, "redact.err.pdf_slow", int(Timeout/time.Minute))
	}
	return out, err
}

func redactPDF(ctx context.Context, pdftoppm, pdfinfo string, data []byte, boxes []Box) ([]byte, error) {
	dir, err := os.MkdirTemp("", "danchu-redact-")
	if err != nil {
		return nil, fmt.Errorf("redact pdf: %w", err)
	}
	defer os.RemoveAll(dir)
	in := filepath.Join(dir, "in.pdf")
	if err := os.WriteFile(in, data, 0o600); err != nil {
		return nil, fmt.Errorf("redact pdf: %w", err)
	}
	pages, err := pageSizes(ctx, pdfinfo, in)
	if err != nil {
		return nil, err
	}
	boxes, err = check(boxes, len(pages))
	if err != nil {
		return nil, err
	}
	onPage := make([][]Box, len(pages))
	for _, b := range boxes {
		onPage[b.Page] = append(onPage[b.Page], b)
	}
	doc := fpdf.New("P", "pt", "A4", "")
	doc.SetCompression(true)
	doc.SetProducer("danchu (redacted copy)", true)
	doc.SetAutoPageBreak(false, 0)
	// Runs of pages drawn at the same resolution, at most Chunk at a time.
	for first := 0; first < len(pages); {
		dpi := pageDPI(pages[first])
		last := first + 1
		for last < len(pages) && last-first < Chunk && pageDPI(pages[last]) == dpi {
			last++
		}
		pics, err := render(ctx, pdftoppm, in, dir, first, last, dpi)
		if err != nil {
			return nil, err
		}
		for i, pic := range pics {
			n := first + i
			jpg, err := burn(pic, onPage[n])
			os.Remove(pic)
			if err != nil {
				return nil, err
			}
			p := pages[n]
			doc.AddPageFormat("P", fpdf.SizeType{Wd: p.w, Ht: p.h}) // "P": width and height as given
			name := "p" + strconv.Itoa(n)
			doc.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "JPG"}, bytes.NewReader(jpg))
			doc.ImageOptions(name, 0, 0, p.w, p.h, false, fpdf.ImageOptions{ImageType: "JPG"}, 0, "")
		}
		first = last
	}
	var buf bytes.Buffer
	if err := doc.Output(&buf); err != nil {
		return nil, fmt.Errorf("write redacted pdf: %w", err)
	}
	return buf.Bytes(), nil
}

var (
	pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)\s*$`)
	sizeRE  = regexp.MustCompile(`(?m)^Page\s+(\d+) size:\s+([0-9.]+) x ([0-9.]+) pts`)
	rotRE   = regexp.MustCompile(`(?m)^Page\s+(\d+) rot:\s+(-?\d+)\s*$`)
)

// pageSizes asks pdfinfo how many pages the PDF has (more than MaxPages is
// refused) and each one's size as shown. The last of each line is taken: the
// document's title, printed before them, could be made to look like one.
func pageSizes(ctx context.Context, pdfinfo, in string) ([]page, error) {
	bad := apperr.New(apperr.CodeInvalid, "redact.err.pdf_unreadable")
	cmd := exec.CommandContext(ctx, pdfinfo, "-f", "1", "-l", strconv.Itoa(MaxPages), in)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdfinfo: %w", ctx.Err())
		}
		bad.Err = fmt.Errorf("pdfinfo: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		return nil, bad
	}
	out := stdout.String()
	m := pagesRE.FindAllStringSubmatch(out, -1)
	if m == nil {
		return nil, bad
	}
	n, err := strconv.Atoi(m[len(m)-1][1])
	switch {
	case err != nil || n < 1:
		return nil, bad
	case n > MaxPages:
		return nil, apperr.New(apperr.CodeInvalid, "redact.err.pdf_pages", n, MaxPages)
	}
	pages := make([]page, n)
	rot := make([]int, n)
	seen := make([]bool, n)
	for _, s := range sizeRE.FindAllStringSubmatch(out, -1) {
		i, _ := strconv.Atoi(s[1])
		w, err1 := strconv.ParseFloat(s[2], 64)
		h, err2 := strconv.ParseFloat(s[3], 64)
		if i < 1 || i > n || err1 != nil || err2 != nil || !(w > 0 && h > 0) || math.IsInf(w*h, 0) {
			continue
		}
		pages[i-1], seen[i-1] = page{w, h}, true
	}
	for _, s := range rotRE.FindAllStringSubmatch(out, -1) {
		if i, _ := strconv.Atoi(s[1]); i >= 1 && i <= n {
			rot[i-1], _ = strconv.Atoi(s[2])
		}
	}
	for i := range pages {
		if !seen[i] {
			return nil, bad
		}
		if r := ((rot[i] % 360) + 360) % 360; r == 90 || r == 270 {
			pages[i].w, pages[i].h = pages[i].h, pages[i].w
		}
	}
	return pages, nil
}

// pageDPI is the resolution page p is drawn at: DPI, or less for a page that
// would have more than MaxPagePixels pixels.
func pageDPI(p page) float64 {
	px := p.w / 72 * p.h / 72 * DPI * DPI
	if px <= MaxPagePixels {
		return DPI
	}
	return math.Max(1, math.Floor(DPI*math.Sqrt(MaxPagePixels/px)*100)/100)
}

// render draws pages first..last-1 (0-based) of in with pdftoppm at dpi into
// a folder of dir; it returns the pictures' paths in page order.
func render(ctx context.Context, pdftoppm, in, dir string, first, last int, dpi float64) ([]string, error) {
	to, err := os.MkdirTemp(dir, "pages-")
	if err != nil {
		return nil, fmt.Errorf("redact pdf: %w", err)
	}
	cmd := exec.CommandContext(ctx, pdftoppm, "-cropbox", "-r", strconv.FormatFloat(dpi, 'f', -1, 64),
		"-f", strconv.Itoa(first+1), "-l", strconv.Itoa(last), in, filepath.Join(to, "p"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("pdftoppm: %w", ctx.Err())
		}
		bad := apperr.New(apperr.CodeInvalid, "redact.err.pdf_unreadable")
		bad.Err = fmt.Errorf("pdftoppm: %w: %s", err, bytes.TrimSpace(stderr.Bytes()))
		return nil, bad
	}
	pics, err := filepath.Glob(filepath.Join(to, "p-*.ppm"))
	if err != nil {
		return nil, fmt.Errorf("redact pdf: %w", err)
	}
	if len(pics) != last-first {
		bad := apperr.New(apperr.CodeInvalid, "redact.err.pdf_unreadable")
		bad.Err = fmt.Errorf("pdftoppm drew %d of pages %d-%d: %s", len(pics), first+1, last, bytes.TrimSpace(stderr.Bytes()))
		return nil, bad
	}
	slices.Sort(pics) // pdftoppm pads the page numbers to one width
	return pics, nil
}

// burn reads a page pdftoppm drew (a binary PPM), paints boxes on it black and
// returns it as a JPEG.
func burn(path string, boxes []Box) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("redact pdf: %w", err)
	}
	defer f.Close()
	img, err := readPPM(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("read page drawn by pdftoppm: %w", err)
	}
	w, h := img.Rect.Dx(), img.Rect.Dy()
	for _, b := range boxes {
		x0, y0, x1, y1 := b.rect(w, h)
		for y := y0; y < y1; y++ {
			row := img.Pix[img.PixOffset(x0, y):img.PixOffset(x1, y)]
			for i := 0; i < len(row); i += 4 {
				row[i], row[i+1], row[i+2], row[i+3] = 0, 0, 0, 0xff
			}
		}
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, img, &jpeg.Options{Quality: PageQuality}); err != nil {
		return nil, fmt.Errorf("encode page: %w", err)
	}
	return out.Bytes(), nil
}

// readPPM reads a binary PPM (P6, 8-bit) as pdftoppm writes it.
func readPPM(r *bufio.Reader) (*image.RGBA, error) {
	var hdr [4]int // magic, width, height, maxval
	for i := range hdr {
		tok, err := ppmToken(r)
		if err != nil {
			return nil, err
		}
		if i == 0 {
			if tok != "P6" {
				return nil, fmt.Errorf("not a binary PPM (%q)", tok)
			}
			continue
		}
		if hdr[i], err = strconv.Atoi(tok); err != nil || hdr[i] < 1 {
			return nil, fmt.Errorf("bad PPM header value %q", tok)
		}
	}
	w, h := hdr[1], hdr[2]
	if hdr[3] != 255 || w*h > 4*MaxPagePixels {
		return nil, fmt.Errorf("unexpected PPM %d×%d, maxval %d", w, h, hdr[3])
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, 3*w)
	for y := range h {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, fmt.Errorf("PPM row %d: %w", y, err)
		}
		p := img.Pix[y*img.Stride:]
		for x := range w {
			p[4*x], p[4*x+1], p[4*x+2], p[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 0xff
		}
	}
	return img, nil
}

// ppmToken reads one header token (skipping white space and # comments) and
// the one white-space byte after it.
func ppmToken(r *bufio.Reader) (string, error) {
	var tok []byte
	for {
		c, err := r.ReadByte()
		if err != nil {
			return "", fmt.Errorf("PPM header: %w", err)
		}
		switch {
		case c == '#' && len(tok) == 0:
			if _, err := r.ReadString('\n'); err != nil {
				return "", fmt.Errorf("PPM header: %w", err)
			}
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			if len(tok) > 0 {
				return string(tok), nil
			}
		default:
			if len(tok) > 16 {
				return "", errors.New("PPM header token too long")
			}
			tok = append(tok, c)
		}
	}
}
