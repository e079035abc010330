package web

import (
	"io"
	"io/fs"
	"net/http"
	"strings"
	"unicode/utf8"
)

// serveStatic answers GET /static/{hash}/{file} with one file of static: a
// name that is not a plain file name there (a bad escape, a directory, dots,
// index.html) is a 404, never a redirect or a 500.
func (s *Server) serveStatic(static fs.FS) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("file")
		if !utf8.ValidString(name) || !fs.ValidPath(name) || strings.ContainsAny(name, "/\\") || strings.HasPrefix(name, ".") || name == "index.html" {
			s.NotFound(w, r)
			return
		}
		f, err := static.Open(name)
		if err != nil {
			s.NotFound(w, r)
			return
		}
		defer f.Close()
		st, err := f.Stat()
		rs, ok := f.(io.ReadSeeker)
		if err != nil || st.IsDir() || !ok {
			s.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		http.ServeContent(w, r, name, st.ModTime(), rs)
	}
}
