// Package loadtest is danchu's load tool (`danchu bench`): it generates a dataset
// at a given scale into a fresh database, starts `danchu serve` on it as a
// separate process, drives HTTP load at it from this process, and prints
// requests per second and latency percentiles per scenario, and the server's
// memory. Capabilities add their scenarios here.
package loadtest

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Scenario is one kind of request: Next returns the path of a GET, or Request
// builds any request (a form post) against base.
type Scenario struct {
	Name    string
	Next    func(r *rand.Rand) string
	Request func(r *rand.Rand, base string) *http.Request
	// OK is the status a successful request answers (default 200).
	OK int
	// Total, when set, ends the run after that many requests (the warm-up's
	// included) instead of at the duration: one pass over a list.
	Total int
	// Warm, when set, is how long the warm-up lasts (default: a fifth of the
	// duration, at most 2 s): requests sent, not measured, e.g. to let a
	// page cache fill as a running server's has.
	Warm time.Duration
}

// Result is what one scenario measured.
type Result struct {
	Name          string
	Requests      int
	Errors        int
	Bytes         int64
	Elapsed       time.Duration
	P50, P95, P99 time.Duration
	// WarmOK counts the successful requests of the warm-up, which are not in
	// the measurements but did reach the server (what a count after the run sees).
	WarmOK int
}

// RPS is requests per second.
func (r Result) RPS() float64 { return float64(r.Requests) / r.Elapsed.Seconds() }

func (r Result) String() string {
	return fmt.Sprintf("%-22s %9.0f req/s  p50 %7s  p95 %7s  p99 %7s  %7d requests  %d errors  %.1f KB/response",
		r.Name, r.RPS(), round(r.P50), round(r.P95), round(r.P99), r.Requests, r.Errors, float64(r.Bytes)/float64(max(r.Requests, 1))/1024)
}

func round(d time.Duration) time.Duration {
	if d < time.Millisecond {
		return d.Round(time.Microsecond)
	}
	return d.Round(10 * time.Microsecond)
}

// Run drives scenario s against base with conns concurrent connections for d
// (after a short warm-up) and returns the measurements.
func Run(ctx context.Context, base string, s Scenario, conns int, d time.Duration) Result {
	var issued atomic.Int64
	more := func(ctx context.Context) bool {
		return ctx.Err() == nil && (s.Total == 0 || issued.Add(1) <= int64(s.Total))
	}
	do := func(k *conn, r *rand.Rand) (time.Duration, int64, bool) {
		var req *http.Request
		if s.Request != nil {
			req = s.Request(r, base)
		} else {
			req, _ = http.NewRequest(http.MethodGet, base+s.Next(r), nil)
		}
		start := time.Now()
		status, n, err := k.roundTrip(req)
		want := s.OK
		if want == 0 {
			want = http.StatusOK
		}
		return time.Since(start), n, err == nil && status == want
	}
	// Warm-up: fill caches and open the connections.
	warmFor := min(d/5, 2*time.Second)
	if s.Warm > 0 {
		warmFor = s.Warm
	}
	warm, cancel := context.WithTimeout(ctx, warmFor)
	var wg sync.WaitGroup
	var warmOK atomic.Int64
	clients := make([]conn, conns)
	defer func() {
		for i := range clients {
			clients[i].close()
		}
	}()
	for w := range conns {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 99))
			for more(warm) {
				if _, _, ok := do(&clients[w], r); ok {
					warmOK.Add(1)
				}
			}
		})
	}
	wg.Wait()
	cancel()

	run, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	lat := make([][]time.Duration, conns)
	errs := make([]int, conns)
	bytes := make([]int64, conns)
	start := time.Now()
	for w := range conns {
		wg.Go(func() {
			r := rand.New(rand.NewPCG(uint64(w), 7))
			for more(run) {
				t, n, ok := do(&clients[w], r)
				lat[w] = append(lat[w], t)
				bytes[w] += n
				if !ok {
					errs[w]++
				}
			}
		})
	}
	wg.Wait()
	res := Result{Name: s.Name, Elapsed: time.Since(start), WarmOK: int(warmOK.Load())}
	var all []time.Duration
	for w := range conns {
		all = append(all, lat[w]...)
		res.Errors += errs[w]
		res.Bytes += bytes[w]
	}
	res.Requests = len(all)
	slices.Sort(all)
	pct := func(p float64) time.Duration {
		if len(all) == 0 {
			return 0
		}
		return all[min(int(p*float64(len(all))), len(all)-1)]
	}
	res.P50, res.P95, res.P99 = pct(0.50), pct(0.95), pct(0.99)
	return res
}

// conn is one keep-alive HTTP/1.1 connection driven directly: a request is
// written, its response read to the end, without the transport's goroutines,
// so that the load tool spends less of the machine's two cores than the server.
type conn struct {
	c  net.Conn
	br *bufio.Reader
	bw *bufio.Writer
}

func (k *conn) close() {
	if k.c != nil {
		k.c.Close()
		k.c = nil
	}
}

// roundTrip sends req and returns the response's status and body size.
func (k *conn) roundTrip(req *http.Request) (int, int64, error) {
	if k.c == nil {
		c, err := net.DialTimeout("tcp", req.URL.Host, 5*time.Second)
		if err != nil {
			return 0, 0, err
		}
		k.c, k.br, k.bw = c, bufio.NewReaderSize(c, 64<<10), bufio.NewWriterSize(c, 16<<10)
	}
	k.c.SetDeadline(time.Now().Add(10 * time.Second))
	err := req.Write(k.bw)
	if err == nil {
		err = k.bw.Flush()
	}
	if err != nil {
		k.close()
		return 0, 0, err
	}
	status, n, keep, err := readResponse(k.br)
	if err != nil || !keep {
		k.close()
	}
	return status, n, err
}

// readResponse reads one HTTP/1.1 response and discards its body: the status
// line, the headers it needs (Content-Length, Transfer-Encoding, Connection),
// without building a header map.
func readResponse(br *bufio.Reader) (status int, n int64, keep bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, fmt.Errorf("bad status line %q", line)
	}
	if status, err = strconv.Atoi(string(line[9:12])); err != nil {
		return 0, 0, false, fmt.Errorf("bad status line %q", line)
	}
	length, chunked, keep := int64(-1), false, true
	for {
		h, err := br.ReadSlice('\n')
		if err != nil {
			return status, 0, false, err
		}
		h = bytes.TrimRight(h, "\r\n")
		if len(h) == 0 {
			break
		}
		name, value, ok := bytes.Cut(h, []byte(":"))
		if !ok {
			continue
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			length, _ = strconv.ParseInt(string(value), 10, 64)
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			keep = !bytes.EqualFold(value, []byte("close"))
		}
	}
	switch {
	case chunked:
		n, err = io.Copy(io.Discard, httputil.NewChunkedReader(br))
		if err == nil {
			_, err = br.Discard(2) // the CRLF after the last chunk
		}
	case length >= 0:
		var d int
		d, err = br.Discard(int(length))
		n = int64(d)
	default:
		n, err = io.Copy(io.Discard, br)
		keep = false
	}
	return status, n, keep && err == nil, err
}

// Server is a `danchu serve` child process.
type Server struct {
	URL string
	cmd *exec.Cmd
}

// StartServer runs the danchu binary (this executable) with args, listening on
// addr ("127.0.0.1:0": a free port), and waits until it answers /readyz.
func StartServer(ctx context.Context, addr, exe string, args ...string) (*Server, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	addr = ln.Addr().String()
	ln.Close()
	cmd := exec.CommandContext(ctx, exe, append([]string{"serve", "--addr", addr, "--log-format", "json"}, args...)...)
	cmd.Stdout, cmd.Stderr = nil, nil // the request log is not wanted here
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start server: %w", err)
	}
	s := &Server{URL: "http://" + addr, cmd: cmd}
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return s, nil
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.Stop()
	return nil, fmt.Errorf("server did not become ready at %s", s.URL)
}

// Memory returns the server's resident set size now and at its peak, in MB.
func (s *Server) Memory() (rss, peak float64, err error) {
	f, err := os.Open(filepath.Join("/proc", strconv.Itoa(s.cmd.Process.Pid), "status"))
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(fields[1], 64)
		switch fields[0] {
		case "VmRSS:":
			rss = kb / 1024
		case "VmHWM:":
			peak = kb / 1024
		}
	}
	return rss, peak, sc.Err()
}

// Kill ends the server with SIGKILL (kill -9): no shutdown, no flush, as a
// power cut or the OOM killer ends it; it returns once the process is gone.
func (s *Server) Kill() error {
	if err := s.cmd.Process.Kill(); err != nil {
		return err
	}
	s.cmd.Wait() // "signal: killed"
	return nil
}

// Stop ends the server.
func (s *Server) Stop() {
	if s.cmd.Process != nil {
		s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			s.cmd.Process.Kill()
		}
	}
}
