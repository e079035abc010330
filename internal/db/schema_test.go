package db_test

import (
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"danchu/internal/db"
)

// schema describes the schema d is migrated into, one line per column,
// primary key and index, in words that mean the same on both engines: types
// as declared (SQLite keeps the declared name), defaults without PostgreSQL's casts, index predicates as their words.
// Full-text search is engine-specific (SQLite FTS5 tables and triggers, a
// PostgreSQL GIN index) and left out, and so is schema_migrations, which the
// loader makes (Migrate), not a migration.
func schema(t *testing.T, d *db.DB) []string {
	t.Helper()
	var out []string
	q := func(query string, args ...any) *sql.Rows {
		t.Helper()
		rows, err := d.Query(query, args...)
		if err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return rows
	}
	scan := func(rows *sql.Rows, dest ...any) bool {
		t.Helper()
		if rows.Next() {
			if err := rows.Scan(dest...); err != nil {
				t.Fatal(err)
			}
			return true
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		return false
	}
	col := func(table, name, typ string, notNull bool, def string) {
		out = append(out, fmt.Sprintf("column %s.%s %s%s%s", table, name, typ, map[bool]string{true: " not null"}[notNull], normDefault(def)))
	}
	if d.Dialect == db.SQLite {
		const tables = `m.type = 'table' and m.name not like 'sqlite\_%' escape '\' and m.name not like '%\_fts%' escape '\' and m.name <> 'schema_migrations'`
		pks := map[string][]string{}
		rows := q(`select m.name, p.name, lower(p.type), p."notnull", coalesce(p.dflt_value, ''), p.pk
			from sqlite_master m, pragma_table_info(m.name) p where ` + tables + ` order by m.name, p.pk`)
		for {
			var table, name, typ, def string
			var notNull bool
			var pk int
			if !scan(rows, &table, &name, &typ, &notNull, &def, &pk) {
				break
			}
			// A primary key is not null on PostgreSQL; SQLite lets a NULL into
			// one that is not the rowid (an old quirk it keeps), but every id
			// here comes from db.NewID or the caller's key, never NULL.
			notNull = notNull || pk > 0
			col(table, name, typ, notNull, def)
			if pk > 0 {
				pks[table] = append(pks[table], name)
			}
		}
		for table, cols := range pks {
			out = append(out, fmt.Sprintf("primary key %s (%s)", table, strings.Join(cols, ", ")))
		}
		rows = q(`select m.name, f.id, f."table", group_concat(f."from", ', '), group_concat(f."to", ', ')
			from sqlite_master m, pragma_foreign_key_list(m.name) f where ` + tables + ` group by m.name, f.id`)
		for {
			var table, to, from, cols string
			var id int
			if !scan(rows, &table, &id, &to, &from, &cols) {
				break
			}
			out = append(out, fmt.Sprintf("foreign key %s (%s) references %s (%s)", table, from, to, cols))
		}
		rows = q(`select m.name, il.name, il."unique", il.origin, coalesce(i.sql, ''),
			(select group_concat(coalesce(ii.name, '(expression)'), ', ') from (select name from pragma_index_info(il.name) order by seqno) ii)
			from sqlite_master m, pragma_index_list(m.name) il left join sqlite_master i on i.type = 'index' and i.name = il.name
			where ` + tables + ` and il.origin <> 'pk'`)
		for {
			var table, name, origin, def, cols string
			var unique bool
			if !scan(rows, &table, &name, &unique, &origin, &def, &cols) {
				break
			}
			if origin == "u" { // an inline unique constraint: its name is the engine's
				name = "(constraint)"
			}
			where := ""
			if _, w, ok := strings.Cut(strings.ToLower(def), " where "); ok {
				where = w
			}
			out = append(out, indexLine(table, name, unique, cols, where))
		}
	} else {
		rows := q(`select c.table_name, c.column_name, c.data_type, c.is_nullable = 'NO', coalesce(c.column_default, '')
			from information_schema.columns c join information_schema.tables t using (table_schema, table_name)
			where c.table_schema = current_schema() and t.table_type = 'BASE TABLE' and c.table_name <> 'schema_migrations'`)
		for {
			var table, name, typ, def string
			var notNull bool
			if !scan(rows, &table, &name, &typ, &notNull, &def) {
				break
			}
			col(table, name, typ, notNull, def)
		}
		rows = q(`select t.relname, r.relname,
			(select string_agg(a.attname, ', ' order by k.ord) from unnest(c.conkey) with ordinality k(n, ord)
				join pg_attribute a on a.attrelid = c.conrelid and a.attnum = k.n),
			(select string_agg(a.attname, ', ' order by k.ord) from unnest(c.confkey) with ordinality k(n, ord)
				join pg_attribute a on a.attrelid = c.confrelid and a.attnum = k.n)
			from pg_constraint c join pg_class t on t.oid = c.conrelid join pg_class r on r.oid = c.confrelid
			join pg_namespace n on n.oid = t.relnamespace where c.contype = 'f' and n.nspname = current_schema()`)
		for {
			var table, to, from, cols string
			if !scan(rows, &table, &to, &from, &cols) {
				break
			}
			out = append(out, fmt.Sprintf("foreign key %s (%s) references %s (%s)", table, from, to, cols))
		}
		rows = q(`select t.relname, i.relname, ix.indisunique, ix.indisprimary,
			exists (select 1 from pg_constraint c where c.conindid = ix.indexrelid and c.contype = 'u'),
			coalesce(pg_get_expr(ix.indpred, ix.indrelid, true), ''),
			(select string_agg(pg_get_indexdef(ix.indexrelid, k, true), ', ' order by k) from generate_series(1, ix.indnatts) k),
			am.amname
			from pg_index ix join pg_class i on i.oid = ix.indexrelid join pg_class t on t.oid = ix.indrelid
			join pg_namespace n on n.oid = t.relnamespace join pg_am am on am.oid = i.relam
			where n.nspname = current_schema() and t.relname <> 'schema_migrations'`)
		for {
			var table, name, where, cols, method string
			var unique, primary, constraint bool
			if !scan(rows, &table, &name, &unique, &primary, &constraint, &where, &cols, &method) {
				break
			}
			cols = strings.ReplaceAll(cols, `"`, "") // "position" is quoted
			switch {
			case method == "gin" && strings.Contains(name, "_fts"):
				continue // full-text search
			case primary:
				out = append(out, fmt.Sprintf("primary key %s (%s)", table, cols))
				continue
			case constraint:
				name = "(constraint)"
			}
			out = append(out, indexLine(table, name, unique, cols, where))
		}
	}
	slices.Sort(out)
	return out
}

func normDefault(def string) string {
	if def == "" {
		return ""
	}
	def = regexp.MustCompile(`::[a-z ]+`).ReplaceAllString(strings.ToLower(def), "")
	return " default " + strings.Trim(def, "()")
}

// predicateWord is a word, number, quoted string or comparison of an index predicate.
var predicateWord = regexp.MustCompile(`'[^']*'|[a-z_][a-z0-9_]*|[0-9]+|<>|!=|<=|>=|=|<|>`)

var anyArray = regexp.MustCompile(`=\s*any\s*\(\s*array\[`)

// indexLine names an index; a predicate is kept as its words in order, without
// the casts and the "= any (array[…])" PostgreSQL writes for "in (…)".
func indexLine(table, name string, unique bool, cols, where string) string {
	var words []string
	where = anyArray.ReplaceAllString(strings.ToLower(where), " in (")
	for _, w := range predicateWord.FindAllString(where, -1) {
		switch w {
		case "text", "bigint", "integer", "boolean", "any", "array", "in":
			continue
		case "!=":
			w = "<>"
		}
		words = append(words, w)
	}
	line := fmt.Sprintf("index %s %s (%s)", table, name, cols)
	if unique {
		line = "unique " + line
	}
	if len(words) > 0 {
		line += " where " + strings.Join(words, " ")
	}
	return line
}

// engineSpecific lists, with the reason, the lines one engine has on purpose.
var engineSpecific = map[string]string{
	// SQLite reads a subtree from this covering index alone (about 30% faster on
	// modernc SQLite); PostgreSQL's plan uses the narrow one with collate "C".
	"index units units_path (path, valid_to, id, code, name, type, parent_id, depth, valid_from)": "sqlite",
	"index units units_path (path)": "postgres",
	// SQLite's comments table was rebuilt with "integer primary key" so that the
	// id is the rowid (64 bits there) rather than a second b-tree (0011).
	"column consultation_comments.id integer not null": "sqlite",
	"column consultation_comments.id bigint not null":  "postgres",
}

func TestSchemasMatch(t *testing.T) {
	sq, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(sq) != len(pg) {
		t.Fatalf("%d sqlite migrations, %d postgres", len(sq), len(pg))
	}
	for i := range sq {
		if sq[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i+1, sq[i].Name, pg[i].Name)
		}
	}
	a := schema(t, db.OpenTest(t, db.SQLite))
	b := schema(t, db.OpenTest(t, db.Postgres))
	for _, l := range a {
		if !slices.Contains(b, l) && engineSpecific[l] != "sqlite" {
			t.Errorf("only in sqlite:   %s", l)
		}
	}
	for _, l := range b {
		if !slices.Contains(a, l) && engineSpecific[l] != "postgres" {
			t.Errorf("only in postgres: %s", l)
		}
	}
	for _, want := range []string{"column units.path text not null", "primary key units (id)", "unique index units units_code_current (code) where valid_to is null"} {
		if !slices.Contains(a, want) {
			t.Errorf("schema lacks %q; it has:\n%s", want, strings.Join(a, "\n"))
		}
	}
}
