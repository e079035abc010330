package web

import (
	"net/http"

	"danchu/internal/apperr"
)

// ConfirmField is the field of the confirmation box (templates/confirm.html).
const ConfirmField = "confirm"

// Confirmed is the server's half of an irreversible action's confirmation:
// nil when the form's box ({{template "confirm" …}}) was ticked, else an
// invalid error (400) marking the box, so that FailForm shows the form again
// with what was typed and nothing is done. The box is required in the form
// too, but the server does not rely on the browser.
func Confirmed(r *http.Request) error {
	if r.PostFormValue(ConfirmField) == "1" {
		return nil
	}
	return apperr.New(apperr.CodeInvalid, "web.err.confirm").Mark(ConfirmField)
}
