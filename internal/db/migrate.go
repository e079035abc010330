package db

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered, forward-only schema change.
type Migration struct {
	Version int
	Name    string // NNNN_name.sql, as recorded in schema_migrations
	SQL     string
}

// Migrations returns the embedded migrations of a dialect in order.
//
// They live in one folder, internal/db/migrations: NNNN_name.sql is the same
// for both engines; where the engines need different SQL, the migration is the
// pair NNNN_name.sqlite.sql and NNNN_name.postgres.sql. Either way it is
// recorded in schema_migrations as NNNN_name.sql (the name the two folders of
// before gave it, so an existing database runs nothing again).
func Migrations(dialect Dialect) ([]Migration, error) {
	return loadMigrations(migrationFS, "migrations", dialect)
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+$`)

// loadMigrations reads the migrations of dialect from dir of fsys, refusing a
// folder, a badly named file, a number used twice and a per-engine file
// without its pair, each with what to do about it.
func loadMigrations(fsys fs.FS, dir string, dialect Dialect) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations %s: %w", dir, err)
	}
	const layout = "NNNN_name.sql for both engines, or NNNN_name.sqlite.sql and NNNN_name.postgres.sql where they differ"
	type files struct{ shared, sqlite, postgres string }
	bases := map[string]*files{}
	numbers := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() {
			return nil, fmt.Errorf("internal/db/%s/%s/: migrations live in one folder, internal/db/%s: move each of its files there, as NNNN_name.sql "+
				"if the other engine's file is byte-identical (delete that one), else as NNNN_name.%s.sql", dir, name, dir, name)
		}
		base, ok := strings.CutSuffix(name, ".sql")
		if !ok {
			return nil, fmt.Errorf("internal/db/%s/%s: not a migration; name it %s", dir, name, layout)
		}
		kind := ""
		for _, d := range []Dialect{SQLite, Postgres} {
			if b, ok := strings.CutSuffix(base, "."+string(d)); ok {
				base, kind = b, string(d)
			}
		}
		m := migrationName.FindStringSubmatch(base)
		if m == nil {
			return nil, fmt.Errorf("internal/db/%s/%s: name it %s (lower case, digits and _)", dir, name, layout)
		}
		v, _ := strconv.Atoi(m[1])
		if other, dup := numbers[v]; dup && other != base {
			return nil, fmt.Errorf("internal/db/%s: %s and %s have the same number %04d: renumber one", dir, other, base, v)
		}
		numbers[v] = base
		f := bases[base]
		if f == nil {
			f = &files{}
			bases[base] = f
		}
		switch kind {
		case "":
			f.shared = name
		case string(SQLite):
			f.sqlite = name
		default:
			f.postgres = name
		}
	}
	var ms []Migration
	for base, f := range bases {
		switch {
		case f.shared != "" && (f.sqlite != "" || f.postgres != ""):
			return nil, fmt.Errorf("internal/db/%s: %s is both shared (%s) and per engine: keep one form", dir, base, f.shared)
		case f.shared == "" && (f.sqlite == "" || f.postgres == ""):
			have, miss := base+".sqlite.sql", base+".postgres.sql"
			if f.sqlite == "" {
				have, miss = miss, have
			}
			return nil, fmt.Errorf("internal/db/%s: %s has no %s: a per-engine migration needs both files (or one %s.sql for both)", dir, have, miss, base)
		}
		file := f.shared
		switch {
		case file != "":
		case dialect == SQLite:
			file = f.sqlite
		case dialect == Postgres:
			file = f.postgres
		default:
			return nil, fmt.Errorf("migrations: unknown dialect %q", dialect)
		}
		body, err := fs.ReadFile(fsys, path.Join(dir, file))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", file, err)
		}
		v, _ := strconv.Atoi(base[:4])
		ms = append(ms, Migration{Version: v, Name: base + ".sql", SQL: string(body)})
	}
	// A gap is allowed: migrations written on parallel branches keep the
	// numbers they were given until they are merged.
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
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
