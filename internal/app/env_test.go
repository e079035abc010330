package app_test

import (
	"bytes"
	"context"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
)

// TestEnvironmentParsedLikeFlags: a bad value in a DANCHU_* variable stops the
// program with exit 2 and a message that names the variable, as the same value
// given as a flag does — it is never silently read as a default.
func TestEnvironmentParsedLikeFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	garbled := filepath.Join(dir, "garbled.key")
	if err := os.WriteFile(garbled, []byte("k1 not-base64!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	good := map[string]string{
		"DANCHU_DB":       "sqlite:" + filepath.Join(dir, "x.db"),
		"DANCHU_DATA_DIR": dir,
	}
	bad := map[string][]string{
		"DANCHU_ADDR":               {"nowhere", "127.0.0.1:http-alt", "127.0.0.1:70000"},
		"DANCHU_DB":                 {"mysql://x", "sqlite:", "/var/lib/danchu.db"},
		"DANCHU_DATA_DIR":           {filepath.Join(file, "sub")},
		"DANCHU_NODE":               {"seven", "-1", "1024", "1.5", "0x10000"},
		"DANCHU_LOG_FORMAT":         {"xml", "JSON "},
		"DANCHU_BASE_URL":           {"ftp://x", "danchu.hue.gov.vn", "https://"},
		"DANCHU_SMTP":               {"mail.example.vn", "smtp://host:587"},
		"DANCHU_REQUIRE_2FA":        {"maybe", "no", "yes"},
		"DANCHU_OIDC_ISSUER":        {"vneid", "ftp://id.vneid.gov.vn"},
		"DANCHU_LIMIT_SIGNIN":       {"-3", "twenty", "99999999999999999999"},
		"DANCHU_LIMIT_WRITES":       {"-1", "60/min"},
		"DANCHU_SQLITE_SYNC":        {"off", "FULL", "extra"},
		"DANCHU_TRUST_PROXY":        {"proxy.local", "10.0.0.0/33"},
		"DANCHU_METRICS_ADDR":       {"nowhere", "127.0.0.1:99999"},
		"DANCHU_PUBLIC_MAX_AGE":     {"60", "-5s", "1.5s", "25h", "soon"},
		"DANCHU_OPEN311_REPEAT":     {"10", "-1m", "25h", "later"},
		"DANCHU_METRICS_TOKEN":      {"short", "0123456789abcdef0123456789abcde"},
		"DANCHU_PAGE_CACHE":         {"lots", "32TB", "-1MB", "1.5MB", "99999GB", "MB"},
		"DANCHU_PAGE_CACHE_CHECK":   {"1", "-1s", "2m", "soon"},
		"DANCHU_ORPHAN_GRACE":       {"0", "24", "500ms", "-1h", "9000h", "một ngày"},
		"DANCHU_BACKUP_EVERY":       {"30s", "-1h", "daily", "1000h", "24"},
		"DANCHU_BACKUP_KEEP":        {"-1", "seven", "10001"},
		"DANCHU_MASS_FROM":          {"-1", "five", "1001"},
		"DANCHU_ONLINE_RECEPTION":   {"maybe"},
		"DANCHU_VAULT_KEY":          {filepath.Join(dir, "missing.key"), file, garbled},
		"DANCHU_BACKUP_DIR":         nil, // a folder: checked when the first backup is written
		"DANCHU_OIDC_NAME":          nil, // free text: any name is a name
		"DANCHU_OIDC_CLIENT_ID":     nil, // free text, checked with the issuer (below)
		"DANCHU_OIDC_CLIENT_SECRET": nil, // free text
	}
	// Every setting has its variable in the table, so a new one cannot skip it.
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	if _, err := config.Register(fs, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	fs.VisitAll(func(f *flag.Flag) {
		if _, ok := bad[config.EnvName(f.Name)]; !ok {
			t.Errorf("no bad values listed for %s (--%s)", config.EnvName(f.Name), f.Name)
		}
	})
	type tc struct{ name, env, value, want string }
	var cases []tc
	for env, values := range bad {
		for _, v := range values {
			cases = append(cases, tc{env + "=" + v, env, v, env})
		}
	}
	// A setting that is only wrong together with another still names the variable.
	cases = append(cases, tc{"IssuerWithoutClient", "DANCHU_OIDC_ISSUER", "https://id.vneid.gov.vn", "DANCHU_OIDC_CLIENT_ID"})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			env := map[string]string{c.env: c.value}
			for k, v := range good {
				if k != c.env {
					env[k] = v
				}
			}
			var out, errb bytes.Buffer
			code := app.Main(context.Background(), []string{"migrate"}, &out, &errb, func(k string) string { return env[k] })
			errs := errb.String()
			if code != 2 || !strings.Contains(errs, c.want) {
				t.Fatalf("%s=%q: exit %d (want 2), stderr %q (want it to name %s)", c.env, c.value, code, errs, c.want)
			}
			if lines := strings.Split(strings.TrimSpace(errs), "\n"); len(lines) != 1 || !strings.Contains(errs, " / ") {
				t.Errorf("want one Vietnamese / English line, got %q", errs)
			}
		})
	}
}

// TestEnvironmentGoodValues: the values the README documents are read, and a
// flag on the command line wins over its variable.
func TestEnvironmentGoodValues(t *testing.T) {
	env := map[string]string{
		"DANCHU_NODE": "1023", "DANCHU_LOG_FORMAT": "json", "DANCHU_REQUIRE_2FA": "false",
		"DANCHU_LIMIT_SIGNIN": "0", "DANCHU_SQLITE_SYNC": "normal", "DANCHU_ADDR": "[::1]:8080",
		"DANCHU_DB": "postgresql://u:p@db.local:5432/danchu", "DANCHU_TRUST_PROXY": "127.0.0.1, 10.0.0.0/8",
		"DANCHU_PUBLIC_MAX_AGE": "5m", "DANCHU_BACKUP_EVERY": "6h", "DANCHU_BACKUP_KEEP": "14",
		"DANCHU_MASS_FROM": "10", "DANCHU_ONLINE_RECEPTION": "false",
	}
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, err := config.Register(fs, func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--node=5"}); err != nil {
		t.Fatal(err)
	}
	if c.Node != 5 || c.LogFormat != "json" || c.Require2FA || c.LimitSignIn != 0 || c.LimitWrites != 60 ||
		c.SQLiteSync != "normal" || c.Addr != "[::1]:8080" || c.DB != env["DANCHU_DB"] || c.PublicMaxAge != 5*time.Minute ||
		c.BackupEvery != 6*time.Hour || c.KeepBackups() != 14 || c.Mass() != 10 || c.OnlineReception {
		t.Errorf("config = %+v", c)
	}
	if err := c.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
	// The same value refused as a flag, with the same words.
	fs = flag.NewFlagSet("x", flag.ContinueOnError)
	var msg bytes.Buffer
	fs.SetOutput(&msg)
	if _, err := config.Register(fs, func(string) string { return "" }); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--node=seven"}); err == nil || !strings.Contains(err.Error(), "0 đến 1023") {
		t.Errorf("--node=seven: %v", err)
	}
}
