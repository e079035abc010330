package backup

import (
	"embed"
	"errors"
	"sync"

	"danchu/internal/apperr"
	"danchu/internal/web"
)

//go:embed locales
var locales embed.FS

var catalog = sync.OnceValues(func() (web.Catalog, error) { return web.LoadCatalog(locales) })

// Message is a coded error of this package as the command line shows it:
// the Vietnamese text, then the English; anything else as err.Error().
func Message(err error) string {
	var e *apperr.Error
	cat, cerr := catalog()
	if !errors.As(err, &e) || cerr != nil {
		return err.Error()
	}
	if _, ok := cat[web.LangVI][e.Msg.Key]; !ok {
		return err.Error()
	}
	return cat.T(web.LangVI, e.Msg.Key, e.Msg.Args...) + " / " + cat.T(web.LangEN, e.Msg.Key, e.Msg.Args...)
}
