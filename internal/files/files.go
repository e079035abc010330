// Package files stores uploaded files by content hash, recognises their type from
// their bytes, and prepares photos (scaled, re-encoded without metadata). The
// disclosure board, consultations and feedback share it.
package files

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"

	"danchu/internal/apperr"
)

// DefaultMaxFile is the largest attachment accepted by default (20 MB).
const DefaultMaxFile = 20 << 20

// File is an attachment of a version.
type File struct {
	SHA256      string
	Name        string
	ContentType string
	Size        int64
}

// Upload is one file a person sent: its name as sent and its bytes, for a
// room's service to check and store (web.FormFiles reads a form's).
type Upload struct {
	Name string
	R    io.Reader
}

// fileType is an accepted type, recognised by its content.
type fileType struct {
	ext, contentType string
}

var (
	typePDF  = fileType{".pdf", "application/pdf"}
	typeDOCX = fileType{".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
	typeXLSX = fileType{".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
	typeJPEG = fileType{".jpg", "image/jpeg"}
	typePNG  = fileType{".png", "image/png"}
)

// sniff recognises the accepted types from the bytes themselves, never the name:
// an HTML page or a program named "x.pdf" is refused. A zip whose directory
// cannot be read (a cut file) is still recognised as DOCX or XLSX by the names
// of its parts, which its local headers hold uncompressed, so that the sender
// is told the file is damaged rather than of the wrong type (complete then
// refuses it).
func sniff(b []byte) (fileType, bool) {
	switch {
	case bytes.HasPrefix(b, []byte("%PDF-")):
		return typePDF, true
	case bytes.HasPrefix(b, []byte{0xFF, 0xD8, 0xFF}):
		return typeJPEG, true
	case bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")):
		return typePNG, true
	case bytes.HasPrefix(b, []byte("PK\x03\x04")):
		has := func(name string) bool { return bytes.Contains(b, []byte(name)) }
		if zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b))); err == nil {
			names := map[string]bool{}
			for _, f := range zr.File {
				names[f.Name] = true
			}
			has = func(name string) bool { return names[name] }
		}
		switch {
		case !has("[Content_Types].xml"):
		case has("word/document.xml"):
			return typeDOCX, true
		case has("xl/workbook.xml"):
			return typeXLSX, true
		}
	}
	return fileType{}, false
}

// complete checks that a file of a recognised type is whole (not cut short,
// its structure readable to its end): PDFs by checkPDF, Office files by
// checkOffice. JPEG and PNG attachments are taken by their signature alone
// (photos are decoded whole by PutPhotos, which refuses a cut one).
func complete(t fileType, b []byte) error {
	switch t {
	case typePDF:
		return checkPDF(b)
	case typeDOCX:
		return checkOffice(b, "[Content_Types].xml", "word/document.xml")
	case typeXLSX:
		return checkOffice(b, "[Content_Types].xml", "xl/workbook.xml")
	}
	return nil
}

func zipReadable(b []byte) bool {
	_, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	return err == nil
}

// officeLabel is the Office type to save a damaged zip as, from its name
// (only said to its sender, never used to accept it).
func officeLabel(name string) string {
	if strings.EqualFold(path.Ext(name), typeXLSX.ext) {
		return typeXLSX.label()
	}
	return typeDOCX.label()
}

// label is how a type is named to people.
func (t fileType) label() string { return strings.ToUpper(strings.TrimPrefix(t.ext, ".")) }

// cleanName keeps a file name readable and harmless: no folders, no control
// characters, at most 150 characters, ending with the extension of its real type.
func cleanName(name string, t fileType) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' || r == '/' || r == utf8.RuneError {
			return -1
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	base := strings.TrimSuffix(name, path.Ext(name))
	if base == "" || base == "." {
		base = "tep-dinh-kem"
	}
	if r := []rune(base); len(r) > 150 {
		base = string(r[:150])
	}
	return base + t.ext
}

// Blobs stores file contents under a folder by SHA-256, once each.
type Blobs struct {
	Dir     string
	MaxFile int64
}

func (b *Blobs) pathOf(sum string) string {
	return filepath.Join(b.Dir, sum[:2], sum[2:4], sum)
}

// Put reads one uploaded file (up to MaxFile), checks its type from its content
// and stores it; the error says what to do (its message keys are in locales/).
func (b *Blobs) Put(name string, r io.Reader) (File, error) {
	data, err := ReadUpload(name, r, b.MaxFile)
	if err != nil {
		return File{}, err
	}
	f, err := Inspect(name, data)
	if err != nil {
		return File{}, err
	}
	if err := b.write(f.SHA256, data); err != nil {
		return File{}, fmt.Errorf("store upload: %w", err)
	}
	return f, nil
}

// PutSealed stores bytes that are not an upload but what a room made of one —
// a sealed original (vault.Keyring.Seal), opaque by design — by their
// SHA-256, durably, as Put stores an upload; it returns that SHA-256.
func (b *Blobs) PutSealed(data []byte) (string, error) {
	h := sha256.Sum256(data)
	sum := hex.EncodeToString(h[:])
	if err := b.write(sum, data); err != nil {
		return "", fmt.Errorf("store sealed file: %w", err)
	}
	return sum, nil
}

// PutChecked stores data already read and checked by Inspect (f is what it
// returned), as Put would have.
func (b *Blobs) PutChecked(f File, data []byte) error {
	if err := b.write(f.SHA256, data); err != nil {
		return fmt.Errorf("store upload: %w", err)
	}
	return nil
}

// ContentTypeDOCX is the content type of a Word file (Inspect's File.ContentType).
var ContentTypeDOCX = typeDOCX.contentType

// ReadUpload reads one uploaded file of at most max bytes (DefaultMaxFile when
// max is 0), refusing a larger or an empty one with what to do (field "files"
// marked): for a room that reads an upload without storing it (the plans'
// import), as Put does before it stores.
func ReadUpload(name string, r io.Reader, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxFile
	}
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("read upload: %w", err)
	}
	shown := shownName(name)
	if int64(len(data)) > max {
		return nil, apperr.New(apperr.CodeInvalid, "files.err.file_too_large", shown, max>>20).Mark("files")
	}
	if len(data) == 0 {
		return nil, apperr.New(apperr.CodeInvalid, "files.err.empty", shown).Mark("files")
	}
	return data, nil
}

// Inspect recognises an upload's type from its bytes (PDF, DOCX, XLSX, JPEG,
// PNG; never from its name) and checks that it is whole (complete), as Put
// does before it stores: the File it returns is what Put would store (its
// SHA-256, cleaned name, type and size). A file of another type is refused
// with files.err.file_type, a damaged or cut one with files.err.damaged
// (field "files" marked).
func Inspect(name string, data []byte) (File, error) {
	shown := shownName(name)
	t, ok := sniff(data)
	if !ok && bytes.HasPrefix(data, []byte("PK\x03\x04")) && !zipReadable(data) {
		// A zip whose directory cannot be read: cut short, its type unknown.
		return File{}, apperr.New(apperr.CodeInvalid, "files.err.damaged", shown, officeLabel(shown)).Mark("files")
	}
	if !ok {
		return File{}, apperr.New(apperr.CodeInvalid, "files.err.file_type", shown).Mark("files")
	}
	if err := complete(t, data); err != nil {
		return File{}, apperr.New(apperr.CodeInvalid, "files.err.damaged", shown, t.label()).Mark("files")
	}
	h := sha256.Sum256(data)
	return File{SHA256: hex.EncodeToString(h[:]), Name: cleanName(name, t), ContentType: t.contentType, Size: int64(len(data))}, nil
}

// shownName is an upload's name as its errors quote it.
func shownName(name string) string {
	return strings.TrimSpace(path.Base(strings.ReplaceAll(name, "\\", "/")))
}

// Open returns the stored content of sum.
func (b *Blobs) Open(sum string) (*os.File, error) {
	if !IsSum(sum) {
		return nil, apperr.New(apperr.CodeNotFound, "files.err.no_file")
	}
	f, err := os.Open(b.pathOf(sum))
	if err != nil {
		return nil, apperr.New(apperr.CodeNotFound, "files.err.gone")
	}
	return f, nil
}
