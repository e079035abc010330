// Package backup writes and restores danchu's backups: one tar file holding a
// manifest, a snapshot of the SQLite database (gzipped) and every uploaded
// file, each checked against the manifest's SHA-256 when it is restored.
//
// Layout, in this order (docs/OPERATIONS.md, "Backups"):
//
//	manifest.json                 Manifest (format, versions, engine, tables' rows, every file's size and SHA-256)
//	database/danchu.db.gz         the SQLite snapshot (VACUUM INTO), gzipped; absent for PostgreSQL
//	uploads/<kind>/aa/bb/<sha256> each blob as stored under <data-dir>/uploads, uncompressed
//
// Blobs are photos re-encoded as JPEG, PDFs and Office files (zips): already
// compressed, so gzip would spend a processor for a few per cent; the database
// shrinks several times, so it alone is gzipped, inside the tar, and the tar
// stays readable with the ordinary tools (tar -x, then gunzip).
package backup

import (
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// Format names the file kind in the manifest; Version is its layout's number.
const (
	Format  = "danchu-backup"
	Version = 1
)

// Entry names inside the tar.
const (
	ManifestName = "manifest.json"
	DatabaseName = "database/danchu.db.gz"
	uploadsDir   = "uploads"
)

// maxManifest bounds the manifest read back (a million files is ~150 MB of JSON).
const maxManifest = 256 << 20

// maxItem and maxTotal bound the sizes a manifest may claim (one file, and
// the database plus all files: 1 PiB), so that no sum or size+1 overflows.
const (
	maxItem  = 1 << 44
	maxTotal = 1 << 50
)

// Manifest describes a backup; it is the tar's first entry.
type Manifest struct {
	Format        string       `json:"format"`
	Version       int          `json:"version"`
	DanchuVersion string       `json:"danchu_version"`
	Engine        db.Dialect   `json:"engine"`
	CreatedAt     time.Time    `json:"created_at"`
	Database      *Item        `json:"database,omitempty"` // the SQLite snapshot (its size and hash uncompressed); nil for PostgreSQL
	Tables        db.TableRows `json:"tables,omitempty"`   // the snapshot's row counts (SQLite)
	Files         []Item       `json:"files"`
	FilesBytes    int64        `json:"files_bytes"`
	// Damaged lists the blobs left out because their content no longer
	// matches their name (the SHA-256 they were stored under).
	Damaged []string `json:"damaged,omitempty"`
}

// Item is one file of the backup: its path in the tar, size and SHA-256 (hex).
type Item struct {
	Path   string `json:"path"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// blobPath is a blob's path under the data directory: uploads/<kind>/aa/bb/<sha256>.
var blobPath = regexp.MustCompile(`^uploads/[a-z][a-z0-9_-]{0,31}/([0-9a-f]{2})/([0-9a-f]{2})/([0-9a-f]{64})$`)

// isBlobPath reports whether p (slash-separated, relative to the data
// directory) is where Blobs stores a file: the two folders are the hash's
// first bytes.
func isBlobPath(p string) bool {
	m := blobPath.FindStringSubmatch(p)
	return m != nil && m[1] == m[3][:2] && m[2] == m[3][2:4]
}

var hex64 = regexp.MustCompile(`^[0-9a-f]{64}$`)

// check refuses a manifest this program cannot restore safely: another
// format or a newer layout, paths that are not blobs' (a traversal, an
// absolute path), a path twice, sizes below zero.
func (m *Manifest) check() error {
	bad := func(why string, args ...any) error {
		return apperr.New(apperr.CodeInvalid, "backup.err.manifest", fmt.Sprintf(why, args...))
	}
	if m.Format != Format {
		return apperr.New(apperr.CodeInvalid, "backup.err.not_backup")
	}
	if m.Version < 1 || m.Version > Version {
		return apperr.New(apperr.CodeInvalid, "backup.err.newer", m.Version, Version)
	}
	if m.Engine != db.SQLite && m.Engine != db.Postgres {
		return bad("engine %q", m.Engine)
	}
	if (m.Engine == db.SQLite) != (m.Database != nil) {
		return bad("engine %s with database %v", m.Engine, m.Database != nil)
	}
	if d := m.Database; d != nil && (d.Path != DatabaseName || d.Size <= 0 || d.Size > maxTotal || !hex64.MatchString(d.SHA256)) {
		return bad("database entry %q", d.Path)
	}
	seen := map[string]bool{}
	var total int64
	for _, f := range m.Files {
		if !isBlobPath(f.Path) || path.Clean(f.Path) != f.Path || strings.Contains(f.Path, "..") {
			return bad("file path %q", f.Path)
		}
		if seen[f.Path] {
			return bad("file %q twice", f.Path)
		}
		seen[f.Path] = true
		if f.Size < 0 || f.Size > maxItem || !hex64.MatchString(f.SHA256) {
			return bad("file %q size %d", f.Path, f.Size)
		}
		// A blob is stored under its content's hash: one whose hash is not
		// its name would be restored as another file's content.
		if f.SHA256 != path.Base(f.Path) {
			return bad("file %q has hash %s", f.Path, f.SHA256)
		}
		total += f.Size
		if total > maxTotal {
			return bad("files add up to more than %d bytes", int64(maxTotal))
		}
	}
	if total != m.FilesBytes {
		return bad("files add up to %d bytes, not %d", total, m.FilesBytes)
	}
	return nil
}

func (m *Manifest) encode() ([]byte, error) { return json.MarshalIndent(m, "", " ") }

// Total is the bytes a restore writes: the database unpacked and the files.
func (m *Manifest) Total() int64 {
	n := m.FilesBytes
	if m.Database != nil {
		n += m.Database.Size
	}
	return n
}
