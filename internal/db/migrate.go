package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered, forward-only schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations of a dialect in order.
func Migrations(dialect Dialect) ([]Migration, error) {
	dir := path.Join("migrations", string(dialect))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations %s: %w", dir, err)
	}
	var ms []Migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || !strings.HasSuffix(e.Name(), ".sql") {
			return nil, fmt.Errorf("migration %s: name must be NNNN_name.sql", e.Name())
		}
		body, err := fs.ReadFile(migrationFS, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		ms = append(ms, Migration{Version: v, Name: e.Name(), SQL: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	for i := range ms {
		if ms[i].Version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %04d", ms[i].Name, i+1)
		}
	}
	return ms, nil
}

// Migrate applies the migrations not yet applied, each in its own transaction, and
// returns the names of those it applied. Run it from one process at a time
// (`danchu migrate`); on PostgreSQL an advisory lock keeps concurrent starts safe.
func (d *DB) Migrate(ctx context.Context) ([]string, error) {
	ms, err := Migrations(d.Dialect)
	if err != nil {
		return nil, err
	}
	if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `create table if not exists schema_migrations (
		version integer primary key, name text not null, applied_at bigint not null)`)
		return err
	}); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	var applied []string
	for _, m := range ms {
		did := false
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			if d.Dialect == Postgres {
				if _, err := tx.ExecContext(ctx, "select pg_advisory_xact_lock(7345001)"); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, "select count(*) from schema_migrations where version = $1", m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return err
			}
			did = true
			_, err := tx.ExecContext(ctx, "insert into schema_migrations (version, name, applied_at) values ($1, $2, $3)",
				m.Version, m.Name, d.NowMillis())
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", m.Name, err)
		}
		if did {
			applied = append(applied, m.Name)
		}
	}
	return applied, nil
}
