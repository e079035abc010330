package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"time"
)

// GroupCommit writes many small requests in one transaction: one commit (one
// fsync) serves every request in the batch, and each caller of Submit is answered
// only after the transaction that holds its item has committed. It is how comment
// intake reaches thousands of durable writes per second on one SQLite file.
type GroupCommit[T any] struct {
	d        *DB
	write    func(ctx context.Context, tx *sql.Tx, items []T) []error
	maxBatch int
	maxWait  time.Duration
	queue    chan request[T]
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

type request[T any] struct {
	item  T
	reply chan error
}

// ErrClosed is returned by Submit after Close.
var ErrClosed = errors.New("group commit: closed")

// NewGroupCommit starts a writer. write stores a batch inside tx and returns one
// error per item (nil: stored); an error it cannot attribute to an item should be
// returned for every item. A batch is written when maxBatch items wait or maxWait
// has passed since the first of them.
func NewGroupCommit[T any](d *DB, maxBatch int, maxWait time.Duration, write func(ctx context.Context, tx *sql.Tx, items []T) []error) *GroupCommit[T] {
	g := &GroupCommit[T]{d: d, write: write, maxBatch: maxBatch, maxWait: maxWait,
		queue: make(chan request[T], 4*maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// Submit queues item and waits until it is committed (nil), refused by write (its
// error), or the batch failed. A caller whose ctx ends stops waiting, but an item
// already queued may still be written: use an idempotency key to retry safely.
func (g *GroupCommit[T]) Submit(ctx context.Context, item T) error {
	r := request[T]{item: item, reply: make(chan error, 1)}
	select {
	case <-g.stop:
		return ErrClosed
	default:
	}
	select {
	case g.queue <- r:
	case <-g.stop:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-r.reply:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-g.done:
		// The writer has stopped: it answered everything it took from the queue.
		select {
		case err := <-r.reply:
			return err
		default:
			return ErrClosed
		}
	}
}

// Close writes what is queued and stops the writer.
func (g *GroupCommit[T]) Close() {
	g.once.Do(func() { close(g.stop) })
	<-g.done
}

func (g *GroupCommit[T]) loop() {
	defer close(g.done)
	batch := make([]request[T], 0, g.maxBatch)
	for {
		batch = batch[:0]
		select {
		case r := <-g.queue:
			batch = append(batch, r)
		case <-g.stop:
			g.drain()
			return
		}
		timer := time.NewTimer(g.maxWait)
		waited := false
	fill:
		for len(batch) < g.maxBatch {
			// What is queued already goes in without waiting, even after maxWait:
			// a select between a ready queue and a fired timer picks at random, and
			// batches cut short by it would pay one commit each.
			select {
			case r := <-g.queue:
				batch = append(batch, r)
				continue
			default:
			}
			if waited {
				break
			}
			select {
			case r := <-g.queue:
				batch = append(batch, r)
			case <-timer.C:
				waited = true
			case <-g.stop:
				break fill
			}
		}
		timer.Stop()
		g.flush(batch)
	}
}

// drain writes the requests still queued when Close is called.
func (g *GroupCommit[T]) drain() {
	for {
		batch := make([]request[T], 0, g.maxBatch)
		for len(batch) < g.maxBatch {
			select {
			case r := <-g.queue:
				batch = append(batch, r)
				continue
			default:
			}
			break
		}
		if len(batch) == 0 {
			return
		}
		g.flush(batch)
	}
}

func (g *GroupCommit[T]) flush(batch []request[T]) {
	items := make([]T, len(batch))
	for i, r := range batch {
		items[i] = r.item
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	err := g.d.RunInTx(ctx, func(tx *sql.Tx) error {
		errs = g.write(ctx, tx, items)
		if len(errs) != len(items) {
			return fmt.Errorf("group commit: write returned %d results for %d items", len(errs), len(items))
		}
		return nil
	})
	if err != nil { // say what failed inside, not only that the commit did
		for _, e := range errs {
			if e != nil {
				err = fmt.Errorf("%w (first failure: %w)", err, e)
				break
			}
		}
		err = unavailable(err) // a commit that failed for a full disk (SQLite rolled back at the first failure)
	}
	for i, r := range batch {
		switch {
		case err != nil:
			r.reply <- err
		default:
			r.reply <- errs[i]
		}
	}
}
