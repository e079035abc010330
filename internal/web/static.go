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
// index.html) is a 404, never a redirect or a 500; a file asked for under
// another hash than its own is a redirect to its current address.
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
		// The name carries the hash of this build's bytes (render.go): another
		// hash is a page of another build asking, sent to the file as it is now
		// by a redirect no cache keeps, so no cache ever keeps these bytes,
		// immutable, under a name that is not theirs.
		url := s.assets[name]
		if hash := r.PathValue("hash"); url != "/static/"+hash+"/"+name {
			http.Redirect(w, r, url, http.StatusFound)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		w.Header().Set("ETag", `"`+r.PathValue("hash")+`"`)
		http.ServeContent(w, r, name, st.ModTime(), rs)
	}
}
