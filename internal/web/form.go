package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"danchu/internal/apperr"
	"danchu/internal/files"
	"danchu/internal/legal"
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
// (too large: apperr.CodeTooLarge, 413; broken: 400), as a keyed error to show
// with the form, with fields (the form's file inputs) marked; nil when it was
// read. The form's values are then empty, except, for a body too large, the
// text fields sent before the files (to show again what was typed; the CSRF
// check was skipped, so they must not be acted on).
func FormError(r *http.Request, fields ...string) error {
	e, _ := r.Context().Value(formErrKey{}).(*apperr.Error)
	if e == nil {
		return nil
	}
	c := *e
	c.FieldMsgs = nil
	return c.Mark(fields...)
}

// FormFiles opens the files a multipart form sent in field, in order (an
// input left empty sends a part with no name and no bytes: skipped); close
// releases them once the request's use is over, and is never nil. The body's
// own error (FormError, the field marked) comes first: a form shown again
// with it must not act on anything else.
func FormFiles(r *http.Request, field string) (ups []files.Upload, close func(), err error) {
	var opened []multipart.File
	close = func() {
		for _, f := range opened {
			f.Close()
		}
	}
	if err := FormError(r, field); err != nil {
		return nil, close, err
	}
	if r.MultipartForm == nil {
		return nil, close, nil
	}
	for _, fh := range r.MultipartForm.File[field] {
		if fh.Filename == "" && fh.Size == 0 {
			continue
		}
		f, err := fh.Open()
		if err != nil {
			return nil, close, fmt.Errorf("open upload %s: %w", field, err)
		}
		opened = append(opened, f)
		ups = append(ups, files.Upload{Name: fh.Filename, R: f})
	}
	return ups, close, nil
}

// readForm is the one place that reads a form's body, before any middleware
// (the CSRF check) or handler looks at a field: it bounds the body by the
// route's limit (MaxFormBytes, or what HandleUpload declared) and parses it
// once, URL-encoded or multipart with MultipartMemory. A body that cannot be
// read is refused here with what is wrong ("too large: at most N MB", 413;
// broken, 400) except on an upload route, where the request goes on with
// empty values (but what was typed before the files, when too large) and the
// reason in FormError, so that its handler shows the form again. A part
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
		var head *headRecorder
		if upload {
			head = &headRecorder{ReadCloser: r.Body, max: MultipartMemory}
			r.Body = head
		}
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
		if upload && err.Code == apperr.CodeTooLarge {
			// What was typed before the files is kept to be shown again
			// with the form (FailForm, Typed): never files, never acted on.
			for k, vs := range typedBefore(r, head.b.Bytes()) {
				r.PostForm[k] = vs
				r.Form[k] = append(r.Form[k], vs...)
				r.MultipartForm.Value[k] = vs
			}
		}
		if !upload {
			s.refuse(w, r, err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), formErrKey{}, err)))
	})
}

// headRecorder keeps the first max bytes read from a body: of an upload too
// large to be parsed, the fields sent before the files (typedBefore).
type headRecorder struct {
	io.ReadCloser
	max int
	b   bytes.Buffer
}

func (h *headRecorder) Read(p []byte) (int, error) {
	n, err := h.ReadCloser.Read(p)
	if room := h.max - h.b.Len(); room > 0 {
		h.b.Write(p[:min(n, room)])
	}
	return n, err
}

// typedBefore reads the text fields of a multipart body's first bytes (head):
// every field that ends within them, up to the first part that is cut. Files
// are skipped. It is what a too-large upload's form shows again: what was
// typed is not lost with the body.
func typedBefore(r *http.Request, head []byte) url.Values {
	out := url.Values{}
	_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || params["boundary"] == "" {
		return out
	}
	mr := multipart.NewReader(bytes.NewReader(head), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			return out
		}
		if p.FileName() != "" {
			if _, err := io.Copy(io.Discard, p); err != nil {
				return out
			}
			continue
		}
		v, err := io.ReadAll(p)
		if err != nil { // cut within the value: it would be shown half
			return out
		}
		if name := p.FormName(); name != "" {
			out[name] = append(out[name], string(v))
		}
	}
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
	// The parts' temporary files on a full disk: 503 (a body cut short, an
	// unexpected EOF, stays the client's: unreadable).
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EROFS) {
		return apperr.Unavailable(err, 0)
	}
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		e = apperr.New(apperr.CodeTooLarge, "web.err.too_large", max(mbe.Limit>>20, 1))
	}
	e.Err = err
	return e
}

// Problems collects what is wrong with a form: one message per field, the
// first found for each. A room's Check fills it and returns Err: the page shows
// each message beside its field and keeps what was typed.
type Problems map[string]apperr.Msg

// Add notes m for field, unless the field has a message already.
func (p Problems) Add(field string, m apperr.Msg) {
	if _, ok := p[field]; !ok {
		p[field] = m
	}
}

// Text is s trimmed; a field that is not text, is empty when required or holds
// more than max characters gets its message.
func (p Problems) Text(field, s string, max int, required bool) string {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		p.Add(field, apperr.M("web.err.f.utf8"))
	case required && s == "":
		p.Add(field, apperr.M("web.err.f.required"))
	case utf8.RuneCountInString(s) > max:
		p.Add(field, apperr.M("web.err.f.long", max))
	}
	return s
}

// Err is e with the fields' messages, or nil when nothing is wrong.
func (p Problems) Err(e *apperr.Error) error {
	if len(p) == 0 {
		return nil
	}
	return e.WithFields(map[string]apperr.Msg(p))
}

// Day is the form's field as a day (YYYY-MM-DD, what a date input sends), or
// the zero day when it is empty; a malformed one gets its message.
func (p Problems) Day(r *http.Request, field string) legal.Date {
	s := strings.TrimSpace(r.PostFormValue(field))
	if s == "" {
		return legal.Date{}
	}
	d, err := legal.ParseDate(s)
	switch {
	case err != nil:
		p.Add(field, apperr.M("web.err.f.date"))
	case d.Year < legal.FirstYear || d.Year >= legal.LastYear:
		p.Add(field, apperr.M("web.err.f.date_range", legal.FirstYear, legal.LastYear-1))
		return legal.Date{}
	}
	return d
}
