package audit

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"

	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

// PageSize is how many entries the public record shows per page.
const PageSize = 50

// ExportLimit caps one page of the JSON export.
const ExportLimit = 1000

type handlers struct {
	svc          *Service
	web          *web.Server
	list, detail *web.Page
}

// RegisterRoutes adds the public record: /minh-bach (newest first, with the head
// hash and how to check it), /minh-bach/{seq} and /minh-bach.json for anyone who
// wants to recompute the chain themselves.
func RegisterRoutes(s *web.Server, svc *Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("audit catalog: %w", err)
	}
	h := &handlers{svc: svc, web: s}
	var err error
	if h.list, err = s.Page(files, "templates/record.html"); err != nil {
		return err
	}
	if h.detail, err = s.Page(files, "templates/entry.html"); err != nil {
		return err
	}
	s.HandleFunc("GET /minh-bach", h.showList)
	s.HandleFunc("GET /minh-bach/{seq}", h.showEntry)
	s.HandleFunc("GET /minh-bach.json", h.export)
	return nil
}

// positive reads an optional positive integer parameter.
func positive(r *http.Request, name string) (int64, error) {
	return web.CursorParam(r, name)
}

func (h *handlers) showList(w http.ResponseWriter, r *http.Request) {
	seq, head, err := h.svc.Head(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	rs, pager, err := web.KeysetPage(r, "truoc", PageSize, func(before int64, n int) ([]Record, error) { return h.svc.Records(r.Context(), before, n) },
		func(rec Record) int64 { return rec.Seq })
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.list, h.web.T(r, "audit.record.title"), struct {
		HeadSeq  int64
		HeadHash string
		Records  []Record
		Pager    web.Pager
	}{seq, head, rs, pager})
}

func (h *handlers) showEntry(w http.ResponseWriter, r *http.Request) {
	seq, ok := web.PathID(r, "seq")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	rec, err := h.svc.RecordBySeq(r.Context(), seq)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Render(w, r, h.detail, h.web.T(r, "audit.entry.title", rec.Seq), struct {
		Record
		Prev int64
	}{rec, rec.Seq - 1})
}

// exported is an entry as the JSON export gives it: everything needed to
// recompute its hashes.
type exported struct {
	Seq         int64  `json:"seq"`
	Content     string `json:"content"`
	ContentHash string `json:"content_hash"`
	PrevHash    string `json:"prev_hash"`
	Hash        string `json:"hash"`
}

func (h *handlers) export(w http.ResponseWriter, r *http.Request) {
	from, err := positive(r, "tu")
	if err == nil && from == 0 {
		from = 1
	}
	var limit int64
	if err == nil {
		limit, err = positive(r, "so")
	}
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	if limit == 0 || limit > ExportLimit {
		limit = ExportLimit
	}
	rs, err := h.svc.Range(r.Context(), from, int(limit))
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	out := struct {
		Entries []exported `json:"entries"`
		Next    int64      `json:"next,omitempty"`
	}{Entries: make([]exported, len(rs))}
	for i, rec := range rs {
		out.Entries[i] = exported{rec.Seq, rec.Content, rec.ContentHash, rec.PrevHash, rec.Hash}
	}
	if int64(len(rs)) == limit {
		out.Next = rs[len(rs)-1].Seq + 1
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	_ = enc.Encode(out)
}
