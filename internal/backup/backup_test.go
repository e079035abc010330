package backup_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"

	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/audit"
	"danchu/internal/backup"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/files/filestest"
)

// source is a SQLite database with a few public-record entries and blobs.
func source(t *testing.T) (*db.DB, string) {
	t.Helper()
	d := db.OpenTest(t, db.SQLite)
	data := t.TempDir()
	s := audit.NewService(d)
	for i := range 3 {
		if _, err := s.AppendOne(context.Background(), audit.Record{Kind: "disclosure.posted", ObjectType: "disclosure", ObjectID: fmt.Sprint(i), Summary: "Đăng công khai"}); err != nil {
			t.Fatal(err)
		}
	}
	b := &files.Blobs{Dir: filepath.Join(data, "uploads", "files")}
	for i := range 3 {
		if _, err := b.Put("a.pdf", bytes.NewReader(filestest.PDF(fmt.Sprint("Tệp ", i)))); err != nil {
			t.Fatal(err)
		}
	}
	// A temporary upload left behind, and a stray file: not blobs, not backed up.
	os.WriteFile(filepath.Join(data, "uploads", "files", ".upload-123"), []byte("half"), 0o600)
	os.WriteFile(filepath.Join(data, "uploads", "notes.txt"), []byte("x"), 0o600)
	return d, data
}

func write(t *testing.T, d *db.DB, data string) (string, *backup.Result) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "b.tar")
	res, err := backup.Write(context.Background(), backup.Options{DB: d, DataDir: data, Out: out, DanchuVersion: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return out, res
}

// A backup restores to the same rows, table by table, and the same blobs.
func TestRoundTrip(t *testing.T) {
	d, data := source(t)
	out, res := write(t, d, data)
	m := res.Manifest
	if m.Engine != db.SQLite || m.Database == nil || len(m.Files) != 3 || res.Skipped != 2 || m.Tables["public_record"] != 3 {
		t.Fatalf("manifest: engine %s, %d files, %d skipped, tables %v", m.Engine, len(m.Files), res.Skipped, m.Tables)
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("backup file: %v %v, want mode 0600 (it holds personal data)", st.Mode(), err)
	}
	// Nothing but the backup is left in its folder.
	if es, _ := os.ReadDir(filepath.Dir(out)); len(es) != 1 {
		t.Errorf("%d entries beside the backup, want none", len(es)-1)
	}
	to := filepath.Join(t.TempDir(), "restored")
	dbPath := filepath.Join(to, "danchu.db")
	got, err := backup.Restore(context.Background(), backup.RestoreOptions{File: out, DataDir: to, DBPath: dbPath})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Tables, m.Tables) {
		t.Errorf("manifest read back differs")
	}
	src := db.OpenFile(t, d.SQLitePath())
	defer src.Close()
	dst := db.OpenFile(t, dbPath)
	defer dst.Close()
	want, have := db.DumpTables(t, src, db.SQLite), db.DumpTables(t, dst, db.SQLite)
	if len(want) < 20 {
		t.Fatalf("only %d tables dumped", len(want))
	}
	for table, rows := range want {
		if !reflect.DeepEqual(rows, have[table]) {
			t.Errorf("table %s: %d rows restored, %d in the source, or they differ", table, len(have[table]), len(rows))
		}
	}
	for _, f := range m.Files {
		a, _ := os.ReadFile(filepath.Join(data, f.Path))
		b, err := os.ReadFile(filepath.Join(to, f.Path))
		if err != nil || !bytes.Equal(a, b) {
			t.Errorf("%s: restored bytes differ (%v)", f.Path, err)
		}
	}
	if _, err := os.Stat(filepath.Join(to, "uploads", "files", ".upload-123")); err == nil {
		t.Error("a temporary upload was restored")
	}
	if es, _ := os.ReadDir(to); len(es) != 2 {
		t.Errorf("restored folder holds %d entries, want the database and uploads/", len(es))
	}
	// A second backup to the same name is refused, with --force it replaces it.
	_, err = backup.Write(context.Background(), backup.Options{DB: d, DataDir: data, Out: out})
	if apperr.KeyOf(err) != "backup.err.exists" || apperr.CodeOf(err) != apperr.CodeConflict {
		t.Errorf("existing file: %v", err)
	}
	if _, err := backup.Write(context.Background(), backup.Options{DB: d, DataDir: data, Out: out, Force: true}); err != nil {
		t.Errorf("--force: %v", err)
	}
}

// entry is one entry of a tar, for building damaged backups.
type entry struct {
	h    tar.Header
	data []byte
}

func readTar(t *testing.T, path string) []entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	var out []entry
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		out = append(out, entry{*h, b})
	}
}

func writeTar(t *testing.T, es []entry) string {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		h := e.h
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.data))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(e.data); err != nil {
			t.Fatal(err)
		}
	}
	tw.Close()
	p := filepath.Join(t.TempDir(), "x.tar")
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// withManifest replaces the manifest after edit changes it.
func withManifest(t *testing.T, es []entry, edit func(m map[string]any)) []entry {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(es[0].data, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ := json.Marshal(m)
	out := append([]entry{{es[0].h, b}}, es[1:]...)
	return out
}

func sum(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

func gz(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// A damaged, cut or forged backup is refused with what is wrong, and leaves
// the target as it was: no data folder, no database.
func TestRestoreRefuses(t *testing.T) {
	d, data := source(t)
	good, _ := write(t, d, data)
	es := readTar(t, good)
	if len(es) != 5 || es[0].h.Name != "manifest.json" || es[1].h.Name != "database/danchu.db.gz" {
		t.Fatalf("layout: %d entries, first %s", len(es), es[0].h.Name)
	}
	blob := es[2]
	raw, _ := os.ReadFile(good)
	flip := func(i int) []entry { // one byte of entry i changed
		out := append([]entry{}, es...)
		b := append([]byte{}, out[i].data...)
		b[len(b)/2] ^= 0xff
		out[i] = entry{out[i].h, b}
		return out
	}
	cut := func(n int) string {
		p := filepath.Join(t.TempDir(), "cut.tar")
		os.WriteFile(p, raw[:n], 0o600)
		return p
	}
	traversal := withManifest(t, append(es[:2:2], entry{tar.Header{Typeflag: tar.TypeReg, Name: "uploads/../../evil", Mode: 0o600}, []byte("x")}), func(m map[string]any) {
		m["files"] = []any{map[string]any{"path": "uploads/../../evil", "size": 1, "sha256": sum([]byte("x"))}}
		m["files_bytes"] = 1
	})
	// The manifest lists a blob, the tar holds a symbolic link (or a hard link) by that name.
	link := func(kind byte) []entry {
		out := append([]entry{}, es...)
		out[2] = entry{tar.Header{Typeflag: kind, Name: blob.h.Name, Linkname: "/etc/passwd", Mode: 0o777}, nil}
		return out
	}
	unlisted := append(append([]entry{}, es...), entry{tar.Header{Typeflag: tar.TypeReg, Name: "uploads/files/00/00/" + strings.Repeat("0", 64), Mode: 0o600}, []byte("x")})
	// A database entry that unpacks past the size the manifest gives: 64 MB of
	// zeros from a few KB, far more than the schema's empty database however
	// many rooms it grows.
	bomb := append([]entry{}, es...)
	bomb[1] = entry{es[1].h, gz(make([]byte, 64<<20))}
	huge := withManifest(t, es, func(m map[string]any) {
		m["files"].([]any)[0].(map[string]any)["size"] = float64(1 << 40)
		m["files_bytes"] = m["files_bytes"].(float64) + float64(1<<40) - float64(len(blob.data))
	})
	// Sizes so large that size+1 or the sum would wrap around below zero.
	overflow := withManifest(t, es, func(m map[string]any) {
		m["files"].([]any)[0].(map[string]any)["size"] = float64(1 << 62)
		m["files_bytes"] = float64(1 << 62)
	})
	// Another content under a blob's name, its hash (of the content sent)
	// given right in the manifest: restored, the blob would serve it.
	forged := []byte("%PDF-1.7 forged content")
	swapped := withManifest(t, es, func(m map[string]any) {
		f := m["files"].([]any)[0].(map[string]any)
		m["files_bytes"] = m["files_bytes"].(float64) - f["size"].(float64) + float64(len(forged))
		f["size"], f["sha256"] = float64(len(forged)), sum(forged)
	})
	swapped[2] = entry{tar.Header{Typeflag: tar.TypeReg, Name: blob.h.Name, Mode: 0o600, Size: int64(len(forged))}, forged}
	newer := withManifest(t, es, func(m map[string]any) { m["version"] = 2 })
	notBackup := filepath.Join(t.TempDir(), "x.tar")
	os.WriteFile(notBackup, []byte("PK\x03\x04 not a tar at all"), 0o600)
	tests := []struct {
		name, file, key string
		arg             string // in the message, when it names the entry
	}{
		{"BlobByteFlipped", writeTar(t, flip(2)), "backup.err.damaged", blob.h.Name},
		{"DatabaseByteFlipped", writeTar(t, flip(1)), "backup.err.damaged", "database/danchu.db.gz"},
		{"CutInTheDatabase", cut(len(raw) / 3), "backup.err.truncated", ""},
		{"CutBeforeTheEnd", cut(len(raw) - 1024 - 512), "backup.err.truncated", es[4].h.Name},
		{"CutInTheManifest", cut(600), "backup.err.", ""},
		{"Traversal", writeTar(t, traversal), "backup.err.manifest", "uploads/../../evil"},
		{"Symlink", writeTar(t, link(tar.TypeSymlink)), "backup.err.entry", "symlink"},
		{"HardLink", writeTar(t, link(tar.TypeLink)), "backup.err.entry", "hard link"},
		{"NotInManifest", writeTar(t, unlisted), "backup.err.entry", "not in the manifest"},
		{"DecompressionBomb", writeTar(t, bomb), "backup.err.damaged", "database/danchu.db.gz"},
		{"MoreThanTheDisk", writeTar(t, huge), "backup.err.space", ""},
		{"SizeOverflow", writeTar(t, overflow), "backup.err.manifest", blob.h.Name},
		{"HashIsNotTheName", writeTar(t, swapped), "backup.err.manifest", blob.h.Name},
		{"NewerFormat", writeTar(t, newer), "backup.err.newer", ""},
		{"NotABackup", notBackup, "backup.err.not_backup", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			to := filepath.Join(t.TempDir(), "data")
			dbPath := filepath.Join(t.TempDir(), "danchu.db")
			_, err := backup.Restore(context.Background(), backup.RestoreOptions{File: tt.file, DataDir: to, DBPath: dbPath})
			if !strings.HasPrefix(apperr.KeyOf(err), tt.key) || apperr.CodeOf(err) != apperr.CodeInvalid {
				t.Fatalf("error %v, want %s", err, tt.key)
			}
			msg := backup.Message(err)
			if !strings.Contains(msg, " / ") || !strings.Contains(msg, tt.arg) || !strings.ContainsFunc(msg, func(r rune) bool { return r > 0x7f }) {
				t.Errorf("message %q: want Vietnamese / English naming %q", msg, tt.arg)
			}
			if _, err := os.Stat(to); err == nil {
				t.Errorf("the data folder was left behind")
			}
			if _, err := os.Stat(dbPath); err == nil {
				t.Errorf("a database was left behind")
			}
		})
	}
}

// Restore never writes over anything: a data folder with files, a database
// that exists (or its WAL), uploads already there for --files-only; a
// PostgreSQL target without --files-only.
func TestRestoreTargets(t *testing.T) {
	d, data := source(t)
	good, _ := write(t, d, data)
	full := func(t *testing.T) (string, string) {
		to := t.TempDir()
		return to, filepath.Join(to, "danchu.db")
	}
	tests := []struct {
		name  string
		setup func(t *testing.T) backup.RestoreOptions
		key   string
		code  apperr.Code
	}{
		{"DataDirNotEmpty", func(t *testing.T) backup.RestoreOptions {
			to, p := full(t)
			os.WriteFile(filepath.Join(to, "keep.txt"), []byte("x"), 0o600)
			return backup.RestoreOptions{DataDir: to, DBPath: p}
		}, "backup.err.not_empty", apperr.CodeConflict},
		{"DatabaseExists", func(t *testing.T) backup.RestoreOptions {
			p := filepath.Join(t.TempDir(), "danchu.db")
			os.WriteFile(p, []byte("x"), 0o600)
			return backup.RestoreOptions{DataDir: filepath.Join(t.TempDir(), "d"), DBPath: p}
		}, "backup.err.db_exists", apperr.CodeConflict},
		{"WALExists", func(t *testing.T) backup.RestoreOptions {
			p := filepath.Join(t.TempDir(), "danchu.db")
			os.WriteFile(p+"-wal", []byte("x"), 0o600)
			return backup.RestoreOptions{DataDir: filepath.Join(t.TempDir(), "d"), DBPath: p}
		}, "backup.err.db_exists", apperr.CodeConflict},
		{"FilesOnlyOverUploads", func(t *testing.T) backup.RestoreOptions {
			to := t.TempDir()
			os.MkdirAll(filepath.Join(to, "uploads", "photos"), 0o750)
			return backup.RestoreOptions{DataDir: to, FilesOnly: true}
		}, "backup.err.uploads_not_empty", apperr.CodeConflict},
		{"PostgresWithoutFilesOnly", func(t *testing.T) backup.RestoreOptions {
			return backup.RestoreOptions{DataDir: t.TempDir()}
		}, "backup.err.postgres", apperr.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.setup(t)
			o.File = good
			before := listAll(t, o.DataDir)
			_, err := backup.Restore(context.Background(), o)
			if apperr.KeyOf(err) != tt.key || apperr.CodeOf(err) != tt.code {
				t.Fatalf("error %v, want %s (%s)", err, tt.key, tt.code)
			}
			if after := listAll(t, o.DataDir); !reflect.DeepEqual(before, after) {
				t.Errorf("the target changed: %v → %v", before, after)
			}
		})
	}
	// --files-only next to an existing database restores the uploads and leaves the database alone.
	to := t.TempDir()
	os.WriteFile(filepath.Join(to, "danchu.db"), []byte("mine"), 0o600)
	m, err := backup.Restore(context.Background(), backup.RestoreOptions{File: good, DataDir: to, FilesOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(to, "danchu.db")); string(b) != "mine" {
		t.Errorf("--files-only touched the database")
	}
	for _, f := range m.Files {
		if _, err := os.Stat(filepath.Join(to, f.Path)); err != nil {
			t.Errorf("--files-only: %v", err)
		}
	}
}

func listAll(t *testing.T, dir string) []string {
	var out []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil {
			out = append(out, p)
		}
		return nil
	})
	return out
}

// A backup gzipped whole (an operator's gzip) restores as well.
func TestRestoreGzippedWhole(t *testing.T) {
	d, data := source(t)
	good, res := write(t, d, data)
	raw, _ := os.ReadFile(good)
	p := filepath.Join(t.TempDir(), "b.tar.gz")
	os.WriteFile(p, gz(raw), 0o600)
	// The database outside the data folder, in a folder not made yet.
	to, dbPath := filepath.Join(t.TempDir(), "d"), filepath.Join(t.TempDir(), "db", "danchu.db")
	if _, err := backup.Restore(context.Background(), backup.RestoreOptions{File: p, DataDir: to, DBPath: dbPath}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(dbPath); err != nil || sum(b) != res.Manifest.Database.SHA256 {
		t.Errorf("database: %v", err)
	}
	for _, f := range res.Manifest.Files {
		if b, err := os.ReadFile(filepath.Join(to, f.Path)); err != nil || sum(b) != f.SHA256 {
			t.Errorf("%s: %v", f.Path, err)
		}
	}
}

// Retention keeps the newest, names sort as times, other files stay.
func TestPrune(t *testing.T) {
	dir := t.TempDir()
	t0 := time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC)
	var names []string
	for i := range 5 {
		n := backup.Name(t0.Add(time.Duration(i) * 90 * time.Minute))
		names = append(names, n)
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o600)
	}
	os.WriteFile(filepath.Join(dir, "mine.tar"), []byte("x"), 0o600)
	stale := filepath.Join(dir, ".danchu-backup-123")
	os.Mkdir(stale, 0o750)
	os.Chtimes(stale, time.Now().Add(-25*time.Hour), time.Now().Add(-25*time.Hour)) // died over a day ago
	fresh := filepath.Join(dir, ".danchu-backup-456")                               // a backup being written now
	os.Mkdir(fresh, 0o750)
	removed, err := backup.Prune(dir, 2, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if len(removed) != 4 {
		t.Errorf("removed %v, want the 3 oldest and the stale folder", removed)
	}
	list, _ := backup.List(dir)
	if len(list) != 2 || filepath.Base(list[0].Path) != names[3] || filepath.Base(list[1].Path) != names[4] {
		t.Errorf("kept %v, want %v", list, names[3:])
	}
	for _, p := range []string{filepath.Join(dir, "mine.tar"), fresh} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed", p)
		}
	}
}

// The uploads folder may be a link to another disk; a blob whose content no
// longer matches its name is left out and named.
func TestWriteListsBlobs(t *testing.T) {
	d, data := source(t)
	elsewhere := filepath.Join(t.TempDir(), "uploads")
	if err := os.Rename(filepath.Join(data, "uploads"), elsewhere); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(elsewhere, filepath.Join(data, "uploads")); err != nil {
		t.Fatal(err)
	}
	_, res := write(t, d, data)
	if len(res.Manifest.Files) != 3 {
		t.Fatalf("%d blobs through the link, want 3", len(res.Manifest.Files))
	}
	rotten := res.Manifest.Files[1].Path
	if err := os.WriteFile(filepath.Join(data, rotten), []byte("%PDF-1.4 bit rot"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, res = write(t, d, data)
	if len(res.Manifest.Files) != 2 || !slices.Equal(res.Manifest.Damaged, []string{rotten}) {
		t.Errorf("files %d, damaged %v; want 2 and %s", len(res.Manifest.Files), res.Manifest.Damaged, rotten)
	}
}
