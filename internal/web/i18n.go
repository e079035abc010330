package web

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"slices"

	"danchu/internal/apperr"
	"danchu/internal/db"
	"danchu/internal/files"
	"danchu/internal/redact"
)

// Languages the pages are written in; Vietnamese is the default.
const (
	LangVI = "vi"
	LangEN = "en"
)

// Catalog maps a language to message keys to text.
type Catalog map[string]map[string]string

// LoadCatalog reads locales/vi.json and locales/en.json from fsys, refusing a key
// that one of them lacks, merged with the kernel's catalog (the kernel's
// messages, such as web.Text's and internal/files', reach every room). A room uses
// it to render its messages where there is no request (a command-line report);
// pages use Renderer.T.
func LoadCatalog(fsys fs.FS) (Catalog, error) {
	c, err := loadCatalog(fsys)
	if err != nil {
		return nil, err
	}
	kernel, err := kernelCatalog()
	if err != nil {
		return nil, err
	}
	for lang, m := range kernel {
		for k, v := range m {
			if have, dup := c[lang][k]; dup && have != v {
				return nil, fmt.Errorf("catalog: key %q defined twice", k)
			}
			c[lang][k] = v // the same text again: fsys is a kernel package's own folder (its tests)
		}
	}
	return c, nil
}

// kernelCatalog is the shell's own catalog merged with those of the kernel
// packages whose errors any room may show: internal/files (uploads and photos),
// internal/redact (blacked-out copies of attachments) and internal/db
// (idempotency keys).
func kernelCatalog() (Catalog, error) {
	c, err := loadCatalog(shellFS)
	if err != nil {
		return nil, err
	}
	f, err := loadCatalog(files.Locales)
	if err != nil {
		return nil, fmt.Errorf("files catalog: %w", err)
	}
	if err := c.merge(f); err != nil {
		return nil, err
	}
	rd, err := loadCatalog(redact.Locales)
	if err != nil {
		return nil, fmt.Errorf("redact catalog: %w", err)
	}
	if err := c.merge(rd); err != nil {
		return nil, err
	}
	k, err := loadCatalog(db.Locales)
	if err != nil {
		return nil, fmt.Errorf("db catalog: %w", err)
	}
	if err := c.merge(k); err != nil {
		return nil, err
	}
	return c, nil
}

// loadCatalog reads locales/vi.json and locales/en.json from fsys.
func loadCatalog(fsys fs.FS) (Catalog, error) {
	c := Catalog{}
	for _, lang := range []string{LangVI, LangEN} {
		b, err := fs.ReadFile(fsys, "locales/"+lang+".json")
		if err != nil {
			return nil, fmt.Errorf("read catalog %s: %w", lang, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("parse catalog %s: %w", lang, err)
		}
		c[lang] = m
	}
	for k := range c[LangVI] {
		if _, ok := c[LangEN][k]; !ok {
			return nil, fmt.Errorf("catalog: key %q has no English text", k)
		}
	}
	for k := range c[LangEN] {
		if _, ok := c[LangVI][k]; !ok {
			return nil, fmt.Errorf("catalog: key %q has no Vietnamese text", k)
		}
	}
	return c, nil
}

// merge adds other's keys to c, refusing a key defined twice.
func (c Catalog) merge(other Catalog) error {
	for lang, m := range other {
		if c[lang] == nil {
			c[lang] = map[string]string{}
		}
		for k, v := range m {
			if _, dup := c[lang][k]; dup {
				return fmt.Errorf("catalog: key %q defined twice", k)
			}
			c[lang][k] = v
		}
	}
	return nil
}

// T returns the text of key in lang, formatted with args; an argument that is an
// apperr.Msg (a message built from pieces, such as a wait in seconds or in
// minutes) is itself rendered in lang first. A missing key shows as the key
// itself so that it is noticed.
func (c Catalog) T(lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		s, ok = c[LangVI][key]
	}
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, c.pieces(lang, args)...)
	}
	return s
}

// has reports whether key is in the catalog in both languages.
func (c Catalog) has(key string) bool {
	_, vi := c[LangVI][key]
	_, en := c[LangEN][key]
	return vi && en
}

// pieces is args with each apperr.Msg among them rendered in lang (args itself
// is left alone: it may be the arguments of a shared error value).
func (c Catalog) pieces(lang string, args []any) []any {
	out := args
	for i, a := range args {
		if m, ok := a.(apperr.Msg); ok {
			if &out[0] == &args[0] {
				out = slices.Clone(args)
			}
			out[i] = c.T(lang, m.Key, m.Args...)
		}
	}
	return out
}

const langCookie = "lang"

// requestLang is the language chosen by the lang cookie, Vietnamese otherwise.
func requestLang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && c.Value == LangEN {
		return LangEN
	}
	return LangVI
}

// switchLang sets the language cookie and returns to the page the person was on.
func switchLang(w http.ResponseWriter, r *http.Request) {
	lang := LangVI
	if r.URL.Query().Get("lang") == LangEN {
		lang = LangEN
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: r.TLS != nil})
	http.Redirect(w, r, SafeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
}

// Bilingual is a coded error as the command line prints it: its message in
// Vietnamese, then in English ("… / …"), from the catalogs of fsys (each a
// folder holding locales/vi.json and locales/en.json). An error without a key
// found there is err.Error().
func Bilingual(err error, fsys ...fs.FS) string {
	var e *apperr.Error
	if errors.As(err, &e) {
		if s, ok := BilingualMsg(e.Msg, fsys...); ok {
			return s
		}
	}
	return err.Error()
}

// BilingualMsg is Bilingual of a message (a warning, not an error); ok is
// false when no catalog of fsys has its key.
func BilingualMsg(m apperr.Msg, fsys ...fs.FS) (string, bool) {
	if m.Key == "" {
		return "", false
	}
	for _, f := range fsys {
		c, err := LoadCatalog(f)
		if err != nil {
			continue
		}
		if _, ok := c[LangVI][m.Key]; ok {
			return c.T(LangVI, m.Key, m.Args...) + " / " + c.T(LangEN, m.Key, m.Args...), true
		}
	}
	return "", false
}
