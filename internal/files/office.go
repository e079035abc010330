package files

import (
	"archive/zip"
	"bytes"
	"fmt"
	"io"
)

// inflateMainParts bounds how much checkOffice decompresses: the main parts
// ([Content_Types].xml and the document's own part) are read through, so that
// their checksums are checked, only when they say they hold at most this
// much together (a zip entry cannot give more than it says: archive/zip
// refuses the byte after its declared size). Every other entry is only
// located, never inflated: a zip bomb costs nothing here.
const inflateMainParts = 32 << 20

// checkOffice reports whether an Office file (a zip) is whole: its central
// directory (at the end: the first thing a cut file loses) reads, every
// entry's local header is where the directory says and its compressed bytes
// lie inside the file, and the main part of its type is there and inflates
// to its checksum (within inflateMainParts).
func checkOffice(b []byte, main ...string) error {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return fmt.Errorf("zip directory: %w", err)
	}
	byName := map[string]*zip.File{}
	for _, f := range zr.File {
		off, err := f.DataOffset() // reads and checks the entry's local header
		if err != nil {
			return fmt.Errorf("entry %q: %w", f.Name, err)
		}
		if off < 0 || f.CompressedSize64 > uint64(len(b)) || uint64(off)+f.CompressedSize64 > uint64(len(b)) {
			return fmt.Errorf("entry %q runs past the end of the file", f.Name)
		}
		byName[f.Name] = f
	}
	var parts []*zip.File
	var total uint64
	for _, name := range main {
		f, ok := byName[name]
		if !ok {
			return fmt.Errorf("no %s", name)
		}
		parts = append(parts, f)
		total += f.UncompressedSize64
	}
	if total > inflateMainParts {
		return nil // located above; too big to inflate here
	}
	for _, f := range parts {
		r, err := f.Open()
		if err != nil {
			return fmt.Errorf("entry %q: %w", f.Name, err)
		}
		_, err = io.Copy(io.Discard, r)
		r.Close()
		if err != nil {
			return fmt.Errorf("entry %q: %w", f.Name, err)
		}
	}
	return nil
}
