package db

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// TestMigrationLayout: the loader refuses each way a file can be misplaced or
// misnamed, with a message that says what to do.
func TestMigrationLayout(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	good := fstest.MapFS{
		"m/0001_units.sql":          file("create table units (id bigint);"),
		"m/0002_fts.sqlite.sql":     file("sqlite fts"),
		"m/0002_fts.postgres.sql":   file("postgres gin"),
		"m/0036_version_diff.sql":   file("alter table"),
		"m/0003_audit.sqlite.sql":   file("sqlite triggers"),
		"m/0003_audit.postgres.sql": file("plpgsql"),
	}
	for _, d := range []Dialect{SQLite, Postgres} {
		ms, err := loadMigrations(good, "m", d)
		if err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		var names []string
		for _, m := range ms {
			names = append(names, m.Name)
		}
		if got := strings.Join(names, " "); got != "0001_units.sql 0002_fts.sql 0003_audit.sql 0036_version_diff.sql" {
			t.Errorf("%s: names %s", d, got)
		}
		if want := map[Dialect]string{SQLite: "sqlite fts", Postgres: "postgres gin"}[d]; ms[1].SQL != want {
			t.Errorf("%s: 0002 runs %q", d, ms[1].SQL)
		}
	}
	with := func(extra map[string]string) fstest.MapFS {
		fsys := fstest.MapFS{}
		for k, v := range good {
			fsys[k] = v
		}
		for k, v := range extra {
			fsys[k] = file(v)
		}
		return fsys
	}
	bad := []struct {
		name  string
		fsys  fstest.MapFS
		wants string
	}{
		{"OldFolder", with(map[string]string{"m/sqlite/0027_x.sql": "x"}), "migrations live in one folder"},
		{"SameNumber", with(map[string]string{"m/0036_other.sql": "x"}), "0036_other and 0036_version_diff have the same number 0036"},
		{"SameNumberPerEngine", with(map[string]string{"m/0002_other.sqlite.sql": "x", "m/0002_other.postgres.sql": "y"}), "have the same number 0002"},
		{"MissingPair", with(map[string]string{"m/0027_x.sqlite.sql": "x"}), "0027_x.sqlite.sql has no 0027_x.postgres.sql"},
		{"MissingPairPostgres", with(map[string]string{"m/0027_x.postgres.sql": "x"}), "0027_x.postgres.sql has no 0027_x.sqlite.sql"},
		{"SharedAndPerEngine", with(map[string]string{"m/0002_fts.sql": "x"}), "both shared"},
		{"ShortNumber", with(map[string]string{"m/27_x.sql": "x"}), "name it NNNN_name.sql"},
		{"UpperCase", with(map[string]string{"m/0027_Units.sql": "x"}), "name it NNNN_name.sql"},
		{"OtherEngine", with(map[string]string{"m/0027_x.mysql.sql": "x"}), "name it NNNN_name.sql"},
		{"NotSQL", with(map[string]string{"m/README.md": "x"}), "not a migration"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadMigrations(tt.fsys, "m", SQLite)
			if err == nil || !strings.Contains(err.Error(), tt.wants) {
				t.Fatalf("error %v, want one saying %q", err, tt.wants)
			}
		})
	}
}

// TestMigrationNamesStable: the names recorded in schema_migrations are those
// the two folders of before gave, and a per-engine pair is not the same file
// twice (it would be one source of truth no more).
func TestMigrationNamesStable(t *testing.T) {
	before := strings.Fields(`0001_units.sql 0002_units_version.sql 0003_audit.sql 0004_identity.sql 0005_representatives.sql
		0006_calendar.sql 0007_disclosures.sql 0008_board_versions.sql 0009_consultations.sql 0010_outbox.sql 0011_comment_keys.sql
		0012_consultation_closed.sql 0013_decisions.sql 0014_decision_recognition.sql 0015_candidates.sql 0016_convention_draft.sql
		0017_feedback.sql 0018_feedback_handling.sql 0019_open311.sql 0020_feedback_handled.sql 0021_outbox_claim.sql
		0022_write_indexes.sql 0023_feedback_settings.sql 0024_feedback_daily_place.sql 0025_feedback_remind_index.sql
		0026_session_changes.sql`)
	for _, d := range []Dialect{SQLite, Postgres} {
		ms, err := Migrations(d)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) < len(before) {
			t.Fatalf("%s: %d migrations", d, len(ms))
		}
		for i, name := range before {
			if ms[i].Name != name || ms[i].Version != i+1 {
				t.Errorf("%s: migration %d is %d %s, recorded before as %s", d, i+1, ms[i].Version, ms[i].Name, name)
			}
		}
	}
	pairs, err := fs.Glob(migrationFS, "migrations/*.sqlite.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range pairs {
		a, _ := fs.ReadFile(migrationFS, p)
		b, err := fs.ReadFile(migrationFS, strings.TrimSuffix(p, ".sqlite.sql")+".postgres.sql")
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Equal(a, b) {
			t.Errorf("%s and its .postgres.sql are identical: make them one NNNN_name.sql", p)
		}
	}
}
