package apperr_test

import (
	"fmt"
	"testing"

	"danchu/internal/apperr"
)

// Error() is for logs: the key and its arguments, the fields in name order, the cause.
func TestErrorReadsInLogs(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want string
	}{
		{apperr.New(apperr.CodeInvalid, "decision.err.opt_in", 5, 10, 6).Mark("method"), "decision.err.opt_in[5 10 6]; method"},
		{apperr.New(apperr.CodeInvalid, "x.err.check").Field("title", apperr.M("x.err.f.title", 300)).Mark("body"), "x.err.check; body; title: x.err.f.title[300]"},
		{fmt.Errorf("unit 7: %w", apperr.New(apperr.CodeNotFound, "org.err.unit_not_found")), "unit 7: org.err.unit_not_found"},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if apperr.KeyOf(fmt.Errorf("w: %w", apperr.New(apperr.CodeConflict, "k"))) != "k" || apperr.CodeOf(apperr.New(apperr.CodeConflict, "k")) != apperr.CodeConflict {
		t.Error("KeyOf or CodeOf through a wrap")
	}
}
