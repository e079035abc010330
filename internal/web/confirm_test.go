package web_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// irreversible are the actions of post forms that cannot be undone: closing
// a vote, sending minutes, recognising, annulling, withdrawing or archiving a
// disclosure, publishing a synthesis, revoking a role or a key, locking an
// account. The action is a path (action="/quan-tri/bieu-quyet/{{.ID}}/ket-thuc")
// or a unit's back-office URL built by org.Unit.OfficeURL, whose last part
// names the action (action="{{.Unit.OfficeURL "open311" .ID "thu-hoi"}}").
var irreversible = regexp.MustCompile(`\baction="(?:[^"]*/|\{\{[^}]*")(ket-thuc|gui|cong-nhan|huy-bo|rut|go|tong-hop|thu-hoi|khoa)(?:"\}\})?"`)

var confirmCall = regexp.MustCompile(`\{\{-?\s*template "confirm" `)

// actionVar is a form's action kept in a variable ({{$f := print "/a/" .ID "/b"}}
// … action="{{$f}}"), the way pages tell which form failed.
var actionVar = regexp.MustCompile(`\{\{\$(\w+) := print "([^"]*)" (\S+) "([^"]*)"\}\}`)

// spellActions writes each action="{{$f}}" out as the address its variable holds.
func spellActions(src string) string {
	for _, m := range actionVar.FindAllStringSubmatch(src, -1) {
		src = strings.Replace(src, `action="{{$`+m[1]+`}}"`, `action="`+m[2]+`{{`+m[3]+`}}`+m[4]+`"`, 1)
	}
	return src
}

// TestIrreversibleFormsConfirm reads every template of every room: each form
// of an irreversible action carries the one confirmation box ({{template
// "confirm" …}}, web/templates/confirm.html, checked by web.Confirmed), and no
// template writes the box by hand.
func TestIrreversibleFormsConfirm(t *testing.T) {
	found := 0
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.Contains(filepath.ToSlash(path), "/templates/") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		src := spellActions(string(b))
		if strings.Contains(src, `name="confirm"`) && filepath.ToSlash(path) != "../web/templates/confirm.html" {
			t.Errorf("%s writes the confirmation box by hand; use {{template \"confirm\" …}}", path)
		}
		for _, m := range formTag.FindAllStringIndex(src, -1) {
			form := src[m[0]:m[1]]
			open := form[:strings.Index(form, ">")+1]
			if !irreversible.MatchString(open) {
				continue
			}
			found++
			if !confirmCall.MatchString(form) {
				t.Errorf("%s:%d: %s has no {{template \"confirm\" …}}", path, strings.Count(src[:m[0]], "\n")+1, irreversible.FindString(open))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if found < 9 {
		t.Errorf("found %d irreversible forms; the walk missed some", found)
	}
}
