package app

import (
	"io"

	"danchu/internal/document"
	"danchu/internal/planimport"
)

// documents lays an official document out as Word and PDF (internal/document)
// for the rooms that offer downloads (plans.Writer, steering.Writer).
type documents struct{}

func (documents) DOCX(w io.Writer, d document.Doc) error { return document.WriteDOCX(w, d) }
func (documents) PDF(w io.Writer, d document.Doc) error  { return document.WritePDF(w, d) }

// planReader reads a pasted plan into its parts (plans.Importer).
type planReader struct{}

func (planReader) Parse(text string) (planimport.Draft, error) { return planimport.Parse(text) }
