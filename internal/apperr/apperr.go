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

	// Message is a literal Vietnamese message.
	//
	// Deprecated: only for the room not yet converted to message keys (auth);
	// use New and Msg.
	Message string
	// Fields maps a field to a literal Vietnamese message.
	//
	// Deprecated: as Message; use FieldMsgs.
	Fields map[string]string
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

// Error is readable for logs: the message (its key and arguments, or the literal
// text), the fields in name order, and the wrapped error.
func (e *Error) Error() string {
	var b strings.Builder
	if e.Msg.Key != "" {
		b.WriteString(e.Msg.String())
	} else {
		b.WriteString(e.Message)
	}
	names := make([]string, 0, len(e.Fields)+len(e.FieldMsgs))
	for k := range e.Fields {
		names = append(names, k)
	}
	for k := range e.FieldMsgs {
		if _, dup := e.Fields[k]; !dup {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		if m, ok := e.FieldMsgs[k]; ok && m.Key == "" {
			fmt.Fprintf(&b, "; %s", k)
		} else if ok {
			fmt.Fprintf(&b, "; %s: %s", k, m)
		} else {
			fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
		}
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input with a literal message; fields maps a field name to what is wrong with it.
//
// Deprecated: use New(CodeInvalid, key, args...) with Field or WithFields.
func Invalid(msg string, fields map[string]string) *Error {
	return &Error{Code: CodeInvalid, Message: msg, Fields: fields}
}

// NotFound reports that what was asked for does not exist (or is not visible).
//
// Deprecated: use New(CodeNotFound, key, args...).
func NotFound(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports that the request clashes with what is stored.
//
// Deprecated: use New(CodeConflict, key, args...).
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// Forbidden reports that the caller may not do this.
//
// Deprecated: use New(CodeForbidden, key, args...).
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// TooMany reports that the caller must wait before trying again.
//
// Deprecated: use New(CodeTooMany, key, args...).After(retryAfter).
func TooMany(retryAfter time.Duration, format string, args ...any) *Error {
	return &Error{Code: CodeTooMany, Message: fmt.Sprintf(format, args...), RetryAfter: retryAfter}
}

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
// an uncoded error or a literal message).
func KeyOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Msg.Key
	}
	return ""
}

// vietnamese holds the Vietnamese texts of the message keys, for MessageOf.
var vietnamese atomic.Pointer[map[string]string]

// UseVietnamese gives MessageOf the Vietnamese text of every message key (the web
// server sets it once its catalogs are complete), so that a room still calling
// MessageOf shows a converted room's error in Vietnamese rather than as its key.
//
// Deprecated: it goes with MessageOf.
func UseVietnamese(texts map[string]string) { vietnamese.Store(&texts) }

// MessageOf returns the message of err in Vietnamese, or a generic one for internal errors.
//
// Deprecated: it shows every page's errors in Vietnamese; use web.Server.Message,
// which shows the message in the request's language.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		if e.Msg.Key == "" {
			return e.Message
		}
		if p := vietnamese.Load(); p != nil {
			if s, ok := (*p)[e.Msg.Key]; ok {
				if len(e.Msg.Args) > 0 {
					return fmt.Sprintf(s, e.Msg.Args...)
				}
				return s
			}
		}
		return e.Msg.String()
	}
	return "Đã có lỗi trong hệ thống. Vui lòng thử lại sau ít phút."
}

// ConfigError is a configuration problem the operator must fix before danchu can
// start. Its message is one line: Vietnamese, then the same in English.
type ConfigError struct{ VI, EN string }

func (e *ConfigError) Error() string { return e.VI + " / " + e.EN }
