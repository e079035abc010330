package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/db"
	"danchu/internal/notify"
	"danchu/internal/notify/mailtest"
)

// flakySMS fails its first `fail` messages, then keeps the rest.
type flakySMS struct {
	mu   sync.Mutex
	fail int
	got  []notify.Message
}

func (f *flakySMS) SendSMS(_ context.Context, m notify.Message) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail > 0 {
		f.fail--
		return errors.New("gateway down")
	}
	f.got = append(f.got, m)
	return nil
}

func status(t *testing.T, d *db.DB, address string) (st string, attempts int) {
	t.Helper()
	if err := d.QueryRowContext(context.Background(), "select status, attempts from outbox where address = $1", address).Scan(&st, &attempts); err != nil {
		t.Fatal(err)
	}
	return st, attempts
}

func TestOutbox(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
		d.Now = func() time.Time { return now }
		mail := mailtest.Start(t)
		sms := &flakySMS{fail: 1}
		o := notify.NewOutbox(d, mail.Sender(), sms, "https://xa.example.vn/", slog.New(slog.NewTextHandler(io.Discard, nil)))

		// A rolled-back transaction queues nothing.
		boom := errors.New("the event failed")
		err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			if err := o.Add(ctx, tx, notify.Note{Kind: "t", Channel: notify.Email, Address: "lost@example.vn", Text: "x"}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("the rollback did not happen: %v", err)
		}
		err = d.RunInTx(ctx, func(tx *sql.Tx) error {
			return o.Add(ctx, tx,
				notify.Note{Kind: "t", AccountID: 7, Channel: notify.Email, Address: "dan@example.vn", Subject: "Ý kiến đã được trả lời", Text: "Xin chào", Link: "/lay-y-kien/5"},
				notify.Note{Kind: "t", AccountID: 8, Channel: notify.Phone, Address: "+84912345678", Text: "Tin nhắn"},
				notify.Note{Kind: "t", AccountID: 9, Channel: notify.Email, Address: ""}, // no contact: skipped
			)
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			return o.Add(ctx, tx, notify.Note{Kind: "t", Channel: "pigeon", Address: "x"})
		}); err == nil || !strings.Contains(err.Error(), `unknown channel "pigeon"`) {
			t.Errorf("an unknown channel: %v, want refused", err)
		}
		var n int
		d.QueryRowContext(ctx, "select count(*) from outbox").Scan(&n)
		if n != 2 {
			t.Fatalf("outbox holds %d notes, want 2", n)
		}

		sent, failed, err := o.Deliver(ctx, 100)
		if err != nil || sent != 1 || failed != 1 {
			t.Fatalf("first delivery: sent %d failed %d err %v", sent, failed, err)
		}
		got := mail.Wait(t, 1)
		if got[0].To != "dan@example.vn" || got[0].Subject != "Ý kiến đã được trả lời" || !strings.Contains(got[0].Text, "https://xa.example.vn/lay-y-kien/5") {
			t.Errorf("mail = %+v", got[0])
		}
		if st, a := status(t, d, "+84912345678"); st != "pending" || a != 1 {
			t.Errorf("failed SMS: %s after %d attempts", st, a)
		}
		// Not due again before its backoff.
		if sent, failed, err := o.Deliver(ctx, 100); err != nil || sent+failed != 0 {
			t.Errorf("retried before the backoff: sent %d failed %d (%v)", sent, failed, err)
		}
		now = now.Add(notify.Backoff[0])
		if sent, _, err := o.Deliver(ctx, 100); err != nil || sent != 1 {
			t.Fatalf("retry: sent %d err %v", sent, err)
		}
		if len(sms.got) != 1 || sms.got[0].To != "+84912345678" || sms.got[0].Text != "Tin nhắn" {
			t.Errorf("sms = %+v", sms.got)
		}
		if st, a := status(t, d, "+84912345678"); st != "sent" || a != 2 {
			t.Errorf("SMS after retry: %s after %d attempts", st, a)
		}
		// Sent notes are not sent again.
		now = now.Add(48 * time.Hour)
		if sent, failed, err := o.Deliver(ctx, 100); err != nil || sent+failed != 0 {
			t.Errorf("delivered twice: sent %d failed %d (%v)", sent, failed, err)
		}

		// A note that never gets through is given up after the last backoff.
		sms.fail = 1000
		if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			return o.Add(ctx, tx, notify.Note{Kind: "t", Channel: notify.Phone, Address: "+84900000000", Text: "x"})
		}); err != nil {
			t.Fatal(err)
		}
		for range len(notify.Backoff) + 1 {
			o.Deliver(ctx, 100)
			now = now.Add(25 * time.Hour)
		}
		if st, a := status(t, d, "+84900000000"); st != "failed" || a != len(notify.Backoff)+1 {
			t.Errorf("undeliverable note: %s after %d attempts", st, a)
		}
	})
}

// slowFailSMS runs during's hook while "sending", then fails.
type slowFailSMS struct{ during func() }

func (s slowFailSMS) SendSMS(context.Context, notify.Message) error {
	s.during()
	return errors.New("gateway timed out")
}

// A worker whose send outlived its lease: another worker claimed the note
// again and delivered it meanwhile. The first worker's failure must not turn
// the delivered note back into a pending one (it would be sent a second time).
func TestLateFailureKeepsTheOtherWorkersDelivery(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		now := time.Date(2026, 11, 2, 8, 0, 0, 0, time.UTC)
		d.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
		mail := mailtest.Start(t)
		good := &flakySMS{}
		second := notify.NewOutbox(d, mail.Sender(), good, "https://xa.example.vn", quiet)
		first := notify.NewOutbox(d, mail.Sender(), slowFailSMS{during: func() {
			mu.Lock()
			now = now.Add(10 * time.Minute) // past the lease
			mu.Unlock()
			if sent, _, err := second.Deliver(ctx, 10); err != nil || sent != 1 {
				t.Errorf("the second worker: sent %d, %v", sent, err)
			}
		}}, "https://xa.example.vn", quiet)
		if err := d.RunInTx(ctx, func(tx *sql.Tx) error {
			return first.Add(ctx, tx, notify.Note{Kind: "t", Channel: notify.Phone, Address: "+84912345678", Text: "Tin nhắn"})
		}); err != nil {
			t.Fatal(err)
		}
		if _, failed, err := first.Deliver(ctx, 10); err != nil || failed != 1 {
			t.Fatalf("the first worker: failed %d, %v", failed, err)
		}
		if st, attempts := status(t, d, "+84912345678"); st != "sent" || attempts != 1 {
			t.Errorf("note %s after %d attempts; want sent after 1 (the late failure overwrote the delivery)", st, attempts)
		}
		if len(good.got) != 1 {
			t.Errorf("delivered %d times", len(good.got))
		}
	})
}
