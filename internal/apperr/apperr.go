// Package apperr holds the coded errors every service returns: a code the web layer
// maps to an HTTP status in one place, and a message that is safe to show a person
// (Vietnamese, saying what to do). Errors without a code are internal and never shown.
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

// Error is a coded error with a safe message and, for invalid input, a message per field.
type Error struct {
	Code    Code
	Message string
	Fields  map[string]string
	Err     error
	// RetryAfter, for CodeTooMany, is how long until a new attempt may succeed.
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Message)
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "; %s: %s", k, e.Fields[k])
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Invalid reports bad input; fields maps a field name to what is wrong with it.
func Invalid(msg string, fields map[string]string) *Error {
	return &Error{Code: CodeInvalid, Message: msg, Fields: fields}
}

// NotFound reports that what was asked for does not exist (or is not visible).
func NotFound(format string, args ...any) *Error {
	return &Error{Code: CodeNotFound, Message: fmt.Sprintf(format, args...)}
}

// Conflict reports that the request clashes with what is stored.
func Conflict(format string, args ...any) *Error {
	return &Error{Code: CodeConflict, Message: fmt.Sprintf(format, args...)}
}

// Forbidden reports that the caller may not do this.
func Forbidden(format string, args ...any) *Error {
	return &Error{Code: CodeForbidden, Message: fmt.Sprintf(format, args...)}
}

// TooMany reports that the caller must wait before trying again.
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

// MessageOf returns the safe message of err, or a generic one for internal errors.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Code != CodeInternal {
		return e.Message
	}
	return "Đã có lỗi trong hệ thống. Vui lòng thử lại sau ít phút."
}

// ConfigError is a configuration problem the operator must fix before danchu can
// start. Its message is one line: Vietnamese, then the same in English.
type ConfigError struct{ VI, EN string }

func (e *ConfigError) Error() string { return e.VI + " / " + e.EN }
