package web

import "danchu/internal/apperr"

// Listing is a short list one room lends to a page another room owns (the
// citizen's page, the village head's page): a title, a few entries, and where
// to see them all. Its words are message keys of the lending room, rendered
// in the page's language by the template func msg.
type Listing struct {
	Title   apperr.Msg
	Empty   apperr.Msg // shown when there are no entries
	Entries []Entry
	More    string // the whole list ("" when the entries are all of it)
}

// Entry is one line of a Listing: a title (text as typed, escaped) with its
// link, a date (dd/mm/yyyy), a short status, and lines of detail.
type Entry struct {
	Title  string
	URL    string
	Date   string
	Status apperr.Msg // zero: none
	Late   bool       // overdue: the status is shown as late
	Lines  []apperr.Msg
	Links  []Link // further actions on the entry (check a receipt)
}

// Link is a link with its words.
type Link struct {
	Text apperr.Msg
	URL  string
}
