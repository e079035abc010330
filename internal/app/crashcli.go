package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"danchu/internal/config"
	"danchu/internal/db"
	"danchu/internal/loadtest"
	"danchu/internal/org"
)

// benchCrash is `danchu bench --scenarios crash`: the fixtures on a fresh
// database (engine: sqlite, postgres for a private cluster, or a URL), then
// the crash cycles against `danchu serve` run as another process.
func benchCrash(ctx context.Context, engine, dir, server string, cycles int, seed uint64, keyless bool, killPG int, stdout, stderr io.Writer) error {
	work := dir
	if work == "" {
		var err error
		if work, err = os.MkdirTemp("", "danchu-crash-*"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	dsn := "sqlite:" + filepath.Join(work, "crash.db")
	c := CrashConfig{Cycles: cycles, Seed: seed, Keyless: keyless}
	switch {
	case engine == "postgres":
		var err error
		if dsn, err = db.StartScratchPostgres(true); err != nil {
			return fmt.Errorf("start a PostgreSQL cluster for the run: %w", err)
		}
		c.KillDatabaseEvery = killPG // this process's own cluster, fsync on: its postmaster may be killed too
	case strings.HasPrefix(engine, "postgres://"):
		dsn = engine
	case engine != "sqlite":
		return &badInput{"--db phải là sqlite, postgres hoặc postgres://… / --db must be sqlite, postgres or postgres://…"}
	}
	exe := server
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	c.Exe, c.DSN, c.DataDir = exe, dsn, work
	sum, _, err := CrashRun(ctx, c, stdout)
	if err != nil {
		return err
	}
	if !sum.OK() {
		return errors.New("crash: an acknowledged write was lost, doubled or altered, or a check failed (see PROBLEM above)")
	}
	return nil
}

// CrashConfig is one crash run's set-up.
type CrashConfig struct {
	Exe, DSN, DataDir string
	Cycles            int
	Seed              uint64 // 0: a new one
	Keyless           bool   // see loadtest.CrashOptions.Keyless
	// KillDatabaseEvery > 0: kill -9 PostgreSQL's postmaster too every that
	// many cycles (only a cluster of StartScratchPostgres).
	KillDatabaseEvery int
}

// CrashRun writes the crash test's fixtures into the empty database c.DSN and
// runs its cycles (loadtest.Crash), then counts the blobs no row references.
func CrashRun(ctx context.Context, c CrashConfig, stdout io.Writer) (loadtest.CrashSummary, loadtest.Recheck, error) {
	if c.Seed == 0 {
		c.Seed = rand.Uint64() >> 1
	}
	cfg := &config.Config{DB: c.DSN, DataDir: c.DataDir, LogFormat: "text", Addr: "127.0.0.1:0"}
	a, err := Open(ctx, cfg, NewLogger(io.Discard, "text"))
	if err != nil {
		return loadtest.CrashSummary{}, nil, err
	}
	var have int
	if err := a.DB.QueryRowContext(ctx, "select count(*) from units").Scan(&have); err != nil || have > 0 {
		a.Close()
		return loadtest.CrashSummary{}, nil, &badInput{fmt.Sprintf("cơ sở dữ liệu %s đã có dữ liệu (%d đơn vị); hãy dùng một cơ sở dữ liệu trống / the database already holds data (%d units): give an empty one (%v)",
			a.DB.Target, have, have, err)}
	}
	start := time.Now()
	if _, err := a.Units.ImportUnits(ctx, bytes.NewReader(org.OfficialList), nil); err != nil {
		a.Close()
		return loadtest.CrashSummary{}, nil, err
	}
	target, err := loadtest.GenerateCrashTarget(ctx, a.DB, a.Units, max(2000, 400*c.Cycles))
	if err != nil {
		a.Close()
		return loadtest.CrashSummary{}, nil, err
	}
	dialect := a.DB.Dialect
	a.Close()
	fmt.Fprintf(stdout, "crash: fixtures in %s (%s, %s)\n", time.Since(start).Round(time.Millisecond), dialect, a.DB.Target)
	args := []string{"--db", c.DSN, "--data-dir", c.DataDir, "--limit-writes", "1000000"}
	sum, recheck, err := loadtest.Crash(ctx, target, loadtest.CrashOptions{Exe: c.Exe, ServerArgs: args, DSN: c.DSN, UploadsDir: cfg.UploadsDir(),
		Cycles: c.Cycles, Seed: c.Seed, Keyless: c.Keyless, Out: stdout, KillDatabaseEvery: c.KillDatabaseEvery,
		KillDatabase: func(ctx context.Context) (func() error, error) { return db.KillScratchPostgres(ctx, c.DSN) }})
	if err != nil {
		return sum, recheck, err
	}
	orphans, temps, err := loadtest.Orphans(ctx, c.DSN, cfg.UploadsDir())
	if err != nil {
		return sum, recheck, err
	}
	sum.Orphans, sum.TempFiles = orphans, temps
	if help, _ := exec.CommandContext(ctx, c.Exe, "serve", "--help").CombinedOutput(); strings.Contains(string(help), "-orphan-grace") {
		if sum.OrphansAfterGrace, sum.TempFilesAfterGrace, err = collectOrphans(ctx, c, args, cfg.UploadsDir()); err != nil {
			return sum, recheck, err
		}
	}
	fmt.Fprint(stdout, sum)
	fmt.Fprintf(stdout, "crash: seed %d\n", c.Seed)
	return sum, recheck, nil
}

// collectOrphans starts the server with a short --orphan-grace and waits (at
// most a minute) until its collector has removed the blobs no row references
// and temporary upload files, and danchu verify counts none; it returns how
// many of each are left.
func collectOrphans(ctx context.Context, c CrashConfig, args []string, uploads string) (orphans, temps int, err error) {
	srv, err := loadtest.StartServer(ctx, "127.0.0.1:0", c.Exe, append(args, "--orphan-grace", "1s")...)
	if err != nil {
		return 0, 0, fmt.Errorf("start the server with --orphan-grace 1s: %w", err)
	}
	defer srv.Stop()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(500 * time.Millisecond) {
		if orphans, temps, err = loadtest.Orphans(ctx, c.DSN, uploads); err != nil {
			return 0, 0, err
		}
		out, _ := loadtest.Verify(ctx, c.Exe, args)
		if _, unreferenced, ok := loadtest.VerifyFiles(out); orphans == 0 && temps == 0 && (!ok || unreferenced == 0) {
			return 0, 0, nil
		}
	}
	return orphans, temps, nil
}
