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

// AtOnce makes n calls of fn released at the same moment and returns how many
// succeeded; any failure other than a conflict (the answer to a lost race)
// fails the test. It is how a test shows that a status moves once.
func AtOnce(t testing.TB, n int, fn func(i int) error) int {
	t.Helper()
	errs := make(chan error, n)
	start := make(chan struct{})
	for i := range n {
		go func() {
			<-start
			errs <- fn(i)
		}()
	}
	close(start)
	ok := 0
	for range n {
		switch err := <-errs; {
		case err == nil:
			ok++
		case apperr.CodeOf(err) != apperr.CodeConflict:
			t.Errorf("a call made at the same moment as %d others: %v (code %s), want success or a conflict", n-1, err, apperr.CodeOf(err))
		}
	}
	return ok
}
