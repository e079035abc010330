package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"fmt"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"danchu/internal/random"
)

// SMTP delivers e-mail through an SMTP server, with STARTTLS when the server offers
// it and PLAIN authentication when a user is given.
type SMTP struct {
	Addr     string // host:port
	User     string
	Password string
	From     string
	// Insecure skips certificate checks (a test or local relay only).
	Insecure bool
}

// ParseSMTP reads smtp://user:password@host:port?from=danchu@example.vn.
func ParseSMTP(dsn string) (*SMTP, error) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme != "smtp" || u.Host == "" {
		return nil, fmt.Errorf("SMTP address must look like smtp://user:pass@host:587?from=danchu@xa.gov.vn")
	}
	s := &SMTP{Addr: u.Host, From: u.Query().Get("from"), Insecure: u.Query().Get("insecure") == "1"}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	if s.From == "" {
		return nil, fmt.Errorf("SMTP address needs ?from=… (the sender address)")
	}
	if _, _, err := net.SplitHostPort(s.Addr); err != nil {
		s.Addr += ":587"
	}
	return s, nil
}

// Mail sends m, giving up after 30 seconds.
func (s *SMTP) Mail(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To, "\r\n<>,") {
		return fmt.Errorf("smtp: bad recipient %q", m.To)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", s.Addr)
	if err != nil {
		return fmt.Errorf("smtp connect %s: %w", s.Addr, err)
	}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl)
	}
	host, _, _ := net.SplitHostPort(s.Addr)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		conn.Close()
		return fmt.Errorf("smtp hello %s: %w", s.Addr, err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, InsecureSkipVerify: s.Insecure}); err != nil {
			return fmt.Errorf("smtp starttls: %w", err)
		}
	}
	if s.User != "" {
		if err := c.Auth(smtp.PlainAuth("", s.User, s.Password, host)); err != nil {
			return fmt.Errorf("smtp auth: %w", err)
		}
	}
	if err := c.Mail(s.From); err != nil {
		return fmt.Errorf("smtp from: %w", err)
	}
	if err := c.Rcpt(m.To); err != nil {
		return fmt.Errorf("smtp to %s: %w", m.To, err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("smtp data: %w", err)
	}
	if _, err := w.Write(compose(s.From, m)); err != nil {
		return fmt.Errorf("smtp write: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("smtp send: %w", err)
	}
	return c.Quit()
}

// compose builds a UTF-8 plain-text message; the body is base64 so that
// Vietnamese text passes any relay unchanged.
func compose(from string, m Message) []byte {
	var b bytes.Buffer
	domain := from[strings.LastIndex(from, "@")+1:]
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%s@%s>\r\n", from, m.To,
		mime.QEncoding.Encode("utf-8", m.Subject), time.Now().Format(time.RFC1123Z), random.Key(), domain)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	enc := base64.StdEncoding.EncodeToString([]byte(m.Text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
