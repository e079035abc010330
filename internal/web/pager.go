package web

import (
	"net/http"
	"net/url"
	"strconv"
)

// Pager is what the "pager" partial shows under a list that is read a page at
// a time ({{template "pager" .Data.Pager}}): when the list goes on, it says
// that the page shows only part of it and links to the rest — a list is never
// cut silently — and on a later page it links back to the first.
//
// Every list has one of two kinds of page parameter, read with CursorParam
// (keyset: "truoc", "sau", the last row shown) or PageParam (a page number,
// "trang", for ranked results); the list is read with Limit(size) rows and
// Cut to size, so that "more" is known, not guessed from a full page.
type Pager struct {
	Lang  string
	Shown int    // rows on this page
	Next  string // the rest of the list ("": this page ends it)
	First string // the first page, when this is a later one ("": it is the first)
}

// Limit is how many rows to read for a page of size: one more, which tells
// whether the list goes on.
func Limit(size int) int { return size + 1 }

// Cut keeps the first size rows of a page read with Limit(size) and reports
// whether the list goes on.
func Cut[T any](rows []T, size int) ([]T, bool) {
	if len(rows) > size {
		return rows[:size], true
	}
	return rows, false
}

// PagerOf is the pager of a page of r's list with shown rows, whose page
// parameter is param: next is the parameter's value for the rest of the list
// (the cursor of the last row shown, or the next page number), "" when nothing
// is left. The links keep r's other query parameters (the search, the unit).
func PagerOf(r *http.Request, param string, shown int, next string) Pager {
	p := Pager{Lang: requestLang(r), Shown: shown}
	if next != "" {
		p.Next = withParam(r, param, next)
	}
	if r.URL.Query().Get(param) != "" {
		p.First = withParam(r, param, "")
	}
	return p
}

// withParam is r's path and query with param set to v ("": removed).
func withParam(r *http.Request, param, v string) string {
	q := r.URL.Query()
	if v == "" {
		q.Del(param)
	} else {
		q.Set(param, v)
	}
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return u.String()
}

// KeysetPage reads one page of size rows of a list paged by the ID cursor
// param (CursorParam: "truoc", "sau"): read gets the cursor from the request
// (0: the first page) and Limit(size); key is a row's cursor. It returns the
// rows to show and their pager, or the 400 of a bad cursor.
func KeysetPage[T any](r *http.Request, param string, size int, read func(cursor int64, limit int) ([]T, error), key func(T) int64) ([]T, Pager, error) {
	cursor, err := CursorParam(r, param)
	if err != nil {
		return nil, Pager{}, err
	}
	rows, err := read(cursor, Limit(size))
	if err != nil {
		return nil, Pager{}, err
	}
	rows, more := Cut(rows, size)
	next := ""
	if more {
		next = strconv.FormatInt(key(rows[len(rows)-1]), 10)
	}
	return rows, PagerOf(r, param, len(rows), next), nil
}
