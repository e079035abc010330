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

// Dataset is one public list a room offers as open data (its JSON API
// address; the same with ?format=csv is its CSV), as /du-lieu-mo lists it
// for a unit: its words are the room's message keys.
type Dataset struct {
	Key       string     // stable name, e.g. "disclosures"
	Title     apperr.Msg // what it is
	About     apperr.Msg // one line on what a row is
	URL       string     // the API address, e.g. /api/v1/units/19885/disclosures
	Columns   []string   // web.Columns of its rows: the CSV header and the JSON names
	UpdatedAt int64      // epoch milliseconds of its last change (0: nothing yet)
}
