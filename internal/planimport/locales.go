package planimport

import "embed"

// Locales holds the messages of this package's errors and warnings
// (locales/vi.json and locales/en.json), for the room that shows a draft to
// merge into its catalog.
//
//go:embed locales
var Locales embed.FS
