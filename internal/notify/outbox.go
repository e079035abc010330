package notify

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"

	"danchu/internal/db"
)

// Channels a note travels by.
const (
	Email = "email"
	Phone = "sms"
)

// Note is a message to one person, queued in the outbox.
type Note struct {
	Kind      string // what it reports, e.g. consultation.answered
	AccountID int64  // the recipient's account, 0 when only an address is known
	Channel   string // Email or Phone
	Address   string
	Subject   string // e-mail only
	Text      string
	Link      string // a path on the site (/lay-y-kien/1), written after the text as a full address
}

// Outbox queues notes inside the transaction of the event they report and
// delivers them afterwards, retrying with growing waits.
type Outbox struct {
	*Store
	db      *db.DB
	mail    Mailer
	sms     SMS
	baseURL string
	log     *slog.Logger
	wake    chan struct{}
}

// Backoff is how long to wait after each failed attempt; after the last one the
// note is marked failed.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// lease is how long a worker owns a note it picked before another may try it.
const lease = 5 * time.Minute

// NewOutbox delivers e-mail through mail and SMS through sms; links are written
// under baseURL.
func NewOutbox(d *db.DB, mail Mailer, sms SMS, baseURL string, log *slog.Logger) *Outbox {
	return &Outbox{Store: NewStore(d), db: d, mail: mail, sms: sms, baseURL: strings.TrimRight(baseURL, "/"), log: log, wake: make(chan struct{}, 1)}
}

// Add queues notes in tx: they are sent only if tx commits. Notes without an
// address are skipped (an account with no contact).
func (o *Outbox) Add(ctx context.Context, tx *sql.Tx, notes ...Note) error {
	now := o.db.NowMillis()
	var rows []Note
	for _, n := range notes {
		if n.Address == "" {
			continue
		}
		if n.Channel != Email && n.Channel != Phone {
			return fmt.Errorf("note %s: unknown channel %q", n.Kind, n.Channel)
		}
		rows = append(rows, n)
	}
	if err := o.insertNotes(ctx, tx, rows, o.baseURL, now); err != nil {
		return fmt.Errorf("queue notes: %w", err)
	}
	return nil
}

// Wake asks the worker to look at the outbox now (after a commit that queued notes).
func (o *Outbox) Wake() {
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

type due struct {
	id                                    int64
	channel, address, subject, body, kind string
	attempts                              int
	nextAt                                int64
}

// Deliver sends the notes that are due, at most limit, and reports how many went
// out and how many failed this time. It claims the batch in one statement (a
// worker in another process claims other notes), sends each note, and marks
// the sent ones in one transaction: a few writes per batch, not two per note.
func (o *Outbox) Deliver(ctx context.Context, limit int) (sent, failed int, err error) {
	now := o.db.NowMillis()
	token := rand.Int64N(1<<62) + 1
	var claimed int64
	err = o.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		claimed, err = claimDue(ctx, tx, now, now+lease.Milliseconds(), token, limit)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("outbox: claim: %w", err)
	}
	if claimed == 0 {
		return 0, 0, nil
	}
	list, err := o.claimed(ctx, token)
	if err != nil {
		return 0, 0, fmt.Errorf("outbox: %w", err)
	}
	var done []int64
	defer func() {
		if len(done) == 0 {
			return
		}
		if e := o.markDone(ctx, done); e != nil && err == nil {
			err = e
		}
	}()
	for _, d := range list {
		m := Message{To: d.address, Subject: d.subject, Text: d.body}
		if d.channel == Phone {
			err = o.sms.SendSMS(ctx, m)
		} else {
			err = o.mail.Mail(ctx, m)
		}
		if err == nil {
			done = append(done, d.id)
			sent++
			continue
		}
		failed++
		status, next := "pending", o.db.NowMillis()
		if d.attempts >= len(Backoff) {
			status = "failed"
		} else {
			next += Backoff[d.attempts].Milliseconds()
		}
		o.log.WarnContext(ctx, "notification not delivered", "id", d.id, "kind", d.kind, "channel", d.channel, "attempt", d.attempts+1, "status", status, "err", err)
		// Only while this worker's claim holds: after the lease another worker
		// may have claimed the note again, and its outcome is the one to keep.
		msg := trim(err.Error(), 500)
		if err := o.db.RunInTx(ctx, func(tx *sql.Tx) error {
			return markAttempt(ctx, tx, d.id, token, status, next, msg)
		}); err != nil {
			return sent, failed, fmt.Errorf("outbox: mark failed attempt: %w", err)
		}
	}
	return sent, failed, nil
}

// markDone records notes as sent, in one transaction.
func (o *Outbox) markDone(ctx context.Context, ids []int64) error {
	at := o.db.NowMillis()
	return o.db.RunInTx(ctx, func(tx *sql.Tx) error {
		if err := markSent(ctx, tx, ids, at); err != nil {
			return fmt.Errorf("outbox: mark sent: %w", err)
		}
		return nil
	})
}

func trim(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// deliverBatch is how many notes a worker claims at once.
const deliverBatch = 500

// DeliverDue sends every note that is due, a batch at a time: the program's
// outbox job runs it every little while and when Woken.
func (o *Outbox) DeliverDue(ctx context.Context) error {
	for {
		sent, failed, err := o.Deliver(ctx, deliverBatch)
		if err != nil || sent+failed < deliverBatch {
			return err
		}
	}
}

// Woken receives after Wake: a commit queued notes.
func (o *Outbox) Woken() <-chan struct{} { return o.wake }

// Gather is how long the worker waits after being woken before it delivers:
// under a stream of events every commit wakes it, and what arrives meanwhile
// goes in the same round (two writes for many notes, not two per note).
const Gather = 100 * time.Millisecond
