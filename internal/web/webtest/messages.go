package webtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

// Vietnamese is err as a Vietnamese page would show it, for tests that check the
// wording of a service error: the message and each field message ("; field:
// text", or "; field" for a field only marked, in name order) rendered from the catalog in ./locales, which is the
// catalog of the room under test (go test runs in the package's folder), and for
// a key it lacks from the catalogs of the rooms beside it (a guard's refusal
// carries identity's key into every room). An uncoded error or one with a
// literal message reads as err.Error().
func Vietnamese(t testing.TB, err error) string {
	t.Helper()
	var e *apperr.Error
	if !errors.As(err, &e) || e.Msg.Key == "" {
		if err == nil {
			return ""
		}
		return err.Error()
	}
	room := os.DirFS(".")
	if _, err := os.Stat("locales"); err != nil { // a kernel package without messages of its own
		room = fstest.MapFS{"locales/vi.json": {Data: []byte("{}")}, "locales/en.json": {Data: []byte("{}")}}
	}
	cat, lerr := web.LoadCatalog(room)
	if lerr != nil {
		t.Fatalf("catalog of the room under test: %v", lerr)
	}
	others, _ := filepath.Glob(filepath.Join(internalDir(t), "*", "locales", "vi.json"))
	for _, p := range others {
		m := map[string]string{}
		if b, err := os.ReadFile(p); err != nil || json.Unmarshal(b, &m) != nil {
			t.Fatalf("catalog %s: unreadable", p)
		}
		for k, v := range m {
			if _, ok := cat[web.LangVI][k]; !ok {
				cat[web.LangVI][k] = v
			}
		}
	}
	var b strings.Builder
	b.WriteString(cat.T(web.LangVI, e.Msg.Key, e.Msg.Args...))
	names := make([]string, 0, len(e.FieldMsgs))
	for k := range e.FieldMsgs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if m := e.FieldMsgs[k]; m.Key != "" {
			fmt.Fprintf(&b, "; %s: %s", k, cat.T(web.LangVI, m.Key, m.Args...))
		} else {
			fmt.Fprintf(&b, "; %s", k)
		}
	}
	return b.String()
}

// internalDir is the module's internal folder, found from the package under test.
func internalDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "internal")
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("no go.mod above the package under test")
		}
		dir = up
	}
}
