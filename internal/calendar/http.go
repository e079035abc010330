package calendar

import (
	"bytes"
	"embed"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/web"
)

//go:embed templates locales
var files embed.FS

type handlers struct {
	svc  *Service
	web  *web.Server
	page *web.Page
}

// RegisterRoutes adds the calendar page of the back office (/quan-tri/lich).
func RegisterRoutes(s *web.Server, ah *auth.Handlers, svc *Service) error {
	if err := s.AddCatalog(files); err != nil {
		return fmt.Errorf("calendar catalog: %w", err)
	}
	p, err := s.Page(files, "templates/calendar.html")
	if err != nil {
		return err
	}
	h := &handlers{svc: svc, web: s, page: p}
	s.HandleFunc("GET /quan-tri/lich", ah.Official(h.show))
	s.HandleFunc("POST /quan-tri/lich", ah.Official(h.add))
	s.HandleFunc("POST /quan-tri/lich/{id}/xoa", ah.Official(h.delete))
	return nil
}

type pageData struct {
	Year      int
	Prev      int
	Next      int
	DaysOff   []legal.Holiday
	Overrides []Stored
	Error     string
	Values    map[string]string
}

func (h *handlers) render(w http.ResponseWriter, r *http.Request, a *auth.Actor, year, status int, p pageData) {
	if err := h.svc.guard.Can(r.Context(), a, auth.ManageCalendar, 0); err != nil {
		h.web.Error(w, r, err)
		return
	}
	cal, err := h.svc.Calendar(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	all, err := h.svc.Overrides(r.Context())
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	p.Year, p.Prev, p.Next, p.DaysOff = year, year-1, year+1, cal.Holidays(year)
	for _, o := range all {
		if o.Date.Year == year {
			p.Overrides = append(p.Overrides, o)
		}
	}
	h.web.RenderStatus(w, r, h.page, status, h.web.T(r, "calendar.title", year), p)
}

func (h *handlers) yearParam(r *http.Request) (int, error) {
	n := web.FormNumbers(r)
	y := n.Optional("nam", apperr.M("calendar.field.year"), legal.Today(h.svc.Now()).Year)
	if err := n.Err(); err != nil || y < legal.FirstYear || y > legal.LastYear {
		return 0, apperr.New(apperr.CodeInvalid, "calendar.err.year_range", legal.FirstYear, legal.LastYear)
	}
	return y, nil
}

func (h *handlers) show(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	y, err := h.yearParam(r)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.render(w, r, a, y, http.StatusOK, pageData{})
}

// add stores one override from the form fields, or the lines pasted in "csv".
func (h *handlers) add(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	y, err := h.yearParam(r)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	values := map[string]string{"day": r.PostFormValue("day"), "kind": r.PostFormValue("kind"), "name": r.PostFormValue("name"), "csv": r.PostFormValue("csv")}
	var body bytes.Buffer
	if strings.TrimSpace(values["csv"]) != "" {
		body.WriteString(values["csv"])
	} else {
		cw := csv.NewWriter(&body)
		cw.Write([]string{strings.TrimSpace(values["day"]), values["kind"], strings.TrimSpace(values["name"])})
		cw.Flush()
	}
	idem, err := web.FormIdem(r)
	n := 0
	if err == nil {
		n, err = h.svc.ImportOnce(r.Context(), a, &body, idem)
	}
	if err != nil {
		if f, ok := h.web.FailForm(w, r, err); ok {
			h.render(w, r, a, y, f.Status, pageData{Error: f.Message, Values: values})
		}
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/quan-tri/lich?nam=%d", y), "calendar.done.saved", n)
}

func (h *handlers) delete(w http.ResponseWriter, r *http.Request, a *auth.Actor) {
	y, err := h.yearParam(r)
	if err != nil {
		h.web.Error(w, r, err)
		return
	}
	id, ok := web.PathID(r, "id")
	if !ok {
		h.web.NotFound(w, r)
		return
	}
	if err := h.svc.Delete(r.Context(), a, id); err != nil {
		h.web.Error(w, r, err)
		return
	}
	h.web.Done(w, r, fmt.Sprintf("/quan-tri/lich?nam=%d", y), "calendar.done.deleted")
}
