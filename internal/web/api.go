package web

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
)

// The open data licence of everything the JSON API and its CSV forms give
// (and /du-lieu-mo states): Creative Commons Attribution 4.0 — anyone may
// copy, publish and build on the data, naming the portal as its source. It is
// the licence Vietnam's open data guidance (Nghị định 47/2020/NĐ-CP on
// shared and open data) leaves to the publishing agency; a deployment that
// must use another changes it here and in web/openapi/base.json (a test holds
// the two together).
const (
	DataLicenceName = "CC BY 4.0"
	DataLicenceSPDX = "CC-BY-4.0"
	DataLicenceURL  = "https://creativecommons.org/licenses/by/4.0/deed.vi"
)

// API list limits: a page holds APIDefaultLimit items unless ?limit= asks for
// 1 to APIMaxLimit.
const (
	APIDefaultLimit = 100
	APIMaxLimit     = 1000
)

// List is a page of a list of the JSON API: the items and, when the list goes
// on, the opaque cursor of the next page (absent on the last page). The CSV
// form of the same request holds the same items, one row each, and gives the
// next page as a Link header (rel="next"), as the JSON form also does.
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// cursorPrefix versions the cursor's content: a cursor is opaque to clients
// (base64url of "c1:" and a position), so its meaning may change later
// without a new parameter.
const cursorPrefix = "c1:"

// EncodeCursor is the opaque cursor of position n (the key of the last item
// of a page: an ID, or the number of items already given).
func EncodeCursor(n int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.FormatInt(n, 10)))
}

// DecodeCursor reads a cursor EncodeCursor wrote ("" is the start: 0); anything
// else is an invalid error (400) marking "cursor".
func DecodeCursor(s string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err == nil && len(s) <= 64 && strings.HasPrefix(string(b), cursorPrefix) {
		if n, ok := ParseID(string(b[len(cursorPrefix):])); ok {
			return n, nil
		}
	}
	return 0, apperr.New(apperr.CodeInvalid, "web.err.api_cursor").Mark("cursor")
}

// APILimit reads ?limit= (APIDefaultLimit when absent): a whole number from 1
// to APIMaxLimit, else an invalid error (400) marking "limit".
func APILimit(r *http.Request) (int, error) {
	v := r.URL.Query().Get("limit")
	if v == "" {
		return APIDefaultLimit, nil
	}
	n, ok := ParseID(v)
	if !ok || n > APIMaxLimit {
		return 0, apperr.New(apperr.CodeInvalid, "web.err.api_limit", APIMaxLimit).Mark("limit")
	}
	return int(n), nil
}

// KeysetList reads one page of an API list kept in key order (IDs, newest
// first or oldest first: read knows): read gets the key after which the page
// starts (0: the start) and how many rows to read (Limit: one more than the
// page, so "more" is known); key is a row's key.
func KeysetList[T any](r *http.Request, read func(after int64, limit int) ([]T, error), key func(T) int64) (List[T], error) {
	after, err := DecodeCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return List[T]{}, err
	}
	size, err := APILimit(r)
	if err != nil {
		return List[T]{}, err
	}
	rows, err := read(after, Limit(size))
	if err != nil {
		return List[T]{}, err
	}
	rows, more := Cut(rows, size)
	l := List[T]{Items: rows}
	if more {
		l.NextCursor = EncodeCursor(key(rows[len(rows)-1]))
	}
	return l, nil
}

// SliceList is one page of a list already whole in memory (a quarter's
// register, a province's communes): the cursor is the number of items given
// before the page.
func SliceList[T any](r *http.Request, all []T) (List[T], error) {
	from, err := DecodeCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return List[T]{}, err
	}
	size, err := APILimit(r)
	if err != nil {
		return List[T]{}, err
	}
	if from > int64(len(all)) {
		from = int64(len(all))
	}
	end := min(int(from)+size, len(all))
	l := List[T]{Items: all[from:end]}
	if l.Items == nil {
		l.Items = []T{}
	}
	if end < len(all) {
		l.NextCursor = EncodeCursor(int64(end))
	}
	return l, nil
}

// APIFormat is the form a list is asked in: ?format=json (the default) or
// ?format=csv; anything else is an invalid error marking "format".
func APIFormat(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		return "json", nil
	case "csv":
		return "csv", nil
	}
	return "", apperr.New(apperr.CodeInvalid, "web.err.api_format").Mark("format")
}

// WriteList answers a page of an API list in the asked format (APIFormat):
// the JSON of l, or the CSV of its items (file name+".csv"), with a Link
// header to the next page in both. Its columns are the items' JSON names (see
// WriteCSV), so both forms carry the same data under the same names.
func WriteList[T any](s *Server, w http.ResponseWriter, r *http.Request, name string, l List[T]) {
	format, err := APIFormat(r)
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	if l.Items == nil {
		l.Items = []T{}
	}
	openToAll(w)
	if l.NextCursor != "" {
		q := r.URL.Query()
		q.Set("cursor", l.NextCursor)
		w.Header().Set("Link", "<"+(&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()+`>; rel="next"`)
	}
	if format == "csv" {
		b, err := CSV(l.Items)
		if err != nil {
			s.APIError(w, r, err)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		WriteBytes(w, r, "text/csv; charset=utf-8", b)
		return
	}
	s.WriteJSON(w, r, l)
}

// SendRows answers a list read whole (rows, or the error reading them) as
// one page of it (SliceList) in the format asked (WriteList), named name in a
// download.
func SendRows[T any](s *Server, w http.ResponseWriter, r *http.Request, name string, rows []T, err error) {
	var l List[T]
	if err == nil {
		l, err = SliceList(r, rows)
	}
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	WriteList(s, w, r, name, l)
}

// openToAll lets a web page of any site read the answer (CORS): the API is
// public, read-only and sends the same answer to everyone; a browser sends no
// cookie with such a request and shows no answer of ours to it that a
// request with cookies would get.
func openToAll(w http.ResponseWriter) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Expose-Headers", "ETag, Link")
}

// WriteJSON answers v as JSON (indented by one space, UTF-8), with a strong
// ETag of its bytes and 304 to a matching If-None-Match.
func (s *Server) WriteJSON(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		s.APIError(w, r, fmt.Errorf("api json: %w", err))
		return
	}
	openToAll(w)
	WriteBytes(w, r, "application/json; charset=utf-8", append(b, '\n'))
}

// WriteBytes answers b with its type and length. The shell (delivery.go)
// gives the answer its strong ETag (ETagOf) and answers a GET or HEAD whose
// If-None-Match names it (weakly, or "*") with 304 and no body: the one place
// that does, for pages and the API alike.
func WriteBytes(w http.ResponseWriter, r *http.Request, contentType string, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b) // a HEAD's body is dropped by net/http after the shell has tagged it
}

// APIErrorBody is the one shape of every API error: a stable code (the
// apperr code: invalid, not_found, forbidden, conflict, too_many, internal),
// the message in the request's language, the parameters at fault, and the
// request's ID (the log's).
type APIErrorBody struct {
	Error struct {
		Code      string   `json:"code"`
		Message   string   `json:"message"`
		Fields    []string `json:"fields,omitempty"`
		RequestID string   `json:"request_id"`
	} `json:"error"`
}

// APIError answers err as JSON with the status its code maps to (StatusOf);
// an internal error's detail goes to the log only.
func (s *Server) APIError(w http.ResponseWriter, r *http.Request, err error) {
	status := StatusOf(err)
	setRetryAfter(w, err)
	var body APIErrorBody
	code := apperr.CodeOf(err)
	switch status {
	case http.StatusInternalServerError:
		code = apperr.CodeInternal
		s.log.Error("api request failed", "err", err, "path", logPath(r.URL.Path, r.Pattern), "request_id", requestID(r))
	case http.StatusServiceUnavailable:
		s.LogUnavailable(r, err)
	}
	body.Error.Code, body.Error.Message, body.Error.RequestID = string(code), s.Message(r, err), requestID(r)
	var e *apperr.Error
	if errors.As(err, &e) {
		for k := range e.FieldMsgs {
			body.Error.Fields = append(body.Error.Fields, k)
		}
		slices.Sort(body.Error.Fields)
	}
	b, _ := json.Marshal(body)
	openToAll(w)
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}

// Columns are the CSV columns of rows of type T: the JSON names of its
// fields, in their order (what /du-lieu-mo lists and the CSV header holds).
func Columns[T any]() []string {
	var cols []string
	for _, f := range csvFields(reflect.TypeFor[T]()) {
		cols = append(cols, f.name)
	}
	return cols
}

type csvField struct {
	index int
	name  string
}

// csvFields are the fields of a flat struct that JSON writes: strings,
// numbers, booleans and pointers to them (nil: an empty cell). A field of
// another kind is a programming error: CSV panics on it.
func csvFields(t reflect.Type) []csvField {
	var out []csvField
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		k := f.Type.Kind()
		if k == reflect.Pointer {
			k = f.Type.Elem().Kind()
		}
		switch k {
		case reflect.String, reflect.Bool, reflect.Int, reflect.Int64, reflect.Int32, reflect.Float64:
		default:
			panic("web.CSV: field " + t.Name() + "." + f.Name + " is not a flat value")
		}
		out = append(out, csvField{i, name})
	}
	return out
}

// CSV writes rows (a slice of a flat struct) as RFC 4180 CSV with a UTF-8 byte
// order mark (so that Excel reads Vietnamese as UTF-8) and CRLF line ends:
// a header of the JSON names (Columns), then a row per item, each value as
// JSON writes it (true/false, decimal numbers, the text; a nil pointer is an
// empty cell). A text that a spreadsheet would run as a formula (starting with
// = + - @, a tab or CR) is written after an apostrophe, as OWASP advises for
// CSV injection; nothing else differs from the JSON.
func CSV[T any](rows []T) ([]byte, error) {
	fields := csvFields(reflect.TypeFor[T]())
	var b bytes.Buffer
	b.WriteString("\uFEFF")
	cw := csv.NewWriter(&b)
	cw.UseCRLF = true
	rec := make([]string, len(fields))
	for i, f := range fields {
		rec[i] = f.name
	}
	if err := cw.Write(rec); err != nil {
		return nil, err
	}
	for _, row := range rows {
		v := reflect.ValueOf(row)
		for i, f := range fields {
			rec[i] = csvValue(v.Field(f.index))
		}
		if err := cw.Write(rec); err != nil {
			return nil, err
		}
	}
	cw.Flush()
	return b.Bytes(), cw.Error()
}

func csvValue(v reflect.Value) string {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			return ""
		}
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		s := v.String()
		if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
			return "'" + s
		}
		return s
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Float64:
		return strconv.FormatFloat(v.Float(), 'f', -1, 64)
	}
	return strconv.FormatInt(v.Int(), 10)
}

// APINotFound answers every address under /api/ that no endpoint serves, and
// the CORS preflight (OPTIONS) of any of them: a page of another site may
// send If-None-Match.
func (s *Server) APINotFound(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		openToAll(w)
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", "GET, HEAD")
		h.Set("Access-Control-Allow-Headers", "If-None-Match")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	s.APIError(w, r, apperr.New(apperr.CodeNotFound, "web.err.api_not_found"))
}

// APITime is an instant as the API writes it: RFC 3339 in Vietnam's time
// (2026-11-20T09:15:00+07:00).
func APITime(ms int64) string { return time.UnixMilli(ms).In(Vietnam).Format(time.RFC3339) }

// APITimeOpt is APITime, or nil (an absent field, an empty CSV cell) for 0.
func APITimeOpt(ms int64) *string {
	if ms == 0 {
		return nil
	}
	s := APITime(ms)
	return &s
}

// APIID is an ID as the API writes it: a decimal string, since IDs are 63-bit
// and JavaScript's numbers hold 53.
func APIID(id int64) string { return strconv.FormatInt(id, 10) }
