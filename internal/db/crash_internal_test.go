package db

import (
	"context"
	"strings"
	"testing"
)

// The state letter comes after the command's parentheses, whatever the
// command holds (a name with spaces or a ')' of its own).
func TestProcessState(t *testing.T) {
	for _, tc := range []struct{ stat, want string }{
		{"3691 (postgres) S 1 3691 3691 0 -1", "S"},
		{"42 (post gres) Z 1 42", "Z"},
		{"7 (a) b)) R 1", "R"},
		{"garbage", ""},
	} {
		if got := processState(tc.stat); got != tc.want {
			t.Errorf("processState(%q) = %q, want %q", tc.stat, got, tc.want)
		}
	}
}

// KillScratchPostgres never kills a server it did not start: the shared test
// server (or the tests' own cluster without fsync) is not one it started durable.
func TestKillScratchPostgresRefusesOthers(t *testing.T) {
	d := OpenTest(t, Postgres)
	_, err := KillScratchPostgres(context.Background(), d.DSN())
	if err == nil || !strings.Contains(err.Error(), "never killed") {
		t.Fatalf("KillScratchPostgres on the shared server: %v, want a refusal", err)
	}
	if n := Count(t, d, "select count(*) from units"); n != 0 {
		t.Fatalf("the server answers no more: %d", n)
	}
}
