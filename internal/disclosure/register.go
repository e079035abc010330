package disclosure

import (
	"context"
	"fmt"
	"strings"
	"time"

	"danchu/internal/apperr"
	"danchu/internal/auth"
	"danchu/internal/legal"
	"danchu/internal/org"
	"danchu/internal/sheet"
	"danchu/internal/web"
)

// RegisterRow is a line of the quarterly register (sổ theo dõi công khai, Art 13(2)):
// what was disclosed, in which forms, and when.
type RegisterRow struct {
	N            int
	ID           int64
	Unit         string
	Category     string
	Title        string
	DecisionDate string
	Due          string
	PostingStart string
	Window       string
	Forms        string
	Status       string
	Late         bool
	Versions     int
}

// Register is a unit's register for one quarter, with its counts.
type Register struct {
	Unit          org.Unit
	Year, Quarter int
	Rows          []RegisterRow
	Late          int
}

// QuarterOf returns the quarter (1–4) of a date.
func QuarterOf(d legal.Date) int { return (int(d.Month)-1)/3 + 1 }

// Register returns the disclosures whose posting began in the quarter, for the
// officials of the unit (or above).
func (s *Service) Register(ctx context.Context, a *auth.Actor, unitID int64, year, quarter int) (Register, error) {
	if quarter < 1 || quarter > 4 || year < legal.FirstYear || year > legal.LastYear {
		return Register{}, apperr.New(apperr.CodeInvalid, "disclosure.err.quarter")
	}
	if err := s.guard.Can(ctx, a, auth.ReadAudit, unitID); err != nil {
		return Register{}, err
	}
	unit, _, _, err := s.boardOf(ctx, unitID)
	if err != nil {
		return Register{}, err
	}
	from := legal.DateOf(year, time.Month(3*quarter-2), 1)
	to := from.AddMonths(3)
	lines, err := s.registerLines(ctx, unit, from, to)
	if err != nil {
		return Register{}, err
	}
	t, err := s.units.Tree(ctx)
	if err != nil {
		return Register{}, err
	}
	reg := Register{Unit: unit, Year: year, Quarter: quarter}
	for _, l := range lines {
		r, cat, minEnd, staff := l.RegisterRow, l.cat, l.minEnd, l.staff
		u, _ := t.Unit(l.unitOf)
		c, _ := CategoryOf(staff, cat)
		r.N, r.Unit, r.Category = len(reg.Rows)+1, u.Name, fmt.Sprintf("%d. %s", c.N, c.Name)
		r.DecisionDate, r.Due, r.PostingStart = web.FormatDate(r.DecisionDate), web.FormatDate(r.Due), web.FormatDate(r.PostingStart)
		if minEnd == "" {
			r.Window = "Thường xuyên"
		} else {
			r.Window = r.PostingStart + " – " + web.FormatDate(minEnd)
		}
		r.Status = map[string]string{Posted: "Đang công khai", Archived: "Lưu trữ", Withdrawn: "Đã rút"}[r.Status]
		if r.Late {
			reg.Late++
		}
		reg.Rows = append(reg.Rows, r)
	}
	// The channels of every listed disclosure, in one query.
	forms := map[int64][]string{}
	chans, err := s.registerChannels(ctx, unit, from, to)
	if err != nil {
		return Register{}, err
	}
	for _, c := range chans {
		f := channelName(c.channel) + " từ " + web.FormatDate(c.start)
		if c.end != "" {
			f += " đến " + web.FormatDate(c.end)
		}
		forms[c.id] = append(forms[c.id], f)
	}
	for i := range reg.Rows {
		reg.Rows[i].Forms = strings.Join(append([]string{"Cổng thông tin"}, forms[reg.Rows[i].ID]...), "; ")
	}
	return reg, nil
}

// XLSX writes the register as a spreadsheet officials open in Excel.
func (r Register) XLSX() ([]byte, error) {
	t := sheet.Table{Name: fmt.Sprintf("Quý %d-%d", r.Quarter, r.Year),
		Title: fmt.Sprintf("SỔ THEO DÕI CÔNG KHAI — %s — QUÝ %d NĂM %d", strings.ToUpper(r.Unit.Name), r.Quarter, r.Year),
		Note:  fmt.Sprintf("(Điều 13 khoản 2 Luật Thực hiện dân chủ ở cơ sở) — %d nội dung, %d công khai trễ hạn", len(r.Rows), r.Late),
		Head: []string{"STT", "Đơn vị", "Nội dung phải công khai", "Tiêu đề", "Ngày ban hành", "Hạn công khai", "Bắt đầu công khai",
			"Thời gian niêm yết", "Hình thức công khai", "Trạng thái", "Trễ hạn", "Số lần sửa đổi"},
		Widths: []float64{5, 18, 32, 40, 12, 12, 12, 22, 40, 14, 8, 10}}
	for _, row := range r.Rows {
		late := ""
		if row.Late {
			late = "Có"
		}
		t.Rows = append(t.Rows, []any{row.N, row.Unit, row.Category, row.Title, sheet.DayOf(row.DecisionDate), sheet.DayOf(row.Due), sheet.DayOf(row.PostingStart), row.Window,
			row.Forms, row.Status, late, row.Versions - 1})
	}
	b, err := sheet.XLSX(t)
	if err != nil {
		return nil, fmt.Errorf("register xlsx: %w", err)
	}
	return b, nil
}
