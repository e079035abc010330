package backup

import (
	"archive/tar"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

// Options say what Write backs up and where.
type Options struct {
	DB      *db.DB // SQLite is snapshotted; PostgreSQL's database is pg_dump's, so only the files are written
	DataDir string // the uploads are under DataDir/uploads
	Out     string // the backup file; its folder is created if missing
	Force   bool   // replace an existing Out
	// DanchuVersion is written in the manifest.
	DanchuVersion string
	// Now is the clock of CreatedAt (time.Now if nil).
	Now func() time.Time
	// AfterSnapshot, if set, runs once the database is snapshotted and before
	// the files are listed (tests: writes that land in between).
	AfterSnapshot func()
}

// Result is what Write made.
type Result struct {
	Manifest *Manifest
	Size     int64 // bytes of the backup file
	Skipped  int   // files under uploads/ that are not blobs (temporary .upload-* files among them)
}

// Write makes a consistent online backup while the server runs: first the
// database snapshot (SQLite: VACUUM INTO, one read transaction), then every
// blob under DataDir/uploads. A blob reaches the disk before the row that
// references it commits, so every blob the snapshot references exists when
// the files are listed; blobs written since are included too (unreferenced
// by the snapshot, they are the orphan collector's after a restore).
//
// The file is written as a temporary file next to Out, fsynced and renamed:
// a half-written backup never has Out's name.
func Write(ctx context.Context, o Options) (*Result, error) {
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	out, err := filepath.Abs(o.Out)
	if err != nil {
		return nil, err
	}
	if !o.Force {
		if _, err := os.Lstat(out); err == nil {
			return nil, apperr.New(apperr.CodeConflict, "backup.err.exists", out)
		}
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o750); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	work, err := os.MkdirTemp(filepath.Dir(out), ".danchu-backup-")
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer os.RemoveAll(work)

	m := &Manifest{Format: Format, Version: Version, DanchuVersion: o.DanchuVersion, Engine: o.DB.Dialect,
		CreatedAt: now().UTC().Truncate(time.Millisecond), Files: []Item{}}
	var packed string // the gzipped snapshot
	if o.DB.Dialect == db.SQLite {
		snap := filepath.Join(work, "danchu.db")
		if err := o.DB.SnapshotInto(ctx, snap); err != nil {
			return nil, err
		}
		if m.Tables, err = db.CountSQLite(ctx, snap); err != nil {
			return nil, fmt.Errorf("backup: the snapshot: %w", err)
		}
		packed = snap + ".gz"
		item, err := gzipFile(snap, packed)
		if err != nil {
			return nil, err
		}
		item.Path = DatabaseName
		m.Database = &item
		os.Remove(snap)
	}
	if o.AfterSnapshot != nil {
		o.AfterSnapshot()
	}
	skipped, err := listBlobs(ctx, o.DataDir, m)
	if err != nil {
		return nil, err
	}
	tmp := filepath.Join(work, "backup.tar")
	if err := writeTar(ctx, tmp, m, packed, o.DataDir); err != nil {
		return nil, err
	}
	st, err := os.Stat(tmp)
	if err != nil {
		return nil, err
	}
	if !o.Force {
		if _, err := os.Lstat(out); err == nil {
			return nil, apperr.New(apperr.CodeConflict, "backup.err.exists", out)
		}
	}
	if err := os.Rename(tmp, out); err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	if err := syncDir(filepath.Dir(out)); err != nil {
		return nil, err
	}
	return &Result{Manifest: m, Size: st.Size(), Skipped: skipped}, nil
}

// gzipFile writes src gzipped to dst (fsynced) and returns src's size and SHA-256.
func gzipFile(src, dst string) (Item, error) {
	in, err := os.Open(src)
	if err != nil {
		return Item{}, err
	}
	defer in.Close()
	f, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return Item{}, err
	}
	defer f.Close()
	// The fastest level: a database of text and numbers still shrinks three
	// to four times, and the backup runs beside a server.
	zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
	h := sha256.New()
	n, err := io.Copy(zw, io.TeeReader(in, h))
	if err != nil {
		return Item{}, fmt.Errorf("backup: compress the snapshot: %w", err)
	}
	if err := zw.Close(); err != nil {
		return Item{}, err
	}
	if err := f.Sync(); err != nil {
		return Item{}, err
	}
	return Item{Size: n, SHA256: hex.EncodeToString(h.Sum(nil))}, nil
}

// listBlobs adds every blob under dataDir/uploads to m with its size and
// hash, read from its content: a blob whose content no longer matches its
// name is left out and named in m.Damaged. It returns how many other files it
// skipped (temporary uploads, anything else).
func listBlobs(ctx context.Context, dataDir string, m *Manifest) (int, error) {
	root := filepath.Join(dataDir, uploadsDir)
	// uploads/ may be a link to a bigger disk: the walk starts where it points.
	if real, err := filepath.EvalSymlinks(root); err == nil {
		root = real
	}
	skipped := 0
	err := filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil // no uploads yet, or a folder removed meanwhile
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = uploadsDir + "/" + filepath.ToSlash(rel)
		if !e.Type().IsRegular() || !isBlobPath(rel) {
			skipped++
			return nil
		}
		size, sum, err := hashFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since the walk saw it: nothing references it
		}
		if err != nil {
			return err
		}
		if sum != rel[strings.LastIndexByte(rel, '/')+1:] {
			m.Damaged = append(m.Damaged, rel)
			return nil
		}
		m.Files = append(m.Files, Item{Path: rel, Size: size, SHA256: sum})
		m.FilesBytes += size
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return 0, fmt.Errorf("backup: list the uploads: %w", err)
	}
	sort.Slice(m.Files, func(i, j int) bool { return m.Files[i].Path < m.Files[j].Path })
	return skipped, nil
}

func hashFile(p string) (int64, string, error) {
	f, err := os.Open(p)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// writeTar writes the backup to path: the manifest, the packed database, the
// blobs, each checked again as it is copied; then fsyncs it.
func writeTar(ctx context.Context, path string, m *Manifest, packed, dataDir string) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	man, err := m.encode()
	if err != nil {
		return err
	}
	mtime := m.CreatedAt
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: ManifestName, Size: int64(len(man)), Mode: 0o600, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
		return err
	}
	if _, err := tw.Write(man); err != nil {
		return err
	}
	if packed != "" {
		if err := copyEntry(tw, packed, DatabaseName, mtime, -1, ""); err != nil {
			return err
		}
	}
	for _, it := range m.Files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := copyEntry(tw, filepath.Join(dataDir, filepath.FromSlash(it.Path)), it.Path, time.Time{}, it.Size, it.SHA256); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("backup: fsync: %w", err)
	}
	return f.Close()
}

// copyEntry adds the file at src as entry name; with a hash to match, its
// size and SHA-256 must be what the listing read (a blob never changes: one
// that did, or went, makes the backup fail rather than lie).
func copyEntry(tw *tar.Writer, src, name string, mtime time.Time, size int64, sum string) error {
	f, err := os.Open(src)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) && sum != "" {
			return apperr.New(apperr.CodeConflict, "backup.err.changed", name)
		}
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if size < 0 {
		size = st.Size()
	}
	if st.Size() != size {
		return apperr.New(apperr.CodeConflict, "backup.err.changed", name)
	}
	if mtime.IsZero() {
		mtime = st.ModTime() // kept, so that the orphan collector's grace period counts from the upload
	}
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: name, Size: size, Mode: 0o640, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
		return err
	}
	h := sha256.New()
	if _, err := io.Copy(tw, io.TeeReader(io.LimitReader(f, size), h)); err != nil {
		return fmt.Errorf("backup: copy %s: %w", name, err)
	}
	if sum != "" && hex.EncodeToString(h.Sum(nil)) != sum {
		return apperr.New(apperr.CodeConflict, "backup.err.changed", name)
	}
	return nil
}

// syncDir makes a rename or a new file in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("fsync %s: %w", dir, err)
	}
	return nil
}

// NoSQLite is the refusal to back up a SQLite file that is not there (opening
// it would make an empty one).
func NoSQLite(path string) error { return apperr.New(apperr.CodeInvalid, "backup.err.no_sqlite", path) }
