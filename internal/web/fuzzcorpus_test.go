package web

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every seed folder testdata/fuzz/FuzzXxx under internal/ belongs to a fuzz
// target of its package, and every seed file is in the corpus format: go test
// replays the seeds of FuzzXxx only, so a renamed target would leave its
// crashers unreplayed, and a malformed file fails only when fuzzing.
func TestFuzzCorpusHasTargets(t *testing.T) {
	dirs, err := filepath.Glob("../*/testdata/fuzz/Fuzz*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fuzz seeds found under internal/*/testdata/fuzz: %v", err)
	}
	for _, dir := range dirs {
		pkg := filepath.Dir(filepath.Dir(filepath.Dir(dir)))
		target := filepath.Base(dir)
		decl := regexp.MustCompile(`(?m)^func ` + target + `\(f \*testing\.F\)`)
		tests, _ := filepath.Glob(filepath.Join(pkg, "*_test.go"))
		found := false
		for _, f := range tests {
			b, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			found = found || decl.Match(b)
		}
		if !found {
			t.Errorf("%s: no %s in %s's tests", dir, target, pkg)
		}
		seeds, _ := filepath.Glob(filepath.Join(dir, "*"))
		for _, s := range seeds {
			f, err := os.Open(s)
			if err != nil {
				t.Fatal(err)
			}
			line, _ := bufio.NewReader(f).ReadString('\n')
			f.Close()
			if strings.TrimSpace(line) != "go test fuzz v1" {
				t.Errorf("%s: not a seed file (first line %q)", s, line)
			}
		}
	}
}
