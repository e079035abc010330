package web_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"danchu/internal/apperr"
	_ "danchu/internal/db" // its classifier (apperr.RegisterUnavailable) counts an unexpected EOF: TestUploadCutShort
	"danchu/internal/web"

	"github.com/prometheus/client_golang/prometheus"
)

// TestReadForm: the shell reads every form body once, bounded by its route
// (web.MaxFormBytes, or what HandleUpload declared), before the middleware
// added with Use (the CSRF check) reads a field; an ordinary form too large is
// refused with the size it may have, an upload too large reaches its handler
// with the reason in FormError and no values.
func TestReadForm(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.DiscardHandler), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var seenByMiddleware string
	s.Use(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			seenByMiddleware = r.PostFormValue("csrf")
			next.ServeHTTP(w, r)
		})
	})
	s.HandleFunc("POST /form", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "form:", r.PostFormValue("a")) })
	s.HandleUpload("POST /upload", 2<<20, func(w http.ResponseWriter, r *http.Request) {
		if err := web.FormError(r, "files"); err != nil {
			w.WriteHeader(web.StatusOf(err))
			fmt.Fprintf(w, "refused:%s:%v:%q", apperr.KeyOf(err), err.(*apperr.Error).FieldMsgs != nil, r.PostFormValue("a"))
			return
		}
		fmt.Fprintf(w, "upload:%s:%d", r.PostFormValue("a"), len(r.MultipartForm.File["files"]))
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()

	multi := func(size int) (io.Reader, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		mw.WriteField("csrf", "T")
		mw.WriteField("a", "x")
		f, _ := mw.CreateFormFile("files", "f.pdf")
		f.Write(make([]byte, size))
		mw.Close()
		return &b, mw.FormDataContentType()
	}
	urlenc := func(size int) (io.Reader, string) {
		return strings.NewReader(url.Values{"csrf": {"T"}, "a": {"x"}, "pad": {strings.Repeat("p", size)}}.Encode()), "application/x-www-form-urlencoded"
	}
	for _, tt := range []struct {
		name, path string
		body       func(int) (io.Reader, string)
		size       int
		status     int
		want       string
		csrf       string // what the middleware read
	}{
		{"Form", "/form", urlenc, 10, 200, "form:x", "T"},
		{"FormTooLarge", "/form", urlenc, 2 << 20, 413, "lớn quá 1 MB", ""},
		{"MultipartOnFormRouteTooLarge", "/form", multi, 2 << 20, 413, "lớn quá 1 MB", ""},
		{"Upload", "/upload", multi, 1 << 20, 200, "upload:x:1", "T"},
		{"UploadTooLarge", "/upload", multi, 3 << 20, 413, `refused:web.err.too_large:true:"x"`, "T"}, // what was typed before the file is kept
		{"UploadBroken", "/upload", func(int) (io.Reader, string) {
			return strings.NewReader("--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx"), "multipart/form-data; boundary=b"
		}, 0, 400, `refused:web.err.form_unreadable`, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			seenByMiddleware = ""
			body, ct := tt.body(tt.size)
			resp, err := http.Post(srv.URL+tt.path, ct, body)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || !strings.Contains(string(b), tt.want) || seenByMiddleware != tt.csrf {
				t.Errorf("%d %q (middleware read %q), want %d with %q (and %q)", resp.StatusCode, b, seenByMiddleware, tt.status, tt.want, tt.csrf)
			}
		})
	}
}

// An upload's files beyond web.MultipartMemory go to temporary files, not
// memory, and those are removed once the request is answered (the server
// removes only the forms of the request it made, not of a copy that carries
// a context).
func TestUploadTempFilesRemoved(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	s, err := web.NewServer(slog.New(slog.DiscardHandler), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	var onDisk bool
	s.HandleUpload("POST /upload", 16<<20, func(w http.ResponseWriter, r *http.Request) {
		if err := web.FormError(r, "files"); err != nil {
			w.WriteHeader(web.StatusOf(err))
			return
		}
		f, err := r.MultipartForm.File["files"][0].Open()
		if err == nil {
			_, onDisk = f.(*os.File)
			f.Close()
		}
		fmt.Fprint(w, "ok")
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("a", "x")
	fw, _ := mw.CreateFormFile("files", "anh.png")
	fw.Write(make([]byte, 1<<20)) // a photo: beyond what is kept in memory
	mw.Close()
	resp, err := http.Post(srv.URL+"/upload", mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !onDisk {
		t.Fatalf("status %d, file on disk %v; want 200 and the file on disk", resp.StatusCode, onDisk)
	}
	if left, _ := os.ReadDir(dir); len(left) != 0 {
		t.Fatalf("%d temporary files left after the request, want none", len(left))
	}
}

// TestUploadCutShort: an upload whose connection breaks in the middle of the
// body (an unexpected EOF) is the client's unreadable form (400), not the
// server's unavailability: only a full disk under the parts' temporary files
// is a 503.
func TestUploadCutShort(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.NewTextHandler(io.Discard, nil)), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan error, 1)
	s.HandleUpload("POST /upload", 2<<20, func(w http.ResponseWriter, r *http.Request) { got <- web.FormError(r, "files") })
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	conn, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	body := "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"files\"; filename=\"f.pdf\"\r\n\r\n%PDF-1.4 and then"
	fmt.Fprintf(conn, "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=b\r\nContent-Length: %d\r\n\r\n%s", len(body)+1000, body)
	conn.(*net.TCPConn).CloseWrite() // the rest never comes
	err = <-got
	conn.Close()
	if apperr.CodeOf(err) != apperr.CodeInvalid || apperr.KeyOf(err) != "web.err.form_unreadable" {
		t.Errorf("a body cut short: %v (code %s), want web.err.form_unreadable", err, apperr.CodeOf(err))
	}
}

// TestFormFiles: the files of one field in the order sent, an empty file
// input skipped, another field's files left alone; a body too large gives
// FormError's reason (413, the field marked) and no file.
func TestFormFiles(t *testing.T) {
	s, err := web.NewServer(slog.New(slog.DiscardHandler), prometheus.NewRegistry(), func(context.Context) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	type result struct {
		names []string
		text  []string
		err   error
	}
	got := make(chan result, 1)
	s.HandleUpload("POST /upload", 64<<10, func(w http.ResponseWriter, r *http.Request) {
		ups, done, err := web.FormFiles(r, "files")
		defer done()
		var res result
		res.err = err
		for _, u := range ups {
			b, _ := io.ReadAll(u.R)
			res.names, res.text = append(res.names, u.Name), append(res.text, string(b))
		}
		got <- res
	})
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	post := func(size int) result {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("files", "một.pdf")
		fw.Write([]byte("first"))
		fw, _ = mw.CreateFormFile("photos", "anh.png")
		fw.Write([]byte("other field"))
		mw.CreateFormFile("files", "") // an input left empty
		fw, _ = mw.CreateFormFile("files", "hai.docx")
		fw.Write(bytes.Repeat([]byte("x"), size))
		mw.Close()
		resp, err := http.Post(srv.URL+"/upload", mw.FormDataContentType(), &b)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return <-got
	}
	res := post(3)
	if res.err != nil || strings.Join(res.names, "|") != "một.pdf|hai.docx" || strings.Join(res.text, "|") != "first|xxx" {
		t.Errorf("files: %q %q err %v, want một.pdf, hai.docx with their bytes", res.names, res.text, res.err)
	}
	res = post(100 << 10)
	var e *apperr.Error
	if len(res.names) != 0 || apperr.CodeOf(res.err) != apperr.CodeTooLarge || !errors.As(res.err, &e) || !marked(e, "files") {
		t.Errorf("a body too large: %q, err %v (code %s), want no file, CodeTooLarge with files marked", res.names, res.err, apperr.CodeOf(res.err))
	}
}

func marked(e *apperr.Error, field string) bool { _, ok := e.FieldMsgs[field]; return ok }
