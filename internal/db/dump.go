package db

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
	"testing"
)

// DumpTables reads every row of every table of conn (a SQLite file opened
// with OpenFile, or a PostgreSQL schema), each row written as text column by
// column, rows sorted: two databases hold the same data when their dumps are
// equal. For tests that compare a restored database with its original.
func DumpTables(tb testing.TB, conn *sql.DB, dialect Dialect) map[string][]string {
	tb.Helper()
	ctx := context.Background()
	var names []string
	var err error
	if dialect == SQLite {
		names, err = sqliteTables(ctx, conn)
	} else {
		names, err = postgresTables(ctx, conn)
	}
	if err != nil {
		tb.Fatal(err)
	}
	out := map[string][]string{}
	for _, n := range names {
		rows, err := conn.QueryContext(ctx, `select * from "`+n+`"`)
		if err != nil {
			tb.Fatalf("dump %s: %v", n, err)
		}
		cols, _ := rows.Columns()
		list := []string{}
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				tb.Fatalf("dump %s: %v", n, err)
			}
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteString(" | ")
				}
				switch v := v.(type) {
				case []byte:
					b.WriteString("x'" + hex.EncodeToString(v) + "'")
				case nil:
					b.WriteString("NULL")
				default:
					fmt.Fprintf(&b, "%T:%v", v, v)
				}
			}
			list = append(list, b.String())
		}
		if err := rows.Err(); err != nil {
			tb.Fatalf("dump %s: %v", n, err)
		}
		rows.Close()
		sort.Strings(list)
		out[n] = list
	}
	return out
}

// OpenFile opens a SQLite file read-only, for DumpTables; the caller closes it.
func OpenFile(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	conn, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		tb.Fatal(err)
	}
	if err := conn.Ping(); err != nil {
		tb.Fatal(err)
	}
	return conn
}

func postgresTables(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, "select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' order by table_name")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	sort.Strings(names)
	return names, rows.Err()
}
