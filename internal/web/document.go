package web

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"strconv"

	"danchu/internal/apperr"
	"danchu/internal/document"
)

// Document formats a download may ask for, with their content types.
var documentTypes = map[string]string{
	"docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
	"pdf":  "application/pdf",
}

// SendDocument lays d out as format ("docx" or "pdf") with wr and sends it as
// the attachment name.format: the one way every room sends an official
// document. Laid out in memory first, so a failure is an error page, not a
// file cut short. Without a writer (nil) or for another format: not found.
func (s *Server) SendDocument(w http.ResponseWriter, r *http.Request, wr document.Writer, d document.Doc, format, name string) {
	ctype, ok := documentTypes[format]
	if wr == nil || !ok {
		s.Error(w, r, apperr.New(apperr.CodeNotFound, "error.404.title"))
		return
	}
	var b bytes.Buffer
	write := wr.PDF
	if format == "docx" {
		write = wr.DOCX
	}
	if err := write(&b, d); err != nil {
		s.Error(w, r, fmt.Errorf("write %s: %w", format, err))
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name + "." + format}))
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
}
