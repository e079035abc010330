package decision

import (
	"context"
	"fmt"
	"strings"
	"time"

	"danchu/internal/ical"
	"danchu/internal/legal"
	"danchu/internal/org"
)

// MaxCalendarVotes bounds the votes one commune's calendar lists.
const MaxCalendarVotes = 1000

// calendarMethods name a vote in a calendar: what the households do that day.
var calendarMethods = map[Method]string{Meeting: "Họp cộng đồng dân cư", Ballot: "Phát phiếu lấy ý kiến hộ gia đình", Online: "Biểu quyết trực tuyến"}

// Events are the commune's vote days (calendar.Source): a meeting or a paper
// ballot on its day in its village, an online vote from its notice to its last
// day; each with the matter's page, and its outcome once counted. Matters and
// their notices are public (the commune's list of matters shows them all).
func (s *Service) Events(ctx context.Context, commune org.Unit, from, to legal.Date) ([]ical.Event, error) {
	votes, err := s.calendarVotes(ctx, commune.ID, from, to, MaxCalendarVotes)
	if err != nil {
		return nil, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ical.Event, 0, len(votes))
	for _, v := range votes {
		village, _ := t.Unit(v.VillageID)
		place := village.Name + ", " + commune.Name
		e := ical.Event{Key: fmt.Sprintf("vote-%d", v.ID), Summary: calendarMethods[v.Method] + ": " + v.Title, URL: URL(v.MatterID),
			Location: place, First: v.HeldOn, Categories: []string{"Nhân dân bàn và quyết định"}, Busy: v.Method == Meeting,
			Created: time.UnixMilli(v.CreatedAt), Modified: time.UnixMilli(v.Modified)}
		var d []string
		switch v.Method {
		case Online:
			e.First, e.Last, e.Location = v.NoticedOn, v.HeldOn, "Trực tuyến — "+place
			d = append(d, fmt.Sprintf("Biểu quyết trực tuyến từ ngày %s đến hết ngày %s.", v.NoticedOn.VN(), v.HeldOn.VN()))
		default:
			d = append(d, fmt.Sprintf("%s tại %s ngày %s (thông báo ngày %s).", calendarMethods[v.Method], place, v.HeldOn.VN(), v.NoticedOn.VN()))
		}
		d = append(d, fmt.Sprintf("Mỗi hộ gia đình một phiếu; %d hộ có quyền biểu quyết.", v.Households))
		if v.Status == StatusClosed {
			switch {
			case v.LackedNumbers:
				d = append(d, "Cuộc họp không đủ số hộ gia đình tham dự; việc này sẽ được lấy ý kiến bằng phiếu.")
			case v.Elected:
				d = append(d, fmt.Sprintf("Đã kiểm phiếu ngày %s; kết quả bầu xem trên trang.", legal.Today(time.UnixMilli(v.ClosedAt)).VN()))
			case v.Passed:
				d = append(d, fmt.Sprintf("Kết quả: tán thành %d/%d hộ — đạt.", v.Tally.Agree, v.Households))
			default:
				d = append(d, fmt.Sprintf("Kết quả: tán thành %d/%d hộ — không đạt.", v.Tally.Agree, v.Households))
			}
		}
		if v.AnnulledOn != "" {
			if day, err := legal.ParseDate(v.AnnulledOn); err == nil {
				d = append(d, "Quyết định đã bị hủy bỏ ngày "+day.VN()+".")
			}
		}
		e.Description = strings.Join(d, "\n")
		out = append(out, e)
	}
	return out, nil
}
