package db_test

import (
	"context"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"danchu/internal/db"
)

// DB reads but has no method that writes outside a transaction: every write
// goes through RunInTx or a GroupCommit. The same holds for the statement cache.
func TestDBHasNoWriteMethods(t *testing.T) {
	for _, typ := range []reflect.Type{reflect.TypeFor[*db.DB](), reflect.TypeFor[*db.Cached]()} {
		var names []string
		for m := range typ.Methods() {
			names = append(names, m.Name)
			for _, bad := range []string{"Exec", "Begin", "Prepare", "Conn"} {
				if strings.HasPrefix(m.Name, bad) {
					t.Errorf("%s has method %s: writes must go through RunInTx", typ, m.Name)
				}
			}
		}
		if typ == reflect.TypeFor[*db.DB]() {
			for _, want := range []string{"QueryContext", "QueryRowContext", "PingContext", "Stats", "Close", "RunInTx", "Raw"} {
				if !slices.Contains(names, want) {
					t.Errorf("%s lacks %s (methods: %v)", typ, want, names)
				}
			}
		}
		for f := range typ.Elem().Fields() {
			if f.Anonymous {
				t.Errorf("%s embeds %s, whose methods would be promoted", typ, f.Type)
			}
		}
	}
}

// A statement that writes, given to a read method, is refused loudly (an
// "update … returning" through QueryRowContext would skip RunInTx), on the
// DB and on its statement cache; a read with a leading comment passes.
func TestReadMethodsRefuseWrites(t *testing.T) {
	d := db.OpenTest(t, db.SQLite)
	ctx := context.Background()
	for _, q := range []string{
		"update units set name = name",
		"  \n\tINSERT into units (id) values (1)",
		"-- a comment\ndelete from units",
		"/* x */ (delete from units)",
		"create table x (a int)",
		"analyze",
	} {
		for name, call := range map[string]func(){
			"QueryContext":           func() { d.QueryContext(ctx, q) },
			"QueryRowContext":        func() { d.QueryRowContext(ctx, q) },
			"Cached.QueryContext":    func() { d.Cached().QueryContext(ctx, q) },
			"Cached.QueryRowContext": func() { d.Cached().QueryRowContext(ctx, q) },
		} {
			func() {
				defer func() {
					if p := recover(); p == nil || !strings.Contains(p.(string), "RunInTx") {
						t.Errorf("%s(%q): recovered %v, want a panic naming RunInTx", name, q, p)
					}
				}()
				call()
			}()
		}
	}
	var n int
	if err := d.QueryRowContext(ctx, "-- units\n  select count(*) from units").Scan(&n); err != nil {
		t.Errorf("a read with a leading comment: %v", err)
	}
	if err := d.QueryRowContext(ctx, "with u as (select id from units) select count(*) from u").Scan(&n); err != nil {
		t.Errorf("a read with a common table expression: %v", err)
	}
}

// rawAllowed are the non-test files that may use the raw pool (DB.Raw), each
// for a reason given there.
var rawAllowed = []string{
	"internal/app/app.go",      // the pool's metrics collector (reads Stats only)
	"internal/app/benchcli.go", // SQLite's WAL checkpoint, which cannot run in a transaction
}

// Raw, the one way around RunInTx, is used only where it is listed.
func TestRawOnlyWhereAllowed(t *testing.T) {
	root := filepath.Join("..", "..")
	var found []string
	err := filepath.WalkDir(root, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() && (e.Name() == "testdata" || strings.HasPrefix(e.Name(), ".")) && path != root {
			return filepath.SkipDir
		}
		if e.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, "internal/db/") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok && sel.Sel.Name == "Raw" {
				found = append(found, rel)
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range found {
		if !slices.Contains(rawAllowed, f) {
			t.Errorf("%s uses DB.Raw, which writes without RunInTx's queue and retry; write in RunInTx, or add the file to rawAllowed with its reason", f)
		}
	}
	if len(found) == 0 {
		t.Error("found no use of Raw at all: the walk is broken")
	}
}
