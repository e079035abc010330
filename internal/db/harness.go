package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Each runs fn as two subtests, "sqlite" and "postgres", each on a fresh migrated
// database. PostgreSQL comes from DANCHU_TEST_POSTGRES (a DSN) or, failing that, from
// a throwaway cluster the harness starts itself; if neither works the postgres half
// is skipped loudly, or fails when DANCHU_REQUIRE_POSTGRES=1.
func Each(t *testing.T, fn func(t *testing.T, d *DB)) {
	t.Helper()
	t.Run(string(SQLite), func(t *testing.T) { fn(t, OpenTest(t, SQLite)) })
	t.Run(string(Postgres), func(t *testing.T) { fn(t, OpenTest(t, Postgres)) })
}

// EachB is Each for benchmarks.
func EachB(b *testing.B, fn func(b *testing.B, d *DB)) {
	b.Helper()
	b.Run(string(SQLite), func(b *testing.B) { fn(b, OpenTest(b, SQLite)) })
	b.Run(string(Postgres), func(b *testing.B) { fn(b, OpenTest(b, Postgres)) })
}

// OpenTest returns a fresh, migrated database of the given dialect that is removed
// when the test ends.
func OpenTest(tb testing.TB, dialect Dialect) *DB {
	tb.Helper()
	ctx := context.Background()
	var dsn string
	var drop func()
	switch dialect {
	case SQLite:
		dsn = "sqlite:" + filepath.Join(tb.TempDir(), "test.db")
	case Postgres:
		admin, base, err := testPostgres()
		if err != nil {
			if os.Getenv("DANCHU_REQUIRE_POSTGRES") == "1" {
				tb.Fatalf("PostgreSQL required (DANCHU_REQUIRE_POSTGRES=1) but unavailable: %v", err)
			}
			announceSkip(err)
			tb.Skipf("PostgreSQL half SKIPPED: %v", err)
		}
		schema := fmt.Sprintf("t_%d_%d", os.Getpid(), schemaSeq.Add(1))
		if _, err := admin.ExecContext(ctx, "create schema "+schema); err != nil {
			tb.Fatalf("create test schema: %v", err)
		}
		drop = func() { _, _ = admin.ExecContext(ctx, "drop schema "+schema+" cascade") }
		u, _ := url.Parse(base)
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		dsn = u.String()
	default:
		tb.Fatalf("unknown dialect %q", dialect)
	}
	d, err := Open(ctx, dsn, Options{MaxOpenConns: 8})
	if err != nil {
		tb.Fatalf("open test database: %v", err)
	}
	tb.Cleanup(func() {
		d.Close()
		if drop != nil {
			drop()
		}
	})
	if _, err := d.Migrate(ctx); err != nil {
		tb.Fatalf("migrate test database: %v", err)
	}
	return d
}

var (
	schemaSeq  atomic.Int64
	pgOnce     sync.Once
	pgAdmin    *sql.DB
	pgBase     string
	pgErr      error
	skipOnce   sync.Once
	startLimit = 60 * time.Second
	killable   sync.Map // data folders of the durable clusters this process started: KillScratchPostgres may kill them
)

// testPostgres returns an admin connection and the DSN of the test server, starting
// a throwaway cluster on first use when DANCHU_TEST_POSTGRES is not set.
func testPostgres() (*sql.DB, string, error) {
	pgOnce.Do(func() {
		pgBase = os.Getenv("DANCHU_TEST_POSTGRES")
		if pgBase == "" {
			pgBase, pgErr = StartScratchPostgres(false)
			if pgErr != nil {
				return
			}
		}
		pgAdmin, pgErr = sql.Open("pgx", pgBase)
		if pgErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := pgAdmin.PingContext(ctx); err != nil {
			pgErr = fmt.Errorf("cannot reach %s: %w", redact(pgBase), err)
		}
	})
	return pgAdmin, pgBase, pgErr
}

// announceSkip makes the skip visible even when go test hides passing output.
func announceSkip(err error) {
	skipOnce.Do(func() {
		msg := fmt.Sprintf("\n!!! danchu: PostgreSQL half of the store tests SKIPPED (%v).\n"+
			"!!! Set DANCHU_TEST_POSTGRES=postgres://… or install PostgreSQL; DANCHU_REQUIRE_POSTGRES=1 turns this into a failure.\n\n", err)
		fmt.Fprint(os.Stderr, msg)
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprint(tty, msg)
			tty.Close()
		}
	})
}

// StartScratchPostgres runs initdb and pg_ctl in a temporary folder on a free port
// (as the postgres system user when running as root), and leaves a watchdog that
// stops the server and removes the folder once this process has exited. Tests
// want speed (durable false: no fsync); the load tool measures durable commits.
func StartScratchPostgres(durable bool) (string, error) {
	bin, err := postgresBinDir()
	if err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "danchu-pg-")
	if err != nil {
		return "", err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			os.RemoveAll(dir)
			return "", fmt.Errorf("running as root and no postgres system user to run the cluster: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			os.RemoveAll(dir)
			return "", err
		}
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("%s: %w: %s", name, err, lastLines(string(out), 3))
		}
		return nil
	}
	data := filepath.Join(dir, "data")
	if err := run("initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "-N"); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	port, err := freePort()
	if err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	opts := fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s -c max_connections=200", port, dir)
	if !durable {
		opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
	}
	if err := run("pg_ctl", "-D", data, "-o", opts, "-l", filepath.Join(dir, "log"), "-w", "-t", strconv.Itoa(int(startLimit.Seconds())), "start"); err != nil {
		os.RemoveAll(dir)
		return "", err
	}
	script := fmt.Sprintf(`while [ -d /proc/%d ]; do sleep 1; done; %q -D %q -m immediate stop >/dev/null 2>&1; rm -rf %q`,
		os.Getpid(), filepath.Join(bin, "pg_ctl"), data, dir)
	w := exec.Command("/bin/sh", "-c", script)
	w.SysProcAttr = &syscall.SysProcAttr{Credential: cred, Setsid: true}
	if err := w.Start(); err != nil {
		_ = run("pg_ctl", "-D", data, "-m", "immediate", "stop")
		os.RemoveAll(dir)
		return "", fmt.Errorf("start cluster watchdog: %w", err)
	}
	_ = w.Process.Release()
	if durable {
		killable.Store(data, true)
	}
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), nil
}

// KillScratchPostgres kills the postmaster of a cluster that this process
// started with StartScratchPostgres(true) (any other server, the shared test
// server or the tests' own cluster without fsync, is refused) with SIGKILL, as
// a power cut ends it. restart starts it again with the options it ran with (pg_ctl
// restart reads postmaster.opts) once its orphaned backends have let go of the
// shared memory; it returns when the server accepts connections again, its
// write-ahead log replayed.
func KillScratchPostgres(ctx context.Context, dsn string) (restart func() error, err error) {
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	var data string
	err = admin.QueryRowContext(ctx, "show data_directory").Scan(&data)
	admin.Close()
	if err != nil {
		return nil, fmt.Errorf("find the cluster's data folder: %w", err)
	}
	dir := filepath.Dir(data)
	if _, ok := killable.Load(data); !ok {
		return nil, fmt.Errorf("%s is not a cluster this process started with fsync on: it is never killed", data)
	}
	pidText, err := os.ReadFile(filepath.Join(data, "postmaster.pid"))
	if err != nil {
		return nil, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(pidText), "\n", 2)[0]))
	if err != nil || pid <= 1 {
		return nil, fmt.Errorf("postmaster.pid: bad pid %q", pidText)
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		return nil, fmt.Errorf("kill -9 the postmaster %d: %w", pid, err)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || processState(string(stat)) == "Z" {
			break // gone, or a zombie nobody reaps: dead all the same
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the postmaster %d did not die", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
	// A zombie's pid still answers kill(pid, 0): the stale lock file would make
	// pg_ctl and the postmaster think it runs. Its content is what pg_ctl read.
	os.Remove(filepath.Join(data, "postmaster.pid"))
	return func() error { return restartScratch(ctx, dir, data) }, nil
}

func restartScratch(ctx context.Context, dir, data string) error {
	bin, err := postgresBinDir()
	if err != nil {
		return err
	}
	var cred *syscall.Credential
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return err
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	var last string
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, "pg_ctl"), "-D", data, "-l", filepath.Join(dir, "log"), "-w", "-t", "60", "restart")
		cmd.Dir = dir
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		out, err := cmd.CombinedOutput()
		if err == nil {
			return nil
		}
		// "pre-existing shared memory block is still in use": the old
		// backends have not all noticed their postmaster's death yet.
		last = lastLines(string(out), 3)
		os.Remove(filepath.Join(data, "postmaster.pid"))
		time.Sleep(300 * time.Millisecond)
	}
	return fmt.Errorf("restart PostgreSQL after kill -9: %s", last)
}

// processState is the state letter of a /proc/PID/stat line (after the command's parentheses).
func processState(stat string) string {
	i := strings.LastIndexByte(stat, ')')
	if i < 0 || i+3 > len(stat) {
		return ""
	}
	return stat[i+2 : i+3]
}

// postgresBinDir finds initdb on PATH or in the newest /usr/lib/postgresql/*/bin.
func postgresBinDir() (string, error) {
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d, nil
		}
	}
	return "", errors.New("no initdb on PATH or in /usr/lib/postgresql/*/bin")
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// Count runs a count(*) query for a test and fails the test if the query does:
// a refusal test that finds "0 rows changed" must not pass because its query broke.
func Count(tb testing.TB, d *DB, query string, args ...any) int {
	tb.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		tb.Fatalf("%s: %v", query, err)
	}
	return n
}
