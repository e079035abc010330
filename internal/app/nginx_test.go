package app_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	osexec "os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"danchu/internal/app"
	"danchu/internal/config"
	"danchu/internal/demo"
	"danchu/internal/disclosure"
	"danchu/internal/feedback"
	"danchu/internal/plans"
	"danchu/internal/steering"
	"danchu/internal/web"
	"danchu/internal/web/webtest"
)

// The production set-up of docs/OPERATIONS.md, as it runs: nginx with
// deploy/nginx/danchu.conf in front of danchu.

// siteConf is the nginx site of the repository, read as an admin copies it.
func siteConf(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "nginx", "danchu.conf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hostName is the placeholder name of the site in deploy/nginx/danchu.conf;
// the test's client resolves it to the test's nginx.
const hostName = "danchu.tinh.gov.vn"

// nginxBinary is DANCHU_NGINX if set, else Debian's nginx (on PATH or in
// /usr/sbin), or a skip that says so on the terminal (a failure when
// DANCHU_REQUIRE_NGINX=1, as .ci/run sets).
func nginxBinary(t *testing.T) string {
	t.Helper()
	candidates := []string{"nginx", "/usr/sbin/nginx"}
	if p := os.Getenv("DANCHU_NGINX"); p != "" {
		candidates = []string{p}
	}
	for _, c := range candidates {
		if p, err := osexec.LookPath(c); err == nil {
			return p
		}
	}
	if os.Getenv("DANCHU_REQUIRE_NGINX") == "1" {
		t.Fatal("nginx required (DANCHU_REQUIRE_NGINX=1) but not installed: apt-get install nginx")
	}
	// go test hides a passing package's output: say it on the terminal too.
	msg := "\n!!! danchu: the test of nginx in front of danchu SKIPPED: nginx is not installed " +
		"(apt-get install nginx, or DANCHU_NGINX=PATH); DANCHU_REQUIRE_NGINX=1 turns this into a failure.\n\n"
	fmt.Fprint(os.Stderr, msg)
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		fmt.Fprint(tty, msg)
		tty.Close()
	}
	t.Skip("nginx is not installed")
	return ""
}

// selfSigned writes a certificate for hostName and its key into dir and returns
// the pool that trusts it.
func selfSigned(t *testing.T, dir string) (certFile, keyFile string, pool *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: hostName}, DNSNames: []string{hostName},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage:    x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, BasicConstraintsValid: true, IsCA: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool = x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}

// freePort is a port the kernel has just given out and taken back, for nginx
// (which cannot listen on port 0 and say which port it got).
func freePort(t *testing.T) int { return freePorts(t, 1)[0] }

// freePorts is n different ports the kernel has free now: each listener is
// held until all are taken, so the kernel cannot hand out one port twice
// (two ports taken one after the other can be the same, and nginx then
// refuses a plain and a TLS server on one port).
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, n)
	for i := range ports {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return ports
}

// proxy is a running nginx.
type proxy struct {
	httpPort, httpsPort int
	dir                 string
}

// startNginx runs nginx unprivileged with the repository's site, changed only
// where a test machine differs: the listening addresses, danchu's address, the
// certificate and the folders for the cache and the logs. A change of the site
// that removes one of those lines fails here, so the test never runs a site
// other than the one in the repository.
func startNginx(t *testing.T, bin, upstream, cert, key string) *proxy {
	t.Helper()
	for attempt := 1; ; attempt++ {
		p, out, err := tryNginx(t, bin, upstream, cert, key)
		if err == nil {
			return p
		}
		// Another process may have taken a port between freePort and nginx's bind.
		if attempt == 3 || !strings.Contains(out, "Address already in use") {
			t.Fatalf("nginx did not start: %v\n%s", err, out)
		}
	}
}

func tryNginx(t *testing.T, bin, upstream, cert, key string) (*proxy, string, error) {
	t.Helper()
	dir := t.TempDir()
	ports := freePorts(t, 2)
	p := &proxy{httpPort: ports[0], httpsPort: ports[1], dir: dir}
	site := siteConf(t)
	for _, r := range []struct{ old, new string }{
		{"listen 80;", fmt.Sprintf("listen 127.0.0.1:%d;", p.httpPort)},
		{"listen [::]:80;", ""}, // the test machine may have no IPv6
		{"listen 443 ssl http2;", fmt.Sprintf("listen 127.0.0.1:%d ssl http2;", p.httpsPort)},
		{"listen [::]:443 ssl http2;", ""},
		{"server 127.0.0.1:8080;", "server " + upstream + ";"},
		{"/etc/letsencrypt/live/" + hostName + "/fullchain.pem", cert},
		{"/etc/letsencrypt/live/" + hostName + "/privkey.pem", key},
		{"/var/cache/nginx/danchu", filepath.Join(dir, "cache")},
		{"/var/log/nginx/", dir + "/"},
		{"/var/www/letsencrypt", filepath.Join(dir, "www")},
	} {
		if !strings.Contains(site, r.old) {
			t.Fatalf("deploy/nginx/danchu.conf has no %q any more: update the test with it", r.old)
		}
		site = strings.ReplaceAll(site, r.old, r.new)
	}
	siteFile := filepath.Join(dir, "danchu.conf")
	if err := os.WriteFile(siteFile, []byte(site), 0o600); err != nil {
		t.Fatal(err)
	}
	// The main file stands for Debian's /etc/nginx/nginx.conf, with the same
	// settings the site has to override (gzip on, old TLS versions).
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;" // the workers must reach the test's folders
	}
	tmp := filepath.Join(dir, "tmp")
	main := fmt.Sprintf(`daemon off;
%s
worker_processes 1;
pid %s/nginx.pid;
error_log %s/error.log notice;
events { worker_connections 256; }
http {
    default_type application/octet-stream;
    client_body_temp_path %[5]s/body;
    proxy_temp_path %[5]s/proxy;
    fastcgi_temp_path %[5]s/fastcgi;
    uwsgi_temp_path %[5]s/uwsgi;
    scgi_temp_path %[5]s/scgi;
    access_log off;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    gzip on;
    include %s;
}
`, user, dir, dir, dir, tmp, siteFile)
	mainFile := filepath.Join(dir, "nginx.conf")
	os.WriteFile(mainFile, []byte(main), 0o600)
	os.MkdirAll(tmp, 0o700)

	var out bytes.Buffer
	cmd := osexec.Command(bin, "-p", dir+"/", "-c", mainFile)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	logs := func() string {
		b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
		return out.String() + string(b)
	}
	// Ready when both ports answer; gone if nginx exits first.
	deadline := time.Now().Add(15 * time.Second)
	for _, port := range []int{p.httpPort, p.httpsPort} {
		for {
			c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", port), time.Second)
			if err == nil {
				c.Close()
				break
			}
			select {
			case err := <-exited:
				return nil, logs(), fmt.Errorf("nginx exited: %v", err)
			case <-time.After(20 * time.Millisecond):
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				<-exited
				return nil, logs(), errors.New("nginx did not listen within 15 s")
			}
		}
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // graceful stop
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("nginx log:\n%s", logs())
		}
	})
	return p, "", nil
}

// client is a visitor at 127.0.0.2 (any 127/8 address is the loopback on
// Linux), so that the address danchu sees can only be the one nginx forwarded:
// nginx itself reaches danchu from 127.0.0.1. It asks for https://hostName and
// reaches the test's nginx, trusting the test's certificate.
func (p *proxy) client(t *testing.T, pool *x509.CertPool, extra http.Header) *webtest.Browser {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}, Timeout: 5 * time.Second}
	tr := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			port := p.httpsPort
			if strings.HasSuffix(addr, ":80") {
				port = p.httpPort
			}
			return d.DialContext(ctx, network, fmt.Sprintf("127.0.0.1:%d", port))
		},
		TLSClientConfig:   &tls.Config{RootCAs: pool, ServerName: hostName},
		ForceAttemptHTTP2: true,
	}
	t.Cleanup(tr.CloseIdleConnections)
	b := webtest.New(t, "https://"+hostName)
	b.C.Transport = headerAdder{tr, extra}
	return b
}

// headerAdder sends extra headers with every request.
type headerAdder struct {
	rt    http.RoundTripper
	extra http.Header
}

func (h headerAdder) RoundTrip(r *http.Request) (*http.Response, error) {
	if len(h.extra) > 0 {
		r = r.Clone(r.Context())
		for k, vs := range h.extra {
			r.Header[k] = vs
		}
	}
	return h.rt.RoundTrip(r)
}

// unitFlags are the flags of `danchu serve` in deploy/danchu.service's
// ExecStart, each "--name value", by name.
func unitFlags(t *testing.T) map[string]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "deploy", "danchu.service"))
	if err != nil {
		t.Fatal(err)
	}
	unit := strings.ReplaceAll(string(b), "\\\n", " ")
	m := regexp.MustCompile(`(?m)^ExecStart=/usr/local/bin/danchu serve (.*)$`).FindStringSubmatch(unit)
	if m == nil {
		t.Fatal("deploy/danchu.service has no ExecStart=/usr/local/bin/danchu serve …")
	}
	words := strings.Fields(m[1])
	out := map[string]string{}
	for i := 0; i < len(words); i += 2 {
		name, ok := strings.CutPrefix(words[i], "--")
		if !ok || i+1 == len(words) || strings.Contains(name, "=") {
			t.Fatalf("ExecStart of deploy/danchu.service: want --name value pairs, got %q", words[i:])
		}
		out[name] = words[i+1]
	}
	return out
}

// startBehindProxy runs `danchu serve` with the flags of deploy/danchu.service
// (parsed as the command line parses them), only the addresses, the data
// folder and max-age changed for the test, and a SQLite file; with the demo
// units and accounts and a JSON request log the test reads.
func startBehindProxy(t *testing.T, maxAge int) (a *app.App, logs *lockedBuffer, stop func()) {
	t.Helper()
	dir := t.TempDir()
	flags := unitFlags(t)
	for name, want := range map[string]string{"trust-proxy": "127.0.0.1", "base-url": "https://" + hostName, "addr": "127.0.0.1:8080"} {
		if flags[name] != want { // what the nginx site and this test rely on
			t.Fatalf("deploy/danchu.service: --%s %q, want %q", name, flags[name], want)
		}
	}
	parse := func(flags map[string]string) *config.Config {
		var args []string
		for name, v := range flags {
			args = append(args, "--"+name+"="+v)
		}
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		cfg, err := config.Register(fs, func(string) string { return "" })
		if err != nil {
			t.Fatal(err)
		}
		if err := fs.Parse(args); err != nil {
			t.Fatalf("the flags of deploy/danchu.service: %v", err)
		}
		return cfg
	}
	parse(flags) // every value of the unit as it is
	for name, v := range map[string]string{"addr": "127.0.0.1:0", "metrics-addr": "127.0.0.1:0", "data-dir": dir,
		"public-max-age": strconv.Itoa(maxAge) + "s", "db": "sqlite:" + filepath.Join(dir, "danchu.db"),
		"require-2fa": "false"} { // the demo accounts have no second factor
		flags[name] = v
	}
	cfg := parse(flags)
	logs = newLockedBuffer()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.Open(ctx, cfg, app.NewLogger(logs, cfg.LogFormat))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Load(ctx, a.Units); err != nil {
		t.Fatal(err)
	}
	if err := demo.LoadAccounts(ctx, a.Auth); err != nil {
		t.Fatal(err)
	}
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
		a.Close()
	})
	t.Cleanup(stop)
	return a, logs, stop
}

// fetch is one GET with extra headers, its status, body and headers.
func fetch(t *testing.T, b *webtest.Browser, path string, h http.Header) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", b.Base+path, nil)
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := b.C.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// requests counts the requests danchu logged for path (any status, or the one given).
func requests(t *testing.T, logs *lockedBuffer, path string, status int) int {
	t.Helper()
	n := 0
	for _, l := range logs.lines(t, map[string]string{"msg": "request"}) {
		if l["path"] == path && (status == 0 || l["status"] == float64(status)) {
			n++
		}
	}
	return n
}

func TestBehindNginx(t *testing.T) {
	bin := nginxBinary(t)
	const maxAge = 1 // seconds: --public-max-age, how stale nginx may serve a page
	a, logs, stopDanchu := startBehindProxy(t, maxAge)
	cert, key, pool := selfSigned(t, t.TempDir())
	p := startNginx(t, bin, strings.TrimPrefix(a.URL(), "http://"), cert, key)
	ctx := context.Background()
	anon := p.client(t, pool, nil)

	t.Run("HTTPSOnly", func(t *testing.T) {
		resp, _ := fetch(t, anon, "", nil)
		if resp.ProtoMajor != 2 || resp.TLS == nil || resp.TLS.Version != tls.VersionTLS13 {
			t.Errorf("%s over TLS %x, want HTTP/2 over TLS 1.3", resp.Proto, resp.TLS.Version)
		}
		if hsts := resp.Header.Values("Strict-Transport-Security"); len(hsts) != 1 {
			t.Errorf("Strict-Transport-Security %q, want danchu's one header", hsts)
		}
		resp, _ = fetch(t, &webtest.Browser{T: t, Base: "http://" + hostName, C: anon.C}, "/xa/19885?x=1", nil)
		if resp.StatusCode != http.StatusMovedPermanently || resp.Header.Get("Location") != "https://"+hostName+"/xa/19885?x=1" {
			t.Errorf("plain HTTP: %d %q, want 301 to the same address on https", resp.StatusCode, resp.Header.Get("Location"))
		}
		// The site narrows Debian's ssl_protocols (which still lists TLS 1.0 and 1.1).
		c, err := tls.DialWithDialer(&net.Dialer{Timeout: 5 * time.Second}, "tcp", fmt.Sprintf("127.0.0.1:%d", p.httpsPort),
			&tls.Config{RootCAs: pool, ServerName: hostName, MinVersion: tls.VersionTLS10, MaxVersion: tls.VersionTLS11})
		if err == nil {
			c.Close()
		}
		if err == nil || !strings.Contains(err.Error(), "protocol version") {
			t.Errorf("TLS 1.1 handshake: %v, want nginx's protocol version alert", err)
		}
	})

	board := "/xa/" + demo.CommuneCode + "/cong-khai"
	var etag string
	t.Run("CachedPage", func(t *testing.T) {
		first, body1 := fetch(t, anon, board, nil)
		second, body2 := fetch(t, anon, board, nil)
		if first.StatusCode != 200 || second.StatusCode != 200 {
			t.Fatalf("board: %d, %d", first.StatusCode, second.StatusCode)
		}
		if got := first.Header.Get("X-Cache-Status") + " " + second.Header.Get("X-Cache-Status"); got != "MISS HIT" {
			t.Errorf("X-Cache-Status of two fetches: %q, want MISS HIT", got)
		}
		if body1 != body2 || !strings.Contains(body1, "Xã Đan Điền") {
			t.Errorf("the cached page differs from the first (%d and %d bytes)", len(body1), len(body2))
		}
		if cc := second.Header.Get("Cache-Control"); !strings.Contains(cc, "public") || !strings.Contains(cc, fmt.Sprintf("max-age=%d", maxAge)) {
			t.Errorf("Cache-Control %q, want danchu's public, max-age=%d", cc, maxAge)
		}
		if c := second.Header.Values("Set-Cookie"); len(c) > 0 {
			t.Errorf("a cached page sets cookies: %q", c)
		}
		etag = second.Header.Get("ETag")
		if etag == "" {
			t.Fatal("no ETag on the public page")
		}
		// danchu answered once: the log has one request, and still one after a
		// later request that danchu did answer.
		logs.await(t, 5*time.Second, map[string]string{"msg": "request", "path": board})
		if resp, _ := fetch(t, anon, "/healthz", nil); resp.StatusCode != 200 {
			t.Fatalf("healthz through nginx: %d", resp.StatusCode)
		}
		logs.await(t, 5*time.Second, map[string]string{"msg": "request", "path": "/healthz"})
		if n := requests(t, logs, board, 0); n != 1 {
			t.Errorf("danchu answered the board %d times for two fetches, want 1", n)
		}
	})

	t.Run("CookiesVary", func(t *testing.T) {
		// danchu's Vary: Cookie is honoured: a notice left by a post (a cookie)
		// is this visitor's page, and the English page is not the Vietnamese one.
		other := p.client(t, pool, nil)
		resp, body := fetch(t, other, board, http.Header{"Cookie": {"danchu_notice=consultation.done.hidden"}})
		if resp.Header.Get("X-Cache-Status") == "HIT" || !strings.Contains(body, "Đã ẩn ý kiến.") || resp.Header.Get("Cache-Control") != "no-store" {
			t.Errorf("with a notice cookie: %s, Cache-Control %q, notice shown %v; want danchu's own no-store page with the notice",
				resp.Header.Get("X-Cache-Status"), resp.Header.Get("Cache-Control"), strings.Contains(body, "Đã ẩn ý kiến."))
		}
		for i, want := range []string{"MISS", "HIT"} {
			resp, body := fetch(t, other, board, http.Header{"Cookie": {"lang=en"}})
			if got := resp.Header.Get("X-Cache-Status"); got != want || !strings.Contains(body, `lang="en"`) {
				t.Errorf("English fetch %d: %s, English %v; want %s", i+1, got, strings.Contains(body, `lang="en"`), want)
			}
		}
		resp, body = fetch(t, anon, board, nil)
		if resp.Header.Get("X-Cache-Status") != "HIT" || !strings.Contains(body, `lang="vi"`) || strings.Contains(body, "Đã ẩn ý kiến.") {
			t.Errorf("anonymous after them: %s, Vietnamese %v; want the Vietnamese copy without the notice",
				resp.Header.Get("X-Cache-Status"), strings.Contains(body, `lang="vi"`))
		}
	})

	t.Run("CompressedByDanchu", func(t *testing.T) {
		// danchu's coding goes through as it is (nginx does not compress
		// again), and each Accept-Encoding is cached as its own variant (the
		// client so far sent Go's "gzip").
		for _, tt := range []struct{ accept, coding string }{{"br", "br"}, {"gzip, deflate", "gzip"}, {"identity", ""}} {
			for i, want := range []string{"MISS", "HIT"} {
				resp, body := fetch(t, anon, board, http.Header{"Accept-Encoding": {tt.accept}})
				if got := resp.Header.Get("X-Cache-Status"); resp.StatusCode != 200 || got != want || resp.Header.Get("Content-Encoding") != tt.coding {
					t.Errorf("Accept-Encoding %s, fetch %d: %d %s, Content-Encoding %q; want %s and %q",
						tt.accept, i+1, resp.StatusCode, got, resp.Header.Get("Content-Encoding"), want, tt.coding)
				}
				if tt.coding == "" && !strings.Contains(body, "Xã Đan Điền") {
					t.Errorf("the identity page lacks the commune's name")
				}
			}
		}
	})

	t.Run("NotModified", func(t *testing.T) {
		resp, body := fetch(t, anon, board, http.Header{"If-None-Match": {etag}})
		if resp.StatusCode != http.StatusNotModified || body != "" {
			t.Errorf("If-None-Match the current ETag: %d with %d bytes, want 304 and none", resp.StatusCode, len(body))
		}
		if resp, _ := fetch(t, anon, board, http.Header{"If-None-Match": {`"other"`}}); resp.StatusCode != 200 {
			t.Errorf("If-None-Match another ETag: %d, want 200", resp.StatusCode)
		}
	})

	t.Run("RevalidatesWithETag", func(t *testing.T) {
		// Once max-age has passed, nginx asks danchu again with the ETag it
		// holds, and danchu answers 304 for a page that did not change.
		page := "/tinh/46"
		if resp, _ := fetch(t, anon, page, nil); resp.StatusCode != 200 {
			t.Fatalf("%s: %d", page, resp.StatusCode)
		}
		deadline := time.Now().Add(maxAge*time.Second + 10*time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var seen []string
		for requests(t, logs, page, http.StatusNotModified) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("danchu never answered nginx's revalidation of %s with 304; cache statuses %v", page, seen)
			}
			<-tick.C
			resp, _ := fetch(t, anon, page, nil)
			seen = append(seen, resp.Header.Get("X-Cache-Status"))
		}
	})

	official := p.client(t, pool, http.Header{"X-Forwarded-For": {"203.0.113.7"}}) // a client that claims another address
	if code, body, _ := official.Post("/dang-nhap", "/dang-nhap", url.Values{"email": {"xa@danchu.demo"}, "password": {demo.Password}}); code != http.StatusSeeOther {
		t.Fatalf("sign in through nginx: %d %.300s", code, body)
	}

	t.Run("SignedInNeverFromCache", func(t *testing.T) {
		for range 2 {
			resp, body := fetch(t, official, board, nil)
			if resp.StatusCode != 200 || resp.Header.Get("X-Cache-Status") != "BYPASS" || !strings.Contains(body, `action="/dang-xuat"`) {
				t.Fatalf("signed in: %d %q, signed-in page %v; want 200 BYPASS with the sign-out form",
					resp.StatusCode, resp.Header.Get("X-Cache-Status"), strings.Contains(body, `action="/dang-xuat"`))
			}
			if cc := resp.Header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("signed-in page: Cache-Control %q, want no-store", cc)
			}
		}
		// What the official saw did not go into the cache.
		resp, body := fetch(t, anon, board, nil)
		if strings.Contains(body, `action="/dang-xuat"`) || resp.Header.Get("Cache-Control") == "no-store" {
			t.Errorf("an anonymous visitor got the official's page (X-Cache-Status %s)", resp.Header.Get("X-Cache-Status"))
		}
	})

	t.Run("StaticForEveryone", func(t *testing.T) {
		// A content-hashed asset is cached for a year, signed in or not.
		_, page := fetch(t, anon, board, nil)
		asset := regexp.MustCompile(`/static/[0-9a-f]+/[a-z0-9.-]+\.css`).FindString(page)
		if asset == "" {
			t.Fatal("no stylesheet on the board")
		}
		for i, want := range []string{"MISS", "HIT"} {
			resp, _ := fetch(t, official, asset, nil)
			if got := resp.Header.Get("X-Cache-Status"); resp.StatusCode != 200 || got != want ||
				!strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
				t.Errorf("%s for a signed-in viewer, fetch %d: %d %s %q; want 200 %s immutable",
					asset, i+1, resp.StatusCode, got, resp.Header.Get("Cache-Control"), want)
			}
		}
	})

	t.Run("PublishShowsThroughAndClientAddress", func(t *testing.T) {
		commune, err := a.Units.UnitByCode(ctx, demo.CommuneCode)
		if err != nil {
			t.Fatal(err)
		}
		manage := fmt.Sprintf("/quan-tri/don-vi/%s/cong-khai", commune.OfficeKey())
		title := "Kế hoạch sửa đường liên thôn qua nginx"
		code, _, h := official.PostMultipart(manage, manage, url.Values{"category": {"4"}, "title": {title},
			"body": {"Nội dung kế hoạch."}, "decision_date": {time.Now().Format("2006-01-02")},
			"ch_posting": {"1"}, "ch_posting_start": {time.Now().Format("2006-01-02")}},
			webtest.File{Field: "files", Name: "ke-hoach.pdf", Content: pdfBytes})
		if code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/cong-khai/") {
			t.Fatalf("publish through nginx: %d %s", code, h.Get("Location"))
		}
		published := time.Now()
		id := strings.TrimPrefix(h.Get("Location"), "/cong-khai/")

		// The address danchu recorded is the client's, not nginx's, nor the
		// one the client put in its own X-Forwarded-For.
		var ip string
		if err := a.DB.Raw().QueryRowContext(ctx, "select ip from audit_log where object_type = 'disclosure' and object_id = $1", id).Scan(&ip); err != nil {
			t.Fatal(err)
		}
		if ip != "127.0.0.2" {
			t.Errorf("audit records the publish from %q, want the client's 127.0.0.2", ip)
		}

		// The board nginx holds shows the disclosure within max-age: nginx
		// counts whole seconds (an entry stored at 10.9 s is fresh through
		// 11.999 s), then one request serves the stale copy while the
		// background update fetches the new one; 2 s more for a busy machine.
		deadline := published.Add(maxAge*time.Second + time.Second + 2*time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		var seen []string
		for {
			resp, body := fetch(t, anon, board, nil)
			seen = append(seen, resp.Header.Get("X-Cache-Status"))
			if strings.Contains(body, title) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the board through nginx lacks the publish %s after it; cache statuses %v", time.Since(published), seen)
			}
			<-tick.C
		}
		t.Logf("the publish showed through nginx %s after it (max-age %d s); cache statuses %v", time.Since(published).Round(time.Millisecond), maxAge, seen)
	})

	t.Run("MetricsNotProxied", func(t *testing.T) {
		resp, _ := fetch(t, anon, "/metrics", http.Header{"Authorization": {"Bearer " + strings.Repeat("x", 32)}})
		if resp.StatusCode != http.StatusNotFound || resp.Header.Get("X-Request-ID") != "" {
			t.Errorf("/metrics through nginx: %d, X-Request-ID %q; want nginx's own 404", resp.StatusCode, resp.Header.Get("X-Request-ID"))
		}
	})

	t.Run("BodyLimits", func(t *testing.T) {
		// Over the ordinary limit: nginx refuses it; the feedback form's
		// location lets it through to danchu (which refuses the missing token).
		big := strings.Repeat("x", 2<<20)
		for _, tt := range []struct {
			path string
			want int
		}{
			{"/dang-nhap", http.StatusRequestEntityTooLarge},
			{"/xa/" + demo.CommuneCode + "/phan-anh", http.StatusForbidden},
		} {
			resp, err := anon.C.Post(anon.Base+tt.path, "application/x-www-form-urlencoded", strings.NewReader("a="+big))
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tt.want {
				t.Errorf("2 MB to %s: %d, want %d", tt.path, resp.StatusCode, tt.want)
			}
		}
	})

	t.Run("StaleWhileDanchuIsDown", func(t *testing.T) {
		// danchu stops (an upgrade, a crash): the public pages nginx holds are
		// still served, past their max-age; what it does not hold is a 502.
		stopDanchu()
		deadline := time.Now().Add(maxAge*time.Second + 3*time.Second)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			resp, body := fetch(t, anon, board, nil)
			if resp.StatusCode != 200 || !strings.Contains(body, "Xã Đan Điền") {
				t.Fatalf("board with danchu down: %d %s", resp.StatusCode, resp.Header.Get("X-Cache-Status"))
			}
			if resp.Header.Get("X-Cache-Status") == "STALE" {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the board was never served stale with danchu down (last %s)", resp.Header.Get("X-Cache-Status"))
			}
			<-tick.C
		}
		if resp, _ := fetch(t, anon, "/xa/"+demo.SecondCode, nil); resp.StatusCode != http.StatusBadGateway {
			t.Errorf("a page nginx does not hold, danchu down: %d, want 502", resp.StatusCode)
		}
	})
}

// The site's body limits are danchu's: a form nginx lets through is one danchu
// may accept, and nginx does not read a body danchu would refuse.
func TestNginxBodyLimitsMatchDanchu(t *testing.T) {
	site := siteConf(t)
	locRe := regexp.MustCompile(`(?s)location\s+(~\s+)?(\S+)\s*\{([^{}]*)\}`)
	sizeRe := regexp.MustCompile(`client_max_body_size\s+(\d+)m;`)
	type loc struct {
		re   *regexp.Regexp
		size int64
	}
	var locs []loc
	for _, m := range locRe.FindAllStringSubmatch(site, -1) {
		if s := sizeRe.FindStringSubmatch(m[3]); s != nil {
			if m[1] == "" {
				t.Fatalf("body limit in the prefix location %s: use a regular expression for one route", m[2])
			}
			n, _ := strconv.ParseInt(s[1], 10, 64)
			locs = append(locs, loc{regexp.MustCompile(m[2]), n << 20})
		}
	}
	rest := sizeRe.FindAllStringSubmatch(locRe.ReplaceAllString(site, ""), -1)
	if len(rest) != 1 {
		t.Fatalf("want one server-wide client_max_body_size, found %d", len(rest))
	}
	def, _ := strconv.ParseInt(rest[0][1], 10, 64)
	limitOf := func(path string) int64 {
		for _, l := range locs {
			if l.re.MatchString(path) {
				return l.size
			}
		}
		return def << 20
	}
	for _, tt := range []struct {
		path string
		want int64
	}{
		{"/xa/19885/phan-anh", feedback.MaxUploadBytes},                 // POST /xa/{code}/phan-anh
		{"/quan-tri/don-vi/19885/cong-khai", disclosure.MaxUploadBytes}, // POST /quan-tri/don-vi/{unit}/cong-khai
		{"/quan-tri/cong-khai/123/sua", disclosure.MaxUploadBytes},      // POST /quan-tri/cong-khai/{id}/sua
		{"/open311/v2/requests.json", feedback.MaxUploadBytes},          // POST /open311/v2/{file}: feedback with media
		{"/open311/v2/requests/12.json", web.MaxFormBytes},              // no POST there
		{"/dang-nhap", web.MaxFormBytes},                                // every other form
		{"/xa/19885/phan-anh/thong-ke", web.MaxFormBytes},               // not the feedback form
		{"/quan-tri/don-vi/19885/cong-khai/x", web.MaxFormBytes},        // nor the disclosure form
		{"/lay-y-kien/1/gop-y", web.MaxFormBytes},
		{"/quan-tri/nhiem-vu/123", plans.MaxUploadBytes},                    // POST /quan-tri/nhiem-vu/{id}: a progress report with its files
		{"/quan-tri/nhiem-vu/123/tep/1/1", web.MaxFormBytes},                // no POST there
		{"/quan-tri/don-vi/46/ban-chi-dao/quy-che", steering.MaxUploadSize}, // POST …/ban-chi-dao/quy-che
		{"/quan-tri/don-vi/46/ban-chi-dao/hop", steering.MaxUploadSize},     // POST …/ban-chi-dao/hop
		{"/quan-tri/don-vi/46/ban-chi-dao/hop/12", steering.MaxUploadSize},  // POST …/ban-chi-dao/hop/{id}
		{"/quan-tri/don-vi/46/ban-chi-dao/thanh-vien", web.MaxFormBytes},
		{"/quan-tri/don-vi/46/ban-chi-dao/hop/12/tep", web.MaxFormBytes},
	} {
		if got := limitOf(tt.path); got != tt.want {
			t.Errorf("%s: nginx allows %d bytes, danchu %d", tt.path, got, tt.want)
		}
	}
}
