package document

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileDocs are documents no author should write: each still gives a valid
// DOCX (LibreOffice opens it) and a valid PDF (poppler reads it).
func hostileDocs() map[string]Doc {
	bad := "Kế\xff hoạch \xc3\x28 \xed\xa0\x80 \xf0\x28\x8c\x28"
	ctl := "Kế\x00 hoạch\x07\x1b[31m\u0085\u2028\ufeff\ufffe\r\n\tdân chủ"
	exotic := "🙂 漢字 \U0001F600 \U00010000 אב ﷽ Ω"
	all := func(s string) Doc {
		return Doc{Style: State, Parent: s, Issuer: s, Number: s, Symbol: s, Place: s, Kind: s, Summary: s,
			Addressees: []string{s, s}, Bases: []string{s},
			Body:       []Block{{Kind: Heading, Level: 1, Number: s, Text: s}, {Kind: Paragraph, Text: s}, {Kind: Item, Level: 2, Text: s}},
			Recipients: []Recipient{{Name: s, Note: s}, {Name: s}},
			Signature:  Signature{Lines: []string{s}, Name: s}}
	}
	long := stateSample()
	long.Body = append([]Block{{Kind: Heading, Level: 1, Number: "I.", Text: strings.Repeat("Đ", 5000)},
		{Kind: Heading, Level: 2, Number: "1.", Text: strings.Repeat("nghiệm thu ", 455)}}, long.Body...)
	many := stateSample()
	many.Body = nil
	for i := range 2000 {
		kind := BlockKind(i % 3)
		many.Body = append(many.Body, Block{Kind: kind, Level: 1 + i%2, Number: fmt.Sprintf("%d.", i), Text: fmt.Sprintf("Khối thứ %d của văn bản, có dấu: ệ ỗ ữ Đ.", i)})
	}
	party := all(bad)
	party.Style = Party
	return map[string]Doc{
		"invalid-utf8":       all(bad),
		"invalid-utf8-party": party,
		"control":            all(ctl),
		"exotic":             all(exotic),
		"long-heading":       long,
		"empty":              {},
		"no-blocks":          func() Doc { d := stateSample(); d.Body = nil; return d }(),
		"many-blocks":        many,
		"unknown-kind":       {Style: Style(7), Body: []Block{{Kind: BlockKind(9), Level: -3, Text: "lạ"}}},
	}
}

func TestHostilePDF(t *testing.T) {
	dir := t.TempDir()
	for name, d := range hostileDocs() {
		t.Run(name, func(t *testing.T) {
			f := renderPDF(t, dir, name+".pdf", d)
			pages := checkA4(t, f)
			text := pdfToText(t, f, 0, 0)
			if !utf8.ValidString(text) {
				t.Errorf("the text is not valid UTF-8")
			}
			switch name {
			case "invalid-utf8":
				contains(t, name, text, "Kế? hoạch ?(", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
			case "control":
				contains(t, name, text, "Kế hoạch[31m dân chủ")
			case "long-heading":
				if n := strings.Count(text, "Đ"); n < 5000 {
					t.Errorf("the long heading lost letters: %d of 5000 Đ", n)
				}
				contains(t, name, text, "nghiệm thu nghiệm thu", "Nguyễn Cửu")
			case "many-blocks":
				contains(t, name, text, "Khối thứ 0 của văn bản", "Khối thứ 1999 của văn bản, có dấu: ệ ỗ ữ Đ.", "Nguyễn Cửu")
				if pages < 30 {
					t.Errorf("2,000 blocks on %d pages", pages)
				}
			}
		})
	}
}

func TestHostileDOCX(t *testing.T) {
	dir := t.TempDir()
	for name, d := range hostileDocs() {
		writeFile(t, dir, name+".docx", renderDOCX(t, name+".docx", d))
	}
	out := convert(t, dir)
	for name := range hostileDocs() {
		f := filepath.Join(out, name+".pdf")
		checkA4(t, f)
		text := pdfToText(t, f, 0, 0)
		switch name {
		case "invalid-utf8":
			contains(t, name, text, "Kế\uFFFD hoạch \uFFFD(")
		case "control":
			contains(t, name, text, "Kế hoạch[31m dân chủ")
		case "many-blocks":
			contains(t, name, text, "Khối thứ 1999 của văn bản, có dấu: ệ ỗ ữ Đ.")
		}
	}
}

func BenchmarkPDF10Pages(b *testing.B) {
	d := longPlan()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WritePDF(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/pdf")
}

func BenchmarkDOCX10Pages(b *testing.B) {
	d := longPlan()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WriteDOCX(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "bytes/docx")
}

// TestConcurrentWriters: requests render documents at the same time (the
// measurer is shared); each output is the same as a lone run's.
func TestConcurrentWriters(t *testing.T) {
	var want bytes.Buffer
	if err := WriteDOCX(&want, reportSample()); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 8)
	for range 4 {
		go func() {
			var b bytes.Buffer
			errs <- WritePDF(&b, partySample())
		}()
		go func() {
			var b bytes.Buffer
			err := WriteDOCX(&b, reportSample())
			if err == nil && b.Len() != want.Len() {
				err = fmt.Errorf("DOCX of %d bytes, want %d", b.Len(), want.Len())
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
