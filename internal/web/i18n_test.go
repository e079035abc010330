package web_test

import (
	"testing"
	"testing/fstest"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

// A message built from pieces: an argument that is a Msg is rendered in the
// same language, and the error's own arguments are left as they were.
func TestMessageFromPieces(t *testing.T) {
	cat, err := web.LoadCatalog(fstest.MapFS{
		"locales/vi.json": {Data: []byte(`{"t.err.wait": "Sai. Hãy đợi %s, lúc %s.", "t.wait.s": "%d giây"}`)},
		"locales/en.json": {Data: []byte(`{"t.err.wait": "Wrong. Wait %s, at %s.", "t.wait.s": "%d s"}`)},
	})
	if err != nil {
		t.Fatal(err)
	}
	e := apperr.New(apperr.CodeTooMany, "t.err.wait", apperr.M("t.wait.s", 5), "09:15")
	for lang, want := range map[string]string{web.LangVI: "Sai. Hãy đợi 5 giây, lúc 09:15.", web.LangEN: "Wrong. Wait 5 s, at 09:15."} {
		if got := cat.T(lang, e.Msg.Key, e.Msg.Args...); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
	if _, ok := e.Msg.Args[0].(apperr.Msg); !ok {
		t.Errorf("rendering changed the error's arguments: %#v", e.Msg.Args)
	}
}
