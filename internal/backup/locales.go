package backup

import (
	"embed"

	"danchu/internal/web"
)

//go:embed locales
var locales embed.FS

// Message is a coded error of this package as the command line shows it:
// the Vietnamese text, then the English; anything else as err.Error().
func Message(err error) string { return web.Bilingual(err, locales) }
