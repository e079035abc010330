package auth

import (
	"errors"
	"sync"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

// viCatalog is identity's catalog, for the command line ("danchu user add"),
// which speaks Vietnamese and has no request to take a language from.
var viCatalog = sync.OnceValues(func() (web.Catalog, error) { return web.LoadCatalog(files) })

// Vietnamese is err as the command line shows it: a coded error of identity
// rendered from its Vietnamese catalog, anything else as err.Error().
func Vietnamese(err error) string {
	var e *apperr.Error
	cat, cerr := viCatalog()
	if !errors.As(err, &e) || e.Msg.Key == "" || cerr != nil {
		return err.Error()
	}
	if _, ok := cat[web.LangVI][e.Msg.Key]; !ok {
		return err.Error()
	}
	return cat.T(web.LangVI, e.Msg.Key, e.Msg.Args...)
}
