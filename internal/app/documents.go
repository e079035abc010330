package app

import (
	"bytes"
	"io"

	"danchu/internal/document"
	"danchu/internal/planimport"
)

// documents lays an official document out as Word and PDF (internal/document)
// for the rooms that offer downloads (plans.Writer, steering.Writer).
type documents struct{}

func (documents) DOCX(w io.Writer, d document.Doc) error { return document.WriteDOCX(w, d) }
func (documents) PDF(w io.Writer, d document.Doc) error  { return document.WritePDF(w, d) }

// planReader reads a plan into its parts, and the text of its uploaded file
// (plans.Importer).
type planReader struct{}

func (planReader) Parse(text string) (planimport.Draft, error) { return planimport.Parse(text) }

func (planReader) FileText(name string, data []byte) (string, error) {
	return planimport.FileText(name, bytes.NewReader(data), int64(len(data)))
}
