package files

import "embed"

// Locales holds the messages of this package's errors (locales/vi.json and
// locales/en.json). The web kernel merges them into every catalog, since the
// rooms that store files (disclosure, consultation, feedback) show them.
//
//go:embed locales
var Locales embed.FS
