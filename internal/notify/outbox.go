package notify

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
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
	// Sealed keeps the address, subject and text encrypted in the outbox (the
	// Outbox's Sealer) and the recipient's account out of it: a note to a
	// denouncer (Luật Tố cáo Art 47) tells no reader of the database who was
	// told what. Its delivery errors are logged without their text.
	Sealed bool
}

// Sealer seals and opens the outbox's sealed notes (the vault's keys).
type Sealer interface {
	Seal(plain, aad []byte) []byte
	Open(sealed, aad []byte) ([]byte, error)
	// Rotate seals a value again under the current key (unchanged when it is).
	Rotate(sealed, aad []byte) ([]byte, error)
}

// SealedPrefix begins the body of a sealed note.
const SealedPrefix = "sealed:"

// Outbox queues notes inside the transaction of the event they report and
// delivers them afterwards, retrying with growing waits.
type Outbox struct {
	db      *db.DB
	mail    Mailer
	sms     SMS
	baseURL string
	log     *slog.Logger
	wake    chan struct{}
	sealer  Sealer
}

// SetSealer gives the outbox the keys of sealed notes; without them Add
// refuses a sealed note and such a note already queued fails.
func (o *Outbox) SetSealer(s Sealer) { o.sealer = s }

// Backoff is how long to wait after each failed attempt; after the last one the
// note is marked failed.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour, 24 * time.Hour}

// lease is how long a worker owns a note it picked before another may try it.
const lease = 5 * time.Minute

// NewOutbox delivers e-mail through mail and SMS through sms; links are written
// under baseURL.
func NewOutbox(d *db.DB, mail Mailer, sms SMS, baseURL string, log *slog.Logger) *Outbox {
	return &Outbox{db: d, mail: mail, sms: sms, baseURL: strings.TrimRight(baseURL, "/"), log: log, wake: make(chan struct{}, 1)}
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
		if n.Sealed {
			if o.sealer == nil {
				return fmt.Errorf("note %s: sealed, but the outbox has no vault keys", n.Kind)
			}
			plain, err := json.Marshal(sealedNote{Address: n.Address, Subject: n.Subject, Text: n.Text, Link: n.Link})
			if err != nil {
				return err
			}
			n = Note{Kind: n.Kind, Channel: n.Channel, Address: "", Subject: "",
				Text: SealedPrefix + base64.StdEncoding.EncodeToString(o.sealer.Seal(plain, []byte(sealedAAD)))}
		}
		rows = append(rows, n)
	}
	if err := insertNotes(ctx, o.db, tx, rows, o.baseURL, now); err != nil {
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
	var n int64
	err = o.db.RunInTx(ctx, func(tx *sql.Tx) error {
		var err error
		n, err = claim(ctx, tx, token, now, now+lease.Milliseconds(), limit)
		return err
	})
	if err != nil {
		return 0, 0, fmt.Errorf("outbox: claim: %w", err)
	}
	if n == 0 {
		return 0, 0, nil
	}
	list, err := claimed(ctx, o.db, token)
	if err != nil {
		return 0, 0, fmt.Errorf("outbox: %w", err)
	}
	var done []int64
	defer func() {
		if len(done) == 0 {
			return
		}
		if e := o.markSent(ctx, done); e != nil && err == nil {
			err = e
		}
	}()
	for _, d := range list {
		m, serr := o.message(d)
		if serr != nil {
			err = serr
		} else if d.channel == Phone {
			err = o.sms.SendSMS(ctx, m)
		} else {
			err = o.mail.Mail(ctx, m)
		}
		if err != nil && m.Secret {
			// A server's refusal may quote the address: not kept, not logged.
			err = fmt.Errorf("sealed note not delivered (%T)", err)
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

// markSent records notes as sent, in one transaction.
func (o *Outbox) markSent(ctx context.Context, ids []int64) error {
	at := o.db.NowMillis()
	return o.db.RunInTx(ctx, func(tx *sql.Tx) error { return markSentIn(ctx, tx, ids, at) })
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

// sealedAAD binds a sealed note's content to the outbox.
const sealedAAD = "danchu outbox note"

// sealedNote is what a sealed note's body holds.
type sealedNote struct {
	Address string `json:"a"`
	Subject string `json:"s"`
	Text    string `json:"t"`
	Link    string `json:"l"`
}

// message is the message of a claimed note, a sealed one opened.
func (o *Outbox) message(d due) (Message, error) {
	if d.address != "" || !strings.HasPrefix(d.body, SealedPrefix) {
		return Message{To: d.address, Subject: d.subject, Text: d.body}, nil
	}
	m := Message{Secret: true}
	if o.sealer == nil {
		return m, errors.New("sealed note: the server has no vault keys (--vault-key)")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(d.body, SealedPrefix))
	if err != nil {
		return m, errors.New("sealed note: not base64")
	}
	plain, err := o.sealer.Open(raw, []byte(sealedAAD))
	if err != nil {
		return m, fmt.Errorf("sealed note: %w", err)
	}
	var n sealedNote
	if err := json.Unmarshal(plain, &n); err != nil {
		return m, errors.New("sealed note: not a note")
	}
	m.To, m.Subject, m.Text = n.Address, n.Subject, n.Text
	if n.Link != "" {
		m.Text += "\n\n" + o.baseURL + n.Link
	}
	return m, nil
}

// Reseal seals every sealed note again under the vault's current key (after
// `danchu vault-key` added one), so that the old key can leave the key file:
// notes already sent too, for a sealed body is unreadable without its key.
// It returns how many notes changed.
func (o *Outbox) Reseal(ctx context.Context) (int, error) {
	if o.sealer == nil {
		return 0, errors.New("reseal the outbox: no vault keys")
	}
	notes, err := sealedNotes(ctx, o.db, SealedPrefix)
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, n := range notes {
		raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(n.body, SealedPrefix))
		if err != nil {
			return changed, fmt.Errorf("outbox note %d: not base64", n.id)
		}
		again, err := o.sealer.Rotate(raw, []byte(sealedAAD))
		if err != nil {
			return changed, fmt.Errorf("outbox note %d: %w", n.id, err)
		}
		if bytes.Equal(again, raw) {
			continue
		}
		body := SealedPrefix + base64.StdEncoding.EncodeToString(again)
		if err := o.db.RunInTx(ctx, func(tx *sql.Tx) error { return setBody(ctx, tx, n.id, n.body, body) }); err != nil {
			return changed, err
		}
		changed++
	}
	return changed, nil
}
