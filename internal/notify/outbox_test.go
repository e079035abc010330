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
	"danchu/internal/vault"
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

// logBuffer is a logger whose lines a test reads.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestSealedNotes(t *testing.T) {
	db.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		keys, err := vault.Parse([]byte(vault.KeyLine(1)))
		if err != nil {
			t.Fatal(err)
		}
		var logged logBuffer
		log := slog.New(slog.NewTextHandler(&logged, nil))
		mail := mailtest.Start(t)
		sms := &flakySMS{fail: 1}
		o := notify.NewOutbox(d, mail.Sender(), sms, "https://xa.example.vn", log)
		note := []notify.Note{
			{Kind: "case.accepted", AccountID: 41, Channel: notify.Email, Address: "to-cao@example.vn", Subject: "Đơn TC-1 đã được thụ lý", Text: "Bí mật", Link: "/cong-dan/don-thu", Sealed: true},
			{Kind: "case.accepted", AccountID: 42, Channel: notify.Phone, Address: "+84905000111", Text: "Bí mật SMS", Sealed: true},
		}
		// Without keys a sealed note is refused, nothing queued.
		if err := d.RunInTx(ctx, func(tx *sql.Tx) error { return o.Add(ctx, tx, note...) }); err == nil || !strings.Contains(err.Error(), "no vault keys") {
			t.Fatalf("a sealed note without keys: %v", err)
		}
		o.SetSealer(keys)
		if err := d.RunInTx(ctx, func(tx *sql.Tx) error { return o.Add(ctx, tx, note...) }); err != nil {
			t.Fatal(err)
		}
		// The table holds neither address nor text nor the account.
		rows, err := d.QueryContext(ctx, "select account_id, address, subject, body from outbox")
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for rows.Next() {
			var acct int64
			var addr, subj, body string
			if err := rows.Scan(&acct, &addr, &subj, &body); err != nil {
				t.Fatal(err)
			}
			n++
			for _, secret := range []string{"to-cao", "0905000111", "Bí mật", "TC-1", "thụ lý"} {
				if strings.Contains(addr+subj+body, secret) {
					t.Errorf("outbox row holds %q: %q %q %q", secret, addr, subj, body)
				}
			}
			if acct != 0 || !strings.HasPrefix(body, notify.SealedPrefix) {
				t.Errorf("sealed row: account %d, body %.20q", acct, body)
			}
		}
		rows.Close()
		if n != 2 {
			t.Fatalf("%d rows", n)
		}
		// The first SMS fails: its error is not kept in clear; the e-mail goes out whole.
		if sent, failed, err := o.Deliver(ctx, 10); err != nil || sent != 1 || failed != 1 {
			t.Fatalf("deliver: sent %d failed %d, %v", sent, failed, err)
		}
		got := mail.Wait(t, 1)
		if len(got) != 1 || !strings.Contains(got[0].Text, "Bí mật") || !strings.Contains(got[0].Text, "https://xa.example.vn/cong-dan/don-thu") {
			t.Fatalf("mail: %+v", got)
		}
		var lastErr string
		if err := d.QueryRowContext(ctx, "select last_error from outbox where status = 'pending'").Scan(&lastErr); err != nil {
			t.Fatal(err)
		}
		if lastErr != "sealed note not delivered (*errors.errorString)" {
			t.Errorf("last error of a sealed note: %q", lastErr)
		}
		// Without the keys a queued sealed note fails, and says why.
		o2 := notify.NewOutbox(d, mail.Sender(), sms, "https://xa.example.vn", log)
		d.Now = func() time.Time { return time.Now().Add(time.Hour) }
		if sent, failed, err := o2.Deliver(ctx, 10); err != nil || sent != 0 || failed != 1 {
			t.Fatalf("deliver without keys: sent %d failed %d, %v", sent, failed, err)
		}
		d.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
		if sent, _, err := o.Deliver(ctx, 10); err != nil || sent != 1 || len(sms.got) != 1 || sms.got[0].To != "+84905000111" || !sms.got[0].Secret {
			t.Fatalf("the SMS later: sent %d, %+v, %v", sent, sms.got, err)
		}
		for _, secret := range []string{"to-cao", "0905000111", "Bí mật"} {
			if strings.Contains(logged.String(), secret) {
				t.Errorf("the log holds %q:\n%s", secret, logged.String())
			}
		}
		// The development sender does not write a sealed note to the log.
		var devLog logBuffer
		dev := notify.LogSender{Log: slog.New(slog.NewTextHandler(&devLog, nil))}
		dev.Mail(ctx, notify.Message{To: "to-cao@example.vn", Text: "Bí mật", Secret: true})
		dev.SendSMS(ctx, notify.Message{To: "+84905000111", Text: "Bí mật", Secret: true})
		if s := devLog.String(); strings.Contains(s, "to-cao") || strings.Contains(s, "0905") || strings.Contains(s, "Bí mật") || !strings.Contains(s, "sealed") {
			t.Errorf("development sender's log: %s", s)
		}
	})
}
