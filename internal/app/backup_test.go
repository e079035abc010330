package app_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/backup"
	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/demo"
	"danchu/internal/legal"
	"danchu/internal/random"
	"danchu/internal/web/webtest"

	"github.com/xuri/excelize/v2"
)

// ack is a write the server acknowledged: what it was, how to find it, when
// its request started and when its answer came.
type ack struct {
	kind, ref      string
	started, acked time.Time
}

type acks struct {
	mu   sync.Mutex
	list []ack
	fail []string
}

func (a *acks) add(x ack) {
	a.mu.Lock()
	a.list = append(a.list, x)
	a.mu.Unlock()
}

func (a *acks) failed(s string) {
	a.mu.Lock()
	a.fail = append(a.fail, s)
	a.mu.Unlock()
}

func (a *acks) snapshot() []ack {
	a.mu.Lock()
	defer a.mu.Unlock()
	return slices.Clone(a.list)
}

// count is how many writes of kind were acknowledged (all kinds: "").
func (a *acks) count(kind string) int {
	n := 0
	for _, x := range a.snapshot() {
		if kind == "" || x.kind == kind {
			n++
		}
	}
	return n
}

// uniquePNG is a small photo whose pixels depend on n, so each post stores a blob of its own.
func uniquePNG(n int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := 0; i < 64; i++ {
		img.Set(i, n%48, color.RGBA{uint8(n), uint8(n >> 8), uint8(i * 4), 255})
		img.Set(n%64, i%48, color.RGBA{uint8(n >> 16), 200, uint8(i), 255})
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// uniqueXLSX is a complete workbook naming n: an attachment of its own.
func uniqueXLSX(t *testing.T, n int) []byte {
	f := excelize.NewFile()
	f.SetCellValue("Sheet1", "A1", fmt.Sprintf("Dự toán số %d", n))
	b, err := f.WriteToBuffer()
	if err != nil {
		t.Error(err)
	}
	return b.Bytes()
}

// load posts through the real forms until stop closes: anonymous feedback
// with a photo, a citizen's comments, an official's disclosures with a
// workbook attached.
func load(t *testing.T, a *app.App, srv *httptest.Server, logs *logBuffer, got *acks, stop <-chan struct{}) *sync.WaitGroup {
	t.Helper()
	ctx := context.Background()
	commune, _ := a.Units.UnitByCode(ctx, demo.CommuneCode)
	village, _ := a.Units.UnitByCode(ctx, demo.CommuneCode+"-01")
	official := signIn(t, srv, "xa@danchu.demo", demo.Password)
	manage := fmt.Sprintf("/quan-tri/don-vi/%s/lay-y-kien", commune.OfficeKey())
	code, _, hd := official.Post(manage, manage, url.Values{"subject": {"6"}, "title": {"Dự thảo quy chế dân chủ xã Đan Điền"},
		"parts": {"## Chương I\nQuy định chung\n## Chương II\nCông khai"}, "forms": {"online"}, "closes_on": {time.Now().AddDate(0, 0, 40).Format("2006-01-02")}})
	if code != http.StatusSeeOther {
		t.Fatalf("open a consultation: %d", code)
	}
	public := "/lay-y-kien/" + strings.TrimPrefix(hd.Get("Location"), "/quan-tri/lay-y-kien/")
	cit := citizen(t, a, srv, logs, "0912 000 111")
	feedbackPage := "/xa/" + demo.CommuneCode + "/phan-anh"
	board := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
	today := legal.Today(time.Now())

	var wg sync.WaitGroup
	writer := func(kind string, post func(i int) (string, error)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				start := time.Now()
				ref, err := post(i)
				if err != nil {
					got.failed(fmt.Sprintf("%s %d: %v", kind, i, err))
					continue
				}
				got.add(ack{kind: kind, ref: ref, started: start, acked: time.Now()})
			}
		}()
	}
	visitor := webtest.New(t, srv.URL)
	writer("feedback", func(i int) (string, error) {
		v := url.Values{"kind": {"feedback"}, "category": {"moi-truong"}, "place": {fmt.Sprint(village.ID)},
			"description": {fmt.Sprintf("Rác thải đổ bên đường, lần %d", i)}, "key": {random.Key()}}
		code, body, hd := visitor.PostMultipart(feedbackPage, feedbackPage, v, webtest.File{Field: "photos", Name: "rac.png", Content: uniquePNG(i)})
		m := codeInURL.FindStringSubmatch(hd.Get("Location"))
		if code != http.StatusSeeOther || m == nil {
			return "", fmt.Errorf("%d %.200s", code, mainOf(body))
		}
		return m[1], nil
	})
	writer("comment", func(i int) (string, error) {
		text := fmt.Sprintf("Góp ý số %d: đề nghị công khai trên loa phát thanh", i)
		code, body, _ := cit.Post(public, public+"/gop-y", url.Values{"part": {"2"}, "stance": {"suggest"}, "body": {text}, "key": {random.Key()}})
		if code != http.StatusSeeOther {
			return "", fmt.Errorf("%d %.200s", code, mainOf(body))
		}
		return text, nil
	})
	writer("disclosure", func(i int) (string, error) {
		form := url.Values{"category": {"4"}, "title": {fmt.Sprintf("Dự toán ngân sách số %d", i)}, "body": {"Điều 1. Công khai dự toán"},
			"decision_date": {today.AddDays(-2).String()}, "ch_posting": {"1"}, "ch_posting_start": {today.String()}}
		// A form that carries an idempotency key gets a fresh one per post.
		if _, page, _ := official.Get(board); keyField.MatchString(page) {
			form.Set("key", random.Key())
		}
		code, body, hd := official.PostMultipart(board, board, form, webtest.File{Field: "files", Name: "du-toan.xlsx", Content: uniqueXLSX(t, i)})
		loc := hd.Get("Location")
		if code != http.StatusSeeOther || !strings.HasPrefix(loc, "/cong-khai/") {
			return "", fmt.Errorf("%d %.200s", code, mainOf(body))
		}
		return strings.TrimPrefix(loc, "/cong-khai/"), nil
	})
	return &wg
}

// waitFor waits until cond holds (polling), failing after a minute.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited a minute for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// snapshotOf unpacks the database entry of a backup by hand (tar, gunzip):
// the snapshot as it was taken.
func snapshotOf(t *testing.T, file string) string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tr := tar.NewReader(f)
	for {
		h, err := tr.Next()
		if err != nil {
			t.Fatalf("no database in %s: %v", file, err)
		}
		if h.Name != backup.DatabaseName {
			continue
		}
		zr, err := gzip.NewReader(tr)
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(t.TempDir(), "snapshot.db")
		out, _ := os.Create(p)
		if _, err := io.Copy(out, zr); err != nil {
			t.Fatal(err)
		}
		out.Close()
		return p
	}
}

// inPlace are the tables this load changes rows of (rather than only adding
// rows): a restored row may be older than the live one. Their rows are
// checked against the snapshot, and their counters against the rows counted.
var inPlace = map[string]string{
	"consultations":        "its comments counter",
	"feedback_counters":    "items received per unit",
	"feedback_daily":       "arrivals per place and day",
	"indicator_counts":     "the indicators' counters per unit and month (feedback received)",
	"public_record_head":   "the hash chain's head, moved by each entry",
	"disclosures_fts_data": "FTS5's index segments, merged as disclosures are added",
	"disclosures_fts_idx":  "FTS5's index segments, merged as disclosures are added",
}

// The test: back up while feedback with photos, comments and
// disclosures with attachments arrive over HTTP; restore into a fresh
// folder; compare every table, row by row, with the snapshot and with the
// live database, and every blob byte for byte. Once through the command
// line (`danchu backup`, its own connections, as from another process), once
// through backup.Write with writes landing between the database snapshot and
// the listing of the files.
func TestBackupUnderLoad(t *testing.T) {
	ctx := context.Background()
	d := db.OpenTest(t, db.SQLite)
	dataDir := t.TempDir()
	logs := &logBuffer{}
	a, srv := siteWith(t, d, &config.Config{DataDir: dataDir, LimitWrites: 1_000_000, LimitSignIn: 1_000_000}, logs)
	got := &acks{}
	stop := make(chan struct{})
	wg := load(t, a, srv, logs, got, stop)
	stopped := false
	halt := func() {
		if !stopped {
			close(stop)
			wg.Wait()
			stopped = true
		}
	}
	defer halt()
	waitFor(t, "the first writes", func() bool {
		return got.count("feedback") >= 3 && got.count("comment") >= 3 && got.count("disclosure") >= 3
	})

	type backupRun struct {
		name       string
		file       string
		start, end time.Time
		between    int // writes acknowledged between the snapshot and the files' listing
	}
	var runs []backupRun
	for _, how := range []string{"command", "hook"} {
		r := backupRun{name: how, file: filepath.Join(t.TempDir(), "danchu.tar"), start: time.Now()}
		switch how {
		case "command":
			code, out, errs := run(t, ctx, "backup", "--out", r.file, "--db", d.DSN(), "--data-dir", dataDir)
			if code != 0 || !strings.Contains(out, "backed up") {
				t.Fatalf("danchu backup: exit %d\n%s%s", code, out, errs)
			}
			t.Logf("danchu backup under load:\n%s", strings.TrimSpace(out))
		case "hook":
			var before int
			_, err := backup.Write(ctx, backup.Options{DB: d, DataDir: dataDir, Out: r.file, AfterSnapshot: func() {
				before = got.count("feedback")
				waitFor(t, "feedback between snapshot and files", func() bool { return got.count("feedback") >= before+3 })
				r.between = got.count("feedback") - before
			}})
			if err != nil {
				t.Fatal(err)
			}
		}
		r.end = time.Now()
		runs = append(runs, r)
	}
	// A few more writes after the last backup, then the live database is still.
	last := runs[len(runs)-1].end
	waitFor(t, "writes posted after the backup", func() bool {
		return slices.ContainsFunc(got.snapshot(), func(x ack) bool { return x.started.After(last) })
	})
	halt()
	if len(got.fail) > 0 {
		t.Fatalf("%d writes failed, first: %s", len(got.fail), got.fail[0])
	}
	all := got.snapshot()
	live := db.OpenFile(t, d.SQLitePath())
	defer live.Close()
	liveRows := db.DumpTables(t, live, db.SQLite)

	for _, r := range runs {
		t.Run(r.name, func(t *testing.T) {
			to := filepath.Join(t.TempDir(), "restored")
			dbPath := filepath.Join(to, "danchu.db")
			code, out, errs := run(t, ctx, "restore", r.file, "--db", "sqlite:"+dbPath, "--data-dir", to)
			if code != 0 || !strings.Contains(out, "restored") {
				t.Fatalf("danchu restore: exit %d\n%s%s", code, out, errs)
			}
			restored := db.OpenFile(t, dbPath)
			defer restored.Close()
			snap := db.OpenFile(t, snapshotOf(t, r.file))
			defer snap.Close()
			have, want := db.DumpTables(t, restored, db.SQLite), db.DumpTables(t, snap, db.SQLite)

			// Every table, row by row, all columns: the restored database is the snapshot …
			if len(have) != len(want) || len(have) < 40 {
				t.Fatalf("%d tables restored, %d in the snapshot", len(have), len(want))
			}
			rows := 0
			for table, w := range want {
				if !slices.Equal(have[table], w) {
					t.Errorf("table %s: %d rows restored, %d in the snapshot, or they differ", table, len(have[table]), len(w))
				}
				rows += len(w)
			}
			// … and every row of it is in the live database as it is now,
			// except in the tables the load changes in place.
			for table, hv := range have {
				var missing []string
				for _, row := range hv {
					if _, found := slices.BinarySearch(liveRows[table], row); !found {
						missing = append(missing, row)
					}
				}
				if len(missing) > 0 && inPlace[table] == "" {
					t.Errorf("table %s: %d restored rows are not in the live database, first %.300s", table, len(missing), missing[0])
				}
			}
			// Everything acknowledged before the backup started is there,
			// nothing whose request started after it ended.
			present := func(x ack) bool {
				var q string
				switch x.kind {
				case "feedback":
					q = "select count(*) from feedback_items where code = $1"
				case "comment":
					q = "select count(*) from consultation_comments where body = $1"
				case "disclosure":
					q = "select count(*) from disclosures where id = $1"
				}
				var c int
				if err := restored.QueryRow(q, x.ref).Scan(&c); err != nil {
					t.Fatal(err)
				}
				if c > 1 {
					t.Errorf("%s %s stored %d times", x.kind, x.ref, c)
				}
				return c == 1
			}
			var before, during, after, duringIn int
			for _, x := range all {
				switch {
				case x.acked.Before(r.start):
					before++
					if !present(x) {
						t.Errorf("%s %s acknowledged before the backup started is not restored", x.kind, x.ref)
					}
				case x.started.After(r.end):
					after++
					if present(x) {
						t.Errorf("%s %s posted after the backup ended is in it", x.kind, x.ref)
					}
				default:
					during++
					if present(x) {
						duringIn++
					}
				}
			}
			// The restored file is sound (a fresh connection, as the crash test
			// does), and its search index finds every restored disclosure.
			var check string
			if err := restored.QueryRow("pragma integrity_check").Scan(&check); err != nil || check != "ok" {
				t.Errorf("integrity_check: %q %v", check, err)
			}
			var found, disclosures int
			restored.QueryRow("select count(*) from disclosures_fts where disclosures_fts match 'toan'").Scan(&found)
			restored.QueryRow("select count(*) from disclosures").Scan(&disclosures)
			if found != disclosures || found == 0 {
				t.Errorf("search finds %d of %d restored disclosures", found, disclosures)
			}
			// The counters kept beside the rows agree with the rows: one snapshot, not a torn copy.
			for _, c := range []struct{ what, counter, rows string }{
				{"feedback received", "select coalesce(sum(received), 0) from feedback_counters", "select count(*) from feedback_items"},
				{"feedback per day", "select coalesce(sum(n), 0) from feedback_daily", "select count(*) from feedback_items"},
				{"feedback received (indicator)", "select coalesce(sum(num), 0) from indicator_counts where code = 'feedback.received'", "select count(*) from feedback_items"},
				{"comments", "select coalesce(sum(comments), 0) from consultations", "select count(*) from consultation_comments"},
			} {
				var x, y int
				restored.QueryRow(c.counter).Scan(&x)
				restored.QueryRow(c.rows).Scan(&y)
				if x != y || y == 0 {
					t.Errorf("%s: counter %d, rows %d", c.what, x, y)
				}
			}
			// Every blob a restored row names is there with its bytes, equal to the live one's.
			blobs := 0
			for _, ref := range []struct{ q, dir string }{
				{"select sha256 from feedback_photos", "photos"},
				{"select sha256 from disclosure_files", "files"},
			} {
				rs, err := restored.Query(ref.q)
				if err != nil {
					t.Fatal(err)
				}
				var sums []string
				for rs.Next() {
					var s string
					rs.Scan(&s)
					sums = append(sums, s)
				}
				rs.Close()
				if len(sums) == 0 {
					t.Errorf("no rows name a blob in %s", ref.dir)
				}
				for _, s := range sums {
					p := filepath.Join("uploads", ref.dir, s[:2], s[2:4], s)
					b, err := os.ReadFile(filepath.Join(to, p))
					l, _ := os.ReadFile(filepath.Join(dataDir, p))
					if err != nil || !bytes.Equal(b, l) || sha(b) != s {
						t.Errorf("blob %s: %v, restored bytes equal the live ones: %v", p, err, bytes.Equal(b, l))
					}
					blobs++
				}
			}
			// Every restored file is a live blob, byte for byte.
			filepath.WalkDir(filepath.Join(to, "uploads"), func(p string, e os.DirEntry, err error) error {
				if err != nil || e.IsDir() {
					return err
				}
				rel, _ := filepath.Rel(to, p)
				b, _ := os.ReadFile(p)
				l, err := os.ReadFile(filepath.Join(dataDir, rel))
				if err != nil || !bytes.Equal(b, l) {
					t.Errorf("restored %s differs from the live file (%v)", rel, err)
				}
				return nil
			})
			// danchu verify passes on what was restored.
			code, out, errs = run(t, ctx, "verify", "--db", "sqlite:"+dbPath, "--data-dir", to)
			if code != 0 || !strings.Contains(out, "public record OK") {
				t.Errorf("danchu verify after restore: exit %d\n%s%s", code, out, errs)
			}
			if before < 9 || after < 1 || (r.name == "hook" && r.between < 3) {
				t.Errorf("the load did not surround the backup: %d writes before, %d during, %d after, %d between snapshot and files", before, during, after, r.between)
			}
			t.Logf("%s: %d tables, %d rows, %d referenced blobs equal; writes: %d acknowledged before (all restored), %d during (%d restored), %d after (none restored); %d between snapshot and files",
				r.name, len(have), rows, blobs, before, during, duringIn, after, r.between)
		})
	}
}

func sha(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// metricValue reads one sample of the Prometheus text format (-1: absent).
func metricValue(body, name string) float64 {
	m := regexp.MustCompile(`(?m)^` + name + ` (\S+)$`).FindStringSubmatch(body)
	if m == nil {
		return -1
	}
	var v float64
	fmt.Sscan(m[1], &v)
	return v
}

// The scheduled backup of serve on a fake clock: a backup when the newest is
// an interval old (and not before), the newest --backup-keep kept, old ones
// removed only after a new one succeeded; a failure logged with the job's
// name and counted in /metrics, the last success's time there too, also
// after a restart.
func TestScheduledBackup(t *testing.T) {
	ctx := context.Background()
	d := db.OpenTest(t, db.SQLite)
	dataDir := t.TempDir()
	const token = "0123456789abcdef0123456789abcdef"
	cfg := &config.Config{DataDir: dataDir, BackupEvery: time.Hour, BackupKeep: 3, MetricsToken: token}
	logs := newLockedBuffer()
	newApp := func() (*app.App, app.Job, func() string) {
		a := app.New(cfg, d, slog.New(slog.NewJSONHandler(logs, nil)))
		t.Cleanup(func() { a.Consult.Close(); a.Decide.Close(); a.Feedback.Close() })
		h, err := a.Handler()
		if err != nil {
			t.Fatal(err)
		}
		srv := httptest.NewServer(h)
		t.Cleanup(srv.Close)
		i := slices.IndexFunc(a.Jobs, func(j app.Job) bool { return j.Name == "backup" })
		if i < 0 {
			t.Fatal("no backup job with --backup-every")
		}
		scrape := func() string {
			req, _ := http.NewRequest("GET", srv.URL+"/metrics", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return string(b)
		}
		return a, a.Jobs[i], scrape
	}
	a, job, scrape := newApp()
	if job.Every != time.Minute {
		t.Errorf("the job looks every %s, want every minute (a restart puts nothing off by an interval)", job.Every)
	}
	if v := metricValue(scrape(), "danchu_backup_last_success_timestamp_seconds"); v != 0 {
		t.Errorf("last success before any backup: %v, want 0", v)
	}
	clock := time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
	d.Now = func() time.Time { return clock }
	var made []string
	for i := range 5 {
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		made = append(made, backup.Name(clock))
		// Not due again until an hour has passed.
		clock = clock.Add(59 * time.Minute)
		if err := job.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if list, _ := backup.List(cfg.BackupFolder()); len(list) != min(i+1, 3) {
			t.Fatalf("after backup %d: %d kept", i+1, len(list))
		}
		clock = clock.Add(time.Minute)
	}
	list, _ := backup.List(filepath.Join(dataDir, "backups"))
	var kept []string
	for _, f := range list {
		kept = append(kept, filepath.Base(f.Path))
	}
	if !slices.Equal(kept, made[2:]) {
		t.Errorf("kept %v, want the 3 newest %v", kept, made[2:])
	}
	newest := list[len(list)-1]
	body := scrape()
	if v := metricValue(body, "danchu_backup_last_success_timestamp_seconds"); v != float64(newest.At.Unix()) {
		t.Errorf("last success %v, want %d", v, newest.At.Unix())
	}
	if v := metricValue(body, "danchu_backup_last_size_bytes"); v <= 0 {
		t.Errorf("last size %v", v)
	}
	// Each one restores.
	to := filepath.Join(t.TempDir(), "r")
	if code, out, errs := run(t, ctx, "restore", newest.Path, "--db", "sqlite:"+filepath.Join(to, "danchu.db"), "--data-dir", to); code != 0 {
		t.Fatalf("restore a scheduled backup: exit %d\n%s%s", code, out, errs)
	}

	// The folder cannot be written (a file is in its place): the job fails,
	// says so in the log and in /metrics, and the backups made stay.
	blocked := filepath.Join(t.TempDir(), "not-a-folder")
	os.WriteFile(blocked, []byte("x"), 0o600)
	cfg.BackupDir = filepath.Join(blocked, "backups")
	jctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- app.RunJobs(jctx, a.Log, job) }()
	line := logs.await(t, 10*time.Second, map[string]string{"msg": "job failed", "job": "backup"})
	cancel()
	<-done
	if err, _ := line[0]["err"].(string); !strings.Contains(err, "not-a-folder") {
		t.Errorf("the logged failure does not say where: %q", err)
	}
	body = scrape()
	if v := metricValue(body, "danchu_backup_failures_total"); v != 1 {
		t.Errorf("failures %v, want 1", v)
	}
	if v := metricValue(body, "danchu_backup_last_failure_timestamp_seconds"); v != float64(clock.Unix()) {
		t.Errorf("last failure %v, want %d", v, clock.Unix())
	}
	if v := metricValue(body, "danchu_backup_last_success_timestamp_seconds"); v != float64(newest.At.Unix()) {
		t.Errorf("last success moved on a failure: %v", v)
	}
	if again, _ := backup.List(filepath.Join(dataDir, "backups")); len(again) != 3 {
		t.Errorf("%d backups after the failure, want the 3 made", len(again))
	}

	// After a restart the gauge shows the newest backup on disk before any run.
	cfg.BackupDir = ""
	_, _, scrape2 := newApp()
	if v := metricValue(scrape2(), "danchu_backup_last_success_timestamp_seconds"); v != float64(newest.At.Unix()) {
		t.Errorf("after a restart: last success %v, want %d", v, newest.At.Unix())
	}
	// Off by default: no job, no metric.
	off := app.New(&config.Config{DataDir: t.TempDir()}, d, slog.New(slog.NewTextHandler(io.Discard, nil)))
	t.Cleanup(func() { off.Consult.Close(); off.Decide.Close(); off.Feedback.Close() })
	if slices.ContainsFunc(off.Jobs, func(j app.Job) bool { return j.Name == "backup" }) {
		t.Error("a backup job without --backup-every")
	}
}

// The commands' refusals: one line, Vietnamese / English, that says what to
// do, exit status 1 (2 for bad usage), and nothing written.
func TestBackupCommandRefusals(t *testing.T) {
	ctx := context.Background()
	d := db.OpenTest(t, db.SQLite)
	dataDir := t.TempDir()
	good := filepath.Join(t.TempDir(), "b.tar")
	if code, out, errs := run(t, ctx, "backup", "--out", good, "--db", d.DSN(), "--data-dir", dataDir); code != 0 {
		t.Fatalf("backup: %d %s%s", code, out, errs)
	}
	raw, _ := os.ReadFile(good)
	damaged := filepath.Join(t.TempDir(), "damaged.tar")
	bad := slices.Clone(raw)
	bad[len(bad)/2] ^= 0xff // inside the gzipped database
	os.WriteFile(damaged, bad, 0o600)
	cut := filepath.Join(t.TempDir(), "cut.tar")
	os.WriteFile(cut, raw[:len(raw)/2], 0o600)
	// A forged backup whose manifest lists a path out of the data folder.
	forged := filepath.Join(t.TempDir(), "forged.tar")
	{
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		man := fmt.Sprintf(`{"format":"danchu-backup","version":1,"engine":"postgres","files":[{"path":"uploads/files/../../../../etc/cron.d/x","size":1,"sha256":"%s"}],"files_bytes":1}`, sha([]byte("x")))
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "manifest.json", Size: int64(len(man)), Mode: 0o600})
		tw.Write([]byte(man))
		tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "uploads/files/../../../../etc/cron.d/x", Size: 1, Mode: 0o600})
		tw.Write([]byte("x"))
		tw.Close()
		os.WriteFile(forged, buf.Bytes(), 0o600)
	}
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "danchu.db"), []byte("x"), 0o600)
	fresh := func() []string {
		to := filepath.Join(t.TempDir(), "d")
		return []string{"--db", "sqlite:" + filepath.Join(to, "danchu.db"), "--data-dir", to}
	}
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"ExistingOut", []string{"backup", "--out", good, "--db", d.DSN(), "--data-dir", dataDir}, 1, "add --force to overwrite"},
		{"NoOut", []string{"backup", "--db", d.DSN()}, 2, "usage: danchu backup --out FILE"},
		{"NoDatabase", []string{"backup", "--out", filepath.Join(t.TempDir(), "x.tar"), "--db", "sqlite:" + filepath.Join(t.TempDir(), "none.db")}, 1, "no SQLite database"},
		{"NonEmptyTarget", append([]string{"restore", good}, "--db", "sqlite:"+filepath.Join(full, "danchu.db"), "--data-dir", full), 1, "is not empty: restore only into an empty or absent folder"},
		{"Damaged", append([]string{"restore", damaged}, fresh()...), 1, "is damaged: database/danchu.db.gz"},
		{"Cut", append([]string{"restore", cut}, fresh()...), 1, "cut short"},
		{"Traversal", append([]string{"restore", forged, "--files-only"}, fresh()...), 1, "manifest.json is invalid"},
		{"PostgresNeedsFilesOnly", []string{"restore", good, "--db", "postgres://u@127.0.0.1:1/x", "--data-dir", filepath.Join(t.TempDir(), "d")}, 1, "add --files-only"},
		{"NoFile", append([]string{"restore"}, fresh()...), 2, "usage: danchu restore FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errs := run(t, ctx, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s", code, tt.code, out, errs)
			}
			if tt.code == 1 {
				if lines := strings.Split(strings.TrimSpace(errs), "\n"); len(lines) != 1 || !strings.Contains(errs, " / ") {
					t.Errorf("want one Vietnamese / English line, got %q", errs)
				}
			}
		})
	}
	if _, err := os.Stat("/etc/cron.d/x"); err == nil {
		t.Error("the forged entry was written")
	}
	if b, _ := os.ReadFile(filepath.Join(full, "danchu.db")); string(b) != "x" {
		t.Error("restore wrote over a database")
	}
}

// pgTool finds a PostgreSQL client program: the newest under
// /usr/lib/postgresql/*/bin, else on PATH.
func pgTool(t *testing.T, name string) string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.Sort(dirs)
	for i := len(dirs) - 1; i >= 0; i-- {
		if p := filepath.Join(dirs[i], name); fileExists(p) {
			return p
		}
	}
	if p, err := osexec.LookPath(name); err == nil {
		return p
	}
	if os.Getenv("DANCHU_REQUIRE_POSTGRES") == "1" {
		t.Fatalf("%s not found and DANCHU_REQUIRE_POSTGRES=1", name)
	}
	t.Skipf("%s not found: the PostgreSQL recipe is not tried", name)
	return ""
}

// The documented PostgreSQL recipe (docs/OPERATIONS.md), for real on the test
// server while writes arrive: pg_dump -Fc, then danchu backup (the files);
// pg_restore into a new empty database, danchu restore --files-only, danchu
// verify. Every blob the restored rows name is there with its bytes, every
// write acknowledged before pg_dump started is restored, and every restored
// row is the live database's (but in the tables the load changes in place).
func TestPostgresBackupRecipe(t *testing.T) {
	base := os.Getenv("DANCHU_TEST_POSTGRES")
	if base == "" {
		if os.Getenv("DANCHU_REQUIRE_POSTGRES") == "1" {
			t.Fatal("DANCHU_TEST_POSTGRES is not set and DANCHU_REQUIRE_POSTGRES=1")
		}
		t.Skip("DANCHU_TEST_POSTGRES is not set")
	}
	pgDump, pgRestore := pgTool(t, "pg_dump"), pgTool(t, "pg_restore")
	ctx := context.Background()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	dsnOf := func(name string) string {
		u, _ := url.Parse(base)
		u.Path = "/" + name
		return u.String()
	}
	var names []string
	for _, suffix := range []string{"src", "dst"} {
		name := fmt.Sprintf("danchu_backup_%d_%s", os.Getpid(), suffix)
		admin.ExecContext(ctx, "drop database if exists "+name)
		if _, err := admin.ExecContext(ctx, "create database "+name); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { admin.ExecContext(context.Background(), "drop database if exists "+name+" with (force)") })
		names = append(names, name)
	}
	src, dst := dsnOf(names[0]), dsnOf(names[1])
	d, err := db.Open(ctx, src, db.Options{MaxOpenConns: 8})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	dataDir := t.TempDir()
	logs := &logBuffer{}
	a, srv := siteWith(t, d, &config.Config{DataDir: dataDir, LimitWrites: 1_000_000, LimitSignIn: 1_000_000}, logs)
	got := &acks{}
	stop := make(chan struct{})
	wg := load(t, a, srv, logs, got, stop)
	waitFor(t, "the first writes", func() bool {
		return got.count("feedback") >= 3 && got.count("comment") >= 3 && got.count("disclosure") >= 3
	})
	dir := t.TempDir()
	dump, files := filepath.Join(dir, "danchu.dump"), filepath.Join(dir, "files.tar")
	start := time.Now()
	if out, err := osexec.Command(pgDump, "-Fc", "-f", dump, src).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	code, out, errs := run(t, ctx, "backup", "--out", files, "--db", src, "--data-dir", dataDir)
	if code != 0 || !strings.Contains(out, "pg_dump -Fc") || !strings.Contains(out, "--files-only") {
		t.Fatalf("danchu backup on PostgreSQL: exit %d\n%s%s", code, out, errs)
	}
	n := got.count("")
	waitFor(t, "writes after the backup", func() bool { return got.count("") >= n+3 })
	close(stop)
	wg.Wait()
	if len(got.fail) > 0 {
		t.Fatalf("%d writes failed, first: %s", len(got.fail), got.fail[0])
	}

	if out, err := osexec.Command(pgRestore, "--no-owner", "-d", dst, dump).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}
	to := filepath.Join(t.TempDir(), "restored")
	if code, out, errs := run(t, ctx, "restore", files, "--db", dst, "--data-dir", to); code != 1 || !strings.Contains(errs, "--files-only") {
		t.Errorf("restore without --files-only on PostgreSQL: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, ctx, "restore", files, "--files-only", "--db", dst, "--data-dir", to); code != 0 {
		t.Fatalf("danchu restore --files-only: exit %d\n%s%s", code, out, errs)
	}
	if code, out, errs := run(t, ctx, "verify", "--db", dst, "--data-dir", to); code != 0 || !strings.Contains(out, "public record OK") {
		t.Errorf("danchu verify after the recipe: exit %d\n%s%s", code, out, errs)
	}
	live, err := sql.Open("pgx", src)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	restored, err := sql.Open("pgx", dst)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	liveRows, have := db.DumpTables(t, live, db.Postgres), db.DumpTables(t, restored, db.Postgres)
	if len(have) != len(liveRows) || len(have) < 40 {
		t.Fatalf("%d tables restored, %d live", len(have), len(liveRows))
	}
	rows := 0
	for table, hv := range have {
		rows += len(hv)
		for _, row := range hv {
			if _, found := slices.BinarySearch(liveRows[table], row); !found && inPlace[table] == "" {
				t.Errorf("table %s: a restored row is not in the live database: %.300s", table, row)
				break
			}
		}
	}
	before := 0
	for _, x := range got.snapshot() {
		if !x.acked.Before(start) {
			continue
		}
		before++
		q := map[string]string{"feedback": "select count(*) from feedback_items where code = $1",
			"comment": "select count(*) from consultation_comments where body = $1", "disclosure": "select count(*) from disclosures where id = $1"}[x.kind]
		var c int
		if err := restored.QueryRow(q, x.ref).Scan(&c); err != nil || c != 1 {
			t.Errorf("%s %s acknowledged before pg_dump: %d restored (%v)", x.kind, x.ref, c, err)
		}
	}
	blobs := 0
	for _, ref := range []struct{ q, dir string }{{"select sha256 from feedback_photos", "photos"}, {"select sha256 from disclosure_files", "files"}} {
		rs, err := restored.Query(ref.q)
		if err != nil {
			t.Fatal(err)
		}
		for rs.Next() {
			var s string
			rs.Scan(&s)
			p := filepath.Join("uploads", ref.dir, s[:2], s[2:4], s)
			b, err := os.ReadFile(filepath.Join(to, p))
			l, _ := os.ReadFile(filepath.Join(dataDir, p))
			if err != nil || sha(b) != s || !bytes.Equal(b, l) {
				t.Errorf("blob %s named by a restored row: %v", p, err)
			}
			blobs++
		}
		rs.Close()
	}
	if before < 9 || blobs < 6 {
		t.Errorf("too little load: %d writes before pg_dump, %d blobs", before, blobs)
	}
	t.Logf("pg_dump + danchu backup under load, pg_restore + danchu restore --files-only: %d tables, %d rows restored, %d writes acknowledged before pg_dump all there, %d blobs named by restored rows all there",
		len(have), rows, before, blobs)
}
