package apperr_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var verb = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z]`)

// TestMessageKeys reads every package under internal/ and checks each message key
// given to apperr.New and apperr.M: it is a string literal, it is in both the
// vi.json and en.json of the room whose code uses it, and both texts take as
// many arguments as the call passes.
func TestMessageKeys(t *testing.T) {
	catalogs := map[string][2]map[string]string{} // room -> vi, en
	catalog := func(room string) [2]map[string]string {
		if c, ok := catalogs[room]; ok {
			return c
		}
		var c [2]map[string]string
		for i, lang := range []string{"vi", "en"} {
			c[i] = map[string]string{}
			b, err := os.ReadFile(filepath.Join("..", room, "locales", lang+".json"))
			if err == nil {
				err = json.Unmarshal(b, &c[i])
			}
			if err != nil && !os.IsNotExist(err) {
				t.Fatalf("%s/locales/%s.json: %v", room, lang, err)
			}
		}
		catalogs[room] = c
		return c
	}
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		room := strings.Split(filepath.ToSlash(path), "/")[1]
		if room == "apperr" {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			sel, ok := call.Fun.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); !ok || x.Name != "apperr" {
				return true
			}
			at := fset.Position(call.Pos())
			keyArg := map[string]int{"New": 1, "M": 0}
			i, keyed := keyArg[sel.Sel.Name]
			if !keyed {
				return true
			}
			lit, ok := call.Args[i].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: the message key of apperr.%s must be a string literal", at, sel.Sel.Name)
				return true
			}
			key, _ := strconv.Unquote(lit.Value)
			checked++
			c := catalog(room)
			for l, lang := range []string{"vi", "en"} {
				text, ok := c[l][key]
				if !ok {
					t.Errorf("%s: key %q is not in %s/locales/%s.json", at, key, room, lang)
					continue
				}
				if call.Ellipsis.IsValid() {
					continue
				}
				args := len(call.Args) - i - 1
				if n := len(verb.FindAllString(strings.ReplaceAll(text, "%%", ""), -1)); n != args {
					t.Errorf("%s: %s text of %q takes %d arguments, the call passes %d", at, lang, key, n, args)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 100 {
		t.Errorf("only %d message keys found: is the scan reading the rooms?", checked)
	}
}
