package calendar

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"danchu/internal/ical"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// Source is a capability that has dated public events in a commune (its own
// and its villages'): consultation windows, vote days and meetings today;
// reception schedules and conferences later. Each implements it with its own
// SQL; the app wires them here, so no room imports another. Only what the
// public may read is returned (never a staff-only consultation).
type Source interface {
	Events(ctx context.Context, commune org.Unit, from, to legal.Date) ([]ical.Event, error)
}

// The span of a commune's calendar: the last PastMonths and what is announced
// up to AheadMonths ahead. Each source returns at most MaxEvents of them.
const (
	PastMonths  = 12
	AheadMonths = 24
	MaxEvents   = 1000
	Refresh     = 6 * time.Hour // how often a subscribed phone is asked to fetch it again
)

// Span is the days a commune's calendar covers on day today.
func Span(today legal.Date) (from, to legal.Date) {
	return today.AddMonths(-PastMonths), today.AddMonths(AheadMonths)
}

// ICSPath is the address of a commune's calendar.
func ICSPath(u org.Unit) string { return org.UnitURL(u) + "/lich.ics" }

// RegisterEvents serves each commune's calendar at /xa/{code}/lich.ics.
func RegisterEvents(s *web.Server, units *org.Service, now func() time.Time, sources ...Source) {
	s.HandleFunc("GET /xa/{code}/lich.ics", func(w http.ResponseWriter, r *http.Request) {
		u, err := units.CommuneByCode(r.Context(), r.PathValue("code"))
		if err != nil {
			s.Error(w, r, err)
			return
		}
		b, err := CommuneCalendar(r.Context(), u, s.BaseURL(r), legal.Today(now()), sources...)
		if err != nil {
			s.Error(w, r, err)
			return
		}
		w.Header().Set("Content-Type", ical.ContentType)
		w.Header().Set("Content-Disposition", `inline; filename="lich-`+u.Code+`.ics"`)
		w.Write(b)
	})
}

// CommuneCalendar gathers the sources' events of a commune into one calendar;
// events' page paths become addresses on base.
func CommuneCalendar(ctx context.Context, u org.Unit, base string, today legal.Date, sources ...Source) ([]byte, error) {
	from, to := Span(today)
	host := base
	if p, err := url.Parse(base); err == nil && p.Host != "" {
		host = p.Host
	}
	c := ical.Calendar{Name: "Lịch " + u.Name, URL: base + org.UnitURL(u), Host: host, Refresh: Refresh,
		Description: fmt.Sprintf("Họp cộng đồng dân cư, ngày biểu quyết và thời gian lấy ý kiến Nhân dân của %s, từ %s (Luật Thực hiện dân chủ ở cơ sở).",
			u.Name, from.VN())}
	for _, src := range sources {
		evs, err := src.Events(ctx, u, from, to)
		if err != nil {
			return nil, fmt.Errorf("calendar of %s: %w", u.Code, err)
		}
		for _, e := range evs {
			if strings.HasPrefix(e.URL, "/") {
				e.URL = base + e.URL
			}
			c.Events = append(c.Events, e)
		}
	}
	return c.Bytes(), nil
}
