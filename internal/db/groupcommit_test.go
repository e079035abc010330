package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"danchu/internal/db"
)

type gcItem struct{ key, body string }

var errEmpty = errors.New("empty body")

// gcWriter stores items idempotently (the key is the idempotency key) and refuses
// empty bodies; calls counts the batches.
func gcWriter(calls *atomic.Int64) func(ctx context.Context, tx *sql.Tx, items []gcItem) []error {
	return func(ctx context.Context, tx *sql.Tx, items []gcItem) []error {
		calls.Add(1)
		errs := make([]error, len(items))
		for i, it := range items {
			if it.body == "" {
				errs[i] = errEmpty
				continue
			}
			if _, err := tx.ExecContext(ctx, "insert into gc_items (k, body) values ($1, $2) on conflict (k) do nothing", it.key, it.body); err != nil {
				for j := range errs {
					errs[j] = err
				}
				return errs
			}
		}
		return errs
	}
}

func TestGroupCommit(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Raw().Exec("create table gc_items (k text primary key, body text not null)"); err != nil {
			t.Fatal(err)
		}
		var calls atomic.Int64
		g := db.NewGroupCommit(d, 200, 5*time.Millisecond, gcWriter(&calls))
		const workers, each = 40, 50
		var wg sync.WaitGroup
		var failed atomic.Int64
		for w := range workers {
			wg.Go(func() {
				for i := range each {
					if err := g.Submit(ctx, gcItem{fmt.Sprintf("w%d-%d", w, i), "ý kiến"}); err != nil {
						failed.Add(1)
					}
				}
			})
		}
		wg.Wait()
		var n int
		d.QueryRow("select count(*) from gc_items").Scan(&n)
		if n != workers*each || failed.Load() != 0 {
			t.Fatalf("%d rows, %d failures; want %d rows", n, failed.Load(), workers*each)
		}
		if c := calls.Load(); c >= workers*each/4 {
			t.Errorf("%d batches for %d items: not grouped", c, workers*each)
		}
		t.Logf("%d items in %d transactions", workers*each, calls.Load())
		// The same idempotency key twice, at once and later: one row, both answered OK.
		var wg2 sync.WaitGroup
		for range 2 {
			wg2.Go(func() {
				if err := g.Submit(ctx, gcItem{"same-key", "lần đầu"}); err != nil {
					t.Error(err)
				}
			})
		}
		wg2.Wait()
		if err := g.Submit(ctx, gcItem{"same-key", "gửi lại"}); err != nil {
			t.Fatal(err)
		}
		var body string
		d.QueryRow("select count(*), min(body) from gc_items where k = 'same-key'").Scan(&n, &body)
		if n != 1 || body != "lần đầu" {
			t.Errorf("idempotency: %d rows, body %q", n, body)
		}
		// An item the writer refuses gets its own error; its batch-mates are stored.
		errs := make(chan error, 3)
		for _, it := range []gcItem{{"a1", "x"}, {"a2", ""}, {"a3", "y"}} {
			go func() { errs <- g.Submit(ctx, it) }()
		}
		var refused int
		for range 3 {
			if err := <-errs; errors.Is(err, errEmpty) {
				refused++
			} else if err != nil {
				t.Errorf("unexpected %v", err)
			}
		}
		d.QueryRow("select count(*) from gc_items where k in ('a1', 'a2', 'a3')").Scan(&n)
		if refused != 1 || n != 2 {
			t.Errorf("refused %d, stored %d; want 1 and 2", refused, n)
		}
		g.Close()
		// Close writes what is queued; afterwards Submit says so. The writer is held
		// in its first batch until the other 99 items are queued and Close is called.
		started, release := make(chan struct{}), make(chan struct{})
		var first sync.Once
		write := gcWriter(&calls)
		g = db.NewGroupCommit(d, 200, 0, func(ctx context.Context, tx *sql.Tx, items []gcItem) []error {
			first.Do(func() { close(started); <-release })
			return write(ctx, tx, items)
		})
		var late sync.WaitGroup
		for i := range 100 {
			late.Go(func() {
				if err := g.Submit(ctx, gcItem{fmt.Sprintf("late-%d", i), "z"}); err != nil {
					t.Errorf("late-%d: %v", i, err)
				}
			})
			if i == 0 {
				<-started
			}
		}
		for g.Queued() < 99 {
			runtime.Gosched()
		}
		closed := make(chan struct{})
		go func() { g.Close(); close(closed) }()
		for !g.Stopping() {
			runtime.Gosched()
		}
		close(release)
		<-closed
		late.Wait()
		if err := g.Submit(ctx, gcItem{"after", "z"}); !errors.Is(err, db.ErrClosed) {
			t.Errorf("submit after close: %v", err)
		}
		d.QueryRow("select count(*) from gc_items where k like 'late-%'").Scan(&n)
		if n != 100 {
			t.Errorf("%d of 100 queued items written by Close", n)
		}
	})
}

// A batch that fails as a whole answers every item with the error and stores none.
func TestGroupCommitFailedBatch(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		g := db.NewGroupCommit(d, 10, time.Millisecond, func(ctx context.Context, tx *sql.Tx, items []gcItem) []error {
			return nil // wrong number of results: the transaction is rolled back
		})
		defer g.Close()
		if err := g.Submit(context.Background(), gcItem{"k", "v"}); err == nil || !strings.Contains(err.Error(), "0 results for 1 items") {
			t.Errorf("err = %v", err)
		}
	})
}

// BenchmarkGroupCommit: durable writes per second from many concurrent callers,
// SQLite with synchronous=FULL (one fsync per commit) and PostgreSQL.
func BenchmarkGroupCommit(b *testing.B) {
	db.EachB(b, func(b *testing.B, d *db.DB) {
		if d.Dialect == db.SQLite {
			full, err := db.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "full.db"), db.Options{SyncFull: true})
			if err != nil {
				b.Fatal(err)
			}
			defer full.Close()
			var mode int
			full.QueryRow("pragma synchronous").Scan(&mode)
			if mode != 2 {
				b.Fatalf("synchronous = %d, want 2 (FULL)", mode)
			}
			d = full
		}
		if _, err := d.Raw().Exec("create table gc_items (k text primary key, body text not null)"); err != nil {
			b.Fatal(err)
		}
		var calls atomic.Int64
		g := db.NewGroupCommit(d, 500, 2*time.Millisecond, gcWriter(&calls))
		defer g.Close()
		var seq atomic.Int64
		b.SetParallelism(64)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := g.Submit(context.Background(), gcItem{fmt.Sprintf("k%d", seq.Add(1)), "Tôi đồng ý với dự thảo, đề nghị bổ sung điều 5."}); err != nil {
					b.Error(err)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "writes/s")
		b.ReportMetric(float64(b.N)/float64(max(calls.Load(), 1)), "items/commit")
	})
}

// What queued while a batch was being written goes into the next batch whole,
// even with no wait at all: the writer takes what is ready before it looks at
// its timer (a select between a ready queue and a fired timer picks at random).
func TestGroupCommitTakesWhatIsQueued(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		started, release := make(chan struct{}), make(chan struct{})
		var sizes []int
		var mu sync.Mutex
		g := db.NewGroupCommit(d, 500, 0, func(ctx context.Context, tx *sql.Tx, items []int) []error {
			mu.Lock()
			sizes = append(sizes, len(items))
			first := len(sizes) == 1
			mu.Unlock()
			if first {
				close(started)
				<-release
			}
			return make([]error, len(items))
		})
		defer g.Close()
		var wg sync.WaitGroup
		wg.Go(func() { g.Submit(ctx, 0) })
		<-started
		const queued = 100
		for i := range queued {
			wg.Go(func() {
				if err := g.Submit(ctx, i+1); err != nil {
					t.Error(err)
				}
			})
		}
		for g.Queued() < queued { // every sender is in the queue, not merely started
			runtime.Gosched()
		}
		close(release)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		if len(sizes) != 2 || sizes[1] != queued {
			t.Errorf("batches %v, want [1 %d]", sizes, queued)
		}
	})
}
