package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"danchu/internal/config"
	"danchu/internal/web"
)

// ReadyProbeEvery is how often /readyz may touch the database and the disk:
// within it, every caller is given the last probe's result, and callers that
// come while a probe runs share it, so a flood of /readyz is one small write
// per interval.
const ReadyProbeEvery = 3 * time.Second

// readyProbeTimeout bounds one probe (its own context: a caller that gives up
// does not cancel the probe the others wait for).
const readyProbeTimeout = 5 * time.Second

// readiness answers /readyz: the database takes a write (db.ProbeWrite) and the
// data folder takes a file (config.WriteCheck), checked at most once per
// ReadyProbeEvery.
type readiness struct {
	every time.Duration
	now   func() time.Time
	check func(ctx context.Context) error

	mu      sync.Mutex
	at      time.Time     // when the last result came
	err     error         // the last result
	running chan struct{} // closed when the running probe ends; nil when none runs
}

func newReadiness(every time.Duration, check func(ctx context.Context) error) *readiness {
	return &readiness{every: every, now: time.Now, check: check}
}

// Ready is the last result if it is recent, else the result of a probe it
// starts or joins; ctx bounds only the wait.
func (r *readiness) Ready(ctx context.Context) error {
	r.mu.Lock()
	if !r.at.IsZero() && r.now().Sub(r.at) < r.every {
		err := r.err
		r.mu.Unlock()
		return err
	}
	if r.running == nil {
		r.running = make(chan struct{})
		go r.probe(r.running)
	}
	done := r.running
	r.mu.Unlock()
	select {
	case <-done:
		r.mu.Lock()
		defer r.mu.Unlock()
		return r.err
	case <-ctx.Done():
		return &web.NotReady{Reasons: []string{"database"}, Err: errors.New("the readiness probe did not answer in time")}
	}
}

func (r *readiness) probe(done chan struct{}) {
	ctx, cancel := context.WithTimeout(context.Background(), readyProbeTimeout)
	defer cancel()
	err := r.check(ctx)
	r.mu.Lock()
	r.err, r.at, r.running = err, r.now(), nil
	r.mu.Unlock()
	close(done)
}

// ready is the check behind /readyz: a write through the database's write path
// and a file written to the data folder.
func (a *App) ready(ctx context.Context) error {
	nr := &web.NotReady{}
	var errs []error
	if err := a.DB.ProbeWrite(ctx); err != nil {
		nr.Reasons, errs = append(nr.Reasons, "database"), append(errs, err)
	}
	if err := config.WriteCheck(a.Config.DataDir); err != nil {
		nr.Reasons, errs = append(nr.Reasons, "disk"), append(errs, err)
	}
	if len(errs) == 0 {
		return nil
	}
	nr.Err = errors.Join(errs...)
	return nr
}
