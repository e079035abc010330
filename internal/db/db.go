package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"danchu/internal/apperr"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the SQL engine behind a DB.
type Dialect string

// The two engines danchu runs on.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is the database handle shared by every store. It is safe for concurrent use.
//
// It reads (QueryContext, QueryRowContext…) but does not write: it has no
// ExecContext, BeginTx or PrepareContext, so that every write goes through
// RunInTx (SQLite's in-process queue, retry of serialization failures) or a
// GroupCommit, never through an autocommit statement that skips both. A read
// method given a statement that writes panics (see checkRead). Migrations,
// the test harness and maintenance commands reach the pool through Raw.
type DB struct {
	pool    *sql.DB
	Dialect Dialect
	// Target is the DSN with any password removed, for logs and messages.
	Target string
	// Now is the clock stores use for timestamps; tests may replace it.
	Now func() time.Time

	ids    *IDGenerator
	dsn    string
	cached *Cached
	// writing queues this process's SQLite transactions in Go: SQLite has one
	// writer, and a transaction finding the file locked would otherwise sleep in
	// SQLite's busy handler (1, 2, 5 … 100 ms) instead of starting the moment
	// the other one commits.
	writing sync.Mutex
}

// DSN is the connection string as given, credentials included: for starting
// another process on the same database (tests), never for logs.
func (d *DB) DSN() string { return d.dsn }

// Options tune Open.
type Options struct {
	// Node distinguishes the processes that share one database, so that the IDs
	// they generate never collide (0–1023).
	Node int
	// MaxOpenConns caps the pool (PostgreSQL default 20, SQLite 3 per CPU).
	MaxOpenConns int
	// SyncFull makes every SQLite commit durable (synchronous=FULL: the WAL is
	// flushed to disk at each commit) instead of synchronous=NORMAL.
	SyncFull bool
}

// Open connects to the database named by dsn and checks that it answers.
//
//	sqlite:PATH            a SQLite file (created if missing), e.g. sqlite:./danchu-data/danchu.db
//	postgres://… or postgresql://…   a PostgreSQL server
func Open(ctx context.Context, dsn string, opt Options) (*DB, error) {
	ids, err := NewIDGenerator(opt.Node)
	if err != nil {
		return nil, err
	}
	d := &DB{Now: time.Now, ids: ids, dsn: dsn}
	d.cached = &Cached{d: d}
	switch {
	case strings.HasPrefix(dsn, "sqlite:"):
		path := strings.TrimPrefix(strings.TrimPrefix(dsn, "sqlite:"), "//")
		if path == "" {
			return nil, &apperr.ConfigError{
				VI: "thiếu đường dẫn tệp SQLite trong --db (ví dụ sqlite:./danchu-data/danchu.db)",
				EN: "missing SQLite file path in --db (e.g. sqlite:./danchu-data/danchu.db)",
			}
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, &apperr.ConfigError{
				VI: fmt.Sprintf("không tạo được thư mục cho tệp SQLite %s: %v — hãy chọn --db ở nơi có quyền ghi", path, err),
				EN: fmt.Sprintf("cannot create the folder of SQLite file %s: %v — choose a writable --db", path, err),
			}
		}
		d.Dialect, d.Target = SQLite, "sqlite:"+path
		d.pool, err = sql.Open("sqlite", sqliteDSN(path, opt.SyncFull))
		if err != nil {
			return nil, fmt.Errorf("open sqlite %s: %w", path, err)
		}
		// Readers run in parallel under WAL; keep their connections open (opening one
		// costs the pragmas and the schema parse), writers queue on the file lock.
		// Three per CPU: each holds its own page cache and schema (with four, the
		// disclosure load left the server at 153 MB; three served as many pages
		// in 139 MB, two cost a third of the detail pages).
		n := opt.MaxOpenConns
		if n <= 0 {
			n = 3 * runtime.NumCPU()
		}
		d.pool.SetMaxOpenConns(n)
		d.pool.SetMaxIdleConns(n)
	case strings.HasPrefix(dsn, "postgres://"), strings.HasPrefix(dsn, "postgresql://"):
		d.Dialect, d.Target = Postgres, redact(dsn)
		d.pool, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, &apperr.ConfigError{
				VI: fmt.Sprintf("DSN PostgreSQL không hợp lệ (%v) — dạng đúng: postgres://user:pass@host:5432/db", err),
				EN: fmt.Sprintf("invalid PostgreSQL DSN (%v) — expected postgres://user:pass@host:5432/db", err),
			}
		}
		n := opt.MaxOpenConns
		if n <= 0 {
			n = 20
		}
		d.pool.SetMaxOpenConns(n)
		d.pool.SetMaxIdleConns(n)
		d.pool.SetConnMaxIdleTime(5 * time.Minute)
	default:
		scheme, _, _ := strings.Cut(dsn, ":")
		return nil, &apperr.ConfigError{
			VI: fmt.Sprintf("không hỗ trợ loại cơ sở dữ liệu %q trong --db; dùng sqlite:ĐƯỜNG_DẪN hoặc postgres://…", scheme),
			EN: fmt.Sprintf("unsupported database scheme %q in --db; use sqlite:PATH or postgres://…", scheme),
		}
	}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := d.PingContext(pctx); err != nil {
		d.Close()
		if d.Dialect == Postgres {
			return nil, &apperr.ConfigError{
				VI: fmt.Sprintf("không kết nối được PostgreSQL %s (%v) — kiểm tra máy chủ đang chạy và --db", d.Target, shortErr(err)),
				EN: fmt.Sprintf("cannot reach PostgreSQL %s (%v) — check the server is running and --db", d.Target, shortErr(err)),
			}
		}
		return nil, &apperr.ConfigError{
			VI: fmt.Sprintf("không mở được tệp SQLite %s (%v) — kiểm tra quyền ghi", d.Target, err),
			EN: fmt.Sprintf("cannot open SQLite file %s (%v) — check it is writable", d.Target, err),
		}
	}
	if d.Dialect == SQLite {
		// A read of the journal mode proves the file is a writable database.
		var mode string
		if err := d.QueryRowContext(pctx, "pragma journal_mode").Scan(&mode); err != nil || mode != "wal" {
			d.Close()
			return nil, &apperr.ConfigError{
				VI: fmt.Sprintf("tệp SQLite %s không dùng được (journal_mode=%s, %v) — kiểm tra quyền ghi thư mục", d.Target, mode, err),
				EN: fmt.Sprintf("SQLite file %s is unusable (journal_mode=%s, %v) — check the folder is writable", d.Target, mode, err),
			}
		}
	}
	return d, nil
}

// sqliteDSN sets the pragmas on every connection: busy_timeout must come before
// journal_mode so that switching to WAL waits for a busy file instead of failing.
func sqliteDSN(path string, full bool) string {
	sync := "NORMAL"
	if full {
		sync = "FULL"
	}
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=foreign_keys(1)&_pragma=synchronous(" + sync + ")&_txlock=immediate"
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "postgres://…"
	}
	return u.Redacted()
}

func shortErr(err error) string {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Message
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && len(s) > 160 {
		return s[i+2:]
	}
	return s
}

// NewID returns a new time-ordered ID, unique across the nodes sharing the database.
func (d *DB) NewID() int64 { return d.ids.Next() }

// NowMillis returns the current time as epoch milliseconds, the stored form of timestamps.
func (d *DB) NowMillis() int64 { return d.Now().UnixMilli() }

// RunInTx runs fn in a transaction and commits it, or rolls back if fn fails.
// Serialization failures (PostgreSQL 40001/40P01, SQLite BUSY) are retried.
// An error that means the database cannot take the write now (UnavailableWait:
// PostgreSQL down, a full disk) is returned as apperr.CodeUnavailable.
func (d *DB) RunInTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return unavailable(d.runInTx(ctx, fn))
}

func (d *DB) runInTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	const attempts = 5
	var err error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(i*i*10) * time.Millisecond):
			}
		}
		err = d.runOnce(ctx, fn)
		if err == nil || !retryable(err) {
			return err
		}
	}
	return err
}

func (d *DB) runOnce(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if d.Dialect == SQLite {
		d.writing.Lock()
		defer d.writing.Unlock()
	}
	tx, err := d.pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "40001" || pgErr.Code == "40P01"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		code := sqErr.Code() & 0xff
		return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
	}
	return false
}

// IsUniqueViolation reports whether err is a unique-constraint failure on either engine.
func IsUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}
