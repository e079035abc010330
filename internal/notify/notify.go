// Package notify sends messages to people: e-mail through an SMTP server, SMS
// through a gateway behind the SMS interface. Senders that only write to the log
// stand in during development (and say so in every line they write).
package notify

import (
	"context"
	"log/slog"
)

// Message is a plain-text message to one address.
type Message struct {
	To      string
	Subject string // e-mail only
	Text    string
	// Secret: the note was sealed in the outbox (a denouncer's, Luật Tố cáo
	// Art 47): no sender writes its address or text to a log.
	Secret bool
}

// Mailer sends e-mail.
type Mailer interface {
	Mail(ctx context.Context, m Message) error
}

// SMS sends text messages to phone numbers (+84…).
type SMS interface {
	SendSMS(ctx context.Context, m Message) error
}

// LogSender is the development sender: it writes each message to the log instead
// of delivering it.
type LogSender struct{ Log *slog.Logger }

// Mail writes m to the log.
func (l LogSender) Mail(ctx context.Context, m Message) error {
	if m.Secret {
		l.Log.InfoContext(ctx, "sealed e-mail NOT sent (no SMTP server configured); its address and text are not written to the log")
		return nil
	}
	l.Log.InfoContext(ctx, "e-mail NOT sent (no SMTP server configured): written here instead", "to", m.To, "subject", m.Subject, "text", m.Text)
	return nil
}

// SendSMS writes m to the log.
func (l LogSender) SendSMS(ctx context.Context, m Message) error {
	if m.Secret {
		l.Log.InfoContext(ctx, "sealed SMS NOT sent (no SMS gateway configured); its number and text are not written to the log")
		return nil
	}
	l.Log.InfoContext(ctx, "SMS NOT sent (no SMS gateway configured): written here instead", "to", m.To, "text", m.Text)
	return nil
}
