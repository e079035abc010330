package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"danchu/internal/apperr"
)

// Text checks one text that enters the system and returns it as it is to be
// kept: it must be UTF-8 (else it is refused: guessing would store something
// the person did not write, and bytes that are not UTF-8 would reach the
// append-only public record), it may hold no control character other than tab,
// line feed and carriage return (refused, not stripped: such a character is
// never typed, so its presence means a broken client or an attack, and the
// person is told rather than silently served something else), and it is
// returned in Unicode NFC, so that "ồ" typed as o + two combining marks and as
// one precomposed letter are the same text to search, compare and hash.
//
// Unicode's invisible format characters are treated as follows. The bidi
// embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) are refused
// as control characters: they reorder what is displayed without changing what
// is stored, the "Trojan Source" trick, and Vietnamese never needs them. The
// bidi marks U+200E, U+200F and U+061C are kept: they only give a neutral
// character a direction, reorder nothing, and are legitimate in a name or
// quotation in a right-to-left script. A byte order mark (U+FEFF) is an
// encoding mark, not text: a leading one is removed (a CSV saved by a
// spreadsheet starts with one), one inside the text is refused. The line and
// paragraph separators U+2028 and U+2029 become "\n", the line break every
// other part of the system knows.
// field names the form field for the message ("" when there is none).
func Text(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		if named(field) {
			return "", apperr.New(apperr.CodeInvalid, "web.err.text_encoding_field", field).Mark(field)
		}
		return "", apperr.New(apperr.CodeInvalid, "web.err.text_encoding").Mark("form")
	}
	s = strings.TrimPrefix(s, "\ufeff")
	separators := false
	for _, r := range s {
		separators = separators || r == '\u2028' || r == '\u2029'
		if (unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r') || refusedFormat(r) {
			if named(field) {
				return "", apperr.New(apperr.CodeInvalid, "web.err.text_control_field", field, fmt.Sprintf("U+%04X", r)).Mark(field)
			}
			return "", apperr.New(apperr.CodeInvalid, "web.err.text_control", fmt.Sprintf("U+%04X", r)).Mark("form")
		}
	}
	if isASCII(s) {
		return s, nil // the common case: nothing to normalise
	}
	if separators {
		s = strings.NewReplacer("\u2028", "\n", "\u2029", "\n").Replace(s)
	}
	return norm.NFC.String(s), nil
}

// refusedFormat reports the invisible format characters Text refuses: the
// bidi embeddings, overrides and isolates, and a byte order mark.
func refusedFormat(r rune) bool {
	return (r >= '\u202a' && r <= '\u202e') || (r >= '\u2066' && r <= '\u2069') || r == '\ufeff'
}

// named reports whether field is a name a message can quote.
func named(field string) bool { return field != "" && utf8.ValidString(field) }

func isASCII(s string) bool {
	for i := range len(s) {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// TextValues applies Text to every name and value of v, in place.
func TextValues(v url.Values) error {
	for k, vs := range v {
		name, err := Text("", k)
		if err != nil {
			return err
		}
		for i, s := range vs {
			if vs[i], err = Text(name, s); err != nil {
				return err
			}
		}
		if name != k {
			delete(v, k)
			v[name] = append(v[name], vs...)
		}
	}
	return nil
}

// TextOfRequest is the one place where the text of a request is checked
// before any handler or service sees it: the URL's query, and the fields of a
// form body (URL-encoded or multipart, as readForm, the one reader, parsed it)
// with the names of the files sent. Each must pass Text; what
// passes is left in NFC in r.URL, r.Form, r.PostForm and r.MultipartForm.
func TextOfRequest(r *http.Request) error {
	if r.URL.RawQuery != "" {
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err == nil { // a broken query is the handler's to refuse, as before
			before := q.Encode()
			if err := TextValues(q); err != nil {
				return err
			}
			if after := q.Encode(); after != before {
				r.URL.RawQuery = after
			}
		}
	}
	for _, v := range []url.Values{r.Form, r.PostForm} {
		if err := TextValues(v); err != nil {
			return err
		}
	}
	if mf := r.MultipartForm; mf != nil {
		if err := TextValues(mf.Value); err != nil {
			return err
		}
		for field, fhs := range mf.File {
			for _, fh := range fhs {
				name, err := Text(field, fh.Filename)
				if err != nil {
					return err
				}
				fh.Filename = name
			}
		}
	}
	return nil
}

// textBoundary refuses a request whose text fails TextOfRequest with 400 and
// the reason, before the route's handler runs; under an API prefix (see
// APIErrors) the API writes the refusal in its own format.
func (s *Server) textBoundary(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := TextOfRequest(r); err != nil {
			s.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// refuse answers a request the shell itself refuses: with the error page, or
// under an API prefix (see APIErrors) in the API's own format.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, err error) {
	for _, a := range s.apiErrors {
		if strings.HasPrefix(r.URL.Path, a.prefix) {
			a.write(w, r, err)
			return
		}
	}
	s.Error(w, r, err)
}

type apiErrorWriter struct {
	prefix string
	write  func(http.ResponseWriter, *http.Request, error)
}

// APIErrors makes the refusals the shell writes itself (text that is not
// UTF-8, a body too large or broken) of requests under prefix go through write, in the API's own
// format, instead of as an HTML page.
func (s *Server) APIErrors(prefix string, write func(http.ResponseWriter, *http.Request, error)) {
	s.apiErrors = append(s.apiErrors, apiErrorWriter{prefix, write})
}
