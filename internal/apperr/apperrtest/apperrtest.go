// Package apperrtest is the one check a refusal test makes: the error carries the
// expected code (not merely "an error"), and says what it should. A call that
// fails for another reason — a broken query, a missing row, a wrong actor —
// fails the test instead of passing it.
package apperrtest

import (
	"strings"
	"testing"

	"danchu/internal/apperr"
	"danchu/internal/web/webtest"
)

// Want fails the test now unless err has code and its text (the message, its
// fields and what it wraps) contains text ("": any text). A keyed error is read
// in Vietnamese from the catalog of the room under test (webtest.Vietnamese).
func Want(t testing.TB, err error, code apperr.Code, text string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s with %q", code, text)
	}
	if got := apperr.CodeOf(err); got != code || !strings.Contains(webtest.Vietnamese(t, err), text) {
		t.Fatalf("error = %v (code %s), want %s with %q", err, got, code, text)
	}
}
