// Package config reads danchu's settings from flags with DANCHU_* environment
// fallbacks and checks them at start, with errors that say what to fix.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

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
	// PublicMaxAge is how long browsers and shared caches may keep an
	// anonymous public page (Cache-Control max-age; 0: revalidate each time).
	PublicMaxAge time.Duration
	// PageCache is the budget of the rendered-page cache, e.g. "32MB", "512KB",
	// "0" (off); "" is DefaultPageCache. PageCacheBytes reads it.
	PageCache string
	// PageCacheCheck is how long a cached page is served before its signature
	// is read again: how late another server's write may show (0: read on
	// every request).
	PageCacheCheck time.Duration
	// OrphanGrace is how long an uploaded file no row references is kept
	// before the collector removes it (and a temporary file left by an
	// interrupted upload); 0 in a Config built in code is DefaultOrphanGrace.
	OrphanGrace time.Duration
	// BackupEvery is how often `serve` writes a backup into BackupDir (0: never);
	// BackupKeep is how many of the newest it keeps there.
	BackupEvery time.Duration
	BackupDir   string // "" is <data-dir>/backups (BackupFolder)
	BackupKeep  int
	// Open311Repeat is how long an Open311 POST without an Idempotency-Key is
	// recognised when the same API key sends the same content again (its
	// answer was lost): the first request's answer, not a second request
	// (0: never).
	Open311Repeat time.Duration
	// VaultKey is the key file of the vault (a denouncer's identity, Luật Tố
	// cáo 2018 Art 47); without it complaints and denunciations are off.
	VaultKey string
	// MassFrom is how many people on one matter make a complaint, a
	// denunciation or a reception visit "đông người" (UNCONFIRMED: 5; 0 in a
	// Config built in code is the default).
	MassFrom int
	// OnlineReception lets a reception session carry a video link (Law
	// 136/2025's online reception, UNCONFIRMED).
	OnlineReception bool
}

// DefaultMassFrom is MassFrom when none is set.
const DefaultMassFrom = 5

// Mass is the mass threshold in force.
func (c *Config) Mass() int {
	if c.MassFrom == 0 {
		return DefaultMassFrom
	}
	return c.MassFrom
}

// DefaultOrphanGrace is the orphan collector's grace when none is set.
const DefaultOrphanGrace = 24 * time.Hour

// Orphans is the orphan collector's grace period.
func (c *Config) Orphans() time.Duration {
	if c.OrphanGrace <= 0 {
		return DefaultOrphanGrace
	}
	return c.OrphanGrace
}

// DefaultBackupKeep is how many scheduled backups are kept when none is set.
const DefaultBackupKeep = 7

// MinBackupEvery is the shortest interval of scheduled backups.
const MinBackupEvery = time.Minute

// KeepBackups is how many scheduled backups are kept (BackupKeep, or its default).
func (c *Config) KeepBackups() int {
	if c.BackupKeep > 0 {
		return c.BackupKeep
	}
	return DefaultBackupKeep
}

// BackupFolder is where scheduled backups go.
func (c *Config) BackupFolder() string {
	if c.BackupDir != "" {
		return c.BackupDir
	}
	return filepath.Join(c.DataDir, "backups")
}

// DefaultPageCache is the page cache's budget when none is set.
const DefaultPageCache = "32MB"

// PageCacheBytes is the page cache's budget in bytes (0: off).
func (c *Config) PageCacheBytes() int64 {
	s := c.PageCache
	if s == "" {
		s = DefaultPageCache
	}
	n, _ := parseSize(s) // checked when set
	return n
}

// maxSize bounds a size setting (64 GB).
const maxSize = 64 << 30

// parseSize reads a number of bytes: digits, then KB, MB or GB (1024-based,
// any case, the B optional) or nothing (bytes).
func parseSize(s string) (int64, *refusal) {
	bad := &refusal{"dùng số byte với KB, MB hoặc GB, ví dụ 32MB; 0 là tắt", "use bytes with KB, MB or GB, e.g. 32MB; 0 is off"}
	t := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30}, {"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(t, u.suffix) {
			t, mult = strings.TrimSpace(strings.TrimSuffix(t, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 || n > maxSize/mult {
		return 0, bad
	}
	return n * mult, nil
}

// MinMetricsToken is the shortest bearer token for /metrics.
const MinMetricsToken = 32

func checkMetricsToken(s string) *refusal {
	if len(s) < MinMetricsToken {
		return &refusal{fmt.Sprintf("quá ngắn: cần ít nhất %d ký tự (ví dụ: openssl rand -hex 32)", MinMetricsToken),
			fmt.Sprintf("is too short: at least %d characters (e.g. openssl rand -hex 32)", MinMetricsToken)}
	}
	return nil
}

// Proxies parses TrustProxy.
func (c *Config) Proxies() ([]netip.Prefix, error) {
	out, r := parseProxies(c.TrustProxy)
	if r != nil {
		return nil, flagError("trust-proxy", r)
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

// Default is the configuration with nothing set.
func Default() *Config {
	return &Config{
		Addr: "127.0.0.1:8080", DB: "sqlite:./danchu-data/danchu.db", DataDir: "./danchu-data", LogFormat: "text",
		Require2FA: true, OIDCName: "VNeID", LimitSignIn: 20, LimitWrites: 60, SQLiteSync: "full",
		PublicMaxAge: 60 * time.Second, PageCache: DefaultPageCache, PageCacheCheck: time.Second, OrphanGrace: DefaultOrphanGrace,
		BackupKeep:    DefaultBackupKeep,
		Open311Repeat: 10 * time.Minute,
		MassFrom:      DefaultMassFrom, OnlineReception: true,
	}
}

// EnvName is the environment variable of a flag: --data-dir is DANCHU_DATA_DIR.
func EnvName(flag string) string {
	return "DANCHU_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// setting is one flag and its variable; value parses and checks it, for the
// command line and the environment alike.
type setting struct {
	name, usage string
	value       flag.Value
	secret      bool // the value may hold a password: never repeat it in a message
}

// settings binds each setting to its field of c.
func (c *Config) settings() []setting {
	return []setting{
		{name: "addr", usage: "listen `address` HOST:PORT", value: &text{p: &c.Addr, check: checkAddr}},
		{name: "db", usage: "`database`: sqlite:PATH or postgres://user:pass@host/db", value: &text{p: &c.DB, check: checkDSN}, secret: true},
		{name: "data-dir", usage: "`folder` for uploaded files", value: &text{p: &c.DataDir, check: nonEmpty}},
		{name: "node", usage: "node `number` 0–1023, distinct for each server sharing one database", value: &number{p: &c.Node, min: 0, max: 1023}},
		{name: "log-format", usage: "log `format`: text or json", value: &text{p: &c.LogFormat, check: oneOf("text", "json")}},
		{name: "base-url", usage: "public `address` for links in e-mail, e.g. https://danchu.hue.gov.vn", value: &text{p: &c.BaseURL, check: checkWebURL("https://danchu.tinh.gov.vn")}},
		{name: "smtp", usage: "mail `server` smtp://user:pass@host:587?from=danchu@xa.gov.vn; empty: mail is written to the log", value: &text{p: &c.SMTP}, secret: true},
		{name: "require-2fa", usage: "officials who publish or decide must use a second factor", value: &boolean{p: &c.Require2FA}},
		{name: "oidc-name", usage: "`name` of the OpenID Connect provider shown to citizens", value: &text{p: &c.OIDCName}},
		{name: "oidc-issuer", usage: "OpenID Connect issuer `URL` for citizens' sign-in; empty: off", value: &text{p: &c.OIDCIssuer, check: checkWebURL("https://sso.vneid.gov.vn")}},
		{name: "oidc-client-id", usage: "OpenID Connect client `ID`", value: &text{p: &c.OIDCClientID}},
		{name: "oidc-client-secret", usage: "OpenID Connect client `secret`", value: &text{p: &c.OIDCClientSecret}, secret: true},
		{name: "sqlite-sync", usage: "SQLite durability `mode`: full (each commit flushed to disk) or normal", value: &text{p: &c.SQLiteSync, check: oneOf("full", "normal")}},
		{name: "limit-signin", usage: "sign-in `attempts` allowed per IP address and minute", value: &number{p: &c.LimitSignIn, min: 0, max: maxLimit}},
		{name: "trust-proxy", usage: "reverse `proxies` whose X-Forwarded-For names the client, e.g. 127.0.0.1,10.0.0.0/8; empty: none", value: &text{p: &c.TrustProxy, check: func(s string) *refusal {
			_, r := parseProxies(s)
			return r
		}}},
		{name: "limit-writes", usage: "form `posts` allowed per IP address (and per account) and minute", value: &number{p: &c.LimitWrites, min: 0, max: maxLimit}},
		{name: "public-max-age", usage: "how long caches may keep an anonymous public page, e.g. 60s or 5m; 0: revalidate each time", value: &duration{p: &c.PublicMaxAge, max: 24 * time.Hour, whole: true}},
		{name: "metrics-addr", usage: "separate listen `address` for /metrics, e.g. 127.0.0.1:9090; empty: none", value: &text{p: &c.MetricsAddr, check: checkAddr}},
		{name: "page-cache", usage: "`size` of the rendered-page cache of public pages, e.g. 32MB, 512KB; 0: off", value: &text{p: &c.PageCache, check: func(s string) *refusal {
			_, r := parseSize(s)
			return r
		}}},
		{name: "page-cache-check", usage: "how long a cached page is served before what it shows is checked again (how late another server's change may show), e.g. 1s; 0: on every request", value: &duration{p: &c.PageCacheCheck, max: time.Minute}},
		{name: "orphan-grace", usage: "how long an uploaded file no record uses (an interrupted upload) is kept before it is removed, e.g. 24h; far above any request's time", value: &grace{p: &c.OrphanGrace}},
		{name: "backup-every", usage: "how often serve writes a backup (database and uploads) into --backup-dir, e.g. 24h or 6h; 0: never", value: &duration{p: &c.BackupEvery, max: 31 * 24 * time.Hour, min: MinBackupEvery}},
		{name: "backup-dir", usage: "`folder` of the scheduled backups, best on another disk; empty: <data-dir>/backups", value: &text{p: &c.BackupDir}},
		{name: "backup-keep", usage: "how many of the newest scheduled backups to keep (0: the default, 7)", value: &number{p: &c.BackupKeep, min: 0, max: 10_000}},
		{name: "open311-repeat", usage: "how long an Open311 POST without an Idempotency-Key, sent again with the same API key and content, answers the first request, e.g. 10m; 0: never", value: &duration{p: &c.Open311Repeat, max: 24 * time.Hour}},
		{name: "mass-from", usage: "how many `people` on one matter make a complaint, a denunciation or a reception visit a mass one (đông người), 0–1000 (0: the default, 5)", value: &number{p: &c.MassFrom, min: 0, max: 1000}},
		{name: "online-reception", usage: "a citizen reception session may carry a video link for online reception", value: &boolean{p: &c.OnlineReception}},
		{name: "vault-key", usage: "key `file` of the vault that seals a denouncer's identity (lines \"ID base64-key\", mode 600; `danchu vault-key FILE` makes one); empty: complaints and denunciations are off", value: &text{p: &c.VaultKey}},
		{name: "metrics-token", usage: "bearer `token` that opens /metrics on the public address, at least 32 characters; empty: none", value: &text{p: &c.MetricsToken, check: checkMetricsToken}, secret: true},
	}
}

const maxLimit = 1_000_000

// Register defines the settings as flags on fs, then sets each one whose
// DANCHU_* variable is not empty through the flag's own parser (fs.Set), so a
// value refused on the command line is refused in the environment with the
// same words. A refused variable is a ConfigError naming it (exit status 2),
// even if the command line also gives the flag: a broken setting is not left
// waiting for the next start. Flags parsed afterwards win over variables.
func Register(fs *flag.FlagSet, getenv func(string) string) (*Config, error) {
	c := Default()
	set := c.settings()
	for _, s := range set {
		fs.Var(s.value, s.name, s.usage+" ("+EnvName(s.name)+")")
	}
	var vi, en []string
	for _, s := range set {
		env := EnvName(s.name)
		v := getenv(env)
		if v == "" {
			continue
		}
		if err := fs.Set(s.name, v); err != nil {
			r := asRefusal(err)
			shown := fmt.Sprintf("%s=%q", env, v)
			if s.secret {
				shown = env
			}
			vi = append(vi, fmt.Sprintf("biến môi trường %s không hợp lệ: %s", shown, r.vi))
			en = append(en, fmt.Sprintf("invalid %s: %s", shown, r.en))
		}
	}
	if len(vi) > 0 {
		return nil, &apperr.ConfigError{VI: strings.Join(vi, "; "), EN: strings.Join(en, "; ")}
	}
	return c, nil
}

// refusal says in both languages why a value is refused.
type refusal struct{ vi, en string }

func (r *refusal) Error() string { return r.vi + " / " + r.en }

func asRefusal(err error) *refusal {
	if r, ok := err.(*refusal); ok {
		return r
	}
	return &refusal{err.Error(), err.Error()}
}

// flagError is a refused setting of a Config built in code.
func flagError(name string, r *refusal) error {
	return &apperr.ConfigError{VI: fmt.Sprintf("--%s (%s): %s", name, EnvName(name), r.vi), EN: fmt.Sprintf("--%s (%s): %s", name, EnvName(name), r.en)}
}

// text is a string setting with an optional check.
type text struct {
	p     *string
	check func(string) *refusal
}

func (v *text) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v *text) Set(s string) error {
	if v.check != nil {
		if r := v.check(s); r != nil {
			return r
		}
	}
	*v.p = s
	return nil
}

// number is a whole number in [min, max], written in decimal.
type number struct {
	p        *int
	min, max int
}

func (v *number) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v *number) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < v.min || n > v.max {
		return &refusal{fmt.Sprintf("phải là số nguyên từ %d đến %d", v.min, v.max), fmt.Sprintf("must be a whole number from %d to %d", v.min, v.max)}
	}
	*v.p = n
	return nil
}

// duration is a time from 0 to max, written as Go writes a duration (60s, 5m,
// 1h30m, 500ms) or as a bare 0; with whole, a whole number of seconds.
type duration struct {
	p     *time.Duration
	max   time.Duration
	whole bool
	min   time.Duration // with min, a value from 0 to min is refused, 0 itself allowed (off)
}

func (v *duration) String() string {
	if v.p == nil {
		return "0s"
	}
	return v.p.String()
}

func (v *duration) Set(s string) error {
	d, err := time.ParseDuration(s)
	if v.whole && (err != nil || d < 0 || d > v.max || d%time.Second != 0) {
		return &refusal{fmt.Sprintf("dùng số giây nguyên từ 0 đến %s, ví dụ 60s hoặc 5m", v.max), fmt.Sprintf("use whole seconds from 0 to %s, e.g. 60s or 5m", v.max)}
	}
	if v.min > 0 && (err != nil || d < 0 || d > v.max || d > 0 && d < v.min) {
		return &refusal{fmt.Sprintf("dùng 0 (tắt) hoặc thời lượng từ %s đến %s, ví dụ 24h hoặc 6h", v.min, v.max),
			fmt.Sprintf("use 0 (off) or a duration from %s to %s, e.g. 24h or 6h", v.min, v.max)}
	}
	if err != nil || d < 0 || d > v.max {
		return &refusal{fmt.Sprintf("dùng thời lượng từ 0 đến %s, ví dụ 1s hoặc 500ms", v.max), fmt.Sprintf("use a duration from 0 to %s, e.g. 1s or 500ms", v.max)}
	}
	*v.p = d
	return nil
}

// grace is a duration from a second to a year (Go's syntax: 90s, 30m, 24h);
// unset (0) it shows as "", so that a Config built in code takes its default.
type grace struct{ p *time.Duration }

func (v *grace) String() string {
	if v.p == nil || *v.p == 0 {
		return ""
	}
	return v.p.String()
}

func (v *grace) Set(s string) error {
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second || d > 366*24*time.Hour {
		return &refusal{"dùng thời lượng từ 1s đến 8784h, ví dụ 24h hoặc 30m", "use a duration from 1s to 8784h, e.g. 24h or 30m"}
	}
	*v.p = d
	return nil
}

// boolean is true or false (also 1/0, t/f, TRUE/FALSE: strconv.ParseBool).
type boolean struct{ p *bool }

func (v *boolean) IsBoolFlag() bool { return true }

func (v *boolean) String() string { return strconv.FormatBool(v.p != nil && *v.p) }

func (v *boolean) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return &refusal{"dùng true hoặc false", "use true or false"}
	}
	*v.p = b
	return nil
}

func oneOf(values ...string) func(string) *refusal {
	return func(s string) *refusal {
		if slices.Contains(values, s) {
			return nil
		}
		return &refusal{"dùng " + strings.Join(values, " hoặc "), "use " + strings.Join(values, " or ")}
	}
}

func nonEmpty(s string) *refusal {
	if s == "" {
		return &refusal{"không được để trống", "cannot be empty"}
	}
	return nil
}

func checkAddr(s string) *refusal {
	_, port, err := net.SplitHostPort(s)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		return &refusal{"dùng dạng MÁY:CỔNG, ví dụ 127.0.0.1:8080 hoặc :8080", "use HOST:PORT, e.g. 127.0.0.1:8080 or :8080"}
	}
	return nil
}

func checkDSN(s string) *refusal {
	switch {
	case strings.HasPrefix(s, "sqlite:"):
		if strings.TrimPrefix(strings.TrimPrefix(s, "sqlite:"), "//") != "" {
			return nil
		}
	case strings.HasPrefix(s, "postgres://"), strings.HasPrefix(s, "postgresql://"):
		if _, err := url.Parse(s); err == nil {
			return nil
		}
	}
	return &refusal{"dùng sqlite:ĐƯỜNG_DẪN (ví dụ sqlite:./danchu-data/danchu.db) hoặc postgres://user:pass@host:5432/db",
		"use sqlite:PATH (e.g. sqlite:./danchu-data/danchu.db) or postgres://user:pass@host:5432/db"}
}

// checkWebURL accepts "" (off) or an http(s) address with a host.
func checkWebURL(example string) func(string) *refusal {
	return func(s string) *refusal {
		if s == "" {
			return nil
		}
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return &refusal{"dùng dạng " + example, "use the form " + example}
		}
		return nil
	}
}

func parseProxies(list string) ([]netip.Prefix, *refusal) {
	var out []netip.Prefix
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		bad := &refusal{fmt.Sprintf("%q không phải địa chỉ IP hay dải CIDR", f), fmt.Sprintf("%q is not an IP address or CIDR range", f)}
		if !strings.Contains(f, "/") {
			a, err := netip.ParseAddr(f)
			if err != nil {
				return nil, bad
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			return nil, bad
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// CheckDataDir makes sure the data folder exists and can be written to.
func (c *Config) CheckDataDir() error {
	fail := func(err error) error {
		return &apperr.ConfigError{
			VI: fmt.Sprintf("không ghi được vào thư mục dữ liệu %s (%v) — chọn --data-dir (DANCHU_DATA_DIR) ở nơi có quyền ghi", c.DataDir, err),
			EN: fmt.Sprintf("cannot write to data folder %s (%v) — choose a writable --data-dir (DANCHU_DATA_DIR)", c.DataDir, err),
		}
	}
	if err := os.MkdirAll(c.DataDir, 0o750); err != nil {
		return fail(err)
	}
	if err := WriteCheck(c.DataDir); err != nil {
		return fail(err)
	}
	return nil
}

// WriteCheck proves that dir takes a file now: it writes a small file (a
// block's worth, so that a full disk or an exhausted quota refuses it: an empty
// file needs no block), flushes it to disk and removes it. The start
// (CheckDataDir) and the readiness probe use it.
func WriteCheck(dir string) error {
	f, err := os.CreateTemp(dir, ".write-check-*")
	if err != nil {
		return err
	}
	_, err = f.Write(make([]byte, 4096))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if rerr := os.Remove(f.Name()); err == nil {
		err = rerr
	}
	return err
}

// Check validates the settings that do not need the network or the database,
// with the parsers of the flags: it matters for a Config built in code, since
// flags and variables were checked as they were read. An empty setting of a
// Config built in code means its default.
func (c *Config) Check() error {
	for _, s := range c.settings() {
		v := s.value.String()
		if v == "" {
			continue
		}
		if err := s.value.Set(v); err != nil {
			return flagError(s.name, asRefusal(err))
		}
	}
	if c.OIDCIssuer != "" && c.OIDCClientID == "" {
		return &apperr.ConfigError{VI: "có --oidc-issuer (DANCHU_OIDC_ISSUER) thì phải có --oidc-client-id (DANCHU_OIDC_CLIENT_ID)",
			EN: "--oidc-issuer (DANCHU_OIDC_ISSUER) needs --oidc-client-id (DANCHU_OIDC_CLIENT_ID)"}
	}
	return nil
}

// UploadsDir is where uploaded files go.
func (c *Config) UploadsDir() string { return filepath.Join(c.DataDir, "uploads") }
