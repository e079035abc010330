package files_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/files"
	"danchu/internal/files/filestest"
)

const grace = time.Hour

// blobPath is where a store keeps sum.
func blobPath(dir, sum string) string { return filepath.Join(dir, sum[:2], sum[2:4], sum) }

// age sets a file's modification time d ago.
func age(t *testing.T, p string, d time.Duration) {
	t.Helper()
	at := time.Now().Add(-d)
	if err := os.Chtimes(p, at, at); err != nil {
		t.Fatal(err)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// A blob sent again is not written again but touched (the collector then
// keeps it); one whose stored copy has the wrong size is written again.
func TestPutTouchesAndRepairsAStoredBlob(t *testing.T) {
	dir := t.TempDir()
	b := &files.Blobs{Dir: dir}
	pdf := filestest.PDF("Thông báo họp")
	f, err := b.Put("a.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	p := blobPath(dir, f.SHA256)
	age(t, p, 48*time.Hour)
	before := time.Now().Add(-time.Minute)
	if _, err := b.Put("b.pdf", bytes.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.ModTime().Before(before) {
		t.Errorf("the blob sent again kept its old time %v", st.ModTime())
	}
	if err := os.WriteFile(p, pdf[:100], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Put("c.pdf", bytes.NewReader(pdf)); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(p); !bytes.Equal(got, pdf) {
		t.Errorf("a stored copy of the wrong size was not written again (%d bytes)", len(got))
	}
	if ents, _ := os.ReadDir(filepath.Dir(p)); len(ents) != 1 {
		t.Errorf("the blob's folder holds %d entries, want the blob alone", len(ents))
	}
}

// store is a store with blobs of several ages and temporary files.
type store struct {
	dir                                                  string
	b                                                    *files.Blobs
	referenced, oldOrphan, youngOrphan, resent, oldStale string
	staleTemp, freshTemp, foreign                        string
}

func newStore(t *testing.T) *store {
	t.Helper()
	dir := t.TempDir()
	s := &store{dir: dir, b: &files.Blobs{Dir: dir}}
	put := func(text string, old time.Duration) string {
		f, err := s.b.Put(text+".pdf", bytes.NewReader(filestest.PDF(text)))
		if err != nil {
			t.Fatal(err)
		}
		age(t, blobPath(dir, f.SHA256), old)
		return f.SHA256
	}
	s.referenced = put("referenced", 3*grace)
	s.oldOrphan = put("old orphan", 2*grace)
	s.youngOrphan = put("young orphan", grace/2)
	s.resent = put("sent again", 2*grace)
	leaf := filepath.Dir(blobPath(dir, s.referenced))
	s.staleTemp = filepath.Join(leaf, files.TempPrefix+"123")
	s.freshTemp = filepath.Join(leaf, files.TempPrefix+"456")
	s.foreign = filepath.Join(dir, "README")
	for _, p := range []string{s.staleTemp, s.freshTemp, s.foreign} {
		if err := os.WriteFile(p, []byte("half a file"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	age(t, s.staleTemp, 2*grace)
	age(t, s.foreign, 10*grace)
	return s
}

// Collect removes the unreferenced blob older than the grace and the stale
// temporary file, and keeps the referenced blob, the young orphan, the fresh
// temporary file, what is not the store's — and a blob sent again while the
// collector ran (between its listing and its removals: content addressing
// would otherwise hand the new row a file about to be removed).
func TestCollect(t *testing.T) {
	s := newStore(t)
	pdf := filestest.PDF("sent again")
	refs := func(ctx context.Context) (files.Refs, error) {
		// The race: the same bytes are sent again after the listing, just
		// before the removals, and their row is not committed yet.
		if _, err := s.b.Put("again.pdf", bytes.NewReader(pdf)); err != nil {
			return nil, err
		}
		return files.Refs{s.referenced: -1}, nil
	}
	got, err := s.b.Collect(context.Background(), grace, refs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, path string
		kept       bool
	}{
		{"referenced", blobPath(s.dir, s.referenced), true},
		{"old orphan", blobPath(s.dir, s.oldOrphan), false},
		{"young orphan", blobPath(s.dir, s.youngOrphan), true},
		{"orphan sent again during the run", blobPath(s.dir, s.resent), true},
		{"stale temporary file", s.staleTemp, false},
		{"fresh temporary file", s.freshTemp, true},
		{"file that is not the store's", s.foreign, true},
	} {
		if exists(c.path) != c.kept {
			t.Errorf("%s: kept = %v, want %v", c.name, !c.kept, c.kept)
		}
	}
	if got.Blobs != 1 || got.Temps != 1 || got.Referenced != 1 || got.Young != 2 || got.Refused {
		t.Errorf("swept %+v, want 1 blob, 1 temp, 1 referenced, 2 young", got)
	}
	if data, _ := os.ReadFile(blobPath(s.dir, s.resent)); !bytes.Equal(data, pdf) {
		t.Error("the blob sent again is not whole")
	}
	if ents, _ := filepath.Glob(filepath.Join(s.dir, "*", "*", ".collect-*")); len(ents) != 0 {
		t.Errorf("blobs left aside: %v", ents)
	}
	// A second run finds nothing more to do.
	again, err := s.b.Collect(context.Background(), grace, func(context.Context) (files.Refs, error) { return files.Refs{s.referenced: -1}, nil })
	if err != nil || again.Blobs != 0 || again.Temps != 0 {
		t.Errorf("second run: %+v, %v", again, err)
	}
}

// A failed read of the references removes no blob; references naming no blob
// of the folder while it holds orphans (a database that is not this folder's)
// remove none.
func TestCollectRemovesNothingWithoutReferences(t *testing.T) {
	for _, tc := range []struct {
		name    string
		refs    func(context.Context) (files.Refs, error)
		wantErr bool
	}{
		{"ReadFails", func(context.Context) (files.Refs, error) { return nil, errors.New("database down") }, true},
		{"NoneReferenced", func(context.Context) (files.Refs, error) { return files.Refs{}, nil }, false},
		// Another deployment's database: it references files, none of them here.
		{"OnlyOthersReferenced", func(context.Context) (files.Refs, error) {
			return files.Refs{strings.Repeat("ab", 32): 10, strings.Repeat("cd", 32): 20}, nil
		}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			got, err := s.b.Collect(context.Background(), grace, tc.refs)
			if (err != nil) != tc.wantErr || (!tc.wantErr && !got.Refused) {
				t.Fatalf("Collect = %+v, %v", got, err)
			}
			for _, sum := range []string{s.referenced, s.oldOrphan, s.resent} {
				if !exists(blobPath(s.dir, sum)) {
					t.Errorf("blob %s removed", sum[:8])
				}
			}
		})
	}
}

// A collector killed after setting a blob aside: the next run puts back one
// touched within the grace (a Put in another process used it) and removes
// one that was not.
func TestCollectSettlesBlobsLeftAside(t *testing.T) {
	s := newStore(t)
	aside := func(sum string, old time.Duration) string {
		p := blobPath(s.dir, sum)
		q := filepath.Join(filepath.Dir(p), ".collect-"+sum)
		if err := os.Rename(p, q); err != nil {
			t.Fatal(err)
		}
		age(t, q, old)
		return q
	}
	used := aside(s.youngOrphan, time.Second)
	dead := aside(s.oldOrphan, 2*grace)
	got, err := s.b.Collect(context.Background(), grace, func(context.Context) (files.Refs, error) { return files.Refs{s.referenced: -1}, nil })
	if err != nil {
		t.Fatal(err)
	}
	if !exists(blobPath(s.dir, s.youngOrphan)) || exists(used) {
		t.Error("a blob set aside and touched since was not put back")
	}
	if exists(dead) || exists(blobPath(s.dir, s.oldOrphan)) {
		t.Error("a blob set aside and untouched was not removed")
	}
	if got.Restored != 1 {
		t.Errorf("restored %d, want 1", got.Restored)
	}
}

// Check reports a referenced blob missing, one of the wrong size, one whose
// content is not its name (with hash only), and counts the unreferenced.
func TestCheck(t *testing.T) {
	s := newStore(t)
	absent := sha256.Sum256([]byte("never stored"))
	missing := hex.EncodeToString(absent[:])
	if err := os.WriteFile(blobPath(s.dir, s.youngOrphan), bytes.Repeat([]byte("x"), len(filestest.PDF("young orphan"))), 0o600); err != nil {
		t.Fatal(err)
	}
	refs := files.Refs{
		s.referenced:  int64(len(filestest.PDF("referenced"))),
		s.resent:      1, // recorded size differs
		s.youngOrphan: int64(len(filestest.PDF("young orphan"))),
		missing:       10,
	}
	for _, hash := range []bool{false, true} {
		got, err := s.b.Check(context.Background(), refs, hash)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]string{missing: "missing", s.resent: "size "}
		if hash {
			want[s.youngOrphan] = "content does not match"
		}
		if len(got.Problems) != len(want) {
			t.Errorf("hash=%v: problems %+v, want %v", hash, got.Problems, want)
		}
		for _, p := range got.Problems {
			if w, ok := want[p.SHA256]; !ok || !strings.HasPrefix(p.Why, w) {
				t.Errorf("hash=%v: problem %+v, want %q", hash, p, w)
			}
		}
		if got.Unreferenced != 1 || got.Referenced != 4 {
			t.Errorf("hash=%v: %d unreferenced, %d referenced, want 1 (the old orphan) and 4", hash, got.Unreferenced, got.Referenced)
		}
	}
}

// Put and Collect racing on the same old orphan, many times (run with
// -race): whenever Put has returned, the blob is on disk, whole — whichever
// of the two took the blob's lock first.
func TestPutRacesCollect(t *testing.T) {
	dir := t.TempDir()
	b := &files.Blobs{Dir: dir}
	pdf := filestest.PDF("gửi lại trong lúc dọn")
	f, err := b.Put("a.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	p := blobPath(dir, f.SHA256)
	other, err := b.Put("b.pdf", bytes.NewReader(filestest.PDF("được dùng")))
	if err != nil {
		t.Fatal(err)
	}
	refs := func(context.Context) (files.Refs, error) { return files.Refs{other.SHA256: -1}, nil }
	removed := 0
	for range 200 {
		if exists(p) {
			age(t, p, 2*grace)
		}
		done := make(chan files.Swept)
		go func() {
			s, err := b.Collect(context.Background(), grace, refs)
			if err != nil {
				t.Error(err)
			}
			done <- s
		}()
		if _, err := b.Put("a.pdf", bytes.NewReader(pdf)); err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, pdf) {
			t.Fatalf("after Put returned, the blob is %d bytes (%v)", len(got), err)
		}
		removed += (<-done).Blobs
		if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, pdf) {
			// The collector may have removed it only before Put wrote it again.
			t.Fatalf("after both returned, the blob is %d bytes (%v)", len(got), err)
		}
	}
	t.Logf("the collector removed the orphan first in %d of 200 runs (Put wrote it again)", removed)
}
