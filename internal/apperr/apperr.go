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
	CodeInternal  Code = "internal"
)

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

// RetryAfterOf returns the wait of a CodeTooMany error (0 otherwise).
func RetryAfterOf(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) && e.Code == CodeTooMany {
		return e.RetryAfter
	}
	return 0
}

// CodeOf returns the code of the first coded error in err's chain, or CodeInternal.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
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
