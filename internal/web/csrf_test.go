package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var (
	formTag    = regexp.MustCompile(`(?is)<form\b[^>]*>(.*?)</form>`)
	postMethod = regexp.MustCompile(`(?i)^<form\b[^>]*\bmethod="post"`)
	csrfCall   = regexp.MustCompile(`\{\{-?\s*template "csrf" (\$|\.)\s*-?\}\}`)
)

// TestFormsUseTheCSRFPartial reads every template of every room: each form
// sent by post carries the token through the one partial ({{template "csrf"
// $}}, web/templates/csrf.html), and no template writes the field by hand.
func TestFormsUseTheCSRFPartial(t *testing.T) {
	forms := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(path), "/templates/") {
			return err
		}
		switch filepath.Ext(path) {
		case ".html", ".tmpl", ".page":
		default:
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := string(b)
		if strings.Contains(src, `name="csrf"`) && filepath.ToSlash(path) != "../web/templates/csrf.html" {
			t.Errorf("%s writes the csrf field by hand; use {{template \"csrf\" $}}", path)
		}
		for _, m := range formTag.FindAllStringSubmatchIndex(src, -1) {
			form := src[m[0]:m[1]]
			if !postMethod.MatchString(form) {
				continue
			}
			forms++
			if n := len(csrfCall.FindAllString(form, -1)); n != 1 {
				line := strings.Count(src[:m[0]], "\n") + 1
				t.Errorf("%s:%d: a post form with %d {{template \"csrf\" $}} (want one)", path, line, n)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if forms < 30 {
		t.Errorf("found %d post forms; the walk missed the rooms' templates", forms)
	}
}
