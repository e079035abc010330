package app_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// sqlPending are the files that still hold SQL outside their room's store
// (docs/ARCHITECTURE.md, "Inside a package"), room by room: none is left. The
// list only shrinks: TestSQLOnlyInStores fails on a file that breaks the rule
// and is not here, and on a file here that no longer breaks it.
var sqlPending = []string{}

// sqlExempt are the packages whose SQL is not a room's, with the reason.
var sqlExempt = map[string]string{
	"db":       "the engine layer: its SQL is the dialects' and the migrations'",
	"app":      "wires the rooms; benchcli checkpoints SQLite's WAL",
	"loadtest": "a load generator that seeds and reads its own fixtures",
}

// sqlText is what gives a string literal away as SQL: a statement's head, or a
// fragment (a comparison with a placeholder, a from … where, an order by …).
var sqlText = regexp.MustCompile(`(?is)^\s*select\s*$|^\s*select\s+(distinct\s+)?[\w.*()]+\s*(,|\bfrom\b|$)` +
	`|^\s*with\s+\w+\s+as\s*\(` +
	`|\bselect\b.+\bfrom\b` +
	`|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\bdelete\s+from\b` +
	`|[\w.]+\s*(=|<>|<=|>=)\s*\$\d|[\w.]+\s+[<>]\s*\$\d` +
	`|\blimit\s+\$\d` +
	`|\bfrom\s+\w+(\s+\w+)?\s+(where|join|order|group|limit)\b` +
	`|\border\s+by\s+[\w.]+\s+(asc|desc|limit)\b` +
	`|\bjoin\s+\w+\s+\w+\s+on\s+\w+\.\w+\s*=` +
	`|\bcoalesce\s*\(|\bcount\(\*\)`)

// dbCalls are the methods that reach the database; outside a store they mean
// SQL built elsewhere.
var dbCalls = []string{"QueryContext", "QueryRowContext", "ExecContext", "PrepareContext", "InsertBatches"}

// handlerCalls are what a handler must not touch either: it calls the service.
var handlerCalls = []string{"RunInTx", "Cached", "Raw"}

// sqlViolations lists what in one non-test file breaks the rule: SQL text or a
// database call outside store*.go; in a handler file (http*.go), also the
// service's database handle, a transaction or the db package.
func sqlViolations(fset *token.FileSet, f *ast.File) []string {
	var out []string
	name := filepath.Base(fset.File(f.Pos()).Name())
	handler := strings.HasPrefix(name, "http")
	at := func(n ast.Node, what string) {
		out = append(out, fmt.Sprintf("%d: %s", fset.Position(n.Pos()).Line, what))
	}
	if handler {
		for _, im := range f.Imports {
			if p, _ := strconv.Unquote(im.Path.Value); p == "danchu/internal/db" {
				at(im, "imports the db package")
			}
		}
	}
	ast.Inspect(f, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.BasicLit:
			if n.Kind != token.STRING {
				return true
			}
			if s, err := strconv.Unquote(n.Value); err == nil && sqlText.MatchString(s) {
				at(n, fmt.Sprintf("SQL text %.60q", s))
			}
		case *ast.CallExpr:
			sel, ok := n.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if slices.Contains(dbCalls, sel.Sel.Name) || handler && slices.Contains(handlerCalls, sel.Sel.Name) {
				at(n, "calls "+sel.Sel.Name)
			}
		case *ast.SelectorExpr:
			if handler && n.Sel.Name == "db" {
				at(n, "reaches the service's database handle")
			}
		}
		return true
	})
	return out
}

// Every room keeps its SQL in store*.go: services call the store's helpers,
// handlers call the service only (docs/ARCHITECTURE.md, "Inside a package").
func TestSQLOnlyInStores(t *testing.T) {
	root := filepath.Join("..", "..")
	dirs, err := os.ReadDir(filepath.Join(root, "internal"))
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var breaking []string
	stores, handlers := 0, 0
	for _, d := range dirs {
		if !d.IsDir() || sqlExempt[d.Name()] != "" {
			continue
		}
		files, err := filepath.Glob(filepath.Join(root, "internal", d.Name(), "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range files {
			base := filepath.Base(path)
			if strings.HasSuffix(base, "_test.go") {
				continue
			}
			if strings.HasPrefix(base, "store") {
				stores++
				continue
			}
			if strings.HasPrefix(base, "http") {
				handlers++
			}
			f, err := parser.ParseFile(fset, path, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			rel := "internal/" + d.Name() + "/" + base
			vs := sqlViolations(fset, f)
			if len(vs) > 0 {
				breaking = append(breaking, rel)
			}
			if len(vs) > 0 && !slices.Contains(sqlPending, rel) {
				t.Errorf("%s: SQL or database access outside the room's store (move it to store.go; handlers call the service):\n\t%s",
					rel, strings.Join(vs, "\n\t"))
			}
		}
	}
	for _, p := range sqlPending {
		if !slices.Contains(breaking, p) {
			t.Errorf("%s keeps its SQL in the store now (or is gone): remove it from sqlPending", p)
		}
	}
	if stores < 5 || handlers < 5 {
		t.Errorf("found %d store files and %d handler files: the walk is broken", stores, handlers)
	}
}

// The check sees what it is meant to see: SQL in a handler or a service, a
// handler reaching the database, and nothing in ordinary text.
func TestSQLViolationsDetects(t *testing.T) {
	for _, tc := range []struct {
		file, src string
		want      int
	}{
		{"service.go", `package p; func f() { q("select id from units where id = $1") }`, 1},
		{"service.go", `package p; func f() { q("select " + cols + " from matters where commune_id = $1") }`, 2},
		{"service.go", `package p; func f() { s.comments(ctx, "c.id = $1 and c.author_id = $2") }`, 1},
		{"service.go", `package p; func f() { tx.ExecContext(ctx, x) }`, 1},
		{"service.go", `package p; func f() { s.db.RunInTx(ctx, fn) }`, 0},
		{"http.go", `package p; func f() { find(r.Context(), h.svc.db, id) }`, 1},
		{"http.go", `package p; func f() { h.svc.db.RunInTx(ctx, fn) }`, 2},
		{"http.go", `package p; import "danchu/internal/db"; var _ db.Dialect`, 1},
		{"http.go", `package p; func f() { h.svc.Board(ctx, u, "posted", 30) }`, 0},
		{"store.go", `package p; var q = "update votes set " + col + " = " + col + " + $1 where id = $2"`, 2},
		{"markdown.go", `package p; var r = "<strong>$1</strong>"`, 0},
		{"model.go", `package p; var m = "Chọn một tệp từ máy của bạn, rồi cập nhật."`, 0},
		{"model.go", `package p; var m = "select a file, then update the form"`, 0},
	} {
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, tc.file, tc.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		if got := sqlViolations(fset, f); len(got) != tc.want {
			t.Errorf("%s %s: %d violations %q, want %d", tc.file, tc.src, len(got), got, tc.want)
		}
	}
}
