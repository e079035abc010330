package app

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"danchu/internal/web"
)

// TestReadinessProbesRarely: a flood of readiness calls is one probe per
// interval (callers within it get the last result; callers while a probe runs
// share it), a caller that gives up does not cancel the probe the others wait
// for, and a failure stands only until the next probe.
func TestReadinessProbesRarely(t *testing.T) {
	var probes atomic.Int32
	release := make(chan struct{})
	fail := atomic.Bool{}
	now := time.Unix(1_800_000_000, 0)
	var clock sync.Mutex
	r := newReadiness(ReadyProbeEvery, func(ctx context.Context) error {
		probes.Add(1)
		select {
		case <-release:
		case <-ctx.Done():
			return ctx.Err()
		}
		if fail.Load() {
			return &web.NotReady{Reasons: []string{"database"}, Err: errors.New("down")}
		}
		return nil
	})
	r.now = func() time.Time { clock.Lock(); defer clock.Unlock(); return now }
	advance := func(d time.Duration) { clock.Lock(); now = now.Add(d); clock.Unlock() }

	// A caller that gives up while the first probe runs is told "not ready"...
	gaveUp, cancel := context.WithCancel(context.Background())
	cancel()
	if err := r.Ready(gaveUp); err == nil {
		t.Error("a caller whose wait ended was told ready before any probe answered")
	}
	// ...and 100 callers, before and after the probe answers, share it.
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 100 {
		if i == 50 {
			close(release)
		}
		wg.Go(func() { errs <- r.Ready(context.Background()) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("ready: %v", err)
		}
	}
	if n := probes.Load(); n != 1 {
		t.Errorf("%d probes for 101 calls within one interval, want 1", n)
	}

	// After the interval, a new probe; its failure is every caller's until the next.
	fail.Store(true)
	advance(ReadyProbeEvery)
	var nr *web.NotReady
	for range 10 {
		if err := r.Ready(context.Background()); !errors.As(err, &nr) || nr.Reasons[0] != "database" {
			t.Errorf("after the database failed: %v", err)
		}
	}
	if n := probes.Load(); n != 2 {
		t.Errorf("%d probes after one interval, want 2", n)
	}
	fail.Store(false)
	advance(ReadyProbeEvery - time.Millisecond)
	if err := r.Ready(context.Background()); err == nil {
		t.Error("a failure was forgotten before the interval passed")
	}
	advance(time.Millisecond)
	if err := r.Ready(context.Background()); err != nil || probes.Load() != 3 {
		t.Errorf("after the interval: %v, %d probes; want ready, 3", err, probes.Load())
	}
}
