package backup

import (
	"archive/tar"
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// RestoreOptions say what Restore unpacks and where.
type RestoreOptions struct {
	File    string // the backup (a .tar, or the same gzipped whole)
	DataDir string // must be absent or empty (FilesOnly: its uploads/ must be)
	// DBPath is the SQLite file to create, which must not exist; "" when the
	// database is PostgreSQL (then FilesOnly is required).
	DBPath string
	// FilesOnly restores the uploads alone, into DataDir/uploads: after
	// pg_restore, or over a database restored some other way.
	FilesOnly bool
}

// Restore unpacks a backup into an empty data directory (and an absent
// SQLite file). Each entry is checked against the manifest as it is read
// (kind, name, size, SHA-256) into a temporary folder inside the data
// directory; only when all of it is there and right are the database and
// the uploads renamed into place, so a damaged or cut backup leaves nothing
// behind. Links, folders and names the manifest does not list are refused;
// what is unpacked is bounded by the manifest's sizes (and the free space),
// so a small file cannot unpack into a huge one.
func Restore(ctx context.Context, o RestoreOptions) (*Manifest, error) {
	if err := checkTarget(o); err != nil {
		return nil, err
	}
	f, err := os.Open(o.File)
	if err != nil {
		return nil, apperr.New(apperr.CodeInvalid, "backup.err.open", o.File, err.Error())
	}
	defer f.Close()
	r, err := maybeGunzip(f)
	if err != nil {
		return nil, err
	}
	tr := tar.NewReader(r)
	m, err := readManifest(tr)
	if err != nil {
		return nil, err
	}
	if !o.FilesOnly && m.Engine != db.SQLite {
		return nil, apperr.New(apperr.CodeInvalid, "backup.err.no_database")
	}

	created := false
	if _, err := os.Stat(o.DataDir); errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(o.DataDir, 0o750); err != nil {
			return nil, err
		}
		created = true
	}
	stage, err := os.MkdirTemp(o.DataDir, ".danchu-restore-")
	if err != nil {
		return nil, err
	}
	done := false
	defer func() {
		os.RemoveAll(stage)
		if !done && created {
			os.Remove(o.DataDir) // only if still empty
		}
	}()
	need := m.FilesBytes
	if !o.FilesOnly {
		need = m.Total()
	}
	if err := checkSpace(stage, need); err != nil {
		return nil, err
	}
	if err := unpack(ctx, tr, m, stage, o.FilesOnly); err != nil {
		return nil, err
	}
	// Everything is there and checked: into place.
	if !o.FilesOnly {
		if err := moveFile(filepath.Join(stage, "danchu.db"), o.DBPath); err != nil {
			return nil, err
		}
	}
	uploads := filepath.Join(o.DataDir, uploadsDir)
	os.Remove(uploads) // an empty one (checkTarget refused any other)
	if err := os.Rename(filepath.Join(stage, uploadsDir), uploads); err != nil {
		if !o.FilesOnly {
			os.Remove(o.DBPath)
		}
		return nil, fmt.Errorf("restore: %w", err)
	}
	if err := syncDir(o.DataDir); err != nil {
		return nil, err
	}
	done = true
	return m, nil
}

// checkTarget refuses to restore over anything.
func checkTarget(o RestoreOptions) error {
	if o.FilesOnly {
		if !emptyOrAbsent(filepath.Join(o.DataDir, uploadsDir)) {
			return apperr.New(apperr.CodeConflict, "backup.err.uploads_not_empty", filepath.Join(o.DataDir, uploadsDir))
		}
		return nil
	}
	if o.DBPath == "" {
		return apperr.New(apperr.CodeInvalid, "backup.err.postgres")
	}
	if !emptyOrAbsent(o.DataDir) {
		return apperr.New(apperr.CodeConflict, "backup.err.not_empty", o.DataDir)
	}
	for _, p := range []string{o.DBPath, o.DBPath + "-wal", o.DBPath + "-shm", o.DBPath + "-journal"} {
		if _, err := os.Lstat(p); err == nil {
			return apperr.New(apperr.CodeConflict, "backup.err.db_exists", p)
		}
	}
	return nil
}

func emptyOrAbsent(dir string) bool {
	es, err := os.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true
	}
	return err == nil && len(es) == 0
}

// maybeGunzip reads a backup gzipped whole as well as a plain one.
func maybeGunzip(f *os.File) (io.Reader, error) {
	br := bufio.NewReaderSize(f, 64<<10)
	head, _ := br.Peek(2)
	if bytes.Equal(head, []byte{0x1f, 0x8b}) {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, apperr.New(apperr.CodeInvalid, "backup.err.not_backup")
		}
		return zr, nil
	}
	return br, nil
}

// readManifest reads and checks the first entry.
func readManifest(tr *tar.Reader) (*Manifest, error) {
	h, err := tr.Next()
	if err != nil || h.Name != ManifestName || h.Typeflag != tar.TypeReg || h.Size <= 0 || h.Size > maxManifest {
		return nil, apperr.New(apperr.CodeInvalid, "backup.err.not_backup")
	}
	b, err := io.ReadAll(tr)
	if err != nil {
		return nil, apperr.New(apperr.CodeInvalid, "backup.err.truncated", ManifestName)
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, apperr.New(apperr.CodeInvalid, "backup.err.manifest", err.Error())
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkSpace refuses a restore that cannot fit, before writing anything.
func checkSpace(dir string, need int64) error {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return nil // unknown: the writes will say
	}
	free := int64(st.Bavail) * int64(st.Bsize)
	if need > free {
		return apperr.New(apperr.CodeInvalid, "backup.err.space", need>>20+1, free>>20, dir)
	}
	return nil
}

// unpack reads the entries after the manifest into stage, each checked.
func unpack(ctx context.Context, tr *tar.Reader, m *Manifest, stage string, filesOnly bool) error {
	want := make(map[string]Item, len(m.Files))
	for _, it := range m.Files {
		want[it.Path] = it
	}
	dbDone := m.Database == nil || filesOnly
	made := map[string]bool{}
	if err := os.Mkdir(filepath.Join(stage, uploadsDir), 0o750); err != nil {
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return truncated(m, want, dbDone)
		}
		if h.Typeflag != tar.TypeReg {
			return apperr.New(apperr.CodeInvalid, "backup.err.entry", h.Name, kindOf(h.Typeflag))
		}
		if h.Name == DatabaseName && m.Database != nil {
			if filesOnly {
				continue // the reader skips its bytes
			}
			if dbDone {
				return apperr.New(apperr.CodeInvalid, "backup.err.entry", h.Name, "twice")
			}
			if err := unpackDatabase(tr, *m.Database, filepath.Join(stage, "danchu.db")); err != nil {
				return err
			}
			dbDone = true
			continue
		}
		it, ok := want[h.Name]
		if !ok {
			return apperr.New(apperr.CodeInvalid, "backup.err.entry", h.Name, "not in the manifest")
		}
		delete(want, h.Name)
		if h.Size != it.Size {
			return apperr.New(apperr.CodeInvalid, "backup.err.damaged", h.Name)
		}
		dst := filepath.Join(stage, filepath.FromSlash(it.Path)) // a blob's path: no "..", no leading "/" (Manifest.check)
		dir := filepath.Dir(dst)
		if !made[dir] {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return err
			}
			made[dir] = true
		}
		if err := writeChecked(tr, dst, it, 0o640); err != nil {
			return err
		}
		if !h.ModTime.IsZero() {
			_ = os.Chtimes(dst, h.ModTime, h.ModTime)
		}
	}
	if len(want) > 0 || !dbDone {
		return truncated(m, want, dbDone)
	}
	// Every folder made, so that the files' names are durable with them.
	return filepath.WalkDir(stage, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return err
		}
		return syncDir(p)
	})
}

// truncated names the first missing entry.
func truncated(m *Manifest, want map[string]Item, dbDone bool) error {
	if !dbDone {
		return apperr.New(apperr.CodeInvalid, "backup.err.truncated", DatabaseName)
	}
	for _, it := range m.Files {
		if _, missing := want[it.Path]; missing {
			return apperr.New(apperr.CodeInvalid, "backup.err.truncated", it.Path)
		}
	}
	return apperr.New(apperr.CodeInvalid, "backup.err.truncated", "?")
}

func kindOf(t byte) string {
	switch t {
	case tar.TypeSymlink:
		return "symlink"
	case tar.TypeLink:
		return "hard link"
	case tar.TypeDir:
		return "folder"
	}
	return fmt.Sprintf("type %q", t)
}

// unpackDatabase gunzips the snapshot to dst, at most it.Size bytes, and
// checks its size and hash.
func unpackDatabase(r io.Reader, it Item, dst string) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return apperr.New(apperr.CodeInvalid, "backup.err.damaged", DatabaseName)
	}
	return writeChecked(zr, dst, it, 0o600)
}

// writeChecked copies at most it.Size+1 bytes of r to a new file dst, fsyncs
// it and checks size and SHA-256; a short read is a cut backup.
func writeChecked(r io.Reader, dst string, it Item, mode os.FileMode) error {
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, mode)
	if err != nil {
		return err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(f, io.TeeReader(io.LimitReader(r, it.Size+1), h))
	name := it.Path
	if name == "" {
		name = DatabaseName
	}
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.New(apperr.CodeInvalid, "backup.err.truncated", name)
	case err != nil && isGzipError(err):
		return apperr.New(apperr.CodeInvalid, "backup.err.damaged", name)
	case err != nil:
		return err
	case n < it.Size:
		return apperr.New(apperr.CodeInvalid, "backup.err.truncated", name)
	case n > it.Size, hex.EncodeToString(h.Sum(nil)) != it.SHA256:
		return apperr.New(apperr.CodeInvalid, "backup.err.damaged", name)
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

func isGzipError(err error) bool {
	var corrupt flate.CorruptInputError
	return errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.As(err, &corrupt)
}

// moveFile renames src to dst, or copies it when they are on different disks.
func moveFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o750); err != nil {
		return err
	}
	if err := os.Rename(src, dst); err == nil {
		return syncDir(filepath.Dir(dst))
	} else if !errors.Is(err, syscall.EXDEV) {
		return fmt.Errorf("restore: %w", err)
	}
	tmp := dst + ".restoring"
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(tmp, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		os.Remove(tmp)
		return err
	}
	out.Close()
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(filepath.Dir(dst))
}
