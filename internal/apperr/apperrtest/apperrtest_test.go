package apperrtest

import (
	"errors"
	"fmt"
	"testing"

	"danchu/internal/apperr"
)

// recorder is a testing.TB that records a failure instead of stopping.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Helper()               {}
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestWant(t *testing.T) {
	notFound := fmt.Errorf("reading: %w", apperr.New(apperr.CodeNotFound, "feedback.err.not_found"))
	for _, tt := range []struct {
		name string
		err  error
		code apperr.Code
		text string
		fail bool
	}{
		{"SameCodeAndText", notFound, apperr.CodeNotFound, "phản ánh", false},
		{"AnyText", notFound, apperr.CodeNotFound, "", false},
		{"NoError", nil, apperr.CodeNotFound, "", true},
		{"OtherCode", notFound, apperr.CodeForbidden, "", true},
		{"OtherText", notFound, apperr.CodeNotFound, "hộ gia đình", true},
		{"UncodedFailure", errors.New("sql: no rows in result set"), apperr.CodeNotFound, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Want(r, tt.err, tt.code, tt.text)
			if r.failed != tt.fail {
				t.Errorf("Want(%v, %s, %q) failed = %v, want %v", tt.err, tt.code, tt.text, r.failed, tt.fail)
			}
		})
	}
}
