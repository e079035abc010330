package consultation

import (
	"context"
	"fmt"
	"strings"
	"time"

	"danchu/internal/ical"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/web"
)

// MaxCalendarConsultations bounds the consultations one commune's calendar lists.
const MaxCalendarConsultations = 1000

// Events are the commune's comment windows (calendar.Source): each public
// consultation from its first to its last day of comments, with its page, its
// forms, and whether the synthesis is out. Staff-only ones are never listed.
func (s *Service) Events(ctx context.Context, commune org.Unit, from, to legal.Date) ([]ical.Event, error) {
	cs, err := s.calendarConsultations(ctx, commune.ID, from, to, MaxCalendarConsultations)
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	for _, f := range Forms {
		names[f.ID] = f.Name
	}
	out := make([]ical.Event, 0, len(cs))
	for _, c := range cs {
		place := commune.Name
		if u, ok := t.Unit(c.UnitID); ok && u.ID != commune.ID {
			place = u.Name + ", " + commune.Name // a village's consultation
		}
		d := []string{fmt.Sprintf("Lấy ý kiến Nhân dân từ ngày %s đến hết ngày %s.", c.OpensOn.VN(), c.ClosesOn.VN())}
		if intro := web.Excerpt(web.MarkdownText(c.Intro), 300); intro != "" {
			d = append(d, intro)
		}
		var forms []string
		for _, f := range c.Forms {
			if n := names[f]; n != "" {
				forms = append(forms, n)
			}
		}
		if len(forms) > 0 {
			d = append(d, "Hình thức: "+strings.Join(forms, "; ")+".")
		}
		if c.Status == Synthesized {
			d = append(d, "Đã công bố kết quả tổng hợp ý kiến.")
		}
		out = append(out, ical.Event{Key: fmt.Sprintf("consultation-%d", c.ID), Summary: "Lấy ý kiến: " + c.Title,
			Description: strings.Join(d, "\n"), Location: place, URL: fmt.Sprintf("/lay-y-kien/%d", c.ID),
			First: c.OpensOn, Last: c.ClosesOn, Categories: []string{"Lấy ý kiến Nhân dân"},
			Created: time.UnixMilli(c.CreatedAt), Modified: time.UnixMilli(c.Modified)})
	}
	return out, nil
}
