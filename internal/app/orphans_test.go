package app_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/files"
	"danchu/internal/files/filestest"
	"danchu/internal/legal"
	"danchu/internal/web/webtest"
)

// ageAll sets the modification time of every file under dir d ago.
func ageAll(t *testing.T, dir string, d time.Duration) int {
	t.Helper()
	n := 0
	at := time.Now().Add(-d)
	filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			if err := os.Chtimes(p, at, at); err != nil {
				t.Fatal(err)
			}
			n++
		}
		return nil
	})
	return n
}

func blobAt(b *files.Blobs, sum string) string { return filepath.Join(b.Dir, sum[:2], sum[2:4], sum) }

func fileExists(p string) bool { _, err := os.Stat(p); return err == nil }

// smallJPEG is a photo as PutPhotos stores it.
func smallJPEG(t *testing.T, shade uint8) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 32, 24))
	for i := range img.Pix {
		img.Pix[i] = shade
	}
	img.Set(0, 0, color.RGBA{255, 0, 0, 255})
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The orphan collector on both engines, over the demo's real uploads (the
// disclosures' PDFs, the feedback photos), every one made older than the
// grace: it keeps every referenced file, removes the upload no row
// references that is older than the grace and the stale temporary file, and
// keeps the young orphan, the fresh temporary file and an old orphan stored
// again by an upload whose transaction has not committed yet (content
// addressing: Put found it and did not write it) — which then commits, and
// `danchu verify` finds every referenced file. Then verify reports files
// missing (exit 1) and damaged (with --hash-files), and unreferenced ones
// without failing.
func TestOrphanFiles(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		a, srv := livingDemo(t, d)
		a.Config.OrphanGrace = time.Hour
		docs, photos := a.Disclose.Blobs, a.Feedback.Photos
		seeded := ageAll(t, docs.Dir, 3*time.Hour) + ageAll(t, photos.Dir, 3*time.Hour)
		refsDocs, err := a.Disclose.BlobRefs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		refsPhotos, err := a.Feedback.BlobRefs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		evidence, err := a.Plans.BlobRefs(ctx) // the plans' evidence files share the disclosures' folder
		if err != nil {
			t.Fatal(err)
		}
		for sum, size := range evidence {
			refsDocs[sum] = size
		}
		working, err := a.Cases.BlobRefs(ctx) // so do the cases' working copies
		if err != nil {
			t.Fatal(err)
		}
		for sum, size := range working {
			refsDocs[sum] = size
		}
		if len(refsDocs) == 0 || len(refsPhotos) == 0 || seeded != len(refsDocs)+len(refsPhotos) {
			t.Fatalf("demo: %d files on disk, %d attachments and %d photos referenced", seeded, len(refsDocs), len(refsPhotos))
		}
		put := func(b *files.Blobs, name string, data []byte, old time.Duration) string {
			f, err := b.Put(name, bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if old > 0 {
				at := time.Now().Add(-old)
				os.Chtimes(blobAt(b, f.SHA256), at, at)
			}
			return f.SHA256
		}
		oldOrphan := put(docs, "mo-coi.pdf", filestest.PDF("Bản nháp không bao giờ công bố"), 2*time.Hour)
		oldPhoto := put(photos, "anh.jpg", smallJPEG(t, 40), 2*time.Hour)
		youngOrphan := put(photos, "anh-moi.jpg", smallJPEG(t, 90), 10*time.Minute)
		resentDoc := filestest.DOCX("Biên bản họp thôn gửi lại")
		resent := put(docs, "bien-ban.docx", resentDoc, 2*time.Hour)
		leaf := filepath.Dir(blobAt(docs, oldOrphan))
		stale, fresh := filepath.Join(leaf, files.TempPrefix+"1"), filepath.Join(filepath.Dir(blobAt(photos, youngOrphan)), files.TempPrefix+"2")
		for _, p := range []string{stale, fresh} {
			os.WriteFile(p, []byte("nửa tệp"), 0o600)
		}
		os.Chtimes(stale, time.Now().Add(-2*time.Hour), time.Now().Add(-2*time.Hour))

		// An official sends the old orphan's bytes again: stored (found, touched), its transaction not committed yet.
		if _, err := docs.Put("bien-ban.docx", bytes.NewReader(resentDoc)); err != nil {
			t.Fatal(err)
		}
		got, err := a.CollectOrphans(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got.Blobs != 2 || got.Temps != 1 || got.Referenced != seeded || got.Refused {
			t.Errorf("swept %+v, want the 2 old orphans, 1 temporary file, %d referenced kept", got, seeded)
		}
		for sum := range refsDocs {
			if !fileExists(blobAt(docs, sum)) {
				t.Errorf("referenced attachment %s removed", sum[:12])
			}
		}
		for sum := range refsPhotos {
			if !fileExists(blobAt(photos, sum)) {
				t.Errorf("referenced photo %s removed", sum[:12])
			}
		}
		for _, c := range []struct {
			name, path string
			kept       bool
		}{
			{"old orphan attachment", blobAt(docs, oldOrphan), false},
			{"old orphan photo", blobAt(photos, oldPhoto), false},
			{"young orphan photo", blobAt(photos, youngOrphan), true},
			{"old orphan sent again", blobAt(docs, resent), true},
			{"stale temporary file", stale, false},
			{"fresh temporary file", fresh, true},
		} {
			if fileExists(c.path) != c.kept {
				t.Errorf("%s: kept = %v, want %v", c.name, !c.kept, c.kept)
			}
		}

		// The upload's transaction commits: the form posted with that file.
		official := signIn(t, srv, "xa@danchu.demo", demo.Password)
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		today := legal.Today(time.Now())
		code, _, _ := official.PostMultipart(manage, manage, url.Values{"category": {"4"}, "title": {"Biên bản họp thôn"}, "body": {"Gửi lại"},
			"decision_date": {today.AddDays(-1).String()}, "ch_posting": {"1"}, "ch_posting_start": {today.String()}},
			webtest.File{Field: "files", Name: "bien-ban.docx", Content: resentDoc})
		if code != http.StatusSeeOther {
			t.Fatalf("publish: %d", code)
		}

		verify := func(extra ...string) (int, string, string) {
			return run(t, ctx, append([]string{"verify", "--db=" + d.DSN(), "--data-dir=" + a.Config.DataDir}, extra...)...)
		}
		code, out, errs := verify()
		if code != 0 || !strings.Contains(out, "danchu verify: tệp: 0 thiếu, 1 không được dùng / files: 0 missing, 1 unreferenced\n") {
			t.Fatalf("verify after collecting: exit %d\n%s%s", code, out, errs)
		}

		// A referenced photo lost, an attachment cut short, another altered in place (same size).
		var lost, cut, altered string
		for sum := range refsPhotos {
			lost = sum
			break
		}
		for sum := range refsDocs {
			if cut == "" {
				cut = sum
			} else if altered == "" && sum != cut {
				altered = sum
			}
		}
		os.Remove(blobAt(photos, lost))
		data, _ := os.ReadFile(blobAt(docs, cut))
		os.WriteFile(blobAt(docs, cut), data[:len(data)/2], 0o600)
		data, _ = os.ReadFile(blobAt(docs, altered))
		data[len(data)/2] ^= 1
		os.WriteFile(blobAt(docs, altered), data, 0o600)
		code, out, errs = verify()
		if code != 1 || !strings.Contains(out, "danchu verify: tệp: 2 thiếu, 1 không được dùng / files: 2 missing, 1 unreferenced\n") ||
			!strings.Contains(errs, lost+" "+filepath.Join("uploads", "photos", lost[:2], lost[2:4], lost)+": không có trên đĩa / missing") ||
			!strings.Contains(errs, cut) || !strings.Contains(errs, "sai kích thước") || strings.Contains(errs, altered) {
			t.Fatalf("verify with a file lost and one cut: exit %d\n%s%s", code, out, errs)
		}
		if !strings.Contains(out, "public record OK") {
			t.Errorf("the chain's line is missing:\n%s", out)
		}
		code, out, errs = verify("--hash-files")
		if code != 1 || !strings.Contains(out, "files: 3 missing, 1 unreferenced") || !strings.Contains(errs, altered+" ") ||
			!strings.Contains(errs, "nội dung không khớp mã băm") {
			t.Fatalf("verify --hash-files with a file altered: exit %d\n%s%s", code, out, errs)
		}
	})
}

// A database that references no file while the folders hold old uploads (a
// wrong --db for this --data-dir) has nothing removed, and says so in the log.
func TestOrphanFilesKeptForAnEmptyDatabase(t *testing.T) {
	dir := t.TempDir()
	logs := newLockedBuffer()
	cfg := &config.Config{DataDir: dir, DB: "sqlite:" + filepath.Join(dir, "x.db"), LogFormat: "json", OrphanGrace: time.Minute}
	a, err := app.Open(context.Background(), cfg, app.NewLogger(logs, "json"))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	f, err := a.Disclose.Blobs.Put("a.pdf", bytes.NewReader(filestest.PDF("của một cơ sở dữ liệu khác")))
	if err != nil {
		t.Fatal(err)
	}
	ageAll(t, a.Disclose.Blobs.Dir, time.Hour)
	got, err := a.CollectOrphans(context.Background())
	if err != nil || !got.Refused || got.Blobs != 0 || !fileExists(blobAt(a.Disclose.Blobs, f.SHA256)) {
		t.Fatalf("CollectOrphans = %+v, %v; the file must stay", got, err)
	}
	logs.await(t, time.Second, map[string]string{"msg": "is --db the database of this --data-dir?", "dir": "files"})
}

// `serve` runs the collector as a job: at its start (a stale upload of a
// killed process is removed at once) and every OrphanEvery(grace) after; on
// stop the job returns before Serve does, so the database is still open for
// it (no failed run in the log).
func TestServeCollectsOrphans(t *testing.T) {
	if got := app.OrphanEvery(24 * time.Hour); got != time.Hour {
		t.Errorf("OrphanEvery(24h) = %v, want 1h", got)
	}
	if got := app.OrphanEvery(2 * time.Second); got != time.Second {
		t.Errorf("OrphanEvery(2s) = %v, want 1s", got)
	}
	if got := app.OrphanEvery(20 * time.Minute); got != 5*time.Minute {
		t.Errorf("OrphanEvery(20m) = %v, want 5m", got)
	}
	dir := t.TempDir()
	logs := newLockedBuffer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := config.Default()
	cfg.Addr, cfg.DB, cfg.DataDir, cfg.LogFormat, cfg.OrphanGrace = "127.0.0.1:0", "sqlite:"+filepath.Join(dir, "x.db"), dir, "json", 2*time.Second
	a, err := app.Open(ctx, cfg, app.NewLogger(logs, "json"))
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	for _, j := range a.Jobs {
		names[j.Name] = true
	}
	if !names["orphan files"] {
		t.Fatalf("no orphan files job among %v", names)
	}
	// The demo's disclosures reference their files: the folder is this database's.
	if _, err := demo.Seed(ctx, demo.Services{DB: a.DB, Units: a.Units, Auth: a.Auth, Disclose: a.Disclose,
		Consult: a.Consult, Decide: a.Decide, Feedback: a.Feedback}); err != nil {
		t.Fatal(err)
	}
	refs, err := a.Disclose.BlobRefs(ctx)
	if err != nil || len(refs) == 0 {
		t.Fatalf("the demo references no file (%v)", err)
	}
	orphan, err := a.Disclose.Blobs.Put("b.pdf", bytes.NewReader(filestest.PDF("mồ côi")))
	if err != nil {
		t.Fatal(err)
	}
	ageAll(t, a.Disclose.Blobs.Dir, time.Minute)
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	logs.await(t, 10*time.Second, map[string]string{"msg": "orphan files removed", "dir": "uploads/files"})
	if fileExists(blobAt(a.Disclose.Blobs, orphan.SHA256)) {
		t.Fatal("the first run did not remove the orphan")
	}
	for sum := range refs {
		if !fileExists(blobAt(a.Disclose.Blobs, sum)) {
			t.Fatalf("the first run removed the referenced %s", sum[:12])
		}
	}
	// A temporary file of an upload interrupted now: removed by a later run, once older than the grace.
	tmp := filepath.Join(filepath.Dir(blobAt(a.Disclose.Blobs, orphan.SHA256)), files.TempPrefix+"cut")
	os.WriteFile(tmp, []byte("nửa"), 0o600)
	for deadline := time.Now().Add(15 * time.Second); fileExists(tmp); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the stale temporary file was not removed by a later run")
		}
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if failed := logs.lines(t, map[string]string{"job": "orphan files", "msg": "job failed"}); len(failed) > 0 {
		t.Errorf("the collector failed: %v", failed)
	}
}
