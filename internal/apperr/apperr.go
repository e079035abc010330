// Package apperr holds the coded errors every service returns: a code the web layer
// maps to an HTTP status in one place, and a message that is safe to show a person.
// The message is a key in the locales of the room that returns it, with its
// arguments (New, M); the web layer renders it in the request's language
// (web.Server.Message). Errors without a code are internal and never shown.
package apperr

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Code classifies an error for the person who caused it.
type Code string

// The codes a service may return.
const (
	CodeInvalid   Code = "invalid"
	CodeNotFound  Code = "not_found"
	CodeForbidden Code = "forbidden"
	CodeConflict  Code = "conflict"
	CodeTooMany   Code = "too_many"
	// CodeUnavailable: what the request needs (the database, the disk) cannot
	// take it now; nothing the person did is wrong, and the same request may
	// succeed in a few minutes (503 with Retry-After).
	CodeUnavailable Code = "unavailable"
	// CodeTooLarge: the request's body is larger than its address takes (413).
	CodeTooLarge Code = "too_large"
	CodeInternal Code = "internal"
)

// UnavailableRetry is the wait told to a client when the database or the disk
// cannot take a request (Retry-After of a 503): long enough for a restarted
// PostgreSQL or a freed disk, short enough that a person tries again.
const UnavailableRetry = 30 * time.Second

// Unavailable marks err, which means that a store cannot take a request now, as
// CodeUnavailable with the wait to tell the client (0: UnavailableRetry). It
// has no message key: the web layer says, in the request's language, that what
// was saved is safe and to try again.
func Unavailable(err error, wait time.Duration) *Error {
	if wait <= 0 {
		wait = UnavailableRetry
	}
	return &Error{Code: CodeUnavailable, Err: err, RetryAfter: wait}
}

// classifier recognises, in an uncoded error, a store that cannot take a request
// now (the database package registers the drivers' errors): the wait, or 0.
var classifier atomic.Pointer[func(error) time.Duration]

// RegisterUnavailable sets how uncoded errors that mean "cannot take it now"
// are recognised (package db, for its drivers' errors, at init), so that an
// error a store returned unwrapped (a read's Scan) is still a 503.
func RegisterUnavailable(f func(error) time.Duration) { classifier.Store(&f) }

// unavailableWait is how long a client should wait before retrying a request
// that failed with err, when err means a store cannot take it now (0 when not):
// a full disk or quota, a read-only file system, or what the registered
// classifier recognises.
func unavailableWait(err error) time.Duration {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS) {
		return UnavailableRetry
	}
	if f := classifier.Load(); f != nil {
		return (*f)(err)
	}
	return 0
}

// Msg is a message to show a person: a key in the catalog of the room that
// defines it and the arguments its text is formatted with; an argument that is
// itself a Msg is rendered in the same language (a message built from pieces).
// The zero Msg only marks a field as wrong; the error's own message says why.
type Msg struct {
	Key  string
	Args []any
}

// M is the message key with args.
func M(key string, args ...any) Msg { return Msg{Key: key, Args: args} }

// String is the key and its arguments, for logs.
func (m Msg) String() string {
	if len(m.Args) == 0 {
		return m.Key
	}
	return fmt.Sprintf("%s%v", m.Key, m.Args)
}

// Error is a coded error with a safe message and, for invalid input, a message per field.
type Error struct {
	Code Code
	Msg  Msg
	// FieldMsgs maps a form field to what is wrong with it.
	FieldMsgs map[string]Msg
	Err       error
	// RetryAfter, for CodeTooMany, is how long until a new attempt may succeed.
	RetryAfter time.Duration
}

// New is an error of code whose message is key (in the calling room's locales)
// formatted with args.
func New(code Code, key string, args ...any) *Error {
	return &Error{Code: code, Msg: Msg{Key: key, Args: args}}
}

// Field adds what is wrong with a form field and returns e.
func (e *Error) Field(name string, m Msg) *Error {
	if e.FieldMsgs == nil {
		e.FieldMsgs = map[string]Msg{}
	}
	e.FieldMsgs[name] = m
	return e
}

// Mark marks form fields as wrong (the error's message says why) and returns e.
func (e *Error) Mark(names ...string) *Error {
	for _, n := range names {
		e.Field(n, Msg{})
	}
	return e
}

// WithFields sets the messages of the form fields and returns e.
func (e *Error) WithFields(fields map[string]Msg) *Error {
	e.FieldMsgs = fields
	return e
}

// After sets how long a CodeTooMany caller must wait and returns e.
func (e *Error) After(d time.Duration) *Error {
	e.RetryAfter = d
	return e
}

// Error is readable for logs: the message (its key and arguments), the fields
// in name order, and the wrapped error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Msg.String())
	if e.Msg.Key == "" { // an error without a message of its own (Unavailable): its code
		b.WriteString(string(e.Code))
	}
	names := make([]string, 0, len(e.FieldMsgs))
	for k := range e.FieldMsgs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if m := e.FieldMsgs[k]; m.Key == "" {
			fmt.Fprintf(&b, "; %s", k)
		} else {
			fmt.Fprintf(&b, "; %s: %s", k, m)
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// RetryAfterOf returns the wait of a CodeTooMany or CodeUnavailable error (0
// otherwise).
func RetryAfterOf(err error) time.Duration {
	var e *Error
	coded := errors.As(err, &e)
	switch {
	case coded && e.Code == CodeTooMany:
		return e.RetryAfter
	case coded && e.Code == CodeUnavailable && e.RetryAfter > 0:
		return e.RetryAfter
	case CodeOf(err) == CodeUnavailable:
		if d := unavailableWait(err); d > 0 {
			return d
		}
		return UnavailableRetry
	}
	return 0
}

// CodeOf returns the code of the first coded error in err's chain; an uncoded
// (or internal) error that means a store cannot take the request now (a
// database down, a disk full: see RegisterUnavailable) is CodeUnavailable;
// anything else CodeInternal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Code
	}
	if err != nil && unavailableWait(err) > 0 {
		return CodeUnavailable
	}
	return CodeInternal
}

// KeyOf returns the message key of the first coded error in err's chain ("" for
// an uncoded error).
func KeyOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg.Key
	}
	return ""
}

// ConfigError is a configuration problem the operator must fix before danchu can
// start. Its message is one line: Vietnamese, then the same in English.
type ConfigError struct{ VI, EN string }

func (e *ConfigError) Error() string { return e.VI + " / " + e.EN }
