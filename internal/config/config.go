// Package config reads danchu's settings from flags with DANCHU_* environment
// fallbacks and checks them at start, with errors that say what to fix.
package config

import (
	"flag"
	"fmt"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"danchu/internal/apperr"
)

// Config is what `danchu serve` and the other subcommands need.
type Config struct {
	Addr       string // listen address
	DB         string // sqlite:PATH or postgres://…
	DataDir    string // uploads and the default SQLite file
	Demo       bool   // load demo data into an empty database
	Node       int    // node number for ID generation when several servers share a database
	LogFormat  string // text or json
	BaseURL    string // public address for links in messages; "" means http://ADDR
	SMTP       string // smtp://user:pass@host:587?from=… ; "" writes mail to the log
	Require2FA bool   // officials who publish or decide must use a second factor
	// OpenID Connect provider for citizens' sign-in (VNeID, a province SSO); off when OIDCIssuer is "".
	OIDCName, OIDCIssuer, OIDCClientID, OIDCClientSecret string
	// Rate limits per IP address (and per account), per minute.
	LimitSignIn, LimitWrites int
	// SQLiteSync is "full" (every commit durable, the default) or "normal".
	SQLiteSync string
	// TrustProxy lists the reverse proxies (addresses or CIDR ranges, comma-separated)
	// whose X-Forwarded-For names the client; "" trusts no header.
	TrustProxy string
	// MetricsAddr is a listen address of its own for /metrics (e.g.
	// 127.0.0.1:9090); MetricsToken serves /metrics on the public address to
	// a scraper sending it as a bearer token. Neither: no /metrics.
	MetricsAddr, MetricsToken string
}

// MinMetricsToken is the shortest bearer token for /metrics.
const MinMetricsToken = 32

// Proxies parses TrustProxy.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(c.TrustProxy, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, &apperr.ConfigError{VI: fmt.Sprintf("--trust-proxy: %q không phải địa chỉ IP hay dải CIDR", f),
					EN: fmt.Sprintf("--trust-proxy: %q is not an IP address or CIDR range", f)}
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, &apperr.ConfigError{VI: fmt.Sprintf("--trust-proxy: %q không phải địa chỉ IP hay dải CIDR", f),
				EN: fmt.Sprintf("--trust-proxy: %q is not an IP address or CIDR range", f)}
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// PublicURL is the address people reach the site at, for links in messages.
func (c *Config) PublicURL() string {
	if c.BaseURL != "" {
		return strings.TrimRight(c.BaseURL, "/")
	}
	return "http://" + c.Addr
}

// Register defines the flags on fs, with defaults from getenv.
func Register(fs *flag.FlagSet, getenv func(string) string) *Config {
	c := &Config{}
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	node, _ := strconv.Atoi(env("DANCHU_NODE", "0"))
	fs.StringVar(&c.Addr, "addr", env("DANCHU_ADDR", "127.0.0.1:8080"), "listen address (DANCHU_ADDR)")
	fs.StringVar(&c.DB, "db", env("DANCHU_DB", "sqlite:./danchu-data/danchu.db"), "database: sqlite:PATH or postgres://user:pass@host/db (DANCHU_DB)")
	fs.StringVar(&c.DataDir, "data-dir", env("DANCHU_DATA_DIR", "./danchu-data"), "folder for uploaded files (DANCHU_DATA_DIR)")
	fs.IntVar(&c.Node, "node", node, "node number 0–1023, distinct for each server sharing one database (DANCHU_NODE)")
	fs.StringVar(&c.LogFormat, "log-format", env("DANCHU_LOG_FORMAT", "text"), "log format: text or json (DANCHU_LOG_FORMAT)")
	fs.StringVar(&c.BaseURL, "base-url", env("DANCHU_BASE_URL", ""), "public address for links in e-mail, e.g. https://danchu.hue.gov.vn (DANCHU_BASE_URL)")
	fs.StringVar(&c.SMTP, "smtp", env("DANCHU_SMTP", ""), "mail server smtp://user:pass@host:587?from=danchu@xa.gov.vn; empty: mail is written to the log (DANCHU_SMTP)")
	fs.BoolVar(&c.Require2FA, "require-2fa", env("DANCHU_REQUIRE_2FA", "true") != "false", "officials who publish or decide must use a second factor (DANCHU_REQUIRE_2FA)")
	fs.StringVar(&c.OIDCName, "oidc-name", env("DANCHU_OIDC_NAME", "VNeID"), "name of the OpenID Connect provider shown to citizens (DANCHU_OIDC_NAME)")
	fs.StringVar(&c.OIDCIssuer, "oidc-issuer", env("DANCHU_OIDC_ISSUER", ""), "OpenID Connect issuer URL for citizens' sign-in; empty: off (DANCHU_OIDC_ISSUER)")
	fs.StringVar(&c.OIDCClientID, "oidc-client-id", env("DANCHU_OIDC_CLIENT_ID", ""), "OpenID Connect client ID (DANCHU_OIDC_CLIENT_ID)")
	fs.StringVar(&c.OIDCClientSecret, "oidc-client-secret", env("DANCHU_OIDC_CLIENT_SECRET", ""), "OpenID Connect client secret (DANCHU_OIDC_CLIENT_SECRET)")
	signIn, _ := strconv.Atoi(env("DANCHU_LIMIT_SIGNIN", "20"))
	writes, _ := strconv.Atoi(env("DANCHU_LIMIT_WRITES", "60"))
	fs.StringVar(&c.SQLiteSync, "sqlite-sync", env("DANCHU_SQLITE_SYNC", "full"), "SQLite durability: full (each commit flushed to disk) or normal (DANCHU_SQLITE_SYNC)")
	fs.IntVar(&c.LimitSignIn, "limit-signin", signIn, "sign-in attempts allowed per IP address and minute (DANCHU_LIMIT_SIGNIN)")
	fs.StringVar(&c.TrustProxy, "trust-proxy", env("DANCHU_TRUST_PROXY", ""), "reverse proxies whose X-Forwarded-For names the client, e.g. 127.0.0.1,10.0.0.0/8; empty: none (DANCHU_TRUST_PROXY)")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("DANCHU_METRICS_ADDR", ""), "separate listen address for /metrics, e.g. 127.0.0.1:9090; empty: none (DANCHU_METRICS_ADDR)")
	fs.StringVar(&c.MetricsToken, "metrics-token", env("DANCHU_METRICS_TOKEN", ""), "bearer token that opens /metrics on the public address, at least 32 characters; empty: none (DANCHU_METRICS_TOKEN)")
	fs.IntVar(&c.LimitWrites, "limit-writes", writes, "form posts allowed per IP address (and per account) and minute (DANCHU_LIMIT_WRITES)")
	return c
}

// CheckDataDir makes sure the data folder exists and can be written to.
func (c *Config) CheckDataDir() error {
	fail := func(err error) error {
		return &apperr.ConfigError{
			VI: fmt.Sprintf("không ghi được vào thư mục dữ liệu %s (%v) — chọn --data-dir ở nơi có quyền ghi", c.DataDir, err),
			EN: fmt.Sprintf("cannot write to data folder %s (%v) — choose a writable --data-dir", c.DataDir, err),
		}
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fail(err)
	}
	f, err := os.CreateTemp(c.DataDir, ".write-check-*")
	if err != nil {
		return fail(err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Check validates the settings that do not need the network or the database.
func (c *Config) Check() error {
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return &apperr.ConfigError{
			VI: fmt.Sprintf("--log-format=%q không hợp lệ; dùng text hoặc json", c.LogFormat),
			EN: fmt.Sprintf("invalid --log-format=%q; use text or json", c.LogFormat),
		}
	}
	if c.SQLiteSync != "" && c.SQLiteSync != "full" && c.SQLiteSync != "normal" {
		return &apperr.ConfigError{VI: fmt.Sprintf("--sqlite-sync=%q không hợp lệ; dùng full hoặc normal", c.SQLiteSync),
			EN: fmt.Sprintf("invalid --sqlite-sync=%q; use full or normal", c.SQLiteSync)}
	}
	if c.LimitSignIn < 0 || c.LimitWrites < 0 {
		return &apperr.ConfigError{VI: "--limit-signin và --limit-writes không được âm (0: mặc định)", EN: "--limit-signin and --limit-writes cannot be negative (0: default)"}
	}
	if _, err := c.Proxies(); err != nil {
		return err
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < MinMetricsToken {
		return &apperr.ConfigError{VI: fmt.Sprintf("--metrics-token quá ngắn: cần ít nhất %d ký tự (ví dụ: openssl rand -hex 32)", MinMetricsToken),
			EN: fmt.Sprintf("--metrics-token is too short: at least %d characters (e.g. openssl rand -hex 32)", MinMetricsToken)}
	}
	if c.OIDCIssuer != "" && c.OIDCClientID == "" {
		return &apperr.ConfigError{VI: "có --oidc-issuer thì phải có --oidc-client-id", EN: "--oidc-issuer needs --oidc-client-id"}
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &apperr.ConfigError{
				VI: fmt.Sprintf("--base-url=%q không hợp lệ; dùng dạng https://danchu.tinh.gov.vn", c.BaseURL),
				EN: fmt.Sprintf("invalid --base-url=%q; use https://danchu.example.vn", c.BaseURL),
			}
		}
	}
	return nil
}

// UploadsDir is where uploaded files go.
func (c *Config) UploadsDir() string { return filepath.Join(c.DataDir, "uploads") }
