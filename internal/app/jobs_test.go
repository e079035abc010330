package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"danchu/internal/app"
	"danchu/internal/auth"
	"danchu/internal/config"
)

// lockedBuffer collects log lines from several goroutines and tells waiters
// when a line arrives.
type lockedBuffer struct {
	mu    sync.Mutex
	b     bytes.Buffer
	wrote chan struct{}
}

func newLockedBuffer() *lockedBuffer { return &lockedBuffer{wrote: make(chan struct{}, 1)} }

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	select {
	case l.wrote <- struct{}{}:
	default:
	}
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// lines returns the JSON log lines that have every key and value of want.
func (l *lockedBuffer) lines(t *testing.T, want map[string]string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %q", line)
		}
		ok := true
		for k, v := range want {
			if s, _ := m[k].(string); !strings.Contains(s, v) {
				ok = false
			}
		}
		if ok {
			out = append(out, m)
		}
	}
	return out
}

// await waits for a log line with want, for at most limit.
func (l *lockedBuffer) await(t *testing.T, limit time.Duration, want map[string]string) []map[string]any {
	t.Helper()
	deadline := time.After(limit)
	for {
		if got := l.lines(t, want); len(got) > 0 {
			return got
		}
		select {
		case <-l.wrote:
		case <-deadline:
			t.Fatalf("no log line with %v within %s; log:\n%s", want, limit, l.String())
		}
	}
}

// The job runner on a fake clock: each job runs at once and then every Every,
// or when woken (after Gather); failures and panics are logged through the
// given logger with the job's name and the job goes on; at the stop a Final
// job runs once more; RunJobs returns only when every job has returned.
func TestRunJobs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		logs := newLockedBuffer()
		log := app.NewLogger(logs, "json")
		var ticks, woken, finals, fails, panics atomic.Int64
		var serverDone atomic.Bool
		wake := make(chan struct{}, 1)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error)
		go func() {
			done <- app.RunJobs(ctx, log,
				app.Job{Name: "ticker", Every: time.Second, Run: func(context.Context) error { ticks.Add(1); return nil }},
				app.Job{Name: "woken", Every: time.Hour, Wake: wake, Gather: 100 * time.Millisecond,
					Run: func(context.Context) error { woken.Add(1); return nil }},
				app.Job{Name: "flusher", Every: time.Minute, Final: true, Run: func(ctx context.Context) error {
					if ctx.Err() == nil { // the last run too gets a live context
						finals.Add(1)
					}
					return nil
				}},
				app.Job{Name: "failing", Every: time.Second, Run: func(context.Context) error { fails.Add(1); return errors.New("disk on fire") }},
				app.Job{Name: "panicking", Every: time.Second, Run: func(context.Context) error { panics.Add(1); panic("nil map") }},
				app.Job{Name: "server", Run: func(ctx context.Context) error {
					<-ctx.Done()
					time.Sleep(3 * time.Second) // a slow stop, on the bubble's clock
					serverDone.Store(true)
					return nil
				}},
			)
		}()
		time.Sleep(3500 * time.Millisecond)
		synctest.Wait()
		if got := ticks.Load(); got != 4 { // at 0, 1, 2 and 3 s
			t.Errorf("ticker ran %d times in 3.5 s, want 4", got)
		}
		if got := woken.Load(); got != 1 {
			t.Errorf("woken job ran %d times before a wake, want 1 (the start)", got)
		}
		wake <- struct{}{}
		time.Sleep(50 * time.Millisecond)
		synctest.Wait()
		if got := woken.Load(); got != 1 {
			t.Errorf("woken job ran before Gather had passed (%d runs)", got)
		}
		time.Sleep(60 * time.Millisecond)
		synctest.Wait()
		if got := woken.Load(); got != 2 {
			t.Errorf("woken job ran %d times after a wake and Gather, want 2", got)
		}
		if fails.Load() < 4 || panics.Load() < 4 {
			t.Errorf("a failing job stopped: %d failed runs, %d panicked runs in 3.6 s", fails.Load(), panics.Load())
		}
		before := finals.Load()
		cancel()
		select {
		case <-done:
			t.Fatal("RunJobs returned before the slow job had stopped")
		case <-time.After(2 * time.Second):
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if !serverDone.Load() {
			t.Error("RunJobs returned before every job had returned")
		}
		if finals.Load() != before+1 {
			t.Errorf("Final job ran %d times after the stop, want 1 (with a live context)", finals.Load()-before)
		}
		if got := logs.lines(t, map[string]string{"job": "failing", "msg": "job failed", "err": "disk on fire"}); len(got) < 4 {
			t.Errorf("failures in the JSON log: %d, want one a run; log:\n%s", len(got), logs.String())
		}
		if got := logs.lines(t, map[string]string{"job": "panicking", "msg": "job panicked", "panic": "nil map"}); len(got) < 4 {
			t.Errorf("panics in the JSON log: %d", len(got))
		}
	})
}

// `serve` runs its background work as jobs that log through the program's
// logger (JSON here: before, the session jobs logged through the default text
// logger and ignored --log-format), and on cancel it returns only after every
// job has returned, the database still open for their last run.
func TestServeRunsAndJoinsJobs(t *testing.T) {
	dir := t.TempDir()
	logs := newLockedBuffer()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	a, err := app.Open(ctx, &config.Config{Addr: "127.0.0.1:0", DB: "sqlite:" + filepath.Join(dir, "x.db"), DataDir: dir, LogFormat: "json"},
		app.NewLogger(logs, "json"))
	if err != nil {
		t.Fatal(err)
	}
	// Make the session change-log job fail: its failure must reach the JSON log.
	if _, err := a.DB.Raw().ExecContext(ctx, "drop table session_changes"); err != nil {
		t.Fatal(err)
	}
	var lastRun atomic.Value
	a.Jobs = append(a.Jobs, app.Job{Name: "probe", Every: time.Hour, Final: true, Run: func(ctx context.Context) error {
		err := a.DB.PingContext(ctx)
		lastRun.Store(errString(err))
		return err
	}})
	if err := a.Listen(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()
	// A request with a session cookie (the poll ran inside such requests before).
	req, _ := http.NewRequest("GET", a.URL()+"/", nil)
	req.AddCookie(&http.Cookie{Name: auth.SessionCookie, Value: strings.Repeat("A", 52)})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	logs.await(t, 10*time.Second, map[string]string{"job": "session changes", "err": "session_changes"})
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve after cancel: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Serve did not return")
	}
	// Serve has returned: every job has, and the last run found the database open.
	if got := lastRun.Load(); got != "" {
		t.Errorf("the probe's last run: %v, want a live database", got)
	}
	stopped := logs.lines(t, map[string]string{"msg": "jobs stopped"})
	if len(stopped) != 1 || stopped[0]["jobs"] != float64(len(a.Jobs)) {
		t.Errorf("jobs stopped lines: %v, want one with jobs=%d", stopped, len(a.Jobs))
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if err := a.DB.PingContext(context.Background()); err == nil {
		t.Error("database still open after Close")
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}
