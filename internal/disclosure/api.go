package disclosure

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// BoardRow is a disclosure of a public board as the API and its CSV give it
// (documented in openapi.json, schema DisclosureRow). Staff-only boards and
// withdrawn disclosures are never rows.
type BoardRow struct {
	ID           string `json:"id"`
	UnitCode     string `json:"unit_code"`
	UnitName     string `json:"unit_name"`
	Category     int    `json:"category"`
	CategoryName string `json:"category_name"`
	Title        string `json:"title"`
	Status       string `json:"status"`
	Version      int    `json:"version"`
	Late         bool   `json:"late"`
	PostingStart string `json:"posting_start"`
	PublishedAt  string `json:"published_at"`
	UpdatedAt    string `json:"updated_at"`
	URL          string `json:"url"`
}

// RegisterEntry is a line of a public board's quarterly register (Art 13(2))
// as the API gives it (schema DisclosureRegisterRow): the register of
// /quan-tri/…/so-cong-khai without staff-only boards and withdrawn items.
type RegisterEntry struct {
	N            int    `json:"n"`
	ID           string `json:"id"`
	UnitCode     string `json:"unit_code"`
	UnitName     string `json:"unit_name"`
	Category     int    `json:"category"`
	CategoryName string `json:"category_name"`
	Title        string `json:"title"`
	DecisionDate string `json:"decision_date"`
	Due          string `json:"due_date"`
	PostingStart string `json:"posting_start"`
	MinEnd       string `json:"min_end"`
	Forms        string `json:"forms"`
	Status       string `json:"status"`
	Late         bool   `json:"late"`
	Versions     int    `json:"versions"`
}

// PublicRegister is the register of unit's public board for a quarter, in
// posting order: what any citizen may read of it.
func (s *Service) PublicRegister(ctx context.Context, u org.Unit, year, quarter int) ([]RegisterEntry, error) {
	if quarter < 1 || quarter > 4 || year < legal.FirstYear || year > legal.LastYear {
		return nil, apperr.New(apperr.CodeInvalid, "disclosure.err.quarter").Mark("quarter")
	}
	if _, _, staff, err := s.boardOf(ctx, u.ID); err != nil || staff {
		return nil, apperr.New(apperr.CodeNotFound, "disclosure.err.unit_not_found")
	}
	from := legal.DateOf(year, time.Month(3*quarter-2), 1)
	to := from.AddMonths(3)
	lines, err := s.registerLines(ctx, u, from, to)
	if err != nil {
		return nil, err
	}
	chans, err := s.registerChannels(ctx, u, from, to)
	if err != nil {
		return nil, err
	}
	forms := map[int64]string{}
	for _, c := range chans {
		f := channelName(c.channel) + " " + c.start
		if c.end != "" {
			f += "/" + c.end
		}
		if forms[c.id] != "" {
			f = "; " + f
		}
		forms[c.id] += f
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := []RegisterEntry{}
	for _, l := range lines {
		if l.staff || l.Status == Withdrawn {
			continue
		}
		un, _ := t.Unit(l.unitOf)
		c, _ := CategoryOf(false, l.cat)
		out = append(out, RegisterEntry{N: len(out) + 1, ID: web.APIID(l.ID), UnitCode: un.Code, UnitName: un.Name, Category: c.N, CategoryName: c.Name,
			Title: l.Title, DecisionDate: l.DecisionDate, Due: l.Due, PostingStart: l.PostingStart, MinEnd: l.minEnd, Forms: forms[l.ID],
			Status: l.Status, Late: l.Late, Versions: l.Versions})
	}
	return out, nil
}

// boardRows are a board's items as API rows.
func (s *Service) boardRows(ctx context.Context, its []Item) ([]BoardRow, error) {
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BoardRow, len(its))
	for i, it := range its {
		u, _ := t.Unit(it.UnitID)
		c, _ := CategoryOf(false, it.Category)
		out[i] = BoardRow{ID: web.APIID(it.ID), UnitCode: u.Code, UnitName: u.Name, Category: it.Category, CategoryName: c.Name, Title: it.Title,
			Status: it.Status, Version: it.Version, Late: it.Late, PostingStart: it.PostingStart, PublishedAt: web.APITime(it.PublishedAt),
			UpdatedAt: web.APITime(it.UpdatedAt), URL: URL(it.ID)}
	}
	return out, nil
}

// Datasets are the open data of a commune's or village's public board, for /du-lieu-mo.
func (s *Service) Datasets(ctx context.Context, u org.Unit) ([]web.Dataset, error) {
	if l := u.Type.Level(); l != org.CommuneLevel && l != org.VillageLevel {
		return nil, nil
	}
	at, err := s.publicUpdatedAt(ctx, u)
	if err != nil {
		return nil, err
	}
	base := "/api/v1/units/" + u.Code
	return []web.Dataset{
		{Key: "disclosures", Title: apperr.M("disclosure.data.board"), About: apperr.M("disclosure.data.board_about"), URL: base + "/disclosures",
			Columns: web.Columns[BoardRow](), UpdatedAt: at},
		{Key: "disclosure-register", Title: apperr.M("disclosure.data.register"), About: apperr.M("disclosure.data.register_about"),
			URL: base + "/disclosure-register", Columns: web.Columns[RegisterEntry](), UpdatedAt: at},
	}, nil
}

// apiUnit is the commune or village of the API path's {code} whose board is public.
func (h *handlers) apiUnit(r *http.Request) (org.Unit, error) {
	u, err := h.units.UnitByCode(r.Context(), r.PathValue("code"))
	if err == nil {
		if l := u.Type.Level(); l != org.CommuneLevel && l != org.VillageLevel {
			err = apperr.New(apperr.CodeNotFound, "disclosure.err.unit_not_found")
		}
	}
	return u, err
}

// apiBoard answers GET /api/v1/units/{code}/disclosures: a board's posted
// (or, with ?status=archived, archived) disclosures, newest first.
func (h *handlers) apiBoard(w http.ResponseWriter, r *http.Request) {
	u, err := h.apiUnit(r)
	status := r.URL.Query().Get("status")
	switch status {
	case "", Posted:
		status = Posted
	case Archived:
	default:
		if err == nil {
			err = apperr.New(apperr.CodeInvalid, "disclosure.err.api_status").Mark("status")
		}
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	l, err := web.KeysetList(r, func(after int64, n int) ([]Item, error) { return h.svc.Board(r.Context(), u, status, after, n) },
		func(it Item) int64 { return it.ID })
	var rows []BoardRow
	if err == nil {
		rows, err = h.svc.boardRows(r.Context(), l.Items)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "cong-khai-"+u.Code, web.List[BoardRow]{Items: rows, NextCursor: l.NextCursor})
}

// apiRegister answers GET /api/v1/units/{code}/disclosure-register?year=&quarter=
// (default: the current quarter).
func (h *handlers) apiRegister(w http.ResponseWriter, r *http.Request) {
	u, err := h.apiUnit(r)
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	today := legal.Today(h.svc.Now())
	year, quarter := today.Year, QuarterOf(today)
	for _, p := range []struct {
		name string
		v    *int
	}{{"year", &year}, {"quarter", &quarter}} {
		if s := r.URL.Query().Get(p.name); s != "" {
			n, ok := web.ParseID(s)
			if !ok || n > 9999 {
				h.web.APIError(w, r, apperr.New(apperr.CodeInvalid, "disclosure.err.quarter").Mark(p.name))
				return
			}
			*p.v = int(n)
		}
	}
	all, err := h.svc.PublicRegister(r.Context(), u, year, quarter)
	var l web.List[RegisterEntry]
	if err == nil {
		l, err = web.SliceList(r, all)
	}
	if err != nil {
		h.web.APIError(w, r, err)
		return
	}
	web.WriteList(h.web, w, r, "so-cong-khai-"+u.Code+"-"+strconv.Itoa(year)+"-q"+strconv.Itoa(quarter), l)
}
