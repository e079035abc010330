package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/db"
)

func TestEngine(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		t.Run("MigrateTwiceAppliesNothing", func(t *testing.T) {
			applied, err := d.Migrate(ctx)
			if err != nil || len(applied) != 0 {
				t.Fatalf("second Migrate applied %v, err %v", applied, err)
			}
		})
		t.Run("PlaceholdersBindByNumber", func(t *testing.T) {
			var a, b string
			if err := d.QueryRow("select $2, $1", "first", "second").Scan(&a, &b); err != nil {
				t.Fatal(err)
			}
			if a != "second" || b != "first" {
				t.Fatalf("got %q %q", a, b)
			}
		})
		t.Run("RollbackOnError", func(t *testing.T) {
			boom := errors.New("boom")
			err := d.RunInTx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.Exec(`insert into units (id, name, name_folded, type, path, depth, valid_from, created_at, updated_at)
					values (1, 'x', 'x', 'tinh', '/1/', 0, '2025-07-01', 0, 0)`); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("RunInTx error = %v, want boom", err)
			}
			var n int
			if err := d.QueryRow("select count(*) from units").Scan(&n); err != nil || n != 0 {
				t.Fatalf("units after rollback = %d (%v), want 0", n, err)
			}
		})
		t.Run("UniqueViolationDetected", func(t *testing.T) {
			ins := `insert into units (id, code, name, name_folded, type, path, depth, valid_from, created_at, updated_at)
				values ($1, '01', 'x', 'x', 'tinh', '/1/', 0, '2025-07-01', 0, 0)`
			if _, err := d.Raw().Exec(ins, d.NewID()); err != nil {
				t.Fatal(err)
			}
			_, err := d.Raw().Exec(ins, d.NewID())
			if !db.IsUniqueViolation(err) {
				t.Fatalf("duplicate code error = %v, want a unique violation", err)
			}
		})
		t.Run("ForeignKeysEnforced", func(t *testing.T) {
			_, err := d.Raw().Exec(`insert into units (id, name, name_folded, type, parent_id, path, depth, valid_from, created_at, updated_at)
				values ($1, 'x', 'x', 'xa', 999, '/1/', 1, '2025-07-01', 0, 0)`, d.NewID())
			if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
				t.Fatalf("insert with unknown parent: %v, want a foreign key violation", err)
			}
		})
	})
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	// A regular file where a folder should be: unwritable even for root.
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, dsn, want string
	}{
		{"UnknownScheme", "mysql://localhost/x", "unsupported database scheme"},
		{"EmptySQLitePath", "sqlite:", "missing SQLite file path"},
		{"UnreachablePostgres", "postgres://nobody@127.0.0.1:1/x?sslmode=disable&connect_timeout=2", "cannot reach PostgreSQL"},
		{"UnwritableSQLite", "sqlite:" + filepath.Join(notDir, "x.db"), "writable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := db.Open(ctx, tt.dsn, db.Options{})
			if err == nil {
				d.Close()
				t.Fatal("Open succeeded")
			}
			var ce *apperr.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %T %v is not a ConfigError", err, err)
			}
			if !strings.Contains(ce.EN, tt.want) || ce.VI == "" || strings.Contains(err.Error(), "\n") {
				t.Fatalf("error = %q, want one line containing %q", err, tt.want)
			}
		})
	}
}

func TestIDsIncreaseAndDifferByNode(t *testing.T) {
	g0, _ := db.NewIDGenerator(0)
	g1, _ := db.NewIDGenerator(1)
	seen := map[int64]bool{}
	var last int64
	for i := 0; i < 20000; i++ {
		a, b := g0.Next(), g1.Next()
		if a <= last {
			t.Fatalf("id %d not above %d", a, last)
		}
		last = a
		if seen[a] || seen[b] || a == b {
			t.Fatalf("duplicate id at %d", i)
		}
		seen[a], seen[b] = true, true
	}
	var ce *apperr.ConfigError
	if _, err := db.NewIDGenerator(1024); !errors.As(err, &ce) || !strings.Contains(ce.EN, "invalid DANCHU_NODE=1024") {
		t.Fatalf("node 1024: %v, want a configuration error", err)
	}
}

// InsertBatches writes every row, across batches, with values that look like
// placeholders kept as text.
func TestInsertBatches(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Raw().ExecContext(ctx, "create table batch_probe (id bigint primary key, note text not null, n integer)"); err != nil {
			t.Fatal(err)
		}
		const n = 250
		var seen []int
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			return d.InsertBatches(ctx, tx, "batch_probe", []string{"id", "note", "n"}, n, func(i int) []any {
				var v any = i
				if i%7 == 0 {
					v = nil
				}
				return []any{int64(i + 1), fmt.Sprintf("giá trị ? và $1 số %d", i), v}
			}, func(done int) { seen = append(seen, done) })
		})
		if err != nil {
			t.Fatal(err)
		}
		var count, nulls int
		var note string
		d.QueryRowContext(ctx, "select count(*), sum(case when n is null then 1 else 0 end) from batch_probe").Scan(&count, &nulls)
		d.QueryRowContext(ctx, "select note from batch_probe where id = 250").Scan(&note)
		if count != n || nulls != 36 || note != "giá trị ? và $1 số 249" || fmt.Sprint(seen) != "[100 200 250]" {
			t.Errorf("count %d, nulls %d, note %q, progress %v", count, nulls, note, seen)
		}
	})
}
