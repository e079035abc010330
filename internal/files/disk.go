package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"
)

// Names in a store's folders besides the blobs themselves (which are named by
// their SHA-256 in hex, under ab/cd/).
const (
	// TempPrefix starts the name of a file being written by Put, renamed to
	// its sum once synced; one left behind is the trace of a killed process.
	TempPrefix = ".upload-"
	// gonePrefix starts the name a collector gives a blob it is about to
	// remove (Collect), so that a Put in another process cannot touch it
	// between the collector's last look and the removal.
	gonePrefix = ".collect-"
)

// locks serialise, within this process, Put's look at a blob (and its
// writing) with the collector's last look and removal of the same blob.
var locks [64]sync.Mutex

func lockOf(sum string) *sync.Mutex {
	h := fnv.New32a()
	io.WriteString(h, sum)
	return &locks[h.Sum32()%uint32(len(locks))]
}

// write stores data as blob sum, durably: once it returns, the file, its name
// and every folder created for it are on disk (fsync of the file, then of
// each folder whose entries changed), so the transaction that references it
// may commit. A blob already stored (content-addressed: the same bytes sent
// again) is not written again, but its modification time is set to now: the
// collector removes only blobs no row references and nobody touched for its
// grace period, and this one is about to be referenced (see Collect).
func (b *Blobs) write(sum string, data []byte) error {
	p := b.pathOf(sum)
	mu := lockOf(sum)
	mu.Lock()
	defer mu.Unlock()
	if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() && st.Size() == int64(len(data)) {
		now := time.Now()
		if err := os.Chtimes(p, now, now); err == nil {
			return nil
		}
		// Gone in between (another process's collector took it): write it again.
	}
	dir := filepath.Dir(p)
	if err := mkdirAllSync(dir); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, TempPrefix+"*")
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return syncDir(dir)
}

// mkdirAllSync creates dir and its missing parents, syncing the parent of
// each folder it creates so that the folder itself survives a crash.
func mkdirAllSync(dir string) error {
	if st, err := os.Stat(dir); err == nil && st.IsDir() {
		return nil
	}
	parent := filepath.Dir(dir)
	if parent != dir {
		if err := mkdirAllSync(parent); err != nil {
			return err
		}
	}
	if err := os.Mkdir(dir, 0o750); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return syncDir(parent)
}

// syncDir flushes a folder's entries (a rename, a created file) to disk.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// Refs is the set of blobs a store's rows reference: SHA-256 → size in bytes
// as the row records it (-1: not recorded).
type Refs map[string]int64

// IsSum reports whether name is a blob's name: 64 lower-case hex digits.
func IsSum(name string) bool {
	return len(name) == 64 && strings.Trim(name, "0123456789abcdef") == ""
}

// entry is one file found in a store's folders.
type entry struct {
	path, name string
	size       int64
	mod        time.Time
}

// walk lists the files under the store's folder (ab/cd/name; anything else
// is not the store's and is left alone). A missing folder holds nothing.
func (b *Blobs) walk(ctx context.Context, each func(entry) error) error {
	err := filepath.WalkDir(b.Dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == b.Dir && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		rel, _ := filepath.Rel(b.Dir, p)
		depth := len(strings.Split(rel, string(filepath.Separator)))
		switch {
		case d.IsDir():
			if rel != "." && depth > 2 {
				return fs.SkipDir
			}
			return nil
		case depth != 3 || !d.Type().IsRegular():
			return nil
		}
		info, err := d.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed since the folder was read
		}
		if err != nil {
			return err
		}
		return each(entry{path: p, name: d.Name(), size: info.Size(), mod: info.ModTime()})
	})
	return err
}

// Swept is what one run of Collect found and removed.
type Swept struct {
	Blobs      int   // unreferenced blobs removed
	BlobBytes  int64 // their size
	Temps      int   // stale temporary files removed
	Restored   int   // blobs a collector had set aside while they were being used again, put back
	Young      int   // unreferenced blobs kept because they were touched within the grace
	Referenced int   // blobs kept because a row references them
	Refused    bool  // nothing removed: no row references any blob the folder holds, yet it holds some (see Collect)
}

// Collect removes from the store the blobs no row references that nobody
// wrote or touched for grace, and the temporary files (TempPrefix) older than
// grace; refs reads what the rows reference. It touches no database row.
//
// Why it cannot remove a blob that is or will be referenced:
//   - A blob is written (Put) before the transaction that references it
//     commits. The cutoff is taken before refs reads the rows, and a blob is
//     removed only if its modification time is before the cutoff: a blob
//     written or touched after the cutoff is kept; one written before it and
//     referenced by a transaction that committed before refs read the rows is
//     in refs. So a blob is lost only if the transaction referencing it took
//     longer than grace from its Put to its commit: grace must be far above
//     any transaction's time (the default, 24 hours, is; the smallest allowed
//     is a second, for tests).
//   - The same bytes sent again (content addressing: Put does not write a
//     blob that exists) would otherwise reference an old orphan the collector
//     is about to remove. Put sets an existing blob's modification time to
//     now, under the blob's lock, and the collector looks at the time again
//     under the same lock right before removing: in this process the two
//     never interleave. Against a Put in another process sharing the folder,
//     the collector first renames the blob aside (gonePrefix), then reads the
//     time of what it renamed: a Put that touched the file before the rename
//     shows in that time (the file is renamed back), a Put after it finds no
//     file and writes it anew. A collector killed between the two leaves the
//     blob aside; the next run (at the server's start) puts back one touched
//     within the grace and removes the others.
//   - If no row references any blob the folder holds (refs empty, or naming
//     only files that are not here) while it holds unreferenced blobs older
//     than grace, nothing is removed (Refused): rows referencing files are
//     never deleted, so that is the sign of a database that is not this
//     folder's (a wrong --db or --data-dir, another deployment's), not of
//     orphans.
func (b *Blobs) Collect(ctx context.Context, grace time.Duration, refs func(context.Context) (Refs, error)) (Swept, error) {
	var out Swept
	var old []entry
	var young []string
	start := time.Now()
	err := b.walk(ctx, func(e entry) error {
		switch {
		case strings.HasPrefix(e.name, TempPrefix):
			if start.Sub(e.mod) > grace && removeFile(e.path) {
				out.Temps++
			}
		case strings.HasPrefix(e.name, gonePrefix):
			sum := strings.TrimPrefix(e.name, gonePrefix)
			if IsSum(sum) {
				mu := lockOf(sum)
				mu.Lock()
				if restored, err := b.settle(e.path, sum, start.Add(-grace)); err == nil && restored {
					out.Restored++
				}
				mu.Unlock()
			}
		case IsSum(e.name) && filepath.Base(filepath.Dir(e.path)) == e.name[2:4]:
			if start.Sub(e.mod) > grace {
				old = append(old, e)
			} else {
				out.Young++
				young = append(young, e.name)
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	cutoff := time.Now().Add(-grace)
	used, err := refs(ctx)
	if err != nil {
		return out, fmt.Errorf("read the referenced files: %w", err)
	}
	var orphans []entry
	for _, e := range old {
		if _, ok := used[e.name]; ok {
			out.Referenced++
		} else {
			orphans = append(orphans, e)
		}
	}
	named := out.Referenced > 0
	for _, name := range young {
		if _, ok := used[name]; ok {
			named = true
			break
		}
	}
	if !named && len(orphans) > 0 {
		out.Refused = true
		return out, nil
	}
	for _, e := range orphans {
		if err := ctx.Err(); err != nil {
			return out, err
		}
		removed, err := b.remove(e, cutoff)
		if err != nil {
			return out, err
		}
		if removed {
			out.Blobs++
			out.BlobBytes += e.size
		} else {
			out.Young++
		}
	}
	return out, nil
}

// remove removes the unreferenced blob e unless it was touched at or after
// cutoff; it reports whether it did.
func (b *Blobs) remove(e entry, cutoff time.Time) (bool, error) {
	mu := lockOf(e.name)
	mu.Lock()
	defer mu.Unlock()
	st, err := os.Stat(e.path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.ModTime().Before(cutoff) {
		return false, nil // sent again since the folder was read
	}
	aside := filepath.Join(filepath.Dir(e.path), gonePrefix+e.name)
	if err := os.Rename(e.path, aside); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false, nil // another collector took it
		}
		return false, err
	}
	restored, err := b.settle(aside, e.name, cutoff)
	return err == nil && !restored, err
}

// settle finishes with a blob set aside at aside: touched at or after cutoff
// (a Put in another process used it again), it is renamed back to its name;
// otherwise removed. It reports whether it put the blob back.
func (b *Blobs) settle(aside, sum string, cutoff time.Time) (bool, error) {
	st, err := os.Stat(aside)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if !st.ModTime().Before(cutoff) {
		if err := os.Rename(aside, b.pathOf(sum)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return false, err
		}
		return true, syncDir(filepath.Dir(aside))
	}
	if err := os.Remove(aside); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return false, nil
}

func removeFile(p string) bool { return os.Remove(p) == nil }

// Problem is a referenced blob that is not as its row says.
type Problem struct {
	SHA256 string
	Path   string
	Why    string // "missing", "size 10, want 12", "content does not match its name"
}

// Checked is what Check found.
type Checked struct {
	Referenced   int       // distinct blobs the rows reference
	Problems     []Problem // of those, the ones missing or not as recorded (sorted by sum)
	Unreferenced int       // blobs on disk no row references (the collector removes them after its grace)
}

// Check compares the store with what its rows reference: every referenced
// blob must exist with the size its row records (and, with hash, content
// whose SHA-256 is its name); blobs no row references are counted.
func (b *Blobs) Check(ctx context.Context, refs Refs, hash bool) (Checked, error) {
	out := Checked{Referenced: len(refs)}
	seen := map[string]bool{}
	err := b.walk(ctx, func(e entry) error {
		if !IsSum(e.name) || filepath.Base(filepath.Dir(e.path)) != e.name[2:4] {
			return nil
		}
		size, ok := refs[e.name]
		if !ok {
			out.Unreferenced++
			return nil
		}
		seen[e.name] = true
		switch {
		case size >= 0 && e.size != size:
			out.Problems = append(out.Problems, Problem{e.name, e.path, fmt.Sprintf("size %d, want %d", e.size, size)})
		case hash:
			ok, err := hashIs(e.path, e.name)
			if err != nil {
				return err
			}
			if !ok {
				out.Problems = append(out.Problems, Problem{e.name, e.path, "content does not match its name"})
			}
		}
		return nil
	})
	if err != nil {
		return out, err
	}
	for sum := range refs {
		switch {
		case !IsSum(sum):
			out.Problems = append(out.Problems, Problem{sum, "", "not a SHA-256 name"})
		case !seen[sum]:
			out.Problems = append(out.Problems, Problem{sum, b.pathOf(sum), "missing"})
		}
	}
	sort.Slice(out.Problems, func(i, j int) bool { return out.Problems[i].SHA256 < out.Problems[j].SHA256 })
	return out, nil
}

func hashIs(p, sum string) (bool, error) {
	f, err := os.Open(p)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return false, err
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}
