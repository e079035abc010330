package app

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"danchu/internal/backup"
	"danchu/internal/config"
	"danchu/internal/db"

	"github.com/prometheus/client_golang/prometheus"
)

// pgDumpRecipe is what `danchu backup` prints for a PostgreSQL database, whose
// copy is the operator's (docs/OPERATIONS.md, "Backups").
const pgDumpRecipe = `CSDL PostgreSQL do pg_dump sao lưu; tệp vừa ghi chỉ chứa tệp tải lên.
The PostgreSQL database is pg_dump's to copy; the file just written holds the uploads only.
  1. Trước / first:  pg_dump -Fc -f danchu.dump "$DANCHU_DB"
  2. Sau / then:     danchu backup --out files.tar --db "$DANCHU_DB" --data-dir DIR
Khôi phục / restore (docs/OPERATIONS.md):
  createdb danchu_moi && pg_restore --no-owner -d postgres://…/danchu_moi danchu.dump
  danchu restore files.tar --files-only --db postgres://…/danchu_moi --data-dir THƯ_MỤC_TRỐNG
  danchu verify --db postgres://…/danchu_moi --data-dir THƯ_MỤC_TRỐNG
`

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var out string
	var force bool
	synopsis := "backup --out FILE [--force] [--db DSN] [--data-dir D]"
	cfg, pos, err := flags("backup", synopsis, args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the backup `file` to write (a .tar); refused if it exists, unless --force")
		fs.BoolVar(&force, "force", false, "replace an existing --out file")
	})
	if err != nil {
		return err
	}
	if out == "" || len(pos) > 0 {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", synopsis)
		return errUsage
	}
	d, err := openForBackup(ctx, cfg)
	if err != nil {
		return err
	}
	defer d.Close()
	start := time.Now()
	res, err := backup.Write(ctx, backup.Options{DB: d, DataDir: cfg.DataDir, Out: out, Force: force, DanchuVersion: versionString()})
	if err != nil {
		return err
	}
	printBackup(stdout, out, res, time.Since(start))
	if d.Dialect == db.Postgres {
		fmt.Fprint(stdout, pgDumpRecipe)
	}
	return nil
}

// openForBackup opens the database without migrating it (a backup changes
// nothing) and never makes a SQLite file that is not there.
func openForBackup(ctx context.Context, cfg *config.Config) (*db.DB, error) {
	if err := cfg.Check(); err != nil {
		return nil, err
	}
	if p, ok := strings.CutPrefix(cfg.DB, "sqlite:"); ok {
		p = strings.TrimPrefix(p, "//")
		if _, err := os.Stat(p); err != nil {
			return nil, backup.NoSQLite(p)
		}
	}
	return db.Open(ctx, cfg.DB, db.Options{Node: cfg.Node, MaxOpenConns: 2})
}

func printBackup(w io.Writer, out string, res *backup.Result, took time.Duration) {
	m := res.Manifest
	var rows int64
	for _, n := range m.Tables {
		rows += n
	}
	fmt.Fprintf(w, "Đã sao lưu / backed up: %s — %.1f MB trong / in %.1f s\n", out, float64(res.Size)/(1<<20), took.Seconds())
	if m.Database != nil {
		fmt.Fprintf(w, "  CSDL / database: %.1f MB, %d bảng / tables, %d dòng / rows, sha256 %s\n",
			float64(m.Database.Size)/(1<<20), len(m.Tables), rows, m.Database.SHA256[:16])
	}
	fmt.Fprintf(w, "  tệp tải lên / uploads: %d tệp / files, %.1f MB\n", len(m.Files), float64(m.FilesBytes)/(1<<20))
	if res.Skipped > 0 {
		fmt.Fprintf(w, "  bỏ qua / skipped: %d tệp không phải tệp tải lên (tệp tạm .upload-*, …) / files that are not uploads (temporary .upload-*, …)\n", res.Skipped)
	}
	if len(m.Damaged) > 0 {
		fmt.Fprintf(w, "  CẢNH BÁO / WARNING: %d tệp hỏng, không khớp mã băm, không sao lưu / damaged files (content does not match the hash) left out: %s\n",
			len(m.Damaged), strings.Join(m.Damaged, ", "))
	}
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer, getenv func(string) string) error {
	var filesOnly bool
	synopsis := "restore FILE [--files-only] [--db DSN] [--data-dir D]"
	cfg, pos, err := flags("restore", synopsis, args, stderr, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&filesOnly, "files-only", false, "restore the uploads only (after pg_restore, for PostgreSQL)")
	})
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "Cách dùng / usage: danchu %s\n", synopsis)
		return errUsage
	}
	if err := cfg.Check(); err != nil {
		return err
	}
	o := backup.RestoreOptions{File: pos[0], DataDir: cfg.DataDir, FilesOnly: filesOnly}
	if p, ok := strings.CutPrefix(cfg.DB, "sqlite:"); ok {
		o.DBPath = strings.TrimPrefix(p, "//")
	}
	start := time.Now()
	m, err := backup.Restore(ctx, o)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Đã khôi phục / restored %s (sao lưu lúc / made %s, danchu %s) trong / in %.1f s\n",
		pos[0], m.CreatedAt.Format(time.RFC3339), m.DanchuVersion, time.Since(start).Seconds())
	if !filesOnly && m.Database != nil {
		fmt.Fprintf(stdout, "  CSDL / database: %s (%.1f MB, %d bảng / tables)\n", o.DBPath, float64(m.Database.Size)/(1<<20), len(m.Tables))
	}
	fmt.Fprintf(stdout, "  tệp tải lên / uploads: %d tệp / files, %.1f MB vào / into %s\n", len(m.Files), float64(m.FilesBytes)/(1<<20), cfg.UploadsDir())
	fmt.Fprintf(stdout, "Kiểm tra / check: danchu verify --db %s --data-dir %s\n", redactedDSN(cfg.DB), cfg.DataDir)
	return nil
}

// redactedDSN is a DSN to print: a PostgreSQL password hidden.
func redactedDSN(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return dsn
	}
	if u, err := url.Parse(dsn); err == nil {
		return "'" + u.Redacted() + "'"
	}
	return "…"
}

// backupJob is the scheduled backup of `serve` (--backup-every): a backup
// into the backup folder when the newest there is older than the interval,
// then the oldest beyond --backup-keep removed — only once the new one is
// written. The metrics tell a scraper when the last one succeeded.
type backupJob struct {
	a     *App
	every time.Duration

	mu          sync.Mutex
	lastAttempt time.Time

	lastSuccess, lastFailure, lastSize, lastDuration prometheus.Gauge
	failures                                         prometheus.Counter
}

func newBackupJob(a *App) *backupJob {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
	}
	j := &backupJob{a: a, every: a.Config.BackupEvery,
		lastSuccess:  g("danchu_backup_last_success_timestamp_seconds", "When the newest scheduled backup was made (Unix time; 0: none yet)."),
		lastFailure:  g("danchu_backup_last_failure_timestamp_seconds", "When a scheduled backup last failed (Unix time; 0: never since start)."),
		lastSize:     g("danchu_backup_last_size_bytes", "Size of the newest scheduled backup written by this process."),
		lastDuration: g("danchu_backup_last_duration_seconds", "How long the newest scheduled backup written by this process took."),
		failures:     prometheus.NewCounter(prometheus.CounterOpts{Name: "danchu_backup_failures_total", Help: "Scheduled backups that failed."}),
	}
	if list, err := backup.List(a.Config.BackupFolder()); err == nil && len(list) > 0 {
		j.lastSuccess.Set(float64(list[len(list)-1].At.UnixMilli()) / 1000)
	}
	return j
}

func (j *backupJob) collectors() []prometheus.Collector {
	return []prometheus.Collector{j.lastSuccess, j.lastFailure, j.lastSize, j.lastDuration, j.failures}
}

// checkEvery is how often the job looks whether a backup is due: a restart
// does not put the next backup off by a whole interval.
func (j *backupJob) checkEvery() time.Duration { return min(j.every, time.Minute) }

// retryAfter is how long after a failed attempt the next one is made.
func (j *backupJob) retryAfter() time.Duration { return min(j.every, 5*time.Minute) }

func (j *backupJob) job() Job {
	return Job{Name: "backup", Every: j.checkEvery(), Run: j.run}
}

// run writes a backup if one is due.
func (j *backupJob) run(ctx context.Context) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	dir := j.a.Config.BackupFolder()
	now := j.a.DB.Now()
	list, err := backup.List(dir)
	if err != nil {
		return j.failed(now, fmt.Errorf("backup: list %s: %w", dir, err))
	}
	if len(list) > 0 && now.Sub(list[len(list)-1].At) < j.every {
		return nil
	}
	if !j.lastAttempt.IsZero() && now.Sub(j.lastAttempt) < j.retryAfter() {
		return nil
	}
	j.lastAttempt = now
	out := dir + string(os.PathSeparator) + backup.Name(now)
	start := time.Now()
	res, err := backup.Write(ctx, backup.Options{DB: j.a.DB, DataDir: j.a.Config.DataDir, Out: out, DanchuVersion: versionString(),
		Now: func() time.Time { return now }})
	if err != nil && ctx.Err() != nil {
		return err // stopped with the server: not a failure
	}
	if err != nil {
		return j.failed(now, fmt.Errorf("backup %s: %s", out, backup.Message(err)))
	}
	took := time.Since(start)
	j.lastSuccess.Set(float64(now.UnixMilli()) / 1000)
	j.lastSize.Set(float64(res.Size))
	j.lastDuration.Set(took.Seconds())
	j.lastAttempt = time.Time{}
	removed, err := backup.Prune(dir, j.a.Config.KeepBackups(), now)
	log := j.a.Log.With("job", "backup")
	log.InfoContext(ctx, "backup written", "file", out, "bytes", res.Size, "files", len(res.Manifest.Files),
		"took", took.Round(time.Millisecond).String(), "removed", len(removed))
	if len(res.Manifest.Damaged) > 0 {
		log.WarnContext(ctx, "backup left out damaged files (content does not match the hash): run danchu verify", "damaged", res.Manifest.Damaged)
	}
	if j.a.DB.Dialect == db.Postgres {
		log.WarnContext(ctx, "the scheduled backup holds the uploads only: the PostgreSQL database needs its own pg_dump (docs/OPERATIONS.md)")
	}
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: remove old backups in %s: %w", dir, err)
	}
	return nil
}

func (j *backupJob) failed(now time.Time, err error) error {
	j.failures.Inc()
	j.lastFailure.Set(float64(now.UnixMilli()) / 1000)
	return err
}
