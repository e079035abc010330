package redact_test

import (
	"bytes"
	"context"
	"testing"

	"codeberg.org/go-pdf/fpdf"

	"danchu/internal/redact"
)

// BenchmarkPDF redacts a 10-page A4 letter of text, one box a page: what one
// page costs to draw, burn and write again (b.ReportMetric: ms/page).
func BenchmarkPDF(b *testing.B) {
	needTools(b)
	const pages = 10
	p := fpdf.New("P", "pt", "A4", "")
	p.SetFont("Helvetica", "", 11)
	var boxes []redact.Box
	for i := range pages {
		p.AddPage()
		for y := 72.0; y < 770; y += 14 {
			p.Text(72, y, "To the district inspectorate: the denunciation, the name and address of its sender.")
		}
		boxes = append(boxes, redact.Box{Page: i, X: 0.1, Y: 0.1, W: 0.5, H: 0.05})
	}
	var doc bytes.Buffer
	if err := p.Output(&doc); err != nil {
		b.Fatal(err)
	}
	var size int
	for b.Loop() {
		out, err := redact.PDF(context.Background(), doc.Bytes(), boxes)
		if err != nil {
			b.Fatal(err)
		}
		size = len(out)
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N*pages), "ms/page")
	b.ReportMetric(float64(size)/pages/1024, "KB/page")
}

// BenchmarkImage redacts a 12 MP JPEG photo (4000×3000) with one box.
func BenchmarkImage(b *testing.B) {
	var in bytes.Buffer
	if err := jpegEncode(&in, pattern(4000, 3000)); err != nil {
		b.Fatal(err)
	}
	boxes := []redact.Box{{Page: 0, X: 0.1, Y: 0.1, W: 0.3, H: 0.1}}
	for b.Loop() {
		if _, _, err := redact.Image(in.Bytes(), boxes); err != nil {
			b.Fatal(err)
		}
	}
}
