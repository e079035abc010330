package app

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"golang.org/x/sync/errgroup"
)

// Job is background work that belongs to the program, not to a request: the
// App starts its jobs with the server, stops them together, and joins them
// before the database closes.
type Job struct {
	Name string
	// Every is how long after the start of one run the next is due (Run runs
	// once at the start). Zero: Run is called once and returns when ctx ends
	// (a server, say).
	Every time.Duration
	// Wake, if not nil, makes the job run at once when it receives, after
	// waiting Gather so that one run serves a burst of wakes.
	Wake   <-chan struct{}
	Gather time.Duration
	// Final runs the job once more after it is stopped (with FinalWithin), to
	// write what it holds in memory.
	Final bool
	Run   func(ctx context.Context) error
}

// FinalWithin bounds the last run of a job that has Final.
const FinalWithin = 5 * time.Second

// RunJobs runs jobs until ctx ends and returns once every one of them has
// returned. A failed or panicking run is logged through log (with the job's
// name) and the job runs again at its next turn.
func RunJobs(ctx context.Context, log *slog.Logger, jobs ...Job) error {
	var g errgroup.Group
	for _, j := range jobs {
		g.Go(func() error {
			j.loop(ctx, log.With("job", j.Name))
			return nil
		})
	}
	return g.Wait()
}

func (j Job) loop(ctx context.Context, log *slog.Logger) {
	if j.Every <= 0 && j.Wake == nil {
		j.once(ctx, log)
		return
	}
	var tick <-chan time.Time
	if j.Every > 0 {
		t := time.NewTicker(j.Every)
		defer t.Stop()
		tick = t.C
	}
	for {
		j.once(ctx, log)
		if !j.next(ctx, tick) {
			break
		}
	}
	if j.Final {
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), FinalWithin)
		defer cancel()
		j.once(fctx, log)
	}
}

// next waits for the job's next turn and reports false when ctx ends first.
func (j Job) next(ctx context.Context, tick <-chan time.Time) bool {
	select {
	case <-ctx.Done():
		return false
	case <-tick:
		return true
	case <-j.Wake:
	}
	if j.Gather <= 0 {
		return true
	}
	t := time.NewTimer(j.Gather)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// once runs the job and logs what went wrong; an error caused by the stop
// itself is not one.
func (j Job) once(ctx context.Context, log *slog.Logger) {
	defer func() {
		if p := recover(); p != nil {
			log.ErrorContext(ctx, "job panicked", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		}
	}()
	if err := j.Run(ctx); err != nil && ctx.Err() == nil {
		log.ErrorContext(ctx, "job failed", "err", err)
	}
}
