// Package mailtest runs a real SMTP server (emersion/go-smtp) inside a test and
// keeps what it receives, decoded, so that tests can read the mail danchu sent.
package mailtest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"danchu/internal/notify"

	"github.com/emersion/go-smtp"
)

// Mail is one received message.
type Mail struct {
	From, To, Subject, Text string
}

// Server is an SMTP server on 127.0.0.1 and the mail it received.
type Server struct {
	Addr string
	mu   sync.Mutex
	got  []Mail
	news chan struct{}
}

// Start runs a server until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: ln.Addr().String(), news: make(chan struct{}, 100)}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &session{srv: s}, nil }))
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return s
}

// Sender returns an SMTP sender that delivers to this server.
func (s *Server) Sender() *notify.SMTP {
	return &notify.SMTP{Addr: s.Addr, From: "danchu@xa.gov.vn"}
}

// Wait returns the mail received so far once there are at least n, or fails the test after 10 s.
func (s *Server) Wait(t testing.TB, n int) []Mail {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		got := append([]Mail(nil), s.got...)
		s.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-s.news:
		case <-deadline:
			t.Fatalf("SMTP server received %d messages, want %d", len(got), n)
		}
	}
}

type session struct {
	srv      *Server
	from, to string
}

func (x *session) Reset()        { x.from, x.to = "", "" }
func (x *session) Logout() error { return nil }
func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	x.from = from
	return nil
}
func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = to
	return nil
}

func (x *session) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "base64") {
		body, err = io.ReadAll(base64.NewDecoder(base64.StdEncoding, bytes.NewReader(bytes.ReplaceAll(body, []byte("\r\n"), nil))))
		if err != nil {
			return err
		}
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	x.srv.mu.Lock()
	x.srv.got = append(x.srv.got, Mail{From: x.from, To: x.to, Subject: subject, Text: string(body)})
	x.srv.mu.Unlock()
	select { // a waiter is woken; with none waiting, the wake-up is not needed
	case x.srv.news <- struct{}{}:
	default:
	}
	return nil
}
