package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/legal"
)

//go:embed templates static locales
var shellFS embed.FS

// Renderer turns page templates into HTML on the shared base layout. Pages are
// parsed once at start-up.
type Renderer struct {
	base    *template.Template
	catalog Catalog
	assets  map[string]string // file name -> URL with its content hash
}

// View is what every page template receives as its dot.
type View struct {
	Lang      string
	Path      string // the current URL path and query, for the language switch
	RequestID string
	Title     string
	Data      any
	Viewer    Viewer
	Notice    string // what the post before the redirect did (Server.Done), shown once
	form      *bool  // set when the page carries a form token (the csrf partial ran)
	postedKey string // the idempotency key the post carried (a form shown again keeps it)
}

func newRenderer() (*Renderer, error) {
	cat, err := kernelCatalog()
	if err != nil {
		return nil, err
	}
	r := &Renderer{catalog: cat, assets: map[string]string{}}
	entries, err := fs.ReadDir(shellFS, "static")
	if err != nil {
		return nil, err
	}
	for _, e := range entries {
		b, err := fs.ReadFile(shellFS, "static/"+e.Name())
		if err != nil {
			return nil, err
		}
		r.assets[e.Name()] = "/static/" + AssetHash(b) + "/" + e.Name()
	}
	r.base, err = template.New("base").Funcs(r.funcs()).ParseFS(shellFS, "templates/*.html")
	if err != nil {
		return nil, fmt.Errorf("parse base templates: %w", err)
	}
	return r, nil
}

func (r *Renderer) funcs() template.FuncMap {
	return template.FuncMap{
		"t": r.catalog.T,
		"asset": func(name string) (string, error) {
			u, ok := r.assets[name]
			if !ok {
				return "", fmt.Errorf("no static asset %q", name)
			}
			return u, nil
		},
		"datetime": FormatMillis,
		"date":     FormatDate,
		"percent":  Percent,
		"ratio":    Ratio,
		// msg renders a message built by a room (key and arguments) in lang.
		"msg": func(lang string, m apperr.Msg) string {
			if m.Key == "" {
				return ""
			}
			return r.catalog.T(lang, m.Key, m.Args...)
		},
		// csrfToken is the form token of the csrf partial: it marks the page as
		// one with a form, which sets the visitor's token cookie and is private.
		// The token is written masked, in new bytes on every page (csrf.go).
		"csrfToken": func(v View) string {
			if v.form != nil {
				*v.form = true
			}
			t := v.Viewer.FormToken()
			if t == "" {
				return ""
			}
			return MaskToken(t)
		},
		"formKey": formKey,
		"inc":     func(i int) int { return i + 1 },
		"decimal": Decimal,
		"in":      in,
		"signInNext": func(path string) string { // the page to come back to after signing in from the header
			if path == "/" || strings.HasPrefix(path, "/cong-dan") || strings.HasPrefix(path, "/dang-nhap") {
				return ""
			}
			return path
		},
		"markdown": Markdown,
		"mdline":   MarkdownLine,
		"size":     FormatSize,
		"langURL": func(v View) string {
			other := LangEN
			if v.Lang == LangEN {
				other = LangVI
			}
			return "/ngon-ngu?lang=" + other + "&next=" + url.QueryEscape(v.Path)
		},
	}
}

// AddCatalog merges a capability's locales/vi.json and locales/en.json.
func (r *Renderer) AddCatalog(fsys fs.FS) error {
	c, err := loadCatalog(fsys)
	if err != nil {
		return err
	}
	return r.catalog.merge(c)
}

// T translates key for the language of request req.
func (r *Renderer) T(req *http.Request, key string, args ...any) string {
	return r.catalog.T(requestLang(req), key, args...)
}

// Label is the text of the first of keys the catalog has, in the request's
// language; fallback when it has none. For words chosen by stored codes (an
// audit action, an outcome) that may have no text of their own.
func (r *Renderer) Label(req *http.Request, fallback string, keys ...string) string {
	lang := requestLang(req)
	for _, k := range keys {
		if _, ok := r.catalog[lang][k]; ok {
			return r.catalog.T(lang, k)
		}
		if _, ok := r.catalog[LangVI][k]; ok {
			return r.catalog.T(lang, k)
		}
	}
	return fallback
}

// Pages parses templates/NAME.html for each name (with the partials given),
// keyed by name.
func (r *Renderer) Pages(fsys fs.FS, names []string, partials ...string) (map[string]*Page, error) {
	out := make(map[string]*Page, len(names))
	for _, name := range names {
		p, err := r.Page(fsys, append([]string{"templates/" + name + ".html"}, partials...)...)
		if err != nil {
			return nil, err
		}
		out[name] = p
	}
	return out, nil
}

// AssetHash is the hash a static file's address carries: the first 48 bits of
// the SHA-256 of its bytes, in hex.
func AssetHash(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:6])
}

// Page is one parsed page: the base layout plus a template that defines "content".
type Page struct {
	tpl *template.Template
}

// Page parses files from fsys on the base layout: one defines "content", the
// others the partials it uses.
func (r *Renderer) Page(fsys fs.FS, files ...string) (*Page, error) {
	t, err := r.base.Clone()
	if err != nil {
		return nil, err
	}
	for _, file := range files {
		b, err := fs.ReadFile(fsys, file)
		if err != nil {
			return nil, fmt.Errorf("read page %s: %w", file, err)
		}
		if _, err := t.New(path.Base(file)).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("parse page %s: %w", file, err)
		}
	}
	return &Page{tpl: t}, nil
}

// execute renders the page into a buffer first, so that a template error becomes
// a clean 500 rather than half a page. A page that carries a form token (the
// csrf partial ran) sets the visitor's token cookie if they have none yet and
// is never kept by a shared cache (the token is this visitor's); a page
// without a form sets no cookie, so caches may keep it (delivery.go).
func (p *Page) execute(w http.ResponseWriter, status int, v View) error {
	var buf bytes.Buffer
	form := false
	v.form = &form
	if err := p.tpl.ExecuteTemplate(&buf, "base", v); err != nil {
		return err
	}
	h := w.Header()
	if form {
		if c := v.Viewer.formCookie(); c != nil {
			http.SetCookie(w, c)
		}
		if cc := h.Get("Cache-Control"); cc == "" || strings.Contains(cc, "public") {
			h.Set("Cache-Control", "private, no-cache")
		}
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", v.Lang)
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// Vietnam is the time zone of every date and time shown (UTC+7, no summer time).
var Vietnam = time.FixedZone("ICT", 7*3600)

// FormatMillis shows a stored timestamp (epoch milliseconds) as Vietnamese local
// time, dd/mm/yyyy hh:mm.
func FormatMillis(ms int64) string { return time.UnixMilli(ms).In(Vietnam).Format("02/01/2006 15:04") }

// Decimal shows f with places decimals as the language writes it: "4,5" in
// Vietnamese, "4.5" in English.
func Decimal(lang string, places int, f float64) string {
	out := strconv.FormatFloat(f, 'f', places, 64)
	if lang != "en" {
		out = strings.Replace(out, ".", ",", 1)
	}
	return out
}

// Percent shows n of a whole as a rounded percentage, "37%"; of nothing it
// is "—": an empty statistic is no statistic, not 0%.
func Percent(n, of int) string {
	if of <= 0 {
		return "—"
	}
	return strconv.Itoa((n*100+of/2)/of) + "%"
}

// Ratio shows n of a whole as "n/of" ("3/5 answered"); of nothing it is "—".
func Ratio(n, of int) string {
	if of <= 0 {
		return "—"
	}
	return strconv.Itoa(n) + "/" + strconv.Itoa(of)
}

// FormatDate shows a date the Vietnamese way, dd/mm/yyyy: the one function for
// every date shown to people, whatever holds it — a civil date (legal.Date), a
// stored YYYY-MM-DD text, a timestamp in epoch milliseconds or a time.Time
// (the day in Vietnam). Text that is no date is shown as it is; zero is "".
func FormatDate(v any) string {
	switch d := v.(type) {
	case legal.Date:
		if d.IsZero() {
			return ""
		}
		return d.VN()
	case string:
		if p, err := legal.ParseDate(d); err == nil {
			return p.VN()
		}
		if len(d) > 10 && d[10] == 'T' { // an RFC 3339 time
			if p, err := legal.ParseDate(d[:10]); err == nil {
				return p.VN()
			}
		}
		return d
	case int64:
		if d == 0 {
			return ""
		}
		return time.UnixMilli(d).In(Vietnam).Format("02/01/2006")
	case time.Time:
		if d.IsZero() {
			return ""
		}
		return d.In(Vietnam).Format("02/01/2006")
	}
	return fmt.Sprint(v)
}

// FormatSize shows a file size the Vietnamese way: "850 KB", "1,2 MB".
func FormatSize(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%d KB", (n+512)/1024)
	}
	return strings.Replace(fmt.Sprintf("%.1f MB", float64(n)/(1024*1024)), ".", ",", 1)
}
