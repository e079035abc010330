package web

import (
	"context"
	"errors"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"

	"danchu/internal/apperr"
)

// MaxFormBytes is the largest body of an unsafe request whose route declares
// no upload (HandleUpload): an ordinary form, an API call.
const MaxFormBytes = 1 << 20

// MultipartMemory is how much of a multipart form is kept in memory: files
// beyond go to temporary files (the server removes them once the request is
// answered), so that twenty people uploading 50 MB each cost the server disk,
// not memory; the body's size is bounded by its route.
const MultipartMemory = 256 << 10

// HandleUpload registers a handler whose form carries files, with the largest
// body it takes. Its handler must call FormError first and, when it is not
// nil, show the form again with it and do nothing else: a body that could not
// be read carried no CSRF token that could be checked (see readForm).
func (s *Server) HandleUpload(pattern string, maxBytes int64, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	s.uploads[pattern] = maxBytes
}

type formErrKey struct{}

// FormError is why the body of a request to an upload route could not be read
// (too large, broken), as a keyed error to show with the form, with fields
// (the form's file inputs) marked; nil when it was read. The form's values
// are then empty.
func FormError(r *http.Request, fields ...string) error {
	e, _ := r.Context().Value(formErrKey{}).(*apperr.Error)
	if e == nil {
		return nil
	}
	c := *e
	c.FieldMsgs = nil
	return c.Mark(fields...)
}

// readForm is the one place that reads a form's body, before any middleware
// (the CSRF check) or handler looks at a field: it bounds the body by the
// route's limit (MaxFormBytes, or what HandleUpload declared) and parses it
// once, URL-encoded or multipart with MultipartMemory. A body that cannot be
// read is refused here with what is wrong ("too large: at most N MB", 400)
// except on an upload route, where the request goes on with empty values and
// the reason in FormError, so that its handler shows the form again. A part
// header (field or file name) with a control character cannot be parsed; its
// reason is the text boundary's (Text), not "unreadable".
func (s *Server) readForm(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions || r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		limit, upload := int64(MaxFormBytes), false
		if _, pattern := s.mux.Handler(r); pattern != "" {
			if n, ok := s.uploads[pattern]; ok {
				limit, upload = n, true
			}
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		err := parseForm(r)
		// The server removes the temporary files of the request it made, not
		// of this one, which middleware may have copied to carry a context.
		defer func() {
			if r.MultipartForm != nil {
				r.MultipartForm.RemoveAll()
			}
		}()
		if err == nil { // a nil *apperr.Error
			next.ServeHTTP(w, r)
			return
		}
		r.Form, r.PostForm = r.URL.Query(), url.Values{}
		r.MultipartForm = &multipart.Form{Value: map[string][]string{}, File: map[string][]*multipart.FileHeader{}}
		if !upload {
			s.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), formErrKey{}, err)))
	})
}

// parseForm reads a URL-encoded or multipart body; other bodies are left to
// the handler (bounded all the same).
func parseForm(r *http.Request) *apperr.Error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	switch ct {
	case "application/x-www-form-urlencoded":
		err = r.ParseForm()
	case "multipart/form-data":
		err = r.ParseMultipartForm(MultipartMemory)
	default:
		return nil
	}
	if err == nil {
		return nil
	}
	e := apperr.New(apperr.CodeInvalid, "web.err.form_unreadable")
	var pe textproto.ProtocolError // a part's header with a control character: the text boundary's refusal
	if errors.As(err, &pe) {
		_, line, _ := strings.Cut(string(pe), ": ")
		if kv, uerr := strconv.Unquote(line); uerr == nil {
			if _, terr := Text("", kv); terr != nil {
				errors.As(terr, &e)
			}
		}
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		e = apperr.New(apperr.CodeInvalid, "web.err.too_large", max(mbe.Limit>>20, 1))
	}
	e.Err = err
	return e
}
