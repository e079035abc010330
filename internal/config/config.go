// Package config reads danchu's settings from flags with DANCHU_* environment
// fallbacks and checks them at start, with errors that say what to fix.
package config

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"danchu/internal/apperr"
)

// Config is what `danchu serve` and the other subcommands need.
type Config struct {
	Addr      string // listen address
	DB        string // sqlite:PATH or postgres://…
	DataDir   string // uploads and the default SQLite file
	Demo      bool   // load demo data into an empty database
	Node      int    // node number for ID generation when several servers share a database
	LogFormat string // text or json
}

// Register defines the flags on fs, with defaults from getenv.
func Register(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{}
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	node, _ := strconv.Atoi(env("DANCHU_NODE", "0"))
	fs.StringVar(&c.Addr, "addr", env("DANCHU_ADDR", "127.0.0.1:8080"), "listen address (DANCHU_ADDR)")
	fs.StringVar(&c.DB, "db", env("DANCHU_DB", "sqlite:./danchu-data/danchu.db"), "database: sqlite:PATH or postgres://user:pass@host/db (DANCHU_DB)")
	fs.StringVar(&c.DataDir, "data-dir", env("DANCHU_DATA_DIR", "./danchu-data"), "folder for uploaded files (DANCHU_DATA_DIR)")
	fs.IntVar(&c.Node, "node", node, "node number 0–1023, distinct for each server sharing one database (DANCHU_NODE)")
	fs.StringVar(&c.LogFormat, "log-format", env("DANCHU_LOG_FORMAT", "text"), "log format: text or json (DANCHU_LOG_FORMAT)")
	return c
}

// CheckDataDir makes sure the data folder exists and can be written to.
func (c *Config) CheckDataDir() error {
	fail := func(err error) error {
		return &apperr.ConfigError{
			VI: fmt.Sprintf("không ghi được vào thư mục dữ liệu %s (%v) — chọn --data-dir ở nơi có quyền ghi", c.DataDir, err),
			EN: fmt.Sprintf("cannot write to data folder %s (%v) — choose a writable --data-dir", c.DataDir, err),
		}
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fail(err)
	}
	f, err := os.CreateTemp(c.DataDir, ".write-check-*")
	if err != nil {
		return fail(err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Check validates the settings that do not need the network or the database.
func (c *Config) Check() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return &apperr.ConfigError{
			VI: fmt.Sprintf("--log-format=%q không hợp lệ; dùng text hoặc json", c.LogFormat),
			EN: fmt.Sprintf("invalid --log-format=%q; use text or json", c.LogFormat),
		}
	}
	return nil
}

// UploadsDir is where uploaded files go.
func (c *Config) UploadsDir() string { return filepath.Join(c.DataDir, "uploads") }
