package config

import (
	"flag"
	"os"
	"strings"
	"testing"
	"time"
)

func TestPageCacheSize(t *testing.T) {
	tests := []struct {
		value string
		want  int64
	}{
		{"", 32 << 20}, // not set: the default
		{"0", 0},
		{"32MB", 32 << 20},
		{"32mb", 32 << 20},
		{"512KB", 512 << 10},
		{"1G", 1 << 30},
		{"4096", 4096},
		{"100 MB", 100 << 20},
		{"64GB", 64 << 30},
	}
	for _, tt := range tests {
		c := &Config{PageCache: tt.value}
		if got := c.PageCacheBytes(); got != tt.want {
			t.Errorf("%q: %d bytes, want %d", tt.value, got, tt.want)
		}
	}
	for _, bad := range []string{"lots", "32TB", "-1MB", "1.5MB", "65GB", "MB"} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		c, err := Register(fs, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if err := fs.Set("page-cache", bad); err == nil {
			t.Errorf("--page-cache %q accepted (%d bytes)", bad, c.PageCacheBytes())
		} else if c.PageCache != DefaultPageCache {
			t.Errorf("--page-cache %q refused but kept as %q", bad, c.PageCache)
		}
	}
}

// --orphan-grace and DANCHU_ORPHAN_GRACE take a duration from a second to a
// year; anything else is refused with the flag's words, and a Config built
// in code without one has the default.
func TestOrphanGrace(t *testing.T) {
	if got := (&Config{}).Orphans(); got != DefaultOrphanGrace {
		t.Errorf("unset: %v, want %v", got, DefaultOrphanGrace)
	}
	if err := (&Config{DataDir: "x"}).Check(); err != nil {
		t.Errorf("a Config built in code without a grace is refused: %v", err)
	}
	for _, tc := range []struct {
		env  string
		want time.Duration
		ok   bool
	}{
		{"", 24 * time.Hour, true},
		{"2s", 2 * time.Second, true},
		{"30m", 30 * time.Minute, true},
		{"168h", 168 * time.Hour, true},
		{"0", 0, false},
		{"500ms", 0, false},
		{"-1h", 0, false},
		{"9000h", 0, false},
		{"một ngày", 0, false},
	} {
		fs := flag.NewFlagSet("x", flag.ContinueOnError)
		c, err := Register(fs, func(k string) string {
			if k == "DANCHU_ORPHAN_GRACE" {
				return tc.env
			}
			return ""
		})
		if !tc.ok {
			if err == nil || !strings.Contains(err.Error(), "DANCHU_ORPHAN_GRACE") || !strings.Contains(err.Error(), "từ 1s đến 8784h") {
				t.Errorf("%q: err = %v, want a refusal naming the variable and the range", tc.env, err)
			}
			continue
		}
		if err != nil || c.Orphans() != tc.want {
			t.Errorf("%q: %v, %v; want %v", tc.env, c.Orphans(), err, tc.want)
		}
	}
}

// Every flag is in the README's table of settings, with its variable.
func TestREADMEListsEveryFlag(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	// A row: | `--flag`[, `--flag`…] | `DANCHU_…` (or a wildcard, DANCHU_OIDC_*) | default | meaning |
	type row struct{ flags, env string }
	var rows []row
	for _, l := range strings.Split(string(readme), "\n") {
		if cells := strings.Split(l, "|"); strings.HasPrefix(l, "| `--") && len(cells) > 3 {
			rows = append(rows, row{cells[1], strings.Trim(strings.TrimSpace(cells[2]), "`")})
		}
	}
	fs := flag.NewFlagSet("danchu", flag.ContinueOnError)
	if _, err := Register(fs, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	n := 0
	fs.VisitAll(func(f *flag.Flag) {
		n++
		name := "`--" + f.Name + "`"
		for _, r := range rows {
			if strings.Contains(r.flags, name) {
				env := EnvName(f.Name)
				wild, ok := strings.CutSuffix(r.env, "*")
				if r.env != env && !(ok && strings.HasPrefix(env, wild)) {
					t.Errorf("the README's row of %s names %q, not %s", name, r.env, env)
				}
				return
			}
		}
		t.Errorf("the README's table of settings has no row for %s", name)
	})
	if n < 20 {
		t.Fatalf("only %d flags registered", n)
	}
}
