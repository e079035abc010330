package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"sync"
)

// The OpenAPI document of the JSON API is put together at start: the kernel's
// base (openapi/base.json: info, licence, the shared parameters, headers,
// responses and the Error schema) and one fragment per room, embedded beside
// its code (e.g. internal/disclosure/openapi.json), holding that room's paths
// and schemas. AddOpenAPI merges a fragment; a path or component that two
// fragments define is an error at start, so no room overwrites another's.
//
// The document is OpenAPI 3.1.0. It is also what kin-openapi (v0.153.0)
// loads and validates responses against (it supports 3.1 and JSON Schema
// 2020-12); the fragments still avoid 3.1-only keywords (type arrays, const,
// prefixItems, $defs) so that a 3.0 tool reads them the same way: an absent
// value is an absent property, never null.

//go:embed openapi/base.json
var openapiBase []byte

type openapiDoc struct {
	mu  sync.Mutex
	doc map[string]any
	out []byte // the merged document, once served
}

// openapiSections are the top-level and components sections a fragment may add to.
var openapiSections = []string{"paths"}
var openapiComponents = []string{"schemas", "parameters", "responses", "headers"}

// AddOpenAPI merges the fragment at name in fsys (JSON with "paths" and
// "components") into the API's document.
func (s *Server) AddOpenAPI(fsys fs.FS, name string) error {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("openapi fragment %s: %w", name, err)
	}
	var frag map[string]any
	if err := json.Unmarshal(b, &frag); err != nil {
		return fmt.Errorf("openapi fragment %s: %w", name, err)
	}
	return s.openapi.merge(name, frag)
}

func (o *openapiDoc) init() error {
	if o.doc != nil {
		return nil
	}
	return json.Unmarshal(openapiBase, &o.doc)
}

func (o *openapiDoc) merge(name string, frag map[string]any) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.out != nil {
		return fmt.Errorf("openapi fragment %s: added after the document was served", name)
	}
	if err := o.init(); err != nil {
		return fmt.Errorf("openapi base: %w", err)
	}
	// Merged into a copy, kept only when the whole fragment fits: a refused
	// fragment leaves nothing of itself behind.
	cur, err := json.Marshal(o.doc)
	if err != nil {
		return err
	}
	var doc map[string]any
	if err := json.Unmarshal(cur, &doc); err != nil {
		return err
	}
	for k := range frag {
		if k != "paths" && k != "components" {
			return fmt.Errorf("openapi fragment %s: section %q is the base document's", name, k)
		}
	}
	into := func(dst map[string]any, key string, src any) error {
		m, _ := src.(map[string]any)
		if src != nil && m == nil {
			return fmt.Errorf("openapi fragment %s: %s is not an object", name, key)
		}
		d, _ := dst[key].(map[string]any)
		if d == nil {
			d = map[string]any{}
			dst[key] = d
		}
		for k, v := range m {
			if _, dup := d[k]; dup {
				return fmt.Errorf("openapi fragment %s: %s %q is defined twice", name, key, k)
			}
			d[k] = v
		}
		return nil
	}
	for _, sec := range openapiSections {
		if err := into(doc, sec, frag[sec]); err != nil {
			return err
		}
	}
	if c, ok := frag["components"].(map[string]any); ok {
		comps, _ := doc["components"].(map[string]any)
		for k := range c {
			if !contains(openapiComponents, k) {
				return fmt.Errorf("openapi fragment %s: components.%s is not allowed", name, k)
			}
		}
		for _, sec := range openapiComponents {
			if err := into(comps, sec, c[sec]); err != nil {
				return err
			}
		}
	}
	o.doc = doc
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// OpenAPI is the merged document (base and every fragment added so far),
// indented; after the first call no fragment may be added.
func (s *Server) OpenAPI() ([]byte, error) {
	o := &s.openapi
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.out == nil {
		if err := o.init(); err != nil {
			return nil, err
		}
		b, err := json.MarshalIndent(o.doc, "", " ")
		if err != nil {
			return nil, err
		}
		o.out = append(b, '\n')
	}
	return o.out, nil
}

// serveOpenAPI answers GET /api/openapi.json.
func (s *Server) serveOpenAPI(w http.ResponseWriter, r *http.Request) {
	b, err := s.OpenAPI()
	if err != nil {
		s.APIError(w, r, err)
		return
	}
	openToAll(w)
	WriteBytes(w, r, "application/json; charset=utf-8", b)
}
